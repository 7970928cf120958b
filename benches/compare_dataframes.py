#!/usr/bin/env python3
"""The A-D grading of a batch against what a data team would write instead:
the same evaluation and grade rules as one DuckDB query and as one Polars
expression, over the same generated rows, checked to agree row for row
(status, grade and the score's bits), then timed side by side. Also times a
streaming read of the same input bytes (NumPy), the memory-bandwidth limit
that no column-at-a-time engine can beat.

Run by hand, not by CI (see BENCHMARKS.md):

    cargo build --release --lib
    python3 -m venv /tmp/venv
    /tmp/venv/bin/pip install -r benches/requirements-dataframes.txt
    /tmp/venv/bin/python benches/compare_dataframes.py [--rows N] [--threads T]

Our side is the C ABI's column batch (`techsales_grader_grade_columns_threads`,
the entry the Python package calls) on the release library,
`target/release/libtechsales.so` (or `TECHSALES_LIB`). Every engine gets the
same thread count (default 1; DuckDB `SET threads`, Polars
`POLARS_MAX_THREADS`). The rules' parameters are read from the library's
default grader (`techsales_grader_to_json`), never restated here.
"""

from __future__ import annotations

import argparse
import ctypes as C
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACTORS = [
    "project_level",
    "capital_status",
    "technical_requirements",
    "customer_relationship",
    "customer_reputation",
    "competition_products",
    "competition_prices",
    "competition_technical_solutions",
    "competition_after_sales",
]
AS_OF = dt.date(2026, 1, 15)
EPOCH = dt.date(1970, 1, 1)
NO_GRADE = 0xFFFFFFFF


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows per batch")
    parser.add_argument("--threads", type=int, default=1, help="threads every engine may use")
    parser.add_argument("--rounds", type=int, default=7, help="alternating timed rounds")
    return parser.parse_args()


ARGS = parse_args()
# Polars reads its thread count once, when it is first imported.
os.environ["POLARS_MAX_THREADS"] = str(ARGS.threads)

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402


# ---- our library, through the C ABI ----------------------------------------


class Summary(C.Structure):
    _fields_ = [("graded", C.c_size_t), ("failed", C.c_size_t), ("invalid", C.c_size_t)]


def load_library() -> C.CDLL:
    path = os.environ.get("TECHSALES_LIB", str(ROOT / "target" / "release" / "libtechsales.so"))
    lib = C.CDLL(path)
    lib.techsales_grader_new.argtypes = [C.c_char_p, C.POINTER(C.c_void_p)]
    lib.techsales_grader_to_json.argtypes = [C.c_void_p, C.POINTER(C.c_void_p)]
    lib.techsales_string_free.argtypes = [C.c_void_p]
    lib.techsales_grader_grade_columns_threads.argtypes = [
        C.c_void_p,
        C.c_int32,
        C.POINTER(C.c_void_p),
        C.c_void_p,
        C.c_void_p,
        C.c_size_t,
        C.c_uint32,
        C.c_void_p,
        C.c_void_p,
        C.c_void_p,
        C.POINTER(Summary),
    ]
    for name in ["techsales_grader_new", "techsales_grader_to_json", "techsales_grader_grade_columns_threads"]:
        getattr(lib, name).restype = C.c_uint32
    return lib


LIB = load_library()


def check(code: int, what: str) -> None:
    if code != 0:
        raise SystemExit(f"{what} failed with result code {code}")


def default_grader() -> tuple[C.c_void_p, dict]:
    grader = C.c_void_p()
    check(LIB.techsales_grader_new(None, C.byref(grader)), "techsales_grader_new")
    text = C.c_void_p()
    check(LIB.techsales_grader_to_json(grader, C.byref(text)), "techsales_grader_to_json")
    config = json.loads(C.string_at(text).decode())
    LIB.techsales_string_free(text)
    return grader, config


