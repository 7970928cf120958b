"""Enums are built from the library's catalogue and agree with its lookups."""

from __future__ import annotations

import ctypes as C

import pytest

from techsales import _native as N
from techsales import enums
from techsales.enums import EnumKind, Grade, Language


def _lookup(fn, *args):
    out = C.c_char_p()
    N.call(fn, *args, C.byref(out))
    return out.value.decode("utf-8")


def test_every_kind_has_a_class_and_every_value_a_member():
    """Each kind the library reports is an IntEnum whose members carry the
    library's own codes, keys and English and Chinese labels."""
    assert len(EnumKind) == 42
    for kind in EnumKind:
        cls = getattr(enums, "".join(p.capitalize() for p in kind.key.split("_")))
        assert len(cls) > 0
        for member in cls:
            assert member.key == _lookup(N.lib.techsales_enum_key, int(kind), int(member))
            assert member.en == _lookup(N.lib.techsales_enum_label, int(kind), int(member), 0)
            assert member.zh == _lookup(N.lib.techsales_enum_label, int(kind), int(member), 1)
            code = C.c_uint32()
            N.call(N.lib.techsales_enum_from_key, int(kind), member.key.encode(), C.byref(code))
            assert code.value == int(member)


def test_members_are_int_enums_with_labels_in_both_languages():
    assert isinstance(Grade.A, int) and Grade.A == 0
    assert Grade.A.label(Language.ENGLISH) == "A"
    assert Grade.A.label(Language.CHINESE) == "A级"
    assert enums.CustomerType.MARKET_TAKER.label(Language.CHINESE) == "市场接受型客户"
    assert str(enums.KeyNode.CONTRACT_SIGNED) == "contract_signed"


def test_from_key_finds_members_and_names_unknown_keys():
    assert enums.CycleStage.from_key("evaluating_options") is enums.CycleStage.EVALUATING_OPTIONS
    with pytest.raises(ValueError, match="`z` is not a Grade key"):
        Grade.from_key("z")


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError):
        Grade.B.label(7)
