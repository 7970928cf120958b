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

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use chrono::{DateTime, TimeDelta, Utc};

use super::analytics::{
    actions_in_progress, calibrate, pipeline, pipeline_with, quadrant, stage_durations,
    stage_flows, stalled, top_deals_with, Amounts, Calibration, Pipeline, YearMonth,
};
use super::document::Portfolio;
use super::lifecycle::{amount_changes, probability_trend, AmountChange};
use super::svg::tr;
use crate::customer::CustomerType;
use crate::differentiation::{Plan, PlanInput, Scope};
use crate::key_account::{diagnose, win_probability, ProcessDefinition, Stage};
use crate::labels::{Cell, Labelled, Language};

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
    language: Language,
) -> std::fmt::Result {
    if total > shown {
        match language {
            Language::English => writeln!(out, "{indent}and {} more {what}", total - shown)?,
            Language::Chinese => writeln!(out, "{indent}另有 {} 项{what}", total - shown)?,
        }
    }
    Ok(())
}

/// The report of `portfolio`, in English.
pub fn render(portfolio: &Portfolio, options: &ReportOptions) -> String {
    render_in(portfolio, options, Language::English)
}

/// The report of `portfolio` in `language`: the same sections and figures
/// in English or Chinese.
pub fn render_in(portfolio: &Portfolio, options: &ReportOptions, language: Language) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut out, portfolio, options, language);
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
pub(crate) fn movements_since(as_of: DateTime<Utc>, days: i64) -> DateTime<Utc> {
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
    language: Language,
) -> std::fmt::Result {
    let label = Cell(label);
    write!(
        out,
        "  {label:<28} {:>6} {:>15} {:>15}",
        amounts.count,
        money(portfolio, amounts.amount_minor as f64),
        money(portfolio, amounts.weighted_minor)
    )?;
    if amounts.unknown_amount > 0 {
        // Counted above, never summed.
        unknown_amount_note(out, amounts.unknown_amount, language)?;
    }
    writeln!(out)
}

/// `(N of unknown amount)` after a row.
fn unknown_amount_note(out: &mut String, n: usize, language: Language) -> std::fmt::Result {
    match language {
        Language::English => write!(out, "  ({n} of unknown amount)"),
        Language::Chinese => write!(out, "  （其中 {n} 个金额未知）"),
    }
}

fn amounts_header(
    out: &mut String,
    first: &str,
    currency: &str,
    language: Language,
) -> std::fmt::Result {
    writeln!(
        out,
        "  {:<28} {:>6} {:>15} {:>15}",
        Cell(first),
        Cell(tr(language, "deals", "商机数")),
        Cell(&match language {
            Language::English => format!("amount {currency}"),
            Language::Chinese => format!("金额 {currency}"),
        }),
        Cell(tr(language, "weighted", "加权金额"))
    )
}

/// A section heading: a blank line, then `== ` and the title.
fn heading(out: &mut String, language: Language, en: &str, zh: &str) -> std::fmt::Result {
    writeln!(
        out,
        "\n== {}",
        match language {
            Language::English => en,
            Language::Chinese => zh,
        }
    )
}

