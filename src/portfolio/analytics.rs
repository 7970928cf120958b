//! Analytics over a portfolio: the weighted pipeline and its forecast,
//! stage-to-stage conversion and time in stage read from the journals,
//! stalled deals, the customer quadrant and its movements, differentiation
//! actions in progress, and the calibration of win probabilities from
//! closed deals.
//!
//! Every figure is computed as of the portfolio's date, under its
//! definitions, so the same document always gives the same numbers. Amounts
//! stay exact (minor units, summed in `u128`); only weighted amounts
//! (amount x win probability) are floating point.
//!
//! Calibration is deliberately simple enough to explain in one sentence per
//! number: a stage's fitted probability is the observed win rate of the
//! closed deals that reached it, blended with the current definition's base
//! as if that base had been seen on `prior_strength` extra deals. Won deals
//! pass every stage, so these blended rates rise from stage to stage under
//! any valid definition; should a later stage still come out less likely
//! than an earlier one, the two are pooled (weighted by their deal counts),
//! so the fitted table is always valid.
//!
//! A grade's factor is its smoothed win rate over the overall win rate: the
//! grade's win rate blended with its prior (the current factor times the
//! overall rate, 1 when the definition has no factors) on `prior_strength`
//! extra deals. It may exceed 1 (a grade that wins more often than the
//! average deal); a grade with no closed deal keeps its prior. Deals whose
//! evaluation failed and deals never graded get buckets of their own. What
//! it can learn: how much more or less often each grade (and each of those
//! buckets) wins than the average deal. What it cannot: anything about the
//! ratings behind the grade, or a grade's effect apart from the stage the
//! deal reached (the factors multiply the stage probabilities, fitted
//! separately); for the evaluation model, see
//! [`learn`](crate::grading::learn).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::document::{OpportunityRecord, Portfolio};
use crate::config::{check_range, ConfigError, Validate};
use crate::customer::CustomerType;
use crate::differentiation::{Action, ActionStatus};
use crate::grading::{Grade, Grader, Verdict};
use crate::key_account::definition::GRADE_FACTOR_MAX;
use crate::key_account::{
    win_probability_value, GradeFactors, KeyAccountEvent, Outcome, PerStage, ProcessDefinition,
    Stage,
};
use crate::labels::Labelled;

/// Tunable inputs of the analytics (choice: a deal is stalled after 45 days
/// without an event in development, 30 in sales entry and proposal, 21 in
/// bidding and negotiation, 60 in implementation; calibration weighs the
/// current definition as 10 deals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyticsConfig {
    /// Days without an event after which an open deal in each stage counts
    /// as stalled (1-3650).
    pub stalled_after_days: PerStage<u32>,
    /// How many closed deals the current definition's probabilities count
    /// for when blended with the observed rates (0-1,000,000; 0 trusts the
    /// observations alone).
    pub prior_strength: f64,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        AnalyticsConfig {
            stalled_after_days: PerStage {
                development: 45,
                sales_entry: 30,
                proposal: 30,
                bidding: 21,
                business_negotiation: 21,
                project_implementation: 60,
            },
            prior_strength: 10.0,
        }
    }
}

/// The longest stalled-deal limit, in days (ten years).
const MAX_STALLED_DAYS: u32 = 3_650;

impl Validate for AnalyticsConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        for (stage, &days) in self.stalled_after_days.iter() {
            if days == 0 || days > MAX_STALLED_DAYS {
                return Err(ConfigError::invalid(
                    format!("stalled_after_days.{}", stage.key()),
                    format!("{days} is outside 1-{MAX_STALLED_DAYS}"),
                ));
            }
        }
        check_range("prior_strength", self.prior_strength, 0.0, 1_000_000.0)
    }
}

impl AnalyticsConfig {
    /// Loads a configuration from JSON; missing fields take their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }
}

