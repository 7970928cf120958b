//! Tuning the evaluation model from won and lost history ("define it,
//! refine it, tune it").
//!
//! From closed deals (their ratings, some perhaps unknown, and whether they
//! were won) [`learn`] fits the nine factor weights by L2-regularised
//! logistic regression (Newton's method on ten parameters: small enough to
//! write here, deterministic, and no numeric crate to build), a logistic
//! score -> possibility curve, and the pass threshold that best separates
//! won from lost (the score that maximises the true-positive rate minus the
//! false-positive rate). It checks each knock-out: the win rate of the deals
//! it hits against the rest's.
//!
//! The figures are k-fold cross-validated (deal `i` is in fold `i % k`, so
//! the same input gives the same folds), for the learned model and for the
//! current one on the same folds: AUC (ties counted half), Brier score, log
//! loss and a reliability table. Unknown ratings are left out of the fit
//! (a centred feature at 0); a logistic weight below 0 becomes a weight of
//! 0, since the model's weights cannot be negative.
//!
//! ```
//! use techsales::grading::learn::{learn, ClosedDeal, LearnOptions};
//! use techsales::grading::{Grader, Ratings};
//!
//! let deals: Vec<ClosedDeal> = (0..200)
//!     .map(|i| {
//!         let quality = f64::from(i % 10);
//!         ClosedDeal::new(
//!             Ratings::uniform(5.0).with(techsales::grading::Factor::CapitalStatus, quality),
//!             (i * 7) % 10 < i % 10,
//!         )
//!     })
//!     .collect();
//! let learned = learn(&deals, Grader::default().config(), &LearnOptions::default())?;
//! let grader = Grader::from_json(&serde_json::to_string(&learned.config)?)?;
//! assert!(learned.report.learned.auc >= 0.5);
//! assert!(grader.config().evaluation.weights.capital_status > 0.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Small dense linear algebra reads clearer with indices than with zips.
#![allow(clippy::needless_range_loop)]

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::config::Validate;
use crate::key_account::Outcome;
use crate::labels::{Labelled, Language};

use super::evaluation::{CompiledModel, Factor, Ratings, Weights, FACTOR_COUNT, RATING_MAX};
use super::grader::GradingConfig;
use super::possibility::PossibilityMapping;

/// One closed deal: its ratings and how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedDeal {
    /// Its ratings (NaN where unknown).
    pub ratings: Ratings,
    /// Won, lost or withdrawn; whether withdrawn counts as lost or is left
    /// out is [`LearnOptions::withdrawn_as_lost`].
    pub outcome: Outcome,
}

impl ClosedDeal {
    /// A deal won (`true`) or lost (`false`).
    pub fn new(ratings: Ratings, won: bool) -> Self {
        let outcome = if won { Outcome::Won } else { Outcome::Lost };
        ClosedDeal { ratings, outcome }
    }
}

/// How to learn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LearnOptions {
    /// Cross-validation folds (2 or more).
    pub folds: usize,
    /// The L2 penalty on the logistic weights (0 or more).
    pub l2: f64,
    /// The fewest usable closed deals to learn from.
    pub min_deals: usize,
    /// Bands of the reliability table.
    pub bands: usize,
    /// Whether a withdrawn deal counts as lost (`true`) or is left out
    /// (`false`, the default: withdrawing is a choice, not a loss).
    pub withdrawn_as_lost: bool,
}

impl Default for LearnOptions {
    fn default() -> Self {
        LearnOptions {
            folds: 10,
            l2: 1.0,
            min_deals: 30,
            bands: 10,
            withdrawn_as_lost: false,
        }
    }
}

/// Why nothing could be learned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LearnError {
    /// Fewer usable closed deals than the minimum.
    #[error("{usable} usable closed deals ({refused} refused); at least {min} are needed")]
    TooFewDeals {
        /// Deals that could be used.
        usable: usize,
        /// Deals refused for bad ratings.
        refused: usize,
        /// The minimum asked for.
        min: usize,
    },
    /// Every usable deal has the same outcome.
    #[error("every usable deal was {}; both won and lost deals are needed", if *won { "won" } else { "lost" })]
    OneOutcome {
        /// The one outcome present.
        won: bool,
    },
    /// An option is out of range.
    #[error("option `{field}` is invalid: {reason}")]
    InvalidOption {
        /// The option.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

/// A deal left out for a bad rating.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusedDeal {
    /// Its index in the input.
    pub index: usize,
    /// The first bad factor.
    pub factor: Factor,
    /// The rating given (infinite or outside 0-10).
    pub value: f64,
}

