"""Bad input gives the mapped exception with the library's message, never a
crash; a closed object refuses use clearly."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import techsales as ts
from techsales.enums import CustomerType, Grade, KeyNode

from .conftest import AS_OF, UTC

AT = dt.datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
LOADERS = [
    ts.Grader,
    ts.Planner,
    ts.Definition,
    ts.Customer.from_json,
    ts.Cycle.from_json,
    ts.Cycle.with_variant,
    ts.KeyAccountDeal.from_json,
]


def test_malformed_json_is_an_invalid_json_error():
    with pytest.raises(ts.InvalidJsonError) as caught:
        ts.Grader("{not json")
    assert caught.value.code == 5 and caught.value.message


def test_a_bad_configuration_field_is_named():
    with pytest.raises(ts.TechsalesError) as caught:
        ts.Grader({"no_such_field": 1})
    assert "no_such_field" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_nan_rating_is_refused_naming_the_factor(grader):
    ratings = [7.0] * 9
    ratings[3] = math.nan
    with pytest.raises(ts.InvalidArgumentError, match="customer_relationship|Customer relationship"):
        grader.grade(ratings, dt.date(2026, 3, 31), AS_OF, 0.5)


def test_a_refused_transition_leaves_the_deal_unchanged():
    deal = ts.KeyAccountDeal(AT)
    before = deal.to_dict()
    with pytest.raises(ts.RefusedTransitionError, match="opportunity_graded"):
        deal.advance(AT, "li")
    assert deal.to_dict() == before


def test_naive_datetimes_and_nul_characters_are_refused():
    with pytest.raises(ts.InvalidArgumentError, match="time zone"):
        ts.KeyAccountDeal(dt.datetime(2026, 1, 15, 9, 0))
    with pytest.raises(ts.InvalidArgumentError, match="NUL"):
        ts.Customer("C\x001", "Acme", 60, 40, AT)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ts.Grader(),
        lambda: ts.Planner(),
        lambda: ts.Definition(),
        lambda: ts.Customer("C-1", "Acme", 70, 30, AT),
        lambda: ts.Cycle(CustomerType.LOYAL),
        lambda: ts.KeyAccountDeal(AT),
    ],
)
def test_a_closed_object_refuses_use_and_closes_twice_harmlessly(make):
    obj = make()
    with obj:
        assert not obj.closed
    assert obj.closed
    obj.close()
    with pytest.raises(ts.ClosedError, match="is closed"):
        _ = obj._live


def test_closed_objects_are_refused_by_the_methods_that_use_them(grader):
    deal = ts.KeyAccountDeal(AT)
    deal.close()
    with pytest.raises(ts.ClosedError):
        _ = deal.win_probability
    with pytest.raises(ts.ClosedError):
        deal.grade(Grade.A, AT, "li", "graded")
    customer = ts.Customer("C-1", "Acme", 70, 30, AT)
    planner = ts.Planner()
    customer.close()
    with pytest.raises(ts.ClosedError):
        planner.plan(customer)
    grader.close()
    with pytest.raises(ts.ClosedError):
        grader.grade([7] * 9, dt.date(2026, 3, 31), AS_OF, 0.5)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), loader=st.sampled_from(LOADERS))
def test_any_text_as_a_document_loads_or_raises_a_techsales_error(text, loader):
    """Every loader either accepts a text or refuses it with a mapped error."""
    try:
        obj = loader(text)
    except ts.TechsalesError as e:
        assert e.code in range(1, 12) or isinstance(e, ts.InvalidArgumentError)
    else:
        obj.close()


@settings(max_examples=200, deadline=None)
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    ),
    loader=st.sampled_from(LOADERS),
)
def test_any_json_value_as_a_document_loads_or_raises_a_techsales_error(document, loader):
    try:
        obj = loader(document if isinstance(document, (dict, list)) else str(document))
    except ts.TechsalesError:
        pass
    else:
        obj.close()


@settings(max_examples=100, deadline=None)
@given(code=st.integers(min_value=0, max_value=2**32 - 1))
def test_an_enum_code_outside_its_enum_is_an_invalid_argument(code):
    if code < len(CustomerType):
        ts.Cycle(code).close()
    else:
        with pytest.raises(ts.InvalidArgumentError, match="not a valid code"):
            ts.Cycle(code)
    deal = ts.KeyAccountDeal(AT)
    if code >= len(KeyNode):
        with pytest.raises(ts.InvalidArgumentError):
            deal.meet_node(code, AT, "li", "evidence")
    deal.close()


@settings(max_examples=100, deadline=None)
@given(name=st.text(max_size=40))
def test_any_text_as_a_name_is_kept_or_refused(name):
    """Text with a NUL or a lone surrogate (not UTF-8) is refused; any other
    text is stored as given."""
    bad = "\x00" in name or any(0xD800 <= ord(c) <= 0xDFFF for c in name)
    try:
        customer = ts.Customer("C-1", name, 70, 30, AT)
    except ts.InvalidArgumentError:
        assert bad
    else:
        assert not bad
        assert customer.to_dict()["name"] == name
        customer.close()
