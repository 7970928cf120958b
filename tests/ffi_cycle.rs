//! The C ABI for the five-stage technical-sale cycle, driven from Rust: a
//! strategic customer's deal through two iterations, then bad input. Runs
//! under Miri: `cargo +nightly miri test --test ffi_cycle`.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use techsales::customer::CustomerType;
use techsales::cycle::{CycleVariant, Outcome, Stage, Step, StepRequirement};
use techsales::ffi::cycle::*;
use techsales::ffi::*;

#[path = "support/ffi_helpers.rs"]
mod ffi_helpers;
use ffi_helpers::{last_error, ok, take};

const T0: i64 = 1_767_600_000; // 2026-01-05T08:00:00Z
const HOUR: i64 = 3_600;

/// A technical sale freed on drop, with a clock that moves on an hour a call.
struct Sale {
    cycle: *mut techsales_cycle,
    hours: i64,
}

impl Sale {
    fn new(customer_type: CustomerType) -> Self {
        let mut cycle = ptr::null_mut();
        ok(unsafe { techsales_cycle_new(customer_type.code(), &mut cycle) });
        Sale { cycle, hours: 0 }
    }

    fn next(&mut self) -> i64 {
        self.hours += 1;
        T0 + self.hours * HOUR
    }

    /// Applies an event given as JSON, as a journal entry by "ana".
    fn event(&mut self, event: &str) -> techsales_result {
        let at = chrono::DateTime::from_timestamp(self.next(), 0).unwrap();
        let entry = format!(
            r#"{{"at":"{}","actor":"ana","event":{event}}}"#,
            at.format("%Y-%m-%dT%H:%M:%SZ")
        );
        let entry = CString::new(entry).unwrap();
        unsafe { techsales_cycle_apply_json(self.cycle, entry.as_ptr()) }
    }

    fn advance(&mut self) -> techsales_result {
        let at = self.next();
        unsafe { techsales_cycle_advance(self.cycle, at, c"ana".as_ptr()) }
    }

    fn complete(&mut self, step: Step, summary: &CStr) -> techsales_result {
        let at = self.next();
        unsafe {
            techsales_cycle_complete_step(
                self.cycle,
                at,
                c"ana".as_ptr(),
                step.code(),
                summary.as_ptr(),
            )
        }
    }

    fn status(&self) -> (u32, u32, u32) {
        let (mut stage, mut outcome, mut iteration) = (99, 99, 99);
        ok(unsafe { techsales_cycle_status(self.cycle, &mut stage, &mut outcome, &mut iteration) });
        (stage, outcome, iteration)
    }

    fn missing(&self) -> u32 {
        let mut mask = 0;
        ok(unsafe { techsales_cycle_missing_steps(self.cycle, &mut mask) });
        mask
    }

    fn guidance(&self, language: u32, as_text: bool) -> String {
        let mut text = ptr::null_mut();
        ok(unsafe { techsales_cycle_guidance(self.cycle, language, as_text, &mut text) });
        take(text)
    }

    fn to_json(&self) -> String {
        let mut json = ptr::null_mut();
        ok(unsafe { techsales_cycle_to_json(self.cycle, &mut json) });
        take(json)
    }
}

impl Drop for Sale {
    fn drop(&mut self) {
        unsafe { techsales_cycle_free(self.cycle) };
    }
}

fn bit(step: Step) -> u32 {
    1 << step.code()
}

const KNOWLEDGE: &str = r#"{"event":"knowledge_gathered","areas":{"product_service":"catalogue known","environment":"regulation known","own_company":"capacity known","competition":"two rivals","client":"plant visited"},"own_swot":{"strengths":["dosing know-how"],"weaknesses":["price"],"opportunities":["new line"],"threats":["import"]},"competition_swot":{"strengths":["price"],"weaknesses":["service"],"opportunities":["tender"],"threats":["us"]}}"#;
const VISIT: &str = r#"{"event":"visit_planned","answers":{"what":"present the additive","who":"process lead","how_much":"one line","when":"March","where":"plant","how":"on-site meeting","why":"lower cost per tonne"},"scope":"long_term","product_options":["A","B"],"price_estimate_minor":12000000}"#;
const INTERVIEW: &str =
    r#"{"event":"interview_held","real_needs":["lower cost per tonne"],"options":["A","B"]}"#;
