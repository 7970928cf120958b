//! Inputs shared by the benches: a seeded generator and the data sets built
//! from it. Every bench and its baseline read the same generated data, and
//! the same seed always gives the same data.
#![allow(dead_code)] // each bench uses part of this module

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use techsales::grading::{ColumnInput, Opportunity, Ratings, FACTOR_COUNT};
use techsales::journal::Entry;
use techsales::key_account::{KeyAccountEvent, KeyNode, ProcurementStep};

/// Whether the bench runs in criterion's test mode (`cargo bench --
/// --test`, as `.ci/run` does): each routine once, to prove it still runs,
/// on inputs small enough to take seconds.
pub fn test_mode() -> bool {
    std::env::args().any(|arg| arg == "--test")
}

/// `n` for a measurement, a hundredth of it (at least one) in test mode.
pub fn scaled(n: usize) -> usize {
    if test_mode() {
        (n / 100).max(1)
    } else {
        n
    }
}

/// The seed of every generated data set.
pub const SEED: u64 = 0x7EC4_5A1E_5BE7_C0DE;

/// SplitMix64: a tiny, well-mixed generator, enough for benchmark inputs
/// (no cryptographic or statistical claims).
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A whole number in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The as-of date of every grading bench.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 15).expect("a valid date")
}

/// `n` opportunities as a CRM export would hold them: ratings spread
/// around a per-deal quality (so every verdict and grade occurs), close
/// dates up to 18 months out, and about 1.5% bad items (a rating outside
/// 0-10, a possibility above 1, a close date already passed). No NaN:
/// SQLite cannot store one, and both sides must read the same rows.
pub fn opportunities(n: usize) -> Vec<Opportunity> {
    let mut rng = Rng::new(SEED);
    let as_of = as_of();
    (0..n)
        .map(|_| {
            let quality = 1.0 + 8.0 * rng.unit();
            let mut ratings = [0.0; FACTOR_COUNT];
            for rating in &mut ratings {
                // Whole tenths, as a form would collect them.
                let raw = quality + 4.0 * (rng.unit() - 0.5);
                *rating = (raw.clamp(0.0, 10.0) * 10.0).round() / 10.0;
            }
            let mut expected_close = as_of + Duration::days(rng.below(550) as i64);
            let mut possibility = (rng.unit() * 100.0).round() / 100.0;
            match rng.below(200) {
                0 => ratings[rng.below(FACTOR_COUNT as u64) as usize] = 10.5,
                1 => possibility = 1.2,
                2 => expected_close = as_of - Duration::days(1 + rng.below(30) as i64),
                _ => {}
            }
            Opportunity {
                ratings: Ratings::from_array(ratings),
                expected_close,
                possibility: Some(possibility),
            }
        })
        .collect()
}

/// The same opportunities as parallel columns.
pub struct Columns {
    /// One column per factor.
    pub ratings: Vec<Vec<f64>>,
    /// Close dates as day numbers.
    pub close_day: Vec<i32>,
    /// Transaction possibilities.
    pub possibility: Vec<f64>,
}

impl Columns {
    /// Splits `opportunities` into columns.
    pub fn of(opportunities: &[Opportunity]) -> Self {
        let ratings = (0..FACTOR_COUNT)
            .map(|factor| {
                opportunities
                    .iter()
                    .map(|o| o.ratings.to_array()[factor])
                    .collect()
            })
            .collect();
        Columns {
            ratings,
            close_day: opportunities
                .iter()
                .map(|o| techsales::grading::day_number(o.expected_close))
                .collect(),
            // Every generated deal gives its possibility.
            possibility: opportunities
                .iter()
                .map(|o| o.possibility.unwrap_or(f64::NAN))
                .collect(),
        }
    }

    /// The columns as the grader takes them.
    pub fn input(&self) -> ColumnInput<'_> {
        ColumnInput {
            ratings: std::array::from_fn(|i| self.ratings[i].as_slice()),
            close_day: &self.close_day,
            possibility: &self.possibility,
        }
    }
}

/// When every generated key-account deal opens.
pub fn opened_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
        .single()
        .expect("a valid time")
}

/// An entry by the bench's actor (a short name: stored inline).
pub fn entry<E>(at: DateTime<Utc>, event: E) -> Entry<E> {
    Entry::new(at, "li.wei", event)
}

/// A key node met, with short evidence.
pub fn node_met(node: KeyNode) -> KeyAccountEvent {
    KeyAccountEvent::KeyNodeMet {
        node,
        evidence: "minutes of the meeting".into(),
        grade: None,
    }
}

