//! A portfolio saved in format version 1 still loads: it is migrated, the
//! loader says what changed, and every figure whose meaning did not change
//! stays the same.

use std::collections::BTreeMap;

use techsales::key_account::{DeliveryStatus, Outcome};
use techsales::portfolio::{pipeline, Portfolio, FORMAT_VERSION};

fn version_1() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/portfolio_v1.json");
    std::fs::read_to_string(path).expect("the version-1 sample")
}

/// Per deal: id, amount, close date, stage and outcome, as version 1 stored
/// them.
fn stored_figures(json: &str) -> BTreeMap<String, (u64, String, String, Option<String>)> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let state = &o["process"]["state"];
            (
                o["id"].as_str().unwrap().to_owned(),
                (
                    o["amount_minor"].as_u64().unwrap(),
                    o["expected_close"].as_str().unwrap().to_owned(),
                    state["stage"].as_str().unwrap().to_owned(),
                    state["closure"]["outcome"].as_str().map(str::to_owned),
                ),
            )
        })
        .collect()
}

#[test]
fn a_version_1_portfolio_loads_and_its_figures_are_unchanged_where_their_meaning_is() {
    let json = version_1();
    assert!(json.contains("\"format_version\": 1"));
    let (portfolio, migration) = Portfolio::load(json.as_bytes()).unwrap();
    let migration = migration.expect("a version-1 document is migrated");
    assert_eq!(migration.from_version, 1);
    let notes = migration.notes();
    assert!(
        notes[0].starts_with("migrated from format version 1"),
        "{notes:?}"
    );

    // Same deals, amounts, close dates, stages and outcomes.
    let before = stored_figures(&json);
    assert_eq!(before.len(), portfolio.opportunities().len());
    let mut won = 0;
    for record in portfolio.opportunities() {
        let (amount, close, stage, outcome) = &before[record.id.as_str()];
        let state = record.process.state();
        assert_eq!(record.amount_minor, Some(*amount));
        assert_eq!(
            record.expected_close.map(|c| c.to_string()).as_deref(),
            Some(close.as_str())
        );
        assert_eq!(techsales::Labelled::key(&state.stage()), stage.as_str());
        let outcome_now = state
            .outcome()
            .map(|o| techsales::Labelled::key(&o).to_owned());
        let unsigned_win = migration
            .won_without_contract
            .contains(&record.id.to_string());
        if unsigned_win {
            // Won under version 1 with the contract forced, never signed:
            // not booked, open in implementation awaiting its booking.
            assert_eq!(outcome.as_deref(), Some("won"));
            assert!(state.is_open());
            assert!(notes.iter().any(|n| n.starts_with(record.id.as_str())));
            continue;
        }
        assert_eq!(&outcome_now, outcome, "{}", record.id);
        // A version-1 win is booked and completed.
        if state.outcome() == Some(Outcome::Won) {
            won += 1;
            assert!(state.booking().is_some());
            assert_eq!(state.delivery(), Some(DeliveryStatus::Completed));
        }
    }
    assert_eq!(migration.booked, won);
    assert!(won > 0);
    assert!(migration.reasons_to_other > 0);

    // The open pipeline's count and amount, and the closed amounts, agree.
    let figures = pipeline(&portfolio);
    let open: Vec<_> = before
        .iter()
        .filter(|(id, f)| f.3.is_none() || migration.won_without_contract.contains(id))
        .map(|(_, f)| f)
        .collect();
    assert_eq!(figures.total.count, open.len());
    assert_eq!(
        figures.total.amount_minor,
        open.iter().map(|f| u128::from(f.0)).sum::<u128>()
    );

    // Saved again, it is a current document that loads unchanged.
    let saved = portfolio.to_json();
    assert!(saved.starts_with(&format!("{{\"format_version\":{FORMAT_VERSION},")));
    let (again, none) = Portfolio::load(saved.as_bytes()).unwrap();
    assert_eq!(again, portfolio);
    assert!(none.is_none());
}

#[path = "support/portfolio_fixtures.rs"]
mod fixtures;

use techsales::journal::Entry;
use techsales::key_account::{
    Attitude, BuyingInfluence, BuyingRole, InfluenceDegree, KeyAccountEvent, KeyAccountProcess,
    KeyNode, Stage,
};
use techsales::portfolio::{Definitions, PortfolioError};

/// A deal that passed sales entry on a coach and the economic buyer alone,
/// under the coverage rule that was the default before format version 3.
fn deal_covered_by_the_economic_buyer(definitions: &Definitions) -> KeyAccountProcess {
    let mut p = KeyAccountProcess::new(fixtures::day(3, 1));
    let coach = BuyingInfluence::new("c1", "Li", BuyingRole::Coach, InfluenceDegree::Low)
        .with_attitude(Attitude::Supportive);
    let buyer = BuyingInfluence::new(
        "e1",
        "Wang",
        BuyingRole::EconomicBuyer,
        InfluenceDegree::High,
    );
    let events = [
        KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            evidence: "evaluated".into(),
            grade: Some(techsales::grading::Grade::A),
        },
        KeyAccountEvent::Advanced,
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(coach),
        },
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(buyer),
        },
        KeyAccountEvent::Advanced,
    ];
    for (i, event) in events.into_iter().enumerate() {
        let at = fixtures::day(3, 2 + i as u32);
        p.apply(&definitions.process, Entry::new(at, "liu", event))
            .unwrap();
    }
    assert_eq!(p.state().stage(), Stage::Proposal);
    p
}

