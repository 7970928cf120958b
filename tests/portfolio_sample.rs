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

use techsales::key_account::{Outcome, Stage};
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
    assert_eq!(open_stages.len(), Stage::ALL.len(), "{open_stages:?}");
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