/// One band of predicted possibility against what happened.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReliabilityBand {
    /// The band's lower bound (0-1).
    pub from: f64,
    /// The band's upper bound (0-1).
    pub to: f64,
    /// Deals predicted in the band.
    pub deals: usize,
    /// Their mean predicted possibility; `None` for an empty band.
    pub predicted: Option<f64>,
    /// Their observed win rate; `None` for an empty band.
    pub observed: Option<f64>,
}

/// Cross-validated figures of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validation {
    /// Area under the ROC curve of the score (ties counted half).
    pub auc: f64,
    /// Mean squared error of the predicted possibility.
    pub brier: f64,
    /// Mean negative log-likelihood of the predicted possibility.
    pub log_loss: f64,
    /// Predicted against observed, per band.
    pub reliability: Vec<ReliabilityBand>,
}

/// A knock-out checked against history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnockOutCheck {
    /// The factor.
    pub factor: Factor,
    /// Its floor.
    pub below: f64,
    /// Deals it hits (known ratings below the floor).
    pub hit: usize,
    /// Their win rate; `None` when it hits none.
    pub hit_win_rate: Option<f64>,
    /// The other deals' win rate; `None` when there are none.
    pub rest_win_rate: Option<f64>,
    /// Whether the deals it hits win less often than the rest.
    pub discriminates: bool,
}

/// What learning found, as figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearnReport {
    /// Deals learned from.
    pub deals: usize,
    /// Of which won.
    pub won: usize,
    /// Deals left out for bad ratings.
    pub refused: Vec<RefusedDeal>,
    /// Withdrawn deals left out (0 when withdrawn counts as lost).
    #[serde(default)]
    pub withdrawn_left_out: usize,
    /// Cross-validation folds.
    pub folds: usize,
    /// The current model, cross-validated.
    pub current: Validation,
    /// The learned model, cross-validated on the same folds.
    pub learned: Validation,
    /// The weights before.
    pub weights_before: Weights,
    /// The weights learned (totalling 10).
    pub weights_after: Weights,
    /// The pass threshold before.
    pub threshold_before: f64,
    /// The pass threshold learned: the score maximising the true-positive
    /// rate minus the false-positive rate.
    pub threshold_after: f64,
    /// The learned score -> possibility curve: `1 / (1 + e^-(a + b score))`
    /// with `[a, b]` here.
    pub possibility_curve: [f64; 2],
    /// Each knock-out of the current model against history.
    pub knock_outs: Vec<KnockOutCheck>,
}

/// The learned configuration and its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Learned {
    /// The current configuration with the learned weights and threshold.
    pub config: GradingConfig,
    /// The figures.
    pub report: LearnReport,
}

/// A usable deal as numbers.
struct Row {
    ratings: [f64; FACTOR_COUNT],
    won: bool,
}

