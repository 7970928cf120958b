//! The rules of A-D opportunity grading (DOMAIN.md section 4) as property
//! tests, each run against random valid configurations as well as the
//! defaults.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use techsales::grading::{
    day_number, BatchResult, ColumnInput, ColumnOutput, EvaluationModel, Factor, FactorValues,
    Grade, GradeBand, GradeError, GradeTable, Grader, GradingConfig, HorizonUnit, ItemStatus,
    KnockOut, Opportunity, PolicyTable, Ratings, UnknownRatings, Verdict, FACTOR_COUNT,
};

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

// ---- strategies -------------------------------------------------------

fn valid_rating() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(10.0),
        (0..=20).prop_map(|k| f64::from(k) / 2.0),
        0.0..=10.0,
    ]
}

fn any_rating() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => valid_rating(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => -1e6..1e6,
        1 => any::<f64>(),
    ]
}

fn ratings(rating: impl Strategy<Value = f64>) -> impl Strategy<Value = Ratings> {
    proptest::array::uniform9(rating).prop_map(FactorValues::from_array)
}

fn valid_possibility() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::sample::select(vec![0.0, 0.3, 0.5, 0.7, 1.0]),
        0.0..=1.0,
    ]
}

/// A valid possibility given, or none (derived from the score).
fn given_or_derived() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![3 => valid_possibility().prop_map(Some), 1 => Just(None)]
}

/// A possibility given or not (`None`: derived from the score), valid or
/// not.
fn any_possibility() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        4 => valid_possibility().prop_map(Some),
        1 => Just(None),
        1 => Just(Some(f64::NAN)),
        1 => Just(Some(f64::INFINITY)),
        1 => (-2.0..3.0).prop_map(Some),
    ]
}

/// An opportunity's possibility as a column cell: NaN when none is given
/// (derived), and a given NaN as infinity, refused the same way.
fn cell(possibility: Option<f64>) -> f64 {
    match possibility {
        None => f64::NAN,
        Some(p) if p.is_nan() => f64::INFINITY,
        Some(p) => p,
    }
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    (0u64..3650).prop_map(move |d| start + Days::new(d))
}

fn shifted(date: NaiveDate, days: i64) -> NaiveDate {
    date + chrono::TimeDelta::days(days)
}

fn model() -> BoxedStrategy<EvaluationModel> {
    let weights = proptest::array::uniform9(prop_oneof![Just(0.0), 0.0..=10.0]);
    let knock_outs = proptest::array::uniform9(prop::option::weighted(
        0.3,
        prop_oneof![Just(10.0), 0.01..=10.0],
    ));
    let penalties = proptest::array::uniform9(prop::option::weighted(0.3, 0.5..=10.0));
    let unknowns = (prop::option::of(valid_rating()), 1u8..=9)
        .prop_map(|(neutral, min_known)| UnknownRatings { neutral, min_known });
    (
        (weights, 0.0..=10.0, 0.0..=1.0),
        (knock_outs, penalties, unknowns),
    )
        .prop_filter("some weight counts", |((w, ..), _)| {
            w.iter().sum::<f64>() > 0.0
        })
        .prop_map(
            |((weights, pass_threshold, give_up_share), (floors, penalties, unknowns))| {
                EvaluationModel {
                    weights: FactorValues::from_array(weights),
                    pass_threshold,
                    give_up_below: pass_threshold * give_up_share,
                    knock_outs: Factor::ALL
                        .iter()
                        .zip(floors.iter().zip(penalties))
                        .filter_map(|(&factor, (below, penalty))| {
                            below.map(|below| KnockOut {
                                factor,
                                below,
                                penalty,
                            })
                        })
                        .collect(),
                    unknowns,
                }
            },
        )
        .boxed()
}

