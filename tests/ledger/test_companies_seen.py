"""A company record seen by an earlier batch is taken again by its version, not read whole again; a
record another writer changed since is read again (recorder.Unit.prefetch_companies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from propertytriage import triage
from propertytriage.ledger import Ledger
from tests.ledger.test_import import COMPANY, fee_case, record


def test_a_record_another_writer_changed_since_is_read_again(database_url, clock, write_json) -> None:
    with Ledger(database_url, clock=clock) as first, Ledger(database_url, clock=clock) as other:
        first.import_files([write_json("a.json", fee_case("A-1", company_score="75"))])
        other.import_files([write_json("b.json", fee_case("A-2", company_score="52"))])
        first.import_files([write_json("c.json", fee_case("A-3"))])  # no score: the company's record decides
        third = record(first, "A-3")
        first.import_files([write_json("d.json", fee_case("A-4", company_score="75"))])  # back to 75: a new score
        fourth = record(first, "A-4")
        company_events = [e for e in record(first, "A-1")["events"] if e["kind"] == "company_changed"]
    assert third["case"]["company_score"] == "52"  # the score the other writer recorded, not the one first saw
    assert third["decision"] == triage(third["case"]).model_dump(mode="json")
    assert third["decision"]["rectification_required"] is True
    assert fourth["case"]["company_score"] == "75"
    assert fourth["decision"] == triage(fourth["case"]).model_dump(mode="json")
    # A-1 was decided again on each of the two later scores (52 by the other writer, 75 again by first)
    assert [e["company_events"][0]["total"] for e in company_events] == ["52", "75"]


def _whole_reads(ledger: Ledger) -> list[str]:
    """Every statement that reads companies' histories, as it is sent."""
    seen: list[str] = []

    @event.listens_for(ledger.engine, "before_cursor_execute")
    def _listen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM companies" in statement and "companies.history" in statement:
            seen.append(statement)

    return seen


def test_a_batch_reads_whole_only_the_company_records_it_has_not_seen(tmp_path: Path, clock, write_json) -> None:
    second = {"name": "第二物业服务有限公司", "credit_code": "91150602MA0N0YYYY2"}
    cases = [fee_case(f"B-{i}", company_score="75", property_company=dict(COMPANY if i % 2 else second))
             for i in range(6)]
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", clock=clock, batch_size=2) as ledger:
        reads = _whole_reads(ledger)
        summary = ledger.import_files([write_json("cases.jsonl", cases)])
        assert summary.new == 6
        assert len(reads) == 1  # the first batch registers both companies; the two after it only check versions
        changed = [{**c, "company_score": "52"} if c["case_id"] == "B-3" else c for c in cases]
        ledger.import_files([write_json("changed.jsonl", changed)])
        assert len(reads) == 1  # the changed record was written by this ledger: its version is the one it holds
        shown = [record(ledger, c["case_id"]) for c in cases]
    assert [s["case"]["company_score"] for s in shown] == ["75", "52", "75", "52", "75", "52"]
    assert all(s["decision"] == triage(s["case"]).model_dump(mode="json") for s in shown)
