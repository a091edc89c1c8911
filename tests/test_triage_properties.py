"""Properties every decision must have, over generated valid cases (SPEC §2.2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from propertytriage import Triage
from propertytriage.models import Case
from propertytriage.scoring import replay, score
from tests import rulefiles
from tests.strategies import STAGES, cases, failed_ladders, has_score

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


def _rectification_expected(case: dict[str, Any]) -> bool | None:
    """SPEC §2.2: the latest joint score is below the pass mark and no later inspection passed it."""
    if "company_score" in case:
        return Decimal(case["company_score"]) < rulefiles.pass_mark()
    if "scorecard" in case:
        return score(case["scorecard"]).total < rulefiles.pass_mark()
    if "rectification_history" in case:
        events = case["rectification_history"]["events"]
        latest = next(e for e in reversed(events) if e["kind"] == "score")
        passed = any(e["kind"] == "inspection" and e["result"] == "passed"
                     and e["on"] >= latest["on"] for e in events)
        return Decimal(latest["total"]) < rulefiles.pass_mark() and not passed
    return None


@given(cases(dispute_types=["fee_arrears", "service_quality"]))
def test_the_score_sets_rectification_exactly_below_the_pass_mark(case: dict[str, Any]) -> None:
    assert ENGINE.decide(case).rectification_required == _rectification_expected(case)


@given(cases(dispute_types=["fee_arrears", "service_quality"]))
def test_a_history_decides_as_its_replay_says(case: dict[str, Any]) -> None:
    if "rectification_history" in case:
        state = replay(case["rectification_history"])
        assert ENGINE.decide(case).rectification_required == state.rectification_required


@given(cases())
def test_mediation_center_always_asks_for_the_scorecard(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    if decision.next_stage == "mediation_center":
        assert "scorecard" in decision.forms
        assert ("company_score" in decision.awaiting) == (not has_score(case))
        waits = "rectification_acceptance" in decision.awaiting
        assert waits == (decision.rectification_required is True
                         and case["claimant"] == "property_company")
        assert ("focus_table" in decision.forms) == (has_score(case) and not waits)
    else:
        assert decision.awaiting == []


@given(failed_ladders())
def test_court_track_follows_the_civil_procedure_law(case: dict[str, Any]) -> None:
    decision = ENGINE.decide(case)
    assert decision.next_stage == "court"
    amount = Decimal(case["claim_amount"])
    half, double = rulefiles.limits(case["province"], date.fromisoformat(case["filed_on"]))
    excluded = any(case[f] for f in
                   ["needs_appraisal", "counterclaim", "whereabouts_unknown", "foreign_related"])
    if case["contentious"]:
        expected = "ordinary"
    elif excluded:
        expected = "fast_track"
    elif 0 < amount <= half:
        expected = "small_claims"
    elif amount > half and case["parties_agree_small_claims"]:
        assume(double is not None)  # a notice that names neither its consent limit nor its wage
        expected = "small_claims" if amount <= double else "fast_track"
    else:
        expected = "fast_track"
    assert decision.court_track == expected


@settings(max_examples=30)
@given(failed_ladders(), st.sampled_from(["-0.01", "0", "0.00", "0.01"]))
def test_small_claims_limit_includes_the_limit_itself(case: dict[str, Any], step: str) -> None:
    for flag in ["contentious", "needs_appraisal", "counterclaim", "whereabouts_unknown",
                 "foreign_related", "parties_agree_small_claims"]:
        case[flag] = False
    half, _double = rulefiles.limits(case["province"], date.fromisoformat(case["filed_on"]))
    amount = half + Decimal(step)
    case["claim_amount"] = str(amount)
    track = ENGINE.decide(case).court_track
    assert track == ("small_claims" if amount <= half else "fast_track")


@given(cases())
def test_a_case_round_trips_through_the_model_unchanged(case: dict[str, Any]) -> None:
    model = Case.model_validate(case)
    again = Case.model_validate(model.model_dump(mode="json"))
    assert again == model
    assert ENGINE.decide(model) == ENGINE.decide(again)
