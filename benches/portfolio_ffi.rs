//! The bundled sample portfolio through the C ABI against the Rust API, in
//! the same run: loading its JSON document (parse, and every key-account
//! and technical-sale journal replayed against its stored state), and
//! rendering its text report. Both sides do the same work in the timed
//! region: a load includes freeing the portfolio, a report includes freeing
//! the text (the C side's NUL-terminated input is made once, outside).
//!
//! Run: `cargo bench --bench portfolio_ffi`; `BENCH_ONE_PASS=load_rust`
//! (or `load_c_abi`, `report_rust`, `report_c_abi`, and `load_rust_reader`,
//! the same load through `Portfolio::from_reader` as files are loaded)
//! runs one routine once, for `benches/instructions.sh`.

mod paired;
mod support;

use std::ffi::{c_char, CStr, CString};
use std::hint::black_box;
use std::ptr;

use criterion::{criterion_group, Criterion};
use techsales::ffi::portfolio::*;
use techsales::ffi::{techsales_result, techsales_string_free};
use techsales::portfolio::{render_report, Portfolio, ReportOptions};

/// Alternating rounds of each comparison.
const ROUNDS: usize = 15;

fn sample() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/portfolio.json");
    std::fs::read_to_string(path).expect("the bundled sample")
}

fn load_c(text: &CStr) -> *mut techsales_portfolio {
    let mut p = ptr::null_mut();
    let r = unsafe { techsales_portfolio_from_json(text.as_ptr(), &mut p) };
    assert_eq!(r, techsales_result::Ok);
    p
}

/// The report through the C ABI, still owned by the caller.
fn report_c(p: *const techsales_portfolio) -> *mut c_char {
    let mut out: *mut c_char = ptr::null_mut();
    let r = unsafe { techsales_portfolio_report(p, 0, &mut out) };
    assert_eq!(r, techsales_result::Ok);
    out
}

/// Loads and frees, as a C caller that loads a book does.
fn load_free_c(text: &CStr) {
    unsafe { techsales_portfolio_free(load_c(text)) }
}

/// Loads and drops: the same work on the Rust side.
fn load_free_rust(text: &str) {
    drop(Portfolio::from_json(text).expect("loads"))
}

/// Renders and frees the report through the C ABI.
fn report_free_c(p: *const techsales_portfolio) {
    unsafe { techsales_string_free(report_c(p)) }
}

/// Renders and drops the report through the Rust API.
fn report_free_rust(portfolio: &Portfolio, options: &ReportOptions) {
    drop(render_report(portfolio, options))
}

fn bench(c: &mut Criterion) {
    let text = sample();
    let c_text = CString::new(text.clone()).expect("no NUL");
    let portfolio = Portfolio::from_json(&text).expect("the sample loads");
    let handle = load_c(&c_text);
    let options = ReportOptions::default();
    // Checked once, before any timing: the two reports are the same bytes.
    let c_report = report_c(handle);
    let same = unsafe { CStr::from_ptr(c_report) }.to_bytes()
        == render_report(&portfolio, &options).as_bytes();
    unsafe { techsales_string_free(c_report) };
    assert!(same, "the C ABI's report differs from the Rust API's");
    paired::note(format_args!(
        "sample of {} bytes: {} accounts, {} opportunities, {} cycles; both reports agree byte for byte",
        text.len(),
        portfolio.accounts().len(),
        portfolio.opportunities().len(),
        portfolio.cycles().len()
    ));

    let mut group = c.benchmark_group("portfolio_sample");
    group.sample_size(20);
    group.bench_function("load_rust", |b| b.iter(|| load_free_rust(black_box(&text))));
    group.bench_function("load_c_abi", |b| b.iter(|| load_free_c(black_box(&c_text))));
    group.bench_function("load_rust_reader", |b| {
        b.iter(|| drop(Portfolio::from_reader(black_box(text.as_bytes())).expect("loads")))
    });
    group.bench_function("report_rust", |b| {
        b.iter(|| report_free_rust(black_box(&portfolio), &options))
    });
    group.bench_function("report_c_abi", |b| {
        b.iter(|| report_free_c(black_box(handle)))
    });
    group.finish();

    let pair = paired::compare(
        ROUNDS,
        || load_free_rust(black_box(&text)),
        || load_free_c(black_box(&c_text)),
    );
    paired::report_time("sample load", "c_abi", "rust", text.len() as u64, pair);
    let pair = paired::compare(
        ROUNDS,
        || report_free_rust(black_box(&portfolio), &options),
        || report_free_c(black_box(handle)),
    );
    paired::report_time("sample report", "c_abi", "rust", text.len() as u64, pair);
    unsafe { techsales_portfolio_free(handle) };
}

/// One routine, once, inside `support::measured` (for callgrind).
fn one_pass(name: &str) {
    let text = sample();
    let c_text = CString::new(text.clone()).expect("no NUL");
    let portfolio = Portfolio::from_json(&text).expect("the sample loads");
    let handle = load_c(&c_text);
    let options = ReportOptions::default();
    match name {
        "load_rust" => support::measured(text.len(), || load_free_rust(&text)),
        "load_c_abi" => support::measured(text.len(), || load_free_c(&c_text)),
        "load_rust_reader" => support::measured(text.len(), || {
            drop(Portfolio::from_reader(text.as_bytes()).expect("the sample loads"))
        }),
        "report_rust" => support::measured(text.len(), || report_free_rust(&portfolio, &options)),
        "report_c_abi" => support::measured(text.len(), || report_free_c(handle)),
        other => panic!("no routine {other} in this bench"),
    }
    unsafe { techsales_portfolio_free(handle) };
}

criterion_group!(benches, bench);

fn main() {
    if let Some(name) = support::one_pass() {
        return one_pass(&name);
    }
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