fn table() -> impl Strategy<Value = GradeTable> {
    let unit = prop::sample::select(vec![HorizonUnit::Days, HorizonUnit::Months]);
    (
        unit,
        proptest::array::uniform3(0u32..400),
        proptest::array::uniform3(prop_oneof![0.0..=1.0, Just(0.5)]),
        any::<bool>(),
    )
        .prop_map(|(unit, mut within, mut mins, allow_past_close_date)| {
            within.sort_unstable();
            if unit == HorizonUnit::Months {
                within = within.map(|w| w / 20);
            }
            mins.sort_by(|a: &f64, b: &f64| b.total_cmp(a));
            let band = |i: usize| GradeBand {
                within: within[i],
                min_possibility: mins[i],
            };
            GradeTable {
                unit,
                a: band(0),
                b: band(1),
                c: band(2),
                allow_past_close_date,
            }
        })
        .prop_filter("bands differ", |t| t.a != t.b && t.b != t.c)
}

fn grader() -> impl Strategy<Value = Grader> {
    prop_oneof![
        1 => Just(Grader::default()),
        3 => (model(), table()).prop_map(|(evaluation, table)| {
            Grader::new(GradingConfig {
                evaluation,
                table,
                policies: PolicyTable::default(),
                ..GradingConfig::default()
            })
            .expect("generated configurations are valid")
        }),
    ]
}

fn opportunity(
    ratings: impl Strategy<Value = Ratings>,
    possibility: impl Strategy<Value = Option<f64>>,
    as_of: NaiveDate,
) -> impl Strategy<Value = Opportunity> {
    (ratings, -400i64..1200, possibility).prop_map(move |(ratings, days, possibility)| {
        Opportunity {
            ratings,
            expected_close: shifted(as_of, days),
            possibility,
        }
    })
}

/// A grader, an as-of date and a list of opportunities of any quality.
fn batch() -> impl Strategy<Value = (Grader, NaiveDate, Vec<Opportunity>)> {
    batch_of(any_rating().boxed())
}

/// A batch with every rating known (no NaN), bad ones included: the whole
/// blocks the column form scores in one pass.
fn known_batch() -> impl Strategy<Value = (Grader, NaiveDate, Vec<Opportunity>)> {
    batch_of(any_rating().prop_filter("known", |r| !r.is_nan()).boxed())
}

fn batch_of(
    rating: BoxedStrategy<f64>,
) -> impl Strategy<Value = (Grader, NaiveDate, Vec<Opportunity>)> {
    (grader(), date()).prop_flat_map(move |(grader, as_of)| {
        let item = opportunity(ratings(rating.clone()), any_possibility(), as_of);
        (
            Just(grader),
            Just(as_of),
            // Past one block of the column form (64 items) and into the next.
            prop::collection::vec(item, 0..150),
        )
    })
}

/// Ratings that pass every model: the top of every scale is above every
/// threshold and no knock-out floor exceeds it.
fn top_ratings() -> Ratings {
    Ratings::uniform(10.0)
}

fn grade_of(grader: &Grader, opportunity: &Opportunity, as_of: NaiveDate) -> Grade {
    grader
        .grade(opportunity, as_of)
        .expect("valid input")
        .grade
        .expect("top ratings pass")
}

