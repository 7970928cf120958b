//! Hand-checked cases of A-D opportunity grading: the documented defaults,
//! configuration loading and refusal, labels, and the column form.

use chrono::NaiveDate;
use techsales::grading::{
    day_number, ColumnInput, ColumnOutput, Effort, Factor, Grade, GradeError, Grader, HorizonUnit,
    ItemStatus, Opportunity, Ratings, Verdict, FACTOR_COUNT,
};
use techsales::{ConfigError, Labelled, Language};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn deal(rating: f64, close: NaiveDate, possibility: f64) -> Opportunity {
    Opportunity {
        ratings: Ratings::uniform(rating),
        expected_close: close,
        possibility: Some(possibility),
    }
}

#[test]
fn defaults_are_the_documented_ones() {
    let grader = Grader::default();
    let table = &grader.config().table;
    assert_eq!(table.unit, HorizonUnit::Months);
    let bands: Vec<_> = table
        .bands()
        .iter()
        .map(|(g, b)| (*g, b.within, b.min_possibility))
        .collect();
    assert_eq!(
        bands,
        vec![(Grade::A, 3, 0.7), (Grade::B, 6, 0.5), (Grade::C, 12, 0.3)]
    );
    assert!(!table.allow_past_close_date);
    let model = &grader.config().evaluation;
    assert_eq!((model.pass_threshold, model.give_up_below), (5.0, 3.0));
    let knocked: Vec<_> = model
        .knock_outs
        .iter()
        .map(|k| (k.factor, k.below))
        .collect();
    assert_eq!(
        knocked,
        vec![
            (Factor::ProjectLevel, 2.0),
            (Factor::CapitalStatus, 2.0),
            (Factor::TechnicalRequirements, 2.0)
        ]
    );
}

#[test]
fn each_grade_on_the_default_table() {
    let grader = Grader::default();
    let as_of = date(2026, 1, 15);
    let grade = |close, p| grader.grade(&deal(7.0, close, p), as_of).unwrap().grade;
    assert_eq!(grade(date(2026, 2, 15), 0.9), Some(Grade::A));
    assert_eq!(grade(date(2026, 2, 15), 0.6), Some(Grade::B));
    assert_eq!(grade(date(2026, 6, 15), 0.9), Some(Grade::B));
    assert_eq!(grade(date(2026, 11, 1), 0.35), Some(Grade::C));
    assert_eq!(grade(date(2026, 2, 15), 0.1), Some(Grade::D));
    assert_eq!(grade(date(2028, 1, 1), 0.95), Some(Grade::D));
}

#[test]
fn resource_policies_follow_the_grades() {
    let grader = Grader::default();
    let efforts: Vec<_> = Grade::ALL
        .iter()
        .map(|g| grader.policy(*g).effort)
        .collect();
    assert_eq!(
        efforts,
        vec![
            Effort::AllOut,
            Effort::ControlledTime,
            Effort::Watch,
            Effort::Last
        ]
    );
    assert!(grader.policy(Grade::A).enter_sales_process);
    assert!(Grade::ALL[1..]
        .iter()
        .all(|g| !grader.policy(*g).enter_sales_process && grader.policy(*g).maintain_customer));
    assert!(!grader.policy(Grade::A).maintain_customer);
}

