"""Grading a Spark DataFrame of deals with `mapInArrow`.

Each executor imports this package and grades its partitions' Arrow
batches with the column entry of the library; the grader configuration
travels to the executors as JSON. The result is the input with three more
columns: `status` (a `GradeItemStatus` key), `grade` (a `Grade` key, null
when the deal was not graded) and `score` (the evaluation score, NaN for
refused input).

>>> from techsales.spark import grade                      # doctest: +SKIP
>>> graded = grade(deals, as_of=datetime.date(2026, 1, 15))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Mapping, Sequence

from .grading import CLOSE_COLUMN, POSSIBILITY_COLUMN, RATING_COLUMNS, Grader

#: The columns `grade` adds.
RESULT_COLUMNS = ("status", "grade", "score")

_GRADERS: dict[str, Grader] = {}


def _grader_for(config_json: str) -> Grader:
    # One grader per configuration and Python worker: it is immutable.
    grader = _GRADERS.get(config_json)
    if grader is None:
        grader = _GRADERS[config_json] = Grader(config_json)
    return grader


def _config_json(grader: Grader | Mapping[str, Any] | str | None) -> str:
    if isinstance(grader, Grader):
        return grader.to_json()
    with Grader(grader) as checked:  # refuse a bad configuration on the driver
        return checked.to_json()


def grade_batches(
    batches: Iterator[Any],
    config_json: str,
    as_of: dt.date,
    ratings: Sequence[str] = RATING_COLUMNS,
    close: str = CLOSE_COLUMN,
    possibility: str = POSSIBILITY_COLUMN,
) -> Iterator[Any]:
    """Grades Arrow record batches, yielding each with the result columns added."""
    import pyarrow as pa

    from . import _batch

    grader = _grader_for(config_json)
    for batch in batches:
        result = _batch.grade_prepared(
            grader, as_of, *_batch.arrow_inputs(batch, ratings, close, possibility)
        )
        yield pa.RecordBatch.from_arrays(
            [*batch.columns, *_batch.result_strings(result)],
            names=[*batch.schema.names, *RESULT_COLUMNS],
        )


def grade(
    frame: Any,
    as_of: dt.date,
    grader: Grader | Mapping[str, Any] | str | None = None,
    *,
    ratings: Sequence[str] = RATING_COLUMNS,
    close: str = CLOSE_COLUMN,
    possibility: str = POSSIBILITY_COLUMN,
) -> Any:
    """Grades every row of a Spark DataFrame as of `as_of`.

    `frame` holds the nine rating columns (doubles, named by the factors'
    keys unless `ratings` says otherwise), the expected close date (a
    `DateType` or `TimestampType` column) and the possibility (double);
    other columns pass through. `grader` is a `Grader`, a configuration
    (dict or JSON text) or None for the built-in defaults.
    """
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    clash = [c for c in RESULT_COLUMNS if c in frame.columns]
    if clash:
        raise ValueError(f"the frame already has columns named {', '.join(clash)}")
    missing = [c for c in [*ratings, close, possibility] if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the frame: {', '.join(missing)}")
    config_json = _config_json(grader)
    schema = StructType(
        [
            *frame.schema.fields,
            StructField("status", StringType(), False),
            StructField("grade", StringType(), True),
            StructField("score", DoubleType(), False),
        ]
    )
    ratings, as_of_day = tuple(ratings), as_of

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        return grade_batches(batches, config_json, as_of_day, ratings, close, possibility)

    return frame.mapInArrow(run, schema)
