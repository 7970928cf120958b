//! Peak memory of a portfolio of 1,000,000 opportunities, each with its
//! key-account state, its grade and five journal events. A counting global
//! allocator gives the bytes the program asked for (live and peak); the
//! kernel's high-water mark of resident memory (`VmHWM`) is printed too.
//!
//! The ways to get there that are measured:
//! - `api`: each opportunity made through the API (grading inputs set, five
//!   events applied to its process), then the whole portfolio checked;
//! - `json`: the same portfolio saved as compact JSON and loaded back with
//!   [`Portfolio::from_slice`] (the figures leave out the JSON text itself);
//! - loading a saved file, each in a process of its own so that the
//!   resident high-water mark is the load's alone: `write PATH` saves the
//!   document (built as in `api`), `read PATH` loads it as a whole text
//!   (`std::fs::read`, then `from_slice`: the baseline), `stream PATH`
//!   loads it with [`Portfolio::from_reader`] from the open file.
//!
//! Run: `cargo bench --bench peak_memory` (`api` and `json`), or name the
//! modes: `-- api`, `-- json`, `-- write /tmp/book.json`, `-- read
//! /tmp/book.json`, `-- stream /tmp/book.json`; under `/usr/bin/time -v`
//! for the maximum resident set size of the process.

#[allow(dead_code)]
#[path = "../examples/make_sample.rs"]
mod make_sample;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use techsales::grading::{Grade, Ratings};
use techsales::journal::Entry;
use techsales::key_account::{
    BuyingInfluence, KeyAccountEvent, KeyAccountProcess, KeyNode, ProcessState, ProcurementStep,
};
use techsales::portfolio::{Account, GradingInputs, OpportunityRecord, Portfolio};

/// Opportunities in the portfolio.
const OPPORTUNITIES: usize = 1_000_000;

/// Opportunities when run as a test (`cargo test --benches`, without
/// `--bench`): enough to show the bench still runs.
const TEST_OPPORTUNITIES: usize = 2_000;

/// The opportunities of this run.
static COUNT: AtomicUsize = AtomicUsize::new(OPPORTUNITIES);

fn count() -> usize {
    COUNT.load(Ordering::Relaxed)
}

/// The target for the whole portfolio.
const TARGET_BYTES: usize = 512 * 1024 * 1024;

/// Counts the bytes allocated and still live, and the most ever live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
            CALLS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
            CALLS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Live bytes, and the peak since the last call (the peak restarts from
/// what is live now).
fn take_peak() -> (usize, usize) {
    let live = LIVE.load(Ordering::Relaxed);
    (live, PEAK.swap(live, Ordering::Relaxed))
}

/// The kernel's high-water mark of resident memory, in bytes, restarted
/// afterwards where the kernel allows it.
fn take_resident_peak() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    // "5" restarts the high-water mark (Linux 4.0 and later).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    Some(kb * 1024)
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn per_opportunity(bytes: usize) -> String {
    format!("{:.0} B/opportunity", bytes as f64 / count() as f64)
}

fn verdict(bytes: usize) -> &'static str {
    if bytes <= TARGET_BYTES {
        "target met"
    } else {
        "target missed"
    }
}

fn at(opened: DateTime<Utc>, hours: i64) -> DateTime<Utc> {
    opened + Duration::hours(hours)
}

/// The five events of every deal: the customer's procurement observed, the
/// opportunity graded, the move to sales entry, and its two key nodes.
fn five_events(opened: DateTime<Utc>, grade: Grade) -> [Entry<KeyAccountEvent>; 5] {
    let node = |node, evidence: &str| KeyAccountEvent::KeyNodeMet {
        node,
        evidence: evidence.into(),
        grade: None,
    };
    [
        Entry::new(
            at(opened, 1),
            "li.wei",
            KeyAccountEvent::ProcurementStepObserved {
                step: ProcurementStep::InternalDemand,
            },
        ),
        Entry::new(
            at(opened, 2),
            "li.wei",
            KeyAccountEvent::KeyNodeMet {
                node: KeyNode::OpportunityGraded,
                evidence: "evaluation model passed".into(),
                grade: Some(grade),
            },
        ),
        // Only grade A enters the sales process unforced (the default
        // policy); the others are forced in with their reason.
        Entry::new(
            at(opened, 3),
            "li.wei",
            if grade == Grade::A {
                KeyAccountEvent::Advanced
            } else {
                KeyAccountEvent::ForcedAdvance {
                    reason: "strategic account".into(),
                }
            },
        ),
        Entry::new(
            at(opened, 4),
            "anna.k",
            node(KeyNode::InsidersFound, "coach: plant engineer"),
        ),
        Entry::new(
            at(opened, 5),
            "anna.k",
            node(
                KeyNode::KeyPeopleIdentified,
                "economic buyer: plant director",
            ),
        ),
    ]
}

/// The sample's accounts and definitions, for a portfolio to hold the
/// generated deals.
fn empty_portfolio() -> (Portfolio, Vec<Account>) {
    let sample = make_sample::build_sample().expect("the sample builds");
    let sample = Portfolio::from_json(&sample.portfolio_json).expect("the sample loads");
    let portfolio = Portfolio::new(
        sample.name(),
        sample.as_of(),
        sample.currency(),
        sample.definitions().clone(),
    )
    .expect("a valid header");
    (portfolio, sample.accounts().to_vec())
}

