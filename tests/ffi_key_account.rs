//! The C ABI for the key-account process, driven from Rust: a deal through
//! all six stages with a forced node, then bad input. Runs under Miri:
//! `cargo +nightly miri test --test ffi_key_account`.

use std::ffi::{c_char, CString};
use std::ptr;

use techsales::ffi::key_account::*;
use techsales::ffi::*;

#[path = "support/ffi_helpers.rs"]
mod ffi_helpers;
use ffi_helpers::{last_error, ok, take};

const T0: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const DAY: i64 = 86_400;

struct Deal {
    def: *mut techsales_key_account_definition,
    deal: *mut techsales_key_account,
}

impl Deal {
    fn new() -> Self {
        let mut def = ptr::null_mut();
        let mut deal = ptr::null_mut();
        ok(unsafe { techsales_key_account_definition_new(ptr::null(), &mut def) });
        ok(unsafe { techsales_key_account_new(T0, &mut deal) });
        Deal { def, deal }
    }

    fn stage(&self) -> u32 {
        let (mut stage, mut open, mut outcome) = (99, false, 99);
        ok(unsafe { techsales_key_account_status(self.deal, &mut stage, &mut open, &mut outcome) });
        stage
    }

    fn probability(&self) -> f64 {
        let mut p = -1.0;
        ok(unsafe { techsales_key_account_win_probability(self.deal, self.def, &mut p) });
        p
    }
}

impl Drop for Deal {
    fn drop(&mut self) {
        unsafe {
            techsales_key_account_free(self.deal);
            techsales_key_account_definition_free(self.def);
        }
    }
}

