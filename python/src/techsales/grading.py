"""A-D opportunity grading: the evaluation model, the grade table and the
resource policies, one opportunity at a time or a whole pipeline at once.

The batch functions hand NumPy, pandas or Arrow columns to
`techsales_grader_grade_columns` without copying when a column is already
contiguous `float64` (ratings, possibility) or `int32` days (close dates,
an Arrow `date32`), and return per-row status, grade and score.
"""

from __future__ import annotations

import ctypes as C
import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from . import _native as N
from ._common import Handle, epoch_day, load_json
from .enums import (  # type: ignore[attr-defined]
    Effort,
    EvaluationVerdict,
    Grade,
    GradeItemStatus,
    GradingFactor,
    Language,
    from_bits,
)

#: The default column names of a batch: the nine factors' keys, in code order.
RATING_COLUMNS: tuple[str, ...] = tuple(f.key for f in GradingFactor)
#: The default column of expected close dates.
CLOSE_COLUMN = "expected_close"
#: The default column of transaction possibilities (0-1).
POSSIBILITY_COLUMN = "possibility"


@dataclass(frozen=True)
class Evaluation:
    """The verdict of the nine-factor evaluation."""

    verdict: Any
    score: float
    knocked_out: frozenset[Any]


@dataclass(frozen=True)
class GradeResult:
    """One graded (or failed) opportunity; `grade` is None when it failed evaluation."""

    status: Any
    grade: Any | None
    score: float


@dataclass(frozen=True)
class ResourcePolicy:
    """What a grade means for resources."""

    effort: Any
    enter_sales_process: bool
    maintain_customer: bool
    review_every_days: int


@dataclass(frozen=True)
class BatchSummary:
    """How many items were graded, failed evaluation, were refused, or had
    too few ratings known to evaluate; the four add up to the batch."""

    graded: int
    failed: int
    invalid: int
    not_enough_known: int = 0


@dataclass(frozen=True)
class BatchResult:
    """Per-row codes and scores of a batch (NumPy arrays) and its summary.

    `status` holds `GradeItemStatus` codes, `grade` `Grade` codes or
    `NO_GRADE`, `score` the evaluation score (NaN for refused rows).
    """

    status: Any
    grade: Any
    score: Any
    summary: BatchSummary


#: The grade code of rows that were not graded.
NO_GRADE = N.NO_GRADE


def _ratings(ratings: Sequence[float]) -> Any:
    values = [float(r) for r in ratings]
    if len(values) != N.FACTOR_COUNT:
        raise ValueError(f"{N.FACTOR_COUNT} ratings are needed, {len(values)} given")
    return (C.c_double * N.FACTOR_COUNT)(*values)


def _ratings_arg(ratings: Sequence[float] | Mapping[Any, float]) -> Any:
    if isinstance(ratings, Mapping):
        by_key = {GradingFactor(k).key if isinstance(k, int) else str(k): v for k, v in ratings.items()}
        missing = [f.key for f in GradingFactor if f.key not in by_key]
        if missing:
            raise ValueError(f"ratings missing for {', '.join(missing)}")
        unknown = set(by_key) - set(RATING_COLUMNS)
        if unknown:
            raise ValueError(f"unknown factors: {', '.join(sorted(unknown))}")
        return _ratings([by_key[f.key] for f in GradingFactor])
    return _ratings(ratings)


def _possibility_arg(possibility: float | None) -> float:
    """A possibility for the C ABI: NaN when none is given."""
    return float("nan") if possibility is None else float(possibility)


