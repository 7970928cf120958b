//! A stored deal is loaded only if its journal replays to its state.

use chrono::{Duration, TimeZone, Utc};
use techsales::grading::Grade;
use techsales::journal::Entry;
use techsales::key_account::{
    KeyAccountEvent, KeyAccountProcess, KeyNode, LoadError, ProcessDefinition, Stage,
};

fn graded_and_advanced() -> (KeyAccountProcess, ProcessDefinition) {
    let def = ProcessDefinition::default();
    let t0 = Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap();
    let mut deal = KeyAccountProcess::new(t0);
    let graded = KeyAccountEvent::KeyNodeMet {
        node: KeyNode::OpportunityGraded,
        evidence: "model".into(),
        grade: Some(Grade::B),
    };
    deal.apply(&def, Entry::new(t0 + Duration::days(1), "li", graded))
        .unwrap();
    deal.apply(
        &def,
        Entry::new(t0 + Duration::days(2), "li", KeyAccountEvent::Advanced),
    )
    .unwrap();
    (deal, def)
}

#[test]
fn a_saved_deal_loads_back_equal() {
    let (deal, def) = graded_and_advanced();
    let json = serde_json::to_string(&deal).unwrap();
    assert_eq!(KeyAccountProcess::from_json(&json, &def).unwrap(), deal);
}

#[test]
fn a_state_that_disagrees_with_its_journal_is_refused() {
    let (deal, def) = graded_and_advanced();
    assert_eq!(deal.state().stage(), Stage::SalesEntry);
    let json = serde_json::to_string(&deal)
        .unwrap()
        .replacen("\"sales_entry\"", "\"proposal\"", 1);
    assert_eq!(
        KeyAccountProcess::from_json(&json, &def).unwrap_err(),
        LoadError::StateDiffers
    );
}

#[test]
fn a_journal_that_does_not_replay_is_refused_naming_the_entry() {
    let (deal, def) = graded_and_advanced();
    // The first entry now carries a grade on a node that takes none.
    let json = serde_json::to_string(&deal).unwrap();
    let (state, journal) = json.split_at(json.find("\"journal\"").expect("a journal"));
    let json = format!(
        "{state}{}",
        journal.replacen("\"opportunity_graded\"", "\"insiders_found\"", 1)
    );
    match KeyAccountProcess::from_json(&json, &def) {
        Err(LoadError::Replay(e)) => assert_eq!(e.index, 0, "{e}"),
        other => panic!("expected the first entry to be refused, got {other:?}"),
    }
}

#[test]
fn an_unknown_format_version_is_refused_as_such() {
    let (deal, def) = graded_and_advanced();
    let json = serde_json::to_string(&deal).unwrap().replacen(
        "\"format_version\":1",
        "\"format_version\":2",
        1,
    );
    let err = KeyAccountProcess::from_json(&json, &def).unwrap_err();
    assert!(err.is_unsupported_version(), "{err}");
}
