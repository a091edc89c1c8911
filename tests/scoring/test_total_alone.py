"""The total triage reads (``total_with``) is the total of the full scoring, on any sheets and weights.

Triage computes only the total of a case's scorecard, summing the items that the same sheets score
before dividing; these properties hold it to the item-by-item breakdown of ``score_with``.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import InputError
from propertytriage.scoring import default_scoring_rules, score_with, total_with

from .helpers import EVALUATORS, card, scorecards, sheet_totalling


@settings(deadline=None)  # no timed assertions
@given(scorecards())
def test_total_alone_equals_the_full_scoring(data: dict[str, Any]) -> None:
    rules = default_scoring_rules()
    assert total_with(data, rules) == score_with(data, rules).total


# weights no decimal fraction of the others: thirds cut to many places, sevenths, a tiny share
_WEIGHTS = st.fixed_dictionaries({e: st.sampled_from([
    Decimal(1), Decimal("0.3333333333333333333333333333"), Decimal("0.1428571428571428571"),
    Decimal("0.000001"), Decimal("2.5"), Decimal("0.25")]) for e in EVALUATORS})


@settings(deadline=None)  # no timed assertions
@given(scorecards(), _WEIGHTS)
def test_total_alone_equals_the_full_scoring_under_any_weights(
        data: dict[str, Any], weights: dict[str, Decimal]) -> None:
    base = default_scoring_rules()
    rules = dataclasses.replace(base, combination=base.combination.model_copy(update={"weights": weights}))
    assert total_with(data, rules) == score_with(data, rules).total


def test_total_alone_refuses_what_the_full_scoring_refuses() -> None:
    rules = default_scoring_rules()
    bad = card(sheet_totalling(Decimal(70)), {"evaluator": "community", "items": {"no-such-item": "1"}})
    with pytest.raises(InputError) as full:
        score_with(bad, rules, location="scorecard")
    with pytest.raises(InputError) as alone:
        total_with(bad, rules, location="scorecard")
    assert [(p.location, p.code) for p in alone.value.problems] == [
        (p.location, p.code) for p in full.value.problems]
    assert any(p.code == "unknown_item" for p in alone.value.problems)
