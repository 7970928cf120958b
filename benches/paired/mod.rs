//! Side-by-side timing of a routine and its baseline in the same run, for
//! the ratios the benchmark report quotes. Criterion measures each routine
//! on its own; on a shared machine the load can change between the two, so
//! here the two alternate, round after round, and the ratio is the median
//! of the rounds' ratios.
#![allow(dead_code)] // each bench uses part of this module

use std::time::{Duration, Instant};

/// Rounds of each comparison: enough for a stable median, few enough to
/// keep `cargo bench` short.
pub const ROUNDS: usize = 15;

/// What one comparison measured.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    /// How many rounds were run.
    pub rounds: usize,
    /// Median time of one run of the routine.
    pub ours: Duration,
    /// Median time of one run of the baseline.
    pub baseline: Duration,
    /// Median over the rounds of ours / baseline (time, so below 1 is
    /// faster than the baseline).
    pub time_ratio: f64,
}

/// Runs `baseline` and `ours` alternately for `rounds` rounds (after one
/// warm-up run of each) and returns their median times and time ratio.
/// What each run returns is dropped after its time is taken.
pub fn compare<B, O>(
    rounds: usize,
    mut baseline: impl FnMut() -> B,
    mut ours: impl FnMut() -> O,
) -> Pair {
    // In criterion's test mode (`cargo bench -- --test`) one round proves
    // the comparison still runs.
    let rounds = if std::env::args().any(|arg| arg == "--test") {
        1
    } else {
        rounds
    };
    drop(baseline());
    drop(ours());
    let mut base_times = Vec::with_capacity(rounds);
    let mut our_times = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        // Alternate which goes first, so neither always runs on a warmer
        // cache or a quieter machine.
        let (b, o) = if round % 2 == 0 {
            let b = time(&mut baseline);
            (b, time(&mut ours))
        } else {
            let o = time(&mut ours);
            (time(&mut baseline), o)
        };
        base_times.push(b);
        our_times.push(o);
        ratios.push(o.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE));
    }
    Pair {
        rounds,
        ours: median(&mut our_times),
        baseline: median(&mut base_times),
        time_ratio: median(&mut ratios),
    }
}

fn time<T>(routine: &mut impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    let output = std::hint::black_box(routine());
    let elapsed = start.elapsed();
    drop(output);
    elapsed
}

fn median<T: PartialOrd + Copy>(values: &mut [T]) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}

/// Prints a throughput comparison: `elements` handled by one run of each.
pub fn report_throughput(what: &str, ours: &str, baseline: &str, elements: u64, pair: Pair) {
    let rate = |d: Duration| elements as f64 / d.as_secs_f64() / 1e6;
    println!(
        "ratio {what}: {ours} {:.1} M/s, {baseline} {:.1} M/s; {ours} runs at {:.3}x the throughput of {baseline} (median of {} alternating rounds)",
        rate(pair.ours),
        rate(pair.baseline),
        1.0 / pair.time_ratio,
        pair.rounds,
    );
}

/// Prints a per-call comparison: `calls` calls in one run of each.
pub fn report_per_call(what: &str, ours: &str, baseline: &str, calls: u64, pair: Pair) {
    let ns = |d: Duration| d.as_secs_f64() * 1e9 / calls as f64;
    let (o, b) = (ns(pair.ours), ns(pair.baseline));
    println!(
        "ratio {what}: {ours} {o:.2} ns/call, {baseline} {b:.2} ns/call; overhead {:.2} ns/call, {:.3}x the time (median of {} alternating rounds)",
        o - b,
        pair.time_ratio,
        pair.rounds,
    );
}

/// Prints a time comparison: `bytes` read by one run of each.
pub fn report_time(what: &str, ours: &str, baseline: &str, bytes: u64, pair: Pair) {
    let rate = |d: Duration| bytes as f64 / d.as_secs_f64() / 1e6;
    println!(
        "ratio {what}: {ours} {:.1} ms ({:.0} MB/s), {baseline} {:.1} ms ({:.0} MB/s); {ours} takes {:.3}x the time of {baseline} (median of {} alternating rounds)",
        pair.ours.as_secs_f64() * 1e3,
        rate(pair.ours),
        pair.baseline.as_secs_f64() * 1e3,
        rate(pair.baseline),
        pair.time_ratio,
        pair.rounds,
    );
}

/// Prints a line of context once per bench run.
pub fn note(text: impl std::fmt::Display) {
    println!("note: {text}");
}