/// A count of deals with their total and weighted amounts. Deals of unknown
/// amount are counted, and counted apart, but never summed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Amounts {
    /// How many deals (those of unknown amount included).
    pub count: usize,
    /// Of those, how many have no known amount.
    pub unknown_amount: usize,
    /// The known amounts added up, in minor units (exact).
    pub amount_minor: u128,
    /// The known amounts times their win probabilities, in minor units.
    pub weighted_minor: f64,
}

impl Amounts {
    /// Adds one deal of `amount_minor` with win probability `probability`.
    pub fn add(&mut self, amount_minor: u64, probability: f64) {
        self.count += 1;
        self.amount_minor += u128::from(amount_minor);
        self.weighted_minor += amount_minor as f64 * probability;
    }

    /// Adds one deal whose amount may be unknown.
    pub fn add_deal(&mut self, amount_minor: Option<u64>, probability: f64) {
        match amount_minor {
            Some(amount) => self.add(amount, probability),
            None => {
                self.count += 1;
                self.unknown_amount += 1;
            }
        }
    }
}

/// A calendar month, the bucket of the close-date forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// The month, 1-12.
    pub month: u32,
}

impl YearMonth {
    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }
}

impl core::fmt::Display for YearMonth {
    /// `2026-07`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The open pipeline, weighted by win probability, cut four ways; and the
/// closed deals by outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Every open deal.
    pub total: Amounts,
    /// Open deals per stage.
    pub by_stage: PerStage<Amounts>,
    /// Open deals per grade, A to D, then ungraded (`None`).
    pub by_grade: Vec<(Option<Grade>, Amounts)>,
    /// Open deals per customer type of their account, in type order.
    pub by_customer_type: Vec<(CustomerType, Amounts)>,
    /// Open deals that name no account (not in `by_customer_type`).
    pub no_account: Amounts,
    /// Open deals per expected close month, earliest first (months before
    /// the as-of date hold overdue deals).
    pub by_close_month: Vec<(YearMonth, Amounts)>,
    /// Open deals with no expected close date (not in `by_close_month`).
    pub no_close_date: Amounts,
    /// Closed deals per outcome (weighted amount: won deals count whole).
    pub closed: Vec<(Outcome, Amounts)>,
    /// Deals in nurture after a failed evaluation: neither open pipeline
    /// nor closed (weighted by their win probability).
    pub nurture: Amounts,
}

/// The weighted pipeline of `portfolio`: each open deal's amount times its
/// win probability under the portfolio's process definition.
pub fn pipeline(portfolio: &Portfolio) -> Pipeline {
    pipeline_with(portfolio, &portfolio.definitions().process)
}

/// The weighted pipeline of `portfolio` under another process definition
/// (the calibrated one, say): the same deals, other win probabilities.
pub fn pipeline_with(portfolio: &Portfolio, definition: &ProcessDefinition) -> Pipeline {
    let index = portfolio.account_index();
    let accounts = portfolio.accounts();
    let mut total = Amounts::default();
    let mut by_stage = PerStage::<Amounts>::default();
    let mut by_grade = [Amounts::default(); 5];
    let mut by_type = [Amounts::default(); 4];
    let mut by_month: BTreeMap<YearMonth, Amounts> = BTreeMap::new();
    let mut closed = [Amounts::default(); 3];
    let mut nurture = Amounts::default();
    let mut no_account = Amounts::default();
    let mut no_close_date = Amounts::default();
    for record in portfolio.opportunities() {
        let state = record.process.state();
        let p = win_probability_value(state, definition);
        let amount = record.amount_minor;
        if let Some(outcome) = state.outcome() {
            if let Some(slot) = closed.get_mut(outcome.code() as usize) {
                // A won deal counts with what was booked.
                let amount = record.booked_amount_minor().or(amount);
                slot.add_deal(amount, p);
            }
            continue;
        }
        if !state.is_open() {
            nurture.add_deal(amount, p);
            continue;
        }
        total.add_deal(amount, p);
        by_stage.get_mut(state.stage()).add_deal(amount, p);
        let grade_slot = state.grade().map_or(4, |g| g.code() as usize);
        if let Some(slot) = by_grade.get_mut(grade_slot) {
            slot.add_deal(amount, p);
        }
        let account = record
            .account_id()
            .and_then(|id| index.get(id))
            .and_then(|&i| accounts.get(i));
        match account {
            Some(account) => {
                let code = account.customer.customer_type().code() as usize;
                if let Some(slot) = by_type.get_mut(code) {
                    slot.add_deal(amount, p);
                }
            }
            None => no_account.add_deal(amount, p),
        }
        match record.expected_close {
            Some(close) => by_month
                .entry(YearMonth::of(close))
                .or_default()
                .add_deal(amount, p),
            None => no_close_date.add_deal(amount, p),
        }
    }
    let grades = Grade::ALL.iter().map(|&g| Some(g)).chain([None]);
    Pipeline {
        total,
        by_stage,
        by_grade: grades.zip(by_grade).collect(),
        by_customer_type: CustomerType::ALL.iter().copied().zip(by_type).collect(),
        no_account,
        by_close_month: by_month.into_iter().collect(),
        no_close_date,
        closed: Outcome::ALL.iter().copied().zip(closed).collect(),
        nurture,
    }
}