const FRAMEWORK: &str = r#"{"event":"framework_agreed","reference":"current additive","criteria":["cost per tonne","yield"]}"#;
const TEAM: &str = r#"{"event":"joint_team_formed","supplier":["application engineer"],"client":["process lead"]}"#;
const ECONOMICS: &str = r#"{"event":"economic_evaluated","proposal":"three-year supply","options":[{"option":"A","price_minor":9000000,"impact_minor":1500000},{"option":"B","price_minor":9500000,"impact_minor":1200000}]}"#;
const RESPONSIBILITIES: &str = r#"{"event":"responsibilities_agreed","supplier":{"responsibilities":["deliver weekly"],"guarantees":["yield +2%"]},"client":{"responsibilities":["dose as agreed"],"guarantees":[]}}"#;

fn phase(phase: &str, result: &str) -> String {
    format!(r#"{{"event":"technical_phase_run","phase":"{phase}","result":"{result}"}}"#)
}

#[test]
fn a_strategic_deal_runs_through_the_cycle_and_into_a_second_iteration() {
    let mut s = Sale::new(CustomerType::Strategic);
    let mut ty = 9;
    ok(unsafe { techsales_cycle_customer_type(s.cycle, &mut ty) });
    assert_eq!(ty, CustomerType::Strategic.code());
    assert_eq!(s.status(), (0, Outcome::Pending.code(), 1));
    // Recognition of needs: moving on is refused, naming what is missing.
    assert_eq!(s.advance(), techsales_result::RefusedTransition);
    assert!(last_error().contains("Needs interview"), "{}", last_error());
    assert_eq!(
        s.missing(),
        bit(Step::Knowledge) | bit(Step::VisitPlanning) | bit(Step::Interview)
    );
    let text = s.guidance(0, true);
    assert!(
        text.starts_with("Recognition of needs (iteration 1"),
        "{text}"
    );
    assert!(
        text.contains("- [ready] Complete a step: Knowledge and SWOT"),
        "{text}"
    );
    assert!(
        text.contains("- [waiting] Complete a step: Visit planning"),
        "{text}"
    );
    let zh = s.guidance(1, true);
    assert!(zh.starts_with("需求识别（第 1 轮"), "{zh}");
    let json: serde_json::Value = serde_json::from_str(&s.guidance(0, false)).unwrap();
    assert_eq!(json["stage"], "recognition_of_needs");
    assert_eq!(json["items"][0]["step"], "knowledge");

    // The interview waits for the visit plan.
    assert_eq!(s.event(INTERVIEW), techsales_result::RefusedTransition);
    assert!(last_error().contains("Visit planning"), "{}", last_error());
    for event in [KNOWLEDGE, VISIT, INTERVIEW] {
        ok(s.event(event));
    }
    assert_eq!(s.missing(), 0);
    ok(s.advance());
    assert_eq!(s.status().0, Stage::EvaluatingOptions.code());

    // Evaluating options: framework, team, trials in order, economics.
    ok(s.event(FRAMEWORK));
    ok(s.event(TEAM));
    assert_eq!(
        s.event(&phase("plant", "passed")),
        techsales_result::RefusedTransition
    );
    ok(s.event(&phase("laboratory", "passed")));
    ok(s.event(&phase("pilot_plant", "adjusted")));
    ok(s.event(&phase("plant", "passed")));
    ok(s.event(ECONOMICS));
    ok(s.advance());

    // Resolving concerns: an objection must be resolved before the decision.
    assert_eq!(s.advance(), techsales_result::RefusedTransition);
    ok(s.complete(Step::Presentation, c"results presented to the board"));
    ok(s.event(RESPONSIBILITIES));
    let at = s.next();
    unsafe {
        ok(techsales_cycle_raise_objection(
            s.cycle,
            at,
            c"ana".as_ptr(),
            c"obj-1".as_ptr(),
            c"price too high".as_ptr(),
        ));
        assert_eq!(
            techsales_cycle_raise_objection(
                s.cycle,
                at,
                c"ana".as_ptr(),
                c"obj-1".as_ptr(),
                c"again".as_ptr(),
            ),
            techsales_result::RefusedTransition
        );
        assert!(s.guidance(0, true).contains("Resolve an objection: obj-1"));
        assert_eq!(
            techsales_cycle_decide(s.cycle, at, c"ana".as_ptr(), 0),
            techsales_result::RefusedTransition
        );
        assert!(last_error().contains("obj-1"), "{}", last_error());
        assert_eq!(
            techsales_cycle_resolve_objection(
                s.cycle,
                at,
                c"ana".as_ptr(),
                c"obj-9".as_ptr(),
                c"x".as_ptr(),
            ),
            techsales_result::NotFound
        );
        assert_eq!(
            techsales_cycle_resolve_objection(
                s.cycle,
                at,
                c"ana".as_ptr(),
                c"obj-1".as_ptr(),
                c"  ".as_ptr(),
            ),
            techsales_result::InvalidArgument
        );
        ok(techsales_cycle_resolve_objection(
            s.cycle,
            at,
            c"ana".as_ptr(),
            c"obj-1".as_ptr(),
            c"yield guarantee offsets the price".as_ptr(),
        ));
        ok(techsales_cycle_decide(s.cycle, at + 1, c"ana".as_ptr(), 0));
    }
    assert_eq!(
        s.status(),
        (Stage::Implementation.code(), Outcome::Agreement.code(), 1)
    );

    // Implementation and evolution, then a lesson and a second iteration.
    for step in [
        Step::Assembly,
        Step::Accompaniment,
        Step::PerformanceEvaluation,
    ] {
        ok(s.complete(step, c"done"));
    }
    ok(s.advance());
    assert_eq!(s.status().0, Stage::Evolution.code());
    assert!(s.guidance(0, true).contains("Start the next iteration"));
    for step in [
        Step::FollowUp,
        Step::ConditionsVerification,
        Step::AfterSales,
    ] {
        ok(s.complete(step, c"verified"));
    }
    let at = s.next();
    ok(unsafe {
        techsales_cycle_learn(
            s.cycle,
            at,
            c"ana".as_ptr(),
            c"start trials at the pilot plant".as_ptr(),
        )
    });
    ok(s.advance());
    assert_eq!(
        s.status(),
        (Stage::RecognitionOfNeeds.code(), Outcome::Pending.code(), 2)
    );

    // Export, load back (the journal is replayed and checked), export again.
    let first = s.to_json();
    assert!(first.contains("start trials at the pilot plant"));
    let text = CString::new(first.clone()).unwrap();
    let mut back = ptr::null_mut();
    ok(unsafe { techsales_cycle_from_json(text.as_ptr(), &mut back) });
    let mut json = ptr::null_mut();
    ok(unsafe { techsales_cycle_to_json(back, &mut json) });
    assert_eq!(take(json), first);
    unsafe { techsales_cycle_free(back) };

    // A stored state that its journal does not give is refused.
    let tampered = CString::new(first.replacen(
        "\"completed_iterations\":1",
        "\"completed_iterations\":7",
        1,
    ))
    .unwrap();
    assert_ne!(tampered.as_bytes(), first.as_bytes());
    let mut bad = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_cycle_from_json(tampered.as_ptr(), &mut bad) },
        techsales_result::InvalidJson
    );
    assert!(last_error().contains("replay"), "{}", last_error());
    // A journal that does not replay (an event removed) is refused too.
    let start = first.find("{\"at\"").unwrap();
    let end = start + first[start..].find("},{\"at\"").unwrap() + 2;
    let gapped = CString::new(format!("{}{}", &first[..start], &first[end..])).unwrap();
    assert_eq!(
        unsafe { techsales_cycle_from_json(gapped.as_ptr(), &mut bad) },
        techsales_result::InvalidJson
    );
    let newer =
        CString::new(first.replacen("\"format_version\":2", "\"format_version\":3", 1)).unwrap();
    assert_eq!(
        unsafe { techsales_cycle_from_json(newer.as_ptr(), &mut bad) },
        techsales_result::UnsupportedVersion
    );
    assert!(bad.is_null());
}

