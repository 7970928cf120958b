//! The case of article 003 (DOMAIN.md section 3): a meter salesman chases a
//! project whose customer is already screening suppliers, but nobody ever
//! evaluated and graded the opportunity.

use chrono::{DateTime, TimeZone, Utc};

use techsales::journal::Entry;
use techsales::key_account::{
    Attitude, BuyingInfluence, BuyingRole, Factor, InfluenceDegree, KeyAccountError,
    KeyAccountEvent, KeyAccountProcess, KeyNode, KeyNodeSet, ProcessDefinition, ProcurementStep,
    Stage, Verdict, WorkItem,
};

fn day(month: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, d, 9, 0, 0).unwrap()
}

fn apply(deal: &mut KeyAccountProcess, at: DateTime<Utc>, event: KeyAccountEvent) {
    deal.apply(
        &ProcessDefinition::default(),
        Entry::new(at, "xiao_zhang", event),
    )
    .unwrap();
}

/// The deal as the email describes it: opened in July, a few contacts met
/// without any of them acting as a coach, the customer screening suppliers.
fn xiao_zhangs_deal() -> KeyAccountProcess {
    let mut deal = KeyAccountProcess::new(day(7, 1));
    let instrument_head = BuyingInfluence::new(
        "a",
        "head of instrumentation",
        BuyingRole::TechnicalBuyer,
        InfluenceDegree::High,
    )
    .met()
    .with_attitude(Attitude::Neutral);
    let deputy = BuyingInfluence::new(
        "deputy",
        "deputy project manager",
        BuyingRole::UserBuyer,
        InfluenceDegree::Medium,
    )
    .met()
    .with_attitude(Attitude::Neutral);
    apply(
        &mut deal,
        day(7, 5),
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(instrument_head),
        },
    );
    apply(
        &mut deal,
        day(9, 14),
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(deputy),
        },
    );
    apply(
        &mut deal,
        day(9, 15),
        KeyAccountEvent::ProcurementStepObserved {
            step: ProcurementStep::SupplierScreening,
        },
    );
    deal
}

const DEVELOPMENT_WORK: [WorkItem; 8] = [
    WorkItem::CollectNeeds,
    WorkItem::CollectSchedule,
    WorkItem::CollectBudget,
    WorkItem::AssessCompetition,
    WorkItem::ClarifyDecisionMaking,
    WorkItem::ClarifyPriorities,
    WorkItem::EvaluateOpportunity,
    WorkItem::GradeOpportunity,
];

/// Checks the article's next actions: development's evaluation work and
/// grading first, and only then insiders and key people.
fn assert_development_first_then_insiders(next: &[WorkItem]) {
    assert_eq!(&next[..DEVELOPMENT_WORK.len()], DEVELOPMENT_WORK);
    let rest = &next[DEVELOPMENT_WORK.len()..];
    assert!(rest.contains(&WorkItem::FindInsiders), "{rest:?}");
    assert!(rest.contains(&WorkItem::IdentifyKeyPeople), "{rest:?}");
    assert!(rest.iter().all(|item| !DEVELOPMENT_WORK.contains(item)));
}

