//! The cycle's rules as the source articles state them: the joint team,
//! the worth-investing gate, cycles that end early or close, the shaping by
//! buyer behaviour and relationship level, the economic evaluation's
//! references and the critical situations of the objections stage.

#[path = "support/cycle_fixtures.rs"]
mod fixtures;

use fixtures::*;
use proptest::prelude::*;
use techsales::customer::{BuyerBehaviour, Customer, CustomerType, RelationshipLevel};
use techsales::cycle::{
    CriticalSituation, CycleEnding, CycleError, CycleEvent, CycleOpening, CycleVariant,
    CycleVariants, InvestmentCheck, Outcome, Stage, Step, StepRequirement, TechnicalSale,
};

/// Applies `event` expecting a refusal; checks that nothing changed.
fn refuse(sale: &mut TechnicalSale, hours: i64, event: CycleEvent) -> CycleError {
    let before = serde_json::to_string(sale).unwrap();
    let err = sale.apply(entry(hours, event)).unwrap_err();
    assert_eq!(serde_json::to_string(sale).unwrap(), before);
    err
}

fn customer_type() -> impl Strategy<Value = CustomerType> {
    prop::sample::select(CustomerType::ALL)
}

proptest! {
    /// Source 000: "It is ideal to generate a multidisciplinary team" for
    /// the technical evaluation, for any client; no built-in variant
    /// refuses the joint team.
    #[test]
    fn a_joint_team_is_allowed_for_every_customer_type(t in customer_type()) {
        let variant = CycleVariant::default_for(t);
        prop_assert_ne!(variant.requirement(Step::JointTeam), StepRequirement::Skipped);
        let mut sale = TechnicalSale::for_customer_type(t);
        let h = finish_stage(&mut sale, 0);
        accept(&mut sale, h, CycleEvent::FrameworkAgreed(framework()));
        prop_assert!(sale.apply(entry(h + 1, CycleEvent::JointTeamFormed(joint_team()))).is_ok());
        prop_assert!(sale.joint_team().is_some());
    }

    /// Source 000 (closing of the cycle) and the rule: before the
    /// client's decision, a cycle can end abandoned or lost, in any of the
    /// first three stages, and then accepts nothing more.
    #[test]
    fn a_cycle_can_end_before_the_clients_decision(
        t in customer_type(),
        stages_done in 0usize..3,
        lost in any::<bool>(),
    ) {
        let mut sale = TechnicalSale::for_customer_type(t);
        let mut h = 0;
        for _ in 0..stages_done.min(2) {
            h = finish_stage(&mut sale, h);
        }
        let ending = if lost { CycleEnding::Lost } else { CycleEnding::Abandoned };
        let event = CycleEvent::CycleEnded { ending, reason: "budget frozen".into(), listed: None };
        prop_assert!(sale.apply(entry(h, event)).is_ok());
        prop_assert_eq!(sale.outcome(), ending.outcome());
        prop_assert!(sale.is_closed());
        let err = refuse(&mut sale, h + 1, CycleEvent::LessonLearned { lesson: "late".into() });
        prop_assert_eq!(err, CycleError::Closed { outcome: ending.outcome() });
        let replayed = TechnicalSale::replay(sale.variant().clone(), sale.journal().clone());
        prop_assert_eq!(replayed.unwrap(), sale);
    }
}