/// How deals flowed through one stage, read from the journals: every deal
/// that entered it either advanced, ended in it, or is still in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StageFlow {
    /// Deals that entered the stage (every deal enters development).
    pub entered: usize,
    /// Deals that moved on to the next stage (forced moves included).
    pub advanced: usize,
    /// Of those, the moves that were forced.
    pub forced: usize,
    /// Deals won in this stage.
    pub won: usize,
    /// Deals lost in this stage.
    pub lost: usize,
    /// Deals withdrawn in this stage.
    pub withdrawn: usize,
    /// Deals still open in this stage.
    pub open: usize,
}

impl StageFlow {
    /// The share of decided deals that went on (advanced or won), among
    /// those that advanced or ended here; `None` when none has.
    pub fn conversion(&self) -> Option<f64> {
        let decided = self.advanced + self.won + self.lost + self.withdrawn;
        (decided > 0).then(|| (self.advanced + self.won) as f64 / decided as f64)
    }
}

/// Stage-to-stage flow of every deal in `portfolio`, from its journal.
pub fn stage_flows(portfolio: &Portfolio) -> PerStage<StageFlow> {
    let mut flows = PerStage::<StageFlow>::default();
    for record in portfolio.opportunities() {
        let mut stage = Stage::FIRST;
        flows.get_mut(stage).entered += 1;
        let mut closed = false;
        for entry in record.process.journal() {
            let flow = flows.get_mut(stage);
            match entry.event {
                KeyAccountEvent::Advanced | KeyAccountEvent::ForcedAdvance { .. } => {
                    flow.advanced += 1;
                    if matches!(entry.event, KeyAccountEvent::ForcedAdvance { .. }) {
                        flow.forced += 1;
                    }
                    stage = stage.next().unwrap_or(stage);
                    flows.get_mut(stage).entered += 1;
                }
                KeyAccountEvent::StageReported { stage: to, .. } if to > stage => {
                    // The CRM says the deal went through every stage between.
                    for passed in stage.through(to).filter(|&s| s < to) {
                        flows.get_mut(passed).advanced += 1;
                        if passed > stage {
                            flows.get_mut(passed).entered += 1;
                        }
                    }
                    stage = to;
                    flows.get_mut(stage).entered += 1;
                }
                KeyAccountEvent::Booked { .. } => {
                    flow.won += 1;
                    closed = true;
                    // Delivery after the booking is not part of the sale.
                    break;
                }
                KeyAccountEvent::Lost { .. } => {
                    flow.lost += 1;
                    closed = true;
                }
                KeyAccountEvent::Withdrawn { .. } => {
                    flow.withdrawn += 1;
                    closed = true;
                }
                _ => {}
            }
        }
        if !closed {
            flows.get_mut(stage).open += 1;
        }
    }
    flows
}

