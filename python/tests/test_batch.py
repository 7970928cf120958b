"""Batch grading over NumPy, pandas and Arrow: the same results as the
library's one-by-one grading and its Rust batch, bit for bit, with the
columns' buffers handed over without copying where the layout allows."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import techsales as ts
from techsales import _batch
from techsales.enums import Grade, GradeItemStatus
from techsales.grading import CLOSE_COLUMN, POSSIBILITY_COLUMN, RATING_COLUMNS

from .conftest import AS_OF, pipeline

CRATE = Path(__file__).resolve().parents[2]
ERROR_STATUSES = {
    GradeItemStatus.INVALID_RATING,
    GradeItemStatus.INVALID_POSSIBILITY,
    GradeItemStatus.CLOSE_DATE_IN_PAST,
}


def frame_of(deals: dict) -> pd.DataFrame:
    frame = pd.DataFrame(deals["ratings"], columns=list(RATING_COLUMNS))
    frame[CLOSE_COLUMN] = deals["close"]
    frame[POSSIBILITY_COLUMN] = deals["possibility"]
    return frame


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return np.ascontiguousarray(a, np.float64).view(np.uint64).tolist() == np.ascontiguousarray(
        b, np.float64
    ).view(np.uint64).tolist()


def test_each_row_of_a_batch_is_what_grading_it_alone_gives(grader):
    """The rule of the column entry: each item's result is the one-by-one
    result, and the input one-by-one grading refuses is an error status."""
    deals = pipeline(3000)
    batch = grader.grade_columns(deals["ratings"], deals["close"], deals["possibility"], AS_OF)
    assert set(batch.status.tolist()) >= {0, 1, 2, 3, 4, 5}
    for i in range(3000):
        close = deals["close"][i].astype(dt.date)
        status = GradeItemStatus(batch.status[i])
        if status in ERROR_STATUSES:
            with pytest.raises(ts.InvalidArgumentError):
                grader.grade(deals["ratings"][i], close, AS_OF, deals["possibility"][i])
            assert np.isnan(batch.score[i])
            continue
        one = grader.grade(deals["ratings"][i], close, AS_OF, deals["possibility"][i])
        assert one.status == status
        assert (ts.NO_GRADE if one.grade is None else int(one.grade)) == batch.grade[i]
        assert same_bits(np.array([one.score]), batch.score[i : i + 1])
    counts = batch.summary
    assert counts.graded + counts.failed + counts.invalid + counts.not_enough_known == 3000
    assert counts.graded == int((batch.status == 0).sum())


def test_without_a_possibility_it_is_derived_from_the_score(grader):
    """No possibility (None or NaN) grades by the one the score derives,
    and the explanation says so; a given one is named as given."""
    ratings, close = [7.0] * 9, dt.date(2026, 3, 31)
    derived = grader.explain(ratings, close, AS_OF)
    assert derived["possibility_source"] == "derived"
    assert derived["possibility"] == derived["derived_possibility"]
    assert grader.grade(ratings, close, AS_OF) == grader.grade(ratings, close, AS_OF, float("nan"))
    given = grader.explain(ratings, close, AS_OF, derived["possibility"])
    assert given["possibility_source"] == "given"
    assert given["grade"] == derived["grade"]
    assert "derived from the evaluation score" in grader.explain(ratings, close, AS_OF, as_text=True)


def test_numpy_pandas_and_arrow_give_the_same_results(grader):
    deals = pipeline(5000, seed=11)
    batch = grader.grade_columns(deals["ratings"], deals["close"], deals["possibility"], AS_OF)
    frame = frame_of(deals)
    by_frame = grader.grade_frame(frame, AS_OF)
    by_arrow = grader.grade_arrow(pa.Table.from_pandas(frame), AS_OF).to_pandas()
    for result in (by_frame, by_arrow):
        assert list(result.columns) == ["status", "grade", "score"]
        assert result["status"].astype(str).tolist() == [GradeItemStatus(s).key for s in batch.status]
        expected = [None if g == ts.NO_GRADE else Grade(g).key for g in batch.grade]
        got = [None if pd.isna(g) else g for g in result["grade"]]
        assert got == expected
        assert same_bits(result["score"].to_numpy(), batch.score)
    assert by_frame.index.equals(frame.index)


def test_contiguous_columns_are_passed_without_copying():
    ratings = np.asfortranarray(pipeline(100)["ratings"])  # each column contiguous
    column = ratings[:, 4]
    assert np.shares_memory(_batch._float_column(column, "c", 100), ratings)
    days = np.arange(100, dtype=np.int32)
    assert _batch._day_column(days, "d", 100) is days
    table = pa.table(
        {
            **{name: pa.array(np.full(100, 5.0)) for name in RATING_COLUMNS},
            CLOSE_COLUMN: pa.array(np.arange(20500, 20600, dtype=np.int32)).view(pa.date32()),
            POSSIBILITY_COLUMN: pa.array(np.full(100, 0.5)),
        }
    )
    columns, close, possibility = _batch.arrow_inputs(table, RATING_COLUMNS, CLOSE_COLUMN, POSSIBILITY_COLUMN)
    for name, array in [*zip(RATING_COLUMNS, columns), (CLOSE_COLUMN, close), (POSSIBILITY_COLUMN, possibility)]:
        assert array.ctypes.data == table.column(name).chunk(0).buffers()[1].address


def test_null_ratings_are_unknown_and_missing_dates_are_refused(grader):
    table = pa.table(
        {
            **{name: pa.array([7.0, None]) for name in RATING_COLUMNS},
            CLOSE_COLUMN: pa.array([dt.date(2026, 3, 31)] * 2),
            POSSIBILITY_COLUMN: pa.array([0.8, 0.8]),
        }
    )
    out = grader.grade_arrow(table, AS_OF).to_pydict()
    # A deal with all nine ratings unknown is not graded: too little is known.
    assert out["status"] == ["graded", "not_enough_known"]
    bad = table.set_column(9, CLOSE_COLUMN, pa.array([dt.date(2026, 3, 31), None]))
    with pytest.raises(ValueError, match="missing dates"):
        grader.grade_arrow(bad, AS_OF)


def test_columns_of_different_lengths_are_refused(grader):
    with pytest.raises(ValueError, match="rows"):
        grader.grade_columns([np.zeros(3)] * 8 + [np.zeros(2)], np.zeros(3, np.int32), np.zeros(3), AS_OF)
    with pytest.raises(ValueError, match="outside int32"):
        grader.grade_columns(np.zeros((1, 9)), np.array([2**40]), np.zeros(1), AS_OF)


@settings(max_examples=60, deadline=None)
@given(
    ratings=hnp.arrays(np.float64, st.tuples(st.integers(0, 30), st.just(9)), elements=st.floats(allow_nan=True, allow_infinity=True, width=64)),
    data=st.data(),
)
def test_any_floats_grade_row_by_row_or_are_marked_invalid(ratings, data):
    """Whatever numbers arrive, the batch never fails as a whole: each row is
    graded, failed, or carries the status that names its bad input."""
    n = ratings.shape[0]
    possibility = data.draw(hnp.arrays(np.float64, n, elements=st.floats(width=64)))
    days = data.draw(hnp.arrays(np.int32, n))
    with ts.Grader() as grader:
        batch = grader.grade_columns(ratings, days, possibility, AS_OF)
    assert len(batch.status) == n
    # NaN is an unknown rating, not a bad one.
    bad_rating = ~(((ratings >= 0) & (ratings <= 10)) | np.isnan(ratings)).all(axis=1)
    assert ((batch.status == int(GradeItemStatus.INVALID_RATING)) == bad_rating).all()


def rust_reference(tmp_path: Path, deals: dict) -> list[list[str]]:
    """The Rust batch (`examples/grade_columns.rs`) on the same rows."""
    source = tmp_path / "deals.csv"
    frame = frame_of(deals)
    frame[CLOSE_COLUMN] = frame[CLOSE_COLUMN].dt.strftime("%Y-%m-%d")
    # repr() of a float reads back to the same bits in Rust.
    with open(source, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False):
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])
    binary = os.environ.get("TECHSALES_GRADE_COLUMNS")
    target = tmp_path / "graded.csv"
    if binary:
        command = [binary]
    else:
        command = ["cargo", "run", "--quiet", "--example", "grade_columns", "--manifest-path", str(CRATE / "Cargo.toml"), "--"]
    subprocess.run([*command, AS_OF.isoformat(), str(source), str(target)], check=True)
    with open(target, newline="") as f:
        return list(csv.reader(f))[1:]


def test_python_batch_equals_the_rust_batch_bit_for_bit(grader, tmp_path):
    deals = pipeline(20000, seed=3)
    rust = rust_reference(tmp_path, deals)
    ours = grader.grade_frame(frame_of(deals), AS_OF)
    assert len(rust) == len(ours)
    assert [r[0] for r in rust] == ours["status"].astype(str).tolist()
    assert [r[1] for r in rust] == ["" if pd.isna(g) else g for g in ours["grade"]]
    assert same_bits(np.array([float(r[2]) for r in rust]), ours["score"].to_numpy())


def test_a_batch_can_write_into_the_arrays_of_an_earlier_one(grader):
    deals = pipeline(500, seed=9)
    first = grader.grade_columns(deals["ratings"], deals["close"], deals["possibility"], AS_OF)
    expected = (first.status.copy(), first.grade.copy(), first.score.copy())
    first.status[:] = 99
    again = grader.grade_columns(deals["ratings"], deals["close"], deals["possibility"], AS_OF, out=first)
    assert again.status is first.status and again.score is first.score
    assert (again.status == expected[0]).all() and (again.grade == expected[1]).all()
    assert same_bits(again.score, expected[2])
    with pytest.raises(ValueError, match="out.status"):
        grader.grade_columns(deals["ratings"][:10], deals["close"][:10], deals["possibility"][:10], AS_OF, out=first)