#[test]
fn a_deal_runs_through_all_six_stages_with_one_forced_node() {
    let d = Deal::new();
    let actor = c"li.wei".as_ptr();
    let mut t = T0;
    let mut next = || {
        t += DAY;
        t
    };
    unsafe {
        // Development: the advance is refused until the opportunity is graded.
        assert_eq!(
            techsales_key_account_advance(d.deal, d.def, next(), actor),
            techsales_result::RefusedTransition
        );
        assert!(
            last_error().contains("opportunity_graded"),
            "{}",
            last_error()
        );
        let mut missing = 0;
        ok(techsales_key_account_missing_nodes(
            d.deal,
            d.def,
            &mut missing,
        ));
        assert_eq!(missing, 1 << 0);
        ok(techsales_key_account_grade(
            d.deal,
            d.def,
            next(),
            actor,
            0,
            c"budget approved, closes in Q1".as_ptr(),
        ));
        ok(techsales_key_account_advance(d.deal, d.def, next(), actor));
        assert_eq!(d.stage(), 1);
        // Sales entry: coverage (a coach and the economic, technical and user
        // buyers) meets both nodes.
        ok(techsales_key_account_set_contact(
            d.deal,
            d.def,
            next(),
            actor,
            c"c1".as_ptr(),
            c"Wang".as_ptr(),
            3,
            1,
            true,
            2,
        ));
        ok(techsales_key_account_set_contact(
            d.deal,
            d.def,
            next(),
            actor,
            c"e1".as_ptr(),
            c"Zhao".as_ptr(),
            0,
            2,
            true,
            1,
        ));
        for (id, role) in [(c"t1", 1), (c"u1", 2)] {
            ok(techsales_key_account_set_contact(
                d.deal,
                d.def,
                next(),
                actor,
                id.as_ptr(),
                c"Sun".as_ptr(),
                role,
                1,
                true,
                2,
            ));
        }
        ok(techsales_key_account_advance(d.deal, d.def, next(), actor));
        assert_eq!(d.stage(), 2);
        // Proposal: standards not influenced; force the move.
        let before = d.probability();
        ok(techsales_key_account_observe_step(
            d.deal,
            d.def,
            next(),
            actor,
            3,
        ));
        let mut text = ptr::null_mut();
        ok(techsales_key_account_diagnose(
            d.deal, d.def, 0, true, &mut text,
        ));
        let report = take(text);
        assert!(report.contains("Behind"), "{report}");
        ok(techsales_key_account_force_advance(
            d.deal,
            d.def,
            next(),
            actor,
            c"tender published early".as_ptr(),
        ));
        assert_eq!(d.stage(), 3);
        let forced = d.probability();
        // Bidding's base 60% halved by the one node passed unmet.
        assert!(
            (before - 0.4).abs() < 1e-12 && (forced - 0.3).abs() < 1e-12,
            "{before} -> {forced}"
        );
        ok(techsales_key_account_win_probability_explain(
            d.deal, d.def, 0, true, &mut text,
        ));
        let explanation = take(text);
        assert!(explanation.contains("x0.50"), "{explanation}");
        ok(techsales_key_account_meet_node(
            d.deal,
            d.def,
            next(),
            actor,
            4,
            c"bid no. 17".as_ptr(),
        ));
        ok(techsales_key_account_advance(d.deal, d.def, next(), actor));
        ok(techsales_key_account_meet_node(
            d.deal,
            d.def,
            next(),
            actor,
            5,
            c"legal ok".as_ptr(),
        ));
        // Won only by booking the signed contract.
        assert_eq!(
            techsales_key_account_close(d.deal, d.def, next(), actor, 0, ptr::null()),
            techsales_result::RefusedTransition
        );
        ok(techsales_key_account_meet_node(
            d.deal,
            d.def,
            next(),
            actor,
            6,
            c"signed".as_ptr(),
        ));
        ok(techsales_key_account_close(
            d.deal,
            d.def,
            next(),
            actor,
            0,
            ptr::null(),
        ));
        // Delivery goes on after the booking.
        ok(techsales_key_account_advance(d.deal, d.def, next(), actor));
        assert_eq!(d.stage(), 5);
        ok(techsales_key_account_meet_node(
            d.deal,
            d.def,
            next(),
            actor,
            7,
            c"accepted".as_ptr(),
        ));
        ok(techsales_key_account_meet_node(
            d.deal,
            d.def,
            next(),
            actor,
            8,
            c"completed".as_ptr(),
        ));
        let (mut stage, mut open, mut outcome) = (0, true, 9);
        ok(techsales_key_account_status(
            d.deal,
            &mut stage,
            &mut open,
            &mut outcome,
        ));
        assert!(!open);
        assert_eq!(outcome, 0);
        assert_eq!(d.probability(), 1.0);

        // Export, load back (the journal is replayed and checked), export again.
        let mut json = ptr::null_mut();
        ok(techsales_key_account_to_json(d.deal, &mut json));
        let first = take(json);
        let text = CString::new(first.clone()).unwrap();
        let mut back = ptr::null_mut();
        ok(techsales_key_account_from_json(
            d.def,
            text.as_ptr(),
            &mut back,
        ));
        ok(techsales_key_account_to_json(back, &mut json));
        assert_eq!(take(json), first);
        techsales_key_account_free(back);

        // A tampered document (state says a different stage) is refused.
        let tampered =
            CString::new(first.replacen("\"project_implementation\"", "\"bidding\"", 1)).unwrap();
        let mut bad = ptr::null_mut();
        assert_eq!(
            techsales_key_account_from_json(d.def, tampered.as_ptr(), &mut bad),
            techsales_result::InvalidJson
        );
        let newer =
            CString::new(first.replacen("\"format_version\":2", "\"format_version\":99", 1))
                .unwrap();
        assert_eq!(
            techsales_key_account_from_json(d.def, newer.as_ptr(), &mut bad),
            techsales_result::UnsupportedVersion
        );
        assert!(bad.is_null());
    }
}

#[test]
fn events_can_be_applied_as_json_entries() {
    let d = Deal::new();
    let entry = cr#"{"at":"2026-01-05T09:00:00Z","actor":"li","event":{"type":"procurement_step_observed","step":"supplier_screening"}}"#;
    ok(unsafe { techsales_key_account_apply_json(d.deal, d.def, entry.as_ptr()) });
    let mut text = ptr::null_mut();
    ok(unsafe { techsales_key_account_diagnose(d.deal, d.def, 0, false, &mut text) });
    let diagnosis = take(text);
    assert!(diagnosis.contains("behind_customer"), "{diagnosis}");
    for bad in [
        &b"{"[..],
        b"{\"at\":\"2026-01-06T00:00:00Z\",\"actor\":\"li\",\"event\":{\"type\":\"teleported\"}}",
        b"[1,2]",
    ] {
        let text = CString::new(bad).unwrap();
        assert_eq!(
            unsafe { techsales_key_account_apply_json(d.deal, d.def, text.as_ptr()) },
            techsales_result::InvalidJson
        );
    }
    let early = cr#"{"at":"2025-01-01T00:00:00Z","actor":"li","event":{"type":"advanced"}}"#;
    assert_eq!(
        unsafe { techsales_key_account_apply_json(d.deal, d.def, early.as_ptr()) },
        techsales_result::InvalidArgument
    );
}

