//! The rules of the five-stage technical-sale cycle (DOMAIN.md section 2),
//! stated as property tests.
//!
//! Deals are driven by random sequences of moves under random variants (the
//! four built-in ones and arbitrary tables of step requirements). Most moves
//! follow the deal's own guidance, so sequences reach every stage and loop;
//! the rest are arbitrary events, well-formed or not, in or out of place,
//! sometimes dated in the past.

#[path = "support/cycle_fixtures.rs"]
mod fixtures;

use std::collections::BTreeMap;

use fixtures::*;
use proptest::prelude::*;
use techsales::customer::CustomerType;
use techsales::cycle::{
    CycleError, CycleEvent, CycleVariant, Decision, Outcome, PhaseResult, Stage, Step,
    StepRequirement, TechnicalPhase, TechnicalSale,
};
use techsales::journal::Entry;

// ---------------------------------------------------------------- inputs

fn arb_requirement() -> impl Strategy<Value = StepRequirement> {
    prop::sample::select(StepRequirement::ALL.to_vec())
}

fn arb_phase() -> impl Strategy<Value = TechnicalPhase> {
    prop::sample::select(TechnicalPhase::ALL.to_vec())
}

fn arb_result() -> impl Strategy<Value = PhaseResult> {
    prop::sample::select(PhaseResult::ALL.to_vec())
}

fn arb_stage() -> impl Strategy<Value = Stage> {
    prop::sample::select(Stage::ALL.to_vec())
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop::sample::select(Step::ALL.to_vec())
}

fn arb_customer_type() -> impl Strategy<Value = CustomerType> {
    prop::sample::select(CustomerType::ALL.to_vec())
}

/// A built-in variant, or an arbitrary (valid) table of requirements.
fn arb_variant() -> impl Strategy<Value = CycleVariant> {
    let built_in = arb_customer_type().prop_map(CycleVariant::default_for);
    let arbitrary = (
        arb_customer_type(),
        prop::collection::vec(arb_requirement(), Step::ALL.len()),
        arb_phase(),
    )
        .prop_map(|(customer_type, row, latest_start_phase)| {
            let mut steps: BTreeMap<Step, StepRequirement> =
                Step::ALL.iter().copied().zip(row).collect();
            // Keep the variant valid: no stage with every step skipped.
            for &stage in Stage::ALL {
                let all_skipped = stage
                    .steps()
                    .iter()
                    .all(|s| steps[s] == StepRequirement::Skipped);
                if all_skipped {
                    steps.insert(stage.steps()[0], StepRequirement::Optional);
                }
            }
            CycleVariant {
                customer_type,
                steps,
                latest_start_phase,
            }
        });
    prop_oneof![built_in, arbitrary]
}

fn small_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["A", "B", "note"]).prop_map(String::from),
        1 => Just(String::new()),
        1 => Just("  ".to_string()),
    ]
}

fn objection_id() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["o1", "o2", "o3"]).prop_map(String::from)
}

