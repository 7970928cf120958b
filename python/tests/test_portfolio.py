"""The portfolio through the package: load, save, change, analyse and report."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import techsales as ts
from techsales.enums import CustomerType, KeyAccountStage, Language

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "examples" / "data"
SAMPLE = DATA / "portfolio.json"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
UTC = dt.timezone.utc
# A day after the sample's as-of date (2026-06-30).
AFTER = "2026-07-01T09:00:00Z"


@pytest.fixture
def book():
    with ts.Portfolio.load(SAMPLE) as p:
        yield p


def entry(event: dict) -> dict:
    return {"at": AFTER, "actor": "ana", "event": event}


def test_the_sample_loads_the_same_from_a_path_its_text_and_its_dict(book):
    assert book.to_dict()["name"] == "Sample book: industrial process equipment"
    assert len(book.to_dict()["opportunities"]) == 240
    for source in (str(SAMPLE), SAMPLE_TEXT, json.loads(SAMPLE_TEXT)):
        with ts.Portfolio.load(source) as again:
            assert again.to_json() == book.to_json()


def test_the_round_trip_through_to_json_is_lossless(book):
    text = book.to_json()
    assert json.loads(text) == json.loads(SAMPLE_TEXT)
    with ts.Portfolio.load(text) as again:
        assert again.to_json() == text
        assert again.to_dict() == book.to_dict()


def test_a_refused_deal_event_raises_and_leaves_the_document_byte_identical(book):
    before = book.to_json()
    # O-0001 is graded C, whose policy keeps it in development unless forced.
    with pytest.raises(ts.RefusedTransitionError, match="policy does not enter the sales process"):
        book.apply_deal_event("O-0001", entry({"type": "advanced"}))
    assert book.to_json() == before
    with pytest.raises(ts.NotFoundError):
        book.apply_deal_event("O-9999", entry({"type": "advanced"}))
    with pytest.raises(ts.InvalidJsonError):
        book.apply_deal_event("O-0001", "{not json")
    assert book.to_json() == before


def test_an_accepted_deal_event_is_journaled(book):
    before = book.to_json()
    book.apply_deal_event(
        "O-0001", entry({"type": "key_node_met", "node": "insiders_found", "evidence": "plant manager"})
    )
    assert book.to_json() != before
    [deal] = [o for o in book.to_dict()["opportunities"] if o["id"] == "O-0001"]
    assert "insiders_found" in deal["process"]["state"]["met"]
    assert deal["process"]["journal"][-1]["actor"] == "ana"


def test_a_refused_cycle_event_leaves_the_document_byte_identical(book):
    before = book.to_json()
    # TS-001 is still evaluating options: cancelling belongs to implementation.
    with pytest.raises(ts.RefusedTransitionError, match="Implementation"):
        book.apply_cycle_event("TS-001", entry({"event": "deal_cancelled", "reason": "plant closed"}))
    with pytest.raises(ts.InvalidJsonError):
        book.apply_cycle_event("TS-001", entry({"event": "no_such_event"}))
    with pytest.raises(ts.NotFoundError):
        book.apply_cycle_event("TS-999", entry({"event": "deal_cancelled", "reason": "plant closed"}))
    assert book.to_json() == before


def test_setting_an_account_type_says_whether_it_changed(book):
    at = dt.datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert book.set_account_type("C-001", CustomerType.STRATEGIC, at, "joint planning started")
    assert not book.set_account_type("C-001", CustomerType.STRATEGIC, at)
    [account] = [a for a in book.to_dict()["accounts"] if a["customer"]["id"] == "C-001"]
    assert account["customer"]["customer_type"] == "strategic"
    with pytest.raises(ts.NotFoundError):
        book.set_account_type("C-999", CustomerType.LOYAL, at)
    with pytest.raises(ts.InvalidArgumentError):
        book.set_account_type("C-001", CustomerType.LOYAL, dt.datetime(2026, 7, 1))


def test_put_replaces_the_record_with_the_same_id(book):
    doc = book.to_dict()
    account, deal, cycle = doc["accounts"][0], doc["opportunities"][0], doc["cycles"][0]
    account["customer"]["name"] = "Andes Mining Ltd"
    deal["name"] = "Pump retrofit, phase two"
    book.put_account(account)
    book.put_opportunity(json.dumps(deal))
    book.put_cycle(cycle)
    after = book.to_dict()
    assert len(after["accounts"]) == len(doc["accounts"])
    assert len(after["opportunities"]) == len(doc["opportunities"])
    assert [a for a in after["accounts"] if a["customer"]["id"] == "C-001"][0]["customer"]["name"] == (
        "Andes Mining Ltd"
    )
    assert [o for o in after["opportunities"] if o["id"] == "O-0001"][0]["name"] == "Pump retrofit, phase two"
    before = book.to_json()
    with pytest.raises(ts.TechsalesError):
        book.put_opportunity({"id": "O-0001"})
    assert book.to_json() == before


def _cli_report() -> str | None:
    cli = Path(os.environ.get("TECHSALES_CLI", REPO / "target" / "debug" / "techsales"))
    if not cli.is_file():
        return None
    return subprocess.run([str(cli), "report", str(SAMPLE)], check=True, capture_output=True, text=True).stdout


def test_the_report_is_the_command_line_report(book):
    text = book.report()
    expected = _cli_report()
    if expected is not None:
        assert text == expected
    assert text.startswith("PORTFOLIO REPORT: Sample book: industrial process equipment")
    assert "== Customer quadrant" in text
    assert book.report(Language.ENGLISH) == text
    chinese = book.report(Language.CHINESE)
    assert chinese.startswith("客户组合报告：Sample book: industrial process equipment")
    assert "== 客户四象限" in chinese


def test_the_html_report_and_the_charts(book, tmp_path):
    for language in (Language.ENGLISH, Language.CHINESE):
        page = book.html(language)
        assert page.startswith("<!DOCTYPE html>")
        assert "<svg" in page
    path = tmp_path / "charts.svg"
    book.write_svg(path)
    assert path.read_text(encoding="utf-8") == book.svg()
    assert book.svg().startswith("<svg")


def test_every_analytic_name_works_and_another_is_not_found(book):
    shapes = {name: type(book.analytics(name)) for name in ts.ANALYTICS}
    assert shapes["stalled"] is list
    assert shapes["pipeline"] is dict and "total" in book.analytics("pipeline")
    assert set(book.analytics("stage_flows")) == {s.key for s in KeyAccountStage}
    with pytest.raises(ts.NotFoundError):
        book.analytics("forecast_of_everything")


def test_a_list_analytic_as_a_data_frame(book):
    pytest.importorskip("pandas")
    stalled = book.analytics("stalled")
    frame = book.analytics_frame("stalled")
    assert len(frame) == len(stalled) > 0
    assert list(frame["id"]) == [item["id"] for item in stalled]
    with pytest.raises(TypeError):
        book.analytics_frame("pipeline")


def test_the_action_log_and_the_stage_checklist(book):
    assert isinstance(book.action_log("C-001"), list)
    with pytest.raises(ts.NotFoundError):
        book.action_log("C-999")
    items = ts.stage_checklist(KeyAccountStage.DEVELOPMENT)
    assert items and all({"en", "zh"} <= set(item["label"]) for item in items)
    with pytest.raises(ts.InvalidArgumentError):
        ts.stage_checklist(99)


def test_a_crm_export_imports_from_text_or_path_with_its_summary():
    csv, mapping = DATA / "crm_export.csv", DATA / "crm_mapping.json"
    book, summary = ts.Portfolio.import_csv(csv, mapping)
    with book:
        assert set(summary) == {"rows", "imported", "rejected", "warnings"}
        assert summary["rows"] == summary["imported"] + len(summary["rejected"])
        assert summary["imported"] == len(book.to_dict()["opportunities"]) > 0
        again, same = ts.Portfolio.import_csv(csv.read_text(encoding="utf-8"), json.loads(mapping.read_text()))
        with again:
            assert same == summary
            assert again.to_json() == book.to_json()
    mapping = json.loads(mapping.read_text(encoding="utf-8"))
    mapping["columns"]["id"] = "Deal Number"
    with pytest.raises(ts.InvalidArgumentError, match="Deal Number"):
        ts.Portfolio.import_csv(csv, mapping)
    with pytest.raises(ts.InvalidJsonError):
        ts.Portfolio.import_csv(csv, "{not a mapping")


def test_the_side_files_a_mapping_declares_are_read_beside_it_or_given():
    mappings = DATA / "mappings"
    csv, mapping = mappings / "salesforce.csv", mappings / "salesforce.json"
    book, summary = ts.Portfolio.import_csv(csv, mapping)
    with book:
        assert summary["contact_rows"] == 11
        assert summary["contacts_imported"] == 9
        assert any("role `Influencer`" in line for line in summary["rejected"])
        recorded = [
            entry["event"]["contact"]["role"]
            for deal in book.to_dict()["opportunities"]
            for entry in deal["process"]["journal"]
            if entry["event"]["type"] == "contact_recorded"
        ]
        assert len(recorded) == 9 and "economic_buyer" in recorded
        declared = json.loads(mapping.read_text(encoding="utf-8"))
        # Given as a dict, the mapping has no folder: the file must be given.
        with pytest.raises(ts.InvalidArgumentError, match="contacts"):
            ts.Portfolio.import_csv(csv, declared)
        again, same = ts.Portfolio.import_csv(
            csv.read_text(encoding="utf-8"), declared, contacts=mappings / "salesforce_contacts.csv"
        )
        with again:
            assert same == summary
            assert again.to_json() == book.to_json()
    with pytest.raises(ts.InvalidArgumentError, match="declares none"):
        ts.Portfolio.import_csv(
            mappings / "hubspot.csv", mappings / "hubspot.json", contacts=mappings / "salesforce_contacts.csv"
        )


def test_a_closed_portfolio_raises_closed_error():
    with ts.Portfolio.load(SAMPLE) as book:
        pass
    assert book.closed
    for use in (
        book.to_json,
        book.report,
        book.svg,
        lambda: book.analytics("pipeline"),
        lambda: book.apply_deal_event("O-0001", entry({"type": "advanced"})),
    ):
        with pytest.raises(ts.ClosedError):
            use()
    book.close()


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=len(SAMPLE_TEXT.rstrip()) - 1))
def test_a_truncated_document_raises_invalid_json(cut):
    with pytest.raises(ts.InvalidJsonError):
        ts.Portfolio.load(SAMPLE_TEXT[:cut])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_text_that_is_not_json_raises_invalid_json(text):
    try:
        json.loads(text)
    except ValueError:
        pass
    else:
        return  # JSON, just not a portfolio: the next test
    if "\0" in text or os.path.isfile(text):
        return
    with pytest.raises(ts.InvalidJsonError):
        ts.Portfolio.load(text)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_json_that_is_not_a_portfolio_raises_a_mapped_error(value):
    with pytest.raises(ts.TechsalesError):
        ts.Portfolio.load(json.dumps(value))
