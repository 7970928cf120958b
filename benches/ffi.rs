//! The C ABI against the Rust API, on the same inputs in the same run:
//! batch grading of 1,000,000 opportunities given as columns
//! (`techsales_grader_grade_columns` against `Grader::grade_columns`), and
//! the cost of a scalar call (`techsales_grader_grade` against
//! `Grader::grade`, `techsales_key_account_win_probability` against
//! `win_probability_value`, `techsales_enum_label` against
//! `EnumValue::label`).
//!
//! Run: `cargo bench --bench ffi`. Each criterion figure is followed by a
//! `ratio` line from alternating rounds of the two sides.

mod paired;
mod support;

use support::{as_of, opportunities};

use std::ffi::{c_char, CStr};
use std::hint::black_box;
use std::ptr;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use techsales::catalogue::EnumKind;
use techsales::ffi::grading::{
    techsales_batch_summary, techsales_grader, techsales_grader_evaluate, techsales_grader_free,
    techsales_grader_grade, techsales_grader_grade_columns, techsales_grader_new,
    TECHSALES_NO_GRADE,
};
use techsales::ffi::key_account::{
    techsales_key_account, techsales_key_account_definition, techsales_key_account_definition_free,
    techsales_key_account_definition_new, techsales_key_account_free,
    techsales_key_account_meet_node, techsales_key_account_new,
    techsales_key_account_win_probability,
};
use techsales::ffi::{techsales_enum_label, techsales_result};
use techsales::grading::{
    day_number, BatchSummary, ColumnInput, ColumnOutput, Grade, Grader, ItemStatus, Opportunity,
    FACTOR_COUNT,
};
use techsales::key_account::{
    win_probability_value, KeyAccountProcess, KeyNode, ProcessDefinition,
};
use techsales::labels::Language;
use techsales::Labelled;

/// Items per batch (a hundredth in test mode).
fn items() -> usize {
    support::scaled(1_000_000)
}

/// Scalar calls per timed run, cycling over [`SCALAR_ITEMS`] inputs (a
/// hundredth in test mode).
fn calls() -> usize {
    support::scaled(1_000_000)
}

/// Distinct inputs the scalar calls cycle over: varied enough that nothing
/// is computed once and reused, few enough to stay in the fastest cache.
const SCALAR_ITEMS: usize = 1024;

/// The day number of 1970-01-01: the C ABI counts days from it.
const UNIX_EPOCH_DAY: i32 = 719_163;

/// The same rows as columns, with close days both as day numbers (Rust)
/// and as days since the Unix epoch (C).
struct Columns {
    ratings: Vec<Vec<f64>>,
    close_day: Vec<i32>,
    close_unix_day: Vec<i32>,
    possibility: Vec<f64>,
}

impl Columns {
    fn of(opportunities: &[Opportunity]) -> Self {
        let ratings = (0..FACTOR_COUNT)
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
        Columns {
            ratings,
            close_unix_day: close_day.iter().map(|d| d - UNIX_EPOCH_DAY).collect(),
            close_day,
            possibility: opportunities
                .iter()
                .map(|o| o.possibility.unwrap_or(f64::NAN))
                .collect(),
        }
    }

    fn input(&self) -> ColumnInput<'_> {
        ColumnInput {
            ratings: std::array::from_fn(|i| self.ratings[i].as_slice()),
            close_day: &self.close_day,
            possibility: &self.possibility,
        }
    }
}

/// The Rust side's output columns.
struct RustOut {
    status: Vec<ItemStatus>,
    grade: Vec<Option<Grade>>,
    score: Vec<f64>,
}

/// The C side's output columns.
struct COut {
    status: Vec<u32>,
    grade: Vec<u32>,
    score: Vec<f64>,
}

struct Batch {
    grader: Grader,
    c_grader: *mut techsales_grader,
    columns: Columns,
    rating_ptrs: [*const f64; FACTOR_COUNT],
    rust: RustOut,
    c: COut,
}

