//! Loading a portfolio document of 100,000 opportunities into the typed
//! model, against `serde_json` parsing the same bytes into a
//! `serde_json::Value`: [`Portfolio::from_slice`] (parse and consistency
//! check: every journal replayed against its stored state) and
//! [`Portfolio::parse_slice`] (parse only).
//!
//! The document is made on each run, never stored: the bundled sample's
//! 240 opportunities (as `examples/make_sample.rs` makes them, with their
//! journals) repeated under new ids up to 100,000, with the sample's 60
//! accounts and default definitions, as compact JSON.
//!
//! Run: `cargo bench --bench portfolio`.

#[allow(dead_code)]
#[path = "../examples/make_sample.rs"]
mod make_sample;
mod paired;
mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use techsales::portfolio::{OpportunityRecord, Portfolio};

/// Opportunities in the document (a hundredth in test mode).
fn opportunities() -> usize {
    support::scaled(100_000)
}

/// Alternating rounds of each comparison (each run takes about a second).
const ROUNDS: usize = 7;

/// The document: the sample's opportunities repeated under new ids.
fn document(opportunities: usize) -> Vec<u8> {
    let sample = make_sample::build_sample().expect("the sample builds");
    let sample = Portfolio::from_json(&sample.portfolio_json).expect("the sample loads");
    let records: Vec<OpportunityRecord> = sample
        .opportunities()
        .iter()
        .cycle()
        .take(opportunities)
        .enumerate()
        .map(|(i, record)| OpportunityRecord {
            id: format!("O-{:06}", i + 1).into(),
            ..record.clone()
        })
        .collect();
    let portfolio = Portfolio::new(
        sample.name(),
        sample.as_of(),
        sample.currency(),
        sample.definitions().clone(),
    )
    .and_then(|p| p.with_records(sample.accounts().to_vec(), records))
    .expect("a consistent portfolio");
    portfolio.to_json().into_bytes()
}

fn bench_load(c: &mut Criterion) {
    let bytes = document(opportunities());

    // Both sides read the whole document and agree on what it holds.
    let typed = Portfolio::from_slice(&bytes).expect("the document loads");
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
    assert_eq!(typed.opportunities().len(), opportunities());
    assert_eq!(
        serde_json::to_value(&typed).expect("serialisable"),
        value,
        "the typed model holds what the JSON says"
    );
    let events: usize = typed
        .opportunities()
        .iter()
        .map(|o| o.process.journal().len())
        .sum();
    paired::note(format_args!(
        "document of {} bytes: {} accounts, {} opportunities, {} journal entries; the typed model and the Value agree",
        bytes.len(),
        typed.accounts().len(),
        opportunities(),
        events
    ));
    drop((typed, value));

    let mut group = c.benchmark_group("portfolio_load_100k");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("serde_json_value", |b| {
        b.iter_with_large_drop(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("valid JSON")
        })
    });
    group.bench_function("parse_slice", |b| {
        b.iter_with_large_drop(|| Portfolio::parse_slice(black_box(&bytes)).expect("parses"))
    });
    group.bench_function("from_slice", |b| {
        b.iter_with_large_drop(|| Portfolio::from_slice(black_box(&bytes)).expect("loads"))
    });
    group.finish();

    let value = || serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).expect("JSON");
    let pair = paired::compare(ROUNDS, value, || {
        Portfolio::from_slice(black_box(&bytes)).expect("loads")
    });
    paired::report_time(
        "portfolio load 100k",
        "from_slice",
        "serde_json_value",
        bytes.len() as u64,
        pair,
    );
    let pair = paired::compare(ROUNDS, value, || {
        Portfolio::parse_slice(black_box(&bytes)).expect("parses")
    });
    paired::report_time(
        "portfolio parse 100k",
        "parse_slice",
        "serde_json_value",
        bytes.len() as u64,
        pair,
    );
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
