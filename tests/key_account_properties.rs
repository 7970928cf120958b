//! Properties of the six-stage key-account process (DOMAIN.md section 3).
//!
//! Each test states one rule of the process in its name; random journals of
//! events (valid and invalid, in and out of order) are run against random
//! valid definitions.

use chrono::{DateTime, Duration, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;

use techsales::grading::Grade;
use techsales::journal::Entry;
use techsales::key_account::{
    win_probability, win_probability_value, Attitude, BuyingInfluence, BuyingRole, CoverageRule,
    DealStatus, ForecastCategory, GradeFactors, InfluenceDegree, InfluencePower, KeyAccountEvent,
    KeyAccountProcess, KeyNode, KeyNodeSet, Outcome, PerStage, ProcessDefinition, ProcurementStep,
    Reason, Stage, StageRule,
};

fn opened() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap()
}

fn arb_stage() -> impl Strategy<Value = Stage> {
    prop::sample::select(Stage::ALL.to_vec())
}

fn arb_node() -> impl Strategy<Value = KeyNode> {
    prop::sample::select(KeyNode::ALL.to_vec())
}

fn arb_grade() -> impl Strategy<Value = Grade> {
    prop::sample::select(Grade::ALL.to_vec())
}

fn arb_role() -> impl Strategy<Value = BuyingRole> {
    prop::sample::select(BuyingRole::ALL.to_vec())
}

/// A probability in thousandths, as people write them in configuration
/// (serde_json without its `float_roundtrip` feature may misread the last
/// bit of arbitrary floats).
fn arb_unit() -> impl Strategy<Value = f64> {
    (0u32..=1000).prop_map(|k| f64::from(k) / 1000.0)
}

/// Any valid definition: non-decreasing bases, each node required by at
/// most one stage, project completion required last.
fn arb_definition() -> impl Strategy<Value = ProcessDefinition> {
    (
        prop::collection::vec(arb_unit(), 6),
        prop::collection::vec(prop::option::of(arb_stage()), 9),
        arb_unit(),
        (
            any::<bool>(),
            1u8..3,
            prop::collection::btree_set(arb_role(), 1..3),
            any::<bool>(),
        ),
        prop::option::of(prop::collection::vec(arb_unit(), 4)),
        prop::collection::vec(any::<bool>(), 4),
    )
        .prop_map(|(mut bases, owners, penalty, coverage, grades, enters)| {
            bases.sort_by(f64::total_cmp);
            let mut stages = PerStage::from_fn(|s| StageRule {
                base_probability: bases[s.code() as usize],
                key_nodes: KeyNodeSet::EMPTY,
            });
            for (node, owner) in KeyNode::ALL.iter().zip(owners) {
                let owner = match node {
                    KeyNode::ProjectCompleted => Some(Stage::LAST),
                    KeyNode::OpportunityGraded => Some(Stage::Development),
                    _ => owner,
                };
                if let Some(stage) = owner {
                    let rule = stages.get_mut(stage);
                    rule.key_nodes = rule.key_nodes.with(*node);
                }
            }
            let (derive, min_coaches, key_roles, require_met) = coverage;
            let mut policies = techsales::grading::PolicyTable::default();
            policies.a.enter_sales_process = enters[0];
            policies.b.enter_sales_process = enters[1];
            policies.c.enter_sales_process = enters[2];
            policies.d.enter_sales_process = enters[3];
            ProcessDefinition {
                policies,
                stages,
                forcing_penalty: penalty,
                forced_recovery: bases[0],
                influence_power: InfluencePower {
                    opposed: bases[1],
                    high_influence_not_met: bases[2],
                },
                coverage: CoverageRule {
                    derive,
                    min_coaches,
                    key_roles,
                    require_met,
                },
                grade_factors: grades.map(|g| GradeFactors {
                    a: g[0],
                    b: g[1],
                    c: g[2],
                    d: g[3],
                    failed: None,
                    ungraded: None,
                }),
                ..ProcessDefinition::default()
            }
        })
}