fn write_report(
    out: &mut String,
    portfolio: &Portfolio,
    options: &ReportOptions,
    language: Language,
) -> std::fmt::Result {
    let t = |en: &'static str, zh: &'static str| tr(language, en, zh);
    let as_of = portfolio.as_of();
    let currency = portfolio.currency();
    let figures = Figures::of(portfolio, options.weights);
    let pipe = figures.pipeline();
    let definition = figures.definition(portfolio);
    let closed_count: usize = pipe.closed.iter().map(|(_, a)| a.count).sum();

    let (accounts, deals, open) = (
        portfolio.accounts().len(),
        portfolio.opportunities().len(),
        pipe.total.count,
    );
    match language {
        Language::English => {
            writeln!(out, "PORTFOLIO REPORT: {}", portfolio.name())?;
            writeln!(
                out,
                "as of {}; amounts in {currency}; {accounts} accounts, {deals} opportunities ({open} open, {closed_count} closed)",
                day(as_of)
            )?;
        }
        Language::Chinese => {
            writeln!(out, "客户组合报告：{}", portfolio.name())?;
            writeln!(
                out,
                "截至 {}；金额单位 {currency}；{accounts} 个客户，{deals} 个商机（{open} 个进行中，{closed_count} 个已结束）",
                day(as_of)
            )?;
        }
    }

    // The quadrant.
    let from = movements_since(as_of, options.movement_days);
    let q = quadrant(portfolio, from, as_of);
    let count = |t: CustomerType| {
        q.counts
            .iter()
            .find(|(ty, _)| *ty == t)
            .map_or(0, |(_, n)| *n)
    };
    heading(
        out,
        language,
        "Customer quadrant (supplier assistance x customer loyalty)",
        "客户四象限（供应商协助 x 客户忠诚）",
    )?;
    writeln!(
        out,
        "  {:<18} {:<34} {:<34}",
        "",
        Cell(t("low loyalty", "忠诚度低")),
        Cell(t("high loyalty", "忠诚度高"))
    )?;
    for (label, low, high) in [
        (
            t("high assistance", "协助度高"),
            CustomerType::Opportunity,
            CustomerType::Strategic,
        ),
        (
            t("low assistance", "协助度低"),
            CustomerType::MarketTaker,
            CustomerType::Loyal,
        ),
    ] {
        writeln!(
            out,
            "  {:<18} {:<29}{:>5} {:<29}{:>5}",
            Cell(label),
            Cell(low.label(language)),
            count(low),
            Cell(high.label(language)),
            count(high)
        )?;
    }
    writeln!(
        out,
        "  {} {} .. {}: {}",
        t("movements", "类型变化"),
        day(from),
        day(as_of),
        if q.movements.is_empty() {
            t("none", "无")
        } else {
            ""
        }
    )?;
    for m in &q.movements {
        writeln!(
            out,
            "    {:<28} -> {:<28} {:>3}",
            Cell(m.from.label(language)),
            Cell(m.to.label(language)),
            m.count
        )?;
    }
    let net: Vec<String> = q
        .net
        .iter()
        .filter(|(_, n)| *n != 0)
        .map(|(ty, n)| format!("{} {n:+}", ty.label(language)))
        .collect();
    if !net.is_empty() {
        writeln!(out, "  {}: {}", t("net change", "净变化"), net.join(", "))?;
    }
    let actions = actions_in_progress(portfolio);
    match language {
        Language::English => writeln!(
            out,
            "  differentiation actions in progress: {} on {} accounts",
            actions.total, actions.accounts
        )?,
        Language::Chinese => writeln!(
            out,
            "  进行中的差异化行动：{} 项，涉及 {} 个客户",
            actions.total, actions.accounts
        )?,
    }
    for (action, n) in &actions.by_action {
        writeln!(out, "    {:<52} {n:>3}", Cell(action.label(language)))?;
    }

    // The pipeline.
    heading(
        out,
        language,
        "Pipeline by stage (open deals)",
        "按阶段的销售管道（进行中的商机）",
    )?;
    writeln!(out, "  {}", figures.weights_note(portfolio, language))?;
    writeln!(
        out,
        "  {:<28} {:>6} {:>15} {:>17} {:>17}",
        Cell(t("stage", "阶段")),
        Cell(t("deals", "商机数")),
        Cell(&match language {
            Language::English => format!("amount {currency}"),
            Language::Chinese => format!("金额 {currency}"),
        }),
        Cell(t("weighted current", "加权（现行）")),
        Cell(t("weighted calibr.", "加权（校准）"))
    )?;
    let both = figures
        .current
        .by_stage
        .iter()
        .zip(figures.calibrated.by_stage.iter())
        .map(|((stage, now), (_, fitted))| (stage.label(language), now, fitted))
        .chain([(
            t("total", "合计"),
            &figures.current.total,
            &figures.calibrated.total,
        )]);
    for (label, now, fitted) in both {
        let label = Cell(label);
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
            unknown_amount_note(out, now.unknown_amount, language)?;
        }
        writeln!(out)?;
    }
    let chosen = match options.weights {
        Weights::Current => t("current", "现行"),
        Weights::Calibrated => t("calibrated", "校准"),
    };
    match language {
        Language::English => writeln!(
            out,
            "  the sections below are weighted with the {chosen} probabilities"
        )?,
        Language::Chinese => writeln!(out, "  以下各节按{chosen}概率加权")?,
    }

    heading(out, language, "Pipeline by grade", "按等级的销售管道")?;
    if definition.grade_factors.is_none() {
        writeln!(
            out,
            "  {}",
            t(
                "no grade factors in the definition: a deal's grade does not change its win probability",
                "定义中没有等级系数：商机的等级不影响其赢单概率"
            )
        )?;
    }
    amounts_header(out, t("grade", "等级"), currency, language)?;
    for (grade, amounts) in &pipe.by_grade {
        let label = grade.map_or(t("not graded", "未分级"), |g| g.label(language));
        amounts_row(out, portfolio, label, amounts, language)?;
    }

    heading(
        out,
        language,
        "Pipeline by customer type",
        "按客户类型的销售管道",
    )?;
    amounts_header(out, t("customer type", "客户类型"), currency, language)?;
    for (ty, amounts) in &pipe.by_customer_type {
        amounts_row(out, portfolio, ty.label(language), amounts, language)?;
    }
    if pipe.no_account.count > 0 {
        amounts_row(
            out,
            portfolio,
            t("no account", "无客户"),
            &pipe.no_account,
            language,
        )?;
    }

    heading(
        out,
        language,
        "Forecast by expected close month (* overdue)",
        "按预计成交月份的预测（* 已逾期）",
    )?;
    amounts_header(out, t("month", "月份"), currency, language)?;
    let this_month = YearMonth::of(as_of.date_naive());
    for (month, amounts) in &pipe.by_close_month {
        let label = if *month < this_month {
            format!("{month} *")
        } else {
            month.to_string()
        };
        amounts_row(out, portfolio, &label, amounts, language)?;
    }
    if pipe.no_close_date.count > 0 {
        let unknown = &pipe.no_close_date;
        let (n, amount, weighted) = (
            unknown.count,
            money(portfolio, unknown.amount_minor as f64),
            money(portfolio, unknown.weighted_minor),
        );
        match language {
            Language::English => write!(
                out,
                "  not in the forecast: {n} open deals with no expected close date, {amount} {currency} ({weighted} weighted)"
            )?,
            Language::Chinese => write!(
                out,
                "  未计入预测：{n} 个进行中的商机没有预计成交日期，{amount} {currency}（加权 {weighted}）"
            )?,
        }
        if unknown.unknown_amount > 0 {
            match language {
                Language::English => write!(
                    out,
                    ", {} of them of unknown amount",
                    unknown.unknown_amount
                )?,
                Language::Chinese => write!(out, "，其中 {} 个金额未知", unknown.unknown_amount)?,
            }
        }
        writeln!(out)?;
    }

    heading(out, language, "Closed deals", "已结束商机")?;
    amounts_header(out, t("outcome", "结果"), currency, language)?;
    for (outcome, amounts) in &pipe.closed {
        amounts_row(out, portfolio, outcome.label(language), amounts, language)?;
    }
    amounts_row(
        out,
        portfolio,
        t("In nurture (not closed)", "培育中（未结束）"),
        &pipe.nurture,
        language,
    )?;
    write_lifecycle(out, portfolio, currency, options.list_limit, language)?;

    // Flow and time.
    let flows = stage_flows(portfolio);
    let durations = stage_durations(portfolio);
    heading(
        out,
        language,
        "Conversion and time in stage (from the journals)",
        "阶段转化与停留时间（来自日志）",
    )?;
    writeln!(
        out,
        "  {}",
        t(
            "conversion = (advanced + won) / deals decided here (advanced, won, lost or withdrawn; open ones wait);\n  days to leave = mean days the deals that left the stage spent in it;",
            "转化率 =（推进数 + 赢单数）/ 在此有结果的商机数（推进、赢单、丢单或退出；进行中的不计）；\n  离开用时 = 已离开该阶段的商机在其中的平均天数；"
        )
    )?;
    writeln!(
        out,
        "  {}",
        t(
            "days so far = mean days the open deals in it have spent there until the as-of date",
            "已用天数 = 仍在该阶段的商机截至报告日期的平均天数"
        )
    )?;
    writeln!(
        out,
        "  {:<24} {:>7} {:>9} {:>6} {:>4} {:>5} {:>9} {:>5} {:>10} {:>13} {:>11}",
        Cell(t("stage", "阶段")),
        Cell(t("entered", "进入")),
        Cell(t("advanced", "推进")),
        Cell(t("forced", "强行")),
        Cell(t("won", "赢单")),
        Cell(t("lost", "丢单")),
        Cell(t("withdrawn", "退出")),
        Cell(t("open", "进行中")),
        Cell(t("conversion", "转化率")),
        Cell(t("days to leave", "离开用时")),
        Cell(t("days so far", "已用天数"))
    )?;
    for (stage, flow) in flows.iter() {
        let d = durations.get(stage);
        writeln!(
            out,
            "  {:<24} {:>7} {:>9} {:>6} {:>4} {:>5} {:>9} {:>5} {:>10} {:>13} {:>11}",
            Cell(stage.label(language)),
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
        match language {
            Language::English => writeln!(
                out,
                "  time in stage and stalled deals leave out {undated} deals whose CRM gave no opening or stage date"
            )?,
            Language::Chinese => writeln!(
                out,
                "  停留时间与停滞商机未计入 {undated} 个 CRM 未给出创建或阶段日期的商机"
            )?,
        }
    }

    // Stalled deals.
    let stalled = stalled(portfolio);
    match language {
        Language::English => writeln!(
            out,
            "\n== Stalled deals: {} open deals with no event for longer than their stage allows",
            stalled.len()
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 停滞商机：{} 个进行中的商机超过其阶段允许的时间没有任何事件",
            stalled.len()
        )?,
    }
    for deal in stalled.iter().take(options.list_limit) {
        let Some(record) = portfolio.opportunities().get(deal.index) else {
            continue;
        };
        let (id, account, stage) = (
            &deal.id,
            record.account_id().unwrap_or("-"),
            Cell(deal.stage.label(language)),
        );
        let (last, silent, limit) = (day(deal.last_event_at), deal.days_silent, deal.limit_days);
        match language {
            Language::English => writeln!(
                out,
                "  {id:<10} {account:<10} {stage:<22} last event {last}  silent {silent:>4} days (limit {limit})"
            )?,
            Language::Chinese => writeln!(
                out,
                "  {id:<10} {account:<10} {stage:<22} 最后事件 {last}  沉默 {silent:>4} 天（上限 {limit}）"
            )?,
        }
    }
    and_more(
        out,
        "  ",
        stalled.len(),
        options.list_limit,
        t("stalled deals", "停滞商机"),
        language,
    )?;

    // Top deals.
    let top = top_deals_with(portfolio, definition, options.top_deals);
    match language {
        Language::English => writeln!(
            out,
            "\n== Top {} open deals by weighted amount ({chosen} probabilities): diagnosis and next actions",
            top.len()
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 按加权金额（{chosen}概率）排名前 {} 的进行中商机：诊断与下一步行动",
            top.len()
        )?,
    }
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
            None => t("no account", "无客户").to_owned(),
        };
        let amount = record.amount_minor.map_or_else(
            || t("amount unknown", "金额未知").to_owned(),
            |a| format!("{} {currency}", money(portfolio, a as f64)),
        );
        let close = record
            .expected_close
            .map_or_else(|| t("unknown", "未知").to_owned(), |d| d.to_string());
        let win = win_probability(state, definition);
        let (rank, id, name) = (rank + 1, &record.id, &record.name);
        match language {
            Language::English => writeln!(
                out,
                "{rank}. {id} \"{name}\" for {account}, {amount}, closes {close}"
            )?,
            Language::Chinese => writeln!(
                out,
                "{rank}. {id}“{name}”，客户 {account}，{amount}，预计成交 {close}"
            )?,
        }
        let (stage, grade, explained) = (
            state.stage().label(language),
            state.grade().map_or(t("none", "无"), |g| g.label(language)),
            win.explain(language).replace('\n', "\n   "),
        );
        match language {
            Language::English => writeln!(out, "   stage {stage}, grade {grade}; {explained}")?,
            Language::Chinese => writeln!(out, "   阶段：{stage}，等级：{grade}；{explained}")?,
        }
        if let Some(p) = record.crm_probability {
            writeln!(
                out,
                "   {}: {}",
                t("the CRM's own probability", "CRM 自身的概率"),
                percent(p)
            )?;
        }
        if state.grade().is_some() && definition.grade_factors.is_none() {
            writeln!(
                out,
                "   {}",
                t(
                    "(no grade factor applied: the definition sets none)",
                    "（未应用等级系数：定义中没有设置）"
                )
            )?;
        }
        let diagnosis = diagnose(state, definition);
        writeln!(
            out,
            "   {}: {}",
            t("diagnosis", "诊断"),
            diagnosis.verdict.label(language)
        )?;
        if !diagnosis.reported_by_crm.is_empty() {
            let nodes: Vec<&str> = diagnosis
                .reported_by_crm
                .iter()
                .map(|n| n.label(language))
                .collect();
            writeln!(
                out,
                "   {}: {}",
                t(
                    "stage taken from the CRM: these nodes are not verified",
                    "阶段取自 CRM，以下节点未经核实"
                ),
                nodes.join(", ")
            )?;
        }
        if !diagnosis.missing_to_advance.is_empty() {
            let missing: Vec<&str> = diagnosis
                .missing_to_advance
                .iter()
                .map(|n| n.label(language))
                .collect();
            writeln!(
                out,
                "   {}: {}",
                t("to move on", "推进所需"),
                missing.join(", ")
            )?;
        }
        // The grade's policy comes before any next action.
        if let Some(policy) = &diagnosis.policy {
            writeln!(
                out,
                "   {}: {}",
                t("policy", "等级策略"),
                policy.describe(language)
            )?;
        }
        for action in diagnosis.next_actions.iter().take(options.next_actions) {
            writeln!(
                out,
                "   {}: {} ({})",
                t("next", "下一步"),
                action.item.label(language),
                action.stage.label(language)
            )?;
        }
    }

    write_probability_trend(out, portfolio, &top, language)?;

    // Calibration.
    let calibration = &figures.calibration;
    let (closed, won, left_out, prior) = (
        calibration.closed,
        calibration.won,
        calibration.withdrawn_excluded,
        calibration.prior_strength,
    );
    match language {
        Language::English => writeln!(
            out,
            "\n== Calibration from {closed} closed deals ({won} won; {left_out} withdrawn left out; prior weight {prior} deals)"
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 基于 {closed} 个已结束商机的校准（{won} 个赢单；{left_out} 个退出未计入；先验权重 {prior} 个商机）"
        )?,
    }
    writeln!(
        out,
        "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>7}",
        Cell(t("stage", "阶段")),
        Cell(t("reached", "到达")),
        Cell(t("won", "赢单")),
        Cell(t("observed", "观察值")),
        Cell(t("current", "现行值")),
        Cell(t("fitted", "拟合值"))
    )?;
    for s in &calibration.stages {
        writeln!(
            out,
            "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>7}",
            Cell(s.stage.label(language)),
            s.reached,
            s.won,
            s.observed.map_or_else(|| "-".to_owned(), percent),
            percent(s.prior),
            percent(s.fitted)
        )?;
    }
    writeln!(
        out,
        "  {}",
        t(
            "observed = won / reached; current = the definition's stage base; fitted = the two blended, never falling from stage to stage",
            "观察值 = 赢单数 / 到达数；现行值 = 定义中的阶段基础概率；拟合值 = 两者的加权结合，逐阶段不下降"
        )
    )?;
    if !calibration.grades.is_empty() {
        writeln!(
            out,
            "  {}",
            t(
                "win factor = a grade's smoothed win rate / the overall win rate (above 1: it wins more often than average; a grade with no closed deal keeps its current factor); calibrated weights apply it",
                "赢单系数 = 该等级的平滑赢单率 / 总体赢单率（大于 1：赢单多于平均；没有已结束商机的等级保留现行系数）；校准权重应用此系数"
            )
        )?;
        writeln!(
            out,
            "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>10}",
            Cell(t("grade", "等级")),
            Cell(t("closed", "已结束")),
            Cell(t("won", "赢单")),
            Cell(t("observed", "观察值")),
            Cell(t("smoothed", "平滑值")),
            Cell(t("win factor", "赢单系数"))
        )?;
        for g in &calibration.grades {
            writeln!(
                out,
                "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>10.2}",
                Cell(g.grade.label(language)),
                g.closed,
                g.won,
                g.observed.map_or_else(|| "-".to_owned(), percent),
                percent(g.smoothed),
                g.factor
            )?;
        }
        let buckets = [
            (t("evaluation failed", "评估未通过"), &calibration.failed),
            (t("not graded", "未分级"), &calibration.ungraded),
        ];
        for (name, bucket) in buckets {
            if let Some(b) = bucket {
                writeln!(
                    out,
                    "  {:<24} {:>7} {:>4} {:>9} {:>8} {:>10.2}",
                    Cell(name),
                    b.closed,
                    b.won,
                    b.observed.map_or_else(|| "-".to_owned(), percent),
                    percent(b.smoothed),
                    b.factor
                )?;
            }
        }
    }

    super::learned::write_text(out, &super::learned::learn_from(portfolio), language)?;

    // Plans, summarised by customer type.
    match language {
        Language::English => writeln!(
            out,
            "\n== Differentiation plans by customer type (first {} actions; every account's full plan is in the HTML report)",
            options.plan_actions
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 按客户类型的差异化计划（前 {} 项行动；各客户的完整计划见 HTML 报告）",
            options.plan_actions
        )?,
    }
    let plans = account_plans(portfolio);
    for ty in CustomerType::ALL {
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, (account, plan)) in portfolio.accounts().iter().zip(&plans).enumerate() {
            if account.customer.customer_type() != *ty {
                continue;
            }
            let summary = plan_summary(plan, options.plan_actions, language);
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
        let usual_count = usual_members.len();
        match language {
            Language::English => {
                writeln!(out, "{}: {total} accounts", ty.label_en())?;
                writeln!(out, "   usual plan ({usual_count} accounts): {usual_plan}")?;
            }
            Language::Chinese => {
                writeln!(out, "{}：{total} 个客户", ty.label_zh())?;
                writeln!(out, "   常见计划（{usual_count} 个客户）：{usual_plan}")?;
            }
        }
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
            let rest = members.len() - ids.len();
            let ids = ids.join(", ");
            match language {
                Language::English => {
                    let more = if rest > 0 {
                        format!(" and {rest} more")
                    } else {
                        String::new()
                    };
                    writeln!(out, "   other plan for {ids}{more}: {plan}")?;
                }
                Language::Chinese => {
                    let more = if rest > 0 {
                        format!(" 等另 {rest} 个")
                    } else {
                        String::new()
                    };
                    writeln!(out, "   {ids}{more}的其他计划：{plan}")?;
                }
            }
        }
        and_more(
            out,
            "   ",
            others.len(),
            options.list_limit,
            t("other plans", "其他计划"),
            language,
        )?;
    }
    super::cycles::write_section(out, portfolio, options.list_limit, language)
}

