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
