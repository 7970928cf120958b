//! Learning the evaluation model from 100,000 closed deals with 10-fold
//! cross-validation, on one core: the nine weights by L2-regularised
//! logistic regression, the possibility curve, the pass threshold and the
//! cross-validated figures of the learned and the current model.
//!
//! Run: `cargo bench --bench learning`. With `TECHSALES_LEARNING_CSV=FILE`
//! set, the deals are also written to FILE (nine rating columns, empty
//! where unknown, then `won` 1/0) and the learned cross-validated AUC is
//! printed, for `benches/sklearn_compare.py` to compare with scikit-learn
//! on the same rows and folds.

use std::io::Write;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use techsales::grading::learn::{learn, ClosedDeal, LearnOptions};
use techsales::grading::{Factor, GradingConfig, Ratings, FACTOR_COUNT};

/// Closed deals learned from.
const DEALS: usize = 100_000;

/// The weights the deals are drawn from (on ratings centred at 5); two
/// factors do not count.
const TRUE_WEIGHTS: [f64; FACTOR_COUNT] = [0.5, 0.35, 0.3, 0.0, 0.2, 0.15, 0.25, 0.0, 0.1];

/// `DEALS` deals drawn from a logistic model with `TRUE_WEIGHTS`, one
/// rating in ten unknown; the same for every run.
fn deals() -> Vec<ClosedDeal> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..DEALS)
        .map(|_| {
            let mut ratings = [0.0; FACTOR_COUNT];
            for r in &mut ratings {
                *r = (next() * 11.0).floor().min(10.0);
            }
            let z: f64 = ratings
                .iter()
                .zip(&TRUE_WEIGHTS)
                .map(|(r, w)| (r - 5.0) * w)
                .sum();
            let won = next() < 1.0 / (1.0 + (-z).exp());
            let mut ratings = Ratings::from_array(ratings);
            for &factor in Factor::ALL {
                if next() < 0.1 {
                    *ratings.get_mut(factor) = f64::NAN;
                }
            }
            ClosedDeal::new(ratings, won)
        })
        .collect()
}

/// Writes the deals as CSV for the scikit-learn comparison.
fn write_csv(path: &str, deals: &[ClosedDeal]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let names: Vec<&str> = Factor::ALL.iter().map(|f| f.key()).collect();
    writeln!(out, "{},won", names.join(","))?;
    for deal in deals {
        for (_, r) in deal.ratings.iter() {
            if !r.is_nan() {
                write!(out, "{r}")?;
            }
            write!(out, ",")?;
        }
        let won = deal.outcome == techsales::key_account::Outcome::Won;
        writeln!(out, "{}", u8::from(won))?;
    }
    out.flush()
}

use techsales::Labelled;

fn learning(c: &mut Criterion) {
    let deals = deals();
    let config = GradingConfig::default();
    let options = LearnOptions::default();
    if let Ok(path) = std::env::var("TECHSALES_LEARNING_CSV") {
        write_csv(&path, &deals).expect("the CSV is written");
        let learned = learn(&deals, &config, &options).expect("the deals are learnable");
        eprintln!(
            "wrote {DEALS} deals to {path}; learned 10-fold AUC {:.4} (current model {:.4})",
            learned.report.learned.auc, learned.report.current.auc
        );
    }
    let mut group = c.benchmark_group("learning_100k");
    group.throughput(Throughput::Elements(DEALS as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("learn_10_fold", |b| {
        b.iter(|| learn(black_box(&deals), &config, &options).map(|l| l.report.learned.auc))
    });
    group.finish();
}

criterion_group!(benches, learning);
criterion_main!(benches);
