//! The C ABI for customers and the planner, driven from Rust: real use,
//! then bad input on every parameter. Runs under Miri:
//! `cargo +nightly miri test --test ffi_customer`.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use techsales::ffi::customer::*;
use techsales::ffi::*;

const AT: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn last_error() -> String {
    unsafe { CStr::from_ptr(techsales_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn new_customer(id: &CStr, a: f64, l: f64) -> *mut techsales_customer {
    let mut c = ptr::null_mut();
    let r = unsafe {
        techsales_customer_new(id.as_ptr(), c"Acme".as_ptr(), a, l, 50.0, 50.0, AT, &mut c)
    };
    assert_eq!(r, techsales_result::Ok, "{}", last_error());
    c
}

#[test]
fn classify_reclassify_history_and_json_round_trip() {
    let mut ty = 99;
    assert_eq!(
        unsafe { techsales_classify(70.0, 20.0, 50.0, 50.0, &mut ty) },
        techsales_result::Ok
    );
    assert_eq!(ty, 1, "opportunity");

    let c = new_customer(c"C-1", 70.0, 20.0);
    let mut changed = false;
    let r = unsafe {
        techsales_customer_reclassify(
            c,
            75.0,
            60.0,
            50.0,
            50.0,
            AT + 86_400,
            c"pilot won".as_ptr(),
            &mut changed,
        )
    };
    assert_eq!(r, techsales_result::Ok);
    assert!(changed);
    let mut len = 0;
    assert_eq!(
        unsafe { techsales_customer_history_len(c, &mut len) },
        techsales_result::Ok
    );
    assert_eq!(len, 1);
    let mut m = techsales_type_movement {
        from: 0,
        to: 0,
        at: 0,
    };
    assert_eq!(
        unsafe { techsales_customer_history_get(c, 0, &mut m) },
        techsales_result::Ok
    );
    assert_eq!((m.from, m.to, m.at), (1, 3, AT + 86_400));
    assert_eq!(
        unsafe { techsales_customer_history_get(c, 1, &mut m) },
        techsales_result::NotFound
    );
    assert_eq!(m.at, AT + 86_400, "out-parameter untouched on error");

    let mut json: *mut c_char = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_customer_to_json(c, &mut json) },
        techsales_result::Ok
    );
    let mut back = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_customer_from_json(json, &mut back) },
        techsales_result::Ok
    );
    let mut json2: *mut c_char = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_customer_to_json(back, &mut json2) },
        techsales_result::Ok
    );
    assert_eq!(unsafe { CStr::from_ptr(json) }, unsafe {
        CStr::from_ptr(json2)
    });
    unsafe {
        techsales_string_free(json);
        techsales_string_free(json2);
        techsales_customer_free(back);
        techsales_customer_free(c);
    }
}

#[test]
fn planner_writes_ranked_recommendations_or_reports_the_size_needed() {
    let c = new_customer(c"C-2", 20.0, 80.0); // loyal
    let mut p = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_planner_new(ptr::null(), &mut p) },
        techsales_result::Ok
    );
    let mut count = 0;
    let mut worth = false;
    let r = unsafe { techsales_planner_plan(p, c, ptr::null_mut(), 0, &mut count, &mut worth) };
    assert_eq!(r, techsales_result::BufferTooSmall);
    assert_eq!(count, 6);
    let mut recs = [techsales_recommendation {
        action: 0,
        axis: 9,
        expected_effect: 0.0,
        reason: 0,
        serves: 0,
    }; 12];
    let r = unsafe {
        techsales_planner_plan(p, c, recs.as_mut_ptr(), recs.len(), &mut count, &mut worth)
    };
    assert_eq!(r, techsales_result::Ok);
    assert!(worth);
    assert!(
        recs[..count].iter().all(|r| r.axis == 0),
        "a loyal customer is given assistance"
    );

    let mut market_taker = ptr::null_mut();
    let r = unsafe {
        techsales_customer_new_with_type(c"C-3".as_ptr(), c"Low".as_ptr(), 0, AT, &mut market_taker)
    };
    assert_eq!(r, techsales_result::Ok);
    assert_eq!(
        unsafe { techsales_customer_set_readiness(market_taker, 0, 0b101) },
        techsales_result::Ok
    );
    let r = unsafe {
        techsales_planner_plan(
            p,
            market_taker,
            recs.as_mut_ptr(),
            recs.len(),
            &mut count,
            &mut worth,
        )
    };
    assert_eq!(r, techsales_result::Ok);
    assert!(!worth);
    assert_eq!(count, 0);
    let mut json: *mut c_char = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_planner_plan_json(p, market_taker, &mut json) },
        techsales_result::Ok
    );
    let text = unsafe { CStr::from_ptr(json) }.to_str().unwrap().to_owned();
    assert!(
        text.contains("not_worth_investing_now") && text.contains("no_money"),
        "{text}"
    );
    unsafe {
        techsales_string_free(json);
        techsales_customer_free(market_taker);
        techsales_customer_free(c);
        techsales_planner_free(p);
    }
}