/// A million deals made through the API, each opened on one of 500 days,
/// graded A-D, with five events.
fn build(empty: Portfolio, accounts: Vec<Account>) -> Portfolio {
    let definition = empty.definitions().process.clone();
    let start = Utc
        .with_ymd_and_hms(2025, 1, 6, 9, 0, 0)
        .single()
        .expect("a valid time");
    let grades = [Grade::A, Grade::B, Grade::C, Grade::D];
    let mut records = Vec::with_capacity(count());
    for i in 0..count() {
        let opened = start + Duration::days((i % 500) as i64);
        let account = accounts[i % accounts.len()].id().to_owned();
        let mut record = OpportunityRecord::new(
            format!("O-{:07}", i + 1),
            account,
            "Pump retrofit, north plant",
            (10 + i as u64 % 390) * 500_000,
            (opened + Duration::days(120)).date_naive(),
            opened,
        );
        record.grading = Some(Box::new(GradingInputs {
            ratings: Ratings::uniform(7.0),
            possibility: Some(0.6),
        }));
        for entry in five_events(opened, grades[i % grades.len()]) {
            record
                .process
                .apply(&definition, entry)
                .expect("the event is accepted");
        }
        records.push(record);
    }
    empty
        .with_records(accounts, records)
        .expect("a consistent portfolio")
}

fn report(what: &str, live: usize, peak: usize, resident: Option<usize>) {
    println!(
        "{what}: live {} ({}), peak {} ({}), {} for the peak",
        mib(live),
        per_opportunity(live),
        mib(peak),
        per_opportunity(peak),
        verdict(peak),
    );
    if let Some(resident) = resident {
        println!(
            "{what}: resident high-water mark of the process {}",
            mib(resident)
        );
    }
}

fn print_sizes() {
    use std::mem::size_of;
    println!(
        "size_of: OpportunityRecord {}, KeyAccountProcess {}, ProcessState {}, Entry<KeyAccountEvent> {}, KeyAccountEvent {}, BuyingInfluence {}",
        size_of::<OpportunityRecord>(),
        size_of::<KeyAccountProcess>(),
        size_of::<ProcessState>(),
        size_of::<Entry<KeyAccountEvent>>(),
        size_of::<KeyAccountEvent>(),
        size_of::<BuyingInfluence>(),
    );
}

fn run_api() -> Portfolio {
    let (empty, accounts) = empty_portfolio();
    let (base, _) = take_peak();
    let _ = take_resident_peak();
    let calls = CALLS.load(Ordering::Relaxed);
    let portfolio = build(empty, accounts);
    let (live, peak) = take_peak();
    report(
        "api: opportunities built and checked",
        live - base,
        peak - base,
        take_resident_peak(),
    );
    println!(
        "api: {:.1} allocations per opportunity",
        (CALLS.load(Ordering::Relaxed) - calls) as f64 / count() as f64
    );
    portfolio
}

fn run_json(portfolio: Portfolio) {
    let json = portfolio.to_json().into_bytes();
    drop(portfolio);
    println!(
        "json: document of {} ({} bytes)",
        mib(json.len()),
        json.len()
    );
    let (base, _) = take_peak();
    let _ = take_resident_peak();
    let loaded = Portfolio::from_slice(&json).expect("the document loads");
    let (live, peak) = take_peak();
    assert_eq!(loaded.opportunities().len(), count());
    report(
        "json: opportunities loaded with from_slice (JSON text left out)",
        live - base,
        peak - base,
        take_resident_peak(),
    );
}

/// Saves the portfolio built through the API to `path`, as compact JSON
/// written straight to the file.
fn run_write(path: &str) {
    let portfolio = run_api();
    let file = std::fs::File::create(path).expect("the file can be created");
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut out, &portfolio).expect("the document is written");
    std::io::Write::flush(&mut out).expect("the document is written");
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    println!("write: {path}, {} ({bytes} bytes)", mib(bytes as usize));
}

/// Loads the file at `path` with `load`, reporting the heap (the text
/// counted, when it is held) and the resident high-water mark of the
/// whole process against the live structures afterwards.
fn run_load(what: &str, path: &str, load: impl FnOnce(&str) -> Portfolio) {
    let (base, _) = take_peak();
    let loaded = load(path);
    let (live, peak) = take_peak();
    assert_eq!(loaded.opportunities().len(), count());
    let resident = take_resident_peak();
    report(what, live - base, peak - base, resident);
    if let Some(resident) = resident {
        println!(
            "{what}: resident high-water mark {:.2}x the live structures (goal < 1.5x)",
            resident as f64 / (live - base) as f64
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        COUNT.store(TEST_OPPORTUNITIES, Ordering::Relaxed);
    }
    let named: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    print_sizes();
    println!("{} opportunities", count());
    match named.as_slice() {
        ["write", path] => run_write(path),
        ["read", path] => run_load("read: the whole file read, then from_slice", path, |path| {
            let text = std::fs::read(path).expect("the file is read");
            Portfolio::from_slice(&text).expect("the document loads")
        }),
        ["stream", path] => run_load(
            "stream: loaded with from_reader from the file",
            path,
            |path| {
                let file = std::fs::File::open(path).expect("the file opens");
                Portfolio::from_reader(file).expect("the document loads")
            },
        ),
        _ => {
            let wanted = |name: &str| named.is_empty() || named.contains(&name);
            if wanted("api") || wanted("json") {
                let portfolio = run_api();
                if wanted("json") {
                    run_json(portfolio);
                }
            }
        }
    }
}
