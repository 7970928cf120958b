//! Typed call sequences through the C ABI: enum codes in and out of range,
//! times at the limits of `int64_t` and dates at those of `int32_t`, NaN
//! and infinities, column batches of random length, NULL pointers. No call
//! panics, a failed call writes no out-parameter, a refused event leaves
//! the handle's JSON byte-identical, and the last error is always readable.
#![no_main]
use std::ffi::{c_char, CStr};
use std::ptr;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use techsales::ffi::customer::*;
use techsales::ffi::cycle::*;
use techsales::ffi::grading::*;
use techsales::ffi::key_account::*;
use techsales::ffi::*;
use techsales_fuzz::{c_string, json_of, no_panic, take};

/// A time: raw, or one of the edges worth trying.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Time {
    Raw(i64),
    Near(u16),
    Edge(u8),
}

impl Time {
    fn seconds(self) -> i64 {
        const T0: i64 = 1_767_225_600;
        const EDGES: [i64; 8] = [
            i64::MIN,
            i64::MAX,
            0,
            -1,
            8_210_266_876_799,  // chrono's latest second
            -8_334_601_228_800, // chrono's earliest second
            8_210_266_876_800,
            -8_334_601_228_801,
        ];
        match self {
            Time::Raw(s) => s,
            Time::Near(h) => T0 + i64::from(h) * 3_600,
            Time::Edge(i) => EDGES[usize::from(i) % EDGES.len()],
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Classify([f64; 4], bool),
    CustomerNew([f64; 4], Time),
    CustomerWithType(u32, Time),
    Reclassify([f64; 4], Time, bool),
    SetProfile(u32, u32),
    SetReadiness(u32, u32),
    EnumLabel(u32, u32, u32),
    EnumKey(u32, u32),
    EnumFromKey(u32, Vec<u8>),
    DateToYmd(i32),
    DateFromYmd(i32, u32, u32),
    ResultMessage(u32),
    CycleNew(u32),
    CycleAdvance(Time),
    CycleComplete(Time, u32, Vec<u8>),
    CycleRaise(Time, Vec<u8>, Vec<u8>),
    CycleResolve(Time, Vec<u8>, Vec<u8>),
    CycleDecide(Time, u32),
    CycleLearn(Time, Vec<u8>),
    CycleCancel(Time, Vec<u8>),
    DealNew(Time),
    MeetNode(Time, u32, Vec<u8>),
    Grade(Time, u32, Vec<u8>),
    Advance(Time, bool),
    ForceAdvance(Time, Vec<u8>),
    ObserveStep(Time, u32),
    SetContact(Time, Vec<u8>, u32, u32, bool, u32),
    Close(Time, u32, Vec<u8>),
    Evaluate([f64; 9]),
    GradeOne([f64; 9], i32, i32, f64),
    Explain([f64; 9], i32, i32, f64, u32, bool),
    Policy(u32),
    GradeColumns(i32, Vec<([f64; 9], i32, f64)>, u8, u8),
    NullHandles(u8),
}

struct Handles {
    customer: *mut techsales_customer,
    cycle: *mut techsales_cycle,
    deal: *mut techsales_key_account,
    definition: *mut techsales_key_account_definition,
    grader: *mut techsales_grader,
    planner: *mut techsales_planner,
    /// The deal's and the sale's JSON as they stand, when known: kept from
    /// a refused call (which must leave them so) to the next one, and
    /// dropped by a call that changed them or a new handle.
    deal_text: Option<String>,
    cycle_text: Option<String>,
}

/// The handle's JSON, or "" for NULL.
fn deal_json(deal: *mut techsales_key_account) -> String {
    if deal.is_null() {
        return String::new();
    }
    json_of(|out| unsafe { techsales_key_account_to_json(deal, out) })
}

fn cycle_json(cycle: *mut techsales_cycle) -> String {
    if cycle.is_null() {
        return String::new();
    }
    json_of(|out| unsafe { techsales_cycle_to_json(cycle, out) })
}

fn customer_json(customer: *mut techsales_customer) -> String {
    if customer.is_null() {
        return String::new();
    }
    json_of(|out| unsafe { techsales_customer_to_json(customer, out) })
}

fn check(code: techsales_result, what: &str) -> techsales_result {
    no_panic(code, what);
    let message = techsales_last_error_message();
    assert!(!message.is_null());
    let _ = unsafe { CStr::from_ptr(message) }.to_bytes().len();
    code
}

fn free_text(code: techsales_result, text: *mut c_char) {
    if code == techsales_result::Ok {
        unsafe { take(text) };
    } else {
        assert!(text.is_null(), "out-parameter written on failure");
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut h = Handles {
        customer: ptr::null_mut(),
        cycle: ptr::null_mut(),
        deal: ptr::null_mut(),
        definition: ptr::null_mut(),
        grader: ptr::null_mut(),
        planner: ptr::null_mut(),
        deal_text: None,
        cycle_text: None,
    };
    unsafe {
        techsales_key_account_definition_new(ptr::null(), &mut h.definition);
        techsales_grader_new(ptr::null(), &mut h.grader);
        techsales_planner_new(ptr::null(), &mut h.planner);
    }
    let actor = c"ana";
    for op in ops.into_iter().take(256) {
        run(&mut h, op, actor.as_ptr());
    }
    unsafe {
        techsales_customer_free(h.customer);
        techsales_cycle_free(h.cycle);
        techsales_key_account_free(h.deal);
        techsales_key_account_definition_free(h.definition);
        techsales_grader_free(h.grader);
        techsales_planner_free(h.planner);
    }
});

/// Runs `call` on the deal and checks a refusal changed nothing.
fn on_deal(h: &mut Handles, what: &str, call: impl FnOnce() -> techsales_result) {
    let before = h.deal_text.take().unwrap_or_else(|| deal_json(h.deal));
    let code = check(call(), what);
    if code != techsales_result::Ok {
        assert_eq!(before, deal_json(h.deal), "refused {what} changed the deal");
        h.deal_text = Some(before);
    }
}

fn on_cycle(h: &mut Handles, what: &str, call: impl FnOnce() -> techsales_result) {
    let before = h.cycle_text.take().unwrap_or_else(|| cycle_json(h.cycle));
    let code = check(call(), what);
    if code != techsales_result::Ok {
        assert_eq!(
            before,
            cycle_json(h.cycle),
            "refused {what} changed the sale"
        );
        h.cycle_text = Some(before);
    }
}

fn run(h: &mut Handles, op: Op, actor: *const c_char) {
    let (def, deal, cycle) = (h.definition, h.deal, h.cycle);
    match op {
        Op::Classify([a, l, ta, tl], null_out) => {
            let mut ty = u32::MAX;
            let out = if null_out {
                ptr::null_mut()
            } else {
                &mut ty as *mut u32
            };
            let code = check(unsafe { techsales_classify(a, l, ta, tl, out) }, "classify");
            if code != techsales_result::Ok {
                assert_eq!(ty, u32::MAX, "out-parameter written on failure");
            }
        }
        Op::CustomerNew([a, l, ta, tl], at) => {
            let mut c = ptr::null_mut();
            let code = unsafe {
                techsales_customer_new(
                    c"C-1".as_ptr(),
                    c"Acme".as_ptr(),
                    a,
                    l,
                    ta,
                    tl,
                    at.seconds(),
                    &mut c,
                )
            };
            if check(code, "customer_new") == techsales_result::Ok {
                unsafe { techsales_customer_free(h.customer) };
                h.customer = c;
            } else {
                assert!(c.is_null());
            }
        }
        Op::CustomerWithType(ty, at) => {
            let mut c = ptr::null_mut();
            let code = unsafe {
                techsales_customer_new_with_type(
                    c"C-2".as_ptr(),
                    c"Bolt".as_ptr(),
                    ty,
                    at.seconds(),
                    &mut c,
                )
            };
            if check(code, "customer_new_with_type") == techsales_result::Ok {
                unsafe { techsales_customer_free(h.customer) };
                h.customer = c;
            } else {
                assert!(c.is_null());
            }
        }
        Op::Reclassify([a, l, ta, tl], at, null_reason) => {
            let before = customer_json(h.customer);
            let reason = if null_reason {
                ptr::null()
            } else {
                c"review".as_ptr()
            };
            let mut changed = false;
            let code = unsafe {
                techsales_customer_reclassify(
                    h.customer,
                    a,
                    l,
                    ta,
                    tl,
                    at.seconds(),
                    reason,
                    &mut changed,
                )
            };
            if check(code, "reclassify") != techsales_result::Ok {
                assert_eq!(
                    before,
                    customer_json(h.customer),
                    "refused reclassify changed it"
                );
            }
        }
        Op::SetProfile(b, r) => {
            check(
                unsafe { techsales_customer_set_profile(h.customer, b, r) },
                "set_profile",
            );
        }
        Op::SetReadiness(c, w) => {
            check(
                unsafe { techsales_customer_set_readiness(h.customer, c, w) },
                "set_readiness",
            );
        }
        Op::EnumLabel(k, c, l) => {
            let mut out = ptr::null();
            check(
                unsafe { techsales_enum_label(k, c, l, &mut out) },
                "enum_label",
            );
        }
        Op::EnumKey(k, c) => {
            let mut out = ptr::null();
            check(unsafe { techsales_enum_key(k, c, &mut out) }, "enum_key");
        }
        Op::EnumFromKey(k, key) => {
            let key = c_string(&key);
            let mut out = 0;
            check(
                unsafe { techsales_enum_from_key(k, key.as_ptr(), &mut out) },
                "enum_from_key",
            );
        }
        Op::DateToYmd(days) => {
            let (mut y, mut m, mut d) = (0, 0, 0);
            if check(
                unsafe { techsales_date_to_ymd(days, &mut y, &mut m, &mut d) },
                "date_to_ymd",
            ) == techsales_result::Ok
            {
                let mut back = 0;
                let code = unsafe { techsales_date_from_ymd(y, m, d, &mut back) };
                assert_eq!(code, techsales_result::Ok);
                assert_eq!(back, days, "a date does not round-trip");
            }
        }
        Op::DateFromYmd(y, m, d) => {
            let mut days = 0;
            check(
                unsafe { techsales_date_from_ymd(y, m, d, &mut days) },
                "date_from_ymd",
            );
        }
        Op::ResultMessage(code) => {
            assert!(!techsales_result_message(code).is_null());
        }
        Op::CycleNew(ty) => {
            let mut c = ptr::null_mut();
            if check(unsafe { techsales_cycle_new(ty, &mut c) }, "cycle_new")
                == techsales_result::Ok
            {
                unsafe { techsales_cycle_free(h.cycle) };
                h.cycle = c;
                h.cycle_text = None;
            } else {
                assert!(c.is_null());
            }
        }
        Op::CycleAdvance(at) => on_cycle(h, "cycle_advance", || unsafe {
            techsales_cycle_advance(cycle, at.seconds(), actor)
        }),
        Op::CycleComplete(at, step, summary) => {
            let summary = c_string(&summary);
            on_cycle(h, "complete_step", || unsafe {
                techsales_cycle_complete_step(cycle, at.seconds(), actor, step, summary.as_ptr())
            })
        }
        Op::CycleRaise(at, id, text) => {
            let (id, text) = (c_string(&id), c_string(&text));
            on_cycle(h, "raise_objection", || unsafe {
                techsales_cycle_raise_objection(
                    cycle,
                    at.seconds(),
                    actor,
                    id.as_ptr(),
                    text.as_ptr(),
                )
            })
        }
        Op::CycleResolve(at, id, text) => {
            let (id, text) = (c_string(&id), c_string(&text));
            on_cycle(h, "resolve_objection", || unsafe {
                techsales_cycle_resolve_objection(
                    cycle,
                    at.seconds(),
                    actor,
                    id.as_ptr(),
                    text.as_ptr(),
                )
            })
        }
        Op::CycleDecide(at, decision) => on_cycle(h, "decide", || unsafe {
            techsales_cycle_decide(cycle, at.seconds(), actor, decision)
        }),
        Op::CycleLearn(at, lesson) => {
            let lesson = c_string(&lesson);
            on_cycle(h, "learn", || unsafe {
                techsales_cycle_learn(cycle, at.seconds(), actor, lesson.as_ptr())
            })
        }
        Op::CycleCancel(at, reason) => {
            let reason = c_string(&reason);
            on_cycle(h, "cancel", || unsafe {
                techsales_cycle_cancel(cycle, at.seconds(), actor, reason.as_ptr())
            })
        }
        Op::DealNew(at) => {
            let mut d = ptr::null_mut();
            if check(
                unsafe { techsales_key_account_new(at.seconds(), &mut d) },
                "deal_new",
            ) == techsales_result::Ok
            {
                unsafe { techsales_key_account_free(h.deal) };
                h.deal = d;
                h.deal_text = None;
            } else {
                assert!(d.is_null());
            }
        }
        Op::MeetNode(at, node, evidence) => {
            let evidence = c_string(&evidence);
            on_deal(h, "meet_node", || unsafe {
                techsales_key_account_meet_node(
                    deal,
                    def,
                    at.seconds(),
                    actor,
                    node,
                    evidence.as_ptr(),
                )
            })
        }
        Op::Grade(at, grade, evidence) => {
            let evidence = c_string(&evidence);
            on_deal(h, "grade", || unsafe {
                techsales_key_account_grade(
                    deal,
                    def,
                    at.seconds(),
                    actor,
                    grade,
                    evidence.as_ptr(),
                )
            })
        }
        Op::Advance(at, null_actor) => {
            let who = if null_actor { ptr::null() } else { actor };
            on_deal(h, "advance", || unsafe {
                techsales_key_account_advance(deal, def, at.seconds(), who)
            })
        }
        Op::ForceAdvance(at, reason) => {
            let reason = c_string(&reason);
            on_deal(h, "force_advance", || unsafe {
                techsales_key_account_force_advance(deal, def, at.seconds(), actor, reason.as_ptr())
            })
        }
        Op::ObserveStep(at, step) => on_deal(h, "observe_step", || unsafe {
            techsales_key_account_observe_step(deal, def, at.seconds(), actor, step)
        }),
        Op::SetContact(at, id, role, influence, met, attitude) => {
            let id = c_string(&id);
            on_deal(h, "set_contact", || unsafe {
                techsales_key_account_set_contact(
                    deal,
                    def,
                    at.seconds(),
                    actor,
                    id.as_ptr(),
                    c"Wu".as_ptr(),
                    role,
                    influence,
                    met,
                    attitude,
                )
            })
        }
        Op::Close(at, outcome, reason) => {
            let reason = c_string(&reason);
            on_deal(h, "close", || unsafe {
                techsales_key_account_close(
                    deal,
                    def,
                    at.seconds(),
                    actor,
                    outcome,
                    reason.as_ptr(),
                )
            })
        }
        Op::Evaluate(ratings) => {
            let (mut verdict, mut score, mut knocked) = (0, 0.0, 0);
            check(
                unsafe {
                    techsales_grader_evaluate(
                        h.grader,
                        ratings.as_ptr(),
                        &mut verdict,
                        &mut score,
                        &mut knocked,
                    )
                },
                "evaluate",
            );
        }
        Op::GradeOne(ratings, close, as_of, possibility) => {
            let (mut status, mut grade, mut score) = (0, 0, 0.0);
            check(
                unsafe {
                    techsales_grader_grade(
                        h.grader,
                        ratings.as_ptr(),
                        close,
                        as_of,
                        possibility,
                        &mut status,
                        &mut grade,
                        &mut score,
                    )
                },
                "grade",
            );
        }
        Op::Explain(ratings, close, as_of, possibility, language, as_text) => {
            let mut text = ptr::null_mut();
            let code = check(
                unsafe {
                    techsales_grader_explain(
                        h.grader,
                        ratings.as_ptr(),
                        close,
                        as_of,
                        possibility,
                        language,
                        as_text,
                        &mut text,
                    )
                },
                "explain",
            );
            free_text(code, text);
        }
        Op::Policy(grade) => {
            let mut policy = techsales_resource_policy {
                effort: 0,
                enter_sales_process: false,
                maintain_customer: false,
                review_every_days: 0,
            };
            check(
                unsafe { techsales_grader_policy(h.grader, grade, &mut policy) },
                "policy",
            );
        }
        Op::GradeColumns(as_of, rows, null_which, extra) => {
            grade_columns(h, as_of, &rows, null_which, extra)
        }
        Op::NullHandles(which) => null_handles(h, which),
    }
    // Whatever the handles hold can be read and explained.
    for language in [0, 1] {
        if !h.deal.is_null() {
            let mut text = ptr::null_mut();
            let code = check(
                unsafe { techsales_key_account_diagnose(h.deal, def, language, true, &mut text) },
                "diagnose",
            );
            free_text(code, text);
        }
        if !h.cycle.is_null() {
            let mut text = ptr::null_mut();
            let code = check(
                unsafe { techsales_cycle_guidance(h.cycle, language, true, &mut text) },
                "guidance",
            );
            assert_eq!(code, techsales_result::Ok, "guidance of a live sale failed");
            free_text(code, text);
        }
    }
}

/// A batch of `rows.len()` rows, with one column NULL or the count claimed
/// larger than the columns when asked: both must be refused, not read.
fn grade_columns(
    h: &Handles,
    as_of: i32,
    rows: &[([f64; 9], i32, f64)],
    null_which: u8,
    extra: u8,
) {
    let n = rows.len().min(512);
    let rows = &rows[..n];
    let columns: Vec<Vec<f64>> = (0..9)
        .map(|f| rows.iter().map(|r| r.0[f]).collect())
        .collect();
    let close: Vec<i32> = rows.iter().map(|r| r.1).collect();
    let possibility: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let mut pointers: Vec<*const f64> = columns.iter().map(|c| c.as_ptr()).collect();
    let (mut status, mut grade, mut score) = (vec![0u32; n], vec![0u32; n], vec![0f64; n]);
    let mut summary = techsales_batch_summary::default();
    let null_column = usize::from(null_which) % 16;
    if n > 0 && null_column < 9 {
        pointers[null_column] = ptr::null();
    }
    let code = unsafe {
        techsales_grader_grade_columns(
            h.grader,
            as_of,
            pointers.as_ptr(),
            if null_column == 9 && n > 0 {
                ptr::null()
            } else {
                close.as_ptr()
            },
            possibility.as_ptr(),
            n,
            status.as_mut_ptr(),
            grade.as_mut_ptr(),
            score.as_mut_ptr(),
            if null_column == 10 {
                ptr::null_mut()
            } else {
                &mut summary
            },
        )
    };
    check(code, "grade_columns");
    if code == techsales_result::Ok {
        assert_eq!(
            summary.graded + summary.failed + summary.invalid + summary.not_enough_known,
            n,
            "rows lost"
        );
    }
    // A claimed count beyond the largest batch is refused before any read.
    if extra == 0xFF {
        let code = unsafe {
            techsales_grader_grade_columns(
                h.grader,
                as_of,
                pointers.as_ptr(),
                close.as_ptr(),
                possibility.as_ptr(),
                usize::MAX,
                status.as_mut_ptr(),
                grade.as_mut_ptr(),
                score.as_mut_ptr(),
                &mut summary,
            )
        };
        assert_eq!(
            check(code, "grade_columns huge"),
            techsales_result::InvalidArgument
        );
    }
}

/// NULL handles and out-parameters: a NULL code, never a crash.
fn null_handles(h: &Handles, which: u8) {
    let mut json = ptr::null_mut();
    let code = match which % 6 {
        0 => unsafe { techsales_key_account_to_json(ptr::null(), &mut json) },
        1 => unsafe { techsales_cycle_to_json(ptr::null(), &mut json) },
        2 => unsafe { techsales_customer_to_json(ptr::null(), &mut json) },
        3 => unsafe { techsales_key_account_to_json(h.deal, ptr::null_mut()) },
        4 => unsafe { techsales_key_account_apply_json(h.deal, h.definition, ptr::null()) },
        _ => unsafe { techsales_cycle_apply_json(h.cycle, ptr::null()) },
    };
    assert_eq!(check(code, "null handle"), techsales_result::NullParameter);
    assert!(json.is_null());
    unsafe {
        techsales_string_free(ptr::null_mut());
        techsales_key_account_free(ptr::null_mut());
        techsales_cycle_free(ptr::null_mut());
    }
}