// ---- properties -------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Grading is total: every valid input gets an assessment (a grade
    /// exactly when it passes evaluation), and every invalid input a clear
    /// error naming its first fault, checked in the order ratings,
    /// possibility, close date.
    #[test]
    fn grading_is_total(
        grader in grader(),
        as_of in date(),
        ratings in ratings(any_rating()),
        days in -400i64..1200,
        possibility in any_possibility(),
    ) {
        let deal = Opportunity { ratings, expected_close: shifted(as_of, days), possibility };
        // NaN is an unknown rating, not a bad one.
        let first_bad_rating = ratings
            .iter()
            .find(|(_, r)| !r.is_nan() && !(0.0..=10.0).contains(r));
        let possibility_ok = possibility.map_or(true, |p| (0.0..=1.0).contains(&p));
        let date_ok = days >= 0 || grader.config().table.allow_past_close_date;
        match grader.grade(&deal, as_of) {
            Ok(assessment) => {
                prop_assert!(first_bad_rating.is_none() && possibility_ok && date_ok);
                prop_assert_eq!(assessment.grade.is_some(), assessment.evaluation.passed());
                prop_assert_eq!(assessment.days_to_close, days);
            }
            Err(error) => {
                prop_assert!(!error.to_string().is_empty());
                match (first_bad_rating, error) {
                    (Some((factor, _)), GradeError::RatingNotFinite { factor: f, .. })
                    | (Some((factor, _)), GradeError::RatingOutOfRange { factor: f, .. }) => {
                        prop_assert_eq!(factor, f);
                    }
                    (None, GradeError::PossibilityNotFinite { .. })
                    | (None, GradeError::PossibilityOutOfRange { .. }) => {
                        prop_assert!(!possibility_ok);
                    }
                    (None, GradeError::CloseDateInPast { expected_close, as_of: at }) => {
                        prop_assert!(possibility_ok && !date_ok);
                        prop_assert_eq!((expected_close, at), (deal.expected_close, as_of));
                    }
                    (bad, other) => prop_assert!(false, "unexpected {other:?} for {bad:?}"),
                }
            }
        }
    }

    /// Raising the transaction possibility never lowers the grade.
    #[test]
    fn grade_never_drops_when_possibility_rises(
        grader in grader(),
        as_of in date(),
        days in 0i64..1200,
        p in valid_possibility(),
        q in valid_possibility(),
    ) {
        let (low, high) = if p <= q { (p, q) } else { (q, p) };
        let deal = |possibility| Opportunity {
            ratings: top_ratings(),
            expected_close: shifted(as_of, days),
            possibility: Some(possibility),
        };
        let before = grade_of(&grader, &deal(low), as_of);
        let after = grade_of(&grader, &deal(high), as_of);
        prop_assert!(after <= before, "{low} -> {before:?}, {high} -> {after:?}");
    }

    /// Bringing the expected close date nearer never lowers the grade
    /// (including past dates, where the table allows them).
    #[test]
    fn grade_never_drops_when_close_date_nears(
        grader in grader(),
        as_of in date(),
        d in -400i64..1200,
        e in -400i64..1200,
        possibility in given_or_derived(),
    ) {
        let earliest = if grader.config().table.allow_past_close_date { -400 } else { 0 };
        let (near, far) = (d.min(e).max(earliest), d.max(e).max(earliest));
        let deal = |days| Opportunity {
            ratings: top_ratings(),
            expected_close: shifted(as_of, days),
            possibility,
        };
        let far_grade = grade_of(&grader, &deal(far), as_of);
        let near_grade = grade_of(&grader, &deal(near), as_of);
        prop_assert!(near_grade <= far_grade, "{far} -> {far_grade:?}, {near} -> {near_grade:?}");
    }

    /// A hard knock-out always fails the project (and gives it up),
    /// whatever the other ratings and the score.
    #[test]
    fn knock_out_always_fails(
        model in model()
            .prop_map(|mut m| {
                m.knock_outs.retain(|k| k.penalty.is_none());
                m.unknowns.min_known = 1;
                m
            })
            .prop_filter("has a hard knock-out", |m| !m.knock_outs.is_empty()),
        pick in any::<prop::sample::Index>(),
        depth in 0.0..0.999f64,
        others in ratings(valid_rating()),
    ) {
        let knock_out = *pick.get(&model.knock_outs);
        let ratings = others.with(knock_out.factor, knock_out.below * depth);
        let grader = Grader::new(GradingConfig { evaluation: model, ..GradingConfig::default() })
            .expect("valid");
        let evaluation = grader.evaluate(&ratings).expect("valid ratings");
        prop_assert_eq!(evaluation.verdict, Verdict::GiveUp);
        prop_assert!(evaluation.knocked_out.contains(knock_out.factor));
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let deal = Opportunity { ratings, expected_close: as_of, possibility: Some(1.0) };
        prop_assert_eq!(grader.grade(&deal, as_of).expect("valid").grade, None);
    }

    /// Passing follows the score: a project at or above the pass threshold
    /// with no knock-out passes, one below it never does, and raising any
    /// one rating never turns a pass into a failure.
    #[test]
    fn pass_follows_the_score_and_survives_a_higher_rating(
        model in model(),
        ratings in ratings(valid_rating()),
        factor in 0..Factor::ALL.len(),
        bump in 0.0..=10.0f64,
    ) {
        let grader = Grader::new(GradingConfig { evaluation: model.clone(), ..GradingConfig::default() })
            .expect("valid");
        let e = grader.evaluate(&ratings).expect("valid ratings");
        if e.knocked_out.is_empty() && e.score >= model.pass_threshold {
            prop_assert_eq!(e.verdict, Verdict::Pass);
        }
        if e.score < model.pass_threshold {
            prop_assert_ne!(e.verdict, Verdict::Pass);
        }
        let mut raised = ratings.to_array();
        raised[factor] = (raised[factor] + bump).min(10.0);
        let after = grader.evaluate(&Ratings::from_array(raised)).expect("valid ratings");
        prop_assert!(after.score >= e.score);
        if e.verdict == Verdict::Pass {
            prop_assert_eq!(after.verdict, Verdict::Pass);
        }
    }

    /// The contributions less the soft knock-outs' penalty add up to the
    /// score (which stays at 0 or more), and each is the rating times the
    /// factor's share of the total weight when every rating is known.
    #[test]
    fn contributions_add_up_to_the_score(
        model in model(),
        ratings in ratings(valid_rating()),
    ) {
        let total: f64 = model.weights.to_array().iter().sum();
        let grader = Grader::new(GradingConfig { evaluation: model.clone(), ..GradingConfig::default() })
            .expect("valid");
        let e = grader.evaluate(&ratings).expect("valid ratings");
        prop_assume!(e.verdict != Verdict::NotEnoughKnown);
        let in_order: f64 = e.contributions.to_array().iter().sum();
        let expected_score = (in_order - e.penalty).max(0.0);
        prop_assert!((expected_score - e.score).abs() <= 1e-12, "{in_order} - {} vs {}", e.penalty, e.score);
        prop_assert!((0.0..=10.0 + 1e-12).contains(&e.score));
        for factor in Factor::ALL {
            let expected = ratings.get(*factor) * model.weights.get(*factor) / total;
            prop_assert!((e.contributions.get(*factor) - expected).abs() <= 1e-12);
        }
    }

    /// The explanation agrees with the grading: the grade given is the
    /// first band met (D if none) for a project that passed, and the
    /// knock-outs and contributions are the evaluation's.
    #[test]
    fn explanation_agrees_with_the_grade(
        grader in grader(),
        as_of in date(),
        ratings in ratings(valid_rating()),
        days in 0i64..1200,
        possibility in given_or_derived(),
    ) {
        let deal = Opportunity { ratings, expected_close: shifted(as_of, days), possibility };
        let assessment = grader.grade(&deal, as_of).expect("valid input");
        let explanation = grader.explain(&deal, as_of).expect("valid input");
        prop_assert_eq!(explanation.grade, assessment.grade);
        prop_assert_eq!(explanation.score, assessment.evaluation.score);
        prop_assert_eq!(explanation.knocked_out, assessment.evaluation.knocked_out);
        let first_met = explanation.bands.iter().find(|b| b.met()).map_or(Grade::D, |b| b.grade);
        prop_assert_eq!(explanation.table_grade, first_met);
        if assessment.evaluation.passed() {
            prop_assert_eq!(assessment.grade, Some(first_met));
            prop_assert_eq!(explanation.policy, Some(grader.policy(first_met)));
        }
        if explanation.verdict != Verdict::NotEnoughKnown {
            let sum: f64 = explanation.factors.iter().map(|f| f.contribution).sum();
            prop_assert!(((sum - explanation.penalty).max(0.0) - explanation.score).abs() <= 1e-12);
        }
    }

    /// Regrading at a later as-of date reports a change exactly when the
    /// grade differs, from the old grade to the new.
    #[test]
    fn regrading_reports_every_change(
        grader in grader(),
        as_of in date(),
        later_by in 0u64..400,
        ratings in ratings(valid_rating()),
        days in 400i64..1200,
        possibility in given_or_derived(),
    ) {
        let deal = Opportunity { ratings, expected_close: shifted(as_of, days), possibility };
        let first = grader.grade(&deal, as_of).expect("valid");
        let later = as_of + Days::new(later_by);
        let regrade = grader.regrade(&first, &deal, later).expect("close date still ahead");
        prop_assert_eq!(regrade.assessment, grader.grade(&deal, later).expect("valid"));
        match regrade.change {
            Some(change) => {
                prop_assert_eq!((change.from, change.to), (first.grade, regrade.assessment.grade));
                prop_assert_eq!((change.previous_as_of, change.as_of), (as_of, later));
                prop_assert_ne!(change.from, change.to);
            }
            None => prop_assert_eq!(first.grade, regrade.assessment.grade),
        }
    }

    /// Configurations and results survive a serde round trip unchanged.
    #[test]
    fn serde_round_trip_is_lossless(
        grader in grader(),
        as_of in date(),
        ratings in ratings(valid_rating()),
        days in 0i64..1200,
        possibility in given_or_derived(),
    ) {
        let json = serde_json::to_string(&grader).unwrap();
        prop_assert_eq!(&Grader::from_json(&json).unwrap(), &grader);
        prop_assert_eq!(&serde_json::from_str::<Grader>(&json).unwrap(), &grader);

        let deal = Opportunity { ratings, expected_close: shifted(as_of, days), possibility };
        let json = serde_json::to_string(&deal).unwrap();
        prop_assert_eq!(serde_json::from_str::<Opportunity>(&json).unwrap(), deal);

        let assessment = grader.grade(&deal, as_of).unwrap();
        let json = serde_json::to_string(&assessment).unwrap();
        prop_assert_eq!(serde_json::from_str::<techsales::grading::Assessment>(&json).unwrap(), assessment);

        let explanation = grader.explain(&deal, as_of).unwrap();
        let json = serde_json::to_string(&explanation).unwrap();
        prop_assert_eq!(serde_json::from_str::<techsales::grading::Explanation>(&json).unwrap(), explanation);

        let result = BatchResult::from_result(&Ok(assessment));
        let json = serde_json::to_string(&result).unwrap();
        prop_assert_eq!(serde_json::from_str::<BatchResult>(&json).unwrap(), result);
    }
}