#[test]
fn null_bad_enums_and_bad_utf8_are_errors_never_crashes() {
    let d = Deal::new();
    let a = c"x".as_ptr();
    let (mut u, mut b, mut f) = (0u32, false, 0.0f64);
    let mut s: *mut c_char = ptr::null_mut();
    let mut h = ptr::null_mut();
    let mut def = ptr::null_mut();
    let n = techsales_result::NullParameter;
    let e = techsales_result::InvalidEnumValue;
    let bad = CString::new(vec![0xc3u8, 0x28]).unwrap();
    unsafe {
        assert_eq!(
            techsales_key_account_definition_new(ptr::null(), ptr::null_mut()),
            n
        );
        assert_eq!(techsales_key_account_new(T0, ptr::null_mut()), n);
        assert_eq!(
            techsales_key_account_new(i64::MIN, &mut h),
            techsales_result::InvalidArgument
        );
        assert_eq!(
            techsales_key_account_apply_json(ptr::null_mut(), d.def, a),
            n
        );
        assert_eq!(techsales_key_account_apply_json(d.deal, ptr::null(), a), n);
        assert_eq!(
            techsales_key_account_apply_json(d.deal, d.def, ptr::null()),
            n
        );
        assert_eq!(
            techsales_key_account_meet_node(ptr::null_mut(), d.def, T0, a, 1, a),
            n
        );
        assert_eq!(
            techsales_key_account_meet_node(d.deal, ptr::null(), T0, a, 1, a),
            n
        );
        assert_eq!(
            techsales_key_account_meet_node(d.deal, d.def, T0, ptr::null(), 1, a),
            n
        );
        assert_eq!(
            techsales_key_account_meet_node(d.deal, d.def, T0, a, 1, ptr::null()),
            n
        );
        assert_eq!(
            techsales_key_account_meet_node(d.deal, d.def, T0, a, 9, a),
            e
        );
        assert_eq!(
            techsales_key_account_meet_node(d.deal, d.def, T0, bad.as_ptr(), 1, a),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_key_account_grade(ptr::null_mut(), d.def, T0, a, 0, a),
            n
        );
        assert_eq!(techsales_key_account_grade(d.deal, d.def, T0, a, 4, a), e);
        assert_eq!(
            techsales_key_account_grade(d.deal, d.def, T0, a, 0, ptr::null()),
            n
        );
        assert_eq!(
            techsales_key_account_advance(ptr::null_mut(), d.def, T0, a),
            n
        );
        assert_eq!(
            techsales_key_account_advance(d.deal, d.def, T0, ptr::null()),
            n
        );
        assert_eq!(
            techsales_key_account_force_advance(d.deal, d.def, T0, a, ptr::null()),
            n
        );
        assert_eq!(
            techsales_key_account_observe_step(d.deal, d.def, T0, a, 6),
            e
        );
        assert_eq!(
            techsales_key_account_observe_step(d.deal, d.def, T0, a, u32::MAX),
            e
        );
        assert_eq!(
            techsales_key_account_set_contact(d.deal, d.def, T0, a, ptr::null(), a, 0, 0, true, 0),
            n
        );
        assert_eq!(
            techsales_key_account_set_contact(d.deal, d.def, T0, a, a, ptr::null(), 0, 0, true, 0),
            n
        );
        assert_eq!(
            techsales_key_account_set_contact(d.deal, d.def, T0, a, a, a, 4, 0, true, 0),
            e
        );
        assert_eq!(
            techsales_key_account_set_contact(d.deal, d.def, T0, a, a, a, 0, 9, true, 0),
            e
        );
        assert_eq!(
            techsales_key_account_set_contact(d.deal, d.def, T0, a, a, a, 0, 0, true, 9),
            e
        );
        assert_eq!(techsales_key_account_close(d.deal, d.def, T0, a, 3, a), e);
        assert_eq!(
            techsales_key_account_close(d.deal, d.def, T0, a, 1, ptr::null()),
            n
        );
        assert_eq!(
            techsales_key_account_status(ptr::null(), &mut u, &mut b, &mut u),
            n
        );
        assert_eq!(
            techsales_key_account_status(d.deal, ptr::null_mut(), &mut b, &mut u),
            n
        );
        assert_eq!(
            techsales_key_account_status(d.deal, &mut u, ptr::null_mut(), &mut u),
            n
        );
        assert_eq!(
            techsales_key_account_status(d.deal, &mut u, &mut b, ptr::null_mut()),
            n
        );
        assert_eq!(
            techsales_key_account_missing_nodes(ptr::null(), d.def, &mut u),
            n
        );
        assert_eq!(
            techsales_key_account_missing_nodes(d.deal, ptr::null(), &mut u),
            n
        );
        assert_eq!(
            techsales_key_account_missing_nodes(d.deal, d.def, ptr::null_mut()),
            n
        );
        assert_eq!(
            techsales_key_account_win_probability(ptr::null(), d.def, &mut f),
            n
        );
        assert_eq!(
            techsales_key_account_win_probability(d.deal, ptr::null(), &mut f),
            n
        );
        assert_eq!(
            techsales_key_account_win_probability(d.deal, d.def, ptr::null_mut()),
            n
        );
        assert_eq!(
            techsales_key_account_win_probability_explain(ptr::null(), d.def, 0, true, &mut s),
            n
        );
        assert_eq!(
            techsales_key_account_win_probability_explain(d.deal, d.def, 2, true, &mut s),
            e
        );
        assert_eq!(
            techsales_key_account_win_probability_explain(d.deal, d.def, 0, true, ptr::null_mut()),
            n
        );
        assert_eq!(
            techsales_key_account_diagnose(ptr::null(), d.def, 0, true, &mut s),
            n
        );
        assert_eq!(
            techsales_key_account_diagnose(d.deal, ptr::null(), 0, true, &mut s),
            n
        );
        assert_eq!(
            techsales_key_account_diagnose(d.deal, d.def, 7, true, &mut s),
            e
        );
        assert_eq!(
            techsales_key_account_diagnose(d.deal, d.def, 0, true, ptr::null_mut()),
            n
        );
        assert_eq!(techsales_key_account_to_json(ptr::null(), &mut s), n);
        assert_eq!(techsales_key_account_to_json(d.deal, ptr::null_mut()), n);
        assert_eq!(techsales_key_account_from_json(ptr::null(), a, &mut h), n);
        assert_eq!(
            techsales_key_account_from_json(d.def, ptr::null(), &mut h),
            n
        );
        assert_eq!(
            techsales_key_account_from_json(d.def, a, ptr::null_mut()),
            n
        );
        assert_eq!(
            techsales_key_account_from_json(d.def, bad.as_ptr(), &mut h),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_key_account_from_json(d.def, c"{}".as_ptr(), &mut h),
            techsales_result::InvalidJson
        );
        assert_eq!(
            techsales_key_account_definition_new(c"{\"forcing_penalty\": 7}".as_ptr(), &mut def),
            techsales_result::ConfigError
        );
        assert!(last_error().contains("forcing_penalty"), "{}", last_error());
        assert_eq!(
            techsales_key_account_definition_new(c"{".as_ptr(), &mut def),
            techsales_result::InvalidJson
        );
        assert!(h.is_null() && s.is_null() && def.is_null());
        techsales_key_account_free(ptr::null_mut());
        techsales_key_account_definition_free(ptr::null_mut());
    }
    assert_eq!(d.stage(), 0, "nothing above changed the deal");
}