#[test]
fn no_agreement_ends_the_cycle_and_a_cancelled_deal_accepts_nothing_more() {
    // A loyal customer: no joint team, trials may start at the plant.
    let mut s = Sale::new(CustomerType::Loyal);
    for event in [KNOWLEDGE, VISIT, INTERVIEW] {
        ok(s.event(event));
    }
    ok(s.advance());
    for event in [FRAMEWORK, &phase("plant", "passed"), ECONOMICS] {
        ok(s.event(event));
    }
    ok(s.advance());
    ok(s.complete(Step::Presentation, c"presented"));
    ok(s.event(RESPONSIBILITIES));
    let mut copy = ptr::null_mut();
    let json = CString::new(s.to_json()).unwrap();
    ok(unsafe { techsales_cycle_from_json(json.as_ptr(), &mut copy) });

    let at = s.next();
    ok(unsafe { techsales_cycle_decide(s.cycle, at, c"ana".as_ptr(), 1) });
    assert_eq!(
        s.status(),
        (
            Stage::ResolvingConcerns.code(),
            Outcome::NoAgreement.code(),
            1
        )
    );
    assert_eq!(s.advance(), techsales_result::RefusedTransition);
    assert!(last_error().contains("ended"), "{}", last_error());

    // The copy agrees, then is cancelled during implementation.
    unsafe {
        ok(techsales_cycle_decide(copy, at, c"ana".as_ptr(), 0));
        assert_eq!(
            techsales_cycle_cancel(copy, at, c"ana".as_ptr(), c"".as_ptr()),
            techsales_result::InvalidArgument
        );
        ok(techsales_cycle_cancel(
            copy,
            at + 1,
            c"ana".as_ptr(),
            c"plant closed".as_ptr(),
        ));
        let (mut stage, mut outcome, mut iteration) = (0, 0, 0);
        ok(techsales_cycle_status(
            copy,
            &mut stage,
            &mut outcome,
            &mut iteration,
        ));
        assert_eq!(outcome, Outcome::Cancelled.code());
        assert_eq!(
            techsales_cycle_complete_step(copy, at + 2, c"ana".as_ptr(), 11, c"x".as_ptr()),
            techsales_result::RefusedTransition
        );
        techsales_cycle_free(copy);
    }
}

