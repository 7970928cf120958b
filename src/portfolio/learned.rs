//! The evaluation model learned from the portfolio's own closed deals,
//! set against the current one ("define it, refine it, tune it").
//!
//! The closed deals whose grading inputs carry ratings are the history:
//! won or lost (withdrawn left out), ratings as stored, unknowns included.
//! [`learn_from`] runs [`crate::grading::learn::learn`] on them from
//! the portfolio's grading configuration, and the reports show the
//! cross-validated figures of both models side by side; when there is too
//! little history, they say why nothing was learned.
//!
//! ```
//! use techsales::portfolio::{learn_from, Portfolio};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/portfolio.json");
//! let portfolio = Portfolio::from_slice(&std::fs::read(path)?)?;
//! let learned = learn_from(&portfolio);
//! assert!(learned.closed_with_ratings > 0);
//! if let Ok(result) = &learned.result {
//!     // The learned configuration loads as any grading configuration.
//!     techsales::grading::Grader::new(result.config.clone())?;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;

use super::document::Portfolio;
use super::svg::tr;
use crate::grading::learn::{learn, ClosedDeal, LearnError, LearnOptions, Learned, Validation};
use crate::grading::Factor;
use crate::labels::{Cell, Labelled, Language};

/// The file the command line writes the learned grading configuration to,
/// in the folder of the SVG charts.
pub const LEARNED_CONFIG_FILE: &str = "learned-grading.json";

/// What learning from a portfolio's closed deals gave.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedModel {
    /// Closed deals (won, lost or withdrawn) with grading inputs.
    pub closed_with_ratings: usize,
    /// The learned configuration and its report, or why nothing was
    /// learned.
    pub result: Result<Learned, LearnError>,
}

/// The closed deals of `portfolio` that carry ratings, with their outcome.
pub fn closed_deals(portfolio: &Portfolio) -> Vec<ClosedDeal> {
    portfolio
        .opportunities()
        .iter()
        .filter_map(|record| {
            let closure = record.process.state().closure()?;
            let inputs = record.grading.as_deref()?;
            Some(ClosedDeal {
                ratings: inputs.ratings,
                outcome: closure.outcome,
            })
        })
        .collect()
}

/// Learns the evaluation model from the closed deals of `portfolio`,
/// starting from its grading configuration, with the default options.
pub fn learn_from(portfolio: &Portfolio) -> LearnedModel {
    let deals = closed_deals(portfolio);
    LearnedModel {
        closed_with_ratings: deals.len(),
        result: learn(
            &deals,
            &portfolio.definitions().grading,
            &LearnOptions::default(),
        ),
    }
}

/// The figures of one model as table cells: AUC, Brier score, log loss.
fn figures(v: &Validation) -> [String; 3] {
    [
        format!("{:.3}", v.auc),
        format!("{:.3}", v.brier),
        format!("{:.3}", v.log_loss),
    ]
}

/// Whether the learned model ranks held-out deals better than the current
/// one, as a sentence.
fn verdict(learned: &Learned, language: Language) -> &'static str {
    let better = learned.report.learned.auc > learned.report.current.auc;
    match (better, language) {
        (true, Language::English) => {
            "the learned model ranks held-out deals better than the current one"
        }
        (false, Language::English) => {
            "the learned model does not rank held-out deals better: keep the current one"
        }
        (true, Language::Chinese) => "学习所得模型对留出商机的排序优于当前模型",
        (false, Language::Chinese) => "学习所得模型对留出商机的排序并不更好：保留当前模型",
    }
}