/// Source 000 ends with the five reasons a client stays; a sustaining plan
/// names the one each action serves. The C struct carries it as a
/// `TECHSALES_STAY_REASON_*` code that agrees with the plan's JSON and has
/// a label.
#[test]
fn each_recommendation_names_the_reason_a_client_stays_it_serves() {
    let c = new_customer(c"C-9", 85.0, 90.0); // strategic: a sustaining plan
    let mut p = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_planner_new(ptr::null(), &mut p) },
        techsales_result::Ok
    );
    let mut recs = [techsales_recommendation {
        action: 99,
        axis: 99,
        expected_effect: 0.0,
        reason: 99,
        serves: 99,
    }; 12];
    let (mut count, mut worth) = (0, false);
    let r = unsafe {
        techsales_planner_plan(p, c, recs.as_mut_ptr(), recs.len(), &mut count, &mut worth)
    };
    assert_eq!(r, techsales_result::Ok);
    assert!(worth && count > 0);
    let mut json: *mut c_char = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_planner_plan_json(p, c, &mut json) },
        techsales_result::Ok
    );
    let plan: serde_json::Value =
        serde_json::from_str(unsafe { CStr::from_ptr(json) }.to_str().unwrap()).unwrap();
    let listed = plan["recommendations"].as_array().expect("recommendations");
    assert_eq!(listed.len(), count);
    let stay_reason = techsales::catalogue::EnumKind::StayReason.code();
    for (rec, item) in recs[..count].iter().zip(listed) {
        let mut key: *const c_char = ptr::null();
        assert_eq!(
            unsafe { techsales_enum_key(stay_reason, rec.serves, &mut key) },
            techsales_result::Ok,
            "serves = {} is a stay-reason code",
            rec.serves
        );
        let key = unsafe { CStr::from_ptr(key) }.to_str().unwrap();
        assert_eq!(item["serves"], key, "C and JSON name the same reason");
        let mut label: *const c_char = ptr::null();
        assert_eq!(
            unsafe { techsales_enum_label(stay_reason, rec.serves, 0, &mut label) },
            techsales_result::Ok
        );
        assert!(!unsafe { CStr::from_ptr(label) }.is_empty());
    }
    unsafe {
        techsales_string_free(json);
        techsales_customer_free(c);
        techsales_planner_free(p);
    }
}

