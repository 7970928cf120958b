"""Loads the shared library and declares the C functions of techsales.h.

This module is the only place that knows the C signatures; every class of
the package calls through `call`, which turns a failing result code into
the matching exception with the library's own message.
"""

from __future__ import annotations

import ctypes as C
import json
import os
from pathlib import Path
from typing import Any, Callable

from .errors import InvalidArgumentError, error_for

_HERE = Path(__file__).resolve().parent


def _library_path() -> str:
    override = os.environ.get("TECHSALES_LIB")
    if override:
        return override
    return str(_HERE / "libtechsales.so")


lib = C.CDLL(_library_path())

H = C.c_void_p
R = C.c_uint32
S = C.c_char_p
P = C.POINTER
U32 = C.c_uint32
I32 = C.c_int32
I64 = C.c_int64
F64 = C.c_double
B = C.c_bool
SZ = C.c_size_t
OUT_STR = P(C.c_void_p)  # char ** written by the library, freed by us


class TypeMovement(C.Structure):
    """`techsales_type_movement`."""

    _fields_ = [("from_", U32), ("to", U32), ("at", I64)]


class Recommendation(C.Structure):
    """`techsales_recommendation`."""

    _fields_ = [("action", U32), ("axis", U32), ("expected_effect", F64), ("reason", U32), ("serves", U32)]


class ResourcePolicy(C.Structure):
    """`techsales_resource_policy`."""

    _fields_ = [
        ("effort", U32),
        ("enter_sales_process", B),
        ("maintain_customer", B),
        ("review_every_days", C.c_uint16),
    ]


class BatchSummary(C.Structure):
    """`techsales_batch_summary`."""

    _fields_ = [("graded", SZ), ("failed", SZ), ("invalid", SZ), ("not_enough_known", SZ)]


def _declare(name: str, restype: Any, *argtypes: Any) -> None:
    fn = getattr(lib, name)
    fn.argtypes = list(argtypes)
    fn.restype = restype


