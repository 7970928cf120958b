//! Technical-sale cycles inside the portfolio document: documents from
//! before cycles load, references are checked, a change of customer type
//! offers the new variant to the next iteration only, and the analytics
//! count every cycle once.

use chrono::{TimeZone, Utc};
use serde_json::Value;
use techsales::customer::{Customer, CustomerType, RelationshipLevel};
use techsales::cycle::{CycleVariants, TechnicalSale};
use techsales::portfolio::{
    cycle_analytics, Account, CycleRecord, Definitions, Portfolio, PortfolioError,
};

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/portfolio.json"
    ))
    .unwrap()
}

#[test]
fn a_document_written_before_cycles_existed_loads_with_none() {
    let mut doc: Value = serde_json::from_str(&sample()).unwrap();
    doc.as_object_mut().unwrap().remove("cycles");
    doc["definitions"].as_object_mut().unwrap().remove("cycles");
    let portfolio = Portfolio::from_json(&doc.to_string()).unwrap();
    assert!(portfolio.cycles().is_empty());
    assert_eq!(
        portfolio.definitions().cycles,
        Definitions::default().cycles
    );
    let saved: Value = serde_json::from_str(&portfolio.to_json()).unwrap();
    assert!(saved.get("cycles").is_none());
}

#[test]
fn the_sample_holds_cycles_of_every_variant_in_several_stages() {
    let portfolio = Portfolio::from_json(&sample()).unwrap();
    for &ty in CustomerType::ALL {
        let stages: std::collections::BTreeSet<_> = portfolio
            .cycles()
            .iter()
            .filter(|c| c.sale.customer_type() == ty)
            .map(|c| c.sale.stage())
            .collect();
        assert!(stages.len() >= 3, "{ty}: {stages:?}");
    }
    let analytics = cycle_analytics(&portfolio);
    let counted: usize = analytics.by_stage.iter().map(|r| r.open + r.ended).sum();
    assert_eq!(counted, portfolio.cycles().len());
    assert!(!analytics.open_objections.is_empty());
    assert!(!analytics.technical_evaluations.is_empty());
    assert!(!analytics.implementations.is_empty());
    assert!(!analytics.lessons.is_empty());
    assert!(!analytics.offers.is_empty());
}

#[test]
fn a_cycle_must_name_a_known_account_and_a_deal_of_that_account() {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut p = Portfolio::new("p", at, "EUR", Definitions::default()).unwrap();
    let acme = Customer::from_type("C-1", "Acme", CustomerType::Loyal, at).unwrap();
    p.add_account(Account::new(acme)).unwrap();
    let sale = TechnicalSale::for_customer_type(CustomerType::Loyal);
    let unknown = CycleRecord::new("TS-1", "C-2", None, sale.clone());
    assert!(matches!(
        p.add_cycle(unknown),
        Err(PortfolioError::CycleAccount { .. })
    ));
    let no_deal = CycleRecord::new("TS-1", "C-1", Some("O-1".into()), sale);
    assert!(matches!(
        p.add_cycle(no_deal),
        Err(PortfolioError::CycleOpportunity { .. })
    ));
    assert!(p.cycles().is_empty());
}

/// A cycle started from a customer record (its relationship level is part
/// of the cycle's set-up, not of its journal) joins the portfolio and
/// survives a save and a load.
#[test]
fn a_cycle_started_from_a_customer_record_keeps_its_relationship_in_the_portfolio() {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut p = Portfolio::new("p", at, "EUR", Definitions::default()).unwrap();
    let mut acme = Customer::from_type("C-1", "Acme", CustomerType::Loyal, at).unwrap();
    acme.relationship = Some(RelationshipLevel::Maintaining);
    let sale = TechnicalSale::for_customer(&acme, &CycleVariants::default()).unwrap();
    p.add_account(Account::new(acme)).unwrap();
    p.add_cycle(CycleRecord::new("TS-1", "C-1", None, sale))
        .unwrap();
    let reloaded = Portfolio::from_json(&p.to_json()).unwrap();
    assert_eq!(
        reloaded.cycles()[0].sale.relationship(),
        Some(RelationshipLevel::Maintaining)
    );
    assert_eq!(reloaded, p);
}

#[test]
fn a_change_of_customer_type_offers_the_new_variant_to_the_next_iteration_only() {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut p = Portfolio::new("p", at, "EUR", Definitions::default()).unwrap();
    let acme = Customer::from_type("C-1", "Acme", CustomerType::Opportunity, at).unwrap();
    p.add_account(Account::new(acme)).unwrap();
    p.start_cycle("TS-1", "C-1", None).unwrap();
    let later = at + chrono::TimeDelta::days(30);
    assert!(p
        .set_account_type("C-1", CustomerType::Loyal, later, "repeat orders")
        .unwrap());
    let cycle = p.cycle("TS-1").unwrap();
    assert_eq!(cycle.sale.customer_type(), CustomerType::Opportunity);
    let offer = cycle.offered_variant.as_deref().unwrap();
    assert_eq!(
        (offer.from, offer.to, offer.for_iteration),
        (CustomerType::Opportunity, CustomerType::Loyal, 2)
    );
    assert_eq!(
        offer.variant,
        p.definitions().cycles.get(CustomerType::Loyal).clone()
    );
    // Back to the running variant's type: nothing left to offer.
    p.set_account_type("C-1", CustomerType::Opportunity, later, "orders stopped")
        .unwrap();
    assert!(p.cycle("TS-1").unwrap().offered_variant.is_none());
    // The document, offer included, loads back the same.
    assert_eq!(Portfolio::from_json(&p.to_json()).unwrap(), p);
}