impl Batch {
    fn new(items: usize) -> Self {
        let columns = Columns::of(&opportunities(items));
        let rating_ptrs = std::array::from_fn(|i| columns.ratings[i].as_ptr());
        let mut c_grader = ptr::null_mut();
        // SAFETY: NULL json asks for the defaults; the out-parameter is valid.
        let made = unsafe { techsales_grader_new(ptr::null(), &mut c_grader) };
        assert_eq!(made, techsales_result::Ok);
        Batch {
            grader: Grader::default(),
            c_grader,
            columns,
            rating_ptrs,
            rust: RustOut {
                status: vec![ItemStatus::Graded; items],
                grade: vec![None; items],
                score: vec![0.0; items],
            },
            c: COut {
                status: vec![0; items],
                grade: vec![0; items],
                score: vec![0.0; items],
            },
        }
    }

    fn grade_rust(&mut self) -> BatchSummary {
        let mut output = ColumnOutput {
            status: &mut self.rust.status,
            grade: &mut self.rust.grade,
            score: &mut self.rust.score,
        };
        self.grader
            .grade_columns(as_of(), black_box(&self.columns.input()), &mut output)
            .expect("columns of one length")
    }

    fn grade_c(&mut self) -> techsales_batch_summary {
        let as_of_day = day_number(as_of()) - UNIX_EPOCH_DAY;
        let mut summary = techsales_batch_summary::default();
        // SAFETY: the grader is live; every column holds `n` values and the
        // outputs are separate vectors of `n` values.
        let result = unsafe {
            techsales_grader_grade_columns(
                self.c_grader,
                as_of_day,
                black_box(self.rating_ptrs.as_ptr()),
                self.columns.close_unix_day.as_ptr(),
                self.columns.possibility.as_ptr(),
                self.columns.possibility.len(),
                self.c.status.as_mut_ptr(),
                self.c.grade.as_mut_ptr(),
                self.c.score.as_mut_ptr(),
                &mut summary,
            )
        };
        assert_eq!(result, techsales_result::Ok);
        summary
    }

    /// Both sides give the same result for every item.
    fn check(&mut self) {
        let rust = self.grade_rust();
        let c = self.grade_c();
        assert_eq!(
            (rust.graded, rust.failed, rust.invalid),
            (c.graded, c.failed, c.invalid)
        );
        for i in 0..self.rust.status.len() {
            assert_eq!(self.rust.status[i].code(), self.c.status[i], "item {i}");
            assert_eq!(
                self.rust.grade[i].map_or(TECHSALES_NO_GRADE, |g| g.code()),
                self.c.grade[i],
                "item {i}"
            );
            assert_eq!(
                self.rust.score[i].to_bits(),
                self.c.score[i].to_bits(),
                "item {i}"
            );
        }
        paired::note(format_args!(
            "all {} items agree between the C ABI and the Rust API (graded {}, failed {}, invalid {})",
            self.rust.status.len(),
            rust.graded,
            rust.failed,
            rust.invalid
        ));
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // SAFETY: made by techsales_grader_new and not used afterwards.
        unsafe { techsales_grader_free(self.c_grader) };
    }
}

fn bench_batch(c: &mut Criterion) {
    let mut batch = Batch::new(items());
    batch.check();

    let mut group = c.benchmark_group("ffi_grade_columns_1m");
    group.throughput(Throughput::Elements(items() as u64));
    group.sample_size(20);
    group.bench_function("rust_api", |b| b.iter(|| batch.grade_rust()));
    group.bench_function("c_abi", |b| b.iter(|| batch.grade_c()));
    group.finish();

    // Two closures cannot both borrow `batch` mutably: take turns through a
    // cell.
    let batch = std::cell::RefCell::new(batch);
    let pair = paired::compare(
        paired::ROUNDS,
        || {
            black_box(batch.borrow_mut().grade_rust());
        },
        || {
            black_box(batch.borrow_mut().grade_c());
        },
    );
    paired::report_throughput(
        "grade_columns 1M",
        "c_abi",
        "rust_api",
        items() as u64,
        pair,
    );
}

/// Inputs for scalar grading, in both forms.
struct ScalarInputs {
    opportunities: Vec<Opportunity>,
    ratings: Vec<[f64; FACTOR_COUNT]>,
    close_unix_day: Vec<i32>,
}

