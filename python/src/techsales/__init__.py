"""techsales: the rules and state machines of technical B2B sales, from Python.

A thin, typed layer over the library's C interface: customer types and the
differentiation planner, the five-stage technical sale, the six-stage
key-account process, the portfolio (a whole book with its analytics and
report), and A-D grading one deal at a time or whole columns
from NumPy, pandas and Arrow (and `techsales.spark` for Spark DataFrames).
Every object frees its handle itself (and on `close()` / `with`); a failed
call raises a `TechsalesError` subclass with the library's message; enums
are `IntEnum`s built from the library's own catalogue.
"""

from __future__ import annotations

from . import enums
from ._native import version
from .customer import Customer, Plan, Planner, Recommendation, TypeMovement, classify
from .cycle import Cycle
from .enums import CatalogueEnum
from .errors import (
    ClosedError,
    ConfigError,
    InternalError,
    InvalidArgumentError,
    InvalidJsonError,
    NotFoundError,
    RefusedTransitionError,
    TechsalesError,
    UnsupportedVersionError,
)
from .grading import NO_GRADE, BatchResult, BatchSummary, Evaluation, Grader, GradeResult, ResourcePolicy
from .key_account import Definition, KeyAccountDeal
from .portfolio import ANALYTICS, Portfolio, stage_checklist

__version__ = version()

__all__ = [
    "ANALYTICS",
    "BatchResult",
    "BatchSummary",
    "CatalogueEnum",
    "ClosedError",
    "ConfigError",
    "Customer",
    "Cycle",
    "Definition",
    "Evaluation",
    "GradeResult",
    "Grader",
    "InternalError",
    "InvalidArgumentError",
    "InvalidJsonError",
    "KeyAccountDeal",
    "NO_GRADE",
    "NotFoundError",
    "Plan",
    "Portfolio",
    "Planner",
    "Recommendation",
    "RefusedTransitionError",
    "ResourcePolicy",
    "TechsalesError",
    "TypeMovement",
    "UnsupportedVersionError",
    "classify",
    "enums",
    "stage_checklist",
    "version",
]
