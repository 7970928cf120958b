//! Technical-sale cycles inside the portfolio document: documents from
//! before cycles load, references are checked, a change of customer type
//! offers the new variant to the next iteration only (adopted when that
//! iteration starts, unless declined), a cycle's listed ending reason is
//! checked against the reason list, and the analytics count every cycle
//! once.

#[path = "support/cycle_fixtures.rs"]
mod fixtures;

use chrono::{TimeZone, Utc};
use serde_json::Value;
use techsales::customer::{Customer, CustomerType, RelationshipLevel};
use techsales::cycle::{
    CycleEnding, CycleError, CycleEvent, CycleVariants, Decision, EventKind, Stage, Step,
    TechnicalSale,
};
use techsales::journal::Entry;
use techsales::key_account::Reason;
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

/// Does every required step of the cycle's stage through the portfolio, then
/// ends the stage; returns the next free hour.
fn finish_stage_in(p: &mut Portfolio, id: &str, mut hours: i64) -> i64 {
    let sale = |p: &Portfolio| p.cycle(id).unwrap().sale.clone();
    let stage = sale(p).stage();
    let required: Vec<Step> = sale(p).variant().required_steps(stage).collect();
    for step in required {
        while !p.cycle(id).unwrap().sale.is_done(step) {
            let event = fixtures::step_event(&sale(p), step);
            p.apply_cycle(id, fixtures::entry(hours, event)).unwrap();
            hours += 1;
        }
    }
    let end = if stage == Stage::ResolvingConcerns {
        CycleEvent::ClientDecided {
            decision: Decision::Agreement,
        }
    } else {
        CycleEvent::Advance { to: stage.next() }
    };
    p.apply_cycle(id, fixtures::entry(hours, end)).unwrap();
    hours + 1
}

/// Runs the cycle's iteration through evolution into the next one.
fn complete_iteration(p: &mut Portfolio, id: &str, mut hours: i64) -> i64 {
    let iteration = p.cycle(id).unwrap().sale.iteration();
    while p.cycle(id).unwrap().sale.iteration() == iteration {
        hours = finish_stage_in(p, id, hours);
    }
    hours
}

fn opportunity_account_with_a_cycle() -> Portfolio {
    let mut p = Portfolio::new("p", fixtures::t0(), "EUR", Definitions::default()).unwrap();
    let acme =
        Customer::from_type("C-1", "Acme", CustomerType::Opportunity, fixtures::t0()).unwrap();
    p.add_account(Account::new(acme)).unwrap();
    p.start_cycle("TS-1", "C-1", None).unwrap();
    p
}

/// Issue rule (the cycle's variants, source 000): a change of customer type
/// offers the new type's variant for the next iteration; the running
/// iteration keeps its variant, and when the next iteration starts it runs
/// under the offered one, the adoption recorded in the journal. The
/// document reloads to the same cycle.
#[test]
fn the_offered_variant_is_adopted_when_the_next_iteration_starts() {
    let mut p = opportunity_account_with_a_cycle();
    let mut hours = finish_stage_in(&mut p, "TS-1", 1);
    p.set_account_type(
        "C-1",
        CustomerType::Loyal,
        fixtures::at(hours),
        "repeat orders",
    )
    .unwrap();
    hours += 1;
    while p.cycle("TS-1").unwrap().sale.stage() != Stage::Evolution {
        hours = finish_stage_in(&mut p, "TS-1", hours);
        // The running iteration keeps its variant.
        assert_eq!(
            p.cycle("TS-1").unwrap().sale.customer_type(),
            CustomerType::Opportunity
        );
    }
    complete_iteration(&mut p, "TS-1", hours);
    let cycle = p.cycle("TS-1").unwrap();
    assert_eq!(cycle.sale.iteration(), 2);
    assert_eq!(cycle.sale.customer_type(), CustomerType::Loyal);
    assert_eq!(
        cycle.sale.variant(),
        p.definitions().cycles.get(CustomerType::Loyal)
    );
    assert_eq!(
        cycle.sale.initial_variant().customer_type,
        CustomerType::Opportunity
    );
    assert!(cycle.offered_variant.is_none());
    let last = cycle.sale.journal().entries().last().unwrap();
    assert_eq!(last.event.kind(), EventKind::VariantAdopted);
    let reloaded = Portfolio::from_json(&p.to_json()).unwrap();
    assert_eq!(reloaded, p);
    assert_eq!(
        reloaded.cycle("TS-1").unwrap().sale.customer_type(),
        CustomerType::Loyal
    );
}

