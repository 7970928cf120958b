"""Exceptions raised by techsales, one class per kind of failure.

Every failing C call becomes a `TechsalesError` subclass chosen by its
result code, carrying that code and the library's message.
"""

from __future__ import annotations


class TechsalesError(Exception):
    """A call into the library failed."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        #: The C result code (`TECHSALES_RESULT_*`).
        self.code = code
        #: The library's explanation.
        self.message = message


class InvalidArgumentError(TechsalesError, ValueError):
    """A value was refused: out of range, NaN, an unknown enum code or bad text."""


class InvalidJsonError(InvalidArgumentError):
    """Text that is not valid JSON for the document expected."""


class ConfigError(TechsalesError, ValueError):
    """A configuration or definition was refused (the message names the field)."""


class RefusedTransitionError(TechsalesError):
    """A state machine refused the event; the state is unchanged."""


class NotFoundError(TechsalesError, LookupError):
    """An index or id names nothing."""


class UnsupportedVersionError(TechsalesError):
    """A document's format version is not one this library reads."""


class InternalError(TechsalesError):
    """A bug inside the library (the handle involved should be closed)."""


class ClosedError(TechsalesError, ValueError):
    """The object was closed (or freed) and cannot be used any more."""

    def __init__(self, what: str) -> None:
        super().__init__(-1, f"this {what} is closed")


# TECHSALES_RESULT_* codes of include/techsales.h and the class each maps to.
_BY_CODE: dict[int, type[TechsalesError]] = {
    1: InvalidArgumentError,  # NULL_PARAMETER
    2: InvalidArgumentError,  # INVALID_ARGUMENT
    3: InvalidArgumentError,  # INVALID_ENUM_VALUE
    4: InvalidArgumentError,  # INVALID_UTF8
    5: InvalidJsonError,  # INVALID_JSON
    6: RefusedTransitionError,  # REFUSED_TRANSITION
    7: ConfigError,  # CONFIG_ERROR
    8: InternalError,  # BUFFER_TOO_SMALL (the package sizes its buffers)
    9: InternalError,  # PANIC
    10: NotFoundError,  # NOT_FOUND
    11: UnsupportedVersionError,  # UNSUPPORTED_VERSION
}


def error_for(code: int, message: str) -> TechsalesError:
    """The exception for a failing result code."""
    return _BY_CODE.get(code, TechsalesError)(code, message)