/// A definition handle shared across threads.
#[derive(Clone, Copy)]
struct SharedDefinition(*mut techsales_key_account_definition);
// SAFETY: a definition is immutable after creation and documented as shareable.
unsafe impl Send for SharedDefinition {}

impl SharedDefinition {
    fn get(self) -> *const techsales_key_account_definition {
        self.0
    }
}

#[test]
fn a_definition_is_shared_by_several_threads() {
    let mut def = ptr::null_mut();
    ok(unsafe { techsales_key_account_definition_new(ptr::null(), &mut def) });
    let shared = SharedDefinition(def);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let def = shared.get();
                for _ in 0..if cfg!(miri) { 2 } else { 100 } {
                    let mut deal = ptr::null_mut();
                    ok(unsafe { techsales_key_account_new(T0, &mut deal) });
                    ok(unsafe {
                        techsales_key_account_grade(
                            deal,
                            def,
                            T0 + 1,
                            c"x".as_ptr(),
                            0,
                            c"e".as_ptr(),
                        )
                    });
                    ok(unsafe { techsales_key_account_advance(deal, def, T0 + 2, c"x".as_ptr()) });
                    let mut p = 0.0;
                    ok(unsafe { techsales_key_account_win_probability(deal, def, &mut p) });
                    assert!(p > 0.0 && p <= 0.2);
                    unsafe { techsales_key_account_free(deal) };
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    unsafe { techsales_key_account_definition_free(def) };
}

/// The deal behind a handle, read back through the C ABI's JSON.
fn state_of(d: &Deal) -> techsales::key_account::KeyAccountProcess {
    let mut json = ptr::null_mut();
    ok(unsafe { techsales_key_account_to_json(d.deal, &mut json) });
    let definition = techsales::key_account::ProcessDefinition::default();
    techsales::key_account::KeyAccountProcess::from_json(&take(json), &definition).unwrap()
}

/// Applies `event` (JSON) `day` days after T0 by "li"; the result code.
fn apply(d: &Deal, day: i64, event: &str) -> techsales_result {
    let at = chrono::DateTime::from_timestamp(T0 + day * DAY, 0).unwrap();
    let entry = format!(
        r#"{{"at":"{}","actor":"li","event":{event}}}"#,
        at.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let entry = CString::new(entry).unwrap();
    unsafe { techsales_key_account_apply_json(d.deal, d.def, entry.as_ptr()) }
}

/// Every event of the lifecycle without a function of its own reaches the
/// deal as a JSON entry: hand-set grade, nurture and re-evaluation, deal
/// history, forecast category, CRM-reported stage, booking and delivery
/// cancellation, and the reasons of a loss and a withdrawal.
#[test]
fn every_lifecycle_event_is_applied_through_the_json_entry() {
    use techsales::grading::Grade;
    use techsales::key_account::{DeliveryStatus, ForecastCategory, Outcome, Stage};

    let d = Deal::new();
    ok(apply(
        &d,
        1,
        r#"{"type":"grade_set_by_hand","grade":"b","reason":"manager's call"}"#,
    ));
    let p = state_of(&d);
    assert!(p.state().grade_by_hand());
    assert_eq!(p.state().grade(), Some(Grade::B));

    ok(apply(
        &d,
        2,
        r#"{"type":"key_node_met","node":"opportunity_graded","evidence":"evaluated","grade":"c"}"#,
    ));
    ok(apply(
        &d,
        3,
        r#"{"type":"nurtured","evidence":"no budget this year","review_on":"2026-04-01"}"#,
    ));
    let p = state_of(&d);
    assert_eq!(
        p.state().nurture().map(|n| n.review_on.to_string()),
        Some("2026-04-01".to_owned())
    );
    assert!(!p.state().is_open());
    assert_eq!(
        apply(&d, 4, r#"{"type":"advanced"}"#),
        techsales_result::RefusedTransition
    );
    ok(apply(
        &d,
        5,
        r#"{"type":"regraded","grade":"a","evidence":"budget approved"}"#,
    ));
    let p = state_of(&d);
    assert!(p.state().nurture().is_none() && p.state().is_open());
    assert_eq!(p.state().grade(), Some(Grade::A));
    assert!(!p.state().grade_by_hand());

    ok(apply(
        &d,
        6,
        r#"{"type":"amount_changed","to_minor":5000000}"#,
    ));
    ok(apply(
        &d,
        7,
        r#"{"type":"amount_changed","from_minor":5000000,"to_minor":6000000}"#,
    ));
    // A "from" that is not the recorded value is refused.
    assert_ne!(
        apply(
            &d,
            8,
            r#"{"type":"amount_changed","from_minor":1,"to_minor":2}"#
        ),
        techsales_result::Ok
    );
    ok(apply(
        &d,
        8,
        r#"{"type":"close_date_changed","to":"2026-06-30"}"#,
    ));
    ok(apply(
        &d,
        9,
        r#"{"type":"close_date_changed","from":"2026-06-30","to":"2026-09-30"}"#,
    ));
    ok(apply(&d, 10, r#"{"type":"possibility_changed","to":0.6}"#));
    ok(apply(&d, 11, r#"{"type":"owner_changed","owner":"mei"}"#));
    ok(apply(
        &d,
        12,
        r#"{"type":"forecast_category_set","category":"commit","reason":"budget confirmed"}"#,
    ));
    let p = state_of(&d);
    let tracked = p.state().tracked().unwrap();
    assert_eq!(tracked.amount_minor, Some(6_000_000));
    assert_eq!(
        tracked.expected_close.map(|d| d.to_string()),
        Some("2026-09-30".to_owned())
    );
    assert_eq!(tracked.possibility, Some(0.6));
    assert_eq!(tracked.owner.as_deref(), Some("mei"));
    assert_eq!(
        p.state().forecast_override().map(|f| f.category),
        Some(ForecastCategory::Commit)
    );

    ok(apply(
        &d,
        13,
        r#"{"type":"stage_reported","stage":"business_negotiation","crm_stage":"Negotiation","probability":0.8}"#,
    ));
    assert_eq!(d.stage(), Stage::BusinessNegotiation.code());
    assert!(!state_of(&d).state().reported_by_crm().is_empty());
    ok(apply(
        &d,
        14,
        r#"{"type":"key_node_met","node":"contract_signed","evidence":"signed copy"}"#,
    ));
    ok(apply(
        &d,
        15,
        r#"{"type":"booked","booked_on":"2026-01-16","amount_minor":5900000}"#,
    ));
    let (mut stage, mut open, mut outcome) = (99, true, 99);
    ok(unsafe { techsales_key_account_status(d.deal, &mut stage, &mut open, &mut outcome) });
    assert_eq!((open, outcome), (false, Outcome::Won.code()));
    assert_eq!(
        apply(&d, 16, r#"{"type":"lost","reason":{"key":"price"}}"#),
        techsales_result::RefusedTransition
    );
    ok(apply(
        &d,
        17,
        r#"{"type":"delivery_cancelled","reason":{"key":"no_budget","note":"plant closed"}}"#,
    ));
    let p = state_of(&d);
    assert_eq!(p.state().delivery(), Some(DeliveryStatus::Cancelled));
    assert_eq!(p.state().outcome(), Some(Outcome::Won));

    // Reasons: from the list, with the competitor a reason names.
    let lost = Deal::new();
    assert_ne!(
        apply(
            &lost,
            1,
            r#"{"type":"lost","reason":{"key":"bad_weather"}}"#
        ),
        techsales_result::Ok
    );
    assert_ne!(
        apply(&lost, 1, r#"{"type":"lost","reason":{"key":"competitor"}}"#),
        techsales_result::Ok
    );
    ok(apply(
        &lost,
        2,
        r#"{"type":"lost","reason":{"key":"competitor","competitor":"Acme"}}"#,
    ));
    let p = state_of(&lost);
    let reason = p.state().closure().and_then(|c| c.reason.clone()).unwrap();
    assert_eq!(
        (reason.key.as_str(), reason.competitor.as_deref()),
        ("competitor", Some("Acme"))
    );
    let withdrawn = Deal::new();
    ok(apply(
        &withdrawn,
        1,
        r#"{"type":"withdrawn","reason":{"key":"evaluation_failed","note":"give up"}}"#,
    ));
    let p = state_of(&withdrawn);
    assert_eq!(p.state().outcome(), Some(Outcome::Withdrawn));
    assert_eq!(
        p.state()
            .closure()
            .and_then(|c| c.reason.as_ref())
            .and_then(|r| r.note.as_deref()),
        Some("give up")
    );
}
