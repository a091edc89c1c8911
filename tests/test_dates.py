"""Dates that cannot be right are refused, naming the fields (issue 7, point 6).

Today is fixed with ``today_is`` (the seam in ``models/clock.py``), never by patching ``date``.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

import pytest

from propertytriage import InputError, triage
from propertytriage.models.clock import today, today_is

_LADDER = [{"stage": s, "outcome": "failed"}
           for s in ("owners_committee", "community", "mediation_center")]


def _case(**extra: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "case_id": "D-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": "property_company", "attempts": _LADDER,
    }
    case.update(extra)
    return case


def _refusal(case: dict[str, Any]) -> tuple[str, str, str]:
    with pytest.raises(InputError) as refused:
        triage(case)
    problem = refused.value.problems[0]
    return problem.location, problem.zh, problem.en


def test_a_filing_date_after_today_is_refused() -> None:
    with today_is(date(2025, 2, 28)):
        where, zh, en = _refusal(_case())
    assert where == "filed_on" and "2025-02-28" in zh and "after today" in en


def test_a_filing_date_of_today_is_accepted() -> None:
    with today_is(date(2025, 3, 1)):
        assert triage(_case()).next_stage == "court"


def test_today_is_the_day_in_china() -> None:
    """At 23:30 UTC it is already tomorrow in Beijing (UTC+8): a case filed then is not refused."""
    from datetime import datetime

    from propertytriage.models.clock import CHINA_STANDARD_TIME

    assert CHINA_STANDARD_TIME.utcoffset(None) == timedelta(hours=8)
    now_in_china = datetime.now(UTC).astimezone(CHINA_STANDARD_TIME).date()
    assert today() == now_in_china


def test_an_owner_born_after_filing_is_refused_naming_both_dates() -> None:
    where, zh, en = _refusal(_case(owners=[{"name": "甲"}, {"born_on": "2025-03-02"}]))
    assert where == "owners[1].born_on" and "filed_on" in zh and "filed_on" in en


def test_a_contract_term_ending_before_it_starts_is_refused() -> None:
    where, zh, en = _refusal(_case(contract={"term_from": "2024-01-02", "term_to": "2024-01-01"}))
    assert where == "contract.term_to" and "term_from" in zh and "term_from" in en


def test_an_arrears_period_ending_before_it_starts_is_refused() -> None:
    where, zh, en = _refusal(_case(arrears={"period_from": "2024-06-01", "period_to": "2024-05-31"}))
    assert where == "arrears.period_to" and "period_from" in zh and "period_from" in en


def test_one_day_spans_are_possible() -> None:
    case = _case(contract={"term_from": "2024-01-01", "term_to": "2024-01-01"},
                 arrears={"period_from": "2024-06-01", "period_to": "2024-06-01"})
    assert triage(case).next_stage == "court"


def test_an_attempt_after_filing_is_possible_but_not_after_today() -> None:
    later = [{**_LADDER[0], "on": "2025-04-01"}, *_LADDER[1:]]
    with today_is(date(2025, 5, 1)):
        assert triage(_case(attempts=later)).next_stage == "court"
    with today_is(date(2025, 3, 31)):
        where, _, _ = _refusal(_case(attempts=later))
    assert where == "attempts[0].on"


def _caveat(filed: date) -> str:
    with today_is(filed):
        decision = triage(_case(filed_on=filed.isoformat(), claim_amount="1000"))
    return decision.reasons[-1].text


def test_the_wage_caveat_does_not_grow_with_the_distance_to_a_far_off_year() -> None:
    near, far = _caveat(date(2200, 12, 30)), _caveat(date(9999, 12, 30))
    assert len(far) == len(near)  # the same run of years, only its last year differs
    assert f"–{9999 - 1}年度" in far
    assert len(far) < 400