/// Any event, well-formed or broken, regardless of where the deal stands.
fn arb_event() -> impl Strategy<Value = CycleEvent> {
    let options = prop::collection::vec(
        prop::sample::select(vec!["A", "B", "C"]).prop_map(String::from),
        0..3,
    );
    let price = any::<u64>();
    prop_oneof![
        Just(CycleEvent::KnowledgeGathered(knowledge())),
        Just(CycleEvent::KnowledgeGathered(Default::default())),
        any::<bool>().prop_map(|w| CycleEvent::InvestmentChecked(
            techsales::cycle::InvestmentCheck {
                worth_investing: w,
                reason: "volume".into()
            }
        )),
        (
            prop::collection::vec(
                prop::sample::select(techsales::cycle::VisitQuestion::ALL.to_vec()),
                5..8
            ),
            price
        )
            .prop_map(|(questions, price)| {
                let mut plan = visit_plan();
                plan.answers = questions
                    .into_iter()
                    .map(|q| (q, "a".to_string()))
                    .collect();
                plan.price_estimate_minor = price;
                CycleEvent::VisitPlanned(plan)
            }),
        options
            .clone()
            .prop_map(
                |options| CycleEvent::InterviewHeld(techsales::cycle::Interview {
                    real_needs: texts(&["need"]),
                    options
                })
            ),
        Just(CycleEvent::FrameworkAgreed(framework())),
        Just(CycleEvent::JointTeamFormed(joint_team())),
        Just(CycleEvent::JointTeamFormed(Default::default())),
        (arb_phase(), arb_result()).prop_map(|(p, r)| run(p, r)),
        (options, price).prop_map(|(options, price)| {
            let mut e = economics(&options);
            if let Some(first) = e.options.first_mut() {
                first.price_minor = price;
            }
            CycleEvent::EconomicEvaluated(e)
        }),
        Just(CycleEvent::ResponsibilitiesAgreed(responsibilities())),
        Just(CycleEvent::ResponsibilitiesAgreed(Default::default())),
        (arb_step(), small_text())
            .prop_map(|(step, summary)| CycleEvent::StepCompleted { step, summary }),
        (objection_id(), small_text())
            .prop_map(|(id, text)| CycleEvent::ObjectionRaised { id, text }),
        (objection_id(), small_text())
            .prop_map(|(id, resolution)| CycleEvent::ObjectionResolved { id, resolution }),
        prop::sample::select(Decision::ALL.to_vec())
            .prop_map(|decision| CycleEvent::ClientDecided { decision }),
        small_text().prop_map(|change| CycleEvent::DealModified { change }),
        small_text().prop_map(|reason| CycleEvent::DealCancelled { reason }),
        small_text().prop_map(|lesson| CycleEvent::LessonLearned { lesson }),
        arb_stage().prop_map(|to| CycleEvent::Advance { to }),
    ]
}

/// One move: follow the guidance, raise an objection, or send any event.
#[derive(Debug, Clone)]
enum Move {
    /// Carry out guidance item number `pick` (modulo the number of items),
    /// among the items marked ready or among all of them.
    Guided {
        pick: usize,
        ready_only: bool,
        /// For a trial, run this phase instead of the one suggested.
        phase: Option<TechnicalPhase>,
        result: PhaseResult,
        decision: Decision,
    },
    /// Raise an objection (objections are not in the guidance).
    Object(String),
    /// Any event.
    Any(CycleEvent),
}

fn arb_move() -> impl Strategy<Value = Move> {
    let decision = prop_oneof![9 => Just(Decision::Agreement), 1 => Just(Decision::NoAgreement)];
    let result = prop_oneof![
        3 => Just(PhaseResult::Passed),
        1 => Just(PhaseResult::Adjusted),
        1 => Just(PhaseResult::Failed),
    ];
    prop_oneof![
        12 => (
            any::<usize>(),
            prop::bool::weighted(0.8),
            prop::option::weighted(0.3, arb_phase()),
            result,
            decision
        )
            .prop_map(|(pick, ready_only, phase, result, decision)| Move::Guided {
                pick,
                ready_only,
                phase,
                result,
                decision
            }),
        1 => objection_id().prop_map(Move::Object),
        3 => arb_event().prop_map(Move::Any),
    ]
}

/// Hours since the last event: mostly forward, sometimes into the past.
fn arb_delay() -> impl Strategy<Value = i64> {
    prop_oneof![12 => 0i64..48, 1 => -48i64..0]
}

fn arb_moves() -> impl Strategy<Value = Vec<(Move, i64)>> {
    prop::collection::vec((arb_move(), arb_delay()), 0..100)
}

// ---------------------------------------------------------------- driver

/// What one applied event looked like.
struct Applied<'a> {
    before: &'a TechnicalSale,
    event: CycleEvent,
    outcome: Result<(), CycleError>,
    after: &'a TechnicalSale,
}

fn event_for(sale: &TechnicalSale, mv: &Move) -> CycleEvent {
    match mv {
        Move::Guided {
            pick,
            ready_only,
            phase,
            result,
            decision,
        } => {
            let mut items = sale.guidance().items;
            if *ready_only && items.iter().any(|i| i.ready) {
                items.retain(|i| i.ready);
            }
            match items.get(pick % items.len().max(1)) {
                Some(item) => match (item_event(sale, item, *result, *decision), phase) {
                    (CycleEvent::TechnicalPhaseRun(mut run), Some(other)) => {
                        run.phase = *other;
                        CycleEvent::TechnicalPhaseRun(run)
                    }
                    (event, _) => event,
                },
                None => CycleEvent::LessonLearned {
                    lesson: "after the end".into(),
                },
            }
        }
        Move::Object(id) => CycleEvent::ObjectionRaised {
            id: id.clone(),
            text: "a concern".into(),
        },
        Move::Any(event) => event.clone(),
    }
}

