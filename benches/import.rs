//! Importing a CRM export of 1,000,000 rows into a portfolio
//! ([`import_csv`]: every row parsed, its account settled, its process
//! built and the portfolio checked), against the `csv` crate alone reading
//! the same bytes into records, in the same run; and the peak heap of one
//! import, by a counting allocator.
//!
//! The export is made on each run from a fixed seed: 10,000 accounts,
//! eight CRM stages with their probabilities (six open, won, lost), one
//! open deal in five without amount or close date.
//!
//! Run: `cargo bench --bench import` (`-- --warm-up-time 1
//! --measurement-time 3` for a short run).

mod paired;
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{criterion_group, Criterion, Throughput};
use techsales::portfolio::{import_csv, CsvMapping};

/// Rows in the export.
/// Rows of the export: a million, a hundredth in test mode.
fn rows() -> usize {
    support::scaled(1_000_000)
}

/// Alternating rounds of the paired comparison.
const ROUNDS: usize = 5;

/// Counts the bytes allocated and still live, and the most ever live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MAPPING: &str = r#"{
    "currency": "EUR",
    "as_of": "2026-06-30T00:00:00Z",
    "columns": { "id": "Id", "account": "Account", "stage": "Stage", "amount": "Amount",
                 "expected_close": "Close", "opened": "Created", "stage_since": "Since",
                 "owner": "Owner", "probability": "Probability" },
    "stages": {
        "Prospecting": { "stage": "development", "probability": 10 },
        "Qualification": { "stage": "sales_entry", "probability": 20 },
        "Proposal": { "stage": "proposal", "probability": 40 },
        "Quote": { "stage": "bidding", "probability": 60 },
        "Negotiation": { "stage": "business_negotiation", "probability": 80 },
        "Delivery": { "stage": "project_implementation", "probability": 90 },
        "Closed Won": { "stage": "project_implementation", "outcome": "won", "probability": 100 },
        "Closed Lost": { "outcome": "lost", "probability": 0 }
    },
    "default_customer_type": "loyal"
}"#;

const STAGES: [(&str, u32); 8] = [
    ("Prospecting", 10),
    ("Qualification", 20),
    ("Proposal", 40),
    ("Quote", 60),
    ("Negotiation", 80),
    ("Delivery", 90),
    ("Closed Won", 100),
    ("Closed Lost", 0),
];

/// The export, as CSV bytes.
fn export(rows: usize) -> Vec<u8> {
    let mut rng = support::Rng::new(13);
    let mut out = String::from("Id,Account,Stage,Amount,Close,Created,Since,Owner,Probability\n");
    for i in 0..rows {
        let (stage, probability) = STAGES[rng.below(STAGES.len() as u64) as usize];
        let opened_day = 1 + rng.below(28);
        let since_day = opened_day + rng.below(29 - opened_day);
        let unknown = stage != "Closed Won" && stage != "Closed Lost" && rng.below(5) == 0;
        let (amount, close) = if unknown {
            (String::new(), String::new())
        } else {
            (
                format!("{}.{:02}", 1_000 + rng.below(500_000), rng.below(100)),
                format!("2026-{:02}-{:02}", 7 + rng.below(6), 1 + rng.below(28)),
            )
        };
        out.push_str(&format!(
            "O-{i:07},A-{:05},{stage},{amount},{close},2026-0{}-{opened_day:02},2026-0{}-{since_day:02},owner-{},{probability}\n",
            rng.below(10_000),
            1 + i % 2,
            3 + i % 2,
            rng.below(40),
        ));
    }
    out.into_bytes()
}

/// The baseline: the `csv` crate reading every row into a record.
fn csv_only(bytes: &[u8]) -> usize {
    let mut reader = csv::Reader::from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut fields = 0;
    while reader.read_record(&mut record).expect("well-formed") {
        fields += record.len();
    }
    fields
}

fn bench_import(c: &mut Criterion) {
    let rows = rows();
    let bytes = export(rows);
    let mapping = CsvMapping::from_json(MAPPING).expect("a valid mapping");

    // One import first: it imports every row, and its peak heap.
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let import = import_csv(black_box(bytes.as_slice()), &mapping).expect("imports");
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let kept = LIVE.load(Ordering::Relaxed) - before;
    assert_eq!((import.rows, import.imported), (rows, rows));
    assert_eq!(csv_only(&bytes), rows * 9);
    paired::note(format_args!(
        "export of {} bytes, {rows} rows, {} accounts: every row imported; peak heap of the import {:.1} MiB ({:.0} B a row, the export's bytes not counted), the portfolio kept {:.1} MiB",
        bytes.len(),
        import.portfolio.accounts().len(),
        peak as f64 / 1048576.0,
        peak as f64 / rows as f64,
        kept as f64 / 1048576.0,
    ));
    drop(import);

    let mut group = c.benchmark_group("import_1m");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("csv_records", |b| b.iter(|| csv_only(black_box(&bytes))));
    group.bench_function("import_csv", |b| {
        b.iter_with_large_drop(|| {
            import_csv(black_box(bytes.as_slice()), &mapping).expect("imports")
        })
    });
    group.finish();

    let pair = paired::compare(
        ROUNDS,
        || csv_only(black_box(&bytes)),
        || import_csv(black_box(bytes.as_slice()), &mapping).expect("imports"),
    );
    paired::report_time(
        "import 1M rows",
        "import_csv",
        "csv_records",
        bytes.len() as u64,
        pair,
    );
}

/// Rows of the one-pass run, for an instruction count per row.
const ONE_PASS_ROWS: usize = 20_000;

/// One pass of one routine over [`ONE_PASS_ROWS`] rows, for an instruction
/// count.
fn one_pass(name: &str) {
    let bytes = export(ONE_PASS_ROWS);
    let mapping = CsvMapping::from_json(MAPPING).expect("a valid mapping");
    match name {
        "csv_records" => {
            support::measured(ONE_PASS_ROWS, || csv_only(&bytes));
        }
        "import_csv" => {
            let import = support::measured(ONE_PASS_ROWS, || {
                import_csv(bytes.as_slice(), &mapping).expect("imports")
            });
            assert_eq!(import.imported, ONE_PASS_ROWS);
        }
        other => panic!("no routine {other} in this bench"),
    }
}

criterion_group!(benches, bench_import);

fn main() {
    if let Some(name) = support::one_pass() {
        return one_pass(&name);
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
