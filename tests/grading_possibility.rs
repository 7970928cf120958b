//! The possibility derived from the evaluation (issue 12, point 1) as
//! property tests: the score -> possibility mapping of a grading
//! configuration, default, configured or learned.

use proptest::prelude::*;
use techsales::grading::learn::{learn, ClosedDeal, LearnOptions};
use techsales::grading::{Grader, GradingConfig, PossibilityMapping, Ratings};

fn score() -> impl Strategy<Value = f64> {
    0.0..=10.0f64
}

fn mapping() -> impl Strategy<Value = PossibilityMapping> {
    prop_oneof![
        Just(PossibilityMapping::default()),
        (-20.0..20.0f64, 0.0..5.0f64).prop_map(|(a, b)| PossibilityMapping::from_curve([a, b])),
        // Extreme but valid curves: near-steps at the tails.
        (-1e300..1e300f64, 0.0..1e300f64).prop_map(|(a, b)| PossibilityMapping::from_curve([a, b])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Rule: the derived possibility is monotone non-decreasing in the
    /// evaluation score, for the default and any configured mapping.
    #[test]
    fn the_mapping_never_falls_as_the_score_rises(mapping in mapping(), a in score(), b in score()) {
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(mapping.possibility(low).unwrap() <= mapping.possibility(high).unwrap());
    }

    /// Rule: a derived possibility is always in [0, 1].
    #[test]
    fn a_derived_possibility_is_within_0_and_1(mapping in mapping(), s in score()) {
        let p = mapping.possibility(s).unwrap();
        prop_assert!((0.0..=1.0).contains(&p), "{p}");
    }

    /// Rule: unknown stays unknown: a score that could not be computed
    /// derives no possibility.
    #[test]
    fn an_unknown_score_derives_no_possibility(mapping in mapping()) {
        prop_assert_eq!(mapping.possibility(f64::NAN), None);
    }

    /// Rule: the learned configuration carries the learned curve, which
    /// loads, derives monotonely and agrees with the report.
    #[test]
    fn the_learned_curve_is_the_learned_graders_mapping(
        deals in prop::collection::vec((0.0..=10.0f64, any::<bool>()), 40..120),
        a in score(), b in score(),
    ) {
        let deals: Vec<ClosedDeal> = deals
            .iter()
            .map(|&(r, won)| ClosedDeal::new(Ratings::uniform(r), won))
            .collect();
        let Ok(learned) = learn(&deals, &GradingConfig::default(), &LearnOptions::default()) else {
            return Ok(()); // refused (e.g. one outcome only): nothing to check
        };
        let json = serde_json::to_string(&learned.config).unwrap();
        let grader = Grader::from_json(&json).unwrap();
        let mapping = grader.config().possibility;
        let curve = learned.report.possibility_curve;
        if curve.iter().all(|v| v.is_finite()) && curve[1] >= 0.0 {
            prop_assert_eq!(mapping, PossibilityMapping::from_curve(curve));
        }
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(mapping.possibility(low).unwrap() <= mapping.possibility(high).unwrap());
    }
}
