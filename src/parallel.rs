//! How many threads the large computations use: batch grading (the column
//! and slice forms) and the portfolio analytics over large books.
//!
//! With the default `parallel` feature, work that is large enough is split
//! into fixed-size chunks that rayon spreads over every core; without it,
//! or under [`with_threads`]`(1, ..)`, everything runs on the calling
//! thread, for embedders that own their threads. The chunks are the same
//! whatever the thread count and their results are combined in chunk
//! order, so every thread count gives the same result, bit for bit.
//!
//! ```
//! use chrono::NaiveDate;
//! use techsales::grading::{Grader, Opportunity, Ratings};
//! use techsales::parallel::with_threads;
//!
//! let grader = Grader::default();
//! let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
//! let deal = Opportunity {
//!     ratings: Ratings::uniform(7.0),
//!     expected_close: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
//!     possibility: Some(0.8),
//! };
//! let book = vec![deal; 100_000];
//! let on_this_thread = with_threads(1, || grader.grade_all(&book, as_of));
//! let on_two = with_threads(2, || grader.grade_all(&book, as_of));
//! assert_eq!(on_this_thread, on_two);
//! ```

use std::cell::Cell;

/// The thread count that stands for "every core" (rayon's global pool,
/// one thread per core unless `RAYON_NUM_THREADS` says otherwise).
pub const ALL_THREADS: usize = 0;

/// The most threads a set-size pool has; larger counts get this many.
pub const MAX_THREADS: usize = 1024;

thread_local! {
    /// The thread count set by [`with_threads`] on this thread.
    static THREADS: Cell<usize> = const { Cell::new(ALL_THREADS) };
}

/// Runs `work` on the calling thread with the large computations it starts
/// using `threads` threads: 1 keeps them on the calling thread, 0
/// ([`ALL_THREADS`]) uses every core, any other number a pool of that
/// many (at most [`MAX_THREADS`]). Results do not depend on the count. Without the `parallel`
/// feature every count runs on the calling thread.
pub fn with_threads<T>(threads: usize, work: impl FnOnce() -> T) -> T {
    /// Puts the previous setting back, even when `work` unwinds.
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREADS.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(THREADS.with(|t| t.replace(threads)));
    work()
}

/// The thread count in force on this thread (see [`with_threads`]).
pub fn current_threads() -> usize {
    THREADS.with(Cell::get)
}

/// Whether this build can use more than one thread (the `parallel`
/// feature).
pub const fn is_available() -> bool {
    cfg!(feature = "parallel")
}

#[cfg(feature = "parallel")]
mod pool {
    use std::sync::{Arc, Mutex};

    use rayon::ThreadPool;

    /// The last pool of a set size, kept for the next call of that size.
    static SIZED: Mutex<Option<(usize, Arc<ThreadPool>)>> = Mutex::new(None);

    /// A pool of `threads` threads, or `None` when the system refuses to
    /// start one (the work then runs in the global pool).
    pub(super) fn sized(threads: usize) -> Option<Arc<ThreadPool>> {
        let mut kept = SIZED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((size, pool)) = kept.as_ref() {
            if *size == threads {
                return Some(Arc::clone(pool));
            }
        }
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .ok()?,
        );
        *kept = Some((threads, Arc::clone(&pool)));
        Some(pool)
    }
}

/// Runs `parallel(input)` in the pool the current setting names, or
/// `sequential(input)` on this thread when the setting is 1. Both must
/// compute the same thing.
#[cfg(feature = "parallel")]
fn run<I: Send, R: Send>(
    input: I,
    parallel: impl FnOnce(I) -> R + Send,
    sequential: impl FnOnce(I) -> R,
) -> R {
    match current_threads() {
        1 => sequential(input),
        ALL_THREADS => parallel(input),
        n => match pool::sized(n.min(MAX_THREADS)) {
            Some(pool) => pool.install(|| parallel(input)),
            None => parallel(input),
        },
    }
}

/// `f` of each `chunk`-long piece of `items` (the last one shorter), in
/// order. Inputs of one chunk or less stay on the calling thread.
pub(crate) fn map_chunks<T, R>(items: &[T], chunk: usize, f: impl Fn(&[T]) -> R + Sync) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let chunk = chunk.max(1);
    #[cfg(feature = "parallel")]
    if items.len() > chunk {
        use rayon::prelude::*;
        return run(
            items,
            |items| items.par_chunks(chunk).map(&f).collect(),
            |items| items.chunks(chunk).map(&f).collect(),
        );
    }
    items.chunks(chunk).map(&f).collect()
}

