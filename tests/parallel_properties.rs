//! Batch grading and the portfolio analytics give the same results, bit
//! for bit, whatever the thread count (`techsales::parallel`): on the
//! calling thread, on every core, or on a pool of a set size.

#[path = "support/portfolio_fixtures.rs"]
mod fixtures;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use techsales::grading::{
    day_number, BatchResult, BatchSummary, ColumnInput, ColumnOutput, Grade, Grader, ItemStatus,
    Opportunity, Ratings, FACTOR_COUNT,
};
use techsales::parallel::{with_threads, ALL_THREADS};
use techsales::portfolio::{pipeline, stage_durations, stage_flows, OpportunityRecord, Portfolio};

/// The thread counts compared with the calling thread alone.
const THREADS: [usize; 3] = [ALL_THREADS, 2, 3];

/// Rows in a batch: more than two of the pieces a large batch is cut
/// into, so that every thread count has several to share.
const ROWS: usize = 100_000;

/// Deals in a book: more than two analytics pieces.
const DEALS: usize = 20_000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 6,
        ..ProptestConfig::default()
    }
}

/// A rating of any kind: valid, unknown (NaN), out of range or infinite.
fn rating() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => (0..=100).prop_map(|k| f64::from(k) / 10.0),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => -5.0..15.0,
    ]
}

fn opportunity(as_of: NaiveDate) -> impl Strategy<Value = Opportunity> {
    let possibility = prop_oneof![
        8 => (0.0..=1.0).prop_map(Some),
        1 => Just(None),
        1 => Just(Some(f64::NAN)),
        1 => (-1.0..2.0).prop_map(Some),
    ];
    (
        proptest::array::uniform9(rating()),
        -60i64..600,
        possibility,
    )
        .prop_map(move |(ratings, days, possibility)| Opportunity {
            ratings: Ratings::from_array(ratings),
            expected_close: as_of + chrono::TimeDelta::days(days),
            possibility,
        })
}

/// An as-of date and a batch: a few hundred generated items repeated up to
/// [`ROWS`], each copy keeping its own result.
fn batch() -> impl Strategy<Value = (NaiveDate, Vec<Opportunity>)> {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    (0u64..1000)
        .prop_map(move |d| start + Days::new(d))
        .prop_flat_map(|as_of| {
            (
                Just(as_of),
                prop::collection::vec(opportunity(as_of), 1..400),
            )
        })
        .prop_map(|(as_of, items)| (as_of, items.iter().copied().cycle().take(ROWS).collect()))
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

/// The column form's output for `opportunities`.
fn grade_columns(
    grader: &Grader,
    as_of: NaiveDate,
    opportunities: &[Opportunity],
) -> (BatchSummary, Vec<ItemStatus>, Vec<Option<Grade>>, Vec<u64>) {
    let ratings: Vec<Vec<f64>> = (0..FACTOR_COUNT)
        .map(|f| {
            opportunities
                .iter()
                .map(|o| o.ratings.to_array()[f])
                .collect()
        })
        .collect();
    let close_day: Vec<i32> = opportunities
        .iter()
        .map(|o| day_number(o.expected_close))
        .collect();
    let possibility: Vec<f64> = opportunities.iter().map(|o| cell(o.possibility)).collect();
    let input = ColumnInput {
        ratings: std::array::from_fn(|f| ratings[f].as_slice()),
        close_day: &close_day,
        possibility: &possibility,
    };
    let n = opportunities.len();
    let (mut status, mut grade, mut score) =
        (vec![ItemStatus::Graded; n], vec![None; n], vec![0.0; n]);
    let mut output = ColumnOutput {
        status: &mut status,
        grade: &mut grade,
        score: &mut score,
    };
    let summary = grader
        .grade_columns(as_of, &input, &mut output)
        .expect("columns of one length");
    let bits = score.iter().map(|s| s.to_bits()).collect();
    (summary, status, grade, bits)
}

/// A result with its score as bits, so that NaN scores compare equal.
fn bits(results: &[BatchResult]) -> Vec<(ItemStatus, Option<Grade>, u64)> {
    results
        .iter()
        .map(|r| (r.status, r.grade, r.score.to_bits()))
        .collect()
}

/// `book`'s deals repeated under new ids up to [`DEALS`].
fn large(book: &Portfolio) -> Portfolio {
    let records: Vec<OpportunityRecord> = book
        .opportunities()
        .iter()
        .cycle()
        .take(DEALS)
        .enumerate()
        .map(|(i, record)| OpportunityRecord {
            id: format!("O-{i:06}").into(),
            ..record.clone()
        })
        .collect();
    Portfolio::new(
        book.name(),
        book.as_of(),
        book.currency(),
        book.definitions().clone(),
    )
    .and_then(|p| p.with_records(book.accounts().to_vec(), records))
    .expect("the same deals under new ids are consistent")
}

/// The analytics that go over every deal, as JSON text.
fn analytics(book: &Portfolio) -> String {
    serde_json::to_string(&(pipeline(book), stage_flows(book), stage_durations(book)))
        .expect("serialisable")
}

proptest! {
    #![proptest_config(config())]

    /// Any thread count grades a batch exactly as the calling thread
    /// alone does, in both the slice and the column form (statuses,
    /// grades, score bits and the summary), and each item as one-by-one
    /// grading does.
    #[test]
    fn batch_grading_is_the_same_for_any_thread_count((as_of, items) in batch()) {
        let grader = Grader::default();
        let alone = with_threads(1, || grader.grade_all(&items, as_of));
        let columns_alone = with_threads(1, || grade_columns(&grader, as_of, &items));
        for (item, result) in items.iter().zip(&alone).take(400) {
            let one = BatchResult::from_result(&grader.grade(item, as_of));
            prop_assert!(one.same_as(result), "{:?} against {:?}", one, result);
        }
        for threads in THREADS {
            let shared = with_threads(threads, || grader.grade_all(&items, as_of));
            prop_assert_eq!(bits(&shared), bits(&alone), "slices, {} threads", threads);
            let columns = with_threads(threads, || grade_columns(&grader, as_of, &items));
            prop_assert_eq!(&columns, &columns_alone, "columns, {} threads", threads);
        }
    }

    /// Any thread count gives the pipeline, the stage flows and the time in
    /// stage of a large book exactly as the calling thread alone does,
    /// weighted sums included.
    #[test]
    fn analytics_are_the_same_for_any_thread_count(book in fixtures::portfolios()) {
        prop_assume!(!book.opportunities().is_empty());
        let book = large(&book);
        let alone = with_threads(1, || analytics(&book));
        for threads in THREADS {
            prop_assert_eq!(&with_threads(threads, || analytics(&book)), &alone, "{} threads", threads);
        }
    }
}