/// The recommended differentiation plan of every account, in account
/// order, under the portfolio's planner. Readiness is checked under the
/// strictest of the planner's rule and the selectivity rules for the
/// account's industry (its market), its region and the products of its
/// open deals (sources 000, 002: not every product, market or region can
/// sustain continuous differentiation).
pub fn account_plans(portfolio: &Portfolio) -> Vec<Plan> {
    let planner = &portfolio.definitions().planner;
    let mut products: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for deal in portfolio.opportunities() {
        if let (Some(account), Some(product), true) = (
            deal.account.as_deref(),
            deal.product.as_deref(),
            deal.process.state().is_open(),
        ) {
            products.entry(account).or_default().insert(product);
        }
    }
    portfolio
        .accounts()
        .iter()
        .map(|account| {
            let customer = &account.customer;
            let in_progress = account.actions.in_progress();
            let selectivity = &planner.selectivity;
            let scope = Scope {
                product: None,
                market: account.industry.as_deref(),
                region: account.region.as_deref(),
            };
            let rule = products.get(account.id()).into_iter().flatten().fold(
                selectivity.rule_for(planner.readiness, scope),
                |rule, &p| {
                    let product = Scope {
                        product: Some(p),
                        ..Scope::default()
                    };
                    selectivity.rule_for(rule, product)
                },
            );
            planner.plan_under(
                PlanInput {
                    customer_type: customer.customer_type(),
                    scores: customer.scores(),
                    readiness: &customer.readiness,
                    in_progress: &in_progress,
                },
                rule,
            )
        })
        .collect()
}

