"""Customer types (supplier assistance x customer loyalty) with their dated
history, and the continuous-differentiation planner that ranks what to do
next for a customer."""

from __future__ import annotations

import ctypes as C
import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from . import _native as N
from ._common import Handle, from_unix_seconds, load_json, unix_seconds
from .enums import (  # type: ignore[attr-defined]
    Action,
    Axis,
    CustomerType,
    RecommendationReason,
    StayReason,
    bits,
)

#: The built-in threshold on each axis (assistance, loyalty).
DEFAULT_THRESHOLDS = (50.0, 50.0)


def classify(
    assistance: float, loyalty: float, thresholds: tuple[float, float] = DEFAULT_THRESHOLDS
) -> Any:
    """The customer type of scores (0-100 each) against per-axis thresholds."""
    out = C.c_uint32()
    N.call(
        N.lib.techsales_classify,
        float(assistance),
        float(loyalty),
        float(thresholds[0]),
        float(thresholds[1]),
        C.byref(out),
    )
    return CustomerType(out.value)


@dataclass(frozen=True)
class TypeMovement:
    """A change of customer type, with when it happened."""

    from_type: Any
    to_type: Any
    at: dt.datetime


class Customer(Handle):
    """A customer record, classified from its scores, with its type history."""

    _what = "customer"
    _free = N.lib.techsales_customer_free

    def __init__(
        self,
        id: str,
        name: str,
        assistance: float,
        loyalty: float,
        at: dt.datetime,
        thresholds: tuple[float, float] = DEFAULT_THRESHOLDS,
    ) -> None:
        out = C.c_void_p()
        N.call(
            N.lib.techsales_customer_new,
            N.cstr(id, "id"),
            N.cstr(name, "name"),
            float(assistance),
            float(loyalty),
            float(thresholds[0]),
            float(thresholds[1]),
            unix_seconds(at),
            C.byref(out),
        )
        super().__init__(out)

    @classmethod
    def _adopt(cls, pointer: C.c_void_p) -> "Customer":
        self = cls.__new__(cls)
        Handle.__init__(self, pointer)
        return self

    @classmethod
    def with_type(cls, id: str, name: str, customer_type: Any, at: dt.datetime) -> "Customer":
        """A customer whose type is already known."""
        out = C.c_void_p()
        N.call(
            N.lib.techsales_customer_new_with_type,
            N.cstr(id, "id"),
            N.cstr(name, "name"),
            int(customer_type),
            unix_seconds(at),
            C.byref(out),
        )
        return cls._adopt(out)

    @classmethod
    def from_json(cls, document: Mapping[str, Any] | str) -> "Customer":
        """Loads a record made by `to_json`; a history that does not hold together is refused."""
        out = C.c_void_p()
        N.call(N.lib.techsales_customer_from_json, N.json_text(document, "document"), C.byref(out))
        return cls._adopt(out)

    @property
    def customer_type(self) -> Any:
        """The current `CustomerType`."""
        out = C.c_uint32()
        N.call(N.lib.techsales_customer_type, self._live, C.byref(out))
        return CustomerType(out.value)

    def reclassify(
        self,
        assistance: float,
        loyalty: float,
        at: dt.datetime,
        reason: str | None = None,
        thresholds: tuple[float, float] = DEFAULT_THRESHOLDS,
    ) -> bool:
        """Classifies again from new scores; returns whether the type changed
        (the movement is then recorded with `reason`)."""
        changed = C.c_bool()
        N.call(
            N.lib.techsales_customer_reclassify,
            self._live,
            float(assistance),
            float(loyalty),
            float(thresholds[0]),
            float(thresholds[1]),
            unix_seconds(at),
            N.cstr(reason, "reason"),
            C.byref(changed),
        )
        return bool(changed.value)

    @property
    def history(self) -> list[TypeMovement]:
        """Every type movement, oldest first."""
        count = C.c_size_t()
        N.call(N.lib.techsales_customer_history_len, self._live, C.byref(count))
        movements = []
        for index in range(count.value):
            m = N.TypeMovement()
            N.call(N.lib.techsales_customer_history_get, self._live, index, C.byref(m))
            movements.append(
                TypeMovement(CustomerType(m.from_), CustomerType(m.to), from_unix_seconds(m.at))
            )
        return movements

    def set_profile(self, buyer_behaviour: Any, relationship_level: Any) -> None:
        """Sets how the customer buys: `BuyerBehaviour` and `RelationshipLevel`."""
        N.call(
            N.lib.techsales_customer_set_profile,
            self._live,
            int(buyer_behaviour),
            int(relationship_level),
        )

    def set_readiness(self, criteria: Iterable[Any], wait_reasons: Iterable[Any] = ()) -> None:
        """Sets readiness for the loyalty network: the `ReadinessCriterion`s
        met and the `WaitReason`s that hold it back."""
        N.call(
            N.lib.techsales_customer_set_readiness, self._live, bits(criteria), bits(wait_reasons)
        )

    def to_json(self) -> str:
        """The record as JSON text (the format the Rust API serialises)."""
        return N.text_out(N.lib.techsales_customer_to_json, self._live)

    def to_dict(self) -> dict[str, Any]:
        """The record as a dict."""
        return load_json(self.to_json(), True)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Recommendation:
    """One recommended differentiation action and the axis it raises."""

    action: Any
    axis: Any
    expected_effect: float
    reason: Any
    #: The reason a client stays (a `StayReason`) the action serves most.
    serves: Any


@dataclass(frozen=True)
class Plan:
    """The ranked actions for a customer, or none when it is not worth investing now."""

    worth_investing: bool
    recommendations: list[Recommendation]


class Planner(Handle):
    """The differentiation planner: built-in defaults, or a configuration (dict or str).

    Immutable and safe to share between threads.
    """

    _what = "planner"
    _free = N.lib.techsales_planner_free

    def __init__(self, config: Mapping[str, Any] | str | None = None) -> None:
        out = C.c_void_p()
        N.call(N.lib.techsales_planner_new, N.json_text(config, "config"), C.byref(out))
        super().__init__(out)

    def plan(self, customer: Customer) -> Plan:
        """The actions for `customer`, most valuable first."""
        count, worth = C.c_size_t(), C.c_bool()
        capacity = len(Action)
        buffer = (N.Recommendation * capacity)()
        N.call(
            N.lib.techsales_planner_plan,
            self._live,
            customer._live,
            buffer,
            capacity,
            C.byref(count),
            C.byref(worth),
        )
        return Plan(
            bool(worth.value),
            [
                Recommendation(
                    Action(r.action),
                    Axis(r.axis),
                    r.expected_effect,
                    RecommendationReason(r.reason),
                    StayReason(r.serves),
                )
                for r in buffer[: count.value]
            ],
        )

    def plan_json(self, customer: Customer, *, as_dict: bool = True) -> Any:
        """The plan as a dict (or JSON text), with the readiness assessment when
        the account is not worth investing in now."""
        text = N.text_out(N.lib.techsales_planner_plan_json, self._live, customer._live)
        return load_json(text, as_dict)
