//! Every core: batch grading of 10,000,000 rows (the column form) and the
//! analytics that go over every deal of a 1,000,000-deal book (pipeline,
//! stage flows, time in stage), on one thread against two, in the same run.
//! Before timing, each thread count is checked to give the same results.
//!
//! Run: `cargo bench --bench parallel` (about 2.5 GB of memory: the rows'
//! columns and the book).

#[allow(dead_code)]
#[path = "../examples/make_sample.rs"]
mod make_sample;
mod paired;
mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use techsales::grading::{ColumnOutput, Grade, Grader, ItemStatus};
use techsales::parallel::with_threads;
use techsales::portfolio::{pipeline, stage_durations, stage_flows, OpportunityRecord, Portfolio};

/// Rows graded per pass (a hundredth in test mode).
fn rows() -> usize {
    support::scaled(10_000_000)
}

/// Deals in the book (a hundredth in test mode).
fn deals() -> usize {
    support::scaled(1_000_000)
}

/// The thread counts compared.
const THREADS: [usize; 2] = [1, 2];

/// Alternating rounds of each comparison.
const ROUNDS: usize = 9;

/// The output columns of one grading pass.
struct Output {
    status: Vec<ItemStatus>,
    grade: Vec<Option<Grade>>,
    score: Vec<f64>,
}

impl Output {
    fn new(n: usize) -> Self {
        Output {
            status: vec![ItemStatus::Graded; n],
            grade: vec![None; n],
            score: vec![0.0; n],
        }
    }
}

/// One grading pass of `columns` into `out` on `threads` threads.
fn grade(grader: &Grader, columns: &support::Columns, out: &mut Output, threads: usize) {
    let mut output = ColumnOutput {
        status: &mut out.status,
        grade: &mut out.grade,
        score: &mut out.score,
    };
    with_threads(threads, || {
        grader
            .grade_columns(support::as_of(), black_box(&columns.input()), &mut output)
            .expect("columns of one length")
    });
}

/// The analytics over every deal, on `threads` threads.
fn analytics(book: &Portfolio, threads: usize) -> impl PartialEq + std::fmt::Debug {
    with_threads(threads, || {
        (
            pipeline(black_box(book)),
            stage_flows(book),
            stage_durations(book),
        )
    })
}

/// The bundled sample's deals repeated under new ids up to `n`.
fn book(n: usize) -> Portfolio {
    let sample = make_sample::build_sample().expect("the sample builds");
    let sample = Portfolio::from_json(&sample.portfolio_json).expect("the sample loads");
    let records: Vec<OpportunityRecord> = sample
        .opportunities()
        .iter()
        .cycle()
        .take(n)
        .enumerate()
        .map(|(i, record)| OpportunityRecord {
            id: format!("O-{:07}", i + 1).into(),
            ..record.clone()
        })
        .collect();
    Portfolio::new(
        sample.name(),
        sample.as_of(),
        sample.currency(),
        sample.definitions().clone(),
    )
    .and_then(|p| p.with_records(sample.accounts().to_vec(), records))
    .expect("a consistent portfolio")
}

fn bench_grading(c: &mut Criterion) {
    let n = rows();
    let grader = Grader::default();
    // The generator's million distinct rows, repeated.
    let distinct = support::opportunities(n.min(1_000_000));
    let opportunities: Vec<_> = distinct.iter().copied().cycle().take(n).collect();
    drop(distinct);
    let columns = support::Columns::of(&opportunities);
    drop(opportunities);
    let mut one = Output::new(n);
    let mut two = Output::new(n);
    grade(&grader, &columns, &mut one, 1);
    grade(&grader, &columns, &mut two, 2);
    let bits = |o: &Output| o.score.iter().map(|s| s.to_bits()).collect::<Vec<_>>();
    assert!(
        one.status == two.status && one.grade == two.grade && bits(&one) == bits(&two),
        "one and two threads grade alike"
    );
    drop(two);
    paired::note(format_args!(
        "{n} rows graded alike on 1 and 2 threads ({} cores available)",
        std::thread::available_parallelism().map_or(0, |p| p.get())
    ));

    let mut group = c.benchmark_group("parallel_grading_10m");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    for threads in THREADS {
        group.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| grade(&grader, &columns, &mut one, threads))
        });
    }
    group.finish();

    let mut other = Output::new(n);
    let pair = paired::compare(
        ROUNDS,
        || grade(&grader, &columns, &mut one, 1),
        || grade(&grader, &columns, &mut other, 2),
    );
    paired::report_throughput("grading 10M rows", "2 threads", "1 thread", n as u64, pair);
}

fn bench_analytics(c: &mut Criterion) {
    let n = deals();
    let book = book(n);
    assert_eq!(
        analytics(&book, 1),
        analytics(&book, 2),
        "one and two threads agree"
    );
    let events: usize = book
        .opportunities()
        .iter()
        .map(|o| o.process.journal().len())
        .sum();
    paired::note(format_args!(
        "{n} deals ({events} journal entries): pipeline, stage flows and time in stage alike on 1 and 2 threads"
    ));

    let mut group = c.benchmark_group("parallel_analytics_1m");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    for threads in THREADS {
        group.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| analytics(&book, threads))
        });
    }
    group.finish();

    let pair = paired::compare(ROUNDS, || analytics(&book, 1), || analytics(&book, 2));
    paired::report_throughput(
        "analytics over 1M deals",
        "2 threads",
        "1 thread",
        n as u64,
        pair,
    );
}

criterion_group!(benches, bench_grading, bench_analytics);
criterion_main!(benches);