/// A plan in one line, its first `actions` recommendations in `language`.
pub(crate) fn plan_summary(plan: &Plan, actions: usize, language: Language) -> String {
    let t = |en: &'static str, zh: &'static str| tr(language, en, zh);
    match plan {
        Plan::Invest {
            recommendations, ..
        } if recommendations.is_empty() => t(
            "every recommended action is already in progress",
            "所有推荐行动均已在进行中",
        )
        .into(),
        Plan::Invest {
            recommendations, ..
        } => {
            let shown: Vec<String> = recommendations
                .iter()
                .take(actions)
                .map(|r| {
                    let axis = match language {
                        Language::English => r.axis.key(),
                        Language::Chinese => r.axis.label_zh(),
                    };
                    format!(
                        "{} (+{:.0} {axis})",
                        r.action.label(language),
                        r.expected_effect
                    )
                })
                .collect();
            shown.join("; ")
        }
        Plan::NotWorthInvestingNow { assessment } => {
            let reasons: Vec<&str> = assessment
                .wait_reasons
                .iter()
                .map(|w| w.label(language))
                .collect();
            let met = assessment.met.len();
            let of = met + assessment.missing.len();
            let waits = if reasons.is_empty() {
                String::new()
            } else {
                format!("{}{}", t("; waits: ", "；等待原因："), reasons.join(", "))
            };
            match language {
                Language::English => {
                    format!("not worth investing now: {met} of {of} readiness criteria met{waits}")
                }
                Language::Chinese => format!("暂不值得投入：满足 {met}/{of} 项准备条件{waits}"),
            }
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
    language: Language,
) -> std::fmt::Result {
    use super::lifecycle::{bookings, forecast, slipped_deals, win_loss};
    use crate::key_account::ForecastCategory;
    let t = |en: &'static str, zh: &'static str| tr(language, en, zh);

    let figures = forecast(portfolio);
    match language {
        Language::English => writeln!(
            out,
            "\n== Forecast by category (open deals by expected close month, booked deals by booking month; amounts in {currency})"
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 按预测类别的预测（进行中的商机按预计成交月份，已签约商机按签约月份；金额单位 {currency}）"
        )?,
    }
    amounts_header(out, t("category", "预测类别"), currency, language)?;
    for (category, amounts) in &figures.by_category {
        amounts_row(out, portfolio, category.label(language), amounts, language)?;
    }
    let mut header = format!("  {:<10}", Cell(t("month", "月份")));
    for category in ForecastCategory::ALL {
        header.push_str(&format!(" {:>14}", Cell(category.label(language))));
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
    let (count, amount) = (
        booked.booked.count,
        money(portfolio, booked.booked.amount_minor as f64),
    );
    let rate = booked
        .win_rate
        .map_or(t("unknown", "未知").to_owned(), percent);
    match language {
        Language::English => writeln!(
            out,
            "\n== Bookings and delivery ({count} booked deals, {amount} {currency}; win rate {rate} of ended deals)"
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 签约与交付（已签约 {count} 个商机，{amount} {currency}；已结束商机的赢单率 {rate}）"
        )?,
    }
    // Booked deals are won: weighted would only repeat the amount.
    let amount_header = match language {
        Language::English => format!("amount {currency}"),
        Language::Chinese => format!("金额 {currency}"),
    };
    writeln!(
        out,
        "  {:<28} {:>6} {:>15}",
        Cell(t("delivery", "交付状态")),
        Cell(t("deals", "商机数")),
        Cell(&amount_header)
    )?;
    for (status, amounts) in &booked.delivery {
        write!(
            out,
            "  {:<28} {:>6} {:>15}",
            Cell(status.label(language)),
            amounts.count,
            money(portfolio, amounts.amount_minor as f64)
        )?;
        if amounts.unknown_amount > 0 {
            unknown_amount_note(out, amounts.unknown_amount, language)?;
        }
        writeln!(out)?;
    }
    for (month, amounts) in &booked.by_month {
        let (n, amount) = (amounts.count, money(portfolio, amounts.amount_minor as f64));
        match language {
            Language::English => {
                writeln!(out, "  booked in {month}: {n} deals, {amount} {currency}")?
            }
            Language::Chinese => writeln!(out, "  {month} 签约：{n} 个商机，{amount} {currency}")?,
        }
    }

    let analysis = win_loss(portfolio);
    heading(
        out,
        language,
        "Win/loss by reason (lost, withdrawn, delivery cancelled)",
        "按原因的赢单与丢单（丢单、退出、交付取消）",
    )?;
    let reasons = &portfolio.definitions().process.reasons;
    writeln!(
        out,
        "  {:<40} {:>5} {:>9} {:>9}",
        Cell(t("reason", "原因")),
        Cell(t("lost", "丢单")),
        Cell(t("withdrawn", "退出")),
        Cell(t("cancelled", "交付取消"))
    )?;
    for (key, lost, withdrawn, cancelled) in &analysis.by_reason {
        let label = reasons.get(key).map_or(key.as_str(), |r| match language {
            Language::English => r.en.as_str(),
            Language::Chinese => r.zh.as_str(),
        });
        let label = Cell(label);
        writeln!(out, "  {label:<40} {lost:>5} {withdrawn:>9} {cancelled:>9}")?;
    }
    heading(
        out,
        language,
        "Win/loss by stage where the deal ended (won = booked, lost, withdrawn)",
        "按商机结束时所处阶段的赢单与丢单（赢单 = 已签约、丢单、退出）",
    )?;
    let win_loss_header = |out: &mut String, first: &str| {
        writeln!(
            out,
            "  {:<28} {:>5} {:>5} {:>9}",
            Cell(first),
            Cell(t("won", "赢单")),
            Cell(t("lost", "丢单")),
            Cell(t("withdrawn", "退出"))
        )
    };
    win_loss_header(out, t("stage", "阶段"))?;
    for (stage, count) in analysis.by_stage.iter() {
        writeln!(
            out,
            "  {:<28} {:>5} {:>5} {:>9}",
            Cell(stage.label(language)),
            count.won,
            count.lost,
            count.withdrawn
        )?;
    }
    let unknown = &analysis.stage_unknown;
    if unknown.lost + unknown.withdrawn + unknown.won > 0 {
        writeln!(
            out,
            "  {:<28} {:>5} {:>5} {:>9}  {}",
            Cell(t("stage unknown", "阶段未知")),
            unknown.won,
            unknown.lost,
            unknown.withdrawn,
            t(
                "(closed in the CRM without a stage)",
                "（CRM中关闭时未注明阶段）"
            ),
        )?;
    }
    heading(
        out,
        language,
        "Win/loss by customer type and by grade (won, lost, withdrawn)",
        "按客户类型与等级的赢单与丢单（赢单、丢单、退出）",
    )?;
    win_loss_header(out, t("customer type", "客户类型"))?;
    for (kind, count) in &analysis.by_customer_type {
        writeln!(
            out,
            "  {:<28} {:>5} {:>5} {:>9}",
            Cell(kind.label(language)),
            count.won,
            count.lost,
            count.withdrawn
        )?;
    }
    win_loss_header(out, t("grade", "等级"))?;
    for (grade, count) in &analysis.by_grade {
        let label = match (grade, language) {
            (Some(g), Language::English) => format!("grade {}", g.label_en()),
            (Some(g), Language::Chinese) => g.label_zh().to_owned(),
            (None, _) => t("ungraded", "未分级").to_owned(),
        };
        let label = Cell(&label);
        writeln!(
            out,
            "  {label:<28} {:>5} {:>5} {:>9}",
            count.won, count.lost, count.withdrawn
        )?;
    }

    let slipped = slipped_deals(portfolio);
    let slips: usize = slipped.iter().map(|d| d.slips).sum();
    match language {
        Language::English => writeln!(
            out,
            "\n== Slipped deals: {} deals moved their close date {slips} times later",
            slipped.len()
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 延期商机：{} 个商机共 {slips} 次把预计成交日期推后",
            slipped.len()
        )?,
    }
    for deal in slipped.iter().take(list_limit) {
        let (first, last) = match (deal.changes.first(), deal.changes.last()) {
            (Some(f), Some(l)) => (
                f.from
                    .map_or(t("unknown", "未知").to_owned(), |d| d.to_string()),
                l.to,
            ),
            _ => continue,
        };
        let (id, changes, days) = (&deal.id, deal.changes.len(), deal.total_days);
        match language {
            Language::English => writeln!(
                out,
                "  {id:<10} {first} -> {last} ({changes} changes, {days:+} days)"
            )?,
            Language::Chinese => writeln!(
                out,
                "  {id:<10} {first} -> {last}（调整 {changes} 次，{days:+} 天）"
            )?,
        }
    }
    and_more(
        out,
        "  ",
        slipped.len(),
        list_limit,
        t("slipped deals", "延期商机"),
        language,
    )?;

    let changes = amount_changes(
        portfolio,
        amount_changes_since(portfolio),
        portfolio.as_of(),
    );
    let summary = AmountChangeSummary::of(&changes);
    let (n, up, down, unknown) = (
        changes.len(),
        summary.up,
        summary.down,
        summary.from_unknown,
    );
    let sign = if summary.net < 0 { "-" } else { "+" };
    let net = money(portfolio, summary.net.unsigned_abs() as f64);
    match language {
        Language::English => writeln!(
            out,
            "\n== Amount changes in the last 365 days: {n} changes ({up} up, {down} down, {unknown} from unknown), net {sign}{net} {currency}"
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 近 365 天的金额调整：{n} 次（调高 {up} 次，调低 {down} 次，由未知变为已知 {unknown} 次），净变化 {sign}{net} {currency}"
        )?,
    }
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
    language: Language,
) -> std::fmt::Result {
    heading(
        out,
        language,
        "Probability trend of the top deals (win probability after each event, replayed under the current definition; shown where it changed)",
        "重点商机的赢单概率走势（每个事件之后的赢单概率，按现行定义重放；仅列出发生变化之处）",
    )?;
    let definition = &portfolio.definitions().process;
    for record in top.iter().filter_map(|&i| portfolio.opportunities().get(i)) {
        let trend = probability_trend(record, definition);
        let (id, n, steps) = (&record.id, trend.len(), trend_steps(&trend).join(" -> "));
        match language {
            Language::English => writeln!(out, "  {id:<10} {n:>3} events: {steps}")?,
            Language::Chinese => writeln!(out, "  {id:<10} {n:>3} 个事件：{steps}")?,
        }
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
