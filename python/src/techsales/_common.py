"""Handles that free themselves, and the conversions of times and dates."""

from __future__ import annotations

import ctypes as C
import datetime as dt
import json
from typing import Any, Callable

from .errors import ClosedError, InvalidArgumentError

_EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


class Handle:
    """Owns one C handle; frees it on `close()`, at the end of `with`, or when collected."""

    _what = "object"
    _free: Callable[[Any], None]

    def __init__(self, pointer: C.c_void_p) -> None:
        self._ptr: C.c_void_p | None = pointer

    @property
    def _live(self) -> C.c_void_p:
        if self._ptr is None:
            raise ClosedError(self._what)
        return self._ptr

    @property
    def closed(self) -> bool:
        """Whether `close()` has been called."""
        return self._ptr is None

    def close(self) -> None:
        """Frees the handle now; later use raises `ClosedError`. Closing twice is harmless."""
        pointer, self._ptr = getattr(self, "_ptr", None), None
        if pointer is not None:
            type(self)._free(pointer)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def unix_seconds(at: dt.datetime, name: str = "at") -> int:
    """A time zone-aware datetime as Unix seconds; naive datetimes are refused."""
    if not isinstance(at, dt.datetime):
        raise TypeError(f"`{name}` must be a datetime, not {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        # Guessing a zone would invent a time; the caller must say which.
        raise InvalidArgumentError(2, f"`{name}` = {at} has no time zone")
    return int((at - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)).total_seconds() // 1)


def from_unix_seconds(seconds: int) -> dt.datetime:
    """Unix seconds as an aware UTC datetime."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=seconds)


def epoch_day(day: dt.date, name: str) -> int:
    """A calendar date as days since 1970-01-01."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"`{name}` must be a date, not {type(day).__name__}")
    return day.toordinal() - _EPOCH_DAY


def from_epoch_day(days: int) -> dt.date:
    """Days since 1970-01-01 as a date."""
    return dt.date.fromordinal(days + _EPOCH_DAY)


def load_json(text: str, as_dict: bool) -> Any:
    """A JSON document from the library, parsed or as the text itself."""
    return json.loads(text) if as_dict else text
