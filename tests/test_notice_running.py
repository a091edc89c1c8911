"""A decision does not ask again for a rectification notice that is already running (issue 7, point 5).

"Running" is read from the company's history as the lifecycle replays it: the current round of
rectification began with a notice and no inspection has closed it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from propertytriage import triage
from propertytriage.scoring import replay

_SCORE = {"kind": "score", "on": "2026-03-02", "total": "52"}
_NOTICE = {"kind": "notice", "on": "2026-03-05"}


def _case(events: list[dict[str, Any]], claimant: str = "property_company") -> dict[str, Any]:
    return {
        "case_id": "N-1", "filed_on": "2026-03-20", "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": claimant,
        "attempts": [{"stage": "owners_committee", "outcome": "failed"},
                     {"stage": "community", "outcome": "failed"}],
        "rectification_history": {"events": events},
    }


def _zh(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_a_running_notice_is_not_asked_for_again_and_the_reason_says_when_it_ends() -> None:
    for claimant in ("property_company", "owner"):
        decision = triage(_case([_SCORE, _NOTICE], claimant))
        assert "rectification_notice" not in decision.forms
        assert decision.rectification_required is True
        due = replay({"events": [_SCORE, _NOTICE]}).deadline
        assert due is not None
        text = " ".join(r.text for r in decision.reasons)
        assert "2026年3月5日" in text and _zh(due.due_on) in text and "不再重复" in text


def test_a_low_score_without_a_notice_still_asks_for_one() -> None:
    assert "rectification_notice" in triage(_case([_SCORE])).forms


def test_after_a_failed_inspection_after_the_deadline_a_new_notice_is_asked_for() -> None:
    """The new deadline set at the inspection is in no notice yet: the office must issue one."""
    due = replay({"events": [_SCORE, _NOTICE]}).deadline
    assert due is not None
    after = due.due_on + timedelta(days=1)  # an inspection on the last day itself is early
    failed = {"kind": "inspection", "on": after.isoformat(), "result": "failed"}
    case = _case([_SCORE, _NOTICE, failed])
    case["filed_on"] = after.isoformat()
    assert "rectification_notice" in triage(case).forms


def test_a_renewed_notice_after_the_failure_is_running_again() -> None:
    due = replay({"events": [_SCORE, _NOTICE]}).deadline
    assert due is not None
    after = due.due_on + timedelta(days=1)  # an inspection on the last day itself is early
    failed = {"kind": "inspection", "on": after.isoformat(), "result": "failed"}
    renewed = {"kind": "notice", "on": after.isoformat()}
    case = _case([_SCORE, _NOTICE, failed, renewed])
    case["filed_on"] = after.isoformat()
    assert "rectification_notice" not in triage(case).forms


def test_a_passed_inspection_ends_the_notice() -> None:
    passed = {"kind": "inspection", "on": "2026-03-15", "result": "passed"}
    decision = triage(_case([_SCORE, _NOTICE, passed]))
    assert decision.rectification_required is False
    assert "rectification_notice" not in decision.forms
