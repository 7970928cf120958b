"""The portfolio: a CRM's whole book of accounts, key-account deals and
technical-sale cycles, with its analytics, text and HTML report and charts."""

from __future__ import annotations

import ctypes as C
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Mapping, Union

from . import _native as N
from ._common import Handle, unix_seconds
from .enums import Language

#: A document given as a dict, as JSON text, or as the path of a file.
Source = Union[Mapping[str, Any], str, "os.PathLike[str]"]

#: The names `Portfolio.analytics` accepts.
ANALYTICS = (
    "pipeline",
    "stage_flows",
    "stage_durations",
    "stalled",
    "quadrant",
    "actions_in_progress",
    "calibration",
    "cycles",
    "top_deals",
    "forecast",
    "bookings",
    "win_loss",
    "slipped_deals",
    "amount_changes",
    "probability_trend",
)


def _text(source: Any, name: str) -> bytes | None:
    """A dict as JSON, a path (a `PathLike`, or a str naming a file) as the
    file's text, any other str as the text itself."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and os.path.isfile(source)):
        return N.cstr(Path(source).read_text(encoding="utf-8"), name)
    return N.json_text(source, name)


def _language(language: Any) -> int:
    return int(language if language is not None else Language.ENGLISH)


class Portfolio(Handle):
    """A whole book: accounts, key-account deals, technical-sale cycles and
    the definitions they run under.

    Changes come in as JSON records and journal entries, in the formats of
    `to_dict`; a refused change raises (`RefusedTransitionError`,
    `InvalidJsonError`, `NotFoundError`) and leaves the whole portfolio as
    it was. Not to be used from two threads at once.
    """

    _what = "portfolio"
    _free = N.lib.techsales_portfolio_free

    def __init__(self, pointer: C.c_void_p) -> None:
        super().__init__(pointer)

    @classmethod
    def load(cls, source: Source) -> "Portfolio":
        """Loads a portfolio document: a dict, JSON text or a file path.

        Every journal must replay to its stored state and every reference
        must resolve, else `InvalidJsonError` says what does not hold.
        """
        out = C.c_void_p()
        N.call(N.lib.techsales_portfolio_from_json, _text(source, "source"), C.byref(out))
        return cls(out)

    @classmethod
    def import_csv(
        cls,
        csv: str | os.PathLike[str],
        mapping: Source,
        *,
        accounts: str | os.PathLike[str] | None = None,
        contacts: str | os.PathLike[str] | None = None,
        products: str | os.PathLike[str] | None = None,
    ) -> tuple["Portfolio", dict[str, Any]]:
        """Imports a CRM export (CSV text or path) through its column mapping.

        The accounts, contacts and products files the mapping declares are
        given as text or paths; when the mapping is a file, a side file not
        given is read where the mapping's `file` says, relative to the
        mapping, as the command line does.

        Returns the portfolio and the import summary: `rows`, `imported`,
        and the `rejected` rows and `warnings` as messages. Rows that
        cannot be imported do not stop the import; a refused mapping raises
        `ConfigError`, and a side file declared but not given (or given but
        not declared) `InvalidArgumentError`.
        """
        mapping_text = _text(mapping, "mapping")
        sides = {"accounts": accounts, "contacts": contacts, "products": products}
        if isinstance(mapping, os.PathLike) or (isinstance(mapping, str) and os.path.isfile(mapping)):
            try:
                declared = json.loads(Path(mapping).read_text(encoding="utf-8"))
            except ValueError:
                declared = {}
            for name, given in sides.items():
                side = declared.get(name) if isinstance(declared, dict) else None
                if given is None and isinstance(side, dict) and isinstance(side.get("file"), str):
                    sides[name] = Path(mapping).parent / side["file"]
        out, summary = C.c_void_p(), C.c_void_p()
        if all(given is None for given in sides.values()):
            N.call(
                N.lib.techsales_portfolio_import_csv,
                _text(csv, "csv"),
                mapping_text,
                C.byref(out),
                C.byref(summary),
            )
        else:
            side_texts = [None if given is None else _text(given, name) for name, given in sides.items()]
            N.call(
                N.lib.techsales_portfolio_import_csv_files,
                _text(csv, "csv"),
                *side_texts,
                mapping_text,
                C.byref(out),
                C.byref(summary),
            )
        portfolio = cls(out)
        try:
            report = json.loads(C.string_at(summary.value).decode("utf-8"))
        finally:
            N.lib.techsales_string_free(summary)
        return portfolio, report

    def to_json(self) -> str:
        """The portfolio document as compact JSON text, which `load` reads back unchanged."""
        return N.text_out(N.lib.techsales_portfolio_to_json, self._live)

    def to_dict(self) -> dict[str, Any]:
        """The portfolio document as a dict."""
        return json.loads(self.to_json())  # type: ignore[no-any-return]

    def put_account(self, account: Mapping[str, Any] | str) -> None:
        """Adds an account (customer record and actions), or replaces the one with its id."""
        N.call(N.lib.techsales_portfolio_put_account, self._live, N.json_text(account, "account"))

    def put_opportunity(self, opportunity: Mapping[str, Any] | str) -> None:
        """Adds a key-account deal (record, process state, journal), or replaces the one with its id."""
        N.call(
            N.lib.techsales_portfolio_put_opportunity,
            self._live,
            N.json_text(opportunity, "opportunity"),
        )

    def put_cycle(self, cycle: Mapping[str, Any] | str) -> None:
        """Adds a technical-sale cycle record, or replaces the one with its id."""
        N.call(N.lib.techsales_portfolio_put_cycle, self._live, N.json_text(cycle, "cycle"))

    def apply_deal_event(self, deal_id: str, entry: Mapping[str, Any] | str) -> None:
        """Applies a key-account journal entry (`at`, `actor`, `event`) to deal `deal_id`."""
        N.call(
            N.lib.techsales_portfolio_apply_deal_event,
            self._live,
            N.cstr(deal_id, "deal_id"),
            N.json_text(entry, "entry"),
        )

    def apply_cycle_event(self, cycle_id: str, entry: Mapping[str, Any] | str) -> None:
        """Applies a technical-sale journal entry (`at`, `actor`, `event`) to cycle `cycle_id`."""
        N.call(
            N.lib.techsales_portfolio_apply_cycle_event,
            self._live,
            N.cstr(cycle_id, "cycle_id"),
            N.json_text(entry, "entry"),
        )

    def set_account_type(
        self, account_id: str, customer_type: Any, at: dt.datetime, reason: str | None = None
    ) -> bool:
        """Sets an account's `CustomerType` at `at`; returns whether the type changed.

        Its running cycles under another type's variant are offered the new
        type's variant for their next iteration.
        """
        changed = C.c_bool()
        N.call(
            N.lib.techsales_portfolio_set_account_type,
            self._live,
            N.cstr(account_id, "account_id"),
            int(customer_type),
            unix_seconds(at),
            N.cstr(reason, "reason"),
            C.byref(changed),
        )
        return bool(changed.value)

    def analytics(self, name: str) -> Any:
        """One analytic by name (see `ANALYTICS`), as the library's JSON parsed;
        an unknown name raises `NotFoundError`."""
        text = N.text_out(N.lib.techsales_portfolio_analytics_json, self._live, N.cstr(name, "name"))
        return json.loads(text)

    def analytics_frame(self, name: str) -> Any:
        """A list-shaped analytic as a pandas DataFrame, one row per item
        (nested values flattened into dotted columns); needs pandas."""
        import pandas as pd

        value = self.analytics(name)
        if not isinstance(value, list):
            raise TypeError(f"the `{name}` analytic is not a list (use `analytics`)")
        return pd.json_normalize(value) if value else pd.DataFrame()

    def action_log(self, account_id: str) -> Any:
        """The differentiation actions applied to an account, oldest first."""
        text = N.text_out(
            N.lib.techsales_portfolio_action_log_json, self._live, N.cstr(account_id, "account_id")
        )
        return json.loads(text)

    def report(self, language: Any = None) -> str:
        """The text report with the default options, in English (the default) or Chinese."""
        return N.text_out(N.lib.techsales_portfolio_report, self._live, _language(language))

    def html(self, language: Any = None) -> str:
        """The HTML report: one self-contained page with its charts inline."""
        return N.text_out(N.lib.techsales_portfolio_html, self._live, _language(language))

    def svg(self) -> str:
        """The portfolio's charts as one SVG document."""
        return N.text_out(N.lib.techsales_portfolio_svg, self._live)

    def write_svg(self, path: str | os.PathLike[str]) -> None:
        """Writes the charts (`svg`) to a file."""
        Path(path).write_text(self.svg(), encoding="utf-8")


def stage_checklist(stage: Any) -> Any:
    """The work items of a `KeyAccountStage`, with labels and descriptions in both languages."""
    return json.loads(N.text_out(N.lib.techsales_key_account_stage_checklist_json, int(stage)))
