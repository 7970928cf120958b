//! The text report of a portfolio: the customer quadrant, the pipeline by
//! stage, grade and customer type, the forecast by close month, closed and
//! nurtured deals, the lifecycle (see [`lifecycle`](super::lifecycle): the
//! forecast by month per forecast category, bookings and delivery,
//! win/loss by reason, stage, customer type and grade, slipped deals and
//! amount changes), conversion and time in stage, stalled deals, the
//! diagnosis and next actions of the top deals with their grade's policy
//! and their probability trend, the calibration from closed deals, the
//! recommended differentiation plan of each account, and the technical-sale
//! cycles (see [`cycles`](super::cycles)).
//!
//! Everything is computed as of the portfolio's date, so the same document
//! always gives the same report. Every weighted figure says which win
//! probabilities weigh it (the current definition's, or those calibrated
//! from the closed deals, chosen by [`ReportOptions::weights`]), and long
//! lists stop after [`ReportOptions::list_limit`] entries with the count of
//! the rest.

use std::fmt::Write;

use chrono::{DateTime, TimeDelta, Utc};

use super::analytics::{
    actions_in_progress, calibrate, pipeline, pipeline_with, quadrant, stage_durations,
    stage_flows, stalled, top_deals_with, Amounts, Calibration, Pipeline, YearMonth,
};
use super::document::Portfolio;
use super::lifecycle::{amount_changes, probability_trend, AmountChange};
use crate::customer::CustomerType;
use crate::differentiation::{Plan, PlanInput};
use crate::key_account::{diagnose, win_probability, ProcessDefinition, Stage};
use crate::labels::{Labelled, Language};

/// What the report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOptions {
    /// How many top deals get their diagnosis and next actions.
    pub top_deals: usize,
    /// How many next actions to show per top deal.
    pub next_actions: usize,
    /// How many recommended actions to show per account.
    pub plan_actions: usize,
    /// How far back, in days before the as-of date, type movements count.
    pub movement_days: i64,
    /// How many entries long lists (stalled deals, accounts whose plan
    /// differs from their type's usual one) show before "and N more".
    pub list_limit: usize,
    /// Which win probabilities weigh the pipeline, forecast and top deals.
    pub weights: Weights,
}

/// Which win probabilities weigh the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weights {
    /// The portfolio's own process definition.
    #[default]
    Current,
    /// The definition calibrated from the portfolio's closed deals
    /// ([`Calibration::definition`]): fitted stage probabilities, and
    /// fitted grade factors when closed deals were graded.
    Calibrated,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            top_deals: 5,
            next_actions: 3,
            plan_actions: 3,
            movement_days: 182,
            list_limit: 20,
            weights: Weights::Current,
        }
    }
}

/// The figures both reports are made of, computed once.
pub(crate) struct Figures {
    /// The calibration from the closed deals.
    pub calibration: Calibration,
    /// The calibrated process definition.
    pub calibrated_definition: ProcessDefinition,
    /// The pipeline under the current definition.
    pub current: Pipeline,
    /// The pipeline under the calibrated definition.
    pub calibrated: Pipeline,
    /// Which of the two weighs the report.
    pub weights: Weights,
}

impl Figures {
    pub(crate) fn of(portfolio: &Portfolio, weights: Weights) -> Self {
        let calibration = calibrate(portfolio);
        let calibrated_definition = calibration.definition(&portfolio.definitions().process);
        Figures {
            current: pipeline(portfolio),
            calibrated: pipeline_with(portfolio, &calibrated_definition),
            calibration,
            calibrated_definition,
            weights,
        }
    }

    /// The pipeline the report is weighted with.
    pub(crate) fn pipeline(&self) -> &Pipeline {
        match self.weights {
            Weights::Current => &self.current,
            Weights::Calibrated => &self.calibrated,
        }
    }

    /// The definition the report is weighted with.
    pub(crate) fn definition<'a>(&'a self, portfolio: &'a Portfolio) -> &'a ProcessDefinition {
        match self.weights {
            Weights::Current => &portfolio.definitions().process,
            Weights::Calibrated => &self.calibrated_definition,
        }
    }