/// Learns weights, threshold and possibility curve from `deals`, starting
/// from `current`. Deals with an infinite or out-of-range rating are left
/// out and listed; the rest are used.
pub fn learn(
    deals: &[ClosedDeal],
    current: &GradingConfig,
    options: &LearnOptions,
) -> Result<Learned, LearnError> {
    if options.folds < 2 {
        return Err(LearnError::InvalidOption {
            field: "folds",
            reason: "at least 2 folds are needed",
        });
    }
    if !(options.l2.is_finite() && options.l2 >= 0.0) {
        return Err(LearnError::InvalidOption {
            field: "l2",
            reason: "must be a number, 0 or more",
        });
    }
    if options.bands == 0 {
        return Err(LearnError::InvalidOption {
            field: "bands",
            reason: "at least 1 band is needed",
        });
    }
    let mut rows = Vec::with_capacity(deals.len());
    let mut refused = Vec::new();
    let mut withdrawn_left_out = 0;
    for (index, deal) in deals.iter().enumerate() {
        let won = match deal.outcome {
            Outcome::Won => true,
            Outcome::Lost => false,
            Outcome::Withdrawn if options.withdrawn_as_lost => false,
            Outcome::Withdrawn => {
                withdrawn_left_out += 1;
                continue;
            }
        };
        let bad = deal
            .ratings
            .iter()
            .find(|(_, v)| !v.is_nan() && !(0.0..=RATING_MAX).contains(v));
        match bad {
            Some((factor, value)) => refused.push(RefusedDeal {
                index,
                factor,
                value,
            }),
            None => rows.push(Row {
                ratings: deal.ratings.to_array(),
                won,
            }),
        }
    }
    let won = rows.iter().filter(|r| r.won).count();
    if rows.len() < options.min_deals.max(options.folds) {
        return Err(LearnError::TooFewDeals {
            usable: rows.len(),
            refused: refused.len(),
            min: options.min_deals.max(options.folds),
        });
    }
    if won == 0 || won == rows.len() {
        return Err(LearnError::OneOutcome { won: won > 0 });
    }

    let current_model = CompiledModel::new(&current.evaluation);
    let current_scores: Vec<f64> = rows
        .iter()
        .map(|r| current_model.evaluate(&r.ratings).score)
        .collect();
    let mut learned_scores = vec![f64::NAN; rows.len()];
    let mut current_predicted = vec![f64::NAN; rows.len()];
    let mut learned_predicted = vec![f64::NAN; rows.len()];
    for fold in 0..options.folds {
        let train: Vec<usize> = (0..rows.len())
            .filter(|i| i % options.folds != fold)
            .collect();
        let test: Vec<usize> = (0..rows.len())
            .filter(|i| i % options.folds == fold)
            .collect();
        let weights = fit_weights(&rows, &train, options.l2);
        let model = CompiledModel::new(&with_weights(current, weights).evaluation);
        let scores: Vec<f64> = rows
            .iter()
            .map(|r| model.evaluate(&r.ratings).score)
            .collect();
        let learned_curve = fit_curve(&scores, &rows, &train);
        let current_curve = fit_curve(&current_scores, &rows, &train);
        for &i in &test {
            learned_scores[i] = scores[i];
            learned_predicted[i] = curve(learned_curve, scores[i]);
            current_predicted[i] = curve(current_curve, current_scores[i]);
        }
    }
    let outcomes: Vec<bool> = rows.iter().map(|r| r.won).collect();
    let all: Vec<usize> = (0..rows.len()).collect();
    let weights = fit_weights(&rows, &all, options.l2);
    let config = with_weights(current, weights);
    let model = CompiledModel::new(&config.evaluation);
    let scores: Vec<f64> = rows
        .iter()
        .map(|r| model.evaluate(&r.ratings).score)
        .collect();
    let threshold = best_threshold(&scores, &outcomes);
    let mut config = config;
    config.evaluation.pass_threshold = threshold;
    config.evaluation.give_up_below = config.evaluation.give_up_below.min(threshold);

    let knock_outs = current
        .evaluation
        .knock_outs
        .iter()
        .map(|k| check_knock_out(k.factor, k.below, &rows))
        .collect();
    let report = LearnReport {
        deals: rows.len(),
        won,
        refused,
        withdrawn_left_out,
        folds: options.folds,
        current: validate(
            &current_scores,
            &current_predicted,
            &outcomes,
            options.bands,
        ),
        learned: validate(
            &learned_scores,
            &learned_predicted,
            &outcomes,
            options.bands,
        ),
        weights_before: current.evaluation.weights,
        weights_after: weights,
        threshold_before: current.evaluation.pass_threshold,
        threshold_after: threshold,
        possibility_curve: fit_curve(&scores, &rows, &all),
        knock_outs,
    };
    // The learned grader derives possibilities with the learned curve.
    let possibility = PossibilityMapping::from_curve(report.possibility_curve);
    let config = if possibility.validate().is_ok() {
        GradingConfig {
            possibility,
            ..config
        }
    } else {
        config
    };
    Ok(Learned { config, report })
}

fn with_weights(current: &GradingConfig, weights: Weights) -> GradingConfig {
    let mut config = current.clone();
    config.evaluation.weights = weights;
    config
}

