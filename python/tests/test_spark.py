"""`techsales.spark` on a local Spark with two cores: the UDF's results equal
the library's batch on the same rows, and the configuration travels."""

from __future__ import annotations

import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import techsales as ts
from techsales.grading import CLOSE_COLUMN, POSSIBILITY_COLUMN, RATING_COLUMNS

from .conftest import AS_OF, pipeline

import pyspark  # noqa: E402,F401  (the CI installs it: a missing one fails)
from pyspark.sql import SparkSession  # noqa: E402

from techsales import spark as ts_spark  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("techsales-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def deals_table(n: int, seed: int) -> pa.Table:
    deals = pipeline(n, seed)
    columns = {name: pa.array(deals["ratings"][:, j]) for j, name in enumerate(RATING_COLUMNS)}
    return pa.table(
        {
            "id": pa.array(np.arange(n, dtype=np.int64)),
            **columns,
            CLOSE_COLUMN: pa.array(deals["close"].astype("datetime64[D]").astype(np.int32)).view(pa.date32()),
            POSSIBILITY_COLUMN: pa.array(deals["possibility"]),
        }
    )


def bits(column) -> list[int]:
    return column.to_numpy().view(np.uint64).tolist()


def spark_results(spark, table: pa.Table, tmp_path, grader=None):
    path = str(tmp_path / "deals.parquet")
    pq.write_table(table, path, row_group_size=700)
    frame = spark.read.parquet(path).repartition(3)
    graded = ts_spark.grade(frame, AS_OF, grader)
    rows = graded.select("id", "status", "grade", "score", POSSIBILITY_COLUMN).toArrow()
    return rows.sort_by("id")


DAYS_TABLE = {
    "evaluation": {"pass_threshold": 6.0},
    "table": {
        "unit": "days",
        "a": {"within": 60, "min_possibility": 0.6},
        "b": {"within": 180, "min_possibility": 0.5},
        "c": {"within": 365, "min_possibility": 0.3},
    },
}


@pytest.mark.parametrize("config", [None, DAYS_TABLE])
def test_spark_grades_every_row_as_the_library_batch_does(spark, tmp_path, config):
    table = deals_table(4000, seed=5)
    rows = spark_results(spark, table, tmp_path, config)
    with ts.Grader(config) as grader:
        expected = grader.grade_arrow(table, AS_OF)
    assert rows.num_rows == 4000
    assert rows.column("id").to_pylist() == list(range(4000))
    assert rows.column("status").to_pylist() == expected.column("status").to_pylist()
    assert rows.column("grade").to_pylist() == expected.column("grade").to_pylist()
    assert bits(rows.column("score")) == bits(expected.column("score"))
    assert bits(rows.column(POSSIBILITY_COLUMN)) == bits(table.column(POSSIBILITY_COLUMN))
    assert set(rows.column("status").to_pylist()) >= {"graded", "lower_contact_level", "give_up", "invalid_rating"}


def test_a_bad_configuration_is_refused_on_the_driver(spark):
    frame = spark.createDataFrame([(1.0,)], ["x"])
    with pytest.raises(KeyError, match="project_level"):
        ts_spark.grade(frame, AS_OF)
    with pytest.raises(ts.ConfigError):
        ts_spark._config_json({"evaluation": {"pass_threshold": 60}})