#[test]
fn a_sale_runs_under_a_variant_given_as_json() {
    let mut variant = CycleVariant::default_for(CustomerType::MarketTaker);
    variant
        .steps
        .insert(Step::Interview, StepRequirement::Required);
    let json = CString::new(serde_json::to_string(&variant).unwrap()).unwrap();
    let mut cycle = ptr::null_mut();
    ok(unsafe { techsales_cycle_new_with_variant(json.as_ptr(), &mut cycle) });
    let s = Sale { cycle, hours: 0 };
    assert_eq!(
        s.missing(),
        bit(Step::Knowledge)
            | bit(Step::InvestmentCheck)
            | bit(Step::VisitPlanning)
            | bit(Step::Interview)
    );
    let mut ty = 9;
    ok(unsafe { techsales_cycle_customer_type(s.cycle, &mut ty) });
    assert_eq!(ty, CustomerType::MarketTaker.code());

    let mut missing_step = serde_json::to_value(&variant).unwrap();
    missing_step["steps"]
        .as_object_mut()
        .unwrap()
        .remove("after_sales");
    let json = CString::new(missing_step.to_string()).unwrap();
    let mut h = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_cycle_new_with_variant(json.as_ptr(), &mut h) },
        techsales_result::ConfigError
    );
    assert!(
        last_error().contains("steps.after_sales"),
        "{}",
        last_error()
    );
    assert!(h.is_null());
}