/// The logistic model's weights, clipped at 0 and scaled to total 10; the
/// current default weights if every one is clipped.
fn fit_weights(rows: &[Row], subset: &[usize], l2: f64) -> Weights {
    // Centre each factor on its known mean, so an unknown (0) adds nothing.
    let mut mean = [0.0; FACTOR_COUNT];
    let mut count = [0.0; FACTOR_COUNT];
    for &i in subset {
        for (f, &r) in rows[i].ratings.iter().enumerate() {
            if !r.is_nan() {
                mean[f] += r;
                count[f] += 1.0;
            }
        }
    }
    for f in 0..FACTOR_COUNT {
        mean[f] = if count[f] > 0.0 {
            mean[f] / count[f]
        } else {
            0.0
        };
    }
    let features = |row: &Row| -> [f64; FACTOR_COUNT + 1] {
        let mut x = [1.0; FACTOR_COUNT + 1];
        for f in 0..FACTOR_COUNT {
            let r = row.ratings[f];
            x[f + 1] = if r.is_nan() {
                0.0
            } else {
                (r - mean[f]) / RATING_MAX
            };
        }
        x
    };
    let beta = newton(
        subset.iter().map(|&i| (features(&rows[i]), rows[i].won)),
        l2,
    );
    let mut weights = [0.0; FACTOR_COUNT];
    for f in 0..FACTOR_COUNT {
        weights[f] = beta[f + 1].max(0.0);
    }
    let total: f64 = weights.iter().sum();
    if total > 0.0 {
        Weights::from_array(weights.map(|w| w * 10.0 / total))
    } else {
        Weights::standard_weights()
    }
}

const P: usize = FACTOR_COUNT + 1;

