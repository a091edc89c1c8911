"""Triage reads the scoring package: a scorecard instead of a bare score, and the company's history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from propertytriage import InputError, triage

from .helpers import card, sheet_totalling, uniform

AT_MEDIATION = {
    "case_id": "2026-物调-0042",
    "filed_on": "2026-05-11",
    "province": "内蒙古自治区",
    "dispute_type": "fee_arrears",
    "claimant": "property_company",
    "claim_amount": "2380.00",
    "attempts": [
        {"stage": "owners_committee", "outcome": "failed", "on": "2026-04-02"},
        {"stage": "community", "outcome": "failed", "on": "2026-04-20"},
    ],
}
LOW = {"kind": "score", "on": "2026-03-02", "total": "52"}
NOTICE = {"kind": "notice", "on": "2026-03-05"}
PASSED = {"kind": "inspection", "on": "2026-04-08", "result": "passed"}
FAILED = {"kind": "inspection", "on": "2026-04-08", "result": "failed"}


def _case(**extra: Any) -> dict[str, Any]:
    return {**AT_MEDIATION, **extra}


def test_a_scorecard_stands_in_for_a_bare_score() -> None:
    decision = triage(_case(scorecard=card(sheet_totalling(Decimal("59.9")))))
    assert decision.rectification_required is True
    assert "rectification_notice" in decision.forms
    assert decision.awaiting == ["rectification_acceptance"]


def test_a_passed_inspection_after_a_low_score_lets_mediation_proceed() -> None:
    decision = triage(_case(rectification_history={"events": [LOW, NOTICE, PASSED]}))
    assert decision.rectification_required is False
    assert "focus_table" in decision.forms and "rectification_notice" not in decision.forms
    assert decision.awaiting == []
    assert any(r.rule == "rectification.passed_inspection" for r in decision.reasons)


def test_a_failed_inspection_keeps_the_company_claim_waiting() -> None:
    decision = triage(_case(rectification_history={"events": [LOW, NOTICE, FAILED]}))
    assert decision.rectification_required is True
    assert decision.awaiting == ["rectification_acceptance"]


def test_the_case_score_before_a_history_without_scores() -> None:
    decision = triage(_case(company_score="48",
                            rectification_history={"events": [NOTICE, PASSED]}))
    assert decision.rectification_required is False


def test_a_case_score_must_agree_with_the_latest_score_in_the_history() -> None:
    with pytest.raises(InputError) as caught:
        triage(_case(company_score="75", rectification_history={"events": [LOW]}))
    assert caught.value.problems[0].location == "rectification_history"


def test_an_impossible_history_is_an_input_error_naming_the_event() -> None:
    with pytest.raises(InputError) as caught:
        triage(_case(rectification_history={"events": [PASSED]}))
    assert caught.value.problems[0].location == "rectification_history.events[0]"


def test_a_bad_scorecard_on_a_case_names_its_item() -> None:
    sheet = uniform("1")
    sheet["items"]["bm_handover"] = "4"
    with pytest.raises(InputError) as caught:
        triage(_case(scorecard=card(sheet)))
    assert "bm_handover" in str(caught.value)


def test_an_unknown_key_in_a_history_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        triage(_case(rectification_history={"events": [{**LOW, "grade": "C"}]}))
    assert "rectification_history" in caught.value.problems[0].location
