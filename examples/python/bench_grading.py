#!/usr/bin/env python3
"""Python batch grading of 1,000,000 rows from NumPy against the Rust batch
on the same rows, in the same run.

    python3 examples/python/bench_grading.py [ROWS] [REPEATS]

Ours: `Grader.grade_columns` on ten NumPy columns (the whole Python path:
checks, output allocation, the call). Baseline: the Rust batch
(`techsales_grader_grade_columns`) called once on the same buffers with
outputs allocated beforehand, so no Python work is timed but the single
call. Ours is timed twice: returning new output arrays (whose first
writes fault their pages in), and writing into the arrays of an earlier
result (`out=`), as the baseline does. All agree on every result before
any timing. Prints the medians of REPEATS interleaved runs and the ratios.
"""

import ctypes as C
import datetime as dt
import statistics
import sys
import time

import numpy as np

import techsales as ts
from techsales import _native as N

AS_OF = dt.date(2026, 1, 15)


def generate(n, seed=42):
    """Ratings in tenths around a per-deal quality, close dates up to 18
    months out, and about 1.5% bad items, as in benches/grading.rs."""
    rng = np.random.default_rng(seed)
    quality = rng.uniform(2.0, 9.5, n)
    ratings = np.clip(np.round(quality[:, None] + rng.normal(0, 1.5, (n, 9)), 1), 0, 10)
    ratings = np.asfortranarray(ratings)  # each factor a contiguous column
    possibility = np.round(rng.uniform(0, 1, n), 2)
    close = (AS_OF - dt.date(1970, 1, 1)).days + rng.integers(-5, 540, n).astype(np.int32)
    bad = rng.integers(0, 200, n)
    ratings[bad == 0, 2] = 10.5
    possibility[bad == 1] = 1.2
    return ratings, close.astype(np.int32), possibility


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 21
    ratings, close, possibility = generate(n)
    grader = ts.Grader()
    columns = [ratings[:, j] for j in range(9)]
    pointers = (C.c_void_p * 9)(*[c.ctypes.data for c in columns])
    status = np.empty(n, np.uint32)
    grade = np.empty(n, np.uint32)
    score = np.empty(n, np.float64)
    summary = N.BatchSummary()
    as_of_day = (AS_OF - dt.date(1970, 1, 1)).days

    def rust_batch():
        N.call(N.lib.techsales_grader_grade_columns, grader._live, as_of_day, pointers,
               close.ctypes.data, possibility.ctypes.data, n, status.ctypes.data,
               grade.ctypes.data, score.ctypes.data, C.byref(summary))

    def python_batch():
        return grader.grade_columns(ratings, close, possibility, AS_OF)

    reused = python_batch()

    def python_batch_into():
        return grader.grade_columns(ratings, close, possibility, AS_OF, out=reused)

    ours = python_batch()
    rust_batch()
    assert (ours.status == status).all() and (ours.grade == grade).all()
    assert ours.score.view(np.uint64).tolist() == score.view(np.uint64).tolist()

    times = {"python": [], "python_into": [], "rust": []}
    runs = (("python", python_batch), ("python_into", python_batch_into), ("rust", rust_batch))
    for _ in range(repeats):  # interleaved, so all see the same load
        for name, fn in runs:
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    py, into, rust = (statistics.median(times[k]) for k in ("python", "python_into", "rust"))
    print(f"rows: {n:,}; repeats: {repeats}")
    print(f"python batch from NumPy, new outputs:  {py * 1e3:.2f} ms median, {n / py / 1e6:.1f} M rows/s")
    print(f"python batch from NumPy, out= reused:  {into * 1e3:.2f} ms median, {n / into / 1e6:.1f} M rows/s")
    print(f"rust batch, same rows, outputs reused: {rust * 1e3:.2f} ms median, {n / rust / 1e6:.1f} M rows/s")
    print(f"ratio python/rust: {py / rust:.3f}x (new outputs), {into / rust:.3f}x (out= reused)")


if __name__ == "__main__":
    main()