/// A reason: mostly a known key, sometimes an unknown or empty one, and
/// the competitor reason with and without its competitor.
fn arb_reason() -> impl Strategy<Value = Box<Reason>> {
    prop_oneof![
        4 => prop::sample::select(vec!["price", "timing", "other", "evaluation_failed", "no_budget"])
            .prop_map(|key| Box::new(Reason::new(key).with_note("noted"))),
        1 => Just(Box::new(Reason::new("competitor").with_competitor("Rival Ltd"))),
        1 => Just(Box::new(Reason::new("competitor"))),
        1 => Just(Box::new(Reason::new("weather"))),
        1 => Just(Box::new(Reason::new(""))),
    ]
}

fn arb_day() -> impl Strategy<Value = chrono::NaiveDate> {
    (0i64..400).prop_map(|d| opened().date_naive() + Duration::days(d))
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![4 => Just("noted".to_owned()), 1 => Just(String::new()), 1 => Just("  ".to_owned())]
}

fn arb_contact() -> impl Strategy<Value = BuyingInfluence> {
    (
        prop::sample::select(vec!["c0", "c1", "c2", "c3", ""]),
        arb_role(),
        prop::sample::select(InfluenceDegree::ALL.to_vec()),
        any::<bool>(),
        prop::sample::select(Attitude::ALL.to_vec()),
    )
        .prop_map(|(id, role, influence, met, attitude)| BuyingInfluence {
            id: id.to_owned(),
            name: format!("person {id}"),
            role,
            influence,
            met,
            attitude,
        })
}

fn arb_event() -> impl Strategy<Value = KeyAccountEvent> {
    prop_oneof![
        24 => (arb_node(), arb_text(), prop::option::of(arb_grade())).prop_map(|(node, evidence, grade)| {
            // Mostly well-formed: a grade only with the grading node (and
            // sometimes none, which is refused).
            let grade = if node == KeyNode::OpportunityGraded { grade } else { None };
            KeyAccountEvent::KeyNodeMet { node, evidence, grade }
        }),
        3 => (arb_node(), arb_grade()).prop_map(|(node, grade)| KeyAccountEvent::KeyNodeMet {
            node,
            evidence: "graded".into(),
            grade: Some(grade),
        }),
        3 => (arb_grade(), arb_text()).prop_map(|(grade, evidence)| KeyAccountEvent::Regraded { grade, evidence }),
        24 => Just(KeyAccountEvent::Advanced),
        9 => arb_text().prop_map(|reason| KeyAccountEvent::ForcedAdvance { reason }),
        6 => prop::sample::select(ProcurementStep::ALL.to_vec())
            .prop_map(|step| KeyAccountEvent::ProcurementStepObserved { step }),
        9 => arb_contact().prop_map(|contact| KeyAccountEvent::ContactRecorded {
            contact: Box::new(contact)
        }),
        3 => prop::sample::select(vec!["c0", "c1", "c9"])
            .prop_map(|id| KeyAccountEvent::ContactRemoved { id: id.to_owned() }),
        6 => (arb_day(), prop::option::of(0u64..1_000_000)).prop_map(|(booked_on, amount_minor)| {
            KeyAccountEvent::Booked { booked_on, amount_minor }
        }),
        1 => arb_reason().prop_map(|reason| KeyAccountEvent::Lost { reason }),
        1 => arb_reason().prop_map(|reason| KeyAccountEvent::Withdrawn { reason }),
        1 => arb_reason().prop_map(|reason| KeyAccountEvent::DeliveryCancelled { reason }),
        2 => (arb_grade(), arb_text()).prop_map(|(grade, reason)| KeyAccountEvent::GradeSetByHand { grade, reason }),
        2 => (arb_text(), arb_day()).prop_map(|(evidence, review_on)| KeyAccountEvent::Nurtured { evidence, review_on }),
        2 => (prop::option::of(0u64..1_000_000), 0u64..1_000_000).prop_map(|(from_minor, to_minor)| KeyAccountEvent::AmountChanged { from_minor, to_minor }),
        2 => (prop::option::of(arb_day()), arb_day()).prop_map(|(from, to)| KeyAccountEvent::CloseDateChanged { from, to }),
        2 => (prop::option::of(arb_unit()), -0.5f64..1.5).prop_map(|(from, to)| KeyAccountEvent::PossibilityChanged { from, to }),
        1 => prop::sample::select(vec!["li", "wang", ""]).prop_map(|owner| KeyAccountEvent::OwnerChanged { owner: owner.into() }),
        1 => (prop::option::of(prop::sample::select(ForecastCategory::ALL.to_vec())), arb_text())
            .prop_map(|(category, reason)| KeyAccountEvent::ForecastCategorySet { category, reason }),
        // A CRM's stage: mostly named, sometimes with a probability out of
        // range (refused), sometimes reported done.
        3 => (
            arb_stage(),
            prop_oneof![4 => Just("Negotiation".to_owned()), 1 => Just(String::new())],
            prop_oneof![2 => Just(None), 3 => arb_unit().prop_map(Some), 1 => Just(Some(1.5))],
            prop_oneof![4 => Just(false), 1 => Just(true)],
        )
            .prop_map(|(stage, crm_stage, probability, completed)| KeyAccountEvent::StageReported {
                stage,
                crm_stage,
                probability,
                completed,
            }),
    ]
}

