//! Analytics of the deal lifecycle: the forecast by category and month,
//! bookings and delivery, win/loss by reason, stage, customer type and
//! grade, and the deal history (slipped close dates, amount changes, the
//! probability trend of a deal).
//!
//! Bookings are the wins: a booked deal counts once, with its booked
//! amount, whatever happens to its delivery, which has its own counts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::analytics::{Amounts, YearMonth};
use super::document::{OpportunityRecord, Portfolio};
use crate::customer::CustomerType;
use crate::grading::Grade;
use crate::key_account::{
    forecast_category, win_probability_value, DealStatus, DeliveryStatus, ForecastCategory,
    KeyAccountEvent, KeyAccountProcess, Outcome, PerStage, ProcessDefinition,
};

/// The forecast: every open, nurtured or booked deal in its category, in
/// total and per expected close month (booked deals by booking day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Per category, in category order.
    pub by_category: Vec<(ForecastCategory, Amounts)>,
    /// Per month, earliest first: the amounts of each category, in
    /// category order.
    pub by_month: Vec<(YearMonth, Vec<Amounts>)>,
    /// Deals without a known close date, per category in category order.
    pub no_close_date: Vec<Amounts>,
}

/// The forecast of `portfolio` (lost and withdrawn deals are left out).
pub fn forecast(portfolio: &Portfolio) -> Forecast {
    let definition = &portfolio.definitions().process;
    let n = ForecastCategory::ALL.len();
    let mut totals = vec![Amounts::default(); n];
    let mut months: BTreeMap<YearMonth, Vec<Amounts>> = BTreeMap::new();
    let mut no_close_date = vec![Amounts::default(); n];
    for record in portfolio.opportunities() {
        let state = record.process.state();
        if matches!(state.status(), DealStatus::Lost | DealStatus::Withdrawn) {
            continue;
        }
        let category = forecast_category(state, definition);
        let (amount, month) = match state.booking() {
            Some(b) => (record.booked_amount_minor(), Some(b.booked_on)),
            None => (record.amount_minor, record.expected_close),
        };
        let p = win_probability_value(state, definition);
        let i = category.code() as usize;
        if let Some(slot) = totals.get_mut(i) {
            slot.add_deal(amount, p);
        }
        let row = match month {
            Some(month) => months
                .entry(YearMonth::of(month))
                .or_insert_with(|| vec![Amounts::default(); n]),
            None => &mut no_close_date,
        };
        if let Some(slot) = row.get_mut(i) {
            slot.add_deal(amount, p);
        }
    }
    Forecast {
        by_category: ForecastCategory::ALL.iter().copied().zip(totals).collect(),
        by_month: months.into_iter().collect(),
        no_close_date,
    }
}

/// Bookings and their delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bookings {
    /// Every booked deal, with its booked amount (those of unknown amount
    /// counted, not summed).
    pub booked: Amounts,
    /// Booked amounts per booking month, earliest first.
    pub by_month: Vec<(YearMonth, Amounts)>,
    /// Booked deals per delivery status, in status order.
    pub delivery: Vec<(DeliveryStatus, Amounts)>,
    /// Booked deals over booked, lost and withdrawn ones, when any ended.
    pub win_rate: Option<f64>,
}

/// The bookings of `portfolio`.
pub fn bookings(portfolio: &Portfolio) -> Bookings {
    let mut booked = Amounts::default();
    let mut months: BTreeMap<YearMonth, Amounts> = BTreeMap::new();
    let mut delivery = vec![Amounts::default(); DeliveryStatus::ALL.len()];
    let mut ended = 0usize;
    for record in portfolio.opportunities() {
        let state = record.process.state();
        if state.outcome().is_some() {
            ended += 1;
        }
        let Some(booking) = state.booking() else {
            continue;
        };
        // A booking of unknown amount is counted, never summed.
        let amount = record.booked_amount_minor();
        booked.add_deal(amount, 1.0);
        months
            .entry(YearMonth::of(booking.booked_on))
            .or_default()
            .add_deal(amount, 1.0);
        if let Some(slot) = state
            .delivery()
            .and_then(|d| delivery.get_mut(d.code() as usize))
        {
            slot.add_deal(amount, 1.0);
        }
    }
    Bookings {
        win_rate: (ended > 0).then(|| booked.count as f64 / ended as f64),
        booked,
        by_month: months.into_iter().collect(),
        delivery: DeliveryStatus::ALL.iter().copied().zip(delivery).collect(),
    }
}

/// How many deals were won (booked), lost and withdrawn in one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WinLossCount {
    /// Booked deals.
    pub won: usize,
    /// Lost deals.
    pub lost: usize,
    /// Withdrawn deals.
    pub withdrawn: usize,
}

impl WinLossCount {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Won => self.won += 1,
            Outcome::Lost => self.lost += 1,
            Outcome::Withdrawn => self.withdrawn += 1,
        }
    }
}

/// Win/loss analysis of the ended deals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinLoss {
    /// Lost and withdrawn deals (and cancelled deliveries) per reason key,
    /// most frequent first: (key, lost, withdrawn, cancelled).
    pub by_reason: Vec<(String, usize, usize, usize)>,
    /// Per stage the deal ended (or was booked) in.
    pub by_stage: PerStage<WinLossCount>,
    /// Deals the CRM closed without saying at which stage (see
    /// [`OpportunityRecord::closed_stage_unknown`]), kept out of `by_stage`.
    ///
    /// [`OpportunityRecord::closed_stage_unknown`]: super::OpportunityRecord::closed_stage_unknown
    #[serde(default)]
    pub stage_unknown: WinLossCount,
    /// Per customer type of the account, in type order.
    pub by_customer_type: Vec<(CustomerType, WinLossCount)>,
    /// Per grade, A to D, then ungraded.
    pub by_grade: Vec<(Option<Grade>, WinLossCount)>,
}

