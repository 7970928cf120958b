"""Customer, planner, key-account deal and technical sale through the package."""

from __future__ import annotations

import datetime as dt

import pytest

import techsales as ts
from techsales.enums import (
    Attitude,
    BuyingRole,
    CustomerType,
    CycleStage,
    CycleStep,
    Grade,
    InfluenceDegree,
    KeyAccountOutcome,
    KeyAccountStage,
    KeyNode,
    Language,
    ProcurementStep,
    ReadinessCriterion,
)



def test_a_customer_keeps_its_dated_type_history(at):
    later = at + dt.timedelta(days=180)
    with ts.Customer("C-1", "Acme", 72, 35, at) as acme:
        assert acme.customer_type is CustomerType.OPPORTUNITY
        assert acme.reclassify(75, 61, later, "joint planning started")
        assert not acme.reclassify(76, 62, later, "no change")
        [move] = acme.history
        assert (move.from_type, move.to_type, move.at) == (
            CustomerType.OPPORTUNITY,
            CustomerType.STRATEGIC,
            later,
        )
        again = ts.Customer.from_json(acme.to_json())
        assert again.to_dict() == acme.to_dict()


def test_classify_uses_the_thresholds_given():
    assert ts.classify(72, 35) is CustomerType.OPPORTUNITY
    assert ts.classify(72, 35, thresholds=(80, 30)) is CustomerType.LOYAL
    with pytest.raises(ts.InvalidArgumentError):
        ts.classify(float("nan"), 10)


def test_the_plan_lists_the_same_actions_as_its_json(at):
    customer = ts.Customer.with_type("C-2", "Beta", CustomerType.MARKET_TAKER, at)
    customer.set_readiness([ReadinessCriterion.EARLY_ADOPTER])
    planner = ts.Planner()
    plan = planner.plan(customer)
    as_dict = planner.plan_json(customer)
    assert isinstance(as_dict, dict)
    assert isinstance(planner.plan_json(customer, as_dict=False), str)
    if plan.worth_investing:
        assert [r.action.key for r in plan.recommendations] == [
            r["action"] for r in as_dict["recommendations"]
        ]
    else:
        assert plan.recommendations == []


def test_a_key_account_deal_gates_forces_and_diagnoses(at):
    definition = ts.Definition()
    deal = ts.KeyAccountDeal(at, definition)
    assert deal.stage is KeyAccountStage.DEVELOPMENT and deal.is_open and deal.outcome is None
    assert deal.missing_nodes == {KeyNode.OPPORTUNITY_GRADED}
    deal.grade(Grade.A, at, "li", "graded A at the first evaluation")
    deal.advance(at + dt.timedelta(days=1), "li")
    assert deal.stage is KeyAccountStage.SALES_ENTRY
    before = deal.win_probability
    deal.force_advance(at + dt.timedelta(days=2), "li", "tender announced early")
    assert deal.stage is KeyAccountStage.PROPOSAL
    assert deal.win_probability < before
    later = at + dt.timedelta(days=3)
    deal.set_contact(
        "P-1", "Wang", BuyingRole.ECONOMIC_BUYER, InfluenceDegree.HIGH, Attitude.SUPPORTIVE, later, "li", met=True
    )
    deal.observe_step(ProcurementStep.BIDDING_AND_EVALUATION, later, "li")
    assert isinstance(deal.diagnose(), dict)
    chinese = deal.diagnose(as_text=True, language=Language.CHINESE)
    assert chinese and chinese != deal.diagnose(as_text=True)
    assert isinstance(deal.explain_win_probability(), dict)
    again = ts.KeyAccountDeal.from_json(deal.to_json(), definition)
    assert again.to_dict() == deal.to_dict()
    deal.close_deal(KeyAccountOutcome.LOST, at + dt.timedelta(days=4), "li", "price")
    assert deal.outcome is KeyAccountOutcome.LOST and not deal.is_open


def test_a_tampered_deal_document_is_refused(at):
    deal = ts.KeyAccountDeal(at)
    deal.grade(Grade.B, at, "li", "graded")
    document = deal.to_dict()
    document["state"]["stage"] = "bidding"
    with pytest.raises(ts.TechsalesError):
        ts.KeyAccountDeal.from_json(document)


def test_a_technical_sale_refuses_to_advance_with_steps_open(at):
    with ts.Cycle(CustomerType.LOYAL) as sale:
        assert sale.stage is CycleStage.RECOGNITION_OF_NEEDS and sale.iteration == 1
        assert CycleStep.INTERVIEW in sale.missing_steps
        with pytest.raises(ts.RefusedTransitionError, match="interview|Interview"):
            sale.advance(at, "li")
        assert sale.customer_type is CustomerType.LOYAL
        assert isinstance(sale.guidance(), dict)
        assert sale.guidance(as_text=True, language=Language.CHINESE)
        again = ts.Cycle.from_json(sale.to_dict())
        assert again.to_dict() == sale.to_dict()


def test_a_journal_entry_can_be_applied_as_a_dict(at):
    deal = ts.KeyAccountDeal(at)
    with pytest.raises(ts.RefusedTransitionError):
        deal.apply({"at": "2026-03-01T09:00:00Z", "actor": "li", "event": {"type": "advanced"}})
    with pytest.raises(ts.InvalidJsonError):
        deal.apply({"at": "2026-03-01T09:00:00Z", "actor": "li", "event": {"type": "no_such_event"}})
