"""Properties every decision must have, over generated valid cases (SPEC §2.2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import Triage
from propertytriage.models import Case
from tests.strategies import STAGES, cases, failed_ladders

ENGINE = Triage()
REFERENCE = Triage(evaluator="reference")
UNCACHED = Triage(cache_size=0)


def _failed(case: dict[str, Any]) -> set[str]:
    return {a["stage"] for a in case["attempts"] if a["outcome"] == "failed"}


@given(cases())
def test_every_case_reaches_exactly_one_known_stage(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    assert decision.next_stage in {*STAGES, "closed", "out_of_scope"}
    stage_rules = [r.rule for r in decision.reasons if r.rule.startswith("stage.")]
    assert len(stage_rules) == 1


@given(cases())
def test_durable_engine_agrees_with_plain_reading_of_the_rules(case: dict[str, Any]) -> None:
    assert ENGINE.decide(case) == REFERENCE.decide(case) == UNCACHED.decide(case)


@given(cases())
def test_property_dispute_is_closed_exactly_when_an_attempt_resolved(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    if case["dispute_type"] == "neighbor":
        assert decision.next_stage == "out_of_scope"
    else:
        resolved = any(a["outcome"] == "resolved" for a in case["attempts"])
        assert (decision.next_stage == "closed") == resolved


@given(cases())
def test_no_applicable_stage_that_has_not_failed_is_skipped(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    if decision.next_stage not in STAGES:
        return
    ladder = STAGES if case["has_owners_committee"] else STAGES[1:]
    position = ladder.index(decision.next_stage)
    failed = _failed(case)
    assert all(stage in failed for stage in ladder[:position])
    if decision.next_stage != "court":
        assert decision.next_stage not in failed


@given(cases())
def test_court_track_is_set_exactly_at_court(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    assert (decision.court_track is not None) == (decision.next_stage == "court")
    assert ("inquiry_form" in decision.forms) == (decision.next_stage == "court")


@given(cases(dispute_types=["fee_arrears", "service_quality"]))
def test_bare_score_sets_rectification_exactly_below_sixty(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    if "company_score" not in case:
        assert decision.rectification_required is None
    else:
        assert decision.rectification_required == (Decimal(case["company_score"]) < 60)


@given(cases())
def test_mediation_center_always_asks_for_the_scorecard(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    if decision.next_stage == "mediation_center":
        assert "scorecard" in decision.forms
        assert ("company_score" in decision.awaiting) == ("company_score" not in case)
        waits = "rectification_acceptance" in decision.awaiting
        assert waits == (decision.rectification_required is True
                         and case["claimant"] == "property_company")
        assert ("focus_table" in decision.forms) == (
            "company_score" in case and not waits
        )
    else:
        assert decision.awaiting == []


@given(failed_ladders())
def test_court_track_follows_the_civil_procedure_law(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    assert decision.next_stage == "court"
    amount = Decimal(case["claim_amount"])
    half, double = Decimal("54428"), Decimal("217712")  # 2023 figure 108,856 yuan
    excluded = any(case[f] for f in
                   ["needs_appraisal", "counterclaim", "whereabouts_unknown", "foreign_related"])
    if case["contentious"]:
        expected = "ordinary"
    elif excluded:
        expected = "fast_track"
    elif 0 < amount <= half or (
        half < amount <= double and case["parties_agree_small_claims"]
    ):
        expected = "small_claims"
    else:
        expected = "fast_track"
    assert decision.court_track == expected


@settings(max_examples=30)
@given(failed_ladders(), st.sampled_from(["54427.99", "54428", "54428.00", "54428.01"]))
def test_small_claims_limit_includes_the_limit_itself(case: dict[str, Any], amount: str) -> None:
    for flag in ["contentious", "needs_appraisal", "counterclaim", "whereabouts_unknown",
                 "foreign_related", "parties_agree_small_claims"]:
        case[flag] = False
    case["claim_amount"] = amount
    track = ENGINE.decide(case).court_track
    assert track == ("small_claims" if Decimal(amount) <= Decimal("54428") else "fast_track")


@given(cases())
def test_a_case_round_trips_through_the_model_unchanged(case: dict[str, Any]) -> None:
    model = Case.model_validate(case)
    again = Case.model_validate(model.model_dump(mode="json"))
    assert again == model
    assert ENGINE.decide(model) == ENGINE.decide(again)
