"""Shared inputs for the tests of the techsales package."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import techsales

UTC = dt.timezone.utc
AS_OF = dt.date(2026, 1, 15)


@pytest.fixture
def at() -> dt.datetime:
    return dt.datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def grader():
    with techsales.Grader() as g:
        yield g


def pipeline(n: int, seed: int = 7) -> dict:
    """`n` generated deals: ratings spread around a per-deal quality so that
    every grade and verdict occurs, close dates up to 18 months out, and a
    few bad items (rating 10.5 or infinite, possibility 1.2, a date already past);
    about one deal in six has no possibility (NaN), as from a CRM without one."""
    rng = np.random.default_rng(seed)
    quality = rng.uniform(2.0, 9.5, n)
    ratings = np.clip(np.round(quality[:, None] + rng.normal(0, 1.5, (n, 9)), 1), 0, 10)
    possibility = np.round(rng.uniform(0, 1, n), 2)
    days = rng.integers(-10, 540, n)
    close = np.datetime64(AS_OF) + days.astype("timedelta64[D]")
    bad = rng.integers(0, 60, n)
    ratings[bad == 0, 3] = 10.5
    ratings[bad == 1, 5] = np.inf
    possibility[bad == 2] = 1.2
    possibility[bad >= 50] = np.nan
    return {"ratings": ratings, "close": close, "possibility": possibility}
