"""The report document: SPEC §5's keys, the seed figures, and counts that contradict each other."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from propertytriage.reporting import figures
from propertytriage.reporting.model import Court, Mediation, Period, Report, StageFigures, report_schema
from tests.reporting.sample import sample_report


def _json() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(sample_report().to_json())
    return loaded


def test_the_json_has_every_key_spec_section_5_names() -> None:
    data = _json()
    assert data["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert isinstance(data["received"], int)
    assert set(data["mediation_center"]) == {"mediated", "resolved", "success_rate"}
    for row in data["by"]:
        assert {"key", "received", "mediation_center", "resolution_rate"} <= set(row)
        assert set(row["mediation_center"]) == {"mediated", "resolved", "success_rate"}
    assert [s["stage"] for s in data["ladder"]] == ["owners_committee", "community", "mediation_center", "court"]
    assert {"rate", "definition", "received", "resolved_before_court"} <= set(data["resolution"])
    assert {"sent", "small_claims", "fast_track", "ordinary"} <= set(data["court"])
    assert {"scored", "below_pass_mark", "notices_issued", "passed", "penalised", "days_to_pass"} <= set(data["companies"])
    assert data["overdue"]["on"] == "2025-12-31"


def test_the_banner_courts_mediation_figures_give_76_2_percent_in_the_json() -> None:
    data = _json()
    assert (data["mediation_center"]["mediated"], data["mediation_center"]["resolved"]) == (542, 413)
    assert data["mediation_center"]["success_rate"] == 0.762
    assert round(data["mediation_center"]["success_rate"] * 100, 1) == 76.2


def test_the_districts_figures_give_a_resolution_rate_of_94_70_percent() -> None:
    part = figures.resolution(3413, 3232)
    assert part.model_dump(mode="json")["rate"] == 0.947
    assert "化解率" in part.definition and "half_up" in part.rounding


def test_rates_are_null_when_nothing_was_counted() -> None:
    assert figures.mediation(0, 0).model_dump(mode="json")["success_rate"] is None


@given(st.integers(min_value=0, max_value=10**6).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))))
def test_every_success_rate_is_a_fraction_in_zero_to_one(pair: tuple[int, int]) -> None:
    mediated, resolved = pair
    rate = figures.mediation(mediated, resolved).model_dump(mode="json")["success_rate"]
    assert rate is None if mediated == 0 else 0 <= rate <= 1


def test_more_resolved_than_mediated_is_refused() -> None:
    with pytest.raises(ValueError, match="numerator <= denominator"):
        figures.mediation(10, 11)
    with pytest.raises(ValidationError, match="exceeds mediated"):
        Mediation(mediated=10, resolved=11, success_rate=None)


def test_a_ladder_stage_whose_outcomes_do_not_add_up_is_refused() -> None:
    with pytest.raises(ValidationError, match="resolved \\+ passed_on"):
        StageFigures(stage="community", attempted=10, resolved=4, passed_on=5)


def test_court_tracks_must_add_up_to_the_cases_sent() -> None:
    with pytest.raises(ValidationError, match="add up to sent"):
        Court(sent=5, small_claims=1, fast_track=1, ordinary=1, undecided=1)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"before period\.from"):
        Period.model_validate({"from": date(2025, 2, 1), "to": date(2025, 1, 1)})


def test_the_ladders_mediation_center_must_match_the_mediation_figures() -> None:
    data = sample_report().model_dump()
    data["mediation_center"] = figures.mediation(542, 412)
    with pytest.raises(ValidationError, match="ladder mediation_center"):
        Report.model_validate(data)


def test_days_to_pass_reports_median_mean_and_longest() -> None:
    days = figures.days_to_pass([10, 20, 31])
    assert (days.rounds, str(days.median), str(days.mean), days.longest) == (3, "20.0", "20.3", 31)
    assert figures.days_to_pass([]).median is None


def test_score_bands_cover_0_to_100_and_none_straddles_the_pass_mark() -> None:
    bands = figures.score_bands({5: 2, 6: 3, 9: 1})
    assert bands[0].lower == 0 and bands[-1].upper == 100
    assert [b.below_pass_mark for b in bands] == [True] * 6 + [False] * 4
    assert figures.band_of(figures.score_bands({})[-1].upper) == len(bands) - 1  # 100 joins the top band


def test_the_json_schema_describes_the_document_as_written() -> None:
    schema = report_schema()
    assert "from" in schema["$defs"]["Period"]["properties"]  # type: ignore[index]
    rate = schema["$defs"]["Mediation"]["properties"]["success_rate"]  # type: ignore[index]
    assert {"type": "number"} in rate["anyOf"] and {"type": "null"} in rate["anyOf"]


def test_the_json_reads_back_into_the_same_report() -> None:
    report = sample_report()
    assert Report.model_validate_json(report.to_json()) == report
