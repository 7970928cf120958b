//! Analytics of the portfolio's five-stage technical-sale cycles: cycles by
//! stage and variant, iterations completed per account, open objections,
//! technical evaluations (laboratory, pilot plant, plant) in progress with
//! their results, implementations in progress with their adjustments,
//! evolution follow-ups still due, what was learned at each completed
//! iteration, and the variants offered after a change of customer type;
//! and the report section that shows them.
//!
//! ```
//! use techsales::portfolio::{cycle_analytics, Portfolio};
//! let text = std::fs::read_to_string("examples/data/portfolio.json")?;
//! let portfolio = Portfolio::from_json(&text)?;
//! let analytics = cycle_analytics(&portfolio);
//! let counted: usize = analytics.by_stage.iter().map(|row| row.open + row.ended).sum();
//! assert_eq!(counted, portfolio.cycles().len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::document::{CycleRecord, Portfolio};
use super::svg::tr;
use crate::customer::CustomerType;
use crate::cycle::{CycleEvent, Outcome, PhaseRun, Stage, Step, TechnicalSale};
use crate::labels::{Cell, Labelled, Language};

/// How many cycles of one variant stand in one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StageVariantCount {
    /// The customer type whose variant the cycles run under.
    pub variant: CustomerType,
    /// The stage (for ended cycles, the stage they ended in).
    pub stage: Stage,
    /// Cycles still running.
    pub open: usize,
    /// Cycles ended there (no agreement, or cancelled).
    pub ended: usize,
}

/// The cycles of one account and the iterations they completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountIterations {
    /// The account's id.
    pub account: String,
    /// How many cycles the account has.
    pub cycles: usize,
    /// Iterations that went all the way through evolution, over its cycles.
    pub completed_iterations: u32,
}

/// One objection still open in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenObjection {
    /// The cycle's id.
    pub cycle: String,
    /// The cycle's account.
    pub account: String,
    /// The objection's id.
    pub id: String,
    /// What the client objects to.
    pub text: String,
}

/// A technical evaluation under way: the trial runs so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TechnicalEvaluation {
    /// The cycle's id.
    pub cycle: String,
    /// The cycle's account.
    pub account: String,
    /// The runs so far, oldest first (empty when none has started).
    pub runs: Vec<PhaseRun>,
}

/// An implementation under way: its steps done and its adjustments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Implementation {
    /// The cycle's id.
    pub cycle: String,
    /// The cycle's account.
    pub account: String,
    /// The implementation steps done so far.
    pub done: Vec<Step>,
    /// The changes made to the deal from the results, oldest first.
    pub adjustments: Vec<String>,
}

/// A cycle in evolution whose required follow-up steps are not all done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUpDue {
    /// The cycle's id.
    pub cycle: String,
    /// The cycle's account.
    pub account: String,
    /// When the cycle entered evolution.
    pub since: Option<DateTime<Utc>>,
    /// The required steps not done yet.
    pub missing: Vec<Step>,
}

/// What was learned in one completed iteration of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IterationLesson {
    /// The cycle's id.
    pub cycle: String,
    /// The cycle's account.
    pub account: String,
    /// The iteration, from 1.
    pub iteration: u32,
    /// What was learned.
    pub text: String,
}

/// A variant offered to a cycle after its account changed type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferedVariant {
    /// The cycle's id.
    pub cycle: String,
    /// The cycle's account.
    pub account: String,
    /// The type whose variant the running iteration keeps.
    pub running: CustomerType,
    /// The type whose variant is offered.
    pub offered: CustomerType,
    /// The iteration it is offered for.
    pub for_iteration: u32,
}

/// Everything the report shows about the cycles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CycleAnalytics {
    /// Cycles by variant and stage (only the pairs that hold a cycle).
    pub by_stage: Vec<StageVariantCount>,
    /// Accounts with cycles, by id.
    pub iterations: Vec<AccountIterations>,
    /// Open objections of running cycles.
    pub open_objections: Vec<OpenObjection>,
    /// Running cycles in evaluating options whose technical evaluation is
    /// not done yet.
    pub technical_evaluations: Vec<TechnicalEvaluation>,
    /// Running cycles in implementation.
    pub implementations: Vec<Implementation>,
    /// Running cycles in evolution with follow-up work still due.
    pub follow_ups_due: Vec<FollowUpDue>,
    /// Lessons of completed iterations, by cycle then iteration.
    pub lessons: Vec<IterationLesson>,
    /// Variants offered for a next iteration.
    pub offers: Vec<OfferedVariant>,
}