/// What a generated step does: a given event, or meeting the first key
/// node the deal still needs (decided when the step runs, so that random
/// journals also reach the later stages).
#[derive(Debug, Clone)]
enum Op {
    Event(KeyAccountEvent),
    MeetMissing,
}

/// Steps on a running clock that mostly moves forward (sometimes back,
/// which must be refused), by one of a few actors (sometimes none).
fn arb_ops() -> impl Strategy<Value = Vec<Entry<Op>>> {
    prop::collection::vec(
        (
            prop_oneof![9 => 0i64..3000, 1 => -600i64..0],
            prop::sample::select(vec!["li", "wang", "zhao", ""]),
            prop_oneof![4 => arb_event().prop_map(Op::Event), 1 => Just(Op::MeetMissing)],
        ),
        0..60,
    )
    .prop_map(|steps| {
        let mut clock = opened();
        steps
            .into_iter()
            .map(|(minutes, actor, op)| {
                clock += Duration::minutes(minutes);
                Entry::new(clock, actor, op)
            })
            .collect()
    })
}

/// The event an op stands for in `process`.
fn resolve(
    definition: &ProcessDefinition,
    process: &KeyAccountProcess,
    op: &Entry<Op>,
) -> Entry<KeyAccountEvent> {
    let event = match &op.event {
        Op::Event(event) => event.clone(),
        Op::MeetMissing => match process.state().missing_to_advance(definition).iter().next() {
            Some(node) => KeyAccountEvent::KeyNodeMet {
                node,
                evidence: "done".into(),
                grade: (node == KeyNode::OpportunityGraded).then_some(Grade::C),
            },
            None if process.state().stage() >= Stage::BusinessNegotiation
                && process.state().met().contains(KeyNode::ContractSigned) =>
            {
                KeyAccountEvent::Booked {
                    booked_on: op.at.date_naive(),
                    amount_minor: None,
                }
            }
            None if process.state().stage() >= Stage::BusinessNegotiation => {
                KeyAccountEvent::KeyNodeMet {
                    node: KeyNode::ContractSigned,
                    evidence: "signed".into(),
                    grade: None,
                }
            }
            None if process.state().policy_block(definition).is_some() => {
                KeyAccountEvent::ForcedAdvance {
                    reason: "account strategy".into(),
                }
            }
            None => KeyAccountEvent::Advanced,
        },
    };
    Entry::new(op.at, op.actor.clone(), event)
}

/// One applied entry: the entry, the process before and after, and whether
/// it was accepted.
struct Step {
    entry: Entry<KeyAccountEvent>,
    before: KeyAccountProcess,
    after: KeyAccountProcess,
    accepted: bool,
}

