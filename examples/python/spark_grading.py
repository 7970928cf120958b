#!/usr/bin/env python3
"""Grades a partitioned Parquet dataset of generated deals on a local Spark
(`local[2]`) with `techsales.spark`, checks that every result equals the
Rust batch on the same rows, and prints throughput against the same A-D
rules written as Spark SQL column expressions.

    python3 examples/python/spark_grading.py [ROWS] [WORK_DIR] [REPEATS]

ROWS defaults to 4,000,000 and WORK_DIR to a temporary folder. Needs
`pip install './python[spark]'` and a Java runtime. Timed action, the
same for both: `groupBy("status", "grade").count().collect()` over the
whole dataset read from Parquet, once to warm up, then REPEATS times
interleaved (default 3).
"""

import calendar
import datetime as dt
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_grading import AS_OF, generate  # noqa: E402

import techsales as ts  # noqa: E402
from techsales import spark as ts_spark  # noqa: E402
from techsales.enums import Grade, GradeItemStatus  # noqa: E402
from techsales.grading import CLOSE_COLUMN, POSSIBILITY_COLUMN, RATING_COLUMNS  # noqa: E402

EPOCH = dt.date(1970, 1, 1)


def write_dataset(n, folder):
    """The deals as Parquet, partitioned by region (hive layout)."""
    ratings, close, possibility = generate(n)
    region = np.random.default_rng(1).integers(0, 8, n)
    table = pa.table(
        {
            "id": pa.array(np.arange(n, dtype=np.int64)),
            **{name: pa.array(ratings[:, j]) for j, name in enumerate(RATING_COLUMNS)},
            CLOSE_COLUMN: pa.array(close).view(pa.date32()),
            POSSIBILITY_COLUMN: pa.array(possibility),
            "region": pa.array(np.char.add("R", region.astype(str))),
        }
    )
    ds.write_dataset(table, folder, format="parquet", partitioning=["region"],
                     partitioning_flavor="hive", existing_data_behavior="overwrite_or_ignore")
    return ratings, close, possibility