_SIGNATURES: list[tuple[Any, ...]] = [
    ("techsales_version", C.c_char_p),
    ("techsales_result_message", C.c_char_p, U32),
    ("techsales_last_error_message", C.c_char_p),
    ("techsales_string_free", None, C.c_void_p),
    ("techsales_catalogue_json", R, OUT_STR),
    ("techsales_enum_label", R, U32, U32, U32, P(C.c_char_p)),
    ("techsales_enum_key", R, U32, U32, P(C.c_char_p)),
    ("techsales_enum_from_key", R, U32, S, P(U32)),
    # customer and planner
    ("techsales_customer_new", R, S, S, F64, F64, F64, F64, I64, P(H)),
    ("techsales_customer_new_with_type", R, S, S, U32, I64, P(H)),
    ("techsales_customer_free", None, H),
    ("techsales_customer_reclassify", R, H, F64, F64, F64, F64, I64, S, P(B)),
    ("techsales_customer_type", R, H, P(U32)),
    ("techsales_customer_history_len", R, H, P(SZ)),
    ("techsales_customer_history_get", R, H, SZ, P(TypeMovement)),
    ("techsales_customer_set_profile", R, H, U32, U32),
    ("techsales_customer_set_readiness", R, H, U32, U32),
    ("techsales_customer_to_json", R, H, OUT_STR),
    ("techsales_customer_from_json", R, S, P(H)),
    ("techsales_classify", R, F64, F64, F64, F64, P(U32)),
    ("techsales_planner_new", R, S, P(H)),
    ("techsales_planner_free", None, H),
    ("techsales_planner_plan", R, H, H, P(Recommendation), SZ, P(SZ), P(B)),
    ("techsales_planner_plan_json", R, H, H, OUT_STR),
    # technical-sale cycle
    ("techsales_cycle_new", R, U32, P(H)),
    ("techsales_cycle_new_with_variant", R, S, P(H)),
    ("techsales_cycle_free", None, H),
    ("techsales_cycle_apply_json", R, H, S),
    ("techsales_cycle_advance", R, H, I64, S),
    ("techsales_cycle_complete_step", R, H, I64, S, U32, S),
    ("techsales_cycle_raise_objection", R, H, I64, S, S, S),
    ("techsales_cycle_resolve_objection", R, H, I64, S, S, S),
    ("techsales_cycle_decide", R, H, I64, S, U32),
    ("techsales_cycle_learn", R, H, I64, S, S),
    ("techsales_cycle_cancel", R, H, I64, S, S),
    ("techsales_cycle_status", R, H, P(U32), P(U32), P(U32)),
    ("techsales_cycle_customer_type", R, H, P(U32)),
    ("techsales_cycle_missing_steps", R, H, P(U32)),
    ("techsales_cycle_guidance", R, H, U32, B, OUT_STR),
    ("techsales_cycle_to_json", R, H, OUT_STR),
    ("techsales_cycle_from_json", R, S, P(H)),
    # grading
    ("techsales_grader_new", R, S, P(H)),
    ("techsales_grader_free", None, H),
    ("techsales_grader_to_json", R, H, OUT_STR),
    ("techsales_grader_evaluate", R, H, P(F64), P(U32), P(F64), P(U32)),
    ("techsales_grader_grade", R, H, P(F64), I32, I32, F64, P(U32), P(U32), P(F64)),
    ("techsales_grader_explain", R, H, P(F64), I32, I32, F64, U32, B, OUT_STR),
    ("techsales_grader_policy", R, H, U32, P(ResourcePolicy)),
    (
        "techsales_grader_grade_columns",
        R,
        H,
        I32,
        P(C.c_void_p),
        C.c_void_p,
        C.c_void_p,
        SZ,
        C.c_void_p,
        C.c_void_p,
        C.c_void_p,
        P(BatchSummary),
    ),
    # key-account process
    ("techsales_key_account_definition_new", R, S, P(H)),
    ("techsales_key_account_definition_free", None, H),
    ("techsales_key_account_new", R, I64, P(H)),
    ("techsales_key_account_free", None, H),
    ("techsales_key_account_apply_json", R, H, H, S),
    ("techsales_key_account_meet_node", R, H, H, I64, S, U32, S),
    ("techsales_key_account_grade", R, H, H, I64, S, U32, S),
    ("techsales_key_account_advance", R, H, H, I64, S),
    ("techsales_key_account_force_advance", R, H, H, I64, S, S),
    ("techsales_key_account_observe_step", R, H, H, I64, S, U32),
    ("techsales_key_account_set_contact", R, H, H, I64, S, S, S, U32, U32, B, U32),
    ("techsales_key_account_close", R, H, H, I64, S, U32, S),
    ("techsales_key_account_status", R, H, P(U32), P(B), P(U32)),
    ("techsales_key_account_missing_nodes", R, H, H, P(U32)),
    ("techsales_key_account_win_probability", R, H, H, P(F64)),
    ("techsales_key_account_win_probability_explain", R, H, H, U32, B, OUT_STR),
    ("techsales_key_account_diagnose", R, H, H, U32, B, OUT_STR),
    ("techsales_key_account_to_json", R, H, OUT_STR),
    ("techsales_key_account_from_json", R, H, S, P(H)),
    # portfolio
    ("techsales_portfolio_from_json", R, S, P(H)),
    ("techsales_portfolio_import_csv", R, S, S, P(H), OUT_STR),
    ("techsales_portfolio_import_csv_files", R, S, S, S, S, S, P(H), OUT_STR),
    ("techsales_portfolio_free", None, H),
    ("techsales_portfolio_to_json", R, H, OUT_STR),
    ("techsales_portfolio_put_account", R, H, S),
    ("techsales_portfolio_put_opportunity", R, H, S),
    ("techsales_portfolio_put_cycle", R, H, S),
    ("techsales_portfolio_apply_deal_event", R, H, S, S),
    ("techsales_portfolio_apply_cycle_event", R, H, S, S),
    ("techsales_portfolio_set_account_type", R, H, S, U32, I64, S, P(B)),
    ("techsales_portfolio_analytics_json", R, H, S, OUT_STR),
    ("techsales_portfolio_report", R, H, U32, OUT_STR),
    ("techsales_portfolio_html", R, H, U32, OUT_STR),
    ("techsales_portfolio_svg", R, H, OUT_STR),
    ("techsales_portfolio_action_log_json", R, H, S, OUT_STR),
    ("techsales_key_account_stage_checklist_json", R, U32, OUT_STR),
]

for _signature in _SIGNATURES:
    _declare(*_signature)

#: Written by the library for items that were not graded.
NO_GRADE = 0xFFFF_FFFF
#: The number of evaluation factors (rating columns).
FACTOR_COUNT = 9


def has(name: str) -> bool:
    """Whether the loaded library exports `name` (for optional parts)."""
    return hasattr(lib, name)


def call(fn: Callable[..., int], *args: Any) -> None:
    """Calls a C function and raises the mapped exception on failure."""
    code = fn(*args)
    if code != 0:
        message = lib.techsales_last_error_message() or b""
        raise error_for(code, message.decode("utf-8", "replace"))


def text_out(fn: Callable[..., int], *args: Any) -> str:
    """Calls a function whose last parameter is a `char **` the caller frees."""
    out = C.c_void_p()
    call(fn, *args, C.byref(out))
    try:
        return C.string_at(out.value).decode("utf-8")
    finally:
        lib.techsales_string_free(out)


def cstr(text: str | None, name: str) -> bytes | None:
    """UTF-8 bytes for a C string parameter (None stays NULL)."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"`{name}` must be a str, not {type(text).__name__}")
    if "\0" in text:
        # C strings end at NUL: refuse rather than pass a truncated text.
        raise InvalidArgumentError(2, f"`{name}` contains a NUL character")
    return text.encode("utf-8", "surrogatepass")


def json_text(document: Any, name: str) -> bytes | None:
    """A JSON parameter given as a dict (or list), a str, or None."""
    if document is None:
        return None
    if isinstance(document, str):
        return cstr(document, name)
    return json.dumps(document).encode("utf-8")


def version() -> str:
    """The version of the loaded library."""
    return lib.techsales_version().decode("ascii")