fn ids(record: &CycleRecord) -> (String, String) {
    (record.id.to_string(), record.account.to_string())
}

/// When the current iteration entered `stage`, from the journal.
fn entered(sale: &TechnicalSale, stage: Stage) -> Option<DateTime<Utc>> {
    sale.journal()
        .iter()
        .rev()
        .find(|e| matches!(e.event, CycleEvent::Advance { to } if to == stage))
        .map(|e| e.at)
}

/// The cycle analytics of `portfolio`.
pub fn cycle_analytics(portfolio: &Portfolio) -> CycleAnalytics {
    let mut by_stage: BTreeMap<(CustomerType, Stage), (usize, usize)> = BTreeMap::new();
    let mut iterations: BTreeMap<&str, (usize, u32)> = BTreeMap::new();
    let mut analytics = CycleAnalytics {
        by_stage: Vec::new(),
        iterations: Vec::new(),
        open_objections: Vec::new(),
        technical_evaluations: Vec::new(),
        implementations: Vec::new(),
        follow_ups_due: Vec::new(),
        lessons: Vec::new(),
        offers: Vec::new(),
    };
    for record in portfolio.cycles() {
        let sale = &record.sale;
        let slot = by_stage
            .entry((sale.customer_type(), sale.stage()))
            .or_default();
        if sale.is_closed() {
            slot.1 += 1;
        } else {
            slot.0 += 1;
        }
        let account = iterations.entry(record.account.as_str()).or_default();
        account.0 += 1;
        account.1 = account.1.saturating_add(sale.completed_iterations());
        for lesson in sale.lessons() {
            if lesson.iteration <= sale.completed_iterations() {
                let (cycle, account) = ids(record);
                analytics.lessons.push(IterationLesson {
                    cycle,
                    account,
                    iteration: lesson.iteration,
                    text: lesson.text.to_owned(),
                });
            }
        }
        if let Some(offer) = &record.offered_variant {
            let (cycle, account) = ids(record);
            analytics.offers.push(OfferedVariant {
                cycle,
                account,
                running: sale.customer_type(),
                offered: offer.to,
                for_iteration: offer.for_iteration,
            });
        }
        if sale.is_closed() {
            continue;
        }
        for objection in sale.open_objections() {
            let (cycle, account) = ids(record);
            analytics.open_objections.push(OpenObjection {
                cycle,
                account,
                id: objection.id.to_owned(),
                text: objection.text.to_owned(),
            });
        }
        let (cycle, account) = ids(record);
        match sale.stage() {
            Stage::EvaluatingOptions if !sale.is_done(Step::TechnicalEvaluation) => {
                analytics.technical_evaluations.push(TechnicalEvaluation {
                    cycle,
                    account,
                    runs: sale.technical_runs().cloned().collect(),
                });
            }
            Stage::Implementation => {
                let done = Step::ALL
                    .iter()
                    .copied()
                    .filter(|s| s.stage() == Stage::Implementation && sale.is_done(*s))
                    .collect();
                analytics.implementations.push(Implementation {
                    cycle,
                    account,
                    done,
                    adjustments: sale.modifications().map(str::to_owned).collect(),
                });
            }
            Stage::Evolution => {
                let missing = sale.missing_steps();
                if !missing.is_empty() {
                    analytics.follow_ups_due.push(FollowUpDue {
                        cycle,
                        account,
                        since: entered(sale, Stage::Evolution),
                        missing,
                    });
                }
            }
            _ => {}
        }
    }
    analytics.by_stage = by_stage
        .into_iter()
        .map(|((variant, stage), (open, ended))| StageVariantCount {
            variant,
            stage,
            open,
            ended,
        })
        .collect();
    analytics.iterations = iterations
        .into_iter()
        .map(
            |(account, (cycles, completed_iterations))| AccountIterations {
                account: account.to_owned(),
                cycles,
                completed_iterations,
            },
        )
        .collect();
    analytics
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// "and N more", when a list was cut at `limit`.
fn more(
    out: &mut String,
    total: usize,
    limit: usize,
    what: &str,
    language: Language,
) -> std::fmt::Result {
    if total > limit {
        match language {
            Language::English => writeln!(out, "  and {} more {what}", total - limit)?,
            Language::Chinese => writeln!(out, "  另有 {} 项{what}", total - limit)?,
        }
    }
    Ok(())
}

fn steps(list: &[Step], language: Language) -> String {
    let labels: Vec<&str> = list.iter().map(|s| s.label(language)).collect();
    labels.join(", ")
}

/// Writes the report's technical-sale section in `language` (nothing when
/// the portfolio has no cycle).
/// Lists longer than `limit` stop there with the count of the rest.
pub(crate) fn write_section(
    out: &mut String,
    portfolio: &Portfolio,
    limit: usize,
    language: Language,
) -> std::fmt::Result {
    if portfolio.cycles().is_empty() {
        return Ok(());
    }
    let t = |en: &'static str, zh: &'static str| tr(language, en, zh);
    let heading = |out: &mut String, en: &str, zh: &str| {
        writeln!(
            out,
            "\n== {}",
            match language {
                Language::English => en,
                Language::Chinese => zh,
            }
        )
    };
    let none = |out: &mut String| writeln!(out, "  {}", t("none", "无"));
    let a = cycle_analytics(portfolio);
    let ended = |o: Outcome| {
        portfolio
            .cycles()
            .iter()
            .filter(|c| c.sale.outcome() == o)
            .count()
    };
    heading(out, "Technical-sale cycles", "技术销售周期")?;
    let (all, running, no_agreement, cancelled) = (
        portfolio.cycles().len(),
        portfolio
            .cycles()
            .iter()
            .filter(|c| !c.sale.is_closed())
            .count(),
        ended(Outcome::NoAgreement),
        ended(Outcome::Cancelled),
    );
    match language {
        Language::English => writeln!(
            out,
            "  {all} cycles: {running} running, {no_agreement} ended without agreement, {cancelled} cancelled"
        )?,
        Language::Chinese => writeln!(
            out,
            "  共 {all} 个周期：{running} 个进行中，{no_agreement} 个未达成协议而结束，{cancelled} 个已取消"
        )?,
    }
    writeln!(
        out,
        "  {:<28} {:<38} {:>7} {:>6}",
        Cell(t("variant", "周期变体")),
        Cell(t("stage", "阶段")),
        Cell(t("running", "进行中")),
        Cell(t("ended", "已结束"))
    )?;
    for row in &a.by_stage {
        writeln!(
            out,
            "  {:<28} {:<38} {:>7} {:>6}",
            Cell(row.variant.label(language)),
            Cell(row.stage.label(language)),
            row.open,
            row.ended
        )?;
    }

    heading(out, "Iterations completed per account", "各客户完成的轮次")?;
    for row in a.iterations.iter().take(limit) {
        let name = portfolio
            .account(&row.account)
            .map_or("", |acc| acc.customer.name());
        let name = Cell(name);
        let (account, cycles, done) = (&row.account, row.cycles, row.completed_iterations);
        match language {
            Language::English => writeln!(
                out,
                "  {account:<8} {name:<30} {cycles} cycle(s), {done} iteration(s) completed"
            )?,
            Language::Chinese => writeln!(
                out,
                "  {account:<8} {name:<30} {cycles} 个周期，完成 {done} 轮"
            )?,
        }
    }
    more(
        out,
        a.iterations.len(),
        limit,
        t("accounts", "客户"),
        language,
    )?;

    heading(out, "Open objections", "未解决的异议")?;
    if a.open_objections.is_empty() {
        none(out)?;
    }
    for o in a.open_objections.iter().take(limit) {
        writeln!(
            out,
            "  {:<8} {:<8} {}: {}",
            o.cycle, o.account, o.id, o.text
        )?;
    }
    more(
        out,
        a.open_objections.len(),
        limit,
        t("objections", "异议"),
        language,
    )?;

    heading(out, "Technical evaluations in progress", "进行中的技术评估")?;
    if a.technical_evaluations.is_empty() {
        none(out)?;
    }
    for e in a.technical_evaluations.iter().take(limit) {
        let runs: Vec<String> = e
            .runs
            .iter()
            .map(|r| match language {
                Language::English => format!(
                    "{} {}",
                    r.phase.label_en(),
                    r.result.label_en().to_lowercase()
                ),
                Language::Chinese => format!("{}{}", r.phase.label_zh(), r.result.label_zh()),
            })
            .collect();
        let runs = if runs.is_empty() {
            t("no trial run yet", "尚无试验").to_owned()
        } else {
            runs.join(" -> ")
        };
        writeln!(out, "  {:<8} {:<8} {runs}", e.cycle, e.account)?;
    }
    more(
        out,
        a.technical_evaluations.len(),
        limit,
        t("evaluations", "技术评估"),
        language,
    )?;

    heading(out, "Implementations in progress", "进行中的实施")?;
    if a.implementations.is_empty() {
        none(out)?;
    }
    for i in a.implementations.iter().take(limit) {
        let done = if i.done.is_empty() {
            t("nothing done yet", "尚未完成任何步骤").to_owned()
        } else {
            format!("{}: {}", t("done", "已完成"), steps(&i.done, language))
        };
        writeln!(out, "  {:<8} {:<8} {done}", i.cycle, i.account)?;
        for change in &i.adjustments {
            writeln!(out, "      {}: {change}", t("adjusted", "调整"))?;
        }
    }
    more(
        out,
        a.implementations.len(),
        limit,
        t("implementations", "实施"),
        language,
    )?;

    heading(out, "Evolution follow-ups due", "待完成的演进跟进")?;
    if a.follow_ups_due.is_empty() {
        none(out)?;
    }
    for f in a.follow_ups_due.iter().take(limit) {
        let since = f.since.map_or_else(|| "-".to_owned(), day);
        let due = steps(&f.missing, language);
        match language {
            Language::English => writeln!(
                out,
                "  {:<8} {:<8} in evolution since {since}; due: {due}",
                f.cycle, f.account
            )?,
            Language::Chinese => writeln!(
                out,
                "  {:<8} {:<8} 自 {since} 进入演进；待完成：{due}",
                f.cycle, f.account
            )?,
        }
    }
    more(
        out,
        a.follow_ups_due.len(),
        limit,
        t("follow-ups", "跟进"),
        language,
    )?;

    heading(out, "Lessons of completed iterations", "已完成轮次的经验")?;
    if a.lessons.is_empty() {
        none(out)?;
    }
    for l in a.lessons.iter().take(limit) {
        match language {
            Language::English => writeln!(
                out,
                "  {:<8} {:<8} iteration {}: {}",
                l.cycle, l.account, l.iteration, l.text
            )?,
            Language::Chinese => writeln!(
                out,
                "  {:<8} {:<8} 第 {} 轮：{}",
                l.cycle, l.account, l.iteration, l.text
            )?,
        }
    }
    more(out, a.lessons.len(), limit, t("lessons", "经验"), language)?;

    if !a.offers.is_empty() {
        heading(
            out,
            "Variants offered after a change of customer type",
            "客户类型变化后提供的周期变体",
        )?;
        for o in a.offers.iter().take(limit) {
            let (running, offered) = (o.running.label(language), o.offered.label(language));
            match language {
                Language::English => writeln!(
                    out,
                    "  {:<8} {:<8} runs as {running}; {offered} offered for iteration {}",
                    o.cycle, o.account, o.for_iteration
                )?,
                Language::Chinese => writeln!(
                    out,
                    "  {:<8} {:<8} 当前变体 {running}；第 {} 轮提供 {offered}",
                    o.cycle, o.account, o.for_iteration
                )?,
            }
        }
        more(
            out,
            a.offers.len(),
            limit,
            t("offers", "变体提供"),
            language,
        )?;
    }
    Ok(())
}