/// The article's case: the customer is screening suppliers (step 2), so we
/// should be in sales entry, but development's evaluation and grading were
/// never done. We are behind the customer, development's work is missing,
/// and the next actions are to collect needs, schedule, budget, competition,
/// decision-making and priorities, evaluate and grade, and only then work on
/// insiders and key people.
#[test]
fn article_003_customer_screening_suppliers_but_development_never_done() {
    let definition = ProcessDefinition::default();
    let deal = xiao_zhangs_deal();
    let diagnosis = deal.diagnose(&definition);

    assert_eq!(diagnosis.verdict, Verdict::BehindCustomer);
    assert_eq!(diagnosis.stage, Stage::Development);
    assert_eq!(diagnosis.expected_stage, Some(Stage::SalesEntry));
    assert_eq!(diagnosis.stages_missing_work, [Stage::Development]);
    assert_eq!(
        diagnosis.missing_to_advance,
        KeyNodeSet::of(&[KeyNode::OpportunityGraded])
    );
    let next: Vec<WorkItem> = diagnosis.next_items().collect();
    assert_development_first_then_insiders(&next);

    // The technical and user buyers are met, but neither a coach nor the
    // economic buyer is known: the sales-entry nodes are not met by
    // coverage either.
    assert_eq!(diagnosis.coverage.coaches, 0);
    assert_eq!(
        diagnosis.coverage.missing_roles,
        [BuyingRole::EconomicBuyer, BuyingRole::Coach]
    );
    assert!(deal.state().met().is_empty());

    // And the process will not let him skip ahead unannounced.
    let mut attempt = deal.clone();
    let refused = attempt
        .apply(
            &definition,
            Entry::new(day(9, 16), "xiao_zhang", KeyAccountEvent::Advanced),
        )
        .unwrap_err();
    assert_eq!(
        refused,
        KeyAccountError::KeyNodesMissing {
            stage: Stage::Development,
            next: Stage::SalesEntry,
            missing: KeyNodeSet::of(&[KeyNode::OpportunityGraded]),
        }
    );
    assert_eq!(attempt, deal);
}

/// The same case when he had pushed on to sales entry by forcing: we are
/// past an unmet key node, the probability carries the penalty, and the
/// next actions are still development's work first.
#[test]
fn article_003_case_after_forcing_into_sales_entry() {
    let definition = ProcessDefinition::default();
    let mut deal = xiao_zhangs_deal();
    apply(
        &mut deal,
        day(9, 16),
        KeyAccountEvent::ForcedAdvance {
            reason: "the tender is expected in November".into(),
        },
    );
    let diagnosis = deal.diagnose(&definition);
    assert_eq!(diagnosis.verdict, Verdict::PastUnmetKeyNodes);
    assert_eq!(diagnosis.expected_stage, Some(Stage::SalesEntry));
    assert_eq!(
        diagnosis.unmet_past_nodes,
        KeyNodeSet::of(&[KeyNode::OpportunityGraded])
    );
    assert_eq!(diagnosis.stages_missing_work, [Stage::Development]);
    let next: Vec<WorkItem> = diagnosis.next_items().collect();
    assert_development_first_then_insiders(&next);

    // We entered while the customer was already screening suppliers: the
    // late entry costs its factor on top of the forcing.
    let probability = deal.win_probability(&definition);
    assert!(
        (probability.value - 0.10 * 0.9).abs() < 1e-12,
        "{probability}"
    );
    assert_eq!(probability.factors.len(), 3);
    assert_eq!(
        probability.factors[2],
        Factor::EntryStep {
            step: ProcurementStep::SupplierScreening,
            value: 0.9
        }
    );
}

/// Once the evaluation and grading are done, the deal moves to sales entry
/// and the next actions become insiders and key people.
#[test]
fn article_003_case_once_graded_moves_on_to_insiders_and_key_people() {
    let definition = ProcessDefinition::default();
    let mut deal = xiao_zhangs_deal();
    apply(
        &mut deal,
        day(9, 20),
        KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            evidence: "needs, schedule, budget, three competitors and the decision chain collected; model passed".into(),
            grade: Some(techsales::grading::Grade::A),
        },
    );
    apply(&mut deal, day(9, 21), KeyAccountEvent::Advanced);
    let diagnosis = deal.diagnose(&definition);
    assert_eq!(diagnosis.verdict, Verdict::Aligned);
    assert!(diagnosis.stages_missing_work.is_empty());
    assert!(diagnosis
        .next_actions
        .iter()
        .all(|a| a.stage == Stage::SalesEntry));
    assert!(diagnosis.next_items().any(|i| i == WorkItem::FindInsiders));
}