/// Issue rule (the cycle's variants): an offered variant may be declined
/// instead; the decline is recorded and the next iteration keeps the
/// cycle's variant. Declining with no offer is refused, changing nothing.
#[test]
fn a_declined_variant_offer_is_recorded_and_the_variant_kept() {
    let mut p = opportunity_account_with_a_cycle();
    assert!(matches!(
        p.decline_variant_offer("TS-1", fixtures::at(1), "li", "keep the trial"),
        Err(PortfolioError::NoVariantOffer { .. })
    ));
    p.set_account_type("C-1", CustomerType::Loyal, fixtures::at(1), "repeat orders")
        .unwrap();
    p.decline_variant_offer("TS-1", fixtures::at(2), "li", "the pilot runs as planned")
        .unwrap();
    let cycle = p.cycle("TS-1").unwrap();
    assert!(cycle.offered_variant.is_none());
    let last = cycle.sale.journal().entries().last().unwrap();
    assert_eq!(
        last.event,
        CycleEvent::VariantDeclined {
            offered: CustomerType::Loyal,
            reason: "the pilot runs as planned".into()
        }
    );
    complete_iteration(&mut p, "TS-1", 3);
    let cycle = p.cycle("TS-1").unwrap();
    assert_eq!(cycle.sale.iteration(), 2);
    assert_eq!(cycle.sale.customer_type(), CustomerType::Opportunity);
    assert_eq!(Portfolio::from_json(&p.to_json()).unwrap(), p);
}

/// Issue rule (source 000, a cycle may end before the decision): a cycle in
/// the portfolio ends with a reason from the process definition's reason
/// list, for its ending (abandoned: a withdrawal reason; lost: a loss
/// reason); an unknown key, a key for another ending or a missing
/// competitor is refused and nothing changes.
#[test]
fn a_cycle_ends_with_a_reason_from_the_list() {
    let mut p = opportunity_account_with_a_cycle();
    let ended = |ending, listed: Reason| CycleEvent::CycleEnded {
        ending,
        reason: String::new(),
        listed: Some(Box::new(listed)),
    };
    let before = p.clone();
    for (ending, reason) in [
        (CycleEnding::Lost, Reason::new("weather")),
        // A failed evaluation is a reason to withdraw, not to lose.
        (CycleEnding::Lost, Reason::new("evaluation_failed")),
        (CycleEnding::Lost, Reason::new("competitor")),
    ] {
        let e = p
            .apply_cycle("TS-1", fixtures::entry(1, ended(ending, reason)))
            .unwrap_err();
        assert!(matches!(e, PortfolioError::CycleReason { .. }), "{e}");
        assert_eq!(p, before);
    }
    p.apply_cycle(
        "TS-1",
        fixtures::entry(
            1,
            ended(
                CycleEnding::Abandoned,
                Reason::new("evaluation_failed").with_note("too small for a trial"),
            ),
        ),
    )
    .unwrap();
    let sale = &p.cycle("TS-1").unwrap().sale;
    assert!(sale.is_closed());
    assert_eq!(Portfolio::from_json(&p.to_json()).unwrap(), p);
}

/// Source 000 (ending early): alone, without a list, a cycle ends with a
/// listed reason's key or a reason in words; with neither it is refused.
#[test]
fn a_cycle_ending_needs_a_listed_reason_or_words() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Opportunity);
    let ended = |reason: &str, listed: Option<Reason>| {
        Entry::new(
            fixtures::at(1),
            "li",
            CycleEvent::CycleEnded {
                ending: CycleEnding::Lost,
                reason: reason.into(),
                listed: listed.map(Box::new),
            },
        )
    };
    assert_eq!(
        sale.apply(ended(" ", None)),
        Err(CycleError::EndingWithoutReason)
    );
    assert!(matches!(
        sale.apply(ended("", Some(Reason::new("Not A Key")))),
        Err(CycleError::BadReasonKey { .. })
    ));
    sale.apply(ended("", Some(Reason::new("price")))).unwrap();
    assert!(sale.is_closed());
}
