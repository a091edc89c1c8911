"""Errors: every one pickles (forms render in worker processes) and input limits are enforced."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from propertytriage import InputError, score, triage
from propertytriage.errors import (
    EngineError,
    MissingWageFigureError,
    Problem,
    PropertyTriageError,
    RenderError,
    RuleDataError,
)
from propertytriage.rendering.glyphs import MissingGlyphError

CASE: dict[str, Any] = {"case_id": "E-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
                        "dispute_type": "fee_arrears", "claimant": "owner"}

EXAMPLES = [
    PropertyTriageError("中", "en"),
    InputError([Problem("claim_amount", "invalid_value", "中", "en")], subject="case[3] X"),
    MissingWageFigureError([Problem("province", "missing_wage_figure", "中", "en")]),
    RuleDataError("triage/court.yaml", "rules[0].when", "中", "en"),
    EngineError("中", "en"),
    RenderError("中", "en"),
    MissingGlyphError("\U0001f600", missing=["\U0001f600", "\U0010fffd"]),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=[type(e).__name__ for e in EXAMPLES])
def test_every_error_survives_a_trip_between_processes(error: PropertyTriageError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error) and again.code == error.code


@pytest.mark.parametrize("value", ["1E-999999999", "1e30", "59.999"])
def test_scores_with_absurd_precision_or_size_are_refused_quickly(value: str) -> None:
    with pytest.raises(InputError) as raised:
        triage({**CASE, "company_score": value})
    assert raised.value.problems[0].location == "company_score"


def test_scorecard_points_with_absurd_precision_are_refused_quickly() -> None:
    card = {"evaluated_on": "2026-01-01",
            "evaluations": [{"evaluator": "mediation_center", "items": {"bm_records": "1E-999999999"}}]}
    with pytest.raises(InputError) as raised:
        score(card)
    assert raised.value.problems[0].location == "evaluations[0].items.bm_records"


@pytest.mark.parametrize("name", ["张\x1b[31m三", "张\u202e三", "张\u200b三", "张\x00三", "张\u3164三"])
def test_hidden_or_control_characters_in_a_name_are_refused(name: str) -> None:
    with pytest.raises(InputError) as raised:
        triage({**CASE, "owners": [{"name": name}]})
    problem = raised.value.problems[0]
    assert problem.location == "owners[0].name"
    assert "U+" in problem.en and "\x1b" not in str(raised.value)


def test_line_breaks_are_allowed_in_free_text_but_length_is_bounded() -> None:
    assert triage({**CASE, "facts": "第一段。\n第二段。\x0b第三段。"}).case_id == "E-1"
    with pytest.raises(InputError) as raised:
        triage({**CASE, "owners": [{"name": "张" * 301}]})
    assert "300" in str(raised.value)


def test_an_address_pasted_over_two_lines_becomes_one_line() -> None:
    from propertytriage.models import Case

    case = Case.model_validate({**CASE, "estate": {"address": "康巴什区\r\n康和路18号\t"}})
    assert case.estate.address == "康巴什区 康和路18号"


@pytest.mark.parametrize("value", ["-0", "-0.00", "0E-999999999"])
def test_every_zero_is_plain_zero(value: str) -> None:
    from decimal import Decimal

    from propertytriage.models import Case

    case = Case.model_validate({**CASE, "claim_amount": value, "company_score": value})
    assert str(case.claim_amount) == "0" and str(case.company_score) == "0"
    assert case.claim_amount == Decimal(0)
