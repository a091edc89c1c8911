"""The scoring sheet ticks the verdict the rules give: 进入调解 at the pass mark, 整改 just below it.

SPEC §1: "60分以上" and "60分以下" both include 60 (民法典 第1259条); the mechanism resolves it as
score < 60 → rectification, score ≥ 60 → mediation. The pass mark is read from
``rules/parameters/scoring.yaml`` on its own (not through the code), and the form must agree with
the decision for the same case.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import Triage, render_form
from propertytriage.ruledata import rules_dir
from tests.scoring.helpers import card, sheet_totalling

PASS_MARK = Decimal(str(yaml.safe_load(
    (rules_dir() / "parameters" / "scoring.yaml").read_text(encoding="utf-8"))["pass_mark"]))
JUST_BELOW = PASS_MARK - Decimal("0.1")  # scores are given to one decimal place

AT_MEDIATION: dict[str, Any] = {
    "case_id": "SC-60", "filed_on": "2026-05-11", "province": "内蒙古自治区",
    "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "3600",
    "attempts": [{"stage": "owners_committee", "outcome": "failed"},
                 {"stage": "community", "outcome": "failed"}],
}


def _verdict(case: dict[str, Any], **kwargs: Any) -> tuple[bool, bool]:
    """(进入调解 ticked, 整改 ticked) as printed on the scorecard form."""
    html = render_form("scorecard", case, format="html", **kwargs).decode("utf-8")
    paragraph = re.search(r"评定结论.*?</p>", html, re.S)
    assert paragraph, "the scorecard form has no 评定结论"
    text = re.sub(r"<[^>]+>", "", paragraph.group(0))
    mediation = re.search(r"进入调解\s*([☑□])", text)
    rectification = re.search(r"整改[^☑□]*([☑□])", text)
    assert mediation and rectification, text
    return mediation.group(1) == "☑", rectification.group(1) == "☑"


def _sheets(total: Decimal) -> dict[str, Any]:
    return {"company": {"name": "某物业服务有限公司"}, **card(sheet_totalling(total))}


def _history(total: Decimal) -> dict[str, Any]:
    return {"events": [{"kind": "score", "on": "2026-03-02", "total": str(total)}]}


@pytest.mark.parametrize(("score", "mediation"), [(PASS_MARK, True), (JUST_BELOW, False)],
                         ids=["at the pass mark", "0.1 below"])
@pytest.mark.parametrize("given_as", ["company_score", "scorecard", "scorecard argument", "history"])
def test_the_form_ticks_mediation_at_the_pass_mark_and_rectification_just_below(
    score: Decimal, mediation: bool, given_as: str
) -> None:
    case = dict(AT_MEDIATION)
    kwargs: dict[str, Any] = {}
    if given_as == "company_score":
        case["company_score"] = str(score)
    elif given_as == "scorecard":
        case["scorecard"] = _sheets(score)
    elif given_as == "scorecard argument":
        kwargs["scorecard"] = _sheets(score)
    else:
        case["rectification_history"] = _history(score)
    assert _verdict(case, **kwargs) == (mediation, not mediation)


def test_the_form_states_the_pass_mark_of_the_rules() -> None:
    html = render_form("scorecard", {**AT_MEDIATION, "company_score": "75"}, format="html").decode()
    mark = f"{PASS_MARK.normalize():f}"
    assert f"{mark}分以上（含{mark}分）" in html and f"不满{mark}分" in html


def test_an_unscored_form_ticks_neither() -> None:
    assert _verdict(dict(AT_MEDIATION)) == (False, False)


@settings(max_examples=25, deadline=None)  # no timed assertions
@given(st.decimals(min_value=PASS_MARK - 2, max_value=PASS_MARK + 2, places=2))
def test_the_form_and_the_decision_never_disagree(score: Decimal) -> None:
    case = {**AT_MEDIATION, "company_score": str(score)}
    decision = Triage().decide(case)
    mediation, rectification = _verdict(case)
    assert rectification is decision.rectification_required is (score < PASS_MARK)
    assert mediation is not rectification
