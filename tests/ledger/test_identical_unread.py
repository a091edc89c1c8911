"""An identical snapshot is told by the stored digest alone: on SQLite the stored case's JSON is read
only for a case that changed (recorder.Unit.stored_digest), and what is recorded stays the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from propertytriage import triage
from propertytriage.ledger import Ledger, recorder
from tests.ledger.test_import import fee_case, record


@pytest.fixture
def snapshots_read(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each stored snapshot the recorder read (its JSON parsed), as the database held it."""
    seen: list[Any] = []
    at = recorder._READ_CASE_COLUMNS.index("snapshot")

    def counted(index: int, read: Any) -> Any:
        if index != at:
            return read

        def reader(value: Any) -> Any:
            seen.append(orjson.loads(value))
            return read(value)
        return reader

    monkeypatch.setattr(recorder, "_CASE_READERS", [(i, counted(i, r)) for i, r in recorder._CASE_READERS])
    whole = recorder.state_of_raw

    def state_of_raw(raw: tuple[Any, ...]) -> Any:  # the recorder's own read of a changed case
        seen.append(orjson.loads(raw[at]))
        return whole(raw)

    monkeypatch.setattr(recorder, "state_of_raw", state_of_raw)
    return seen


def test_identical_snapshots_are_not_read_and_changed_ones_are(tmp_path: Path, clock, write_json, snapshots_read) -> None:
    cases = [fee_case(f"C-{i}", company_score="75") for i in range(6)]
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", clock=clock) as ledger:
        ledger.import_files([write_json("a.jsonl", cases)])
        assert snapshots_read == []  # nothing stored yet to read
        changed = [{**c, "claim_amount": "99.00"} if c["case_id"] == "C-2" else c for c in cases]
        summary = ledger.import_files([write_json("b.jsonl", changed)])
        assert (summary.new, summary.changed, summary.unchanged) == (0, 1, 5)
        assert [s["case_id"] for s in snapshots_read] == ["C-2"]  # the identical five: told by their digest
        shown = record(ledger, "C-2")
    assert shown["case"]["claim_amount"] == "99.00"
    assert [e["kind"] for e in shown["events"]] == ["filed", "changed"]


def test_a_batch_mixing_identical_changed_and_repeated_snapshots_records_what_one_by_one_records(
        tmp_path: Path, clock, write_json) -> None:
    base = [fee_case(f"D-{i}", company_score="75") for i in range(4)]
    later = {**base[1], "claim_amount": "10.00"}
    rescored = fee_case("D-9", company_score="52")  # a new score: every open case of the company decided again
    batch = [base[0], later, base[2], later, rescored, base[3], {**later, "claim_amount": "20.00"}]
    together = tmp_path / "together.db"
    alone = tmp_path / "alone.db"
    with Ledger(f"sqlite:///{together}", clock=clock) as ledger:
        ledger.import_files([write_json("base.jsonl", base)])
        summary = ledger.import_files([write_json("batch.jsonl", batch)])
        assert (summary.new, summary.changed, summary.unchanged) == (1, 2, 4)
        mixed = {c["case_id"]: record(ledger, c["case_id"]) for c in [*base, rescored]}
    with Ledger(f"sqlite:///{alone}", clock=clock, batch_size=1) as ledger:
        ledger.import_files([write_json("base.jsonl", base)])
        ledger.import_files([write_json("batch.jsonl", batch)])
        one_by_one = {c["case_id"]: record(ledger, c["case_id"]) for c in [*base, rescored]}
    for case_id, shown in mixed.items():
        expected = one_by_one[case_id]
        assert shown["case"] == expected["case"]
        assert shown["decision"] == expected["decision"] == triage(shown["case"]).model_dump(mode="json")
        assert [(e["kind"], e["version"]) for e in shown["events"]] == \
            [(e["kind"], e["version"]) for e in expected["events"]]
    assert mixed["D-1"]["case"]["claim_amount"] == "20.00"
    assert mixed["D-0"]["events"][-1]["kind"] == "company_changed"  # read although identical in the batch