/// The text report's section, in `language`.
pub(crate) fn write_text(
    out: &mut String,
    model: &LearnedModel,
    language: Language,
) -> std::fmt::Result {
    let t = |en: &'static str, zh: &'static str| tr(language, en, zh);
    let learned = match &model.result {
        Ok(learned) => learned,
        Err(e) => {
            let n = model.closed_with_ratings;
            match language {
                Language::English => writeln!(
                    out,
                    "\n== Learned evaluation model: not learned ({n} closed deals carry ratings)"
                )?,
                Language::Chinese => writeln!(
                    out,
                    "\n== 学习所得的评估模型：未学习（{n} 个已结束商机带有评分）"
                )?,
            }
            return writeln!(out, "  {e}");
        }
    };
    let r = &learned.report;
    let (deals, won, folds) = (r.deals, r.won, r.folds);
    match language {
        Language::English => writeln!(
            out,
            "\n== Learned evaluation model against the current one ({deals} closed deals with ratings, {won} won; {folds}-fold cross-validated)"
        )?,
        Language::Chinese => writeln!(
            out,
            "\n== 学习所得的评估模型与现行模型对比（{deals} 个带评分的已结束商机，{won} 个赢单；{folds} 折交叉验证）"
        )?,
    }
    writeln!(
        out,
        "  {:<10} {:>7} {:>7} {:>9}",
        Cell(t("model", "模型")),
        "AUC",
        "Brier",
        Cell(t("log loss", "对数损失"))
    )?;
    for (name, v) in [
        (t("current", "现行"), &r.current),
        (t("learned", "学习所得"), &r.learned),
    ] {
        let [auc, brier, log_loss] = figures(v);
        let name = Cell(name);
        writeln!(out, "  {name:<10} {auc:>7} {brier:>7} {log_loss:>9}")?;
    }
    writeln!(
        out,
        "  {}",
        t(
            "AUC: how often a won deal scores above a lost one (0.5 is a coin); Brier and log loss: lower is better",
            "AUC：赢单得分高于丢单的频率（0.5 即随机）；Brier 与对数损失：越低越好"
        )
    )?;
    writeln!(out, "  {}", verdict(learned, language))?;
    writeln!(
        out,
        "  {:<36} {:>7} {:>7}",
        Cell(t("weight", "权重")),
        Cell(t("current", "现行")),
        Cell(t("learned", "学习所得"))
    )?;
    for &factor in Factor::ALL {
        writeln!(
            out,
            "  {:<36} {:>7.2} {:>7.2}",
            Cell(factor.label(language)),
            r.weights_before.get(factor),
            r.weights_after.get(factor)
        )?;
    }
    writeln!(
        out,
        "  {:<36} {:>7.2} {:>7.2}",
        Cell(t("pass threshold", "通过门槛")),
        r.threshold_before,
        r.threshold_after
    )?;
    for k in &r.knock_outs {
        let rate =
            |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{:.0}%", v * 100.0));
        let (factor, below, hit) = (k.factor.label(language), k.below, k.hit);
        let (hit_rate, rest_rate) = (rate(k.hit_win_rate), rate(k.rest_win_rate));
        match language {
            Language::English => writeln!(
                out,
                "  knock-out {factor} below {below:.1}: {hit} deals hit, win rate {hit_rate} against {rest_rate} for the rest: {}",
                if k.discriminates { "discriminates" } else { "does not discriminate" }
            )?,
            Language::Chinese => writeln!(
                out,
                "  否决项 {factor} 低于 {below:.1}：命中 {hit} 个商机，赢单率 {hit_rate}，其余为 {rest_rate}：{}",
                if k.discriminates { "有区分力" } else { "无区分力" }
            )?,
        }
    }
    if r.withdrawn_left_out > 0 || !r.refused.is_empty() {
        let (withdrawn, invalid) = (r.withdrawn_left_out, r.refused.len());
        match language {
            Language::English => writeln!(
                out,
                "  left out: {withdrawn} withdrawn, {invalid} with an invalid rating"
            )?,
            Language::Chinese => {
                writeln!(out, "  未计入：{withdrawn} 个退出，{invalid} 个评分无效")?
            }
        }
    }
    Ok(())
}

/// The HTML section's heading and body (cells escaped by `table`).
pub(crate) fn html_parts(
    model: &LearnedModel,
    language: Language,
    note: impl Fn(&str) -> String,
    table: impl Fn(&[&str], &[Vec<String>]) -> String,
) -> (String, String) {
    let zh = language == Language::Chinese;
    let t = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let title = t(
        "Learned evaluation model against the current one",
        "学习所得评估模型与当前模型对比",
    )
    .to_owned();
    let learned = match &model.result {
        Ok(learned) => learned,
        Err(e) => {
            let text = if zh {
                format!(
                    "未学习：{} 个已结束商机带有评分；{e}",
                    model.closed_with_ratings
                )
            } else {
                format!(
                    "Not learned: {} closed deals carry ratings; {e}",
                    model.closed_with_ratings
                )
            };
            return (title, note(&text));
        }
    };
    let r = &learned.report;
    let mut body = note(&if zh {
        format!(
            "基于 {} 个带评分的已结束商机（{} 个赢单），{} 折交叉验证。AUC：赢单评分高于丢单的概率（0.5 即抛硬币）；Brier 与对数损失越低越好。",
            r.deals, r.won, r.folds
        )
    } else {
        format!(
            "From {} closed deals with ratings ({} won), {}-fold cross-validated. AUC: how often a won deal scores above a lost one (0.5 is a coin); Brier and log loss: lower is better.",
            r.deals, r.won, r.folds
        )
    });
    body.push_str(&note(verdict(learned, language)));
    let rows: Vec<Vec<String>> = [
        (t("current", "当前模型"), &r.current),
        (t("learned", "学习模型"), &r.learned),
    ]
    .iter()
    .map(|(name, v)| {
        let mut row = vec![(*name).to_owned()];
        row.extend(figures(v));
        row
    })
    .collect();
    body.push_str(&table(
        &[
            t("model", "模型"),
            "AUC",
            "Brier",
            t("log loss", "对数损失"),
        ],
        &rows,
    ));
    let mut rows: Vec<Vec<String>> = Factor::ALL
        .iter()
        .map(|&factor| {
            vec![
                factor.label(language).to_owned(),
                format!("{:.2}", r.weights_before.get(factor)),
                format!("{:.2}", r.weights_after.get(factor)),
            ]
        })
        .collect();
    rows.push(vec![
        t("pass threshold", "通过线").to_owned(),
        format!("{:.2}", r.threshold_before),
        format!("{:.2}", r.threshold_after),
    ]);
    body.push_str(&table(
        &[
            t("weight", "权重"),
            t("current", "当前"),
            t("learned", "学习所得"),
        ],
        &rows,
    ));
    let rate = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{:.0}%", v * 100.0));
    let rows: Vec<Vec<String>> = r
        .knock_outs
        .iter()
        .map(|k| {
            vec![
                format!("{} < {:.1}", k.factor.label(language), k.below),
                k.hit.to_string(),
                rate(k.hit_win_rate),
                rate(k.rest_win_rate),
                if k.discriminates {
                    t("yes", "是")
                } else {
                    t("no", "否")
                }
                .to_owned(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        body.push_str(&table(
            &[
                t("knock-out", "否决项"),
                t("deals hit", "触发商机"),
                t("their win rate", "其赢单率"),
                t("the rest's", "其余赢单率"),
                t("discriminates", "有区分力"),
            ],
            &rows,
        ));
    }
    (title, body)
}
