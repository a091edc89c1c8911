"""What the scoring package says about a scorecard, as plain display data for the forms.

Why an adapter: the scoring package (``propertytriage.scoring``) is built separately and may be
absent from a given install or checkout. The forms must still print then, so every call goes
through here: with scoring present the sheets show the rubric's titles, maxima and the combined
total; without it they degrade to the raw item ids and points of the evaluators' sheets, and the
rectification notice keeps blank lines for the items to fix.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

from propertytriage.models import Case, Scorecard

EVALUATORS: list[tuple[str, str]] = [
    ("mediation_center", "调解中心"),
    ("housing_center", "住房保障综合服务中心"),
    ("owners_committee", "业主委员会"),
    ("community", "街道社区"),
]
BLANK_GRID_ROWS = 10
WEAKEST_SHOWN = 5


def _scoring() -> Any | None:
    try:
        return importlib.import_module("propertytriage.scoring")
    except ImportError:
        return None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def points(value: Any) -> str | None:
    """Points as printed: 72, 72.5 (no trailing zeros); None when unknown."""
    if value is None:
        return None
    number = Decimal(str(value))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pass_mark() -> Decimal:
    """The pass mark in force (rules/parameters/scoring.yaml): below it means rectification."""
    from propertytriage.ruledata import default_rulebook

    return Decimal(default_rulebook().scoring.pass_mark)


def rubric() -> list[dict[str, Any]] | None:
    """The rubric in force as plain rows, or None when the scoring package is not installed."""
    module = _scoring()
    if module is None or not hasattr(module, "rubric_items"):
        return None
    return [
        {"id": str(_get(i, "id")),
         "category": _get(i, "category_title") or _get(i, "category"),
         "title": _get(i, "title"),
         "max_points": points(_get(i, "max_points"))}
        for i in module.rubric_items()
    ]


def _score(sheets: Scorecard) -> Any | None:
    module = _scoring()
    if module is None or not hasattr(module, "score_with"):
        return None
    return module.score_with(sheets, module.default_scoring_rules(), location="scorecard")


def _weakest(item: Any, known: dict[str, Any]) -> dict[str, Any]:
    if isinstance(item, str):
        return {"id": item, "category": known.get("category"),
                "title": known.get("title") or item, "points": None,
                "max_points": known.get("max_points")}
    return {"id": str(_get(item, "id")),
            "category": known.get("category") or _get(item, "category"),
            "title": _get(item, "title") or known.get("title"),
            "points": points(_get(item, "points")),
            "max_points": points(_get(item, "max_points")) or known.get("max_points")}


def result(sheets: Scorecard) -> dict[str, Any]:
    """Total, pass/fail and the weakest items (for the rectification notice).

    Without the scoring package the total is unknown (None) and there are no items, so the
    notice prints blank lines rather than guessing which items are weakest.
    """
    scored = _score(sheets)
    if scored is None:
        return {"total": None, "weakest": []}
    known = {r["id"]: r for r in rubric() or []}
    weakest = []
    for item in list(_get(scored, "weakest_items", []) or [])[:WEAKEST_SHOWN]:
        item_id = item if isinstance(item, str) else str(_get(item, "id"))
        weakest.append(_weakest(item, known.get(item_id, {})))
    return {"total": points(_get(scored, "total")), "weakest": weakest}


def below_pass(total: str | None) -> bool | None:
    """Whether a printed total is below the pass mark (None while unknown)."""
    return None if total is None else Decimal(total) < pass_mark()


def case_score(case: Case) -> str | None:
    """The joint score the case knows: the bare score, or the total of its own scorecard."""
    if case.company_score is not None:
        return points(case.company_score)
    if case.scorecard is not None:
        total: str | None = result(case.scorecard)["total"]
        return total
    if case.rectification_history is not None:
        from propertytriage.scoring import replay

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
    items = rubric()
    rubric_known = items is not None
    if items is None:  # degrade: the raw item ids found on the sheets, in order of appearance
        seen: dict[str, None] = {}
        for sheet in by_evaluator.values():
            seen.update(dict.fromkeys(sheet))
        items = [{"id": i, "category": None, "title": i, "max_points": None} for i in seen]
    rows = [
        {**item, "points": [points(by_evaluator.get(key, {}).get(item["id"]))
                            for key, _ in EVALUATORS]}
        for item in items
    ]
    _group_categories(rows)
    sheet_totals = [
        points(sum(by_evaluator[key].values(), Decimal(0))) if key in by_evaluator else None
        for key, _ in EVALUATORS
    ]
    total = result(sheets)["total"] if sheets is not None else None
    return {
        "evaluators": [label for _, label in EVALUATORS],
        "rows": rows,
        "blank_rows": 0 if rows else BLANK_GRID_ROWS,
        "rubric_known": rubric_known,
        "max_total": "100" if rubric_known else None,
        "sheet_totals": sheet_totals,
        "total": total,
        "below_pass": below_pass(total),
        "evaluated_on": None if sheets is None else
        f"{sheets.evaluated_on.year}年{sheets.evaluated_on.month}月{sheets.evaluated_on.day}日",
        "company_on_sheet": None if sheets is None else sheets.company.name,
    }