/// Source 000 and DOMAIN.md (market-taker: "a check whether the account is
/// worth investing in"): a negative check holds back the investment-heavy
/// steps (the trials here) until an explicit override is recorded; the
/// price-led path stays open.
#[test]
fn a_negative_worth_investing_check_holds_back_investment_until_overridden() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::MarketTaker);
    do_step(&mut sale, 0, Step::Knowledge);
    // Nothing to override while the check has not said no.
    let err = refuse(
        &mut sale,
        1,
        CycleEvent::InvestmentOverridden {
            reason: "key prospect".into(),
        },
    );
    assert_eq!(err, CycleError::NothingToOverride);
    accept(
        &mut sale,
        1,
        CycleEvent::InvestmentChecked(InvestmentCheck {
            worth_investing: false,
            reason: "buys on price alone".into(),
        }),
    );
    assert!(sale.investment_refused());
    do_step(&mut sale, 2, Step::VisitPlanning);
    accept(
        &mut sale,
        3,
        CycleEvent::Advance {
            to: Stage::EvaluatingOptions,
        },
    );
    let guidance = sale.guidance();
    assert!(guidance.investment_refused);
    assert!(guidance
        .items
        .iter()
        .filter(|i| i.step.is_some_and(Step::is_investment_heavy))
        .all(|i| !i.ready));
    let err = refuse(&mut sale, 4, run_first_phase());
    assert_eq!(
        err,
        CycleError::NotWorthInvesting {
            step: Step::TechnicalEvaluation
        }
    );
    // The price-led offer is still allowed.
    do_step(&mut sale, 4, Step::EconomicEvaluation);
    // Once overridden, with the reason in the journal, the trials may run.
    accept(
        &mut sale,
        5,
        CycleEvent::InvestmentOverridden {
            reason: "the plant manager asked for a trial".into(),
        },
    );
    assert!(!sale.investment_refused());
    accept(&mut sale, 6, run_first_phase());
    assert_eq!(
        sale.journal().entries()[sale.journal().len() - 2].event,
        CycleEvent::InvestmentOverridden {
            reason: "the plant manager asked for a trial".into()
        }
    );
}

fn run_first_phase() -> CycleEvent {
    run(
        techsales::cycle::TechnicalPhase::Laboratory,
        techsales::cycle::PhaseResult::Passed,
    )
}

/// Source 000 (evolution "then the cycle starts again"; DOMAIN.md): after a
/// completed evolution the relationship's cycle may also close instead of
/// looping; it counts as a completed iteration, and not before evolution
/// is done.
#[test]
fn a_completed_evolution_can_close_the_relationships_cycle() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Loyal);
    let mut h = 0;
    for _ in 0..4 {
        h = finish_stage(&mut sale, h);
    }
    assert_eq!(sale.stage(), Stage::Evolution);
    let close = CycleEvent::RelationshipClosed {
        reason: "plant sold".into(),
    };
    let err = refuse(&mut sale, h, close.clone());
    assert!(matches!(
        err,
        CycleError::StepsMissing {
            stage: Stage::Evolution,
            ..
        }
    ));
    for step in sale.missing_steps() {
        do_step(&mut sale, h, step);
    }
    accept(&mut sale, h, close);
    assert_eq!(sale.outcome(), Outcome::RelationshipClosed);
    assert_eq!(sale.completed_iterations(), 1);
    assert!(sale.is_closed());
}

/// Source 004: buyer behaviour shapes the process (change agents want
/// trials, pilots and proofs of concept); a customer record that names its
/// behaviour shapes the cycle without a call to `shaped_for`.
#[test]
fn the_customer_records_buyer_behaviour_shapes_the_cycle() {
    let mut customer =
        Customer::from_type("C-9", "Delta", CustomerType::MarketTaker, at(0)).unwrap();
    let variants = CycleVariants::default();
    let plain = TechnicalSale::for_customer(&customer, &variants).unwrap();
    assert_eq!(plain.variant(), variants.get(CustomerType::MarketTaker));
    customer.buyer_behaviour = Some(BuyerBehaviour::ChangeAgent);
    let shaped = TechnicalSale::for_customer(&customer, &variants).unwrap();
    assert_eq!(
        shaped.variant(),
        &variants
            .get(CustomerType::MarketTaker)
            .clone()
            .shaped_for(BuyerBehaviour::ChangeAgent)
    );
    assert_eq!(
        shaped.variant().requirement(Step::TechnicalEvaluation),
        StepRequirement::Required
    );
}

