"""Deadlines: counted under the rules on periods, each with its basis; the calendar file."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml
from icalendar import Calendar

from propertytriage.ledger import Ledger
from propertytriage.ledger.calendar_file import calendar_bytes
from propertytriage.ledger.deadlines import add_months, case_deadlines
from propertytriage.ledger.queries import due, show
from propertytriage.ruledata.paths import rules_dir
from tests.ledger.test_import import COMPANY, fee_case

LIMITS = yaml.safe_load((rules_dir() / "parameters" / "time_limits.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2025, 3, 15), 2, date(2025, 5, 15)),
    (date(2025, 12, 31), 2, date(2026, 2, 28)),   # no 31 February: the month's last day
    (date(2024, 11, 30), 3, date(2025, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),    # leap year
])
def test_a_period_in_months_ends_on_the_corresponding_day_or_the_month_end(start, months, end) -> None:
    assert add_months(start, months) == end


def _at_court(*extra: dict[str, str]) -> dict:
    steps = [("owners_committee", "2025-08-01"), ("community", "2025-08-20"), ("mediation_center", "2025-09-05")]
    attempts = [{"stage": stage, "outcome": "failed", "on": on} for stage, on in steps]
    return fee_case(filed_on="2025-07-01", attempts=[*attempts, *extra])


def _decided(case: dict) -> list:
    from propertytriage import triage

    decision = triage(case).model_dump(mode="json")
    return case_deadlines(case["case_id"], case, decision, [a["on"] for a in case["attempts"]])


def test_pre_litigation_mediation_runs_thirty_days_and_moves_off_the_national_day_holiday() -> None:
    [item] = _decided(_at_court())
    assert item.kind == "pre_litigation_mediation"
    assert (item.starts_on, item.due_on) == (date(2025, 9, 5), date(2025, 10, 9))  # 10-05 falls in 国庆 2025
    assert LIMITS["pre_litigation_mediation"]["days"] == 30
    assert "特邀调解" in item.basis and "第二十七条" in item.basis


@pytest.mark.parametrize(("facts", "track", "months"), [
    ({}, "small_claims", 2),
    ({"needs_appraisal": True}, "fast_track", 3),
    ({"contentious": True}, "ordinary", 6),
])
def test_the_trial_time_limit_follows_the_track(facts, track, months) -> None:
    case = _at_court({"stage": "court", "outcome": "failed", "on": "2025-10-13"}) | facts
    [item] = _decided(case)
    assert item.kind == f"trial.{track}"
    assert LIMITS["trial"][track]["months"] == months
    assert item.starts_on == date(2025, 10, 13)
    nominal = add_months(date(2025, 10, 13), months)
    assert item.due_on >= nominal and (item.due_on - nominal).days < 10


def test_due_lists_overdue_items_first_and_the_company_inspection(database_url, clock, write_json) -> None:
    late = _at_court()
    fresh = fee_case("A-2", company_score="50")
    history = {"company": COMPANY, "events": [{"kind": "notice", "on": "2026-03-02"}]}
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", [late, fresh]), write_json("h.json", history)])
        with ledger.engine.connect() as connection:
            items = due(connection, date(2026, 4, 1), within_days=7)
            shown = show(connection, "A-2")
    assert [(i["kind"], i["overdue"]) for i in items] == [
        ("pre_litigation_mediation", True), ("rectification_inspection", False)]
    assert items[1]["subject_id"] == f"credit:{COMPANY['credit_code']}" and items[1]["company"] == COMPANY["name"]
    assert items[1]["due_on"] == "2026-04-01"  # 30 days after the notice of 2026-03-02
    assert shown is not None and [d["kind"] for d in shown["deadlines"]] == ["rectification_inspection"]


def test_the_calendar_file_holds_one_all_day_event_per_item_without_personal_data(database_url, clock,
                                                                                    write_json) -> None:
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", _at_court())])
        with ledger.engine.connect() as connection:
            items = due(connection, date(2026, 1, 1))
    parsed = Calendar.from_ical(calendar_bytes(items, stamp=datetime(2026, 1, 1, tzinfo=UTC)))
    events = list(parsed.walk("VEVENT"))
    assert len(events) == len(items) == 1
    assert events[0].decoded("dtstart") == date(2025, 10, 9)
    assert "A-1" in str(events[0]["summary"])
    text = parsed.to_ical().decode()
    assert "13912345678" not in text and "李喆" not in text
