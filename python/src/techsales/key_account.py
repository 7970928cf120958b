"""The six-stage key-account process: the definition (stage probabilities,
gating key nodes, forcing penalty) and one deal with its journal."""

from __future__ import annotations

import ctypes as C
import datetime as dt
import json
from typing import Any, Mapping

from . import _native as N
from ._common import Handle, load_json, unix_seconds
from .enums import KeyAccountOutcome, KeyAccountStage, KeyNode, Language, from_bits  # type: ignore[attr-defined]


class Definition(Handle):
    """A key-account process definition: built-in defaults, or a JSON document.

    Immutable and safe to share between threads and deals.
    """

    _what = "definition"
    _free = N.lib.techsales_key_account_definition_free

    def __init__(self, document: Mapping[str, Any] | str | None = None) -> None:
        out = C.c_void_p()
        N.call(
            N.lib.techsales_key_account_definition_new,
            N.json_text(document, "document"),
            C.byref(out),
        )
        super().__init__(out)


def _language(language: Any) -> int:
    return int(language if language is not None else Language.ENGLISH)


class KeyAccountDeal(Handle):
    """One key-account deal: its stage, key nodes, buying influences and journal.

    Every change takes its time and actor; a refusal raises
    `RefusedTransitionError` and leaves the deal as it was.
    """

    _what = "key-account deal"
    _free = N.lib.techsales_key_account_free

    def __init__(self, opened_at: dt.datetime, definition: Definition | None = None) -> None:
        out = C.c_void_p()
        N.call(N.lib.techsales_key_account_new, unix_seconds(opened_at, "opened_at"), C.byref(out))
        super().__init__(out)
        self._definition = definition if definition is not None else Definition()

    @classmethod
    def from_json(
        cls, document: Mapping[str, Any] | str, definition: Definition | None = None
    ) -> "KeyAccountDeal":
        """Loads a deal made by `to_json`, replaying its journal under `definition`."""
        definition = definition if definition is not None else Definition()
        out = C.c_void_p()
        N.call(
            N.lib.techsales_key_account_from_json,
            definition._live,
            N.json_text(document, "document"),
            C.byref(out),
        )
        self = cls.__new__(cls)
        Handle.__init__(self, out)
        self._definition = definition
        return self

    @property
    def definition(self) -> Definition:
        """The definition the deal is run under."""
        return self._definition

    def _args(self) -> tuple[C.c_void_p, C.c_void_p]:
        return self._live, self._definition._live

    def apply(self, entry: Mapping[str, Any] | str) -> None:
        """Applies any event given as a journal entry (`at`, `actor`, `event`)."""
        N.call(N.lib.techsales_key_account_apply_json, *self._args(), N.json_text(entry, "entry"))

    def meet_node(self, node: Any, at: dt.datetime, actor: str, evidence: str) -> None:
        """Records a `KeyNode` as met, with evidence (use `grade` for the grading node)."""
        N.call(
            N.lib.techsales_key_account_meet_node,
            *self._args(),
            unix_seconds(at),
            N.cstr(actor, "actor"),
            int(node),
            N.cstr(evidence, "evidence"),
        )

    def grade(self, grade: Any, at: dt.datetime, actor: str, evidence: str) -> None:
        """Records the opportunity's `Grade` (meets the grading node the first time)."""
        N.call(
            N.lib.techsales_key_account_grade,
            *self._args(),
            unix_seconds(at),
            N.cstr(actor, "actor"),
            int(grade),
            N.cstr(evidence, "evidence"),
        )

    def advance(self, at: dt.datetime, actor: str) -> None:
        """Moves to the next stage; refused while required key nodes are missing."""
        N.call(N.lib.techsales_key_account_advance, *self._args(), unix_seconds(at), N.cstr(actor, "actor"))

    def force_advance(self, at: dt.datetime, actor: str, reason: str) -> None:
        """Moves on although key nodes are missing; recorded and penalised."""
        N.call(
            N.lib.techsales_key_account_force_advance,
            *self._args(),
            unix_seconds(at),
            N.cstr(actor, "actor"),
            N.cstr(reason, "reason"),
        )

    def observe_step(self, step: Any, at: dt.datetime, actor: str) -> None:
        """Records the customer's `ProcurementStep`."""
        N.call(
            N.lib.techsales_key_account_observe_step,
            *self._args(),
            unix_seconds(at),
            N.cstr(actor, "actor"),
            int(step),
        )

    def set_contact(
        self,
        id: str,
        name: str,
        role: Any,
        influence: Any,
        attitude: Any,
        at: dt.datetime,
        actor: str,
        met: bool = False,
    ) -> None:
        """Adds or updates a buying influence (`BuyingRole`, `InfluenceDegree`, `Attitude`)."""
        N.call(
            N.lib.techsales_key_account_set_contact,
            *self._args(),
            unix_seconds(at),
            N.cstr(actor, "actor"),
            N.cstr(id, "id"),
            N.cstr(name, "name"),
            int(role),
            int(influence),
            bool(met),
            int(attitude),
        )

    def close_deal(self, outcome: Any, at: dt.datetime, actor: str, reason: str | None = None) -> None:
        """Closes the deal with a `KeyAccountOutcome` (lost and withdrawn need a reason)."""
        N.call(
            N.lib.techsales_key_account_close,
            *self._args(),
            unix_seconds(at),
            N.cstr(actor, "actor"),
            int(outcome),
            N.cstr(reason, "reason"),
        )

    def _status(self) -> tuple[Any, bool, int]:
        stage, is_open, outcome = C.c_uint32(), C.c_bool(), C.c_uint32()
        N.call(N.lib.techsales_key_account_status, self._live, C.byref(stage), C.byref(is_open), C.byref(outcome))
        return KeyAccountStage(stage.value), bool(is_open.value), outcome.value

    @property
    def stage(self) -> Any:
        """The current `KeyAccountStage`."""
        return self._status()[0]

    @property
    def is_open(self) -> bool:
        """Whether the deal is still open."""
        return self._status()[1]

    @property
    def outcome(self) -> Any | None:
        """The `KeyAccountOutcome`, or None while the deal is open."""
        _, is_open, outcome = self._status()
        return None if is_open else KeyAccountOutcome(outcome)

    @property
    def missing_nodes(self) -> frozenset[Any]:
        """The key nodes still missing to leave the current stage."""
        mask = C.c_uint32()
        N.call(N.lib.techsales_key_account_missing_nodes, *self._args(), C.byref(mask))
        return from_bits(KeyNode, mask.value)

    @property
    def win_probability(self) -> float:
        """The win probability (0-1)."""
        out = C.c_double()
        N.call(N.lib.techsales_key_account_win_probability, *self._args(), C.byref(out))
        return out.value

    def explain_win_probability(self, *, as_text: bool = False, language: Any = None) -> Any:
        """Every factor behind the win probability, as a dict or as text."""
        text = N.text_out(
            N.lib.techsales_key_account_win_probability_explain,
            *self._args(),
            _language(language),
            bool(as_text),
        )
        return load_json(text, not as_text)

    def diagnose(self, *, as_text: bool = False, language: Any = None) -> Any:
        """Alignment with the customer's procurement step, missing work and next actions."""
        text = N.text_out(
            N.lib.techsales_key_account_diagnose, *self._args(), _language(language), bool(as_text)
        )
        return load_json(text, not as_text)

    def to_json(self) -> str:
        """State and journal as JSON text."""
        return N.text_out(N.lib.techsales_key_account_to_json, self._live)

    def to_dict(self) -> dict[str, Any]:
        """State and journal as a dict."""
        return json.loads(self.to_json())  # type: ignore[no-any-return]
