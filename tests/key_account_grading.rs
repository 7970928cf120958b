//! The A-D grade is the development stage's key node.

use chrono::{NaiveDate, TimeZone, Utc};
use techsales::grading::{Grade, Grader, Opportunity, Ratings};
use techsales::journal::Entry;
use techsales::key_account::{
    KeyAccountEvent, KeyAccountProcess, KeyNode, ProcessDefinition, Stage,
};

fn opportunity(rating: f64, possibility: f64, close: NaiveDate) -> Opportunity {
    Opportunity {
        ratings: Ratings::uniform(rating),
        expected_close: close,
        possibility: Some(possibility),
    }
}

#[test]
fn a_passing_grade_meets_the_development_node_and_a_later_one_regrades() {
    let def = ProcessDefinition::default();
    let grader = Grader::default();
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let at = |d| Utc.with_ymd_and_hms(2026, 1, d, 9, 0, 0).unwrap();
    let mut deal = KeyAccountProcess::new(at(15));

    let first = grader
        .grade(
            &opportunity(7.0, 0.8, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            as_of,
        )
        .unwrap();
    assert_eq!(first.grade, Some(Grade::A));
    let event = deal.grading_event(&first).expect("passed, so graded");
    assert!(matches!(
        event,
        KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            grade: Some(Grade::A),
            ..
        }
    ));
    deal.apply(&def, Entry::new(at(16), "li", event)).unwrap();
    assert_eq!(deal.state().grade(), Some(Grade::A));
    deal.apply(&def, Entry::new(at(17), "li", KeyAccountEvent::Advanced))
        .unwrap();
    assert_eq!(deal.state().stage(), Stage::SalesEntry);

    let second = grader
        .grade(
            &opportunity(7.0, 0.35, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
            as_of,
        )
        .unwrap();
    let event = deal.grading_event(&second).expect("still passes");
    assert!(
        matches!(
            event,
            KeyAccountEvent::Regraded {
                grade: Grade::C,
                ..
            }
        ),
        "{event:?}"
    );
    deal.apply(&def, Entry::new(at(18), "li", event)).unwrap();
    assert_eq!(deal.state().grade(), Some(Grade::C));
}

#[test]
fn a_failed_evaluation_cannot_meet_the_grading_node() {
    let grader = Grader::default();
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let failed = grader
        .grade(
            &opportunity(1.0, 0.9, NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()),
            as_of,
        )
        .unwrap();
    assert_eq!(failed.grade, None);
    let deal = KeyAccountProcess::new(Utc.with_ymd_and_hms(2026, 1, 15, 0, 0, 0).unwrap());
    assert!(deal.grading_event(&failed).is_none());
}

#[test]
fn the_grading_node_is_refused_without_a_grade_and_the_deal_is_unchanged() {
    let def = ProcessDefinition::default();
    let mut deal = KeyAccountProcess::new(Utc.with_ymd_and_hms(2026, 1, 15, 0, 0, 0).unwrap());
    let before = deal.clone();
    let event = KeyAccountEvent::KeyNodeMet {
        node: KeyNode::OpportunityGraded,
        evidence: "looked fine".into(),
        grade: None,
    };
    let err = deal
        .apply(
            &def,
            Entry::new(
                Utc.with_ymd_and_hms(2026, 1, 16, 0, 0, 0).unwrap(),
                "li",
                event,
            ),
        )
        .unwrap_err();
    assert!(err.to_string().contains("grade"), "{err}");
    assert_eq!(deal, before);
}
