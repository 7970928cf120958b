//! The bundled sample data is what `examples/make_sample.rs` makes, and it
//! is the realistic book the main job promises: at least 50 accounts of all
//! four types and 200 opportunities over every stage and outcome, with
//! journals.
//!
//! Regenerate with `cargo run --example make_sample` (or
//! `TECHSALES_BLESS=1 cargo test --test portfolio_sample`).

#[allow(dead_code)]
#[path = "../examples/make_sample.rs"]
mod make_sample;

use std::collections::BTreeSet;

use techsales::key_account::{DealStatus, DeliveryStatus, Outcome, Stage};
use techsales::portfolio::{import_csv, CsvMapping, Portfolio};

fn read(name: &str) -> String {
    std::fs::read_to_string(make_sample::data_dir().join(name)).unwrap_or_default()
}

#[test]
fn checked_in_sample_is_what_the_generator_makes() {
    let sample = make_sample::build_sample().unwrap();
    let files = [
        ("portfolio.json", &sample.portfolio_json),
        ("crm_export.csv", &sample.crm_csv),
        ("crm_mapping.json", &sample.crm_mapping_json),
    ];
    if std::env::var_os("TECHSALES_BLESS").is_some() {
        for (name, text) in files {
            std::fs::write(make_sample::data_dir().join(name), text).unwrap();
        }
    }
    for (name, text) in files {
        assert!(
            read(name) == *text,
            "examples/data/{name} is stale; regenerate with `cargo run --example make_sample`"
        );
    }
}

#[test]
fn the_sample_portfolio_is_a_realistic_book() {
    let p = Portfolio::from_json(&read("portfolio.json")).unwrap();
    assert!(p.accounts().len() >= 50);
    let types: BTreeSet<_> = p
        .accounts()
        .iter()
        .map(|a| a.customer.customer_type())
        .collect();
    assert_eq!(types.len(), 4);
    assert!(p
        .accounts()
        .iter()
        .any(|a| !a.customer.history().is_empty()));
    assert!(p.accounts().iter().any(|a| !a.actions.records().is_empty()));

    assert!(p.opportunities().len() >= 200);
    let open_stages: BTreeSet<Stage> = p
        .opportunities()
        .iter()
        .filter(|o| o.process.state().is_open())
        .map(|o| o.process.state().stage())
        .collect();
    // Open deals stand in every stage before implementation; a deal enters
    // implementation once booked.
    assert_eq!(open_stages.len(), Stage::ALL.len() - 1, "{open_stages:?}");
    let states = |o: &techsales::portfolio::OpportunityRecord| o.process.state().clone();
    let statuses: BTreeSet<DealStatus> = p
        .opportunities()
        .iter()
        .map(|o| states(o).status())
        .collect();
    assert_eq!(statuses.len(), DealStatus::ALL.len(), "{statuses:?}");
    let deliveries: BTreeSet<DeliveryStatus> = p
        .opportunities()
        .iter()
        .filter_map(|o| o.process.state().delivery())
        .collect();
    assert_eq!(
        deliveries.len(),
        DeliveryStatus::ALL.len(),
        "{deliveries:?}"
    );
    // Every kind of event appears in some journal.
    let kinds: BTreeSet<String> = p
        .opportunities()
        .iter()
        .flat_map(|o| o.process.journal().iter())
        .map(|e| {
            serde_json::to_value(&e.event).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let schema = techsales::portfolio::json_schema().to_string();
    for kind in [
        "key_node_met",
        "regraded",
        "grade_set_by_hand",
        "nurtured",
        "advanced",
        "forced_advance",
        "procurement_step_observed",
        "contact_recorded",
        "booked",
        "delivery_cancelled",
        "lost",
        "withdrawn",
        "amount_changed",
        "close_date_changed",
        "possibility_changed",
        "owner_changed",
        "forecast_category_set",
    ] {
        assert!(kinds.contains(kind), "no {kind} event in the sample");
        assert!(schema.contains(kind), "no {kind} event in the schema");
    }
    assert!(p.opportunities().iter().any(|o| o
        .process
        .state()
        .forcings()
        .iter()
        .any(|f| f.overrode_policy_of.is_some())));
    assert!(p
        .opportunities()
        .iter()
        .any(|o| o.process.state().grade_by_hand()));
    let outcomes: BTreeSet<Outcome> = p
        .opportunities()
        .iter()
        .filter_map(|o| o.process.state().outcome())
        .collect();
    assert_eq!(outcomes.len(), Outcome::ALL.len());
    assert!(p
        .opportunities()
        .iter()
        .all(|o| !o.process.journal().is_empty()));
    assert!(p
        .opportunities()
        .iter()
        .any(|o| !o.process.state().forcings().is_empty()));
    // A few MB at most.
    assert!(read("portfolio.json").len() < 3_000_000);
}

#[test]
fn the_sample_export_shows_row_reporting() {
    let mapping = CsvMapping::from_json(&read("crm_mapping.json")).unwrap();
    let import = import_csv(read("crm_export.csv").as_bytes(), &mapping).unwrap();
    assert_eq!(import.rows, 80);
    // The row without an account is imported under "no account".
    assert_eq!(import.rejected.len(), 6);
    assert_eq!(import.imported, 74);
}

/// The sample mapping maps the export's loss-reason texts onto the reason
/// list: every lost or withdrawn deal of the export keeps the reason key
/// (and competitor) the book gave it, and none falls back to `other`
/// unless the book's reason was `other`.
#[test]
fn the_sample_export_keeps_its_loss_reasons() {
    let book = Portfolio::from_json(&read("portfolio.json")).unwrap();
    let mapping = CsvMapping::from_json(&read("crm_mapping.json")).unwrap();
    assert!(!mapping.loss_reasons.is_empty());
    let import = import_csv(read("crm_export.csv").as_bytes(), &mapping).unwrap();
    let mut checked = 0;
    for record in import.portfolio.opportunities() {
        let Some(closure) = record.process.state().closure() else {
            continue;
        };
        let Some(imported) = &closure.reason else {
            continue;
        };
        let original = book.opportunity(record.id.as_ref()).unwrap();
        let expected = original.process.state().closure().unwrap().reason.clone();
        let expected = expected.expect("a lost or withdrawn deal of the book has a reason");
        assert_eq!(imported.key, expected.key, "deal {}", record.id);
        assert_eq!(
            imported.competitor, expected.competitor,
            "deal {}",
            record.id
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} reasons checked");
    let keys: BTreeSet<&str> = import
        .portfolio
        .opportunities()
        .iter()
        .filter_map(|r| r.process.state().closure()?.reason.as_ref())
        .map(|r| r.key.as_str())
        .collect();
    assert!(keys.len() >= 3, "{keys:?}");
}