class Grader(Handle):
    """The grading configuration: built-in defaults, or a JSON document (dict or str).

    Immutable and safe to share between threads.

    >>> import datetime as dt
    >>> from techsales import Grader
    >>> with Grader() as grader:
    ...     r = grader.grade([7, 7, 7, 7, 7, 7, 4, 7, 7], close=dt.date(2026, 3, 31),
    ...                      as_of=dt.date(2026, 1, 15), possibility=0.75)
    >>> r.grade.key, round(r.score, 1)
    ('a', 6.7)
    >>> derived = grader.explain([7] * 9, close=dt.date(2026, 3, 31), as_of=dt.date(2026, 1, 15))
    >>> derived["possibility_source"], derived["grade"]
    ('derived', 'a')
    """

    _what = "grader"
    _free = N.lib.techsales_grader_free

    def __init__(self, config: Mapping[str, Any] | str | None = None) -> None:
        out = C.c_void_p()
        N.call(N.lib.techsales_grader_new, N.json_text(config, "config"), C.byref(out))
        super().__init__(out)

    def to_json(self) -> str:
        """The whole configuration as JSON text (the form the constructor reads)."""
        return N.text_out(N.lib.techsales_grader_to_json, self._live)

    def to_dict(self) -> dict[str, Any]:
        """The whole configuration as a dict."""
        return load_json(self.to_json(), True)  # type: ignore[no-any-return]

    def evaluate(self, ratings: Sequence[float] | Mapping[Any, float]) -> Evaluation:
        """The verdict, score (0-10) and knock-outs of nine ratings (0-10)."""
        verdict, score, knocked = C.c_uint32(), C.c_double(), C.c_uint32()
        N.call(
            N.lib.techsales_grader_evaluate,
            self._live,
            _ratings_arg(ratings),
            C.byref(verdict),
            C.byref(score),
            C.byref(knocked),
        )
        return Evaluation(
            EvaluationVerdict(verdict.value), score.value, from_bits(GradingFactor, knocked.value)
        )

    def grade(
        self,
        ratings: Sequence[float] | Mapping[Any, float],
        close: dt.date,
        as_of: dt.date,
        possibility: float | None = None,
    ) -> GradeResult:
        """Evaluates and grades one opportunity as of a date; bad input raises `InvalidArgumentError`.

        With no `possibility` (None or NaN) it is derived from the evaluation
        score by the grader's curve."""
        status, grade, score = C.c_uint32(), C.c_uint32(), C.c_double()
        N.call(
            N.lib.techsales_grader_grade,
            self._live,
            _ratings_arg(ratings),
            epoch_day(close, "close"),
            epoch_day(as_of, "as_of"),
            _possibility_arg(possibility),
            C.byref(status),
            C.byref(grade),
            C.byref(score),
        )
        return GradeResult(
            GradeItemStatus(status.value),
            None if grade.value == NO_GRADE else Grade(grade.value),
            score.value,
        )

    def explain(
        self,
        ratings: Sequence[float] | Mapping[Any, float],
        close: dt.date,
        as_of: dt.date,
        possibility: float | None = None,
        *,
        as_text: bool = False,
        language: Any = None,
    ) -> Any:
        """Every step of the grading, as a dict, or as text in `language` when `as_text`.

        The result says where the possibility came from (`possibility_source`:
        given, derived from the score, or unknown)."""
        text = N.text_out(
            N.lib.techsales_grader_explain,
            self._live,
            _ratings_arg(ratings),
            epoch_day(close, "close"),
            epoch_day(as_of, "as_of"),
            _possibility_arg(possibility),
            int(language if language is not None else Language.ENGLISH),
            bool(as_text),
        )
        return load_json(text, not as_text)

    def policy(self, grade: Any) -> ResourcePolicy:
        """The resource policy of a grade."""
        out = N.ResourcePolicy()
        N.call(N.lib.techsales_grader_policy, self._live, int(grade), C.byref(out))
        return ResourcePolicy(
            Effort(out.effort),
            bool(out.enter_sales_process),
            bool(out.maintain_customer),
            int(out.review_every_days),
        )

    # -- batches ---------------------------------------------------------

    def grade_columns(
        self,
        ratings: Any,
        close_day: Any,
        possibility: Any,
        as_of: dt.date,
        *,
        out: BatchResult | None = None,
    ) -> BatchResult:
        """Grades NumPy columns: nine rating arrays (or an `(n, 9)` array),
        close dates (`int32` days since 1970-01-01, or `datetime64`) and
        possibilities; returns per-row codes and scores.

        Columns that are contiguous `float64` / `int32` are passed as they
        are; others are converted once. Give the result of an earlier batch
        of the same length as `out` to write into its arrays instead of new
        ones (the batch is then returned with a fresh summary).
        """
        from . import _batch

        return _batch.grade_numpy(self, ratings, close_day, possibility, as_of, out)

    def grade_frame(
        self,
        frame: Any,
        as_of: dt.date,
        *,
        ratings: Sequence[str] = RATING_COLUMNS,
        close: str = CLOSE_COLUMN,
        possibility: str = POSSIBILITY_COLUMN,
    ) -> Any:
        """Grades a pandas DataFrame; returns a DataFrame on the same index
        with `status`, `grade` (categoricals of the enum keys; no grade is
        missing) and `score` columns."""
        from . import _batch

        return _batch.grade_pandas(self, frame, as_of, ratings, close, possibility)

    def grade_arrow(
        self,
        table: Any,
        as_of: dt.date,
        *,
        ratings: Sequence[str] = RATING_COLUMNS,
        close: str = CLOSE_COLUMN,
        possibility: str = POSSIBILITY_COLUMN,
    ) -> Any:
        """Grades an Arrow table or record batch; returns a table with
        `status`, `grade` (dictionary-encoded keys, null when not graded)
        and `score` columns."""
        from . import _batch

        return _batch.grade_arrow(self, table, as_of, ratings, close, possibility)