/// How long deals stayed in one stage, in days.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct StageDurations {
    /// Stays that ended (the deal moved on or closed in the stage).
    pub completed: usize,
    /// Mean length of the ended stays.
    pub mean_days: Option<f64>,
    /// Median length of the ended stays.
    pub median_days: Option<f64>,
    /// Longest ended stay.
    pub max_days: Option<f64>,
    /// Deals still in the stage.
    pub ongoing: usize,
    /// Mean time the open deals have spent in it so far.
    pub ongoing_mean_days: Option<f64>,
}

fn days(delta: TimeDelta) -> f64 {
    delta.num_seconds() as f64 / 86_400.0
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => values.get(n / 2).copied(),
        _ => Some((values.get(n / 2 - 1)? + values.get(n / 2)?) / 2.0),
    }
}

/// Time spent in each stage, from the journals, as of the portfolio's date.
pub fn stage_durations(portfolio: &Portfolio) -> PerStage<StageDurations> {
    let mut ended = PerStage::<Vec<f64>>::default();
    let mut ongoing = PerStage::<Vec<f64>>::default();
    // Only the dates the CRM gave count: a deal of unknown timeline is left
    // out.
    for record in portfolio
        .opportunities()
        .iter()
        .filter(|r| !r.timeline_unknown)
    {
        let state = record.process.state();
        let times = record.process.time_in_stages(portfolio.as_of());
        for stage in Stage::FIRST.through(state.stage()) {
            let spent = days(*times.get(stage));
            if stage < state.stage() || !state.is_open() {
                ended.get_mut(stage).push(spent);
            } else {
                ongoing.get_mut(stage).push(spent);
            }
        }
    }
    PerStage::from_fn(|stage| {
        let mut done = std::mem::take(ended.get_mut(stage));
        let open = ongoing.get(stage);
        StageDurations {
            completed: done.len(),
            mean_days: mean(&done),
            max_days: done.iter().copied().reduce(f64::max),
            median_days: median(&mut done),
            ongoing: open.len(),
            ongoing_mean_days: mean(open),
        }
    })
}

/// An open deal with no event for longer than its stage allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StalledDeal {
    /// The deal's position in the portfolio's opportunities.
    pub index: usize,
    /// The deal's id.
    pub id: CompactString,
    /// Its stage.
    pub stage: Stage,
    /// Its last event (its opening if it has none).
    pub last_event_at: DateTime<Utc>,
    /// Whole days since then, as of the portfolio's date.
    pub days_silent: i64,
    /// The limit for its stage.
    pub limit_days: u32,
}

/// Open deals silent for longer than their stage's limit, the most overdue
/// (days past the limit) first.
pub fn stalled(portfolio: &Portfolio) -> Vec<StalledDeal> {
    let limits = &portfolio.definitions().analytics.stalled_after_days;
    let mut deals: Vec<StalledDeal> = portfolio
        .opportunities()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.process.state().is_open() && !r.timeline_unknown)
        .filter_map(|(index, record)| {
            let stage = record.process.state().stage();
            let last = record.last_activity();
            let days_silent = (portfolio.as_of() - last).num_days();
            let limit_days = *limits.get(stage);
            (days_silent > i64::from(limit_days)).then(|| StalledDeal {
                index,
                id: record.id.clone(),
                stage,
                last_event_at: last,
                days_silent,
                limit_days,
            })
        })
        .collect();
    deals.sort_by(|a, b| {
        let over = |d: &StalledDeal| d.days_silent - i64::from(d.limit_days);
        over(b).cmp(&over(a)).then_with(|| a.id.cmp(&b.id))
    });
    deals
}

/// How many accounts moved from one type to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementCount {
    /// The type before.
    pub from: CustomerType,
    /// The type after.
    pub to: CustomerType,
    /// How many movements.
    pub count: usize,
}

