//! A gated advance in the six-stage key-account process (the key-node
//! check, then the journal append) against the same advance and the same
//! append with no key-node check, and a count of the heap allocations the
//! advances make.
//!
//! Run: `cargo bench --bench process`.
//!
//! Each timed pass takes 100 deals that have met every key node through
//! all five advances (500 transitions). The deals and their `Advanced`
//! entries are built before the clock starts; the processes reserve room
//! for their journals, as a CRM holding many deals would.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use criterion::{criterion_group, BatchSize, Criterion, Throughput};
use techsales::journal::Entry;
use techsales::key_account::{
    KeyAccountEvent, KeyAccountProcess, KeyNode, ProcessDefinition, ProcurementStep, Stage,
};

/// Counts every allocation and reallocation, to show the advances make
/// none. The count is one relaxed atomic add, and the timed advances do
/// not allocate, so it does not weigh on the figures.
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const GROUP: &str = "key_account_advance";

/// Deals per timed pass.
const DEALS: usize = 100;

/// Advances per deal: through all six stages.
const ADVANCES: usize = 5;

/// Journal room each deal reserves: its key nodes and advances, and more.
const CAPACITY: usize = 16;

/// The time of the `hour`th entry of a deal.
fn hour(hour: usize) -> DateTime<Utc> {
    support::opened_at() + chrono::Duration::hours(hour as i64)
}

/// The key nodes every deal has met before the bench advances it.
fn met_entries() -> Vec<Entry<KeyAccountEvent>> {
    KeyNode::ALL
        .iter()
        .enumerate()
        .map(|(i, &node)| {
            // The grading node is met only with a grade.
            let event = match node {
                KeyNode::OpportunityGraded => KeyAccountEvent::KeyNodeMet {
                    node,
                    evidence: "evaluation passed".into(),
                    grade: Some(techsales::grading::Grade::A),
                },
                _ => support::node_met(node),
            };
            support::entry(hour(i + 1), event)
        })
        .collect()
}

/// The entries of the five advances, after the key nodes.
fn advance_entries(event: &KeyAccountEvent) -> Vec<Entry<KeyAccountEvent>> {
    let first = KeyNode::ALL.len() + 1;
    (first..first + ADVANCES)
        .map(|h| support::entry(hour(h), event.clone()))
        .collect()
}

/// Deals in the development stage with every key node met and room for
/// their journals.
fn ready_deals(definition: &ProcessDefinition) -> Vec<KeyAccountProcess> {
    let met = met_entries();
    (0..DEALS)
        .map(|_| {
            let mut deal = KeyAccountProcess::with_capacity(support::opened_at(), CAPACITY);
            for entry in &met {
                deal.apply(definition, entry.clone())
                    .expect("a key node is accepted");
            }
            deal
        })
        .collect()
}

/// The baseline's deal: the same stage change and the same journal of
/// the same entries, with nothing checked.
struct Unchecked {
    stage: Stage,
    stage_entered_at: DateTime<Utc>,
    journal: Vec<Entry<KeyAccountEvent>>,
}

impl Unchecked {
    /// The same change to the stage as an accepted advance, and the same
    /// append.
    #[inline(never)]
    fn advance(&mut self, entry: Entry<KeyAccountEvent>) {
        if let Some(next) = self.stage.next() {
            self.stage = next;
            self.stage_entered_at = entry.at;
        }
        self.journal.push(entry);
    }
}

fn unchecked_deals() -> Vec<Unchecked> {
    let met = met_entries();
    (0..DEALS)
        .map(|_| {
            let mut journal = Vec::with_capacity(CAPACITY);
            journal.extend(met.iter().cloned());
            Unchecked {
                stage: Stage::FIRST,
                stage_entered_at: support::opened_at(),
                journal,
            }
        })
        .collect()
}

/// The inputs of one timed pass: the deals and their entries, deal after
/// deal in one vector (so the timed loop frees no memory).
type Pass<D> = (Vec<D>, Vec<Entry<KeyAccountEvent>>);

fn pass<D>(deals: Vec<D>, entries: &[Entry<KeyAccountEvent>]) -> Pass<D> {
    let all = (0..deals.len())
        .flat_map(|_| entries.iter().cloned())
        .collect();
    (deals, all)
}

/// Gives each deal its entries in turn, consuming them.
fn run<D>(
    (mut deals, entries): Pass<D>,
    mut step: impl FnMut(&mut D, Entry<KeyAccountEvent>),
) -> (Vec<D>, std::vec::IntoIter<Entry<KeyAccountEvent>>) {
    let mut entries = entries.into_iter();
    for deal in &mut deals {
        for entry in entries.by_ref().take(ADVANCES) {
            step(deal, entry);
        }
    }
    // Returned so that freeing them falls outside the timed region.
    (deals, entries)
}