proptest! {
    // Fewer cases: each holds up to 150 items, and generating them is the
    // slow part.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Batch results, in both the slice-of-structs and the column form,
    /// equal the one-by-one results, bad items included.
    #[test]
    fn batch_equals_one_by_one((grader, as_of, opportunities) in batch()) {
        check_batch(&grader, as_of, &opportunities)?;
    }

    /// The same with every rating known, where whole blocks take the
    /// column form's one-pass arithmetic.
    #[test]
    fn batch_with_every_rating_known_equals_one_by_one(
        (grader, as_of, opportunities) in known_batch(),
    ) {
        check_batch(&grader, as_of, &opportunities)?;
    }
}

/// Grades `opportunities` one by one, as a slice of structs and as columns,
/// and checks that all three agree, summary included.
fn check_batch(
    grader: &Grader,
    as_of: NaiveDate,
    opportunities: &[Opportunity],
) -> Result<(), TestCaseError> {
    let one_by_one: Vec<_> = opportunities
        .iter()
        .map(|o| BatchResult::from_result(&grader.grade(o, as_of)))
        .collect();
    let all = grader.grade_all(opportunities, as_of);

    let n = opportunities.len();
    let columns: Vec<Vec<f64>> = Factor::ALL
        .iter()
        .map(|&f| opportunities.iter().map(|o| o.ratings.get(f)).collect())
        .collect();
    let close_day: Vec<i32> = opportunities
        .iter()
        .map(|o| day_number(o.expected_close))
        .collect();
    let possibility: Vec<f64> = opportunities.iter().map(|o| cell(o.possibility)).collect();
    let input = ColumnInput {
        ratings: std::array::from_fn::<_, FACTOR_COUNT, _>(|i| columns[i].as_slice()),
        close_day: &close_day,
        possibility: &possibility,
    };
    let mut status = vec![ItemStatus::Graded; n];
    let mut grade = vec![None; n];
    let mut score = vec![0.0; n];
    let summary = grader
        .grade_columns(
            as_of,
            &input,
            &mut ColumnOutput {
                status: &mut status,
                grade: &mut grade,
                score: &mut score,
            },
        )
        .expect("lengths match");

    for (i, expected) in one_by_one.iter().enumerate() {
        prop_assert!(
            all[i].same_as(expected),
            "item {i}: {:?} vs {expected:?}",
            all[i]
        );
        let column = BatchResult {
            status: status[i],
            grade: grade[i],
            score: score[i],
        };
        prop_assert!(
            column.same_as(expected),
            "item {i}: {column:?} vs {expected:?}"
        );
    }
    let graded = one_by_one
        .iter()
        .filter(|r| r.status == ItemStatus::Graded)
        .count();
    let invalid = one_by_one.iter().filter(|r| r.status.is_error()).count();
    let unknown = one_by_one
        .iter()
        .filter(|r| r.status == ItemStatus::NotEnoughKnown)
        .count();
    prop_assert_eq!(
        (
            summary.graded,
            summary.invalid,
            summary.not_enough_known,
            summary.failed
        ),
        (graded, invalid, unknown, n - graded - invalid - unknown)
    );
    Ok(())
}