impl ScalarInputs {
    fn new() -> Self {
        let opportunities = opportunities(SCALAR_ITEMS);
        ScalarInputs {
            ratings: opportunities.iter().map(|o| o.ratings.to_array()).collect(),
            close_unix_day: opportunities
                .iter()
                .map(|o| day_number(o.expected_close) - UNIX_EPOCH_DAY)
                .collect(),
            opportunities,
        }
    }
}

/// One scalar grading through the Rust API: the result's status, grade
/// code and score, as the C call gives them.
#[inline(always)]
fn grade_rust_one(grader: &Grader, opportunity: &Opportunity, as_of: NaiveDate) -> (u32, u32, f64) {
    match grader.grade(opportunity, as_of) {
        Ok(a) => (
            a.status().code(),
            a.grade.map_or(TECHSALES_NO_GRADE, |g| g.code()),
            a.evaluation.score,
        ),
        Err(e) => (e.status().code(), TECHSALES_NO_GRADE, f64::NAN),
    }
}

/// One scalar grading through the C ABI.
#[inline(always)]
fn grade_c_one(
    grader: *const techsales_grader,
    ratings: &[f64; FACTOR_COUNT],
    close_day: i32,
    as_of_day: i32,
    possibility: f64,
) -> (techsales_result, u32, u32, f64) {
    let (mut status, mut grade, mut score) = (0u32, 0u32, 0.0f64);
    // SAFETY: the grader is live, `ratings` holds nine values and the
    // out-parameters are valid.
    let result = unsafe {
        techsales_grader_grade(
            grader,
            ratings.as_ptr(),
            close_day,
            as_of_day,
            possibility,
            &mut status,
            &mut grade,
            &mut score,
        )
    };
    (result, status, grade, score)
}

fn bench_scalar_grade(c: &mut Criterion) {
    let inputs = ScalarInputs::new();
    let grader = Grader::default();
    let mut c_grader = ptr::null_mut();
    // SAFETY: NULL json asks for the defaults; the out-parameter is valid.
    assert_eq!(
        unsafe { techsales_grader_new(ptr::null(), &mut c_grader) },
        techsales_result::Ok
    );
    let as_of = as_of();
    let as_of_day = day_number(as_of) - UNIX_EPOCH_DAY;

    // The same answer for every input (refused items give an error code
    // from C and an error status from Rust).
    for i in 0..SCALAR_ITEMS {
        let o = &inputs.opportunities[i];
        let (status, grade, score) = grade_rust_one(&grader, o, as_of);
        let (result, c_status, c_grade, c_score) = grade_c_one(
            c_grader,
            &inputs.ratings[i],
            inputs.close_unix_day[i],
            as_of_day,
            o.possibility.unwrap_or(f64::NAN),
        );
        if ItemStatus::from_code(status).is_some_and(ItemStatus::is_error) {
            assert_eq!(result, techsales_result::InvalidArgument, "item {i}");
        } else {
            assert_eq!(result, techsales_result::Ok, "item {i}");
            assert_eq!((status, grade), (c_status, c_grade), "item {i}");
            assert_eq!(score.to_bits(), c_score.to_bits(), "item {i}");
        }
    }

    let rust_run = |calls: usize| {
        for i in 0..calls {
            let k = i % SCALAR_ITEMS;
            black_box(grade_rust_one(
                &grader,
                black_box(&inputs.opportunities[k]),
                as_of,
            ));
        }
    };
    let c_run = |calls: usize| {
        for i in 0..calls {
            let k = i % SCALAR_ITEMS;
            black_box(grade_c_one(
                c_grader,
                black_box(&inputs.ratings[k]),
                inputs.close_unix_day[k],
                as_of_day,
                inputs.opportunities[k].possibility.unwrap_or(f64::NAN),
            ));
        }
    };

    let evaluate_rust_run = |calls: usize| {
        for i in 0..calls {
            let k = i % SCALAR_ITEMS;
            let evaluation = grader.evaluate(black_box(&inputs.opportunities[k].ratings));
            black_box(evaluation.map(|e| (e.verdict.code(), e.score, e.knocked_out.len()))).ok();
        }
    };
    let evaluate_c_run = |calls: usize| {
        for i in 0..calls {
            let k = i % SCALAR_ITEMS;
            let (mut verdict, mut score, mut knocked_out) = (0u32, 0.0f64, 0u32);
            // SAFETY: the grader is live, the ratings hold nine values and
            // the out-parameters are valid.
            let result = unsafe {
                techsales_grader_evaluate(
                    c_grader,
                    black_box(inputs.ratings[k].as_ptr()),
                    &mut verdict,
                    &mut score,
                    &mut knocked_out,
                )
            };
            black_box((result, verdict, score, knocked_out));
        }
    };

    let mut group = c.benchmark_group("ffi_scalar_grade");
    group.throughput(Throughput::Elements(SCALAR_ITEMS as u64));
    group.bench_function("rust_api", |b| b.iter(|| rust_run(SCALAR_ITEMS)));
    group.bench_function("c_abi", |b| b.iter(|| c_run(SCALAR_ITEMS)));
    group.bench_function("evaluate/rust_api", |b| {
        b.iter(|| evaluate_rust_run(SCALAR_ITEMS))
    });
    group.bench_function("evaluate/c_abi", |b| {
        b.iter(|| evaluate_c_run(SCALAR_ITEMS))
    });
    group.finish();

    let pair = paired::compare(paired::ROUNDS, || rust_run(calls()), || c_run(calls()));
    paired::report_per_call(
        "grade one opportunity",
        "c_abi",
        "rust_api",
        calls() as u64,
        pair,
    );
    let pair = paired::compare(
        paired::ROUNDS,
        || evaluate_rust_run(calls()),
        || evaluate_c_run(calls()),
    );
    paired::report_per_call(
        "evaluate one opportunity",
        "c_abi",
        "rust_api",
        calls() as u64,
        pair,
    );
    // SAFETY: made by techsales_grader_new and not used afterwards.
    unsafe { techsales_grader_free(c_grader) };
}