/// Drives a deal through `moves`, calling `observe` after every event.
fn drive(
    variant: CycleVariant,
    moves: &[(Move, i64)],
    mut observe: impl FnMut(&Applied<'_>) -> Result<(), TestCaseError>,
) -> Result<TechnicalSale, TestCaseError> {
    let mut sale = TechnicalSale::new(variant).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut hours = 0i64;
    for (i, (mv, delay)) in moves.iter().enumerate() {
        hours += delay;
        let event = event_for(&sale, mv);
        let before = sale.clone();
        let mut entry = Entry::new(
            at(hours),
            if i % 2 == 0 { "ana" } else { "bo" },
            event.clone(),
        );
        if i % 5 == 0 {
            entry = entry.with_note(format!("note {i}"));
        }
        let outcome = sale.apply(entry);
        if outcome.is_err() {
            hours -= delay;
        }
        observe(&Applied {
            before: &before,
            event,
            outcome,
            after: &sale,
        })?;
    }
    Ok(sale)
}

// ------------------------------------------------------------ invariants

/// Whether `step` is recorded at all in the current iteration (even a failed
/// trial counts), read straight from the records.
fn touched(sale: &TechnicalSale, step: Step) -> bool {
    match step {
        Step::Knowledge => sale.knowledge().is_some(),
        Step::InvestmentCheck => sale.investment_check().is_some(),
        Step::VisitPlanning => sale.visit_plan().is_some(),
        Step::Interview => sale.interview().is_some(),
        Step::EvaluationFramework => sale.framework().is_some(),
        Step::JointTeam => sale.joint_team().is_some(),
        Step::TechnicalEvaluation => sale.technical_runs().next().is_some(),
        Step::EconomicEvaluation => sale.economic_evaluation().is_some(),
        Step::ResponsibilitiesAndGuarantees => sale.responsibilities().is_some(),
        other => sale.summaries(other).next().is_some(),
    }
}

/// Whether `step` is complete: recorded, and for the trials, the plant
/// phase passed.
fn complete(sale: &TechnicalSale, step: Step) -> bool {
    if step == Step::TechnicalEvaluation {
        return sale
            .technical_runs()
            .any(|r| r.phase == TechnicalPhase::Plant && r.result != PhaseResult::Failed);
    }
    touched(sale, step)
}

/// Every way a state could break its variant's step order.
fn step_order_violations(sale: &TechnicalSale) -> Vec<String> {
    let v = sale.variant();
    let mut out = Vec::new();
    for &step in Step::ALL {
        let req = v.requirement(step);
        if !touched(sale, step) {
            continue;
        }
        if req == StepRequirement::Skipped {
            out.push(format!("skipped step {step:?} was recorded"));
        }
        if step.stage() > sale.stage() {
            out.push(format!(
                "{step:?} recorded while the deal is only at {:?}",
                sale.stage()
            ));
        }
        for &p in step.prerequisites() {
            if v.requirement(p) == StepRequirement::Required && !complete(sale, p) {
                out.push(format!("{step:?} recorded before required {p:?}"));
            }
        }
    }
    for &stage in Stage::ALL.iter().filter(|&&s| s < sale.stage()) {
        for &step in stage.steps() {
            if v.requirement(step) == StepRequirement::Required && !complete(sale, step) {
                out.push(format!(
                    "left {stage:?} without required {step:?} (now at {:?})",
                    sale.stage()
                ));
            }
        }
    }
    if sale.stage() >= Stage::Implementation {
        if sale.decision() != Some(Decision::Agreement) {
            out.push("implementation without the client's agreement".into());
        }
        if sale.open_objections().next().is_some() {
            out.push("past the decision with an objection open".into());
        }
    }
    if sale.objections().next().is_some() && sale.stage() < Stage::ResolvingConcerns {
        out.push("objections before resolving concerns".into());
    }
    // Technical phases: start no later than the variant allows, never jump
    // ahead, never move on from a failure, stop once the plant passed.
    let runs: Vec<_> = sale.technical_runs().collect();
    if let Some(first) = runs.first() {
        if first.phase > v.latest_start_phase {
            out.push(format!("trials started at {:?}", first.phase));
        }
    }
    for pair in runs.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if b.phase > a.phase && (a.phase.next() != Some(b.phase) || a.result == PhaseResult::Failed)
        {
            out.push(format!("{:?} ({:?}) then {:?}", a.phase, a.result, b.phase));
        }
        if a.phase == TechnicalPhase::Plant && a.result != PhaseResult::Failed {
            out.push("a trial after the plant phase passed".into());
        }
    }
    out
}

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(128)
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(config())]

    /// Whatever events arrive, the state never breaks its variant's step
    /// order: no skipped step recorded, no step before its required
    /// prerequisites, no stage left with a required step open, trials in
    /// phase order from an allowed start, implementation only after
    /// agreement with every objection resolved.
    #[test]
    fn random_events_never_break_the_variants_step_order(
        variant in arb_variant(),
        moves in arb_moves(),
    ) {
        drive(variant, &moves, |a| {
            let broken = step_order_violations(a.after);
            prop_assert!(broken.is_empty(), "after {:?}: {:?}", a.event, broken);
            Ok(())
        })?;
    }

    /// Replaying the journal from the start, under the same variant,
    /// rebuilds exactly the live state.
    #[test]
    fn replay_equals_the_live_state(
        variant in arb_variant(),
        moves in arb_moves(),
    ) {
        let live = drive(variant, &moves, |_| Ok(()))?;
        let replayed = TechnicalSale::replay(live.variant().clone(), live.journal().clone());
        prop_assert_eq!(replayed, Ok(live));
    }

    /// Evolution always leads to recognition of needs, with the iteration
    /// count raised by one and a fresh record, keeping what was learned.
    #[test]
    fn evolution_always_leads_to_recognition_with_the_iteration_count_raised_by_one(
        variant in arb_variant(),
        moves in arb_moves(),
        loops in 1u32..3,
    ) {
        let check = |before: &TechnicalSale, after: &TechnicalSale| -> Result<(), TestCaseError> {
            prop_assert_eq!(after.stage(), Stage::RecognitionOfNeeds);
            prop_assert_eq!(after.iteration(), before.iteration() + 1);
            prop_assert_eq!(after.completed_iterations(), before.completed_iterations() + 1);
            prop_assert_eq!(after.outcome(), Outcome::Pending);
            prop_assert!(Step::ALL.iter().all(|&s| !touched(after, s)));
            prop_assert_eq!(after.lessons(), before.lessons());
            Ok(())
        };
        // Along random runs: every accepted move out of evolution.
        drive(variant.clone(), &moves, |a| {
            if a.before.stage() == Stage::Evolution
                && matches!(a.event, CycleEvent::Advance { .. })
                && a.outcome.is_ok()
            {
                check(a.before, a.after)?;
            }
            Ok(())
        })?;
        // And deliberately: a deal that completes evolution always loops.
        let mut sale = TechnicalSale::new(variant).unwrap();
        let mut hours = 0;
        for _ in 0..loops {
            for _ in 0..4 {
                hours = finish_stage(&mut sale, hours);
            }
            prop_assert_eq!(sale.stage(), Stage::Evolution);
            let before = sale.clone();
            hours = finish_stage(&mut sale, hours);
            check(&before, &sale)?;
        }
        prop_assert_eq!(sale.completed_iterations(), loops);
    }

    /// A decision while an objection is open is always refused, whatever the
    /// decision, and the refusal lists exactly the open objections.
    #[test]
    fn a_decision_with_an_open_objection_is_always_refused(
        variant in arb_variant(),
        moves in arb_moves(),
        raised in 1usize..4,
        resolved in 0usize..4,
        decision in prop::sample::select(Decision::ALL.to_vec()),
    ) {
        // Along random runs.
        drive(variant.clone(), &moves, |a| {
            if matches!(a.event, CycleEvent::ClientDecided { .. })
                && a.before.open_objections().next().is_some()
            {
                prop_assert!(a.outcome.is_err(), "decided with {:?}", a.before.objections().collect::<Vec<_>>());
            }
            Ok(())
        })?;
        // Deliberately: every required step done, some objections left open.
        let mut sale = TechnicalSale::new(variant).unwrap();
        let mut hours = finish_stage(&mut sale, 0);
        hours = finish_stage(&mut sale, hours);
        let required: Vec<Step> = sale.variant().required_steps(Stage::ResolvingConcerns).collect();
        for step in required {
            do_step(&mut sale, hours, step);
        }
        let resolved = resolved.min(raised - 1);
        let ids: Vec<String> = (0..raised).map(|i| format!("o{i}")).collect();
        for id in &ids {
            accept(&mut sale, hours, CycleEvent::ObjectionRaised { id: id.clone(), text: "risk".into() });
        }
        for id in &ids[..resolved] {
            accept(&mut sale, hours, CycleEvent::ObjectionResolved { id: id.clone(), resolution: "ok".into() });
        }
        let before = serde_json::to_string(&sale).unwrap();
        let refused = sale.apply(Entry::new(at(hours), "ana", CycleEvent::ClientDecided { decision }));
        prop_assert_eq!(refused, Err(CycleError::ObjectionsOpen { open: ids[resolved..].to_vec() }));
        prop_assert_eq!(serde_json::to_string(&sale).unwrap(), before);
    }

    /// Serialising the state (and its journal) and reading it back loses
    /// nothing: the same value, and the same bytes when written again.
    #[test]
    fn serde_round_trip_is_lossless(
        variant in arb_variant(),
        moves in arb_moves(),
    ) {
        let sale = drive(variant, &moves, |_| Ok(()))?;
        let json = serde_json::to_string(&sale).unwrap();
        let back: TechnicalSale = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &sale);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        let journal = serde_json::to_string(sale.journal()).unwrap();
        let journal_back: techsales::journal::Journal<CycleEvent> =
            serde_json::from_str(&journal).unwrap();
        prop_assert_eq!(&journal_back, sale.journal());
    }

    /// Every item the guidance marks ready is accepted when carried out with
    /// a well-formed event: the guidance never points at a refused move.
    #[test]
    fn what_the_guidance_marks_ready_is_accepted(
        variant in arb_variant(),
        moves in arb_moves(),
    ) {
        let sale = drive(variant, &moves, |_| Ok(()))?;
        let hours = sale.journal().last_at().map_or(0, |t| (t - at(0)).num_hours());
        for item in sale.guidance().ready() {
            let mut probe = sale.clone();
            let event = item_event(&probe, item, PhaseResult::Passed, Decision::Agreement);
            let accepted = probe.apply(Entry::new(at(hours), "ana", event.clone()));
            prop_assert!(accepted.is_ok(), "{:?} -> {:?}: {:?}", item, event, accepted);
        }
    }

    /// Events dated before the last accepted one are refused, with the times.
    #[test]
    fn events_dated_before_the_last_one_are_refused(
        variant in arb_variant(),
        moves in arb_moves(),
        event in arb_event(),
        back in 1i64..1000,
    ) {
        let mut sale = drive(variant, &moves, |_| Ok(()))?;
        if let Some(last) = sale.journal().last_at() {
            let given = last - chrono::Duration::hours(back);
            let refused = sale.apply(Entry::new(given, "ana", event));
            let expected_err = if sale.is_closed() {
                CycleError::Closed { outcome: sale.outcome() }
            } else {
                CycleError::OutOfOrder(techsales::journal::OutOfOrder { last, given })
            };
            prop_assert_eq!(refused, Err(expected_err));
        }
    }
}

proptest! {
    // Serialising the whole state twice per refusal is the costly part of
    // the suite; fewer cases keep it quick.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A refused event leaves the serialised state byte-identical (and an
    /// accepted one adds exactly one journal entry).
    #[test]
    fn a_refused_event_leaves_the_serialised_state_byte_identical(
        variant in arb_variant(),
        moves in arb_moves(),
    ) {
        drive(variant, &moves, |a| {
            match &a.outcome {
                Err(_) => {
                    prop_assert_eq!(
                        serde_json::to_string(&a.before).unwrap(),
                        serde_json::to_string(&a.after).unwrap()
                    );
                }
                Ok(()) => prop_assert_eq!(a.after.journal().len(), a.before.journal().len() + 1),
            }
            Ok(())
        })?;
    }
}