// ---- unknown ratings ----------------------------------------------------

fn rating_or_unknown() -> impl Strategy<Value = f64> {
    prop_oneof![3 => valid_rating(), 1 => Just(f64::NAN)]
}

fn grader_with(unknowns: UnknownRatings) -> impl Strategy<Value = Grader> {
    model().prop_map(move |evaluation| {
        Grader::new(GradingConfig {
            evaluation: EvaluationModel {
                unknowns,
                ..evaluation
            },
            ..GradingConfig::default()
        })
        .expect("generated configurations are valid")
    })
}

proptest! {
    #![proptest_config(config())]

    /// An unknown rating never triggers a knock-out, hard or soft: the
    /// knock-outs hit are exactly the known ratings below their floor.
    #[test]
    fn an_unknown_rating_never_causes_a_knock_out(
        grader in grader(),
        ratings in ratings(rating_or_unknown()),
    ) {
        let e = grader.evaluate(&ratings).expect("valid or unknown ratings");
        prop_assert_eq!(e.unknown, ratings.unknowns());
        for factor in e.unknown.iter() {
            prop_assert!(!e.knocked_out.contains(factor));
        }
        if e.verdict != Verdict::NotEnoughKnown {
            for k in &grader.config().evaluation.knock_outs {
                let rating = ratings.get(k.factor);
                prop_assert_eq!(e.knocked_out.contains(k.factor), rating < k.below);
            }
        }
    }

    /// Left out, the unknown factors' weight is shared among the known
    /// ones: the shares counted still add up to 1, an unknown factor
    /// contributes nothing, and the score is the weighted mean of the known
    /// ratings (never as if the unknowns were 0).
    #[test]
    fn renormalised_weights_sum_to_the_same_total(
        grader in grader_with(UnknownRatings { neutral: None, min_known: 1 }),
        ratings in ratings(rating_or_unknown()),
    ) {
        let weights = grader.config().evaluation.weights;
        let known_weight: f64 = Factor::ALL
            .iter()
            .filter(|f| ratings.is_known(**f))
            .map(|f| weights.get(*f))
            .sum();
        let e = grader.evaluate(&ratings).expect("valid or unknown ratings");
        if known_weight == 0.0 {
            prop_assert_eq!(e.verdict, Verdict::NotEnoughKnown);
            prop_assert!(e.score.is_nan());
            return Ok(());
        }
        let explanation = grader
            .explain(
                &Opportunity {
                    ratings,
                    expected_close: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
                    possibility: Some(0.5),
                },
                NaiveDate::from_ymd_opt(2029, 1, 1).unwrap(),
            )
            .expect("valid");
        let shares: f64 = explanation.factors.iter().map(|f| f.share).sum();
        prop_assert!((shares - 1.0).abs() <= 1e-12, "shares add up to {shares}");
        let mean: f64 = Factor::ALL
            .iter()
            .filter(|f| ratings.is_known(**f))
            .map(|f| ratings.get(*f) * weights.get(*f))
            .sum::<f64>()
            / known_weight;
        let expected = (mean - e.penalty).max(0.0);
        prop_assert!((e.score - expected).abs() <= 1e-9, "{} vs {expected}", e.score);
        for factor in e.unknown.iter() {
            prop_assert_eq!(e.contributions.get(factor), 0.0);
        }
    }

    /// Scored as neutral, an unknown rating counts exactly as that rating
    /// given, except that it never knocks out.
    #[test]
    fn a_neutral_unknown_scores_as_the_neutral_rating(
        grader in grader_with(UnknownRatings { neutral: Some(5.0), min_known: 1 }),
        ratings in ratings(rating_or_unknown()),
    ) {
        let filled = FactorValues::from_array(
            ratings.to_array().map(|r| if r.is_nan() { 5.0 } else { r }),
        );
        let e = grader.evaluate(&ratings).expect("valid or unknown ratings");
        let f = grader.evaluate(&filled).expect("valid ratings");
        prop_assume!(e.verdict != Verdict::NotEnoughKnown);
        let floor_hit_by_neutral = grader
            .config()
            .evaluation
            .knock_outs
            .iter()
            .any(|k| ratings.get(k.factor).is_nan() && 5.0 < k.below);
        prop_assume!(!floor_hit_by_neutral);
        prop_assert!((e.score - f.score).abs() <= 1e-9);
    }

    /// With fewer known ratings than the minimum the verdict is "not enough
    /// known", whatever the known ratings say.
    #[test]
    fn too_few_known_ratings_give_no_verdict(
        min_known in 1u8..=9,
        ratings in ratings(rating_or_unknown()),
    ) {
        let mut config = GradingConfig::default();
        config.evaluation.unknowns.min_known = min_known;
        let grader = Grader::new(config).expect("valid");
        let known = FACTOR_COUNT - ratings.unknowns().iter().count();
        let e = grader.evaluate(&ratings).expect("valid or unknown ratings");
        prop_assert_eq!(
            e.verdict == Verdict::NotEnoughKnown,
            known < usize::from(min_known)
        );
    }

    /// A soft knock-out never fails a project by itself: it takes its
    /// penalty off the score, and a hard one fails whatever the score.
    #[test]
    fn a_soft_knock_out_costs_score_a_hard_one_fails(
        rating in 0.0..2.0f64,
        penalty in 0.5..=10.0f64,
    ) {
        let ratings = Ratings::uniform(9.0).with(Factor::CapitalStatus, rating);
        let mut config = GradingConfig::default();
        config.evaluation.knock_outs = vec![KnockOut::soft(Factor::CapitalStatus, 2.0, penalty)];
        let soft = Grader::new(config.clone()).expect("valid").evaluate(&ratings).unwrap();
        config.evaluation.knock_outs = vec![KnockOut::hard(Factor::CapitalStatus, 2.0)];
        let hard = Grader::new(config).expect("valid").evaluate(&ratings).unwrap();
        prop_assert_eq!(hard.verdict, Verdict::GiveUp);
        prop_assert!(soft.knocked_out.contains(Factor::CapitalStatus));
        prop_assert!((soft.penalty - penalty).abs() <= 1e-12);
        prop_assert!((soft.score - (hard.score - penalty).max(0.0)).abs() <= 1e-9);
        prop_assert_eq!(soft.verdict == Verdict::Pass, soft.score >= 5.0);
    }
}