/// The customer quadrant: accounts per type now, and the movements between
/// types in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quadrant {
    /// Accounts per current type, in type order.
    pub counts: Vec<(CustomerType, usize)>,
    /// First day of the period (inclusive).
    pub from: DateTime<Utc>,
    /// Last moment of the period (inclusive).
    pub to: DateTime<Utc>,
    /// Movements in the period per (from, to) pair, most frequent first.
    pub movements: Vec<MovementCount>,
    /// Per type, accounts gained minus accounts lost in the period.
    pub net: Vec<(CustomerType, i64)>,
}

/// The quadrant of `portfolio`, with the movements dated in `[from, to]`.
pub fn quadrant(portfolio: &Portfolio, from: DateTime<Utc>, to: DateTime<Utc>) -> Quadrant {
    let mut counts = [0usize; 4];
    let mut pairs: BTreeMap<(CustomerType, CustomerType), usize> = BTreeMap::new();
    let mut net = [0i64; 4];
    for account in portfolio.accounts() {
        let customer = &account.customer;
        if let Some(c) = counts.get_mut(customer.customer_type().code() as usize) {
            *c += 1;
        }
        for movement in customer.history() {
            if movement.at < from || movement.at > to {
                continue;
            }
            *pairs.entry((movement.from, movement.to)).or_default() += 1;
            if let Some(n) = net.get_mut(movement.from.code() as usize) {
                *n -= 1;
            }
            if let Some(n) = net.get_mut(movement.to.code() as usize) {
                *n += 1;
            }
        }
    }
    let mut movements: Vec<MovementCount> = pairs
        .into_iter()
        .map(|((from, to), count)| MovementCount { from, to, count })
        .collect();
    movements.sort_by_key(|m| std::cmp::Reverse(m.count));
    Quadrant {
        counts: CustomerType::ALL.iter().copied().zip(counts).collect(),
        from,
        to,
        movements,
        net: CustomerType::ALL.iter().copied().zip(net).collect(),
    }
}

/// Differentiation actions in progress across the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionsInProgress {
    /// Actions in progress, with how many accounts run each; most common
    /// first, then in action order.
    pub by_action: Vec<(Action, usize)>,
    /// Accounts with at least one action in progress.
    pub accounts: usize,
    /// Actions in progress in all.
    pub total: usize,
}

/// The differentiation actions in progress in `portfolio`.
pub fn actions_in_progress(portfolio: &Portfolio) -> ActionsInProgress {
    let mut per_action: BTreeMap<Action, usize> = BTreeMap::new();
    let mut accounts = 0;
    let mut total = 0;
    for account in portfolio.accounts() {
        let running = account
            .actions
            .records()
            .iter()
            .filter(|r| r.status == ActionStatus::InProgress);
        let mut any = false;
        for record in running {
            *per_action.entry(record.action).or_default() += 1;
            total += 1;
            any = true;
        }
        accounts += usize::from(any);
    }
    let mut by_action: Vec<(Action, usize)> = per_action.into_iter().collect();
    by_action.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ActionsInProgress {
        by_action,
        accounts,
        total,
    }
}

/// The calibration of one stage's win probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StageCalibration {
    /// The stage.
    pub stage: Stage,
    /// Closed deals (won or lost) that reached the stage.
    pub reached: usize,
    /// Of those, the deals won.
    pub won: usize,
    /// The observed win rate, `won / reached`, when any deal reached it.
    pub observed: Option<f64>,
    /// The current definition's base probability: the prior.
    pub prior: f64,
    /// Observed and prior blended: `(won + k x prior) / (reached + k)`.
    pub smoothed: f64,
    /// The smoothed rate after pooling with neighbours so that no later
    /// stage is less likely than an earlier one.
    pub fitted: f64,
}

/// The calibration of one grade's win-probability factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradeCalibration {
    /// The grade.
    pub grade: Grade,
    /// Closed deals (won or lost) with this grade.
    pub closed: usize,
    /// Of those, the deals won.
    pub won: usize,
    /// The observed win rate, when any deal of this grade closed.
    pub observed: Option<f64>,
    /// Observed blended with the overall rate:
    /// `(won + k x overall) / (closed + k)`.
    pub smoothed: f64,
    /// The factor before: the current definition's (1 when it has none).
    pub prior: f64,
    /// `smoothed / overall` (at most 10): how much more or less often this
    /// grade wins than the average deal; the prior when none closed.
    pub factor: f64,
}