/// Applies every op in turn; returns the final process and each step.
fn run(definition: &ProcessDefinition, ops: &[Entry<Op>]) -> (KeyAccountProcess, Vec<Step>) {
    let mut process = KeyAccountProcess::new(opened());
    let mut steps = Vec::new();
    for op in ops {
        let entry = resolve(definition, &process, op);
        let before = process.clone();
        let accepted = process.apply(definition, entry.clone()).is_ok();
        steps.push(Step {
            entry,
            before,
            after: process.clone(),
            accepted,
        });
    }
    (process, steps)
}

/// Meets every key node the stage requires and moves on, `stages` times.
fn walk_unforced(
    definition: &ProcessDefinition,
    grade: Grade,
    stages: usize,
) -> Vec<KeyAccountProcess> {
    let mut clock = opened();
    let mut process = KeyAccountProcess::new(clock);
    let mut seen = vec![process.clone()];
    for _ in 0..stages {
        let stage = process.state().stage();
        for node in definition.required(stage).iter() {
            clock += Duration::hours(1);
            let grade = (node == KeyNode::OpportunityGraded).then_some(grade);
            process
                .apply(
                    definition,
                    Entry::new(
                        clock,
                        "li",
                        KeyAccountEvent::KeyNodeMet {
                            node,
                            evidence: "done".into(),
                            grade,
                        },
                    ),
                )
                .unwrap();
        }
        clock += Duration::hours(1);
        if process
            .apply(
                definition,
                Entry::new(clock, "li", KeyAccountEvent::Advanced),
            )
            .is_err()
        {
            break;
        }
        seen.push(process.clone());
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A stage is entered only from the stage before it, and only when every
    /// key node required so far is met, unless the entry is a forcing that
    /// records who forced it, why, and exactly which nodes were unmet, or
    /// a stage a CRM reported, which records every node required before it
    /// that was not met as reported by the CRM.
    #[test]
    fn no_stage_is_entered_without_its_predecessors_key_nodes_unless_forced(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (_, steps) = run(&definition, &ops);
        for Step { entry, before, after, accepted } in &steps {
            let (from, to) = (before.state().stage(), after.state().stage());
            if from == to {
                continue;
            }
            prop_assert!(*accepted);
            let waived = before.state().forcings().iter().fold(KeyNodeSet::EMPTY, |s, f| s.union(f.unmet));
            let required = definition.required_through(from);
            if let KeyAccountEvent::StageReported { stage, .. } = &entry.event {
                prop_assert_eq!(to, *stage);
                prop_assert!(to > from);
                let newly = definition.required_before(to).difference(before.state().met());
                prop_assert!(newly.is_subset(after.state().reported_by_crm()));
                prop_assert!(definition.required_before(to).is_subset(after.state().met()));
                prop_assert_eq!(after.state().forcings(), before.state().forcings());
                continue;
            }
            prop_assert_eq!(from.next(), Some(to));
            match &entry.event {
                KeyAccountEvent::Advanced => {
                    prop_assert!(required.is_subset(before.state().met().union(waived)));
                    prop_assert_eq!(after.state().forcings().len(), before.state().forcings().len());
                }
                KeyAccountEvent::ForcedAdvance { reason } => {
                    let forcing = after.state().forcings().last().unwrap();
                    let unmet = required.difference(before.state().met()).difference(waived);
                    prop_assert!(!unmet.is_empty() || forcing.overrode_policy_of.is_some());
                    prop_assert_eq!(forcing.unmet, unmet);
                    prop_assert_eq!(&forcing.by, &entry.actor);
                    prop_assert_eq!(&forcing.reason, reason);
                    prop_assert_eq!((forcing.from, forcing.to), (from, to));
                }
                other => prop_assert!(false, "stage changed by {:?}", other),
            }
        }
    }

    /// The win probability is always within [0, 1], equals the product of
    /// its listed factors, and the quick value agrees with the explained one.
    #[test]
    fn win_probability_stays_in_unit_interval_and_is_the_product_of_its_factors(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (last, steps) = run(&definition, &ops);
        for process in steps.iter().map(|s| &s.before).chain([&last]) {
            let w = win_probability(process.state(), &definition);
            prop_assert!((0.0..=1.0).contains(&w.value), "{}", w.value);
            let product: f64 = w.factors.iter().map(|f| f.value()).product();
            prop_assert!((product - w.value).abs() < 1e-12);
            prop_assert_eq!(w.value, win_probability_value(process.state(), &definition));
            prop_assert!(!w.factors.is_empty());
        }
    }

    /// Forcing past a key node never leaves a higher win probability than
    /// meeting that node first (with or without a grade) and then moving on.
    #[test]
    fn forcing_a_key_node_never_gives_a_higher_probability_than_meeting_it(
        definition in arb_definition(),
        ops in arb_ops(),
        pick in any::<prop::sample::Index>(),
        grade in arb_grade(),
    ) {
        let (last, steps) = run(&definition, &ops);
        for process in steps.iter().map(|s| &s.before).chain([&last]) {
            let state = process.state();
            let missing = state.missing_to_advance(&definition);
            if !state.is_open() || state.stage().next().is_none() || missing.is_empty() {
                continue;
            }
            let nodes: Vec<KeyNode> = missing.iter().collect();
            let node = nodes[pick.index(nodes.len())];
            let at = process.journal().last_at().unwrap_or(opened()) + Duration::hours(1);

            let mut forced = process.clone();
            forced.apply(&definition, Entry::new(at, "li", KeyAccountEvent::ForcedAdvance { reason: "hurry".into() })).unwrap();

            let mut met = process.clone();
            // The same grade on both paths, so that only the forcing differs.
            let grade = (node == KeyNode::OpportunityGraded).then_some(state.grade().unwrap_or(grade));
            met.apply(&definition, Entry::new(at, "li", KeyAccountEvent::KeyNodeMet { node, evidence: "done".into(), grade })).unwrap();
            let move_on = if met.state().missing_to_advance(&definition).is_empty()
                && met.state().policy_block(&definition).is_none()
            {
                KeyAccountEvent::Advanced
            } else {
                KeyAccountEvent::ForcedAdvance { reason: "hurry".into() }
            };
            met.apply(&definition, Entry::new(at, "li", move_on)).unwrap();

            prop_assert_eq!(forced.state().stage(), met.state().stage());
            let (p_forced, p_met) = (
                win_probability_value(forced.state(), &definition),
                win_probability_value(met.state(), &definition),
            );
            prop_assert!(p_forced <= p_met, "forced {} > met {}", p_forced, p_met);
        }
    }

    /// Under the default definition a deal that meets its key nodes becomes
    /// strictly more likely to be won at every stage it enters.
    #[test]
    fn win_probability_rises_with_the_stage_under_the_default_definition(
        grade in arb_grade(),
    ) {
        let definition = ProcessDefinition::default();
        let walk = walk_unforced(&definition, grade, 5);
        // Only a grade whose policy enters the sales process (A) leaves
        // development without forcing.
        let expected = if definition.policies.get(grade).enter_sales_process { 6 } else { 1 };
        prop_assert_eq!(walk.len(), expected);
        for pair in walk.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            prop_assert!(after.state().stage() > before.state().stage());
            prop_assert!(
                win_probability_value(after.state(), &definition)
                    > win_probability_value(before.state(), &definition)
            );
        }
    }

    /// A deal is won only by booking a signed contract (the contract-signed
    /// node met, not forced), from business negotiation on; a forced deal
    /// with no grade and no signed contract is never won.
    #[test]
    fn a_deal_is_won_only_by_booking_a_signed_contract(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (_, steps) = run(&definition, &ops);
        for Step { before, after, .. } in &steps {
            if before.state().outcome().is_none() && after.state().outcome() == Some(Outcome::Won) {
                prop_assert!(before.state().stage() >= Stage::BusinessNegotiation);
                prop_assert!(before.state().met().contains(KeyNode::ContractSigned));
                prop_assert!(before.state().nurture().is_none());
                let booked = matches!(after.journal().last().map(|e| &e.event), Some(KeyAccountEvent::Booked { .. }));
                prop_assert!(booked);
                prop_assert!(after.state().booking().is_some());
            }
            if matches!(before.state().outcome(), Some(Outcome::Lost | Outcome::Withdrawn)) {
                prop_assert_eq!(before, after);
            }
        }
    }

    /// A booked deal is never lost or withdrawn: once won it stays won,
    /// whatever happens to its delivery.
    #[test]
    fn a_booked_deal_is_never_lost(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (_, steps) = run(&definition, &ops);
        for Step { before, after, .. } in &steps {
            if before.state().outcome() == Some(Outcome::Won) {
                prop_assert_eq!(after.state().outcome(), Some(Outcome::Won));
                prop_assert_eq!(after.state().booking(), before.state().booking());
            }
        }
    }

    /// No deal leaves development without a passed evaluation (the grading
    /// node met, the grade not set by hand) or a recorded forcing, except
    /// when a CRM reports a later stage: the grading node is then recorded
    /// as the CRM's report (not verified), never as our evaluation.
    #[test]
    fn no_deal_leaves_development_without_a_passed_evaluation_or_a_recorded_forcing(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (_, steps) = run(&definition, &ops);
        for Step { entry, before, after, .. } in &steps {
            if before.state().stage() != Stage::Development || after.state().stage() == Stage::Development {
                continue;
            }
            let evaluated = before.state().met().contains(KeyNode::OpportunityGraded)
                && !before.state().grade_by_hand();
            if matches!(entry.event, KeyAccountEvent::StageReported { .. }) && !evaluated {
                // Only where the definition requires grading before the
                // reported stage is the node recorded.
                if definition.required_before(after.state().stage()).contains(KeyNode::OpportunityGraded) {
                    prop_assert!(after.state().met().contains(KeyNode::OpportunityGraded));
                    prop_assert!(
                        before.state().met().contains(KeyNode::OpportunityGraded)
                            || after.state().reported_by_crm().contains(KeyNode::OpportunityGraded)
                    );
                }
                prop_assert_eq!(after.state().forcings(), before.state().forcings());
                continue;
            }
            let forced = matches!(entry.event, KeyAccountEvent::ForcedAdvance { .. })
                && after.state().forcings().len() == before.state().forcings().len() + 1;
            prop_assert!(evaluated || forced);
            if !evaluated {
                let forcing = after.state().forcings().last().unwrap();
                prop_assert!(
                    forcing.unmet.contains(KeyNode::OpportunityGraded)
                        || forcing.overrode_policy_of.is_some()
                );
            }
        }
    }

    /// A grade whose policy forbids entering the sales process never moves
    /// on silently: every move it makes is a recorded forcing naming the
    /// grade, unless an earlier forcing already overrode that grade's policy
    /// (a booked deal is delivered whatever its grade), or the stage is one
    /// a CRM reported, recorded as the CRM's.
    #[test]
    fn a_policy_that_forbids_entry_is_never_bypassed_silently(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (_, steps) = run(&definition, &ops);
        for Step { entry, before, after, .. } in &steps {
            if after.state().stage() == before.state().stage() || before.state().booking().is_some() {
                continue;
            }
            if matches!(entry.event, KeyAccountEvent::StageReported { .. }) {
                let reported = after.state().crm_stage().map(|c| c.stage);
                prop_assert_eq!(reported, Some(after.state().stage()));
                continue;
            }
            let Some(grade) = before.state().grade() else { continue };
            if definition.policies.get(grade).enter_sales_process
                || before.state().policy_override() == Some(grade)
            {
                continue;
            }
            let forced = matches!(entry.event, KeyAccountEvent::ForcedAdvance { .. });
            prop_assert!(forced);
            prop_assert_eq!(after.state().forcings().last().and_then(|f| f.overrode_policy_of), Some(grade));
            prop_assert_eq!(after.state().against_policy(&definition), Some(grade));
        }
    }

    /// A nurtured deal is neither open pipeline nor ended, and stays in its
    /// stage until an evaluation passes.
    #[test]
    fn nurture_deals_are_never_open_nor_lost(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (_, steps) = run(&definition, &ops);
        for Step { before, after, .. } in &steps {
            if after.state().status() == DealStatus::Nurture {
                prop_assert!(!after.state().is_open());
                prop_assert_eq!(after.state().outcome(), None);
            }
            if before.state().status() == DealStatus::Nurture {
                prop_assert_eq!(after.state().stage(), before.state().stage());
            }
        }
    }

    /// A refused event leaves the whole process (state and journal) exactly
    /// as it was; an accepted one adds exactly one journal entry.
    #[test]
    fn a_refused_event_leaves_the_state_unchanged(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (_, steps) = run(&definition, &ops);
        for Step { entry, before, after, accepted } in &steps {
            if *accepted {
                prop_assert_eq!(after.journal().len(), before.journal().len() + 1);
                prop_assert_eq!(after.journal().last(), Some(entry));
            } else {
                prop_assert_eq!(after, before);
            }
        }
    }

    /// Replaying the journal from the opening rebuilds the live state.
    #[test]
    fn replay_equals_the_live_state(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (live, _) = run(&definition, &ops);
        let replayed = KeyAccountProcess::replay(&definition, opened(), live.journal().iter().cloned()).unwrap();
        prop_assert_eq!(&replayed, &live);
        prop_assert_eq!(live.rebuilt(&definition).unwrap(), live);
    }

    /// Serialising a process or a definition to JSON and back loses nothing.
    #[test]
    fn serde_round_trip_is_lossless(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (live, _) = run(&definition, &ops);
        let json = serde_json::to_string(&live).unwrap();
        let back: KeyAccountProcess = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &live);

        let json = serde_json::to_string(&definition).unwrap();
        prop_assert_eq!(ProcessDefinition::from_json(&json).unwrap(), definition);
    }

    /// The times in the stages add up to the whole life of the deal: from
    /// opening to its loss, withdrawal or cancelled delivery, or to "now"
    /// for an open, nurtured or delivering deal.
    #[test]
    fn time_in_stages_adds_up_to_the_life_of_the_deal(
        definition in arb_definition(),
        ops in arb_ops(),
        later in 0i64..10_000,
    ) {
        let (live, _) = run(&definition, &ops);
        let last = live.journal().last_at().unwrap_or(opened());
        let now = last + Duration::minutes(later);
        let times = live.time_in_stages(now);
        let total = times.iter().fold(TimeDelta::zero(), |sum, (_, t)| sum + *t);
        let end = live.state().ended_at().unwrap_or(now);
        prop_assert_eq!(total, end - opened());
        prop_assert!(times.iter().all(|(_, t)| *t >= TimeDelta::zero()));
        // The current stage's time starts when it was entered.
        prop_assert_eq!(*times.get(live.state().stage()) >= end - live.state().stage_entered_at(), true);
    }

    /// The sales-entry nodes derived from coverage follow the rule: they are
    /// met once the contacts satisfy it (when the rule derives).
    #[test]
    fn coverage_meets_the_sales_entry_nodes_when_the_rule_is_satisfied(
        definition in arb_definition(),
        ops in arb_ops(),
    ) {
        let (live, _) = run(&definition, &ops);
        let state = live.state();
        prop_assume!(state.is_open());
        let derived = definition.coverage.derived_nodes(state.contacts());
        prop_assert!(derived.is_subset(state.met()));
        let roles: BTreeSet<BuyingRole> = state.contacts().iter().map(|c| c.role).collect();
        if derived.contains(KeyNode::KeyPeopleIdentified) {
            prop_assert!(definition.coverage.key_roles.is_subset(&roles));
        }
    }
}
