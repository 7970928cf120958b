//! Memory: the inline size of the state types (`size_of`).
//!
//! Run: `cargo bench --bench memory`.
//!
//! The peak memory of a portfolio of 1,000,000 opportunities, each with its
//! state, grade and five journal events, is to be added here once the
//! portfolio model exists.

use std::mem::size_of;

use techsales::cycle::{CycleEvent, TechnicalSale};
use techsales::grading::{BatchResult, Opportunity};
use techsales::journal::Entry;
use techsales::key_account::{KeyAccountEvent, KeyAccountProcess, ProcessState};

/// The inline size the issue sets for a key-account process state.
const STATE_TARGET: usize = 256;

fn main() {
    let rows = [
        (
            "key_account::ProcessState",
            size_of::<ProcessState>(),
            Some(STATE_TARGET),
        ),
        (
            "key_account::KeyAccountProcess",
            size_of::<KeyAccountProcess>(),
            Some(STATE_TARGET),
        ),
        (
            "journal::Entry<KeyAccountEvent>",
            size_of::<Entry<KeyAccountEvent>>(),
            None,
        ),
        ("cycle::TechnicalSale", size_of::<TechnicalSale>(), None),
        (
            "journal::Entry<CycleEvent>",
            size_of::<Entry<CycleEvent>>(),
            None,
        ),
        ("grading::Opportunity", size_of::<Opportunity>(), None),
        ("grading::BatchResult", size_of::<BatchResult>(), None),
    ];
    println!("inline sizes (size_of, bytes):");
    for (name, size, target) in rows {
        match target {
            Some(target) => {
                let verdict = if size <= target { "met" } else { "MISSED" };
                println!("  {name:<34} {size:>4}  target <= {target}: {verdict}");
            }
            None => println!("  {name:<34} {size:>4}"),
        }
    }
}