/// The calibration of the factor for closed deals with no grade: those
/// whose evaluation failed, or those never graded.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BucketCalibration {
    /// Closed deals (won or lost) in the bucket.
    pub closed: usize,
    /// Of those, the deals won.
    pub won: usize,
    /// The observed win rate, when any deal closed.
    pub observed: Option<f64>,
    /// Observed blended with the prior, as for a grade.
    pub smoothed: f64,
    /// The factor before (the current definition's).
    pub prior: f64,
    /// `smoothed / overall` (at most 10); the prior when none closed.
    pub factor: f64,
}

/// Win probabilities fitted from the closed deals of a portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The prior strength `k` used.
    pub prior_strength: f64,
    /// Closed deals used (won or lost).
    pub closed: usize,
    /// Of those, the deals won.
    pub won: usize,
    /// Withdrawn deals, left out: withdrawing is our choice, not a loss.
    pub withdrawn_excluded: usize,
    /// One entry per stage, in stage order.
    pub stages: Vec<StageCalibration>,
    /// One entry per grade, A to D (empty when no closed deal was graded).
    pub grades: Vec<GradeCalibration>,
    /// Closed deals whose evaluation failed (their grading inputs fail
    /// the portfolio's grading); `None` when no closed deal was graded.
    #[serde(default)]
    pub failed: Option<BucketCalibration>,
    /// Closed deals never graded and not failed; `None` when no closed
    /// deal was graded.
    #[serde(default)]
    pub ungraded: Option<BucketCalibration>,
}

/// Fits stage probabilities and grade factors from the won and lost deals
/// of `portfolio`, blended with its current definition.
pub fn calibrate(portfolio: &Portfolio) -> Calibration {
    let definition = &portfolio.definitions().process;
    let k = portfolio.definitions().analytics.prior_strength;
    let mut reached = [0usize; 6];
    let mut won_at = [0usize; 6];
    // Grades A-D, then failed, then never graded.
    let mut grade_closed = [0usize; 6];
    let mut grade_won = [0usize; 6];
    let mut any_graded = false;
    let grader = portfolio.grader().ok();
    let (mut closed, mut won, mut withdrawn) = (0usize, 0usize, 0usize);
    for record in portfolio.opportunities() {
        let state = record.process.state();
        let Some(closure) = state.closure() else {
            continue;
        };
        let is_won = match closure.outcome {
            Outcome::Won => true,
            Outcome::Lost => false,
            Outcome::Withdrawn => {
                withdrawn += 1;
                continue;
            }
        };
        closed += 1;
        won += usize::from(is_won);
        for stage in Stage::FIRST.through(closure.stage) {
            let i = stage.code() as usize;
            if let (Some(r), Some(w)) = (reached.get_mut(i), won_at.get_mut(i)) {
                *r += 1;
                *w += usize::from(is_won);
            }
        }
        let bucket = match state.grade() {
            Some(grade) => {
                any_graded = true;
                grade.code() as usize
            }
            None if failed_evaluation(record, grader.as_ref()) => FAILED,
            None => UNGRADED,
        };
        if let (Some(c), Some(w)) = (grade_closed.get_mut(bucket), grade_won.get_mut(bucket)) {
            *c += 1;
            *w += usize::from(is_won);
        }
    }

    let mut stages: Vec<StageCalibration> = Stage::ALL
        .iter()
        .zip(reached.iter().zip(won_at))
        .map(|(&stage, (&n, w))| {
            let prior = definition.base_probability(stage);
            StageCalibration {
                stage,
                reached: n,
                won: w,
                observed: (n > 0).then(|| w as f64 / n as f64),
                prior,
                smoothed: smooth(w, n, prior, k),
                fitted: 0.0,
            }
        })
        .collect();
    let pooled = pool_adjacent_violators(
        &stages
            .iter()
            .map(|s| (s.smoothed, s.reached as f64 + k))
            .collect::<Vec<_>>(),
    );
    for (stage, fitted) in stages.iter_mut().zip(pooled) {
        stage.fitted = fitted;
    }

    let overall = if closed > 0 {
        won as f64 / closed as f64
    } else {
        0.0
    };
    let current = definition.grade_factors.as_ref();
    let bucket = |i: usize, prior: f64| {
        let (n, w) = (grade_closed[i], grade_won[i]);
        let smoothed = smooth(w, n, (overall * prior).min(1.0), k);
        let factor = if n > 0 && overall > 0.0 {
            (smoothed / overall).min(GRADE_FACTOR_MAX)
        } else {
            prior
        };
        BucketCalibration {
            closed: n,
            won: w,
            observed: (n > 0).then(|| w as f64 / n as f64),
            smoothed,
            prior,
            factor,
        }
    };
    let (grades, failed, ungraded) = if any_graded {
        let grades = Grade::ALL
            .iter()
            .map(|&grade| {
                let prior = current.map_or(1.0, |f| f.get(grade));
                let b = bucket(grade.code() as usize, prior);
                GradeCalibration {
                    grade,
                    closed: b.closed,
                    won: b.won,
                    observed: b.observed,
                    smoothed: b.smoothed,
                    prior,
                    factor: b.factor,
                }
            })
            .collect();
        let failed = bucket(FAILED, current.map_or(1.0, |f| f.without_grade(true)));
        let ungraded = bucket(UNGRADED, current.map_or(1.0, |f| f.without_grade(false)));
        (grades, Some(failed), Some(ungraded))
    } else {
        (Vec::new(), None, None)
    };

    Calibration {
        prior_strength: k,
        closed,
        won,
        withdrawn_excluded: withdrawn,
        stages,
        grades,
        failed,
        ungraded,
    }
}