/// A format-2 document as this library wrote it, but with the coverage
/// rule left out of its definitions (as hand-written documents have it).
fn version_2_without_key_roles() -> String {
    let mut old = Definitions::default();
    old.process.coverage.key_roles = [BuyingRole::EconomicBuyer].into();
    let deal = deal_covered_by_the_economic_buyer(&old);
    let portfolio = fixtures::empty(fixtures::day(6, 30), old)
        .with_records(
            vec![fixtures::scored("C-1", 70.0, 80.0, fixtures::day(1, 1))],
            vec![fixtures::record(
                "O-1",
                "C-1",
                1_000,
                fixtures::date(7, 1),
                deal,
            )],
        )
        .unwrap();
    // Edited as text, so that `format_version` stays first.
    let coverage = serde_json::to_string(&portfolio.definitions().process.coverage).unwrap();
    let text = portfolio
        .to_json()
        .replacen(
            &format!("\"format_version\":{FORMAT_VERSION}"),
            "\"format_version\":2",
            1,
        )
        .replacen(&format!(",\"coverage\":{coverage}"), "", 1);
    assert!(!text.contains("key_roles"));
    text
}

/// Format 3 changed the default coverage rule (source 002: the economic,
/// technical and user buyers and a coach); a format-2 document that left
/// the rule out meant the economic buyer alone, and keeps that meaning.
#[test]
fn a_version_2_portfolio_keeps_the_coverage_rule_it_was_written_under() {
    let text = version_2_without_key_roles();
    let (whole, migration) = Portfolio::load(text.as_bytes()).unwrap();
    let migration = migration.expect("a version-2 document is migrated");
    assert_eq!(migration.from_version, 2);
    assert!(migration.coverage_rule_kept);
    assert!(
        migration
            .notes()
            .iter()
            .any(|n| n.contains("economic buyer alone")),
        "{:?}",
        migration.notes()
    );
    assert_eq!(
        whole.definitions().process.coverage.key_roles,
        [BuyingRole::EconomicBuyer].into()
    );
    assert_eq!(
        whole.opportunities()[0].process.state().stage(),
        Stage::Proposal
    );
    // From a stream it is the same.
    let streamed = Portfolio::load_reader(text.as_bytes()).unwrap();
    assert_eq!(streamed, (whole.clone(), Some(migration)));
    // Saved again, it is format 3 and names the rule it keeps.
    let saved: serde_json::Value = serde_json::from_str(&whole.to_json()).unwrap();
    assert_eq!(saved["format_version"], FORMAT_VERSION);
    assert_eq!(
        saved["definitions"]["process"]["coverage"]["key_roles"],
        serde_json::json!(["economic_buyer"])
    );
    // Read as format 3, the same journal does not replay under today's
    // default: the migration is what keeps the document loading.
    let as_current = text.replacen(
        "\"format_version\":2",
        &format!("\"format_version\":{FORMAT_VERSION}"),
        1,
    );
    assert!(Portfolio::from_json(&as_current).is_err());
    // A stream migrates only a document whose version comes first (as this
    // library writes it); the text itself is migrated in any order.
    let mut reordered: serde_json::Value = serde_json::from_str(&text).unwrap();
    let reordered = {
        let version = reordered.as_object_mut().unwrap().remove("format_version");
        let mut text = reordered.to_string();
        text.pop();
        format!("{text},\"format_version\":{}}}", version.unwrap())
    };
    assert_eq!(Portfolio::load(reordered.as_bytes()).unwrap().0, whole);
    assert!(matches!(
        Portfolio::load_reader(reordered.as_bytes()),
        Err(PortfolioError::UnsupportedVersion { found, .. }) if found == "2"
    ));
}

#[test]
fn a_version_2_portfolio_with_its_rule_written_out_changes_nothing() {
    let current = fixtures::two_deals();
    let text = current.to_json().replacen(
        &format!("\"format_version\":{FORMAT_VERSION}"),
        "\"format_version\":2",
        1,
    );
    let (loaded, migration) = Portfolio::load(text.as_bytes()).unwrap();
    let migration = migration.unwrap();
    assert_eq!(migration.from_version, 2);
    assert!(!migration.coverage_rule_kept);
    assert_eq!(
        migration.notes(),
        ["migrated from format version 2: nothing changed"]
    );
    assert_eq!(loaded, current);
    assert_eq!(Portfolio::load_reader(text.as_bytes()).unwrap().0, current);
}

#[test]
fn a_version_2_portfolio_without_definitions_keeps_the_old_default() {
    let text = r#"{"format_version": 2, "name": "North", "as_of": "2026-03-31T00:00:00Z",
                   "currency": "EUR", "accounts": [], "opportunities": []}"#;
    for (portfolio, migration) in [
        Portfolio::load(text.as_bytes()).unwrap(),
        Portfolio::load_reader(text.as_bytes()).unwrap(),
    ] {
        assert!(migration.unwrap().coverage_rule_kept);
        assert_eq!(
            portfolio.definitions().process.coverage.key_roles,
            [BuyingRole::EconomicBuyer].into()
        );
    }
    let current = text.replace("\"format_version\": 2", "\"format_version\": 3");
    let (portfolio, migration) = Portfolio::load(current.as_bytes()).unwrap();
    assert!(migration.is_none());
    assert_eq!(portfolio.definitions().process.coverage.key_roles.len(), 4);
}
