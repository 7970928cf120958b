"""Every domain enum of the library as an `enum.IntEnum`.

The classes are built when the package is imported, from the catalogue the
library itself reports (`techsales_catalogue_json`): codes, keys and the
English and Chinese labels are never copied into Python. A class is named
after its kind (`customer_type` gives `CustomerType`), a member after its
key (`CustomerType.MARKET_TAKER`, key `"market_taker"`).

>>> from techsales.enums import Grade, Language
>>> Grade.A.label(Language.CHINESE)
'A级'
>>> Grade.from_key("b")
<Grade.B: 1>
"""

from __future__ import annotations

import enum
import json
from typing import Any

from . import _native


class CatalogueEnum(enum.IntEnum):
    """A domain enum value: its code, stable key and labels."""

    _texts_: dict[int, tuple[str, str, str]]

    @property
    def key(self) -> str:
        """The stable snake_case key, as used in JSON documents."""
        return type(self)._texts_[int(self)][0]

    @property
    def en(self) -> str:
        """The English label."""
        return type(self)._texts_[int(self)][1]

    @property
    def zh(self) -> str:
        """The Chinese label."""
        return type(self)._texts_[int(self)][2]

    def label(self, language: Any = None) -> str:
        """The label in `language` (a `Language`; English when None)."""
        if language is None or int(language) == 0:
            return self.en
        if int(language) == 1:
            return self.zh
        raise ValueError(f"{language!r} is not a language")

    @classmethod
    def from_key(cls, key: str) -> Any:
        """The member with this key; ValueError names an unknown key."""
        for member in cls:
            if member.key == key:
                return member
        raise ValueError(f"`{key}` is not a {cls.__name__} key")

    def __str__(self) -> str:
        return self.key


def _class_name(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def _build() -> dict[str, type[CatalogueEnum]]:
    catalogue = json.loads(_native.text_out(_native.lib.techsales_catalogue_json))
    built: dict[str, type[CatalogueEnum]] = {}
    kinds: list[tuple[str, int]] = []
    kind_texts: dict[int, tuple[str, str, str]] = {}
    for entry in catalogue:
        kind = entry["kind"]
        name = _class_name(kind["key"])
        members = [(v["key"].upper(), v["code"]) for v in entry["values"]]
        cls = CatalogueEnum(name, members, module=__name__, qualname=name)  # type: ignore[call-overload]
        cls._texts_ = {v["code"]: (v["key"], v["en"], v["zh"]) for v in entry["values"]}
        cls.__doc__ = f"{kind['en']} ({kind['zh']})."
        built[name] = cls
        kinds.append((kind["key"].upper(), kind["code"]))
        kind_texts[kind["code"]] = (kind["key"], kind["en"], kind["zh"])
    enum_kind = CatalogueEnum("EnumKind", kinds, module=__name__, qualname="EnumKind")  # type: ignore[call-overload]
    enum_kind._texts_ = kind_texts
    enum_kind.__doc__ = "Which domain enum a code belongs to."
    built["EnumKind"] = enum_kind
    return built


_BUILT = _build()
globals().update(_BUILT)
__all__ = ["CatalogueEnum", *sorted(_BUILT)]


def __getattr__(name: str) -> type[CatalogueEnum]:
    # For type checkers: the classes are made at import time.
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def bits(members: Any) -> int:
    """A mask with bit `1 << code` for each member."""
    mask = 0
    for member in members:
        mask |= 1 << int(member)
    return mask


def from_bits(cls: type[CatalogueEnum], mask: int) -> frozenset[Any]:
    """The members of `cls` whose bit is set in `mask`."""
    return frozenset(m for m in cls if mask & (1 << int(m)))