/// The win/loss analysis of `portfolio`.
pub fn win_loss(portfolio: &Portfolio) -> WinLoss {
    let index = portfolio.account_index();
    let mut reasons: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut by_stage = PerStage::<WinLossCount>::default();
    let mut stage_unknown = WinLossCount::default();
    let mut by_type = [WinLossCount::default(); 4];
    let mut by_grade = [WinLossCount::default(); 5];
    for record in portfolio.opportunities() {
        let state = record.process.state();
        let Some(closure) = state.closure() else {
            continue;
        };
        if let Some(reason) = &closure.reason {
            let slot = reasons.entry(reason.key.clone()).or_default();
            match closure.outcome {
                Outcome::Lost => slot.0 += 1,
                _ => slot.1 += 1,
            }
        }
        if let Some(cancellation) = &closure.cancellation {
            reasons
                .entry(cancellation.reason.key.clone())
                .or_default()
                .2 += 1;
        }
        if record.closed_stage_unknown {
            stage_unknown.add(closure.outcome);
        } else {
            by_stage.get_mut(closure.stage).add(closure.outcome);
        }
        let customer_type = index
            .get(record.account_id().unwrap_or_default())
            .and_then(|&i| portfolio.accounts().get(i))
            .map(|a| a.customer.customer_type());
        if let Some(slot) = customer_type.and_then(|t| by_type.get_mut(t.code() as usize)) {
            slot.add(closure.outcome);
        }
        let g = state.grade().map_or(4, |g| g.code() as usize);
        if let Some(slot) = by_grade.get_mut(g) {
            slot.add(closure.outcome);
        }
    }
    let mut by_reason: Vec<(String, usize, usize, usize)> = reasons
        .into_iter()
        .map(|(k, (l, w, c))| (k, l, w, c))
        .collect();
    by_reason.sort_by(|a, b| {
        (b.1 + b.2 + b.3)
            .cmp(&(a.1 + a.2 + a.3))
            .then(a.0.cmp(&b.0))
    });
    WinLoss {
        by_reason,
        by_stage,
        stage_unknown,
        by_customer_type: CustomerType::ALL.iter().copied().zip(by_type).collect(),
        by_grade: Grade::ALL
            .iter()
            .map(|&g| Some(g))
            .chain([None])
            .zip(by_grade)
            .collect(),
    }
}

/// One change of a deal's expected close date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseDateChange {
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// The date before, when it was known.
    pub from: Option<NaiveDate>,
    /// The date after.
    pub to: NaiveDate,
}

/// A deal whose expected close date moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlippedDeal {
    /// The deal's id.
    pub id: CompactString,
    /// Every recorded change, oldest first.
    pub changes: Vec<CloseDateChange>,
    /// How many changes moved a known date later.
    pub slips: usize,
    /// Days from the first known date to the last (negative: pulled in).
    pub total_days: i64,
}

/// Every deal with a recorded close-date change, the most slipped first.
pub fn slipped_deals(portfolio: &Portfolio) -> Vec<SlippedDeal> {
    let mut deals: Vec<SlippedDeal> = portfolio
        .opportunities()
        .iter()
        .filter_map(|record| {
            let changes: Vec<CloseDateChange> = record
                .process
                .journal()
                .iter()
                .filter_map(|e| match e.event {
                    KeyAccountEvent::CloseDateChanged { from, to } => {
                        Some(CloseDateChange { at: e.at, from, to })
                    }
                    _ => None,
                })
                .collect();
            let (first, last) = (changes.first()?, changes.last()?);
            Some(SlippedDeal {
                id: record.id.clone(),
                slips: changes
                    .iter()
                    .filter(|c| c.from.is_some_and(|from| c.to > from))
                    .count(),
                total_days: (last.to - first.from.unwrap_or(first.to)).num_days(),
                changes,
            })
        })
        .collect();
    deals.sort_by(|a, b| b.total_days.cmp(&a.total_days).then(a.id.cmp(&b.id)));
    deals
}

/// One recorded change of a deal's amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountChange {
    /// The deal's id.
    pub id: CompactString,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// The amount before, in minor units, when it was known.
    pub from_minor: Option<u64>,
    /// The amount after, in minor units.
    pub to_minor: u64,
}

/// Every amount change recorded in `[from, to]`, oldest first.
pub fn amount_changes(
    portfolio: &Portfolio,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<AmountChange> {
    let mut changes: Vec<AmountChange> = portfolio
        .opportunities()
        .iter()
        .flat_map(|record| {
            record
                .process
                .journal()
                .iter()
                .filter_map(|e| match e.event {
                    KeyAccountEvent::AmountChanged {
                        from_minor,
                        to_minor,
                    } if e.at >= from && e.at <= to => Some(AmountChange {
                        id: record.id.clone(),
                        at: e.at,
                        from_minor,
                        to_minor,
                    }),
                    _ => None,
                })
        })
        .collect();
    changes.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    changes
}

/// The win probability of a deal after each event of its journal: its
/// trend, replayed under `definition`. Stops at the first entry the
/// definition refuses.
pub fn probability_trend(
    record: &OpportunityRecord,
    definition: &ProcessDefinition,
) -> Vec<(DateTime<Utc>, f64)> {
    let mut process = KeyAccountProcess::new(record.process.state().opened_at());
    let mut trend = Vec::with_capacity(record.process.journal().len());
    for entry in record.process.journal() {
        let at = entry.at;
        if process.apply(definition, entry.clone()).is_err() {
            break;
        }
        trend.push((at, win_probability_value(process.state(), definition)));
    }
    trend
}