#[test]
fn null_for_every_pointer_parameter_is_an_error_never_a_crash() {
    let s = Sale::new(CustomerType::Strategic);
    let c = s.cycle;
    let a = c"x".as_ptr();
    let n = techsales_result::NullParameter;
    let (mut u, mut v, mut w) = (0u32, 0u32, 0u32);
    let mut text: *mut c_char = ptr::null_mut();
    let mut h = ptr::null_mut();
    let null = ptr::null::<c_char>();
    unsafe {
        assert_eq!(techsales_cycle_new(3, ptr::null_mut()), n);
        assert_eq!(techsales_cycle_new_with_variant(null, &mut h), n);
        assert_eq!(techsales_cycle_new_with_variant(a, ptr::null_mut()), n);
        assert_eq!(techsales_cycle_apply_json(ptr::null_mut(), a), n);
        assert_eq!(techsales_cycle_apply_json(c, null), n);
        assert_eq!(techsales_cycle_advance(ptr::null_mut(), T0, a), n);
        assert_eq!(techsales_cycle_advance(c, T0, null), n);
        assert_eq!(
            techsales_cycle_complete_step(ptr::null_mut(), T0, a, 8, a),
            n
        );
        assert_eq!(techsales_cycle_complete_step(c, T0, null, 8, a), n);
        assert_eq!(techsales_cycle_complete_step(c, T0, a, 8, null), n);
        assert_eq!(
            techsales_cycle_raise_objection(ptr::null_mut(), T0, a, a, a),
            n
        );
        assert_eq!(techsales_cycle_raise_objection(c, T0, null, a, a), n);
        assert_eq!(techsales_cycle_raise_objection(c, T0, a, null, a), n);
        assert_eq!(techsales_cycle_raise_objection(c, T0, a, a, null), n);
        assert_eq!(
            techsales_cycle_resolve_objection(ptr::null_mut(), T0, a, a, a),
            n
        );
        assert_eq!(techsales_cycle_resolve_objection(c, T0, null, a, a), n);
        assert_eq!(techsales_cycle_resolve_objection(c, T0, a, null, a), n);
        assert_eq!(techsales_cycle_resolve_objection(c, T0, a, a, null), n);
        assert_eq!(techsales_cycle_decide(ptr::null_mut(), T0, a, 0), n);
        assert_eq!(techsales_cycle_decide(c, T0, null, 0), n);
        assert_eq!(techsales_cycle_learn(ptr::null_mut(), T0, a, a), n);
        assert_eq!(techsales_cycle_learn(c, T0, null, a), n);
        assert_eq!(techsales_cycle_learn(c, T0, a, null), n);
        assert_eq!(techsales_cycle_cancel(ptr::null_mut(), T0, a, a), n);
        assert_eq!(techsales_cycle_cancel(c, T0, null, a), n);
        assert_eq!(techsales_cycle_cancel(c, T0, a, null), n);
        assert_eq!(
            techsales_cycle_status(ptr::null(), &mut u, &mut v, &mut w),
            n
        );
        assert_eq!(
            techsales_cycle_status(c, ptr::null_mut(), &mut v, &mut w),
            n
        );
        assert_eq!(
            techsales_cycle_status(c, &mut u, ptr::null_mut(), &mut w),
            n
        );
        assert_eq!(
            techsales_cycle_status(c, &mut u, &mut v, ptr::null_mut()),
            n
        );
        assert_eq!(techsales_cycle_customer_type(ptr::null(), &mut u), n);
        assert_eq!(techsales_cycle_customer_type(c, ptr::null_mut()), n);
        assert_eq!(techsales_cycle_missing_steps(ptr::null(), &mut u), n);
        assert_eq!(techsales_cycle_missing_steps(c, ptr::null_mut()), n);
        assert_eq!(techsales_cycle_guidance(ptr::null(), 0, true, &mut text), n);
        assert_eq!(techsales_cycle_guidance(c, 0, true, ptr::null_mut()), n);
        assert_eq!(techsales_cycle_to_json(ptr::null(), &mut text), n);
        assert_eq!(techsales_cycle_to_json(c, ptr::null_mut()), n);
        assert_eq!(techsales_cycle_from_json(null, &mut h), n);
        assert_eq!(techsales_cycle_from_json(a, ptr::null_mut()), n);
        techsales_cycle_free(ptr::null_mut());
    }
    assert!(text.is_null() && h.is_null());
    assert_eq!((u, v, w), (0, 0, 0));
    assert!(
        s.to_json().contains("\"journal\":[]"),
        "nothing was applied"
    );
}

