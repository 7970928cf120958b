//! Journal replay: rebuilding deals from 1,000,000 journal entries.
//!
//! Run: `cargo bench --bench replay`.
//!
//! - Key-account process: won deals of 21 entries each (every key node,
//!   every advance, the customer's procurement steps, the win), replayed
//!   from owned entries as a CRM loading its journals would. Baseline: the
//!   same entries appended to a journal with no rule checked and no state
//!   built.
//! - Technical-sale cycle: strategic-customer deals of two full iterations
//!   each, replayed from owned journals ([`TechnicalSale::replay`] takes the
//!   entries over and copies nothing). `replay_from_copy` first copies each
//!   journal inside the timed routine (a caller that keeps its own); the
//!   baseline `append_only` moves the same entries into new journals with
//!   no rule checked.

mod support;

#[path = "../tests/support/cycle_fixtures.rs"]
mod cycle_fixtures;

use std::time::{Duration, SystemTime};

use criterion::{criterion_group, BatchSize, Criterion, Throughput};
use techsales::customer::CustomerType;
use techsales::cycle::{CycleEvent, CycleVariant, Stage as CycleStage, TechnicalSale};
use techsales::journal::{Entry, Journal};
use techsales::key_account::{KeyAccountEvent, KeyAccountProcess, Outcome, ProcessDefinition};

/// Journal entries replayed per timed pass (a hundredth in test mode).
fn events() -> usize {
    support::scaled(1_000_000)
}

const KEY_ACCOUNT_GROUP: &str = "replay_key_account_1m";
const CYCLE_GROUP: &str = "replay_cycle_1m";

type Journals = Vec<Vec<Entry<KeyAccountEvent>>>;

/// Replays every journal into a deal.
fn replay_all(definition: &ProcessDefinition, journals: Journals) -> Vec<KeyAccountProcess> {
    let opened_at = support::opened_at();
    journals
        .into_iter()
        .map(|journal| {
            KeyAccountProcess::replay(definition, opened_at, journal).expect("a valid journal")
        })
        .collect()
}

/// The baseline: the same entries moved one by one into journals that
/// reserve their room up front (as replay does), with no rule checked and
/// no state built.
fn append_all(journals: Journals) -> Vec<Vec<Entry<KeyAccountEvent>>> {
    journals
        .into_iter()
        .map(|journal| {
            let mut appended = Vec::with_capacity(journal.len());
            for entry in journal {
                appended.push(entry);
            }
            appended
        })
        .collect()
}