#[test]
fn a_full_configuration_loads_from_json() {
    let grader = Grader::from_json(
        r#"{
            "evaluation": {
                "weights": {
                    "project_level": 2, "capital_status": 2, "technical_requirements": 2,
                    "customer_relationship": 1, "customer_reputation": 1,
                    "competition_products": 0, "competition_prices": 0,
                    "competition_technical_solutions": 0, "competition_after_sales": 0
                },
                "pass_threshold": 6,
                "give_up_below": 2,
                "knock_outs": [{"factor": "customer_reputation", "below": 3}]
            },
            "table": {
                "unit": "days",
                "a": {"within": 30, "min_possibility": 0.8},
                "b": {"within": 90, "min_possibility": 0.6},
                "c": {"within": 180, "min_possibility": 0.4},
                "allow_past_close_date": true
            }
        }"#,
    )
    .unwrap();
    let as_of = date(2026, 1, 1);
    // Competition factors weigh nothing here: 6 on the rest passes.
    let mut ratings = Ratings::uniform(0.0);
    for factor in &Factor::ALL[..5] {
        ratings = ratings.with(*factor, 6.0);
    }
    let ok = Opportunity {
        ratings,
        expected_close: date(2026, 1, 31),
        possibility: Some(0.8),
    };
    let assessment = grader.grade(&ok, as_of).unwrap();
    assert_eq!(assessment.evaluation.score, 6.0);
    assert_eq!(assessment.grade, Some(Grade::A));
    // The only knock-out now is reputation.
    let shady = Opportunity {
        ratings: ratings.with(Factor::CustomerReputation, 2.0),
        ..ok
    };
    let evaluation = grader.grade(&shady, as_of).unwrap().evaluation;
    assert_eq!(evaluation.verdict, Verdict::GiveUp);
    // Past close dates are allowed and count as due now.
    let late = Opportunity {
        expected_close: date(2025, 12, 1),
        ..ok
    };
    assert_eq!(grader.grade(&late, as_of).unwrap().grade, Some(Grade::A));
}