/// A deal and its definition on both sides, in the same state: graded A,
/// insiders found, still in development.
struct Deal {
    definition: ProcessDefinition,
    process: KeyAccountProcess,
    c_definition: *mut techsales_key_account_definition,
    c_deal: *mut techsales_key_account,
}

impl Deal {
    fn new() -> Self {
        let opened = Utc
            .with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
            .single()
            .expect("a valid time");
        let definition = ProcessDefinition::default();
        let mut process = KeyAccountProcess::new(opened);
        let evidence = "minutes of the meeting";
        let graded = techsales::key_account::KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            evidence: evidence.into(),
            grade: Some(Grade::A),
        };
        let insiders = techsales::key_account::KeyAccountEvent::KeyNodeMet {
            node: KeyNode::InsidersFound,
            evidence: evidence.into(),
            grade: None,
        };
        let later = opened + Duration::hours(1);
        for event in [graded, insiders] {
            process
                .apply(
                    &definition,
                    techsales::journal::Entry::new(later, "li.wei", event),
                )
                .expect("accepted");
        }

        let (mut c_definition, mut c_deal) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: NULL json asks for the defaults; every pointer is valid.
        unsafe {
            assert_eq!(
                techsales_key_account_definition_new(ptr::null(), &mut c_definition),
                techsales_result::Ok
            );
            assert_eq!(
                techsales_key_account_new(opened.timestamp(), &mut c_deal),
                techsales_result::Ok
            );
            let graded = techsales::ffi::key_account::techsales_key_account_grade(
                c_deal,
                c_definition,
                later.timestamp(),
                c"li.wei".as_ptr(),
                Grade::A.code(),
                c"minutes of the meeting".as_ptr(),
            );
            assert_eq!(graded, techsales_result::Ok);
            let met = techsales_key_account_meet_node(
                c_deal,
                c_definition,
                later.timestamp(),
                c"li.wei".as_ptr(),
                KeyNode::InsidersFound.code(),
                c"minutes of the meeting".as_ptr(),
            );
            assert_eq!(met, techsales_result::Ok);
        }
        Deal {
            definition,
            process,
            c_definition,
            c_deal,
        }
    }

    fn c_probability(&self) -> f64 {
        let mut value = f64::NAN;
        // SAFETY: both handles are live; the out-parameter is valid.
        let result = unsafe {
            techsales_key_account_win_probability(
                black_box(self.c_deal),
                black_box(self.c_definition),
                &mut value,
            )
        };
        debug_assert_eq!(result, techsales_result::Ok);
        value
    }

    fn rust_probability(&self) -> f64 {
        win_probability_value(
            black_box(&self.process).state(),
            black_box(&self.definition),
        )
    }
}

