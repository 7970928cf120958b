"""The five-stage technical sale with one customer: recognition of needs,
evaluating options, resolving concerns, implementation, evolution."""

from __future__ import annotations

import ctypes as C
import datetime as dt
import json
from typing import Any, Mapping

from . import _native as N
from ._common import Handle, load_json, unix_seconds
from .enums import CustomerType, CycleOutcome, CycleStage, CycleStep, Language, from_bits  # type: ignore[attr-defined]


class Cycle(Handle):
    """One technical sale: its variant (by customer type), state and journal.

    A refused event raises `RefusedTransitionError` and leaves the sale as it was.
    """

    _what = "technical sale"
    _free = N.lib.techsales_cycle_free

    def __init__(self, customer_type: Any) -> None:
        out = C.c_void_p()
        N.call(N.lib.techsales_cycle_new, int(customer_type), C.byref(out))
        super().__init__(out)

    @classmethod
    def _adopt(cls, pointer: C.c_void_p) -> "Cycle":
        self = cls.__new__(cls)
        Handle.__init__(self, pointer)
        return self

    @classmethod
    def with_variant(cls, variant: Mapping[str, Any] | str) -> "Cycle":
        """A sale under a variant given as JSON (customer type, each step's requirement...)."""
        out = C.c_void_p()
        N.call(N.lib.techsales_cycle_new_with_variant, N.json_text(variant, "variant"), C.byref(out))
        return cls._adopt(out)

    @classmethod
    def from_json(cls, document: Mapping[str, Any] | str) -> "Cycle":
        """Loads a sale made by `to_json`, replaying its journal."""
        out = C.c_void_p()
        N.call(N.lib.techsales_cycle_from_json, N.json_text(document, "document"), C.byref(out))
        return cls._adopt(out)

    def apply(self, entry: Mapping[str, Any] | str) -> None:
        """Applies any event given as a journal entry (`at`, `actor`, `event`)."""
        N.call(N.lib.techsales_cycle_apply_json, self._live, N.json_text(entry, "entry"))

    def advance(self, at: dt.datetime, actor: str) -> None:
        """Moves to the next stage; refused while required steps are open."""
        N.call(N.lib.techsales_cycle_advance, self._live, unix_seconds(at), N.cstr(actor, "actor"))

    def complete_step(self, step: Any, at: dt.datetime, actor: str, summary: str) -> None:
        """Records a `CycleStep` without an artefact of its own as done."""
        N.call(
            N.lib.techsales_cycle_complete_step,
            self._live,
            unix_seconds(at),
            N.cstr(actor, "actor"),
            int(step),
            N.cstr(summary, "summary"),
        )

    def raise_objection(self, id: str, text: str, at: dt.datetime, actor: str) -> None:
        """Records an objection the client raised (resolving concerns only)."""
        N.call(
            N.lib.techsales_cycle_raise_objection,
            self._live,
            unix_seconds(at),
            N.cstr(actor, "actor"),
            N.cstr(id, "id"),
            N.cstr(text, "text"),
        )

    def resolve_objection(self, id: str, resolution: str, at: dt.datetime, actor: str) -> None:
        """Records how an objection was resolved."""
        N.call(
            N.lib.techsales_cycle_resolve_objection,
            self._live,
            unix_seconds(at),
            N.cstr(actor, "actor"),
            N.cstr(id, "id"),
            N.cstr(resolution, "resolution"),
        )

    def decide(self, decision: Any, at: dt.datetime, actor: str) -> None:
        """Records the client's `CycleDecision`."""
        N.call(N.lib.techsales_cycle_decide, self._live, unix_seconds(at), N.cstr(actor, "actor"), int(decision))

    def learn(self, lesson: str, at: dt.datetime, actor: str) -> None:
        """Records a lesson learned."""
        N.call(N.lib.techsales_cycle_learn, self._live, unix_seconds(at), N.cstr(actor, "actor"), N.cstr(lesson, "lesson"))

    def cancel(self, reason: str, at: dt.datetime, actor: str) -> None:
        """Cancels the deal during implementation."""
        N.call(N.lib.techsales_cycle_cancel, self._live, unix_seconds(at), N.cstr(actor, "actor"), N.cstr(reason, "reason"))

    def _status(self) -> tuple[Any, Any, int]:
        stage, outcome, iteration = C.c_uint32(), C.c_uint32(), C.c_uint32()
        N.call(N.lib.techsales_cycle_status, self._live, C.byref(stage), C.byref(outcome), C.byref(iteration))
        return CycleStage(stage.value), CycleOutcome(outcome.value), iteration.value

    @property
    def stage(self) -> Any:
        """The current `CycleStage` (for an ended sale, the stage it ended in)."""
        return self._status()[0]

    @property
    def outcome(self) -> Any:
        """The `CycleOutcome` of the current iteration."""
        return self._status()[1]

    @property
    def iteration(self) -> int:
        """The iteration number, from 1."""
        return self._status()[2]

    @property
    def customer_type(self) -> Any:
        """The `CustomerType` whose variant the sale follows."""
        out = C.c_uint32()
        N.call(N.lib.techsales_cycle_customer_type, self._live, C.byref(out))
        return CustomerType(out.value)

    @property
    def missing_steps(self) -> frozenset[Any]:
        """The required steps of the current stage not done yet."""
        mask = C.c_uint32()
        N.call(N.lib.techsales_cycle_missing_steps, self._live, C.byref(mask))
        return from_bits(CycleStep, mask.value)

    def guidance(self, *, as_text: bool = False, language: Any = None) -> Any:
        """What remains to do in the current stage, as a dict or as text."""
        text = N.text_out(
            N.lib.techsales_cycle_guidance,
            self._live,
            int(language if language is not None else Language.ENGLISH),
            bool(as_text),
        )
        return load_json(text, not as_text)

    def to_json(self) -> str:
        """Variant, state and journal as JSON text."""
        return N.text_out(N.lib.techsales_cycle_to_json, self._live)

    def to_dict(self) -> dict[str, Any]:
        """Variant, state and journal as a dict."""
        return json.loads(self.to_json())  # type: ignore[no-any-return]
