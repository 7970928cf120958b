//! The bundled sample portfolio through the C ABI against the Rust API, in
//! the same run: loading its JSON document (parse, and every key-account
//! and technical-sale journal replayed against its stored state), and
//! rendering its text report. The C side includes what a C caller pays:
//! the NUL-terminated copy in and out and the free of the handle or string.
//!
//! Run: `cargo bench --bench portfolio_ffi`.

mod paired;

use std::ffi::{c_char, CStr, CString};
use std::hint::black_box;
use std::ptr;

use criterion::{criterion_group, criterion_main, Criterion};
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

fn report_c(p: *const techsales_portfolio) -> String {
    let mut out: *mut c_char = ptr::null_mut();
    let r = unsafe { techsales_portfolio_report(p, 0, &mut out) };
    assert_eq!(r, techsales_result::Ok);
    let text = unsafe { CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    unsafe { techsales_string_free(out) };
    text
}

fn bench(c: &mut Criterion) {
    let text = sample();
    let c_text = CString::new(text.clone()).expect("no NUL");
    let portfolio = Portfolio::from_json(&text).expect("the sample loads");
    let handle = load_c(&c_text);
    let options = ReportOptions::default();
    assert_eq!(report_c(handle), render_report(&portfolio, &options));
    paired::note(format_args!(
        "sample of {} bytes: {} accounts, {} opportunities, {} cycles; both reports agree byte for byte",
        text.len(),
        portfolio.accounts().len(),
        portfolio.opportunities().len(),
        portfolio.cycles().len()
    ));

    let mut group = c.benchmark_group("portfolio_sample");
    group.sample_size(20);
    group.bench_function("load_rust", |b| {
        b.iter_with_large_drop(|| Portfolio::from_json(black_box(&text)).expect("loads"))
    });
    group.bench_function("load_c_abi", |b| {
        b.iter(|| unsafe { techsales_portfolio_free(load_c(black_box(&c_text))) })
    });
    group.bench_function("report_rust", |b| {
        b.iter(|| render_report(black_box(&portfolio), &options))
    });
    group.bench_function("report_c_abi", |b| b.iter(|| report_c(black_box(handle))));
    group.finish();

    let pair = paired::compare(
        ROUNDS,
        || Portfolio::from_json(black_box(&text)).expect("loads"),
        || unsafe { techsales_portfolio_free(load_c(black_box(&c_text))) },
    );
    paired::report_time("sample load", "c_abi", "rust", text.len() as u64, pair);
    let pair = paired::compare(
        ROUNDS,
        || render_report(black_box(&portfolio), &options),
        || report_c(black_box(handle)),
    );
    paired::report_time("sample report", "c_abi", "rust", text.len() as u64, pair);
    unsafe { techsales_portfolio_free(handle) };
}

criterion_group!(benches, bench);
criterion_main!(benches);