impl Drop for Deal {
    fn drop(&mut self) {
        // SAFETY: made by the matching _new calls, not used afterwards.
        unsafe {
            techsales_key_account_free(self.c_deal);
            techsales_key_account_definition_free(self.c_definition);
        }
    }
}

/// An enum label through the C ABI.
#[inline(always)]
fn label_c(kind: u32, code: u32, language: u32) -> *const c_char {
    let mut label = ptr::null();
    // SAFETY: the out-parameter is valid.
    let result = unsafe { techsales_enum_label(kind, code, language, &mut label) };
    debug_assert_eq!(result, techsales_result::Ok);
    label
}

/// The same label through the Rust API.
#[inline(always)]
fn label_rust(kind: EnumKind, code: u32, language: Language) -> Option<&'static str> {
    kind.value(code).map(|v| v.label(language))
}

fn bench_trivial(c: &mut Criterion) {
    let deal = Deal::new();
    let (rust, c_value) = (deal.rust_probability(), deal.c_probability());
    assert_eq!(rust.to_bits(), c_value.to_bits());
    paired::note(format_args!("win probability {rust} from both sides"));

    // Labels of every grade and key node, in both languages.
    let labels: Vec<(EnumKind, u32, Language)> = [EnumKind::Grade, EnumKind::KeyNode]
        .into_iter()
        .flat_map(|kind| kind.values().into_iter().map(move |v| (kind, v.code)))
        .flat_map(|(kind, code)| Language::all().iter().map(move |&l| (kind, code, l)))
        .collect();
    for &(kind, code, language) in &labels {
        let from_c = label_c(kind.code(), code, language.code());
        // SAFETY: a static NUL-terminated string from the library.
        let from_c = unsafe { CStr::from_ptr(from_c) }.to_str().ok();
        assert_eq!(from_c, label_rust(kind, code, language));
    }

    let probability_rust = |calls: usize| {
        for _ in 0..calls {
            black_box(deal.rust_probability());
        }
    };
    let probability_c = |calls: usize| {
        for _ in 0..calls {
            black_box(deal.c_probability());
        }
    };
    let label_rust_run = |calls: usize| {
        for i in 0..calls {
            let (kind, code, language) = labels[i % labels.len()];
            black_box(label_rust(black_box(kind), black_box(code), language));
        }
    };
    let label_c_run = |calls: usize| {
        for i in 0..calls {
            let (kind, code, language) = labels[i % labels.len()];
            black_box(label_c(
                black_box(kind.code()),
                black_box(code),
                language.code(),
            ));
        }
    };

    let mut group = c.benchmark_group("ffi_scalar_trivial");
    group.throughput(Throughput::Elements(1));
    group.bench_function("win_probability/rust_api", |b| {
        b.iter(|| deal.rust_probability())
    });
    group.bench_function("win_probability/c_abi", |b| b.iter(|| deal.c_probability()));
    group.bench_function("enum_label/rust_api", |b| {
        b.iter(|| {
            label_rust(
                black_box(EnumKind::KeyNode),
                black_box(3),
                Language::Chinese,
            )
        })
    });
    group.bench_function("enum_label/c_abi", |b| {
        b.iter(|| {
            label_c(
                black_box(EnumKind::KeyNode.code()),
                black_box(3),
                Language::Chinese.code(),
            )
        })
    });
    group.finish();

    let pair = paired::compare(
        paired::ROUNDS,
        || probability_rust(calls()),
        || probability_c(calls()),
    );
    paired::report_per_call("win probability", "c_abi", "rust_api", calls() as u64, pair);
    let pair = paired::compare(
        paired::ROUNDS,
        || label_rust_run(calls()),
        || label_c_run(calls()),
    );
    paired::report_per_call("enum label", "c_abi", "rust_api", calls() as u64, pair);
}

criterion_group!(benches, bench_batch, bench_scalar_grade, bench_trivial);
criterion_main!(benches);