#[test]
fn invalid_configurations_are_refused_with_the_field_named() {
    let field = |json: &str| match Grader::from_json(json) {
        Err(ConfigError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Overlapping: B repeats A's band, so it could never be given.
    assert_eq!(
        field(r#"{"table": {"b": {"within": 3, "min_possibility": 0.7}}}"#),
        "table.b"
    );
    // Unordered: C asks for more than B.
    assert_eq!(
        field(r#"{"table": {"c": {"within": 12, "min_possibility": 0.9}}}"#),
        "table.c.min_possibility"
    );
    assert_eq!(
        field(r#"{"table": {"a": {"within": 9, "min_possibility": 0.7}}}"#),
        "table.b.within"
    );
    assert_eq!(
        field(r#"{"evaluation": {"pass_threshold": 10.5}}"#),
        "evaluation.pass_threshold"
    );
    assert_eq!(
        field(
            r#"{"evaluation": {"weights": {"project_level": 1, "capital_status": -1, "technical_requirements": 1, "customer_relationship": 1, "customer_reputation": 1, "competition_products": 1, "competition_prices": 1, "competition_technical_solutions": 1, "competition_after_sales": 1}}}"#
        ),
        "evaluation.weights.capital_status"
    );
    assert_eq!(
        field(
            r#"{"policies": {"d": {"effort": "last", "enter_sales_process": false, "maintain_customer": true, "review_every_days": 400}}}"#
        ),
        "policies.d.review_every_days"
    );
    // Unknown fields and names are refused by the parser, naming them.
    let err = Grader::from_json(r#"{"tabel": {}}"#).unwrap_err();
    assert!(err.to_string().contains("tabel"), "{err}");
    let err = Grader::from_json(r#"{"table": {"unit": "weeks"}}"#).unwrap_err();
    assert!(err.to_string().contains("weeks"), "{err}");
}

#[test]
fn every_label_exists_in_both_languages() {
    fn check<T: Labelled>(values: &[T]) {
        for value in values {
            assert!(!value.label(Language::English).is_empty());
            assert!(
                !value.label(Language::Chinese).is_ascii(),
                "{} has no Chinese label",
                value.key()
            );
        }
    }
    check(Grade::ALL);
    check(Factor::ALL);
    check(Verdict::ALL);
    check(Effort::ALL);
    check(ItemStatus::ALL);
    check(HorizonUnit::ALL);
    for factor in Factor::ALL {
        let scale = factor.scale();
        assert!(!scale.low.en.is_empty() && !scale.high.zh.is_ascii());
    }
    for effort in Effort::ALL {
        assert!(!effort.guidance().zh.is_ascii());
    }
    assert_eq!(Grade::A.label(Language::Chinese), "A级");
    assert_eq!(Effort::AllOut.label(Language::Chinese), "全力以赴");
}

#[test]
fn codes_are_stable() {
    let grades: Vec<_> = Grade::ALL.iter().map(|g| g.code()).collect();
    assert_eq!(grades, vec![0, 1, 2, 3]);
    let statuses: Vec<_> = ItemStatus::ALL.iter().map(|s| s.code()).collect();
    assert_eq!(statuses, vec![0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(Factor::CompetitionAfterSales.code(), 8);
    assert_eq!(Verdict::GiveUp.code(), 2);
}

#[test]
fn the_column_form_grades_the_rest_around_bad_items() {
    let grader = Grader::default();
    let as_of = date(2026, 1, 15);
    // Four items: good, infinite rating, past close date, possibility
    // above 1.
    let mut columns = [[7.0; 4]; FACTOR_COUNT];
    columns[Factor::CapitalStatus.index()][1] = f64::INFINITY;
    let ratings = std::array::from_fn(|i| &columns[i][..]);
    let close_day = [
        day_number(date(2026, 3, 1)),
        day_number(date(2026, 3, 1)),
        day_number(date(2026, 1, 1)),
        day_number(date(2026, 3, 1)),
    ];
    let possibility = [0.8, 0.8, 0.8, 1.5];
    let input = ColumnInput {
        ratings,
        close_day: &close_day,
        possibility: &possibility,
    };
    let mut status = [ItemStatus::Graded; 4];
    let mut grade = [None; 4];
    let mut score = [0.0; 4];
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
        .unwrap();
    assert_eq!(
        status,
        [
            ItemStatus::Graded,
            ItemStatus::InvalidRating,
            ItemStatus::CloseDateInPast,
            ItemStatus::InvalidPossibility
        ]
    );
    assert_eq!(grade, [Some(Grade::A), None, None, None]);
    assert!((score[0] - 7.0).abs() < 1e-12 && score[1..].iter().all(|s| s.is_nan()));
    assert_eq!((summary.graded, summary.failed, summary.invalid), (1, 0, 3));
    // The one-by-one call gives the detail the status only hints at.
    let mut bad = deal(7.0, date(2026, 3, 1), 0.8);
    bad.ratings.capital_status = f64::INFINITY;
    assert!(matches!(
        grader.grade(&bad, as_of),
        Err(GradeError::RatingNotFinite {
            factor: Factor::CapitalStatus,
            ..
        })
    ));
}

#[test]
fn the_source_case_fails_evaluation_until_the_development_work_is_done() {
    // The source's meter salesman: a bid expected in November, three other
    // suppliers already in, no relationship with the people in charge, and
    // nothing known about budget or requirements.
    let grader = Grader::default();
    let as_of = date(2026, 7, 20);
    let ratings = Ratings::uniform(5.0)
        .with(Factor::CustomerRelationship, 1.0)
        .with(Factor::CompetitionProducts, 4.0)
        .with(Factor::CompetitionPrices, 3.0)
        .with(Factor::CompetitionTechnicalSolutions, 4.0)
        .with(Factor::CompetitionAfterSales, 2.0);
    let now = Opportunity {
        ratings,
        expected_close: date(2026, 11, 30),
        possibility: Some(0.2),
    };
    let first = grader.grade(&now, as_of).unwrap();
    assert_eq!(first.evaluation.verdict, Verdict::LowerContactLevel);
    assert_eq!(first.grade, None);
    // After the development work: insiders found, requirements and budget
    // confirmed, a solution shaped with the design institute.
    let later = Opportunity {
        ratings: ratings
            .with(Factor::CustomerRelationship, 6.0)
            .with(Factor::CapitalStatus, 7.0)
            .with(Factor::TechnicalRequirements, 8.0)
            .with(Factor::CompetitionTechnicalSolutions, 7.0),
        possibility: Some(0.55),
        ..now
    };
    let regrade = grader.regrade(&first, &later, date(2026, 9, 1)).unwrap();
    assert_eq!(regrade.assessment.grade, Some(Grade::B));
    let change = regrade.change.unwrap();
    assert_eq!((change.from, change.to), (None, Some(Grade::B)));
    assert!(change.improved());
}