class Ours:
    """The column batch into preallocated outputs."""

    def __init__(self, grader: C.c_void_p, columns: dict, threads: int) -> None:
        self.grader = grader
        self.threads = threads
        self.n = len(columns["possibility"])
        self.ratings = [columns[f] for f in FACTORS]
        self.pointers = (C.c_void_p * 9)(*[r.ctypes.data for r in self.ratings])
        self.close = columns["close_epoch_day"]
        self.possibility = columns["possibility"]
        self.status = np.empty(self.n, np.uint32)
        self.grade = np.empty(self.n, np.uint32)
        self.score = np.empty(self.n, np.float64)
        self.as_of = (AS_OF - EPOCH).days

    def run(self) -> None:
        summary = Summary()
        code = LIB.techsales_grader_grade_columns_threads(
            self.grader,
            self.as_of,
            self.pointers,
            self.close.ctypes.data,
            self.possibility.ctypes.data,
            self.n,
            self.threads,
            self.status.ctypes.data,
            self.grade.ctypes.data,
            self.score.ctypes.data,
            C.byref(summary),
        )
        check(code, "techsales_grader_grade_columns_threads")


# ---- the rules' parameters, from the library's configuration ---------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, the last day of a shorter month when the day is
    missing (as the library counts them)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in range(day.day, 27, -1):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def parameters(config: dict) -> dict:
    evaluation = config["evaluation"]
    weights = [float(evaluation["weights"][f]) for f in FACTORS]
    total = 0.0
    for w in weights:
        total += w
    floors = [0.0] * 9
    for knock_out in evaluation["knock_outs"]:
        if knock_out.get("penalty") is not None:
            raise SystemExit("only hard knock-outs are written in these rules")
        floors[FACTORS.index(knock_out["factor"])] = float(knock_out["below"])
    table = config["table"]
    if table["unit"] != "months":
        raise SystemExit("these rules count horizons in months")
    as_of_day = (AS_OF - EPOCH).days
    bands = [table[k] for k in ("a", "b", "c")]
    return {
        "w": [w / total for w in weights],
        "floor": floors,
        "pass": float(evaluation["pass_threshold"]),
        "give_up": float(evaluation["give_up_below"]),
        "as_of": as_of_day,
        "allow_past": bool(table["allow_past_close_date"]),
        "last_day": [(add_months(AS_OF, int(b["within"])) - EPOCH).days for b in bands],
        "min_p": [float(b["min_possibility"]) for b in bands],
    }


# ---- the same rows for everyone --------------------------------------------


def generate(n: int, seed: int = 0x7EC45A1E) -> dict:
    """Ratings spread around a per-deal quality (every verdict and grade
    occurs), close dates up to 18 months out, about 1.5% bad rows (a rating
    above 10, a possibility above 1, a close date passed). No NaN: the
    engines' rules here do not model unknown ratings."""
    rng = np.random.default_rng(seed)
    quality = 1.0 + 8.0 * rng.random(n)
    columns = {}
    for f in FACTORS:
        raw = quality + 4.0 * (rng.random(n) - 0.5)
        columns[f] = np.round(np.clip(raw, 0.0, 10.0) * 10.0) / 10.0
    as_of = (AS_OF - EPOCH).days
    close = (as_of + rng.integers(0, 550, n)).astype(np.int32)
    possibility = np.round(rng.random(n) * 100.0) / 100.0
    bad = rng.integers(0, 200, n)
    rows = np.nonzero(bad == 0)[0]
    which = rng.integers(0, 9, len(rows))
    for f, name in enumerate(FACTORS):
        columns[name][rows[which == f]] = 10.5
    possibility[bad == 1] = 1.2
    passed = bad == 2
    close[passed] = as_of - 1 - rng.integers(0, 30, int(passed.sum())).astype(np.int32)
    columns["close_epoch_day"] = np.ascontiguousarray(close, dtype=np.int32)
    columns["possibility"] = np.ascontiguousarray(possibility)
    for f in FACTORS:
        columns[f] = np.ascontiguousarray(columns[f])
    return columns


