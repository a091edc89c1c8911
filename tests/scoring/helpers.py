"""Shared strategies and builders for the scoring tests (rubric-aware scorecards and histories)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from propertytriage.scoring import default_scoring_rules

RULES = default_scoring_rules()
ITEMS = [(item.id, item.max_points) for item in RULES.rubric.items]
EVALUATORS = ["mediation_center", "housing_center", "owners_committee", "community"]


def points_for(max_points: Decimal) -> st.SearchStrategy[Decimal]:
    """Points in tenths from 0 to ``max_points``, as evaluators write them."""
    return st.integers(0, int(max_points * 10)).map(lambda n: Decimal(n) / 10)


@st.composite
def sheet(draw: st.DrawFn, evaluator: str, *, complete: bool) -> dict[str, Any]:
    """One evaluator's sheet; sheets other than the mediation center's may leave items out."""
    chosen = ITEMS if complete else [i for i in ITEMS if draw(st.booleans())] or ITEMS[:1]
    return {"evaluator": evaluator,
            "items": {item_id: draw(points_for(top)) for item_id, top in chosen}}


@st.composite
def scorecards(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scorecard: the mediation center's complete sheet plus any of the other three."""
    others = draw(st.lists(st.sampled_from(EVALUATORS[1:]), unique=True))
    sheets = [draw(sheet("mediation_center", complete=True))]
    sheets += [draw(sheet(e, complete=draw(st.booleans()))) for e in others]
    order = draw(st.permutations(sheets))
    return {"evaluated_on": "2026-03-02", "evaluations": list(order)}


def uniform(fraction: str, evaluator: str = "mediation_center") -> dict[str, Any]:
    """A complete sheet giving every item the same fraction of its max_points."""
    share = Decimal(fraction)
    return {"evaluator": evaluator, "items": {i: str(top * share) for i, top in ITEMS}}


def sheet_totalling(total: Decimal, evaluator: str = "mediation_center") -> dict[str, Any]:
    """A complete sheet whose points add up to exactly ``total`` (full items first, then the rest)."""
    left = total
    items: dict[str, str] = {}
    for item_id, top in ITEMS:
        given = min(top, left)
        items[item_id] = str(given)
        left -= given
    assert left == 0
    return {"evaluator": evaluator, "items": items}


def card(*sheets: dict[str, Any]) -> dict[str, Any]:
    return {"evaluated_on": "2026-03-02", "evaluations": list(sheets)}