fn bench_key_account(c: &mut Criterion) {
    let definition = ProcessDefinition::default();
    let journals = support::key_account_journals(events());

    // Once, untimed: every full journal ends in a win, and the replayed
    // journals hold every entry.
    let deals = replay_all(&definition, journals.clone());
    let won = deals
        .iter()
        .filter(|d| d.state().outcome() == Some(Outcome::Won))
        .count();
    let recorded: usize = deals.iter().map(|d| d.journal().len()).sum();
    assert_eq!(recorded, events());
    assert_eq!(won, events() / support::won_deal().len());
    assert_eq!(append_all(journals.clone()), journals);
    support::note(format_args!(
        "{} key-account deals ({won} won) rebuilt from {} entries",
        deals.len(),
        events()
    ));
    drop(deals);

    let mut group = c.benchmark_group(KEY_ACCOUNT_GROUP);
    group.throughput(Throughput::Elements(events() as u64));
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("replay", |b| {
        b.iter_batched(
            || journals.clone(),
            |journals| replay_all(&definition, journals),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("append_only", |b| {
        b.iter_batched(|| journals.clone(), append_all, BatchSize::PerIteration)
    });
    group.finish();
}

/// A strategic customer's deal through two full iterations of the cycle.
fn cycle_deal() -> TechnicalSale {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Strategic);
    let mut hours = 0;
    for _ in 0..2 {
        for _ in CycleStage::ALL {
            hours = cycle_fixtures::finish_stage(&mut sale, hours);
        }
    }
    sale
}

/// The variant of the cycle deals and journals adding up to `events()`
/// entries: whole deals, the last one cut short.
fn cycle_journals() -> (CycleVariant, Vec<Journal<CycleEvent>>) {
    let deal = cycle_deal();
    let per_deal = deal.journal().len();
    let mut journals = vec![deal.journal().clone(); events() / per_deal];
    // The rest as a prefix of the same journal (a prefix is valid), through
    // its JSON form: a journal is only ever built by a deal or read back.
    let rest: Vec<&Entry<CycleEvent>> = deal.journal().iter().take(events() % per_deal).collect();
    let json = serde_json::to_string(&rest).expect("entries serialise");
    journals.push(serde_json::from_str(&json).expect("a journal reads back"));
    assert_eq!(journals.iter().map(Journal::len).sum::<usize>(), events());
    (deal.variant().clone(), journals)
}

/// Replays every cycle journal into a deal.
fn replay_cycles(variant: &CycleVariant, journals: Vec<Journal<CycleEvent>>) -> Vec<TechnicalSale> {
    journals
        .into_iter()
        .map(|journal| TechnicalSale::replay(variant.clone(), journal).expect("a valid journal"))
        .collect()
}

/// Replays a copy of every cycle journal, the copies made as it goes.
fn replay_cycle_copies(
    variant: &CycleVariant,
    journals: &[Journal<CycleEvent>],
) -> Vec<TechnicalSale> {
    journals
        .iter()
        .map(|journal| {
            TechnicalSale::replay(variant.clone(), journal.clone()).expect("a valid journal")
        })
        .collect()
}

/// The cycle baseline: the same entries moved one by one into new
/// journals, with no rule checked and no state built.
fn append_cycles(journals: Vec<Journal<CycleEvent>>) -> Vec<Vec<Entry<CycleEvent>>> {
    journals
        .into_iter()
        .map(|journal| {
            let mut appended = Vec::with_capacity(journal.len());
            for entry in journal.into_entries() {
                appended.push(entry);
            }
            appended
        })
        .collect()
}

fn bench_cycle(c: &mut Criterion) {
    let (variant, journals) = cycle_journals();
    let per_deal = journals[0].len();
    let rebuilt = replay_cycles(&variant, journals.clone());
    assert_eq!(rebuilt[0], cycle_deal());
    assert_eq!(rebuilt[0].completed_iterations(), 2);
    support::note(format_args!(
        "{} cycle deals of {per_deal} entries rebuilt from {} entries",
        journals.len(),
        events()
    ));
    drop(rebuilt);

    let mut group = c.benchmark_group(CYCLE_GROUP);
    group.throughput(Throughput::Elements(events() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("replay", |b| {
        b.iter_batched(
            || journals.clone(),
            |journals| replay_cycles(&variant, journals),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("replay_from_copy", |b| {
        b.iter_with_large_drop(|| replay_cycle_copies(&variant, &journals))
    });
    group.bench_function("append_only", |b| {
        b.iter_batched(|| journals.clone(), append_cycles, BatchSize::PerIteration)
    });
    group.finish();
}

/// One pass of one routine, for an instruction count.
fn one_pass(name: &str) {
    let definition = ProcessDefinition::default();
    match name {
        "replay" => {
            let journals = support::key_account_journals(events());
            support::measured(events(), || replay_all(&definition, journals));
        }
        "append_only" => {
            let journals = support::key_account_journals(events());
            support::measured(events(), || append_all(journals));
        }
        "cycle_replay" => {
            let (variant, journals) = cycle_journals();
            support::measured(events(), || replay_cycles(&variant, journals));
        }
        "cycle_replay_from_copy" => {
            let (variant, journals) = cycle_journals();
            support::measured(events(), || replay_cycle_copies(&variant, &journals));
        }
        "cycle_append_only" => {
            let (_, journals) = cycle_journals();
            support::measured(events(), || append_cycles(journals));
        }
        other => panic!("no routine {other} in this bench"),
    }
}

criterion_group!(benches, bench_key_account, bench_cycle);

fn main() {
    if let Some(name) = support::one_pass() {
        return one_pass(&name);
    }
    let start = SystemTime::now();
    benches();
    Criterion::default().configure_from_args().final_summary();
    support::report_ratio(
        KEY_ACCOUNT_GROUP,
        "replay",
        "append_only",
        events() as u64,
        start,
    );
    support::report_ratio(CYCLE_GROUP, "replay", "append_only", events() as u64, start);
    support::report_ratio(
        CYCLE_GROUP,
        "replay_from_copy",
        "append_only",
        events() as u64,
        start,
    );
}
