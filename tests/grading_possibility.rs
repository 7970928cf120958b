//! The possibility derived from the evaluation (issue 12, point 1) as
//! property tests: the score -> possibility mapping of a grading
//! configuration, default, configured or learned, and where the
//! possibility a grade rests on comes from: a given one is graded as given,
//! a missing one is derived from the evaluation score, and what cannot be
//! derived stays unknown.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use techsales::grading::learn::{learn, ClosedDeal, LearnOptions};
use techsales::grading::{
    day_number, ColumnInput, ColumnOutput, FactorValues, Grader, GradingConfig, ItemStatus,
    Opportunity, PossibilityMapping, PossibilitySource, Ratings, FACTOR_COUNT,
};
use techsales::labels::Language;
use techsales::Labelled;

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

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()
}

/// Ratings within 0-10, some unknown (NaN), now and then all unknown.
fn ratings() -> impl Strategy<Value = Ratings> {
    let rating = prop_oneof![4 => (0..=20).prop_map(|k| f64::from(k) / 2.0), 1 => Just(f64::NAN)];
    prop_oneof![
        9 => proptest::array::uniform9(rating).prop_map(FactorValues::from_array),
        1 => Just(Ratings::from_array([f64::NAN; FACTOR_COUNT])),
    ]
}

/// The default curve, or another monotone one.
fn any_mapping() -> impl Strategy<Value = PossibilityMapping> {
    prop_oneof![
        Just(PossibilityMapping::default()),
        (-12.0..4.0f64, 0.0..3.0f64, 0.0..=1.0f64).prop_map(|(intercept, slope, strong)| {
            PossibilityMapping {
                intercept,
                slope,
                strong_disagreement: strong,
            }
        }),
    ]
}

fn grader(mapping: PossibilityMapping) -> Grader {
    Grader::new(GradingConfig {
        possibility: mapping,
        ..GradingConfig::default()
    })
    .unwrap()
}

fn opportunity(ratings: Ratings, days: u64, possibility: Option<f64>) -> Opportunity {
    Opportunity {
        ratings,
        expected_close: as_of() + Days::new(days),
        possibility,
    }
}

proptest! {
    #![proptest_config(config())]

    /// Leaving the possibility out grades exactly as giving the one the
    /// score derives.
    #[test]
    fn no_possibility_grades_as_the_derived_one(
        ratings in ratings(), days in 0u64..600, mapping in any_mapping(),
    ) {
        let grader = grader(mapping);
        let without = grader.grade(&opportunity(ratings, days, None), as_of()).unwrap();
        prop_assert_eq!(without.derived_possibility, mapping.possibility(without.evaluation.score));
        if let Some(derived) = without.derived_possibility {
            let with = grader
                .grade(&opportunity(ratings, days, Some(derived)), as_of())
                .unwrap();
            prop_assert_eq!(with.grade, without.grade);
            prop_assert_eq!(with.evaluation.score.to_bits(), without.evaluation.score.to_bits());
            prop_assert!(!with.possibility_disagrees);
        }
    }

    /// The source is "given" exactly when one was given, "derived" when
    /// none was and the score is known, "unknown" otherwise; an unknown
    /// possibility is never graded.
    #[test]
    fn the_source_says_where_the_possibility_came_from(
        ratings in ratings(), days in 0u64..600, given in prop::option::of(0.0..=1.0f64),
    ) {
        let a = Grader::default().grade(&opportunity(ratings, days, given), as_of()).unwrap();
        let score_known = !a.evaluation.score.is_nan();
        let expected = match (given, score_known) {
            (Some(_), _) => PossibilitySource::Given,
            (None, true) => PossibilitySource::Derived,
            (None, false) => PossibilitySource::Unknown,
        };
        prop_assert_eq!(a.possibility_source, expected);
        match expected {
            PossibilitySource::Given => prop_assert_eq!(a.possibility, given),
            PossibilitySource::Derived => prop_assert_eq!(a.possibility, a.derived_possibility),
            PossibilitySource::Unknown => {
                prop_assert_eq!(a.possibility, None);
                prop_assert_eq!(a.grade, None);
            }
        }
        prop_assert_eq!(a.derived_possibility.is_some(), score_known);
    }

    /// A given and the derived possibility are flagged as disagreeing
    /// exactly when they lie at least the configured gap apart, and the
    /// explanation then says so in either language.
    #[test]
    fn a_strong_disagreement_is_flagged_and_explained(
        ratings in ratings(), days in 0u64..600, given in 0.0..=1.0f64, mapping in any_mapping(),
    ) {
        let grader = grader(mapping);
        let e = grader.explain(&opportunity(ratings, days, Some(given)), as_of()).unwrap();
        let expected = e
            .derived_possibility
            .is_some_and(|d| (given - d).abs() >= mapping.strong_disagreement);
        prop_assert_eq!(e.possibility_disagrees, expected);
        prop_assert_eq!(e.render(Language::English).contains("disagree strongly"), expected);
        prop_assert_eq!(e.render(Language::Chinese).contains("相差较大"), expected);
    }

    /// Every explanation names the possibility's source, in the text of
    /// both languages and in the JSON.
    #[test]
    fn every_explanation_names_the_possibility_source(
        ratings in ratings(), days in 0u64..600, given in prop::option::of(0.0..=1.0f64),
    ) {
        let e = Grader::default().explain(&opportunity(ratings, days, given), as_of()).unwrap();
        let (english, chinese) = match e.possibility_source {
            PossibilitySource::Given => ("given", "给定"),
            PossibilitySource::Derived => ("derived from the evaluation score", "由评估得分推算"),
            PossibilitySource::Unknown => ("too little is known to derive it", "已知信息不足以推算"),
        };
        prop_assert!(e.render(Language::English).contains(english));
        prop_assert!(e.render(Language::Chinese).contains(chinese));
        let json = serde_json::to_value(&e).unwrap();
        prop_assert_eq!(&json["possibility_source"], e.possibility_source.key());
    }

    /// In a column batch a NaN possibility is none given: each item is
    /// what grading it alone without a possibility gives.
    #[test]
    fn a_nan_in_the_possibility_column_is_none_given(
        rows in prop::collection::vec((ratings(), 0u64..600, prop::option::of(0.0..=1.0f64)), 1..40),
    ) {
        let grader = Grader::default();
        let columns: [Vec<f64>; FACTOR_COUNT] =
            std::array::from_fn(|j| rows.iter().map(|(r, _, _)| r.to_array()[j]).collect());
        let close: Vec<i32> = rows
            .iter()
            .map(|(_, days, _)| day_number(as_of() + Days::new(*days)))
            .collect();
        let possibility: Vec<f64> = rows.iter().map(|(_, _, p)| p.unwrap_or(f64::NAN)).collect();
        let input = ColumnInput {
            ratings: std::array::from_fn(|j| columns[j].as_slice()),
            close_day: &close,
            possibility: &possibility,
        };
        let n = rows.len();
        let (mut status, mut grade, mut score) = (vec![ItemStatus::Graded; n], vec![None; n], vec![0.0; n]);
        grader
            .grade_columns(
                as_of(),
                &input,
                &mut ColumnOutput { status: &mut status, grade: &mut grade, score: &mut score },
            )
            .unwrap();
        for (i, (ratings, days, given)) in rows.iter().enumerate() {
            let one = grader.grade(&opportunity(*ratings, *days, *given), as_of()).unwrap();
            prop_assert_eq!(grade[i], one.grade, "row {}", i);
            prop_assert_eq!(status[i], ItemStatus::from_verdict(one.evaluation.verdict));
        }
    }
}