/// L2-regularised logistic regression by Newton's method (the intercept,
/// the first parameter, is not penalised). A fixed number of steps at most,
/// in a fixed order: the same input gives the same bits.
fn newton(data: impl Iterator<Item = ([f64; P], bool)> + Clone, l2: f64) -> [f64; P] {
    let mut beta = [0.0; P];
    for _ in 0..25 {
        let mut grad = [0.0; P];
        let mut hess = [[0.0; P]; P];
        for (x, won) in data.clone() {
            let z: f64 = x.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let y = if won { 1.0 } else { 0.0 };
            let w = (p * (1.0 - p)).max(1e-12);
            for j in 0..P {
                grad[j] += (p - y) * x[j];
                for k in 0..=j {
                    hess[j][k] += w * x[j] * x[k];
                }
            }
        }
        for j in 1..P {
            grad[j] += l2 * beta[j];
            hess[j][j] += l2;
        }
        hess[0][0] += 1e-9;
        for j in 0..P {
            for k in 0..j {
                hess[k][j] = hess[j][k];
            }
        }
        let Some(step) = solve(hess, grad) else {
            break;
        };
        let mut largest = 0.0f64;
        for j in 0..P {
            beta[j] -= step[j];
            largest = largest.max(step[j].abs());
        }
        if largest < 1e-10 {
            break;
        }
    }
    beta
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None`
/// when `a` is singular.
fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    for col in 0..N {
        let pivot = (col..N).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 || !a[pivot][col].is_finite() {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..N {
            let factor = a[row][col] / a[col][col];
            for k in col..N {
                a[row][k] -= factor * a[col][k];
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0.0; N];
    for row in (0..N).rev() {
        let mut s = b[row];
        for k in row + 1..N {
            s -= a[row][k] * x[k];
        }
        x[row] = s / a[row][row];
    }
    Some(x)
}

/// A logistic curve from score to possibility over `subset` (deals with
/// no score, not enough known, are left out).
fn fit_curve(scores: &[f64], rows: &[Row], subset: &[usize]) -> [f64; 2] {
    let data = subset
        .iter()
        .filter(|&&i| !scores[i].is_nan())
        .map(|&i| ([1.0, scores[i] / RATING_MAX], rows[i].won));
    let [a, b] = newton2(data.clone());
    if b >= 0.0 {
        return [a, b / RATING_MAX];
    }
    // A score that ranks lost above won orders nothing: every score then
    // maps to the smoothed win rate, so the mapping never falls.
    let (won, all) = data.fold((0.0, 0.0), |(won, all), (_, w)| {
        (won + f64::from(u8::from(w)), all + 1.0)
    });
    let rate = (won + 0.5) / (all + 1.0);
    [(rate / (1.0 - rate)).ln(), 0.0]
}

fn newton2(data: impl Iterator<Item = ([f64; 2], bool)> + Clone) -> [f64; 2] {
    let mut beta = [0.0; 2];
    for _ in 0..25 {
        let mut grad = [0.0; 2];
        let mut hess = [[1e-9, 0.0], [0.0, 1e-9]];
        for (x, won) in data.clone() {
            let p = 1.0 / (1.0 + (-(beta[0] * x[0] + beta[1] * x[1])).exp());
            let y = if won { 1.0 } else { 0.0 };
            let w = (p * (1.0 - p)).max(1e-12);
            for j in 0..2 {
                grad[j] += (p - y) * x[j];
                for k in 0..2 {
                    hess[j][k] += w * x[j] * x[k];
                }
            }
        }
        let Some(step) = solve(hess, grad) else {
            break;
        };
        beta[0] -= step[0];
        beta[1] -= step[1];
        if step[0].abs().max(step[1].abs()) < 1e-10 {
            break;
        }
    }
    beta
}

fn curve([a, b]: [f64; 2], score: f64) -> f64 {
    1.0 / (1.0 + (-(a + b * score)).exp())
}

/// The threshold maximising TPR - FPR; ties go to the lowest score.
fn best_threshold(scores: &[f64], won: &[bool]) -> f64 {
    let mut pairs: Vec<(f64, bool)> = scores
        .iter()
        .zip(won)
        .filter(|(s, _)| !s.is_nan())
        .map(|(&s, &w)| (s, w))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = pairs.iter().filter(|p| p.1).count() as f64;
    let negatives = pairs.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return 5.0;
    }
    // Passing at pairs[i].0 passes everything from i on.
    let (mut tp, mut fp) = (positives, negatives);
    let mut best = (f64::NEG_INFINITY, 0.0);
    let mut i = 0;
    while i < pairs.len() {
        let threshold = pairs[i].0;
        let j_stat = tp / positives - fp / negatives;
        if j_stat > best.0 {
            best = (j_stat, threshold);
        }
        while i < pairs.len() && pairs[i].0 == threshold {
            if pairs[i].1 {
                tp -= 1.0;
            } else {
                fp -= 1.0;
            }
            i += 1;
        }
    }
    best.1.clamp(0.0, RATING_MAX)
}

/// AUC with ties counted half, by ranks.
pub fn auc(scores: &[f64], won: &[bool]) -> f64 {
    let mut pairs: Vec<(f64, bool)> = scores
        .iter()
        .zip(won)
        .map(|(&s, &w)| (if s.is_nan() { f64::NEG_INFINITY } else { s }, w))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = pairs.iter().filter(|p| p.1).count() as f64;
    let negatives = pairs.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return f64::NAN;
    }
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i;
        while j < pairs.len() && pairs[j].0 == pairs[i].0 {
            j += 1;
        }
        // Tied ranks i+1..=j share their mean rank.
        let mean_rank = (i + 1 + j) as f64 / 2.0;
        rank_sum += mean_rank * pairs[i..j].iter().filter(|p| p.1).count() as f64;
        i = j;
    }
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

fn validate(scores: &[f64], predicted: &[f64], won: &[bool], bands: usize) -> Validation {
    let n = won.len() as f64;
    let base_rate = won.iter().filter(|&&w| w).count() as f64 / n;
    let mut brier = 0.0;
    let mut log_loss = 0.0;
    let mut per_band = vec![(0usize, 0.0, 0usize); bands];
    for (&p, &w) in predicted.iter().zip(won) {
        // A deal with too little known to score is predicted at the win
        // rate of all deals; the clamp keeps the log finite.
        let p = if p.is_nan() { base_rate } else { p };
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        let y = if w { 1.0 } else { 0.0 };
        brier += (p - y) * (p - y);
        log_loss -= y * p.ln() + (1.0 - y) * (1.0 - p).ln();
        let band = ((p * bands as f64) as usize).min(bands - 1);
        if let Some(slot) = per_band.get_mut(band) {
            slot.0 += 1;
            slot.1 += p;
            slot.2 += usize::from(w);
        }
    }
    let reliability = per_band
        .iter()
        .enumerate()
        .map(|(b, &(deals, sum, wins))| ReliabilityBand {
            from: b as f64 / bands as f64,
            to: (b + 1) as f64 / bands as f64,
            deals,
            predicted: (deals > 0).then(|| sum / deals as f64),
            observed: (deals > 0).then(|| wins as f64 / deals as f64),
        })
        .collect();
    Validation {
        auc: auc(scores, won),
        brier: brier / n,
        log_loss: log_loss / n,
        reliability,
    }
}

fn check_knock_out(factor: Factor, below: f64, rows: &[Row]) -> KnockOutCheck {
    let (mut hit, mut hit_won, mut rest, mut rest_won) = (0usize, 0usize, 0usize, 0usize);
    for row in rows {
        let r = row.ratings[factor.index()];
        if !r.is_nan() && r < below {
            hit += 1;
            hit_won += usize::from(row.won);
        } else {
            rest += 1;
            rest_won += usize::from(row.won);
        }
    }
    let hit_win_rate = (hit > 0).then(|| hit_won as f64 / hit as f64);
    let rest_win_rate = (rest > 0).then(|| rest_won as f64 / rest as f64);
    KnockOutCheck {
        factor,
        below,
        hit,
        hit_win_rate,
        rest_win_rate,
        discriminates: matches!((hit_win_rate, rest_win_rate), (Some(h), Some(r)) if h < r),
    }
}

impl LearnReport {
    /// The report as readable lines in `language`.
    pub fn render(&self, language: Language) -> String {
        let zh = language == Language::Chinese;
        let t = |en: &'static str, cn: &'static str| if zh { cn } else { en };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} ({} {}), {} {}",
            t("Learned from closed deals", "从已结束的交易中学习"),
            self.deals,
            self.won,
            t("won", "赢单"),
            self.folds,
            t("folds", "折交叉验证")
        );
        if !self.refused.is_empty() {
            let _ = writeln!(
                out,
                "  {}: {}",
                t("Refused for bad ratings", "因评分无效而排除"),
                self.refused.len()
            );
        }
        if self.withdrawn_left_out > 0 {
            let _ = writeln!(
                out,
                "  {}: {}",
                t("Withdrawn, left out", "主动退出，未计入"),
                self.withdrawn_left_out
            );
        }
        let _ = writeln!(
            out,
            "  {:<10} {:>8} {:>8} {:>8}",
            "",
            "AUC",
            "Brier",
            t("log loss", "对数损失")
        );
        for (name, v) in [
            (t("current", "当前模型"), &self.current),
            (t("learned", "学习模型"), &self.learned),
        ] {
            let _ = writeln!(
                out,
                "  {name:<10} {:>8.4} {:>8.4} {:>8.4}",
                v.auc, v.brier, v.log_loss
            );
        }
        let _ = writeln!(
            out,
            "  {}:",
            t("Weights before -> after", "权重：调整前 -> 调整后")
        );
        for &factor in Factor::ALL {
            let _ = writeln!(
                out,
                "    {}: {:.2} -> {:.2}",
                factor.label(language),
                self.weights_before.get(factor),
                self.weights_after.get(factor)
            );
        }
        let _ = writeln!(
            out,
            "  {}: {:.2} -> {:.2}",
            t("Pass threshold", "通过线"),
            self.threshold_before,
            self.threshold_after
        );
        for k in &self.knock_outs {
            let rate = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{:.0}%", r * 100.0));
            let _ = writeln!(
                out,
                "  {} < {:.1}: {} {}, {} {} / {} {} -> {}",
                k.factor.label(language),
                k.below,
                k.hit,
                t("hit", "笔触发"),
                t("win rate", "赢单率"),
                rate(k.hit_win_rate),
                t("rest", "其余"),
                rate(k.rest_win_rate),
                if k.discriminates {
                    t("discriminates", "有区分力")
                } else {
                    t("does not discriminate", "无区分力")
                }
            );
        }
        out
    }
}
