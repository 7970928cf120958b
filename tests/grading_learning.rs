//! Learning the evaluation model from closed deals (grading::learn), as
//! executable rules.

use proptest::prelude::*;
use techsales::grading::learn::{learn, ClosedDeal, LearnError, LearnOptions};
use techsales::grading::{Factor, FactorValues, Grader, GradingConfig, Ratings, FACTOR_COUNT};
use techsales::key_account::Outcome;

/// Deals drawn from a logistic model with `weights` (on ratings centred at
/// 5), deterministic for a seed; a share of ratings unknown.
fn synthetic(n: usize, weights: [f64; FACTOR_COUNT], seed: u64) -> Vec<ClosedDeal> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let ratings: [f64; FACTOR_COUNT] = std::array::from_fn(|_| (next() * 10.0).floor());
            let z: f64 = ratings
                .iter()
                .zip(&weights)
                .map(|(r, w)| (r - 5.0) * w)
                .sum();
            let won = next() < 1.0 / (1.0 + (-z).exp());
            let mut ratings = FactorValues::from_array(ratings);
            if next() < 0.2 {
                *ratings.get_mut(Factor::ALL[(next() * 9.0) as usize % 9]) = f64::NAN;
            }
            ClosedDeal::new(ratings, won)
        })
        .collect()
}

const TRUE_WEIGHTS: [f64; FACTOR_COUNT] = [0.9, 0.0, 0.6, 0.0, 0.3, 0.0, 0.45, 0.0, 0.15];

/// On deals drawn from known weights, learning recovers which factors
/// count (the zero-weight ones get the smallest weights), the order of the
/// ones that count, and its cross-validated AUC is at least the default
/// model's on the same folds.
#[test]
fn learning_recovers_the_sign_and_order_of_known_weights() {
    let deals = synthetic(3000, TRUE_WEIGHTS, 7);
    let learned = learn(&deals, &GradingConfig::default(), &LearnOptions::default()).unwrap();
    let w = learned.report.weights_after.to_array();
    let counting: Vec<usize> = (0..FACTOR_COUNT)
        .filter(|&f| TRUE_WEIGHTS[f] > 0.0)
        .collect();
    let zero: Vec<usize> = (0..FACTOR_COUNT)
        .filter(|&f| TRUE_WEIGHTS[f] == 0.0)
        .collect();
    let smallest_counting = counting.iter().map(|&f| w[f]).fold(f64::INFINITY, f64::min);
    for &f in &zero {
        assert!(w[f] < smallest_counting, "factor {f}: {w:?}");
    }
    let mut by_learned = counting.clone();
    by_learned.sort_by(|&a, &b| w[b].total_cmp(&w[a]));
    let mut by_true = counting;
    by_true.sort_by(|&a, &b| TRUE_WEIGHTS[b].total_cmp(&TRUE_WEIGHTS[a]));
    assert_eq!(by_learned, by_true, "{w:?}");
    assert!(
        learned.report.learned.auc >= learned.report.current.auc,
        "{} < {}",
        learned.report.learned.auc,
        learned.report.current.auc
    );
    let total: f64 = w.iter().sum();
    assert!((total - 10.0).abs() < 1e-9);
}

/// Learning is deterministic: the same deals give byte-identical JSON.
#[test]
fn learning_is_deterministic() {
    let deals = synthetic(500, TRUE_WEIGHTS, 11);
    let once = learn(&deals, &GradingConfig::default(), &LearnOptions::default()).unwrap();
    let twice = learn(&deals, &GradingConfig::default(), &LearnOptions::default()).unwrap();
    assert_eq!(
        serde_json::to_string(&once).unwrap(),
        serde_json::to_string(&twice).unwrap()
    );
}

