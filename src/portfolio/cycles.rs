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
use crate::customer::CustomerType;
use crate::cycle::{CycleEvent, Outcome, PhaseRun, Stage, Step, TechnicalSale};
use crate::labels::Labelled;

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
fn more(out: &mut String, total: usize, limit: usize, what: &str) -> std::fmt::Result {
    if total > limit {
        writeln!(out, "  and {} more {what}", total - limit)?;
    }
    Ok(())
}

fn steps(list: &[Step]) -> String {
    let labels: Vec<&str> = list.iter().map(|s| s.label_en()).collect();
    labels.join(", ")
}

/// Writes the report's technical-sale section (nothing when the portfolio
/// has no cycle).
/// Lists longer than `limit` stop there with the count of the rest.
pub(crate) fn write_section(
    out: &mut String,
    portfolio: &Portfolio,
    limit: usize,
) -> std::fmt::Result {
    if portfolio.cycles().is_empty() {
        return Ok(());
    }
    let a = cycle_analytics(portfolio);
    let ended = |o: Outcome| {
        portfolio
            .cycles()
            .iter()
            .filter(|c| c.sale.outcome() == o)
            .count()
    };
    writeln!(out, "\n== Technical-sale cycles")?;
    writeln!(
        out,
        "  {} cycles: {} running, {} ended without agreement, {} cancelled",
        portfolio.cycles().len(),
        portfolio
            .cycles()
            .iter()
            .filter(|c| !c.sale.is_closed())
            .count(),
        ended(Outcome::NoAgreement),
        ended(Outcome::Cancelled)
    )?;
    writeln!(
        out,
        "  {:<28} {:<38} {:>7} {:>6}",
        "variant", "stage", "running", "ended"
    )?;
    for row in &a.by_stage {
        writeln!(
            out,
            "  {:<28} {:<38} {:>7} {:>6}",
            row.variant.label_en(),
            row.stage.label_en(),
            row.open,
            row.ended
        )?;
    }

    writeln!(out, "\n== Iterations completed per account")?;
    for row in a.iterations.iter().take(limit) {
        let name = portfolio
            .account(&row.account)
            .map_or("", |acc| acc.customer.name());
        writeln!(
            out,
            "  {:<8} {:<30} {} cycle(s), {} iteration(s) completed",
            row.account, name, row.cycles, row.completed_iterations
        )?;
    }
    more(out, a.iterations.len(), limit, "accounts")?;

    writeln!(out, "\n== Open objections")?;
    if a.open_objections.is_empty() {
        writeln!(out, "  none")?;
    }
    for o in a.open_objections.iter().take(limit) {
        writeln!(
            out,
            "  {:<8} {:<8} {}: {}",
            o.cycle, o.account, o.id, o.text
        )?;
    }
    more(out, a.open_objections.len(), limit, "objections")?;

    writeln!(out, "\n== Technical evaluations in progress")?;
    if a.technical_evaluations.is_empty() {
        writeln!(out, "  none")?;
    }
    for t in a.technical_evaluations.iter().take(limit) {
        let runs: Vec<String> = t
            .runs
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.phase.label_en(),
                    r.result.label_en().to_lowercase()
                )
            })
            .collect();
        let runs = if runs.is_empty() {
            "no trial run yet".to_owned()
        } else {
            runs.join(" -> ")
        };
        writeln!(out, "  {:<8} {:<8} {runs}", t.cycle, t.account)?;
    }
    more(out, a.technical_evaluations.len(), limit, "evaluations")?;

    writeln!(out, "\n== Implementations in progress")?;
    if a.implementations.is_empty() {
        writeln!(out, "  none")?;
    }
    for i in a.implementations.iter().take(limit) {
        let done = if i.done.is_empty() {
            "nothing done yet".to_owned()
        } else {
            format!("done: {}", steps(&i.done))
        };
        writeln!(out, "  {:<8} {:<8} {done}", i.cycle, i.account)?;
        for change in &i.adjustments {
            writeln!(out, "      adjusted: {change}")?;
        }
    }
    more(out, a.implementations.len(), limit, "implementations")?;

    writeln!(out, "\n== Evolution follow-ups due")?;
    if a.follow_ups_due.is_empty() {
        writeln!(out, "  none")?;
    }
    for f in a.follow_ups_due.iter().take(limit) {
        let since = f.since.map_or_else(|| "-".to_owned(), day);
        writeln!(
            out,
            "  {:<8} {:<8} in evolution since {since}; due: {}",
            f.cycle,
            f.account,
            steps(&f.missing)
        )?;
    }
    more(out, a.follow_ups_due.len(), limit, "follow-ups")?;

    writeln!(out, "\n== Lessons of completed iterations")?;
    if a.lessons.is_empty() {
        writeln!(out, "  none")?;
    }
    for l in a.lessons.iter().take(limit) {
        writeln!(
            out,
            "  {:<8} {:<8} iteration {}: {}",
            l.cycle, l.account, l.iteration, l.text
        )?;
    }
    more(out, a.lessons.len(), limit, "lessons")?;

    if !a.offers.is_empty() {
        writeln!(out, "\n== Variants offered after a change of customer type")?;
        for o in a.offers.iter().take(limit) {
            writeln!(
                out,
                "  {:<8} {:<8} runs as {}; {} offered for iteration {}",
                o.cycle,
                o.account,
                o.running.label_en(),
                o.offered.label_en(),
                o.for_iteration
            )?;
        }
        more(out, a.offers.len(), limit, "offers")?;
    }
    Ok(())
}
