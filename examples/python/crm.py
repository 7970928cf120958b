#!/usr/bin/env python3
"""A CRM's day with the techsales Python package: a short tour.

Classifies customers and plans what to do next, grades opportunities one
at a time and as a NumPy batch, runs a key-account deal with a forced
stage change and a diagnosis, and stores it as JSON and loads it back;
then loads the sample portfolio, asks for its pipeline and report and has
an event refused.
Every result is checked; any mismatch exits non-zero.

    pip install ./python && python3 examples/python/crm.py

From a checkout without installing, give the shared library instead:
`python3 examples/python/crm.py target/debug/libtechsales.so`.
"""

import datetime as dt
import os
import sys

if len(sys.argv) > 1:  # run from the checkout against a built library
    os.environ["TECHSALES_LIB"] = os.path.abspath(sys.argv[1])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(root, "python", "src"))

import techsales as ts  # noqa: E402
from techsales.enums import (  # noqa: E402
    CustomerType,
    Grade,
    KeyAccountStage,
    KeyNode,
    Language,
    ProcurementStep,
)

UTC = dt.timezone.utc
failures = 0


def check(condition, what):
    global failures
    if not condition:
        failures += 1
        print("check failed: %s" % what, file=sys.stderr)


def customers(at):
    with ts.Customer("C-1", "Acme Chemicals", 72, 35, at) as acme:
        check(acme.customer_type is CustomerType.OPPORTUNITY, "C-1 is an opportunity customer")
        print("customer C-1: %s" % acme.customer_type.label(Language.CHINESE))
        later = at + dt.timedelta(days=180)
        check(acme.reclassify(75, 61, later, "joint planning started"), "C-1 moved")
        check([m.to_type for m in acme.history] == [CustomerType.STRATEGIC], "history")
        with ts.Planner() as planner:
            plan = planner.plan(acme)
            check(plan.worth_investing and plan.recommendations, "a plan for C-1")
            print("next for C-1: %s" % plan.recommendations[0].action.en)
        stored = acme.to_json()
    with ts.Customer.from_json(stored) as again:
        check(again.customer_type is CustomerType.STRATEGIC, "C-1 loaded back")
    print("customer C-1 reclassified and stored")


def grading(as_of):
    with ts.Grader() as grader:
        one = grader.grade([7, 7, 7, 7, 7, 7, 4, 7, 7], dt.date(2026, 3, 31), as_of, 0.75)
        check(one.grade is Grade.A, "graded A")
        print("opportunity graded %s, score %.1f" % (one.grade.en, one.score))
        try:
            grader.grade([7] * 8 + [11], dt.date(2026, 3, 31), as_of, 0.75)
            check(False, "a rating of 11 is refused")
        except ts.InvalidArgumentError as e:
            print("refused: %s" % e)
        try:
            import numpy as np
        except ImportError:
            print("batch: skipped (NumPy is not installed)")
            return
        ratings = np.array([[7.0] * 9, [8.0] * 9, [2.5] * 9, [7.0] * 8 + [10.5]])
        close = np.array(["2026-03-31", "2026-06-30", "2026-03-31", "2026-03-31"], dtype="datetime64[D]")
        batch = grader.grade_columns(ratings, close, np.array([0.8, 0.6, 0.9, 0.8]), as_of)
        s = batch.summary
        check((s.graded, s.failed, s.invalid) == (2, 1, 1), "batch counts")
        print("batch: %d graded, %d failed, %d invalid" % (s.graded, s.failed, s.invalid))


def key_account(at):
    def day(n):
        return at + dt.timedelta(days=n)

    with ts.Definition() as definition:
        deal = ts.KeyAccountDeal(at, definition)
        try:
            deal.advance(day(1), "li")
            check(False, "advance without a grade is refused")
        except ts.RefusedTransitionError as e:
            check("opportunity_graded" in str(e), "the refusal names the missing node")
        deal.grade(Grade.A, day(1), "li", "graded A at evaluation")
        deal.advance(day(2), "li")
        deal.meet_node(KeyNode.INSIDERS_FOUND, day(3), "li", "the plant engineer")
        deal.meet_node(KeyNode.KEY_PEOPLE_IDENTIFIED, day(4), "li", "org chart mapped")
        deal.advance(day(5), "li")
        check(deal.stage is KeyAccountStage.PROPOSAL, "in proposal")
        before = deal.win_probability
        deal.force_advance(day(6), "li", "the tender was announced early")
        after = deal.win_probability
        check(deal.stage is KeyAccountStage.BIDDING and after < before, "forcing costs probability")
        print("forced into bidding: win probability %.2f -> %.2f" % (before, after))
        deal.observe_step(ProcurementStep.PURCHASE_COMMITMENT, day(7), "li")
        print("diagnosis: %s" % deal.diagnose()["verdict"])
        stored = deal.to_json()
        with ts.KeyAccountDeal.from_json(stored, definition) as again:
            check(again.to_dict() == deal.to_dict(), "deal loaded back")
        deal.close()
    print("key-account deal stored and loaded back")


def portfolio():
    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "portfolio.json")
    with ts.Portfolio.load(sample) as book:
        stored = book.to_json()
        check(len(book.to_dict()["opportunities"]) == 240, "the sample's 240 deals")
        check(book.report().startswith("PORTFOLIO REPORT"), "the text report")
        print("stalled deals: %d" % len(book.analytics("stalled")))
        at = {"at": "2026-07-01T09:00:00Z", "actor": "ana", "event": {"type": "advanced"}}
        try:
            book.apply_deal_event("O-0001", at)
            check(False, "O-0001 cannot leave sales entry")
        except ts.RefusedTransitionError as e:
            print("refused: %s" % e)
        check(book.to_json() == stored, "a refused event changes nothing")
    print("portfolio loaded, reported and left as it was")


def main():
    at = dt.datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    customers(at)
    grading(at.date())
    key_account(at)
    portfolio()
    if failures:
        print("%d check(s) failed" % failures, file=sys.stderr)
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
