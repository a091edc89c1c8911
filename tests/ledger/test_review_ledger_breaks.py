"""Found by using the ledger as a district office would (review of 1 December 2026): each test names
what broke and what SPEC §3, docs/ledger.md or the law asks instead."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from propertytriage.ledger import deadlines
from propertytriage.ledger.deadlines import add_months, case_deadlines
from propertytriage.ledger.timelimits import Period, time_limits
from tests.ledger.test_import import fee_case


def _resolved_at_mediation_center(on: str) -> dict[str, Any]:
    attempts = [{"stage": "owners_committee", "outcome": "failed", "on": "2026-01-20"},
                {"stage": "community", "outcome": "failed", "on": "2026-02-10"},
                {"stage": "mediation_center", "outcome": "resolved", "on": on}]
    return fee_case(attempts=attempts)


def _with_follow_up(monkeypatch: pytest.MonkeyPatch, **length: int) -> None:
    limits = time_limits()
    basis = list(limits.pre_litigation_mediation.basis)  # any registered citation: the length is what is tested
    follow_up = Period(title=limits.follow_up.title, basis=basis, **length)
    monkeypatch.setattr(deadlines, "time_limits", lambda: limits.model_copy(update={"follow_up": follow_up}))


@pytest.mark.parametrize("length", [{"days": 30}, {"months": 1}])
def test_a_follow_up_visit_set_in_months_is_listed_like_one_set_in_days(monkeypatch, length) -> None:
    """docs/ledger.md: a district "enters `days` (or `months`)" under `follow_up` and the ledger then
    lists the visit from the day of the resolving attempt. A period in months was never listed."""
    from propertytriage import triage

    _with_follow_up(monkeypatch, **length)
    case = _resolved_at_mediation_center("2026-03-13")
    decision = triage(case).model_dump(mode="json")
    assert decision["next_stage"] == "closed"
    [item] = case_deadlines("A-1", case, decision, [a["on"] for a in case["attempts"]])
    assert item.kind == "follow_up" and item.starts_on == date(2026, 3, 13)
    nominal = add_months(date(2026, 3, 13), 1) if "months" in length else date(2026, 4, 12)
    assert item.due_on >= nominal and (item.due_on - nominal).days < 10


@pytest.mark.parametrize("typed", ["A-1\x00", "\x00"])
def test_a_nul_character_in_a_looked_up_id_or_filter_finds_nothing_on_either_database(
        database_url, clock, write_json, typed) -> None:
    """`GET /v1/cases/%00`, `?company=%00`, `?community=A%00` (and the pages' `?id=`) answered 500 on
    PostgreSQL, whose text cannot hold NUL, where SQLite answered 404 and an empty list. No stored id,
    name or community holds one (validation refuses control characters), so it names nothing."""
    from propertytriage.ledger import Ledger
    from propertytriage.ledger.queries import count_cases, list_cases, show

    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", fee_case(estate={"community": "康和社区"}))])
        with ledger.engine.connect() as connection:
            assert show(connection, typed) is None
            assert list_cases(connection, company=typed) == []
            assert list_cases(connection, community=typed) == []
            assert count_cases(connection, company=typed, community=typed) == 0
            assert [c["case_id"] for c in list_cases(connection, community="康和社区")] == ["A-1"]


def _at_court_failed(on: str, **facts: Any) -> dict[str, Any]:
    steps = [("owners_committee", "2025-06-02"), ("community", "2025-06-20"), ("mediation_center", "2025-07-07"),
             ("court", on)]
    return fee_case(filed_on="2025-06-01", attempts=[{"stage": s, "outcome": "failed", "on": d} for s, d in steps],
                    **facts)


def test_a_trial_limit_in_months_ending_in_the_national_day_holiday_moves_to_the_next_working_day() -> None:
    """Mutation survivor: the months' last day was not moved off holidays and rest days and every test
    still passed. 民事诉讼法 第八十五条: a last day on a statutory holiday ends the period on the first
    day after it; 2 months from 2025-08-04 end on 2025-10-04, inside 国庆/中秋 2025 (1–8 October)."""
    from propertytriage import triage

    case = _at_court_failed("2025-08-04")
    decision = triage(case).model_dump(mode="json")
    assert decision["court_track"] == "small_claims"
    [item] = case_deadlines("A-1", case, decision, [a["on"] for a in case["attempts"]])
    assert item.kind == "trial.small_claims" and item.starts_on == date(2025, 8, 4)
    assert item.due_on == date(2025, 10, 9)
    assert "2025-10-04" in item.note and "2025-10-09" in item.note


def test_a_deadline_falling_on_the_day_is_due_not_overdue_in_both_lists(database_url, clock, write_json) -> None:
    """Mutation survivor: `cases --overdue` compared `due_on <= on`. A period's last day is
    still within it (民法典 第二百零三条: acts may be done until 24:00 of the last day), so on that day the
    case is due, and overdue only from the day after, in `due` and in `cases --overdue` alike."""
    from propertytriage.ledger import Ledger
    from propertytriage.ledger.queries import due, list_cases

    attempts = [{"stage": "owners_committee", "outcome": "failed", "on": "2026-01-20"},
                {"stage": "community", "outcome": "failed", "on": "2026-02-10"},
                {"stage": "mediation_center", "outcome": "failed", "on": "2026-02-27"}]
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("a.json", fee_case(attempts=attempts))])
        with ledger.engine.connect() as connection:
            [item] = due(connection, date(2026, 3, 30), within_days=0)
            last_day = date.fromisoformat(item["due_on"])
            assert last_day == date(2026, 3, 30)  # 30 days from 02-27 end on Sunday 03-29: moved to Monday
            assert (item["overdue"], item["days_left"]) == (False, 0)
            assert list_cases(connection, overdue_on=last_day) == []
            [late] = due(connection, date(2026, 3, 31), within_days=0)
            assert late["overdue"] is True
            assert [c["case_id"] for c in list_cases(connection, overdue_on=date(2026, 3, 31))] == ["A-1"]


def test_a_score_a_case_carries_is_placed_after_the_company_record_s_last_event(database_url, clock,
                                                                                write_json) -> None:
    """Mutation survivor: the score a case carries was dated the import's day even when the company's
    record already held a later event, and every test passed. docs/ledger.md: it is "dated the day it is
    recorded (or the company's last event, if later)", so the record keeps its events in date order and
    the new score is its latest, not slipped in before a notice already on record."""
    from propertytriage.ledger import Ledger
    from tests.ledger.test_import import COMPANY, record

    later = "2026-03-20"  # after the ledger's day (the clock: 2026-03-02)
    history = {"company": COMPANY, "events": [{"kind": "score", "on": "2026-03-01", "total": "50"},
                                              {"kind": "notice", "on": later, "items": ["ft_accounts"]}]}
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([write_json("h.json", history)])
        ledger.import_files([write_json("a.json", fee_case(company_score="72"))])
        events = record(ledger, "A-1")["case"]["rectification_history"]["events"]
    assert [(e["kind"], e["on"]) for e in events] == [("score", "2026-03-01"), ("notice", later), ("score", later)]
    assert events[-1]["total"] == "72"
