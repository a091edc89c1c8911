"""A decision says when a newer wage figure than the one it used should have been published.

The rule (rules/parameters/small_claims.yaml): a province's figure for a year is normally published
by the middle of the next year; once that time has passed, a decision still using an older figure,
with the year's figure neither recorded nor known to have been released, says that it should have
been published and the limit may be out of date. "By the middle of the year" makes the first day of
the second half, 1 July, the day the caveat starts: a case filed on 30 June gets no caveat for that
year, one filed on 1 July does. The expectation comes from that meaning, not from the file, so a
changed date in the file is caught.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from propertytriage import Triage
from propertytriage.models.clock import today
from tests import rulefiles

FIRST_DAY_OF_SECOND_HALF = (7, 1)


def _silent_years() -> list[tuple[str, int]]:
    """(province, data year) with no figure and no known release in the wage files, whose usual
    publication date has passed, while an older figure is in force just before it and no high
    court's notice is (a notice's reason speaks of later statistics in its own way)."""
    found = []
    effective_from = rulefiles.small_claims()["effective_from"]
    for province in rulefiles.provinces():
        values = {v["data_year"]: v for v in rulefiles.wage_files()[province]["values"]}
        for year in range(2015, today().year):
            entry = values.get(year)
            if entry is not None and (entry["amount"] is not None or entry["published_on"] is not None):
                continue
            starts = date(year + 1, *FIRST_DAY_OF_SECOND_HALF)
            before = rulefiles.figure_in_force(province, starts - timedelta(days=1))
            notices = [rulefiles.notice_in_force(province, day) for day in (starts - timedelta(days=1), starts)]
            if (starts <= today() and starts > effective_from and before and before.data_year < year
                    and notices == [None, None]):
                found.append((province, year))
    return found


def _at_court(province: str, filed_on: date) -> dict[str, Any]:
    return {
        "case_id": "CAVEAT", "filed_on": filed_on.isoformat(), "province": province,
        "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "1",
        "company_score": "75",
        "attempts": [{"stage": s, "outcome": "failed"}
                     for s in ["owners_committee", "community", "mediation_center"]],
    }


def _told(case: dict[str, Any]) -> str:
    decision = Triage().decide(case)
    assert decision.court_track == "small_claims"
    return "\n".join(r.text for r in decision.reasons)


SILENT = _silent_years()


def test_the_wage_files_have_years_to_check() -> None:
    assert len({province for province, _year in SILENT}) >= 2, SILENT


@pytest.mark.parametrize(("province", "year"), SILENT,
                         ids=[f"{rulefiles.wage_files()[p]['code']}-{y}" for p, y in SILENT])
def test_the_caveat_starts_on_the_first_day_of_the_second_half_of_the_next_year(
    province: str, year: int
) -> None:
    starts = date(year + 1, *FIRST_DAY_OF_SECOND_HALF)
    said = f"{year}年度数据按惯例应已公布"
    assert said not in _told(_at_court(province, starts - timedelta(days=1)))
    assert said in _told(_at_court(province, starts))


def test_the_rule_file_says_the_middle_of_the_year() -> None:
    expected = rulefiles.small_claims()["newer_figure_expected_by"]
    assert (expected["month"], expected["day"]) == FIRST_DAY_OF_SECOND_HALF