def add_months(day, months):
    """As the library counts a horizon in months: the same day, or the last
    day of the month when it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sql_grade(frame, as_of, config):
    """The evaluation and the grade table as Spark SQL column expressions,
    with the constants taken from the grader's configuration; the score
    adds the weighted ratings in the library's pairwise order."""
    from pyspark.sql import functions as F

    model, table = config["evaluation"], config["table"]
    total = sum(model["weights"].values())
    w = [model["weights"][k] / total for k in RATING_COLUMNS]
    floors = {k: 0.0 for k in RATING_COLUMNS}
    for knock_out in model["knock_outs"]:
        floors[knock_out["factor"]] = knock_out["below"]
    r = [F.col(k) for k in RATING_COLUMNS]
    t = [r[i] * F.lit(w[i]) for i in range(9)]
    score = ((t[0] + t[1]) + (t[2] + t[3])) + (((t[4] + t[5]) + (t[6] + t[7])) + t[8])
    slack = F.least(*[r[i] - F.lit(floors[k]) for i, k in enumerate(RATING_COLUMNS)])
    close, possibility = F.col(CLOSE_COLUMN), F.col(POSSIBILITY_COLUMN)
    past = close < F.lit(as_of)
    if table["allow_past_close_date"]:
        past = F.lit(False)
    status = (
        F.when((F.greatest(*r) > 10) | (F.least(*r) < 0), 3)
        .when((possibility < 0) | (possibility > 1), 4)  # NaN sorts above 1 in Spark
        .when(past, 5)
        .when((slack < 0) | (score < model["give_up_below"]), 2)
        .when(score < model["pass_threshold"], 1)
        .otherwise(0)
    )
    held = F.lit(0)
    for band in ("a", "b", "c"):
        within = table[band]["within"]
        last = add_months(as_of, within) if table["unit"] == "months" else as_of + dt.timedelta(days=within)
        held = held + ((close <= F.lit(last)) & (possibility >= table[band]["min_possibility"])).cast("int")
    return (
        frame.withColumn("_score", score)
        .withColumn("status", status)
        .withColumn("grade", F.when(F.col("status") == 0, F.lit(3) - held))
        .withColumn("score", F.when(F.col("status") < 3, F.col("_score")).otherwise(F.lit(float("nan"))))
        .drop("_score")
    )


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000_000
    work = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="techsales-spark-")
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    deals_dir, graded_dir = os.path.join(work, "deals"), os.path.join(work, "graded")

    ratings, close, possibility = write_dataset(n, deals_dir)
    grader = ts.Grader()
    rust = grader.grade_columns(ratings, close, possibility, AS_OF)  # the Rust batch, in the driver

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").appName("techsales-grading")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g")
             .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    deals = spark.read.parquet(deals_dir)
    ours = ts_spark.grade(deals, AS_OF, grader)
    theirs = sql_grade(deals, AS_OF, grader.to_dict())

    # 1. Every row of the UDF equals the Rust batch on the same row.
    ours.select("id", "status", "grade", "score").write.mode("overwrite").parquet(graded_dir)
    graded = pq.read_table(graded_dir).sort_by("id")
    assert graded.column("id").to_numpy().tolist() == list(range(n)), "every deal came back once"
    status_keys = np.array([s.key for s in GradeItemStatus])
    grade_keys = np.array([g.key for g in Grade] + [None], dtype=object)
    assert graded.column("status").to_pylist() == status_keys[rust.status].tolist()
    expected_grades = grade_keys[np.where(rust.grade == ts.NO_GRADE, len(Grade), rust.grade)]
    assert graded.column("grade").to_pylist() == expected_grades.tolist()
    assert (graded.column("score").to_numpy().view(np.uint64) == rust.score.view(np.uint64)).all()
    print(f"{n:,} deals: every status, grade and score equals the Rust batch")

    # 2. The Spark SQL rules agree with the library too (so the timing compares like with like).
    sql_rows = theirs.select("id", "status", "grade").toArrow().sort_by("id")
    assert (sql_rows.column("status").to_numpy() == rust.status).all()
    sql_grade_codes = sql_rows.column("grade").cast(pa.int64()).fill_null(int(ts.NO_GRADE)).to_numpy().astype(np.uint32)
    assert (sql_grade_codes == rust.grade).all()
    print("the Spark SQL expressions give the same statuses and grades")

    # 3. Throughput, same action, interleaved.
    times = {"udf": [], "sql": []}
    for frame in (ours, theirs):  # warm-up: Python workers started, files cached
        frame.groupBy("status", "grade").count().collect()
    for _ in range(repeats):
        for name, frame in (("udf", ours), ("sql", theirs)):
            start = time.perf_counter()
            frame.groupBy("status", "grade").count().collect()
            times[name].append(time.perf_counter() - start)
    out = grader.grade_columns(ratings, close, possibility, AS_OF)
    rust_times = []
    for _ in range(5):
        start = time.perf_counter()
        grader.grade_columns(ratings, close, possibility, AS_OF, out=out)
        rust_times.append(time.perf_counter() - start)
    udf, sql, one = (statistics.median(v) for v in (times["udf"], times["sql"], rust_times))
    print(f"spark UDF (mapInArrow): {udf:.2f} s median of {repeats}, {n / udf / 1e6:.2f} M rows/s, "
          f"{n / udf / 2 / 1e6:.2f} M rows/s per core; runs {', '.join(f'{t:.2f}' for t in times['udf'])} s")
    print(f"spark SQL expressions:  {sql:.2f} s median of {repeats}, {n / sql / 1e6:.2f} M rows/s, "
          f"{n / sql / 2 / 1e6:.2f} M rows/s per core; runs {', '.join(f'{t:.2f}' for t in times['sql'])} s")
    print(f"ratio SQL time / UDF time: {sql / udf:.2f}x")
    print(f"rust batch, one core, same rows: {n / one / 1e6:.1f} M rows/s; "
          f"spark UDF per core is {n / udf / 2 / (n / one):.3f} of it")
    spark.stop()


if __name__ == "__main__":
    main()
