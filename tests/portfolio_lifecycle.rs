//! Properties of the lifecycle analytics: forecast categories, bookings,
//! nurture and the deal history, on random portfolios.

#[path = "support/portfolio_fixtures.rs"]
mod fixtures;

use chrono::Duration;
use proptest::prelude::*;
use techsales::journal::Entry;
use techsales::key_account::{forecast_category, DealStatus, ForecastCategory, KeyAccountEvent};
use techsales::portfolio::{bookings, forecast, pipeline, slipped_deals, Portfolio};

/// `portfolio` with, for some open deals, a chain of close-date changes
/// and, for others, a nurture: every change the ops made, as (deal, from, to).
fn with_history(
    mut portfolio: Portfolio,
    ops: &[(usize, i64, bool)],
) -> (
    Portfolio,
    Vec<(String, Option<chrono::NaiveDate>, chrono::NaiveDate)>,
) {
    let mut made = Vec::new();
    let ids: Vec<String> = portfolio
        .opportunities()
        .iter()
        .map(|o| o.id.to_string())
        .collect();
    if ids.is_empty() {
        return (portfolio, made);
    }
    for &(pick, days, nurture) in ops {
        let id = &ids[pick % ids.len()];
        let record = portfolio.opportunity(id).unwrap();
        let at = record.last_activity() + Duration::hours(1);
        let from = record.expected_close;
        // An unknown close date becomes known counting from the change.
        let to = from.unwrap_or(at.date_naive()) + Duration::days(days);
        let event = if nurture {
            KeyAccountEvent::Nurtured {
                evidence: "failed the evaluation".into(),
                review_on: to,
            }
        } else {
            KeyAccountEvent::CloseDateChanged { from, to }
        };
        if portfolio.apply(id, Entry::new(at, "li", event)).is_ok() && !nurture {
            made.push((id.clone(), from, to));
        }
    }
    (portfolio, made)
}

fn ops() -> impl Strategy<Value = Vec<(usize, i64, bool)>> {
    prop::collection::vec((0usize..64, -30i64..120, prop::bool::weighted(0.2)), 0..24)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every forecast category's total is the sum of its deals, the months
    /// add up to the categories, and the open deals fall into exactly one
    /// of pipeline, best case, commit and omitted (closed is bookings only).
    #[test]
    fn every_forecast_category_total_equals_the_sum_of_its_deals_and_the_categories_partition_the_open_deals(
        portfolio in fixtures::portfolios(),
        ops in ops(),
    ) {
        let (portfolio, _) = with_history(portfolio, &ops);
        let definition = &portfolio.definitions().process;
        let figures = forecast(&portfolio);
        for (category, amounts) in &figures.by_category {
            let deals: Vec<_> = portfolio
                .opportunities()
                .iter()
                .filter(|o| !matches!(o.process.state().status(), DealStatus::Lost | DealStatus::Withdrawn))
                .filter(|o| forecast_category(o.process.state(), definition) == *category)
                .collect();
            prop_assert_eq!(amounts.count, deals.len());
            let known: Vec<u64> = deals
                .iter()
                .filter_map(|o| match o.process.state().booking() {
                    Some(_) => o.booked_amount_minor(),
                    None => o.amount_minor,
                })
                .collect();
            let total: u128 = known.iter().map(|&a| u128::from(a)).sum();
            prop_assert_eq!(amounts.amount_minor, total);
            prop_assert_eq!(amounts.unknown_amount, deals.len() - known.len());
            let i = category.code() as usize;
            let by_month: u128 = figures
                .by_month
                .iter()
                .map(|(_, row)| row[i].amount_minor)
                .sum::<u128>()
                + figures.no_close_date[i].amount_minor;
            prop_assert_eq!(by_month, total);
        }
        let open: Vec<_> = portfolio.opportunities().iter().filter(|o| o.process.state().is_open()).collect();
        for deal in &open {
            let category = forecast_category(deal.process.state(), definition);
            prop_assert_ne!(category, ForecastCategory::Closed);
        }
        let closed = &figures.by_category[ForecastCategory::Closed.code() as usize].1;
        prop_assert_eq!(closed.count, bookings(&portfolio).booked.count);
    }

    /// Nurtured deals are never counted in the open pipeline, nor as lost
    /// or withdrawn.
    #[test]
    fn nurture_deals_are_never_counted_in_the_open_pipeline_or_as_lost(
        portfolio in fixtures::portfolios(),
        ops in ops(),
    ) {
        let (portfolio, _) = with_history(portfolio, &ops);
        let figures = pipeline(&portfolio);
        let count = |status: DealStatus| {
            portfolio.opportunities().iter().filter(|o| o.process.state().status() == status).count()
        };
        prop_assert_eq!(figures.total.count, count(DealStatus::Open));
        let closed: usize = figures.closed.iter().map(|(_, a)| a.count).sum();
        prop_assert_eq!(closed, count(DealStatus::Booked) + count(DealStatus::Lost) + count(DealStatus::Withdrawn));
    }

    /// Every recorded close-date change appears in the slipped-deal
    /// analytics, with the deal's slips and how far its date moved.
    #[test]
    fn every_recorded_close_date_change_appears_in_the_slipped_deal_analytics(
        portfolio in fixtures::portfolios(),
        ops in ops(),
    ) {
        let (portfolio, made) = with_history(portfolio, &ops);
        let slipped = slipped_deals(&portfolio);
        let listed: usize = slipped.iter().map(|d| d.changes.len()).sum();
        prop_assert_eq!(listed, made.len());
        for (id, from, to) in &made {
            let deal = slipped.iter().find(|d| d.id == id.as_str());
            prop_assert!(deal.is_some(), "{} missing", id);
            let deal = deal.unwrap();
            prop_assert!(deal.changes.iter().any(|c| c.from == *from && c.to == *to));
            let slips = deal.changes.iter().filter(|c| c.from.is_some_and(|f| c.to > f)).count();
            prop_assert_eq!(deal.slips, slips);
            let first = deal.changes.first().unwrap();
            let first = first.from.unwrap_or(first.to);
            let last = deal.changes.last().unwrap().to;
            prop_assert_eq!(deal.total_days, (last - first).num_days());
            // The record holds the last date the history recorded.
            prop_assert_eq!(portfolio.opportunity(id).unwrap().expected_close, Some(last));
        }
        // The document still loads: history and records agree.
        prop_assert_eq!(Portfolio::from_json(&portfolio.to_json()).unwrap(), portfolio);
    }
}