/// Calibration buckets after the grades A-D.
const FAILED: usize = 4;
const UNGRADED: usize = 5;

/// Whether a deal with no grade has grading inputs that fail evaluation.
fn failed_evaluation(record: &OpportunityRecord, grader: Option<&Grader>) -> bool {
    match (record.grading.as_deref(), grader) {
        (Some(inputs), Some(grader)) => grader
            .evaluate(&inputs.ratings)
            .is_ok_and(|e| matches!(e.verdict, Verdict::LowerContactLevel | Verdict::GiveUp)),
        _ => false,
    }
}

/// `(won + k x prior) / (n + k)`; the prior alone when there is nothing to
/// blend.
fn smooth(won: usize, n: usize, prior: f64, k: f64) -> f64 {
    let denominator = n as f64 + k;
    if denominator > 0.0 {
        ((won as f64 + k * prior) / denominator).clamp(0.0, 1.0)
    } else {
        prior
    }
}

/// Weighted isotonic regression: the non-decreasing sequence closest to
/// `values` (each `(value, weight)`), made by pooling neighbours that break
/// the order into their weighted mean.
fn pool_adjacent_violators(values: &[(f64, f64)]) -> Vec<f64> {
    // Each block: (weighted mean, total weight, number of values pooled).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(values.len());
    for &(value, weight) in values {
        let mut block = (value, weight.max(f64::MIN_POSITIVE), 1usize);
        while let Some(&last) = blocks.last() {
            if last.0 <= block.0 {
                break;
            }
            blocks.pop();
            let weight = last.1 + block.1;
            block = (
                (last.0 * last.1 + block.0 * block.1) / weight,
                weight,
                last.2 + block.2,
            );
        }
        blocks.push(block);
    }
    blocks
        .into_iter()
        .flat_map(|(mean, _, n)| std::iter::repeat(mean).take(n))
        .collect()
}

