"""The rectification lifecycle: notices, inspections, penalties, and what a history replays to."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from propertytriage import InputError
from propertytriage.scoring import replay, replay_with

from .helpers import RULES, card, uniform


def _events(*events: dict[str, Any]) -> dict[str, Any]:
    return {"company": {"name": "某物业服务有限公司"}, "events": list(events)}


LOW = {"kind": "score", "on": "2026-03-02", "total": "52"}
NOTICE = {"kind": "notice", "on": "2026-03-05"}


def test_no_history_means_no_score_yet() -> None:
    state = replay(_events())
    assert (state.status, state.rectification_required, state.next_action) == (
        "unscored", None, "score")


def test_a_passing_score_lets_mediation_proceed() -> None:
    state = replay(_events({"kind": "score", "on": "2026-03-02", "total": "60"}))
    assert (state.status, state.rectification_required, state.mediation_may_proceed) == (
        "passing", False, True)


def test_a_low_scorecard_calls_for_a_notice_listing_the_items_to_fix() -> None:
    sheet = uniform("0.8")
    for item_id in ("ft_accounts", "sv_complaints", "os_fire_safety", "cl_waste", "bd_renovation",
                    "fe_lifts", "gr_upkeep", "bm_records", "os_access_patrol", "cl_common_areas"):
        sheet["items"][item_id] = "0"
    state = replay(_events({"kind": "score", "on": "2026-03-02", "scorecard": card(sheet)}))
    assert state.status == "notice_due" and state.rectification_required is True
    assert state.latest_score is not None and state.latest_score < 60
    assert state.proposed_notice is not None
    assert state.proposed_notice.deadline.due_on == date(2026, 4, 1)
    fix = [i.id for i in state.proposed_notice.items]
    assert "ft_accounts" in fix and "bm_service_center" not in fix


def test_a_notice_sets_a_deadline_that_skips_the_qingming_holiday() -> None:
    state = replay(_events(LOW, NOTICE))
    assert state.status == "rectifying" and state.round == 1
    assert state.deadline is not None
    assert (state.deadline.nominal, state.deadline.due_on) == (date(2026, 4, 4), date(2026, 4, 7))


def test_a_stated_deadline_on_a_holiday_also_moves() -> None:
    state = replay(_events(LOW, {**NOTICE, "deadline": "2026-05-01"}))
    assert state.deadline is not None and state.deadline.due_on == date(2026, 5, 6)


def test_a_passed_inspection_closes_the_rectification() -> None:
    state = replay(_events(LOW, NOTICE, {"kind": "inspection", "on": "2026-04-08",
                                         "result": "passed"}))
    assert (state.status, state.rectification_required, state.mediation_may_proceed) == (
        "rectified", False, True)
    assert state.steps[-1].rule == "lifecycle.inspection_passed"


def test_the_first_failed_inspection_brings_a_penalty_and_a_new_round() -> None:
    state = replay(_events(LOW, NOTICE, {"kind": "inspection", "on": "2026-04-08",
                                         "result": "failed"}))
    assert state.status == "rectifying" and state.round == 2 and state.failed_inspections == 1
    assert len(state.penalty_recommendations) == 1
    assert state.deadline is not None and state.deadline.starts_on == date(2026, 4, 8)
    assert "行政处罚" in state.penalty_recommendations[0].text


def test_a_failed_inspection_before_the_deadline_does_not_count() -> None:
    state = replay(_events(LOW, NOTICE, {"kind": "inspection", "on": "2026-04-07",
                                         "result": "failed"}))
    assert state.failed_inspections == 0 and not state.penalty_recommendations
    assert state.round == 1


def test_the_number_of_failures_before_a_penalty_is_a_rule() -> None:
    lifecycle = RULES.lifecycle.model_copy(update={"penalty_after_failures": 2})
    rules = dataclasses.replace(RULES, lifecycle=lifecycle)
    first = {"kind": "inspection", "on": "2026-04-08", "result": "failed"}
    second = {"kind": "inspection", "on": "2026-05-20", "result": "failed"}
    once = replay_with(_events(LOW, NOTICE, first), rules)
    twice = replay_with(_events(LOW, NOTICE, first, second), rules)
    assert not once.penalty_recommendations
    assert [p.failures for p in twice.penalty_recommendations] == [2]


def test_a_passing_rescore_ends_a_rectification() -> None:
    state = replay(_events(LOW, NOTICE, {"kind": "score", "on": "2026-04-20", "total": "71"}))
    assert state.status == "passing" and state.deadline is None


@pytest.mark.parametrize(
    ("events", "location"),
    [
        ([{"kind": "inspection", "on": "2026-04-08", "result": "passed"}], "events[0]"),
        ([{"kind": "score", "on": "2026-03-02", "total": "75"}, NOTICE], "events[1]"),
        ([LOW, {**NOTICE, "on": "2026-03-01"}], "events[1].on"),
        ([LOW, {**NOTICE, "items": ["no_such_item"]}], "events[1].items"),
        ([{"kind": "score", "on": "2026-03-02"}], "events[0].score.total"),  # the kind names the event
    ],
)
def test_an_impossible_history_is_refused_naming_the_event(
    events: list[dict[str, Any]], location: str
) -> None:
    with pytest.raises(InputError) as caught:
        replay(_events(*events))
    assert caught.value.problems[0].location.startswith(location)


def test_a_bad_scorecard_inside_a_history_is_located_inside_it() -> None:
    sheet = uniform("1")
    sheet["items"]["bm_handover"] = "7"
    with pytest.raises(InputError) as caught:
        replay(_events({"kind": "score", "on": "2026-03-02", "scorecard": card(sheet)}))
    assert caught.value.problems[0].location == (
        "events[0].scorecard.evaluations[0].items.bm_handover")
