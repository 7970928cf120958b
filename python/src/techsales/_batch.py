"""Column batches for `Grader`: NumPy, pandas and Arrow in, per-row results out.

Every path ends in one call to `techsales_grader_grade_columns` over
buffers that are handed over as they are whenever the layout allows
(contiguous `float64` ratings and possibilities, `int32` day numbers).
"""

from __future__ import annotations

import ctypes as C
import datetime as dt
from typing import Any, Sequence

import numpy as np

from . import _native as N
from ._common import epoch_day
from .enums import Grade, GradeItemStatus  # type: ignore[attr-defined]
from .grading import BatchResult, BatchSummary

_INT32 = np.iinfo(np.int32)
STATUS_KEYS = [s.key for s in GradeItemStatus]
GRADE_KEYS = [g.key for g in Grade]


def _float_column(values: Any, name: str, n: int | None) -> np.ndarray:
    column = np.ascontiguousarray(values, dtype=np.float64)
    if column.ndim != 1:
        raise ValueError(f"column `{name}` must be one-dimensional, not {column.shape}")
    if n is not None and column.shape[0] != n:
        raise ValueError(f"column `{name}` has {column.shape[0]} rows, not {n}")
    return column


def _day_column(values: Any, name: str, n: int) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind == "M":
        days = array.astype("datetime64[D]")
        if np.isnat(days).any():
            raise ValueError(f"column `{name}` has missing dates")
        array = days.astype(np.int64)
    elif array.dtype.kind == "O":
        array = np.fromiter((epoch_day(d, name) for d in array), dtype=np.int64, count=len(array))
    elif array.dtype.kind not in "iu":
        raise TypeError(f"column `{name}` must hold dates or int32 day numbers, not {array.dtype}")
    if array.dtype != np.int32:
        if array.size and (array.min() < _INT32.min or array.max() > _INT32.max):
            raise ValueError(f"column `{name}` has day numbers outside int32")
        array = array.astype(np.int32)
    array = np.ascontiguousarray(array)
    if array.ndim != 1 or array.shape[0] != n:
        raise ValueError(f"column `{name}` must hold {n} rows, not {array.shape}")
    return array


def grade_prepared(
    grader: Any,
    as_of: dt.date,
    ratings: Sequence[np.ndarray],
    close_day: np.ndarray,
    possibility: np.ndarray,
    out: BatchResult | None = None,
) -> BatchResult:
    """Grades checked columns (nine contiguous float64, int32, float64),
    into the arrays of `out` when given (reused rather than allocated)."""
    n = int(close_day.shape[0])
    if out is None:
        status = np.empty(n, dtype=np.uint32)
        grade = np.empty(n, dtype=np.uint32)
        score = np.empty(n, dtype=np.float64)
    else:
        status, grade, score = out.status, out.grade, out.score
        for name, array, dtype in (("status", status, np.uint32), ("grade", grade, np.uint32), ("score", score, np.float64)):
            if array.dtype != dtype or array.shape != (n,) or not array.flags.c_contiguous or not array.flags.writeable:
                raise ValueError(f"`out.{name}` must be a writable contiguous {np.dtype(dtype)} array of {n} rows")
    pointers = (C.c_void_p * N.FACTOR_COUNT)(*[c.ctypes.data for c in ratings])
    summary = N.BatchSummary()
    N.call(
        N.lib.techsales_grader_grade_columns,
        grader._live,
        epoch_day(as_of, "as_of"),
        pointers,
        close_day.ctypes.data,
        possibility.ctypes.data,
        n,
        status.ctypes.data,
        grade.ctypes.data,
        score.ctypes.data,
        C.byref(summary),
    )
    return BatchResult(
        status, grade, score, BatchSummary(
            summary.graded, summary.failed, summary.invalid, summary.not_enough_known
        )
    )


def grade_numpy(
    grader: Any,
    ratings: Any,
    close_day: Any,
    possibility: Any,
    as_of: dt.date,
    out: BatchResult | None = None,
) -> BatchResult:
    """`Grader.grade_columns`."""
    if isinstance(ratings, np.ndarray) and ratings.ndim == 2:
        if ratings.shape[1] != N.FACTOR_COUNT:
            raise ValueError(f"a rating matrix needs {N.FACTOR_COUNT} columns, not {ratings.shape}")
        columns: list[Any] = [ratings[:, j] for j in range(N.FACTOR_COUNT)]
    else:
        columns = list(ratings)
        if len(columns) != N.FACTOR_COUNT:
            raise ValueError(f"{N.FACTOR_COUNT} rating columns are needed, {len(columns)} given")
    possibility = _float_column(possibility, "possibility", None)
    n = possibility.shape[0]
    prepared = [_float_column(c, f"ratings[{j}]", n) for j, c in enumerate(columns)]
    return grade_prepared(
        grader, as_of, prepared, _day_column(close_day, "close_day", n), possibility, out
    )