/// Counts the allocations of advancing every deal through the five
/// stages, entries included (built inside the counted region).
fn allocations_per_advance(definition: &ProcessDefinition) -> usize {
    let mut deals = ready_deals(definition);
    let first = KeyNode::ALL.len() + 1;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for deal in &mut deals {
        for h in first..first + ADVANCES {
            let entry = Entry::new(hour(h), "li.wei", KeyAccountEvent::Advanced);
            deal.apply(definition, entry)
                .expect("an advance is accepted");
        }
    }
    let counted = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert!(deals
        .iter()
        .all(|d| d.state().stage() == Stage::LAST
            && d.journal().len() == KeyNode::ALL.len() + ADVANCES));
    counted
}

fn bench_advance(c: &mut Criterion) {
    let definition = ProcessDefinition::default();
    let advances = advance_entries(&KeyAccountEvent::Advanced);
    let observations = advance_entries(&KeyAccountEvent::ProcurementStepObserved {
        step: ProcurementStep::SupplierScreening,
    });

    // Once, untimed: the gated advances and the baseline end in the same
    // stage with the same journal, and the advances allocate nothing.
    let (gated, _) = run(pass(ready_deals(&definition), &advances), |deal, entry| {
        deal.apply(&definition, entry)
            .expect("an advance is accepted")
    });
    let (plain, _) = run(pass(unchecked_deals(), &advances), Unchecked::advance);
    for (gated, plain) in gated.iter().zip(&plain) {
        assert_eq!(gated.state().stage(), plain.stage);
        assert_eq!(gated.state().stage_entered_at(), plain.stage_entered_at);
        assert_eq!(gated.journal().entries(), plain.journal.as_slice());
    }
    let allocations = allocations_per_advance(&definition);
    assert_eq!(allocations, 0, "gated advances allocated");
    support::note(format_args!(
        "{} gated advances with reserved journals made {allocations} heap allocations",
        DEALS * ADVANCES
    ));

    let mut group = c.benchmark_group(GROUP);
    group.throughput(Throughput::Elements((DEALS * ADVANCES) as u64));
    group.sample_size(100);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("gated", |b| {
        b.iter_batched(
            || pass(ready_deals(&definition), &advances),
            |input| {
                run(input, |deal, entry| {
                    deal.apply(&definition, entry)
                        .expect("an advance is accepted")
                })
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("ungated_event", |b| {
        b.iter_batched(
            || pass(ready_deals(&definition), &observations),
            |input| {
                run(input, |deal, entry| {
                    deal.apply(&definition, entry)
                        .expect("an observation is accepted")
                })
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("unchecked", |b| {
        b.iter_batched(
            || pass(unchecked_deals(), &advances),
            |input| run(input, Unchecked::advance),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// One pass of one routine, for an instruction count.
fn one_pass(name: &str) {
    let definition = ProcessDefinition::default();
    let advances = advance_entries(&KeyAccountEvent::Advanced);
    let observations = advance_entries(&KeyAccountEvent::ProcurementStepObserved {
        step: ProcurementStep::SupplierScreening,
    });
    let transitions = DEALS * ADVANCES;
    match name {
        "gated" => {
            let input = pass(ready_deals(&definition), &advances);
            support::measured(transitions, || {
                run(input, |deal, entry| {
                    deal.apply(&definition, entry)
                        .expect("an advance is accepted")
                })
            });
        }
        "ungated_event" => {
            let input = pass(ready_deals(&definition), &observations);
            support::measured(transitions, || {
                run(input, |deal, entry| {
                    deal.apply(&definition, entry)
                        .expect("an observation is accepted")
                })
            });
        }
        "unchecked" => {
            let input = pass(unchecked_deals(), &advances);
            support::measured(transitions, || run(input, Unchecked::advance));
        }
        other => panic!("no routine {other} in this bench"),
    }
}

criterion_group!(benches, bench_advance);

fn main() {
    if let Some(name) = support::one_pass() {
        return one_pass(&name);
    }
    let start = SystemTime::now();
    benches();
    Criterion::default().configure_from_args().final_summary();
    let transitions = (DEALS * ADVANCES) as u64;
    for baseline in ["unchecked", "ungated_event"] {
        support::report_ratio(GROUP, "gated", baseline, transitions, start);
    }
}