/// `f(start, piece)` of each `chunk`-long piece of `out` (the last one
/// shorter), `start` being the piece's first index, with the results in
/// order. Outputs of one chunk or less stay on the calling thread.
pub(crate) fn map_chunks_mut<A, R>(
    out: &mut [A],
    chunk: usize,
    f: impl Fn(usize, &mut [A]) -> R + Sync,
) -> Vec<R>
where
    A: Send,
    R: Send,
{
    let chunk = chunk.max(1);
    #[cfg(feature = "parallel")]
    if out.len() > chunk {
        use rayon::prelude::*;
        let f = &f;
        return run(
            out,
            |out| {
                out.par_chunks_mut(chunk)
                    .enumerate()
                    .map(|(i, piece)| f(i * chunk, piece))
                    .collect()
            },
            |out| {
                out.chunks_mut(chunk)
                    .enumerate()
                    .map(|(i, piece)| f(i * chunk, piece))
                    .collect()
            },
        );
    }
    out.chunks_mut(chunk)
        .enumerate()
        .map(|(i, piece)| f(i * chunk, piece))
        .collect()
}

/// [`map_chunks_mut`] over three outputs of one length, cut at the same
/// places: `f(start, a, b, c)` of each piece.
pub(crate) fn map_chunks_mut3<A, B, C, R>(
    out: (&mut [A], &mut [B], &mut [C]),
    chunk: usize,
    f: impl Fn(usize, &mut [A], &mut [B], &mut [C]) -> R + Sync,
) -> Vec<R>
where
    A: Send,
    B: Send,
    C: Send,
    R: Send,
{
    let chunk = chunk.max(1);
    #[cfg(feature = "parallel")]
    if out.0.len() > chunk {
        use rayon::prelude::*;
        let f = &f;
        return run(
            out,
            |(a, b, c)| {
                a.par_chunks_mut(chunk)
                    .zip(b.par_chunks_mut(chunk))
                    .zip(c.par_chunks_mut(chunk))
                    .enumerate()
                    .map(|(i, ((a, b), c))| f(i * chunk, a, b, c))
                    .collect()
            },
            |(a, b, c)| sequential3(a, b, c, chunk, f),
        );
    }
    sequential3(out.0, out.1, out.2, chunk, &f)
}

/// [`map_chunks_mut3`] on the calling thread.
fn sequential3<A, B, C, R>(
    a: &mut [A],
    b: &mut [B],
    c: &mut [C],
    chunk: usize,
    f: &impl Fn(usize, &mut [A], &mut [B], &mut [C]) -> R,
) -> Vec<R> {
    a.chunks_mut(chunk)
        .zip(b.chunks_mut(chunk))
        .zip(c.chunks_mut(chunk))
        .enumerate()
        .map(|(i, ((a, b), c))| f(i * chunk, a, b, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_is_restored_after_the_work() {
        assert_eq!(current_threads(), ALL_THREADS);
        let inner = with_threads(3, || with_threads(1, current_threads));
        assert_eq!(inner, 1);
        assert_eq!(current_threads(), ALL_THREADS);
        let unwound = std::panic::catch_unwind(|| with_threads(2, || panic!("refused")));
        assert!(unwound.is_err());
        assert_eq!(current_threads(), ALL_THREADS);
    }

    #[test]
    fn chunks_come_back_in_order_for_every_thread_count() {
        let items: Vec<u32> = (0..10_000).collect();
        let expected: Vec<u32> = items.chunks(7).map(|c| c.iter().sum()).collect();
        for threads in [0, 1, 2, 3] {
            let sums = with_threads(threads, || map_chunks(&items, 7, |c| c.iter().sum::<u32>()));
            assert_eq!(sums, expected, "{threads} threads");
            let mut out = vec![0usize; 10_000];
            let starts = with_threads(threads, || {
                map_chunks_mut(&mut out, 7, |start, piece| {
                    for (i, cell) in piece.iter_mut().enumerate() {
                        *cell = start + i;
                    }
                    start
                })
            });
            assert_eq!(starts, (0..10_000).step_by(7).collect::<Vec<_>>());
            assert!(out.iter().enumerate().all(|(i, &v)| i == v));
        }
    }
}