# ---- DuckDB: one query ------------------------------------------------------


def duckdb_query(p: dict) -> str:
    w, fl = p["w"], p["floor"]
    r = [f"r.{f}" for f in FACTORS]
    # The weighted sum in the library's pairwise order, so the bits agree.
    score = (
        f"((({r[0]} * {w[0]!r} + {r[1]} * {w[1]!r}) + ({r[2]} * {w[2]!r} + {r[3]} * {w[3]!r}))"
        f" + ((({r[4]} * {w[4]!r} + {r[5]} * {w[5]!r}) + ({r[6]} * {w[6]!r} + {r[7]} * {w[7]!r}))"
        f" + {r[8]} * {w[8]!r}))"
    )
    lowest = f"least({', '.join(r)})"
    highest = f"greatest({', '.join(r)})"
    slack = f"least({', '.join(f'{x} - {y!r}' for x, y in zip(r, fl))})"
    past = "FALSE" if p["allow_past"] else f"close_epoch_day < {p['as_of']}"
    held = " + ".join(
        f"(close_epoch_day <= {d} AND possibility >= {m!r})::INTEGER"
        for d, m in zip(p["last_day"], p["min_p"])
    )
    return f"""
WITH scored AS (
  SELECT {score} AS score, {lowest} AS lowest, {highest} AS highest, {slack} AS slack,
         close_epoch_day, possibility
  FROM rows r
), judged AS (
  SELECT *, CASE
      WHEN lowest < 0 OR highest > 10 THEN 3
      WHEN possibility < 0 OR possibility > 1 THEN 4
      WHEN {past} THEN 5
      WHEN slack < 0 OR score < {p['give_up']!r} THEN 2
      WHEN score < {p['pass']!r} THEN 1
      ELSE 0 END AS status
  FROM scored
)
SELECT status::UINTEGER AS status,
       CASE WHEN status = 0 THEN (3 - ({held}))::UINTEGER ELSE {NO_GRADE} END AS grade,
       CASE WHEN status < 3 THEN score ELSE 'NaN'::DOUBLE END AS score
FROM judged"""


# ---- Polars: one expression --------------------------------------------------


def polars_expressions(p: dict) -> list:
    col = [pl.col(f) for f in FACTORS]
    w, fl = p["w"], p["floor"]
    score = ((col[0] * w[0] + col[1] * w[1]) + (col[2] * w[2] + col[3] * w[3])) + (
        ((col[4] * w[4] + col[5] * w[5]) + (col[6] * w[6] + col[7] * w[7])) + col[8] * w[8]
    )
    lowest = pl.min_horizontal(col)
    highest = pl.max_horizontal(col)
    slack = pl.min_horizontal([c - f for c, f in zip(col, fl)])
    close, possibility = pl.col("close_epoch_day"), pl.col("possibility")
    past = pl.lit(False) if p["allow_past"] else close < p["as_of"]
    status = (
        pl.when((lowest < 0) | (highest > 10)).then(3)
        .when((possibility < 0) | (possibility > 1)).then(4)
        .when(past).then(5)
        .when((slack < 0) | (score < p["give_up"])).then(2)
        .when(score < p["pass"]).then(1)
        .otherwise(0)
    )
    held = sum(
        ((close <= d) & (possibility >= m)).cast(pl.UInt32)
        for d, m in zip(p["last_day"], p["min_p"])
    )
    return [
        status.cast(pl.UInt32).alias("status"),
        pl.when(status == 0).then(3 - held).otherwise(NO_GRADE).cast(pl.UInt32).alias("grade"),
        pl.when(status < 3).then(score).otherwise(float("nan")).alias("score"),
    ]


