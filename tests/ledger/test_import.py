"""Importing documents: snapshots become events, companies keep their own record (SPEC §3)."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func, select

from propertytriage import triage
from propertytriage.ledger import Ledger
from propertytriage.ledger.queries import show
from propertytriage.ledger.schema import EVENTS

COMPANY = {"name": "恒安物业服务有限公司", "credit_code": "91150602MA0N0XXXX1"}


def fee_case(case_id: str = "A-1", **changes: Any) -> dict[str, Any]:
    case = {
        "case_id": case_id, "filed_on": "2026-01-05", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
        "claimant": "property_company", "claim_amount": "2736.00", "property_company": dict(COMPANY),
        "owners": [{"name": "李喆", "phone": "13912345678", "id_number": "150602199001011234"}],
        "attempts": [{"stage": "owners_committee", "outcome": "failed", "on": "2026-01-20"},
                     {"stage": "community", "outcome": "failed", "on": "2026-02-10"}],
    }
    case.update(changes)
    return case


def record(ledger: Ledger, case_id: str) -> dict[str, Any]:
    with ledger.engine.connect() as connection:
        result = show(connection, case_id)
    assert result is not None
    return result


def event_count(ledger: Ledger) -> int:
    with ledger.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(EVENTS)) or 0)


def test_a_new_case_is_filed_and_an_identical_one_changes_nothing(database_url, clock, write_json) -> None:
    path = write_json("cases.json", [fee_case("A-1"), fee_case("A-2")])
    with Ledger(database_url, clock=clock) as ledger:
        first = ledger.import_files([path])
        events = event_count(ledger)
        again = ledger.import_files([path])
        assert (first.new, first.changed, first.unchanged, len(first.refused)) == (2, 0, 0, 0)
        assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
        assert event_count(ledger) == events
        shown = record(ledger, "A-1")
    assert [e["kind"] for e in shown["events"]] == ["filed"]
    assert shown["events"][0]["source"] == f"{path} [0]"
    assert shown["decision"] == triage(shown["case"]).model_dump(mode="json")


def test_a_changed_snapshot_records_new_attempts_and_changed_fields(database_url, clock, write_json) -> None:
    later = fee_case(claim_amount="3000.00")
    later["attempts"].append({"stage": "mediation_center", "outcome": "failed", "on": "2026-03-01"})
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", fee_case())])
        clock.advance(3)
        summary = ledger.import_files([write_json("b.jsonl", [later])])
        shown = record(ledger, "A-1")
    assert (summary.new, summary.changed) == (0, 1)
    changed = shown["events"][1]
    assert changed["kind"] == "changed" and changed["source"].endswith("b.jsonl line 1")
    assert changed["attempts_added"] == [{"stage": "mediation_center", "outcome": "failed", "on": "2026-03-01"}]
    assert changed["changes"] == [{"field": "claim_amount", "from": "2736.00", "to": "3000.00"}]
    assert changed["decision_change"]["next_stage"] == {"from": "mediation_center", "to": "court"}
    assert any(reason["rule"].startswith("court.") for reason in changed["because"])
    assert changed["rules_version"] == shown["decision"]["rules_version"] != ""
    assert shown["case"]["claim_amount"] == "3000.00"


def test_a_refused_document_names_file_case_and_field_and_the_others_are_recorded(database_url, clock,
                                                                                  write_json) -> None:
    bad = fee_case("A-2", claim_amount="-5")
    path = write_json("mixed.json", [fee_case("A-1"), bad, {"what": "not a document"}])
    with Ledger(database_url, clock=clock) as ledger:
        summary = ledger.import_files([path])
        assert summary.new == 1
        refused = {(o.source, o.subject, p.location) for o in summary.refused for p in o.problems}
        assert refused == {(f"{path} [1]", "A-2", "claim_amount"), (f"{path} [2]", "", "")}
        with ledger.engine.connect() as connection:
            assert show(connection, "A-2") is None


def test_a_case_carrying_a_score_records_it_to_its_company_for_every_case(database_url, clock, write_json) -> None:
    at_center = fee_case("A-1")
    at_center["attempts"] = at_center["attempts"][:2]
    other = fee_case("A-2")
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", [at_center, other])])
        assert record(ledger, "A-2")["decision"]["awaiting"] == ["company_score"]
        ledger.import_files([write_json("b.json", fee_case("A-1", company_score="52"))])
        waiting = record(ledger, "A-2")
    assert waiting["case"]["company_score"] == "52"
    assert waiting["decision"]["awaiting"] == ["rectification_acceptance"]
    last = waiting["events"][-1]
    assert last["kind"] == "company_changed"
    assert last["company_events"][0]["total"] == "52"
    assert last["decision_change"]["awaiting"] == {"from": ["company_score"], "to": ["rectification_acceptance"]}
    assert waiting["decision"] == triage(waiting["case"]).model_dump(mode="json")


def test_a_company_that_passes_its_inspection_moves_all_its_waiting_fee_claims_on(database_url, clock,
                                                                                   write_json) -> None:
    claims = [fee_case(f"A-{i}", company_score="50") for i in range(1, 4)]
    history = {"company": COMPANY, "events": [
        {"kind": "notice", "on": "2026-03-03"},
        {"kind": "inspection", "on": "2026-04-08", "result": "passed"},
    ]}
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("claims.json", claims)])
        before = [record(ledger, f"A-{i}")["decision"] for i in range(1, 4)]
        clock.advance(40)
        summary = ledger.import_files([write_json("history.json", history)])
        after = [record(ledger, f"A-{i}") for i in range(1, 4)]
    assert summary.changed == 1
    assert all(d["awaiting"] == ["rectification_acceptance"] for d in before)
    for shown in after:
        assert shown["decision"]["awaiting"] == [] and "focus_table" in shown["decision"]["forms"]
        assert shown["events"][-1]["kind"] == "company_changed"
        assert [e["kind"] for e in shown["events"][-1]["company_events"]] == ["notice", "inspection"]
        assert shown["decision"] == triage(shown["case"]).model_dump(mode="json")


def test_a_scorecard_document_goes_to_the_company_record(database_url, clock, write_json) -> None:
    import json
    from pathlib import Path

    card = json.loads((Path(__file__).parents[2] / "examples" / "scorecard.json").read_text(encoding="utf-8"))
    card["company"] = dict(COMPANY)
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("case.json", fee_case())])
        first = ledger.import_files([write_json("card.json", card)])
        again = ledger.import_files([write_json("card.json", card)])
        shown = record(ledger, "A-1")
    assert (first.changed, again.unchanged) == (1, 1)
    assert shown["case"]["scorecard"]["evaluated_on"] == card["evaluated_on"]
    assert shown["decision"] == triage(shown["case"]).model_dump(mode="json")


def test_an_impossible_history_is_refused_and_leaves_the_company_as_it_was(database_url, clock, write_json) -> None:
    history = {"company": COMPANY, "events": [{"kind": "inspection", "on": "2026-04-08", "result": "passed"}]}
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("case.json", fee_case(company_score="50"))])
        events = event_count(ledger)
        summary = ledger.import_files([write_json("history.json", history)])
        assert len(summary.refused) == 1 and summary.refused[0].problems[0].code == "event_not_allowed"
        assert event_count(ledger) == events


def test_show_keeps_personal_data_but_lists_mask_it(database_url, clock, write_json) -> None:
    from datetime import date

    from propertytriage.ledger.queries import due, list_cases

    court = fee_case("A-1")
    court["attempts"].append({"stage": "mediation_center", "outcome": "failed", "on": "2026-03-01"})
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", court)])
        shown = record(ledger, "A-1")
        with ledger.engine.connect() as connection:
            listed = list_cases(connection)
            falling_due = due(connection, date(2026, 3, 28))
    assert shown["case"]["owners"][0]["phone"] == "13912345678"
    assert listed[0]["owners"] == [{"name": "李喆", "phone": "139****5678", "id_number": "150602********1234"}]
    assert falling_due[0]["owners"] == listed[0]["owners"]
    assert "13912345678" not in repr(listed) + repr(falling_due)
    assert "150602199001011234" not in repr(listed) + repr(falling_due)


def test_snapshots_of_a_known_case_without_its_score_keep_the_company_score(database_url, clock, write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", fee_case(company_score="75"))])
        without = copy.deepcopy(fee_case())
        without["claim_amount"] = "100.00"
        ledger.import_files([write_json("b.json", without)])
        shown = record(ledger, "A-1")
    assert shown["case"]["company_score"] == "75"
    assert shown["decision"]["rectification_required"] is False
