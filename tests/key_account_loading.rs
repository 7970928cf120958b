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
        grade: Some(Grade::A),
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
        "\"format_version\":2",
        "\"format_version\":3",
        1,
    );
    let err = KeyAccountProcess::from_json(&json, &def).unwrap_err();
    assert!(err.is_unsupported_version(), "{err}");
}

/// A version-1 deal: graded B and moved on to sales entry (version 1 had
/// no policy gate), then lost with a free-text reason.
const VERSION_1_DEAL: &str = r#"{
  "format_version": 1,
  "state": {
    "opened_at": "2026-02-01T09:00:00Z", "stage": "sales_entry",
    "stage_entered_at": "2026-02-03T09:00:00Z", "met": ["opportunity_graded"],
    "forced": [], "grade": "b",
    "closure": {"outcome": "lost", "at": "2026-02-09T09:00:00Z", "by": "li",
                "stage": "sales_entry", "reason": "competitor was cheaper"}
  },
  "journal": [
    {"at": "2026-02-02T09:00:00Z", "actor": "li",
     "event": {"type": "key_node_met", "node": "opportunity_graded", "evidence": "model", "grade": "b"}},
    {"at": "2026-02-03T09:00:00Z", "actor": "li", "event": {"type": "advanced"}},
    {"at": "2026-02-09T09:00:00Z", "actor": "li",
     "event": {"type": "lost", "reason": "competitor was cheaper"}}
  ]
}"#;

#[test]
fn a_version_1_deal_loads_migrated_and_says_what_changed() {
    let def = ProcessDefinition::default();
    let (deal, migration) = KeyAccountProcess::load(VERSION_1_DEAL, &def).unwrap();
    let migration = migration.expect("a version-1 deal is migrated");
    assert_eq!(migration.from_version, 1);
    assert_eq!(migration.policy_forcings, 1);
    assert_eq!(migration.reasons_to_other, 1);
    assert!(migration.notes()[0].contains("format version 1"));
    let state = deal.state();
    assert_eq!(state.stage(), Stage::SalesEntry);
    assert_eq!(state.forcings()[0].overrode_policy_of, Some(Grade::B));
    let reason = state.closure().unwrap().reason.as_ref().unwrap();
    assert_eq!(reason.key, "other");
    assert_eq!(reason.note.as_deref(), Some("competitor was cheaper"));
    // Saved again, it is a current document that loads as it is.
    let json = serde_json::to_string(&deal).unwrap();
    assert!(json.contains("\"format_version\":2"));
    let (again, none) = KeyAccountProcess::load(&json, &def).unwrap();
    assert_eq!(again, deal);
    assert!(none.is_none());
}

#[test]
fn a_stored_key_node_record_that_no_journal_entry_meets_is_refused() {
    let (deal, def) = graded_and_advanced();
    let json = serde_json::to_string(&deal).unwrap();
    // The record's evidence is its entry's; a record that says otherwise
    // is met by no entry.
    let (state, journal) = json.split_at(json.find("\"journal\"").expect("a journal"));
    assert!(state.contains("\"evidence\":\"model\""));
    let tampered = format!(
        "{}{journal}",
        state.replacen("\"evidence\":\"model\"", "\"evidence\":\"hearsay\"", 1)
    );
    assert_eq!(
        KeyAccountProcess::from_json(&tampered, &def).unwrap_err(),
        LoadError::StateDiffers
    );
    // Read without the check, it writes back as it was read.
    let unchecked: KeyAccountProcess = serde_json::from_str(&tampered).unwrap();
    assert_eq!(serde_json::to_string(&unchecked).unwrap(), tampered);
    assert_eq!(KeyAccountProcess::from_json(&json, &def).unwrap(), deal);
}