# ---- the run -----------------------------------------------------------------


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    n, threads = ARGS.rows, ARGS.threads
    grader, config = default_grader()
    p = parameters(config)
    columns = generate(n)
    input_bytes = sum(a.nbytes for a in columns.values())

    ours = Ours(grader, columns, threads)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.register("rows", pl.DataFrame(columns).to_arrow())
    query = duckdb_query(p)
    frame = pl.DataFrame(columns)
    expressions = polars_expressions(p)

    def run_duckdb():
        return con.execute(query).fetchnumpy()

    def run_polars():
        return frame.select(expressions)

    # Row for row, once, before any timing.
    ours.run()
    ddb = run_duckdb()
    pol = run_polars()
    for name, status, grade, score in [
        ("DuckDB", ddb["status"], ddb["grade"], ddb["score"]),
        ("Polars", pol["status"].to_numpy(), pol["grade"].to_numpy(), pol["score"].to_numpy()),
    ]:
        score = np.asarray(score, dtype=np.float64)
        for what, theirs, mine in [
            ("status", np.asarray(status, np.uint32), ours.status),
            ("grade", np.asarray(grade, np.uint32), ours.grade),
            ("score bits", score.view(np.uint64), ours.score.view(np.uint64)),
        ]:
            differ = np.nonzero(theirs != mine)[0]
            if len(differ):
                i = differ[0]
                raise SystemExit(f"{name} differs from techsales on {len(differ)} rows ({what}; first row {i}: {theirs[i]} against {mine[i]})")
    counts = {int(k): int(v) for k, v in zip(*np.unique(ours.status, return_counts=True))}
    print(f"{n} rows, {input_bytes / 1e6:.0f} MB of input columns, {threads} thread(s): "
          f"DuckDB, Polars and techsales agree on every row (status, grade, score bits); statuses {counts}")

    # The memory-bandwidth limit: one streaming read of the same input bytes.
    def read_inputs():
        for a in columns.values():
            np.add.reduce(a, dtype=a.dtype)

    # And a plain copy of them into buffers allocated once (read and write).
    copies = {k: np.empty_like(a) for k, a in columns.items()}

    def copy_inputs():
        for k, a in columns.items():
            np.copyto(copies[k], a)

    routines = {
        "techsales": ours.run,
        "duckdb": run_duckdb,
        "polars": run_polars,
        "read_inputs": read_inputs,
        "copy_inputs": copy_inputs,
    }
    times = {k: [] for k in routines}
    for name, run in routines.items():
        run()  # warm-up
    for round_ in range(ARGS.rounds):
        order = list(routines.items())
        if round_ % 2:
            order.reverse()
        for name, run in order:
            times[name].append(timed(run))
    median = {k: statistics.median(v) for k, v in times.items()}
    for name in ["techsales", "duckdb", "polars"]:
        print(f"{name:>10}: {median[name] * 1e3:8.1f} ms  {n / median[name] / 1e6:7.1f} M rows/s  "
              f"{input_bytes / median[name] / 1e9:5.2f} GB/s of input")
    print(f"read_inputs: {median['read_inputs'] * 1e3:8.1f} ms  {input_bytes / median['read_inputs'] / 1e9:5.2f} GB/s "
          "(NumPy sum over every input column, one thread: the streaming-read limit)")
    print(f"copy_inputs: {median['copy_inputs'] * 1e3:8.1f} ms  {input_bytes / median['copy_inputs'] / 1e9:5.2f} GB/s "
          "of input copied (NumPy copyto of every input column into buffers made once, one thread)")
    print(f"ratio duckdb/techsales: {median['duckdb'] / median['techsales']:.2f}x the time")
    print(f"ratio polars/techsales: {median['polars'] / median['techsales']:.2f}x the time")
    print(f"ratio techsales/read_inputs: {median['techsales'] / median['read_inputs']:.2f}x the time of reading the input "
          f"(median of {ARGS.rounds} alternating rounds)")


if __name__ == "__main__":
    sys.exit(main())