def _series_floats(series: Any, name: str, n: int) -> np.ndarray:
    if series.dtype == np.float64:
        return _float_column(series.to_numpy(), name, n)
    return _float_column(series.to_numpy(dtype=np.float64, na_value=np.nan), name, n)


def grade_pandas(
    grader: Any,
    frame: Any,
    as_of: dt.date,
    ratings: Sequence[str],
    close: str,
    possibility: str,
) -> Any:
    """`Grader.grade_frame`."""
    import pandas as pd

    if len(ratings) != N.FACTOR_COUNT:
        raise ValueError(f"{N.FACTOR_COUNT} rating columns are needed, {len(ratings)} given")
    missing = [c for c in [*ratings, close, possibility] if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the frame: {', '.join(missing)}")
    n = len(frame)
    prepared = [_series_floats(frame[c], c, n) for c in ratings]
    close_series = frame[close]
    if close_series.isna().any():
        raise ValueError(f"column `{close}` has missing dates")
    if isinstance(close_series.dtype, pd.DatetimeTZDtype):
        close_series = close_series.dt.tz_convert(None)
    result = grade_prepared(
        grader,
        as_of,
        prepared,
        _day_column(close_series.to_numpy(), close, n),
        _series_floats(frame[possibility], possibility, n),
    )
    return _result_frame(result, frame.index)


def _result_frame(result: BatchResult, index: Any) -> Any:
    import pandas as pd

    grade_codes = result.grade.view(np.int32)  # NO_GRADE reads as -1: missing
    return pd.DataFrame(
        {
            "status": pd.Categorical.from_codes(result.status.view(np.int32), STATUS_KEYS),
            "grade": pd.Categorical.from_codes(grade_codes, GRADE_KEYS),
            "score": result.score,
        },
        index=index,
    )


def _arrow_column(table: Any, name: str) -> Any:
    import pyarrow as pa

    if name not in table.column_names:
        raise KeyError(f"column `{name}` is not in the table")
    column = table.column(name)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column


def _arrow_floats(table: Any, name: str, n: int) -> np.ndarray:
    import pyarrow as pa

    column = _arrow_column(table, name)
    if column.type != pa.float64():
        column = column.cast(pa.float64())
    # Nulls become NaN, the library's unknown rating.
    values = column.to_numpy(zero_copy_only=column.null_count == 0)
    return _float_column(values, name, n)


def _arrow_days(table: Any, name: str, n: int) -> np.ndarray:
    import pyarrow as pa

    column = _arrow_column(table, name)
    if column.null_count:
        raise ValueError(f"column `{name}` has missing dates")
    if pa.types.is_timestamp(column.type) or pa.types.is_date64(column.type):
        column = column.cast(pa.date32())
    if pa.types.is_date32(column.type):
        column = column.view(pa.int32())
    return _day_column(column.to_numpy(zero_copy_only=False), name, n)


def arrow_inputs(
    table: Any, ratings: Sequence[str], close: str, possibility: str
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """The batch's columns from an Arrow table or record batch."""
    if len(ratings) != N.FACTOR_COUNT:
        raise ValueError(f"{N.FACTOR_COUNT} rating columns are needed, {len(ratings)} given")
    n = table.num_rows
    return (
        [_arrow_floats(table, c, n) for c in ratings],
        _arrow_days(table, close, n),
        _arrow_floats(table, possibility, n),
    )


def result_strings(result: BatchResult) -> tuple[Any, Any, Any]:
    """Status and grade keys as Arrow string arrays (grade null when not
    graded), and the scores, for engines that take plain columns."""
    import pyarrow as pa

    grade_codes = result.grade.view(np.int32)
    status = pa.DictionaryArray.from_arrays(pa.array(result.status.view(np.int32)), pa.array(STATUS_KEYS))
    grade = pa.DictionaryArray.from_arrays(pa.array(grade_codes, mask=grade_codes < 0), pa.array(GRADE_KEYS))
    return status.dictionary_decode(), grade.dictionary_decode(), pa.array(result.score)


def grade_arrow(
    grader: Any,
    table: Any,
    as_of: dt.date,
    ratings: Sequence[str],
    close: str,
    possibility: str,
) -> Any:
    """`Grader.grade_arrow`."""
    import pyarrow as pa

    result = grade_prepared(grader, as_of, *arrow_inputs(table, ratings, close, possibility))
    grade_codes = result.grade.view(np.int32)
    return pa.table(
        {
            "status": pa.DictionaryArray.from_arrays(
                pa.array(result.status.view(np.int32)), pa.array(STATUS_KEYS)
            ),
            "grade": pa.DictionaryArray.from_arrays(
                pa.array(grade_codes, mask=grade_codes < 0), pa.array(GRADE_KEYS)
            ),
            "score": pa.array(result.score),
        }
    )
