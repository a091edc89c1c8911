"""What the scoring package says about a scorecard, as plain display data for the forms.

Templates receive plain strings, not live objects, so the rubric, the combined total and the
pass/fail verdict are read from :mod:`propertytriage.scoring` here and turned into display text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from propertytriage.models import Case, Scorecard
from propertytriage.models.vocabulary import EVALUATOR_SHORT_NAMES
from propertytriage.scoring import default_scoring_rules, replay, rubric_items, total_with

EVALUATORS: list[tuple[str, str]] = list(EVALUATOR_SHORT_NAMES.items())


def points(value: Any) -> str | None:
    """Points as printed: 72, 72.5 (no trailing zeros); None when unknown."""
    if value is None:
        return None
    number = Decimal(str(value))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pass_mark() -> Decimal:
    """The pass mark in force (rules/parameters/scoring.yaml), for printing only."""
    return default_scoring_rules().pass_mark


def rubric() -> list[dict[str, Any]]:
    """The rubric in force as plain rows: id, category title, item title, max points."""
    return [
        {"id": i["id"], "category": i["category_title"], "title": i["title"],
         "max_points": points(i["max_points"])}
        for i in rubric_items()
    ]


def total(sheets: Scorecard) -> str | None:
    """The combined total of the sheets as printed (errors name the ``scorecard`` field)."""
    return points(total_with(sheets, default_scoring_rules(), location="scorecard"))


def below_pass(printed: str | None) -> bool | None:
    """Whether a printed total is below the pass mark (None while unknown); the rules' own test."""
    return None if printed is None else not default_scoring_rules().passes(Decimal(printed))


def case_score(case: Case) -> str | None:
    """The joint score the case knows: the bare score, or the total of its own scorecard."""
    if case.company_score is not None:
        return points(case.company_score)
    if case.scorecard is not None:
        return total(case.scorecard)
    if case.rectification_history is not None:
        return points(replay(case.rectification_history).latest_score)
    return None


def _group_categories(rows: list[dict[str, Any]]) -> None:
    """Mark runs of the same category: the first row spans them all (``category_span``), the
    others print no category cell (span 0), as a printed rubric does."""
    start = 0
    for index, row in enumerate(rows):
        row["category_span"] = 0
        if index == 0 or row["category"] != rows[start]["category"]:
            start = index
        rows[start]["category_span"] += 1


def grid(sheets: Scorecard | None) -> dict[str, Any]:
    """Rows of the scoring sheet: rubric items × the four evaluators, with per-sheet totals."""
    by_evaluator: dict[str, dict[str, Decimal]] = (
        {e.evaluator: e.items for e in sheets.evaluations} if sheets else {}
    )
    rows = [
        {**item, "points": [points(by_evaluator.get(key, {}).get(item["id"]))
                            for key, _ in EVALUATORS]}
        for item in rubric()
    ]
    _group_categories(rows)
    sheet_totals = [
        points(sum(by_evaluator[key].values(), Decimal(0))) if key in by_evaluator else None
        for key, _ in EVALUATORS
    ]
    combined = total(sheets) if sheets is not None else None
    return {
        "evaluators": [label for _, label in EVALUATORS],
        "rows": rows,
        "max_total": points(sum((Decimal(r["max_points"]) for r in rows), Decimal(0))),
        "sheet_totals": sheet_totals,
        "total": combined,
        "below_pass": below_pass(combined),
        "evaluated_on": None if sheets is None else sheets.evaluated_on,
        "company_on_sheet": None if sheets is None else sheets.company.name,
    }
