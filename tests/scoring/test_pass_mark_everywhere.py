"""At the pass mark every reader agrees: 60 passes, 59.99 does not (SPEC §1: score < 60 → rectification,
score ≥ 60 → mediation). Checked through the forms' own context, the scorer, the lifecycle and triage,
because each once compared the score by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from propertytriage import score, triage
from propertytriage.rendering import form_context
from propertytriage.scoring import replay
from tests.scoring.helpers import card, sheet_totalling

# (score as written, below the line?) — the line is 60 (SPEC §1), 以上/以下 both include it
CASES = [("59.9", True), ("59.99", True), ("60", False), ("60.0", False), ("60.00", False),
         ("60.01", False)]
# Sheets are combined and rounded to one place before the comparison (scoring/combination.yaml),
# so through sheets only totals already at one place are compared as written.
SHEET_CASES = [(w, b) for w, b in CASES if -Decimal(w).as_tuple().exponent <= 1]


def _case(company_score: str | None = None, **extra: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "case_id": "P-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": "property_company",
        "attempts": [{"stage": "owners_committee", "outcome": "failed"},
                     {"stage": "community", "outcome": "failed"}],
    }
    if company_score is not None:
        case["company_score"] = company_score
    case.update(extra)
    return case


@pytest.mark.parametrize(("written", "below"), CASES)
def test_the_scorecard_form_ticks_the_box_the_rules_say(written: str, below: bool) -> None:
    ctx = form_context("scorecard", _case(written))
    assert ctx["below_pass"] is below


@pytest.mark.parametrize(("written", "below"), SHEET_CASES)
def test_the_scorecard_form_from_sheets_ticks_the_box_the_rules_say(written: str, below: bool) -> None:
    sheets = card(sheet_totalling(Decimal(written)))
    ctx = form_context("scorecard", _case(), sheets)
    assert ctx["below_pass"] is below
    assert score(sheets).rectification_required is below


@pytest.mark.parametrize(("written", "below"), CASES)
def test_the_notice_prints_only_a_score_below_the_line(written: str, below: bool) -> None:
    ctx = form_context("rectification_notice", _case(written))
    assert (ctx["score"] is not None) is below


@pytest.mark.parametrize(("written", "below"), CASES)
def test_scorer_lifecycle_and_triage_agree(written: str, below: bool) -> None:
    state = replay({"events": [{"kind": "score", "on": "2025-01-02", "total": written}]})
    assert state.rectification_required is below
    assert triage(_case(written)).rectification_required is below