/// The learned configuration loads with `Grader::from_json` and grades.
#[test]
fn the_learned_configuration_loads_and_grades() {
    let deals = synthetic(400, TRUE_WEIGHTS, 3);
    let learned = learn(&deals, &GradingConfig::default(), &LearnOptions::default()).unwrap();
    let grader = Grader::from_json(&serde_json::to_string(&learned.config).unwrap()).unwrap();
    let evaluation = grader.evaluate(&Ratings::uniform(8.0)).unwrap();
    assert!(evaluation.score.is_finite());
    assert_eq!(
        grader.config().evaluation.pass_threshold,
        learned.report.threshold_after
    );
    let text = learned.report.render(techsales::labels::Language::English);
    assert!(text.contains("Pass threshold"), "{text}");
    let zh = learned.report.render(techsales::labels::Language::Chinese);
    assert!(zh.contains("通过线"), "{zh}");
}

/// Too few deals, or one outcome only, is refused with an error that says
/// so; a deal with an out-of-range rating is listed and the rest are used.
#[test]
fn refusals_say_what_is_wrong() {
    let options = LearnOptions::default();
    let few = synthetic(10, TRUE_WEIGHTS, 1);
    assert!(matches!(
        learn(&few, &GradingConfig::default(), &options),
        Err(LearnError::TooFewDeals { usable: 10, .. })
    ));
    let all_won: Vec<_> = synthetic(100, TRUE_WEIGHTS, 1)
        .into_iter()
        .map(|d| ClosedDeal::new(d.ratings, true))
        .collect();
    assert!(matches!(
        learn(&all_won, &GradingConfig::default(), &options),
        Err(LearnError::OneOutcome { won: true })
    ));
    let mut deals = synthetic(200, TRUE_WEIGHTS, 1);
    deals[5].ratings.capital_status = 11.0;
    deals[9].ratings.project_level = f64::INFINITY;
    let learned = learn(&deals, &GradingConfig::default(), &options).unwrap();
    let refused: Vec<_> = learned
        .report
        .refused
        .iter()
        .map(|r| (r.index, r.factor))
        .collect();
    assert_eq!(
        refused,
        vec![(5, Factor::CapitalStatus), (9, Factor::ProjectLevel)]
    );
    assert_eq!(learned.report.deals, 198);
}

/// A withdrawn deal is left out by default and counts as lost when the
/// options say so.
#[test]
fn withdrawn_deals_are_left_out_unless_counted_as_lost() {
    let mut deals = synthetic(300, TRUE_WEIGHTS, 5);
    for deal in deals.iter_mut().step_by(10) {
        deal.outcome = Outcome::Withdrawn;
    }
    let config = GradingConfig::default();
    let left_out = learn(&deals, &config, &LearnOptions::default()).unwrap();
    assert_eq!(
        (left_out.report.deals, left_out.report.withdrawn_left_out),
        (270, 30)
    );
    let options = LearnOptions {
        withdrawn_as_lost: true,
        ..LearnOptions::default()
    };
    let as_lost = learn(&deals, &config, &options).unwrap();
    assert_eq!(
        (as_lost.report.deals, as_lost.report.withdrawn_left_out),
        (300, 0)
    );
    assert_eq!(as_lost.report.won, left_out.report.won);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// The learned score -> possibility mapping never falls as the score
    /// rises, also when history runs against the score (outcomes flipped).
    #[test]
    fn the_possibility_curve_is_monotone(seed in 0u64..1000, flipped: bool) {
        let mut deals = synthetic(300, TRUE_WEIGHTS, seed);
        if flipped {
            deals.iter_mut().for_each(|d| *d = ClosedDeal::new(d.ratings, d.outcome != Outcome::Won));
        }
        let learned = learn(&deals, &GradingConfig::default(), &LearnOptions::default()).unwrap();
        let [a, b] = learned.report.possibility_curve;
        let possibility = |score: f64| 1.0 / (1.0 + (-(a + b * score)).exp());
        for step in 0..100 {
            let (low, high) = (f64::from(step) / 10.0, f64::from(step + 1) / 10.0);
            prop_assert!(possibility(high) >= possibility(low), "curve [{a}, {b}] falls at {low}");
        }
    }
}