#[test]
fn labels_keys_and_codes_in_both_languages() {
    let mut label: *const c_char = ptr::null();
    // kind 1 = customer type, code 3 = strategic, language 1 = Chinese
    assert_eq!(
        unsafe { techsales_enum_label(1, 3, 1, &mut label) },
        techsales_result::Ok
    );
    assert!(unsafe { CStr::from_ptr(label) }
        .to_str()
        .unwrap()
        .contains("忠诚网络"));
    let mut key: *const c_char = ptr::null();
    assert_eq!(
        unsafe { techsales_enum_key(1, 0, &mut key) },
        techsales_result::Ok
    );
    assert_eq!(unsafe { CStr::from_ptr(key) }, c"market_taker");
    let mut code = 99;
    assert_eq!(
        unsafe { techsales_enum_from_key(8, c"seller_segmentation".as_ptr(), &mut code) },
        techsales_result::Ok
    );
    assert_eq!(code, 11);
    let version = unsafe { CStr::from_ptr(techsales_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn null_for_every_pointer_parameter_is_an_error_never_a_crash() {
    let c = new_customer(c"C-4", 10.0, 10.0);
    let mut p = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_planner_new(ptr::null(), &mut p) },
        techsales_result::Ok
    );
    let mut u = 0u32;
    let mut n = 0usize;
    let mut b = false;
    let mut h = ptr::null_mut();
    let mut s: *mut c_char = ptr::null_mut();
    let mut cs: *const c_char = ptr::null();
    let mut m = techsales_type_movement {
        from: 0,
        to: 0,
        at: 0,
    };
    let null = techsales_result::NullParameter;
    unsafe {
        assert_eq!(
            techsales_classify(1.0, 1.0, 50.0, 50.0, ptr::null_mut()),
            null
        );
        assert_eq!(
            techsales_customer_new(ptr::null(), c"n".as_ptr(), 1.0, 1.0, 50.0, 50.0, AT, &mut h),
            null
        );
        assert_eq!(
            techsales_customer_new(c"i".as_ptr(), ptr::null(), 1.0, 1.0, 50.0, 50.0, AT, &mut h),
            null
        );
        assert_eq!(
            techsales_customer_new(
                c"i".as_ptr(),
                c"n".as_ptr(),
                1.0,
                1.0,
                50.0,
                50.0,
                AT,
                ptr::null_mut()
            ),
            null
        );
        assert_eq!(
            techsales_customer_new_with_type(ptr::null(), c"n".as_ptr(), 0, AT, &mut h),
            null
        );
        assert_eq!(
            techsales_customer_new_with_type(c"i".as_ptr(), ptr::null(), 0, AT, &mut h),
            null
        );
        assert_eq!(
            techsales_customer_new_with_type(c"i".as_ptr(), c"n".as_ptr(), 0, AT, ptr::null_mut()),
            null
        );
        assert_eq!(
            techsales_customer_reclassify(
                ptr::null_mut(),
                1.0,
                1.0,
                50.0,
                50.0,
                AT,
                ptr::null(),
                &mut b
            ),
            null
        );
        assert_eq!(
            techsales_customer_reclassify(
                c,
                1.0,
                1.0,
                50.0,
                50.0,
                AT,
                ptr::null(),
                ptr::null_mut()
            ),
            null
        );
        assert_eq!(techsales_customer_type(ptr::null(), &mut u), null);
        assert_eq!(techsales_customer_type(c, ptr::null_mut()), null);
        assert_eq!(techsales_customer_history_len(ptr::null(), &mut n), null);
        assert_eq!(techsales_customer_history_len(c, ptr::null_mut()), null);
        assert_eq!(techsales_customer_history_get(ptr::null(), 0, &mut m), null);
        assert_eq!(techsales_customer_history_get(c, 0, ptr::null_mut()), null);
        assert_eq!(techsales_customer_set_profile(ptr::null_mut(), 0, 0), null);
        assert_eq!(
            techsales_customer_set_readiness(ptr::null_mut(), 0, 0),
            null
        );
        assert_eq!(techsales_customer_to_json(ptr::null(), &mut s), null);
        assert_eq!(techsales_customer_to_json(c, ptr::null_mut()), null);
        assert_eq!(techsales_customer_from_json(ptr::null(), &mut h), null);
        assert_eq!(
            techsales_customer_from_json(c"{}".as_ptr(), ptr::null_mut()),
            null
        );
        assert_eq!(techsales_planner_new(ptr::null(), ptr::null_mut()), null);
        assert_eq!(
            techsales_planner_plan(ptr::null(), c, ptr::null_mut(), 0, &mut n, &mut b),
            null
        );
        assert_eq!(
            techsales_planner_plan(p, ptr::null(), ptr::null_mut(), 0, &mut n, &mut b),
            null
        );
        assert_eq!(
            techsales_planner_plan(p, c, ptr::null_mut(), 4, &mut n, &mut b),
            null
        );
        assert_eq!(
            techsales_planner_plan(p, c, ptr::null_mut(), 0, ptr::null_mut(), &mut b),
            null
        );
        assert_eq!(
            techsales_planner_plan(p, c, ptr::null_mut(), 0, &mut n, ptr::null_mut()),
            null
        );
        assert_eq!(techsales_planner_plan_json(ptr::null(), c, &mut s), null);
        assert_eq!(techsales_planner_plan_json(p, ptr::null(), &mut s), null);
        assert_eq!(techsales_planner_plan_json(p, c, ptr::null_mut()), null);
        assert_eq!(techsales_enum_label(0, 0, 0, ptr::null_mut()), null);
        assert_eq!(techsales_enum_key(0, 0, ptr::null_mut()), null);
        assert_eq!(techsales_enum_from_key(0, ptr::null(), &mut u), null);
        assert_eq!(
            techsales_enum_from_key(0, c"english".as_ptr(), ptr::null_mut()),
            null
        );
        assert!(last_error().contains("out_code"), "{}", last_error());
        // Freeing NULL is harmless.
        techsales_customer_free(ptr::null_mut());
        techsales_planner_free(ptr::null_mut());
        techsales_string_free(ptr::null_mut());
        assert!(
            h.is_null() && s.is_null() && cs.is_null(),
            "nothing written on error"
        );
        cs = techsales_result_message(1);
        assert!(!cs.is_null());
        techsales_customer_free(c);
        techsales_planner_free(p);
    }
}

#[test]
fn out_of_range_enums_nan_scores_and_bad_times_are_refused() {
    let c = new_customer(c"C-5", 60.0, 60.0);
    let mut u = 7u32;
    let mut h = ptr::null_mut();
    let mut cs: *const c_char = ptr::null();
    unsafe {
        assert_eq!(
            techsales_classify(f64::NAN, 1.0, 50.0, 50.0, &mut u),
            techsales_result::InvalidArgument
        );
        assert!(last_error().contains("assistance"), "{}", last_error());
        assert_eq!(
            techsales_classify(1.0, 101.0, 50.0, 50.0, &mut u),
            techsales_result::InvalidArgument
        );
        assert!(last_error().contains("loyalty"), "{}", last_error());
        assert_eq!(
            techsales_classify(1.0, 1.0, 50.0, f64::INFINITY, &mut u),
            techsales_result::InvalidArgument
        );
        assert_eq!(u, 7, "out-parameter untouched on error");
        assert_eq!(
            techsales_customer_new_with_type(c"i".as_ptr(), c"n".as_ptr(), 4, AT, &mut h),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_customer_new_with_type(c"i".as_ptr(), c"n".as_ptr(), u32::MAX, AT, &mut h),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_customer_new_with_type(c"i".as_ptr(), c"n".as_ptr(), 0, i64::MAX, &mut h),
            techsales_result::InvalidArgument
        );
        assert_eq!(
            techsales_customer_new_with_type(c"".as_ptr(), c"n".as_ptr(), 0, AT, &mut h),
            techsales_result::InvalidArgument
        );
        assert!(h.is_null());
        assert_eq!(
            techsales_customer_set_profile(c, 3, 0),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_customer_set_profile(c, 0, 4),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_customer_set_readiness(c, 1 << 4, 0),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_customer_set_readiness(c, 0, 1 << 3),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_enum_label(99, 0, 0, &mut cs),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_enum_label(1, 4, 0, &mut cs),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_enum_label(1, 0, 2, &mut cs),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_enum_from_key(1, c"nobody".as_ptr(), &mut u),
            techsales_result::InvalidEnumValue
        );
        // A reclassification dated before the last change is refused; the record is unchanged.
        let mut changed = false;
        let r = techsales_customer_reclassify(
            c,
            1.0,
            1.0,
            50.0,
            50.0,
            AT - 1,
            ptr::null(),
            &mut changed,
        );
        assert_eq!(r, techsales_result::InvalidArgument);
        assert_eq!(techsales_customer_type(c, &mut u), techsales_result::Ok);
        assert_eq!(u, 3);
        techsales_customer_free(c);
    }
}

#[test]
fn invalid_utf8_and_malformed_or_huge_json_are_refused() {
    let bad = CString::new(vec![b'C', 0xff, 0xfe]).unwrap();
    let mut h = ptr::null_mut();
    let mut p = ptr::null_mut();
    unsafe {
        assert_eq!(
            techsales_customer_new(
                bad.as_ptr(),
                c"n".as_ptr(),
                1.0,
                1.0,
                50.0,
                50.0,
                AT,
                &mut h
            ),
            techsales_result::InvalidUtf8
        );
        assert!(last_error().contains("`id`"), "{}", last_error());
        assert_eq!(
            techsales_customer_from_json(bad.as_ptr(), &mut h),
            techsales_result::InvalidUtf8
        );
        for text in [
            &b"{"[..],
            b"[]",
            b"null",
            b"{\"id\": 5}",
            b"{\"scores\":{\"assistance\":1e999,\"loyalty\":1}}",
        ] {
            let json = CString::new(text).unwrap();
            assert_eq!(
                techsales_customer_from_json(json.as_ptr(), &mut h),
                techsales_result::InvalidJson
            );
        }
        let scale = if cfg!(miri) { 1 } else { 100 };
        let deep = CString::new("[".repeat(1_000 * scale)).unwrap();
        assert_eq!(
            techsales_customer_from_json(deep.as_ptr(), &mut h),
            techsales_result::InvalidJson
        );
        let big = CString::new(format!("{{\"id\": \"{}\"", "x".repeat(10_000 * scale))).unwrap();
        assert_eq!(
            techsales_customer_from_json(big.as_ptr(), &mut h),
            techsales_result::InvalidJson
        );
        assert!(h.is_null());
        assert_eq!(
            techsales_planner_new(c"{\"default_effect\": -1}".as_ptr(), &mut p),
            techsales_result::ConfigError
        );
        assert!(last_error().contains("default_effect"), "{}", last_error());
        assert_eq!(
            techsales_planner_new(c"{oops".as_ptr(), &mut p),
            techsales_result::InvalidJson
        );
        assert!(p.is_null());
    }
}

/// A planner handle passed to other threads, as the header documents it may be.
#[derive(Clone, Copy)]
struct SharedPlanner(*mut techsales_planner);
// SAFETY: a planner is immutable after creation and documented as shareable.
unsafe impl Send for SharedPlanner {}

impl SharedPlanner {
    fn get(self) -> *const techsales_planner {
        self.0
    }
}

#[test]
fn a_planner_is_shared_by_several_threads() {
    let mut p = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_planner_new(ptr::null(), &mut p) },
        techsales_result::Ok
    );
    let shared = SharedPlanner(p);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let planner = shared.get();
                let id = CString::new(format!("T-{t}")).unwrap();
                for i in 0..if cfg!(miri) { 2 } else { 200 } {
                    let c = new_customer(&id, (i % 100) as f64, ((i * 7) % 100) as f64);
                    let mut recs = [techsales_recommendation {
                        action: 0,
                        axis: 0,
                        expected_effect: 0.0,
                        reason: 0,
                        serves: 0,
                    }; 12];
                    let (mut n, mut worth) = (0, false);
                    let r = unsafe {
                        techsales_planner_plan(
                            planner,
                            c,
                            recs.as_mut_ptr(),
                            12,
                            &mut n,
                            &mut worth,
                        )
                    };
                    assert_eq!(r, techsales_result::Ok);
                    unsafe { techsales_customer_free(c) };
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    unsafe { techsales_planner_free(p) };
}