/// The journal of a key-account deal won through all six stages under the
/// default definition: every key node, every advance, the customer's
/// procurement steps as observed, the win (the booking of the signed
/// contract) and the delivery (21 entries, an hour apart).
pub fn won_deal() -> Vec<Entry<KeyAccountEvent>> {
    use KeyAccountEvent::{Advanced, Booked, ProcurementStepObserved};
    use KeyNode::*;
    let step = |step| ProcurementStepObserved { step };
    let events = [
        step(ProcurementStep::InternalDemand),
        KeyAccountEvent::KeyNodeMet {
            node: OpportunityGraded,
            evidence: "evaluation passed".into(),
            grade: Some(techsales::grading::Grade::A),
        },
        Advanced,
        step(ProcurementStep::SupplierScreening),
        node_met(InsidersFound),
        node_met(KeyPeopleIdentified),
        Advanced,
        step(ProcurementStep::ProcurementIndex),
        node_met(StandardsInfluenced),
        Advanced,
        step(ProcurementStep::BiddingAndEvaluation),
        node_met(BidSubmitted),
        Advanced,
        step(ProcurementStep::PurchaseCommitment),
        node_met(ContractApproved),
        node_met(ContractSigned),
        Booked {
            booked_on: opened_at().date_naive(),
            amount_minor: None,
        },
        Advanced,
        step(ProcurementStep::Installation),
        node_met(ProjectAccepted),
        node_met(ProjectCompleted),
    ];
    let start = opened_at();
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| entry(start + Duration::hours(i as i64 + 1), event))
        .collect()
}

/// Key-account journals adding up to exactly `events` entries: whole won
/// deals, the last one cut short (a prefix of a valid journal is valid).
pub fn key_account_journals(events: usize) -> Vec<Vec<Entry<KeyAccountEvent>>> {
    let deal = won_deal();
    let mut journals = Vec::with_capacity(events / deal.len() + 1);
    let mut left = events;
    while left > 0 {
        let take = left.min(deal.len());
        journals.push(deal[..take].to_vec());
        left -= take;
    }
    journals
}

/// Prints a line once per bench run (criterion prints its own figures).
pub fn note(text: impl std::fmt::Display) {
    println!("note: {text}");
}

/// Where criterion keeps its results (the same lookup criterion makes,
/// less its `cargo metadata` fallback).
fn criterion_dir() -> std::path::PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => std::path::PathBuf::from(target).join("criterion"),
        None => std::path::PathBuf::from("target/criterion"),
    }
}

/// The median time of one iteration of `group/name`, in nanoseconds, if
/// criterion measured it during this run (older results are ignored, so a
/// filtered run never mixes figures of two runs).
pub fn median_ns(group: &str, name: &str, since: std::time::SystemTime) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(name)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Prints the throughput of `ours` and its ratio to `baseline`, both
/// measured in this run, from criterion's medians.
pub fn report_ratio(
    group: &str,
    ours: &str,
    baseline: &str,
    elements: u64,
    since: std::time::SystemTime,
) {
    let (Some(ours_ns), Some(base_ns)) = (
        median_ns(group, ours, since),
        median_ns(group, baseline, since),
    ) else {
        return;
    };
    let per_second = |ns: f64| elements as f64 / (ns * 1e-9) / 1e6;
    println!(
        "ratio {group}: {ours} {:.1} M/s, {baseline} {:.1} M/s, {ours} takes {:.3}x the time of {baseline} ({:.1}x the throughput)",
        per_second(ours_ns),
        per_second(base_ns),
        ours_ns / base_ns,
        base_ns / ours_ns,
    );
}

/// The routine named by `BENCH_ONE_PASS`, if set. A bench then runs only
/// that routine, once, inside [`measured`], and prints how many elements
/// it handled: `benches/instructions.sh` runs it under callgrind to count
/// instructions, which unlike time do not depend on what else the machine
/// is doing.
pub fn one_pass() -> Option<String> {
    std::env::var("BENCH_ONE_PASS").ok()
}

/// Runs `routine` as its own function (callgrind counts from its entry to
/// its exit) and prints the number of elements it handled.
#[inline(never)]
pub fn measured<T>(elements: usize, routine: impl FnOnce() -> T) -> T {
    // On the calling thread: callgrind counts the thread that entered here.
    let output = criterion::black_box(techsales::parallel::with_threads(1, routine));
    println!("elements: {elements}");
    output
}