/// Source 004: the relationship level sets what the cycle starts with
/// (discovery: qualifying; initial engagement: trial, pilot or first sale;
/// maintaining: support services; developing: up-sell, cross-sell, repeat
/// buy), readable as data and given as guidance in the first recognition
/// of needs; unknown stays unknown.
#[test]
fn the_relationship_level_sets_what_the_cycle_starts_with() {
    let expected = [
        (RelationshipLevel::Discovery, CycleOpening::Qualifying),
        (
            RelationshipLevel::InitialEngagement,
            CycleOpening::FirstTransaction,
        ),
        (
            RelationshipLevel::Maintaining,
            CycleOpening::SupportServices,
        ),
        (RelationshipLevel::Developing, CycleOpening::Expansion),
    ];
    for (level, opening) in expected {
        let mut customer =
            Customer::from_type("C-1", "Acme", CustomerType::Opportunity, at(0)).unwrap();
        customer.relationship = Some(level);
        let mut sale = TechnicalSale::for_customer(&customer, &CycleVariants::default()).unwrap();
        assert_eq!(sale.opening(), Some(opening));
        assert_eq!(sale.guidance().opening, Some(opening));
        let json = serde_json::to_string(&sale).unwrap();
        assert!(json.contains(&format!("\"relationship\":\"{}\"", level_key(level))));
        assert_eq!(serde_json::from_str::<TechnicalSale>(&json).unwrap(), sale);
        // Past the first recognition of needs the opening is no longer guidance.
        finish_stage(&mut sale, 0);
        assert_eq!(sale.guidance().opening, None);
        assert_eq!(sale.opening(), Some(opening));
    }
    let sale = TechnicalSale::for_customer_type(CustomerType::Opportunity);
    assert_eq!(sale.opening(), None);
    assert_eq!(sale.guidance().opening, None);
}

fn level_key(level: RelationshipLevel) -> &'static str {
    use techsales::Labelled;
    level.key()
}

/// Source 000: the economic proposal "will be strongly oriented to the
/// strategies and policies defined by the Offering Company" and follows
/// the competition's SWOT; the evaluation records both, and a blank one is
/// refused.
#[test]
fn the_economic_evaluation_records_policy_and_competition() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Opportunity);
    let mut h = finish_stage(&mut sale, 0);
    for step in [Step::EvaluationFramework, Step::TechnicalEvaluation] {
        while !sale.is_done(step) {
            do_step(&mut sale, h, step);
            h += 1;
        }
    }
    let mut evaluation = economics(sale.known_options());
    evaluation.policy = Some("  ".into());
    let err = refuse(
        &mut sale,
        h,
        CycleEvent::EconomicEvaluated(evaluation.clone()),
    );
    assert_eq!(
        err,
        CycleError::Blank {
            field: "economic_evaluation.policy".into()
        }
    );
    evaluation.policy = Some("margin floor of 18 %".into());
    evaluation.competition = Some("their weak after-sales service".into());
    accept(
        &mut sale,
        h,
        CycleEvent::EconomicEvaluated(evaluation.clone()),
    );
    assert_eq!(sale.economic_evaluation(), Some(&evaluation));
}

/// Source 000: solving objections clarifies "specific situations ... that
/// could become critical if they occur"; they are recorded with their
/// handling while resolving concerns, and only then.
#[test]
fn critical_situations_are_recorded_with_their_handling() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Strategic);
    let note = CycleEvent::CriticalSituationNoted {
        situation: "feedstock shortage".into(),
        handling: "second source qualified".into(),
    };
    let err = refuse(&mut sale, 0, note.clone());
    assert!(matches!(err, CycleError::WrongStage { .. }));
    let mut h = 0;
    for _ in 0..2 {
        h = finish_stage(&mut sale, h);
    }
    accept(&mut sale, h, note);
    assert_eq!(
        sale.critical_situations().collect::<Vec<_>>(),
        [CriticalSituation {
            situation: "feedstock shortage",
            handling: "second source qualified"
        }]
    );
}

/// A technical sale stored in format version 1 (records that copied each
/// artefact) still loads: its journal is replayed into the current form.
#[test]
fn a_version_1_technical_sale_still_loads() {
    let old = include_str!("data/technical_sale_v1.json");
    assert!(old.contains("\"format_version\": 1"));
    let sale: TechnicalSale = serde_json::from_str(old).unwrap();
    assert_eq!(sale.completed_iterations(), 1);
    assert_eq!(sale.lessons().len(), 1);
    assert_eq!(sale.lessons()[0].text, "bring the plant manager early");
    let saved = serde_json::to_string(&sale).unwrap();
    assert!(saved.starts_with("{\"format_version\":2,"));
    assert_eq!(serde_json::from_str::<TechnicalSale>(&saved).unwrap(), sale);
    // A version 1 document whose state does not follow from its journal is
    // refused as before.
    let tampered = old.replacen(
        "\"completed_iterations\": 1",
        "\"completed_iterations\": 4",
        1,
    );
    let err = serde_json::from_str::<TechnicalSale>(&tampered).unwrap_err();
    assert!(err.to_string().contains("replay"), "{err}");
}