    /// One sentence saying what the weighted amounts are weighted with.
    pub(crate) fn weights_note(&self, portfolio: &Portfolio, language: Language) -> String {
        let grade_factors = self.definition(portfolio).grade_factors.is_some();
        match (self.weights, language) {
            (Weights::Current, Language::English) => format!(
                "weighted = amount x win probability of the current definition (stage base, \
                 less the penalty for forced key nodes{}); calibrated from {} closed deals shown beside it",
                if grade_factors {
                    ", times the grade factor"
                } else {
                    "; no grade factors are set, so grades do not change it"
                },
                self.calibration.closed
            ),
            (Weights::Calibrated, Language::English) => format!(
                "weighted = amount x win probability calibrated from {} closed deals (fitted stage rates{})",
                self.calibration.closed,
                if grade_factors {
                    " times the fitted grade factor"
                } else {
                    "; no graded deal closed, so grades do not change it"
                }
            ),
            (Weights::Current, Language::Chinese) => format!(
                "加权 = 金额 x 现行定义的赢单概率（阶段基准，扣除强行推进关键节点的惩罚{}）；旁列为按 {} 个已结束商机校准的数值",
                if grade_factors {
                    "，乘以等级系数"
                } else {
                    "；未设等级系数，等级不影响概率"
                },
                self.calibration.closed
            ),
            (Weights::Calibrated, Language::Chinese) => format!(
                "加权 = 金额 x 按 {} 个已结束商机校准的赢单概率（拟合的阶段概率{}）",
                self.calibration.closed,
                if grade_factors {
                    "乘以拟合的等级系数"
                } else {
                    "；没有已分级的商机结束，等级不影响概率"
                }
            ),
        }
    }
}

/// `n` more entries than shown, as a line, when any.
fn and_more(
    out: &mut String,
    indent: &str,
    total: usize,
    shown: usize,
    what: &str,
) -> std::fmt::Result {
    if total > shown {
        writeln!(out, "{indent}and {} more {what}", total - shown)?;
    }
    Ok(())
}

/// The report of `portfolio`, in English.
pub fn render(portfolio: &Portfolio, options: &ReportOptions) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut out, portfolio, options);
    let mut trimmed = String::with_capacity(out.len());
    for line in out.lines() {
        trimmed.push_str(line.trim_end());
        trimmed.push('\n');
    }
    trimmed
}

