"""The amount that decides the court track is the amount the inquiry form prints (issue 7, point 1).

The expected track is worked out here from the printed 标的总额 and the rule book's own wage figure
and fractions (SPEC §2.2 step 5), not from the engine's facts, so a decision and its form that
disagree fail whichever of the two is wrong.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from propertytriage import InputError, triage
from propertytriage.rendering import form_context
from tests import rulefiles
from tests.strategies import failed_ladders

_money = st.one_of(
    st.none(),
    st.decimals(min_value=Decimal(0), max_value=Decimal("300000"), places=2),
    st.sampled_from([Decimal(x) for x in ["54427.99", "54428", "54428.01", "217712", "217712.01"]]),
)


def _printed(case: dict[str, Any]) -> Decimal:
    """The 标的总额 the inquiry form prints, as a number (a blank line is no money claim)."""
    total = form_context("inquiry_form", case)["claims"]["total"]
    return Decimal(0) if total is None else Decimal(total.replace(",", ""))


def _expected_track(case: dict[str, Any], amount: Decimal) -> str:
    """SPEC §2.2 step 5, first match wins, with the limits in force read from ``rules/`` directly
    (a high court's announced limits where one is in force, else the wage figure's fractions)."""
    if case.get("contentious"):
        return "ordinary"
    if any(case.get(f) for f in ("needs_appraisal", "counterclaim", "whereabouts_unknown",
                                 "foreign_related")):
        return "fast_track"
    mandatory, consent = rulefiles.limits(case["province"], date.fromisoformat(case["filed_on"]))
    if amount > 0 and amount <= mandatory:
        return "small_claims"
    # A notice that states no consent limit leaves it to an interpretation, not to the law: skip.
    assume(consent is not None or not case.get("parties_agree_small_claims"))
    if (amount > 0 and case.get("parties_agree_small_claims") and consent is not None
            and amount <= consent):
        return "small_claims"
    return "fast_track"


@st.composite
def court_cases_with_items(draw: st.DrawFn) -> dict[str, Any]:
    case = draw(failed_ladders())
    for flag in ("contentious", "needs_appraisal", "counterclaim", "whereabouts_unknown",
                 "foreign_related"):  # mostly off, so that the amount decides the track
        case[flag] = draw(st.sampled_from([False] * 5 + [True]))
    claim = draw(_money)
    if claim is None:
        case.pop("claim_amount", None)
    else:
        case["claim_amount"] = str(claim)
    arrears = {key: str(value) for key in ("amount", "late_fee")
               if (value := draw(_money)) is not None}
    if arrears:
        case["arrears"] = arrears
    return case


def _contradicts(case: dict[str, Any]) -> bool:
    stated = Decimal(case.get("claim_amount", "0"))
    items = sum((Decimal(v) for v in case.get("arrears", {}).values()), Decimal(0))
    return case["claimant"] == "property_company" and stated > 0 and items > stated


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(court_cases_with_items())
def test_the_track_and_the_printed_total_agree(case: dict[str, Any]) -> None:
    if _contradicts(case):
        with pytest.raises(InputError) as refused:
            triage(case)
        assert refused.value.problems[0].code == "claim_below_items"
        with pytest.raises(InputError):
            form_context("inquiry_form", case)
        return
    decision = triage(case)
    printed = _printed(case)
    assert decision.next_stage == "court"
    assert decision.court_track == _expected_track(case, printed)


def _fee_case(**extra: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "case_id": "C-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": "property_company",
        "attempts": [{"stage": s, "outcome": "failed"}
                     for s in ("owners_committee", "community", "mediation_center")],
    }
    case.update(extra)
    return case


def test_arrears_without_claim_amount_is_a_money_claim_and_the_reason_says_so() -> None:
    case = _fee_case(arrears={"amount": "3912.00"})
    decision = triage(case)
    assert decision.court_track == "small_claims"
    reason = decision.reasons[-1].text
    assert "3,912" in reason and "arrears.amount" in reason and "claim_amount" in reason
    assert "没有金钱给付请求" not in reason
    assert form_context("inquiry_form", case)["claims"]["total"] == "3,912.00"


def test_the_late_fee_is_part_of_the_derived_total() -> None:
    case = _fee_case(arrears={"amount": "3912.00", "late_fee": "88.50"})
    reason = triage(case).reasons[-1].text
    assert "4,000.50" in reason and "arrears.late_fee" in reason
    assert form_context("inquiry_form", case)["claims"]["total"] == "4,000.50"


def test_a_stated_amount_below_its_items_is_refused_naming_both() -> None:
    case = _fee_case(claim_amount="100", arrears={"amount": "3912.00"})
    with pytest.raises(InputError) as refused:
        triage(case)
    problem = refused.value.problems[0]
    assert problem.location == "claim_amount" and problem.code == "claim_below_items"
    for text in (problem.zh, problem.en):
        assert "claim_amount" in text and "arrears.amount" in text


def test_a_stated_amount_above_its_items_is_kept_and_not_explained() -> None:
    case = _fee_case(claim_amount="60000", arrears={"amount": "3912.00"})
    decision = triage(case)
    assert decision.court_track == "fast_track"  # 60,000 is above half of the wage figure
    assert "arrears.amount" not in decision.reasons[-1].text
    assert form_context("inquiry_form", case)["claims"]["total"] == "60,000.00"


def test_an_owner_claim_does_not_count_the_arrears_the_owner_is_said_to_owe() -> None:
    case = _fee_case(claimant="owner", arrears={"amount": "3912.00"})
    decision = triage(case)
    assert decision.reasons[-1].rule == "court.fast_track_no_money_claim"
    assert form_context("inquiry_form", case)["claims"]["total"] is None