#[test]
fn out_of_range_enums_bad_utf8_bad_times_and_bad_json_are_refused() {
    let mut s = Sale::new(CustomerType::Strategic);
    let c = s.cycle;
    let a = c"x".as_ptr();
    let e = techsales_result::InvalidEnumValue;
    let mut text: *mut c_char = ptr::null_mut();
    let mut h = ptr::null_mut();
    let bad = CString::new(vec![b'a', 0xc3, 0x28]).unwrap();
    unsafe {
        assert_eq!(techsales_cycle_new(4, &mut h), e);
        assert_eq!(techsales_cycle_new(u32::MAX, &mut h), e);
        assert_eq!(techsales_cycle_complete_step(c, T0, a, 18, a), e);
        assert_eq!(techsales_cycle_decide(c, T0, a, 2), e);
        assert_eq!(techsales_cycle_guidance(c, 2, true, &mut text), e);
        assert_eq!(
            techsales_cycle_advance(c, i64::MAX, a),
            techsales_result::InvalidArgument
        );
        assert_eq!(
            techsales_cycle_advance(c, T0, bad.as_ptr()),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_cycle_learn(c, T0, a, bad.as_ptr()),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_cycle_apply_json(c, bad.as_ptr()),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_cycle_from_json(bad.as_ptr(), &mut h),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_cycle_new_with_variant(bad.as_ptr(), &mut h),
            techsales_result::InvalidUtf8
        );
    }
    // Malformed entries: not JSON, an unknown event, a misspelt field,
    // a step completed with a summary where it needs its artefact.
    for event in [
        "{",
        r#""teleported""#,
        r#"{"event":"teleported"}"#,
        r#"{"event":"advance","to":"evaluating_options","force":true}"#,
        r#"{"event":"knowledge_gathered","areas":{}}"#,
    ] {
        assert_eq!(s.event(event), techsales_result::InvalidJson, "{event}");
    }
    assert_eq!(
        s.event(r#"{"event":"step_completed","step":"knowledge","summary":"x"}"#),
        techsales_result::RefusedTransition
    );
    // Dated before the last accepted event.
    ok(s.event(KNOWLEDGE));
    let early = cr#"{"at":"2020-01-01T00:00:00Z","actor":"ana","event":{"event":"lesson_learned","lesson":"x"}}"#;
    assert_eq!(
        unsafe { techsales_cycle_apply_json(c, early.as_ptr()) },
        techsales_result::InvalidArgument
    );
    let scale = if cfg!(miri) { 1 } else { 100 };
    let deep = CString::new("[".repeat(1_000 * scale)).unwrap();
    let long = format!(
        r#"{{"event":"lesson_learned","lesson":"{}"}}"#,
        "y".repeat(10_000 * scale)
    );
    unsafe {
        assert_eq!(
            techsales_cycle_apply_json(c, deep.as_ptr()),
            techsales_result::InvalidJson
        );
        assert_eq!(
            techsales_cycle_from_json(deep.as_ptr(), &mut h),
            techsales_result::InvalidJson
        );
        assert_eq!(
            techsales_cycle_new_with_variant(deep.as_ptr(), &mut h),
            techsales_result::InvalidJson
        );
        for text in [&b"{"[..], b"[1]", b"null", b"{\"format_version\":1}"] {
            let json = CString::new(text).unwrap();
            assert_eq!(
                techsales_cycle_from_json(json.as_ptr(), &mut h),
                techsales_result::InvalidJson
            );
        }
    }
    // A very long (but valid) lesson is accepted and survives a round trip.
    ok(s.event(&long));
    let json = CString::new(s.to_json()).unwrap();
    ok(unsafe { techsales_cycle_from_json(json.as_ptr(), &mut h) });
    unsafe { techsales_cycle_free(h) };
    assert!(text.is_null());
}

/// A technical sale handed to another thread: it may move, one user at a time.
struct Moved(*mut techsales_cycle);
// SAFETY: a technical sale may move between threads; only one uses it.
unsafe impl Send for Moved {}

#[test]
fn a_sale_may_move_to_another_thread() {
    let mut cycle = ptr::null_mut();
    ok(unsafe { techsales_cycle_new(CustomerType::Opportunity.code(), &mut cycle) });
    let moved = Moved(cycle);
    let handle = std::thread::spawn(move || {
        let moved = moved;
        let entry = CString::new(format!(
            r#"{{"at":"2026-01-05T09:00:00Z","actor":"li","event":{KNOWLEDGE}}}"#
        ))
        .unwrap();
        ok(unsafe { techsales_cycle_apply_json(moved.0, entry.as_ptr()) });
        moved
    });
    let back = handle.join().unwrap();
    let mut mask = 0;
    ok(unsafe { techsales_cycle_missing_steps(back.0, &mut mask) });
    assert_eq!(mask, bit(Step::VisitPlanning) | bit(Step::Interview));
    unsafe { techsales_cycle_free(back.0) };
}