/// Whole major units with thousands separators (`1,250,000`), from minor
/// units, rounded half up.
pub(crate) fn money(portfolio: &Portfolio, minor: f64) -> String {
    let scale = 10f64.powi(i32::from(portfolio.minor_digits()));
    let units = (minor / scale).round();
    let digits = if units.is_finite() && units >= 0.0 {
        format!("{units:.0}")
    } else {
        "0".to_owned()
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

/// The start of the movement period: `days` before `as_of`, or the
/// earliest time chrono represents when the period reaches past it (a
/// period of any length is then "every movement so far").
fn movements_since(as_of: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    TimeDelta::try_days(days.max(0))
        .and_then(|period| as_of.checked_sub_signed(period))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

fn optional_days(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |d| format!("{d:.0}"))
}

fn amounts_row(
    out: &mut String,
    portfolio: &Portfolio,
    label: &str,
    amounts: &Amounts,
) -> std::fmt::Result {
    write!(
        out,
        "  {label:<28} {:>6} {:>15} {:>15}",
        amounts.count,
        money(portfolio, amounts.amount_minor as f64),
        money(portfolio, amounts.weighted_minor)
    )?;
    if amounts.unknown_amount > 0 {
        // Counted above, never summed.
        write!(out, "  ({} of unknown amount)", amounts.unknown_amount)?;
    }
    writeln!(out)
}

fn amounts_header(out: &mut String, first: &str, currency: &str) -> std::fmt::Result {
    writeln!(
        out,
        "  {first:<28} {:>6} {:>15} {:>15}",
        "deals",
        format!("amount {currency}"),
        "weighted"
    )
}

fn write_report(
    out: &mut String,
    portfolio: &Portfolio,
    options: &ReportOptions,
) -> std::fmt::Result {
    let as_of = portfolio.as_of();
    let currency = portfolio.currency();
    let figures = Figures::of(portfolio, options.weights);
    let pipe = figures.pipeline();
    let definition = figures.definition(portfolio);
    let closed_count: usize = pipe.closed.iter().map(|(_, a)| a.count).sum();

    writeln!(out, "PORTFOLIO REPORT: {}", portfolio.name())?;
    writeln!(
        out,
        "as of {}; amounts in {currency}; {} accounts, {} opportunities ({} open, {} closed)",
        day(as_of),
        portfolio.accounts().len(),
        portfolio.opportunities().len(),
        pipe.total.count,
        closed_count
    )?;

    // The quadrant.
    let from = movements_since(as_of, options.movement_days);
    let q = quadrant(portfolio, from, as_of);
    let count = |t: CustomerType| {
        q.counts
            .iter()
            .find(|(ty, _)| *ty == t)
            .map_or(0, |(_, n)| *n)
    };
    writeln!(
        out,
        "\n== Customer quadrant (supplier assistance x customer loyalty)"
    )?;
    writeln!(
        out,
        "  {:<18} {:<34} {:<34}",
        "", "low loyalty", "high loyalty"
    )?;
    for (label, low, high) in [
        (
            "high assistance",
            CustomerType::Opportunity,
            CustomerType::Strategic,
        ),
        (
            "low assistance",
            CustomerType::MarketTaker,
            CustomerType::Loyal,
        ),
    ] {
        writeln!(
            out,
            "  {label:<18} {:<29}{:>5} {:<29}{:>5}",
            low.label_en(),
            count(low),
            high.label_en(),
            count(high)
        )?;
    }
    writeln!(
        out,
        "  movements {} .. {}: {}",
        day(from),
        day(as_of),
        if q.movements.is_empty() { "none" } else { "" }
    )?;
    for m in &q.movements {
        writeln!(
            out,
            "    {:<28} -> {:<28} {:>3}",
            m.from.label_en(),
            m.to.label_en(),
            m.count
        )?;
    }
    let net: Vec<String> = q
        .net
        .iter()
        .filter(|(_, n)| *n != 0)
        .map(|(t, n)| format!("{} {n:+}", t.label_en()))
        .collect();
    if !net.is_empty() {
        writeln!(out, "  net change: {}", net.join(", "))?;
    }
    let actions = actions_in_progress(portfolio);
    writeln!(
        out,
        "  differentiation actions in progress: {} on {} accounts",
        actions.total, actions.accounts
    )?;
    for (action, n) in &actions.by_action {
        writeln!(out, "    {:<52} {n:>3}", action.label_en())?;
    }

    // The pipeline.
    writeln!(out, "\n== Pipeline by stage (open deals)")?;
    writeln!(
        out,
        "  {}",
        figures.weights_note(portfolio, Language::English)
    )?;
    writeln!(
        out,
        "  {:<28} {:>6} {:>15} {:>17} {:>17}",
        "stage",
        "deals",
        format!("amount {currency}"),
        "weighted current",
        "weighted calibr."
    )?;
    let both = figures
        .current
        .by_stage
        .iter()
        .zip(figures.calibrated.by_stage.iter())
        .map(|((stage, now), (_, fitted))| (stage.label_en(), now, fitted))
        .chain([("total", &figures.current.total, &figures.calibrated.total)]);
    for (label, now, fitted) in both {
        write!(
            out,
            "  {label:<28} {:>6} {:>15} {:>17} {:>17}",
            now.count,
            money(portfolio, now.amount_minor as f64),
            money(portfolio, now.weighted_minor),
            money(portfolio, fitted.weighted_minor)
        )?;
        if now.unknown_amount > 0 {
            // Counted above, never summed.
            write!(out, "  ({} of unknown amount)", now.unknown_amount)?;
        }
        writeln!(out)?;
    }
    let chosen = match options.weights {
        Weights::Current => "current",
        Weights::Calibrated => "calibrated",
    };
    writeln!(
        out,
        "  the sections below are weighted with the {chosen} probabilities"
    )?;

    writeln!(out, "\n== Pipeline by grade")?;
    if definition.grade_factors.is_none() {
        writeln!(
            out,
            "  no grade factors in the definition: a deal's grade does not change its win probability"
        )?;
    }
    amounts_header(out, "grade", currency)?;
    for (grade, amounts) in &pipe.by_grade {
        let label = grade.map_or("not graded", |g| g.label_en());
        amounts_row(out, portfolio, label, amounts)?;
    }

    writeln!(out, "\n== Pipeline by customer type")?;
    amounts_header(out, "customer type", currency)?;
    for (ty, amounts) in &pipe.by_customer_type {
        amounts_row(out, portfolio, ty.label_en(), amounts)?;
    }
    if pipe.no_account.count > 0 {
        amounts_row(out, portfolio, "no account", &pipe.no_account)?;
    }

    writeln!(out, "\n== Forecast by expected close month (* overdue)")?;
    amounts_header(out, "month", currency)?;
    let this_month = YearMonth::of(as_of.date_naive());
    for (month, amounts) in &pipe.by_close_month {
        let label = if *month < this_month {
            format!("{month} *")
        } else {
            month.to_string()
        };
        amounts_row(out, portfolio, &label, amounts)?;
    }
    if pipe.no_close_date.count > 0 {
        let unknown = &pipe.no_close_date;
        write!(
            out,
            "  not in the forecast: {} open deals with no expected close date, {} {currency} ({} weighted)",
            unknown.count,
            money(portfolio, unknown.amount_minor as f64),
            money(portfolio, unknown.weighted_minor)
        )?;
        if unknown.unknown_amount > 0 {
            write!(
                out,
                ", {} of them of unknown amount",
                unknown.unknown_amount
            )?;
        }
        writeln!(out)?;
    }

    writeln!(out, "\n== Closed deals")?;
    amounts_header(out, "outcome", currency)?;
    for (outcome, amounts) in &pipe.closed {
        amounts_row(out, portfolio, outcome.label_en(), amounts)?;
    }
    amounts_row(out, portfolio, "In nurture (not closed)", &pipe.nurture)?;
    write_lifecycle(out, portfolio, currency, options.list_limit)?;

    // Flow and time.
    let flows = stage_flows(portfolio);
    let durations = stage_durations(portfolio);
    writeln!(out, "\n== Conversion and time in stage (from the journals)")?;
    writeln!(
        out,
        "  conversion = (advanced + won) / deals decided here (advanced, won, lost or withdrawn; open ones wait);\n  days to leave = mean days the deals that left the stage spent in it;"
    )?;
    writeln!(
        out,
        "  days so far = mean days the open deals in it have spent there until the as-of date"
    )?;
    writeln!(
        out,
        "  {:<24} {:>7} {:>9} {:>6} {:>4} {:>5} {:>9} {:>5} {:>10} {:>13} {:>11}",
        "stage",
        "entered",
        "advanced",
        "forced",
        "won",
        "lost",
        "withdrawn",
        "open",
        "conversion",
        "days to leave",
        "days so far"
    )?;
    for (stage, flow) in flows.iter() {
        let d = durations.get(stage);
        writeln!(
            out,
            "  {:<24} {:>7} {:>9} {:>6} {:>4} {:>5} {:>9} {:>5} {:>10} {:>13} {:>11}",
            stage.label_en(),
            flow.entered,
            flow.advanced,
            flow.forced,
            flow.won,
            flow.lost,
            flow.withdrawn,
            flow.open,
            flow.conversion().map_or_else(|| "-".to_owned(), percent),
            optional_days(d.mean_days),
            optional_days(d.ongoing_mean_days)
        )?;
    }
    let undated = portfolio
        .opportunities()
        .iter()
        .filter(|r| r.timeline_unknown)
        .count();
    if undated > 0 {
        writeln!(
            out,
            "  time in stage and stalled deals leave out {undated} deals whose CRM gave no opening or stage date"
        )?;
    }

    // Stalled deals.
    let stalled = stalled(portfolio);
    writeln!(
        out,
        "\n== Stalled deals: {} open deals with no event for longer than their stage allows",
        stalled.len()
    )?;
    for deal in stalled.iter().take(options.list_limit) {
        let Some(record) = portfolio.opportunities().get(deal.index) else {
            continue;
        };
        writeln!(
            out,
            "  {:<10} {:<10} {:<22} last event {}  silent {:>4} days (limit {})",
            deal.id,
            record.account_id().unwrap_or("-"),
            deal.stage.label_en(),
            day(deal.last_event_at),
            deal.days_silent,
            deal.limit_days
        )?;
    }
    and_more(
        out,
        "  ",
        stalled.len(),
        options.list_limit,
        "stalled deals",
    )?;

    // Top deals.
    let top = top_deals_with(portfolio, definition, options.top_deals);
    writeln!(
        out,
        "\n== Top {} open deals by weighted amount ({chosen} probabilities): diagnosis and next actions",
        top.len()
    )?;
    let index = portfolio.account_index();
    for (rank, &i) in top.iter().enumerate() {
        let Some(record) = portfolio.opportunities().get(i) else {
            continue;
        };
        let state = record.process.state();
        let account = match record.account_id() {
            Some(id) => {
                let name = index
                    .get(id)
                    .and_then(|&a| portfolio.accounts().get(a))
                    .map_or(id, |a| a.customer.name());
                format!("{name} ({id})")
            }
            None => "no account".to_owned(),
        };
        let amount = record.amount_minor.map_or_else(
            || "amount unknown".to_owned(),
            |a| format!("{} {currency}", money(portfolio, a as f64)),
        );
        let close = record
            .expected_close
            .map_or_else(|| "unknown".to_owned(), |d| d.to_string());
        let win = win_probability(state, definition);
        writeln!(
            out,
            "{}. {} \"{}\" for {account}, {amount}, closes {close}",
            rank + 1,
            record.id,
            record.name,
        )?;
        writeln!(
            out,
            "   stage {}, grade {}; {}",
            state.stage().label_en(),
            state.grade().map_or("none", |g| g.label_en()),
            win.explain(Language::English).replace('\n', "\n   ")
        )?;
        if let Some(p) = record.crm_probability {
            writeln!(out, "   the CRM's own probability: {}", percent(p))?;
        }
        if state.grade().is_some() && definition.grade_factors.is_none() {
            writeln!(
                out,
                "   (no grade factor applied: the definition sets none)"
            )?;
        }
        let diagnosis = diagnose(state, definition);
        writeln!(out, "   diagnosis: {}", diagnosis.verdict.label_en())?;
        if !diagnosis.reported_by_crm.is_empty() {
            let nodes: Vec<&str> = diagnosis
                .reported_by_crm
                .iter()
                .map(|n| n.label_en())
                .collect();
            writeln!(
                out,
                "   stage taken from the CRM: these nodes are not verified: {}",
                nodes.join(", ")
            )?;
        }
        if !diagnosis.missing_to_advance.is_empty() {
            let missing: Vec<&str> = diagnosis
                .missing_to_advance
                .iter()
                .map(|n| n.label_en())
                .collect();
            writeln!(out, "   to move on: {}", missing.join(", "))?;
        }
        // The grade's policy comes before any next action.
        if let Some(policy) = &diagnosis.policy {
            writeln!(out, "   policy: {}", policy.describe(Language::English))?;
        }
        for action in diagnosis.next_actions.iter().take(options.next_actions) {
            writeln!(
                out,
                "   next: {} ({})",
                action.item.label_en(),
                action.stage.label_en()
            )?;
        }
    }

    write_probability_trend(out, portfolio, &top)?;

    // Calibration.
    let calibration = &figures.calibration;
    writeln!(
        out,
        "\n== Calibration from {} closed deals ({} won; {} withdrawn left out; prior weight {} deals)",
        calibration.closed, calibration.won, calibration.withdrawn_excluded, calibration.prior_strength
    )?;
    writeln!(
        out,
        "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>7}",
        "stage", "reached", "won", "observed", "current", "fitted"
    )?;
    for s in &calibration.stages {
        writeln!(
            out,
            "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>7}",
            s.stage.label_en(),
            s.reached,
            s.won,
            s.observed.map_or_else(|| "-".to_owned(), percent),
            percent(s.prior),
            percent(s.fitted)
        )?;
    }
    writeln!(
        out,
        "  observed = won / reached; current = the definition's stage base; fitted = the two blended, never falling from stage to stage"
    )?;
    if !calibration.grades.is_empty() {
        writeln!(
            out,
            "  win factor = a grade's smoothed win rate / the overall win rate (above 1: it wins more often than average; a grade with no closed deal keeps its current factor); calibrated weights apply it"
        )?;
        writeln!(
            out,
            "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>10}",
            "grade", "closed", "won", "observed", "smoothed", "win factor"
        )?;
        for g in &calibration.grades {
            writeln!(
                out,
                "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>10.2}",
                g.grade.label_en(),
                g.closed,
                g.won,
                g.observed.map_or_else(|| "-".to_owned(), percent),
                percent(g.smoothed),
                g.factor
            )?;
        }
        let buckets = [
            ("evaluation failed", &calibration.failed),
            ("not graded", &calibration.ungraded),
        ];
        for (name, bucket) in buckets {
            if let Some(b) = bucket {
                writeln!(
                    out,
                    "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>10.2}",
                    name,
                    b.closed,
                    b.won,
                    b.observed.map_or_else(|| "-".to_owned(), percent),
                    percent(b.smoothed),
                    b.factor
                )?;
            }
        }
    }

    super::learned::write_text(out, &super::learned::learn_from(portfolio))?;

    // Plans, summarised by customer type.
    writeln!(
        out,
        "\n== Differentiation plans by customer type (first {} actions; every account's full plan is in the HTML report)",
        options.plan_actions
    )?;
    let plans = account_plans(portfolio);
    for ty in CustomerType::ALL {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, (account, plan)) in portfolio.accounts().iter().zip(&plans).enumerate() {
            if account.customer.customer_type() != *ty {
                continue;
            }
            let summary = plan_summary(plan, options.plan_actions);
            match groups.iter_mut().find(|(s, _)| *s == summary) {
                Some((_, members)) => members.push(i),
                None => groups.push((summary, vec![i])),
            }
        }
        let total: usize = groups.iter().map(|(_, m)| m.len()).sum();
        if total == 0 {
            continue;
        }
        // The usual plan: the one most accounts of the type share (the
        // first met on a tie).
        let usual = groups
            .iter()
            .enumerate()
            .max_by(|(i, a), (j, b)| a.1.len().cmp(&b.1.len()).then(j.cmp(i)))
            .map_or(0, |(i, _)| i);
        let (usual_plan, usual_members) = &groups[usual];
        writeln!(out, "{}: {total} accounts", ty.label_en())?;
        writeln!(
            out,
            "   usual plan ({} accounts): {usual_plan}",
            usual_members.len()
        )?;
        // The other plans, each with the accounts that share it.
        let mut others: Vec<&(String, Vec<usize>)> = groups
            .iter()
            .enumerate()
            .filter(|(g, _)| *g != usual)
            .map(|(_, group)| group)
            .collect();
        others.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
        for (plan, members) in others.iter().take(options.list_limit) {
            let ids: Vec<&str> = members
                .iter()
                .take(options.list_limit)
                .filter_map(|&i| portfolio.accounts().get(i))
                .map(|a| a.customer.id())
                .collect();
            let more = if members.len() > ids.len() {
                format!(" and {} more", members.len() - ids.len())
            } else {
                String::new()
            };
            writeln!(out, "   other plan for {}{more}: {plan}", ids.join(", "))?;
        }
        and_more(out, "   ", others.len(), options.list_limit, "other plans")?;
    }
    super::cycles::write_section(out, portfolio, options.list_limit)
}

/// The recommended differentiation plan of every account, in account
/// order, under the portfolio's planner.
pub fn account_plans(portfolio: &Portfolio) -> Vec<Plan> {
    let planner = &portfolio.definitions().planner;
    portfolio
        .accounts()
        .iter()
        .map(|account| {
            let customer = &account.customer;
            let in_progress = account.actions.in_progress();
            planner.plan(PlanInput {
                customer_type: customer.customer_type(),
                scores: customer.scores(),
                readiness: &customer.readiness,
                in_progress: &in_progress,
            })
        })
        .collect()
}

/// A plan in one line, its first `actions` recommendations in English.
pub(crate) fn plan_summary(plan: &Plan, actions: usize) -> String {
    match plan {
        Plan::Invest {
            recommendations, ..
        } if recommendations.is_empty() => "every recommended action is already in progress".into(),
        Plan::Invest {
            recommendations, ..
        } => {
            let shown: Vec<String> = recommendations
                .iter()
                .take(actions)
                .map(|r| {
                    format!(
                        "{} (+{:.0} {})",
                        r.action.label_en(),
                        r.expected_effect,
                        r.axis.key()
                    )
                })
                .collect();
            shown.join("; ")
        }
        Plan::NotWorthInvestingNow { assessment } => {
            let reasons: Vec<&str> = assessment
                .wait_reasons
                .iter()
                .map(|w| w.label_en())
                .collect();
            format!(
                "not worth investing now: {} of {} readiness criteria met{}",
                assessment.met.len(),
                assessment.met.len() + assessment.missing.len(),
                if reasons.is_empty() {
                    String::new()
                } else {
                    format!("; waits: {}", reasons.join(", "))
                }
            )
        }
    }
}

/// The stages in funnel order with their open-deal counts and amounts, for
/// charts.
pub(crate) fn funnel(portfolio: &Portfolio) -> Vec<(Stage, Amounts)> {
    let pipe = pipeline(portfolio);
    pipe.by_stage.iter().map(|(s, a)| (s, *a)).collect()
}

/// The lifecycle sections: forecast by month per category, bookings and
/// delivery, win/loss, slipped deals and amount changes.
fn write_lifecycle(
    out: &mut String,
    portfolio: &Portfolio,
    currency: &str,
    list_limit: usize,
) -> std::fmt::Result {
    use super::lifecycle::{bookings, forecast, slipped_deals, win_loss};
    use crate::key_account::ForecastCategory;

    let figures = forecast(portfolio);
    writeln!(
        out,
        "\n== Forecast by category (open deals by expected close month, booked deals by booking month; amounts in {currency})"
    )?;
    amounts_header(out, "category", currency)?;
    for (category, amounts) in &figures.by_category {
        amounts_row(out, portfolio, category.label_en(), amounts)?;
    }
    let mut header = format!("  {:<10}", "month");
    for category in ForecastCategory::ALL {
        header.push_str(&format!(" {:>14}", category.label_en()));
    }
    writeln!(out, "{header}")?;
    for (month, row) in &figures.by_month {
        let mut line = format!("  {:<10}", month.to_string());
        for amounts in row {
            line.push_str(&format!(
                " {:>14}",
                money(portfolio, amounts.amount_minor as f64)
            ));
        }
        writeln!(out, "{line}")?;
    }

    let booked = bookings(portfolio);
    writeln!(
        out,
        "\n== Bookings and delivery ({} booked deals, {} {currency}; win rate {} of ended deals)",
        booked.booked.count,
        money(portfolio, booked.booked.amount_minor as f64),
        booked
            .win_rate
            .map_or("unknown".to_owned(), |r| format!("{:.0}%", r * 100.0))
    )?;
    amounts_header(out, "delivery", currency)?;
    for (status, amounts) in &booked.delivery {
        amounts_row(out, portfolio, status.label_en(), amounts)?;
    }
    for (month, amounts) in &booked.by_month {
        writeln!(
            out,
            "  booked in {month}: {} deals, {} {currency}",
            amounts.count,
            money(portfolio, amounts.amount_minor as f64)
        )?;
    }

    let analysis = win_loss(portfolio);
    writeln!(
        out,
        "\n== Win/loss by reason (lost, withdrawn, delivery cancelled)"
    )?;
    let reasons = &portfolio.definitions().process.reasons;
    writeln!(
        out,
        "  {:<40} {:>5} {:>9} {:>9}",
        "reason", "lost", "withdrawn", "cancelled"
    )?;
    for (key, lost, withdrawn, cancelled) in &analysis.by_reason {
        let label = reasons.get(key).map_or(key.as_str(), |r| r.en.as_str());
        writeln!(out, "  {label:<40} {lost:>5} {withdrawn:>9} {cancelled:>9}")?;
    }
    writeln!(
        out,
        "\n== Win/loss by stage where the deal ended (won = booked, lost, withdrawn)"
    )?;
    let win_loss_header = |out: &mut String, first: &str| {
        writeln!(
            out,
            "  {first:<28} {:>5} {:>5} {:>9}",
            "won", "lost", "withdrawn"
        )
    };
    win_loss_header(out, "stage")?;
    for (stage, count) in analysis.by_stage.iter() {
        writeln!(
            out,
            "  {:<28} {:>5} {:>5} {:>9}",
            stage.label_en(),
            count.won,
            count.lost,
            count.withdrawn
        )?;
    }
    let unknown = &analysis.stage_unknown;
    if unknown.lost + unknown.withdrawn + unknown.won > 0 {
        writeln!(
            out,
            "  {:<24} {:>5} {:>5} {:>5}  (closed in the CRM without a stage)",
            "stage unknown", unknown.won, unknown.lost, unknown.withdrawn
        )?;
    }
    writeln!(
        out,
        "\n== Win/loss by customer type and by grade (won, lost, withdrawn)"
    )?;
    win_loss_header(out, "customer type")?;
    for (kind, count) in &analysis.by_customer_type {
        writeln!(
            out,
            "  {:<28} {:>5} {:>5} {:>9}",
            kind.label_en(),
            count.won,
            count.lost,
            count.withdrawn
        )?;
    }
    win_loss_header(out, "grade")?;
    for (grade, count) in &analysis.by_grade {
        let label = grade.map_or("ungraded".to_owned(), |g| format!("grade {}", g.label_en()));
        writeln!(
            out,
            "  {label:<28} {:>5} {:>5} {:>9}",
            count.won, count.lost, count.withdrawn
        )?;
    }

    let slipped = slipped_deals(portfolio);
    let slips: usize = slipped.iter().map(|d| d.slips).sum();
    writeln!(
        out,
        "\n== Slipped deals: {} deals moved their close date {} times later",
        slipped.len(),
        slips
    )?;
    for deal in slipped.iter().take(list_limit) {
        let (first, last) = match (deal.changes.first(), deal.changes.last()) {
            (Some(f), Some(l)) => (f.from.map_or("unknown".to_owned(), |d| d.to_string()), l.to),
            _ => continue,
        };
        writeln!(
            out,
            "  {:<10} {} -> {} ({} changes, {:+} days)",
            deal.id,
            first,
            last,
            deal.changes.len(),
            deal.total_days
        )?;
    }
    and_more(out, "  ", slipped.len(), list_limit, "slipped deals")?;

    let changes = amount_changes(
        portfolio,
        amount_changes_since(portfolio),
        portfolio.as_of(),
    );
    let summary = AmountChangeSummary::of(&changes);
    writeln!(
        out,
        "\n== Amount changes in the last 365 days: {} changes ({} up, {} down, {} from unknown), net {}{} {currency}",
        changes.len(),
        summary.up,
        summary.down,
        summary.from_unknown,
        if summary.net < 0 { "-" } else { "+" },
        money(portfolio, summary.net.unsigned_abs() as f64)
    )?;
    Ok(())
}

/// The start of the amount-change window both reports show: 365 days
/// before the as-of date.
pub(crate) fn amount_changes_since(portfolio: &Portfolio) -> DateTime<Utc> {
    portfolio
        .as_of()
        .checked_sub_signed(TimeDelta::days(365))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Amount changes counted by direction, with their net sum.
pub(crate) struct AmountChangeSummary {
    /// Changes to a larger known amount.
    pub up: usize,
    /// Changes to a smaller (or equal) known amount.
    pub down: usize,
    /// Amounts that became known: a change, but neither up nor down.
    pub from_unknown: usize,
    /// The sum of the known changes, in minor units.
    pub net: i128,
}

impl AmountChangeSummary {
    pub(crate) fn of(changes: &[AmountChange]) -> Self {
        let mut summary = AmountChangeSummary {
            up: 0,
            down: 0,
            from_unknown: 0,
            net: 0,
        };
        for change in changes {
            match change.from_minor {
                Some(from) if change.to_minor > from => summary.up += 1,
                Some(_) => summary.down += 1,
                None => summary.from_unknown += 1,
            }
            if let Some(from) = change.from_minor {
                summary.net += i128::from(change.to_minor) - i128::from(from);
            }
        }
        summary
    }
}

/// A probability trend as the steps where it changed (the first always):
/// `2026-01-05 10%`.
pub(crate) fn trend_steps(trend: &[(DateTime<Utc>, f64)]) -> Vec<String> {
    let mut steps = Vec::new();
    let mut last: Option<String> = None;
    for (at, p) in trend {
        let shown = percent(*p);
        if last.as_deref() != Some(shown.as_str()) {
            steps.push(format!("{} {shown}", day(*at)));
            last = Some(shown);
        }
    }
    steps
}

/// The probability trend of the top deals: each deal's win probability
/// after each event of its journal, where it changed.
fn write_probability_trend(
    out: &mut String,
    portfolio: &Portfolio,
    top: &[usize],
) -> std::fmt::Result {
    writeln!(
        out,
        "\n== Probability trend of the top deals (win probability after each event, replayed under the current definition; shown where it changed)"
    )?;
    let definition = &portfolio.definitions().process;
    for record in top.iter().filter_map(|&i| portfolio.opportunities().get(i)) {
        let trend = probability_trend(record, definition);
        writeln!(
            out,
            "  {:<10} {:>3} events: {}",
            record.id,
            trend.len(),
            trend_steps(&trend).join(" -> ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::document::Definitions;
    use chrono::TimeZone;

    #[test]
    fn money_groups_thousands_and_rounds() {
        let p = Portfolio::new(
            "p",
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            "EUR",
            Definitions::default(),
        )
        .unwrap();
        assert_eq!(money(&p, 125_000_000.0), "1,250,000");
        assert_eq!(money(&p, 99_950.0), "1,000");
        assert_eq!(money(&p, 0.0), "0");
        assert_eq!(money(&p, 12_345.0), "123");
        assert_eq!(money(&p, f64::NAN), "0");
    }
}