impl Calibration {
    /// `base` with the fitted stage probabilities, and the fitted grade
    /// factors when any closed deal was graded. Valid whenever `base` is.
    pub fn definition(&self, base: &ProcessDefinition) -> ProcessDefinition {
        let mut fitted = base.clone();
        for stage in &self.stages {
            fitted.stages.get_mut(stage.stage).base_probability = stage.fitted;
        }
        if let [a, b, c, d] = self.grades.as_slice() {
            let base = base.grade_factors.as_ref();
            // A bucket with no closed deal keeps what the base said.
            let own = |bucket: Option<BucketCalibration>, before: Option<f64>| match bucket {
                Some(b) if b.closed > 0 => Some(b.factor),
                _ => before,
            };
            fitted.grade_factors = Some(GradeFactors {
                a: a.factor,
                b: b.factor,
                c: c.factor,
                d: d.factor,
                failed: own(self.failed, base.and_then(|f| f.failed)),
                ungraded: own(self.ungraded, base.and_then(|f| f.ungraded)),
            });
        }
        fitted
    }
}

/// Open deals ranked by weighted amount (amount x win probability), largest
/// first, then the deals of unknown amount by win probability, ties by id;
/// at most `n` positions in the portfolio's opportunities.
pub fn top_deals(portfolio: &Portfolio, n: usize) -> Vec<usize> {
    top_deals_with(portfolio, &portfolio.definitions().process, n)
}

/// [`top_deals`] weighted under another process definition.
pub fn top_deals_with(
    portfolio: &Portfolio,
    definition: &ProcessDefinition,
    n: usize,
) -> Vec<usize> {
    let mut open: Vec<(usize, bool, f64, &OpportunityRecord)> = portfolio
        .opportunities()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.process.state().is_open())
        .map(|(i, r)| {
            let p = win_probability_value(r.process.state(), definition);
            match r.amount_minor {
                Some(amount) => (i, true, amount as f64 * p, r),
                None => (i, false, p, r),
            }
        })
        .collect();
    open.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then_with(|| a.3.id.cmp(&b.3.id))
    });
    open.into_iter().take(n).map(|(i, ..)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooling_keeps_ordered_values_and_merges_violators() {
        assert_eq!(
            pool_adjacent_violators(&[(0.1, 1.0), (0.2, 1.0), (0.3, 1.0)]),
            [0.1, 0.2, 0.3]
        );
        // 0.5 then 0.3 with equal weight pool to 0.4.
        let pooled = pool_adjacent_violators(&[(0.1, 1.0), (0.5, 1.0), (0.3, 1.0)]);
        assert_eq!(pooled.len(), 3);
        assert!((pooled[1] - 0.4).abs() < 1e-12 && pooled[1] == pooled[2]);
        // Weights pull the pooled value toward the heavier side.
        let pooled = pool_adjacent_violators(&[(0.6, 3.0), (0.2, 1.0)]);
        assert!((pooled[0] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn smoothing_blends_observation_and_prior() {
        assert_eq!(smooth(0, 0, 0.4, 10.0), 0.4);
        assert!((smooth(10, 10, 0.0, 10.0) - 0.5).abs() < 1e-12);
        assert_eq!(smooth(3, 4, 0.9, 0.0), 0.75);
        assert_eq!(smooth(0, 0, 0.4, 0.0), 0.4);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn bad_analytics_configs_name_the_field() {
        let e = AnalyticsConfig::from_json(
            r#"{"stalled_after_days": {"development": 0, "sales_entry": 1, "proposal": 1, "bidding": 1, "business_negotiation": 1, "project_implementation": 1}}"#,
        )
        .unwrap_err();
        assert!(
            matches!(e, ConfigError::Invalid { ref field, .. } if field == "stalled_after_days.development"),
            "{e}"
        );
        let e = AnalyticsConfig::from_json(r#"{"prior_strength": -1}"#).unwrap_err();
        assert!(matches!(e, ConfigError::Invalid { ref field, .. } if field == "prior_strength"));
    }
}
