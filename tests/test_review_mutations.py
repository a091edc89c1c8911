"""Figures of rules/ that no other test held to what their sources or notes say.

Each test here failed when its figure was changed by hand in rules/ (the mutation is named in the
test's docstring) and passes with the figure as written.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from propertytriage.scoring import default_scoring_rules, replay

from .scoring.helpers import ITEMS, card

# rules/scoring/lifecycle.yaml, fix_note: "the items whose combined points are below 60% of their max_points"
_FIX_BELOW = Decimal("0.6")


def _tenths_below(top: Decimal, share: Decimal) -> Decimal:
    """The most points, in tenths, strictly below ``share`` of ``top``."""
    points = (top * share).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return points - Decimal("0.1") if points == top * share else points


def _low_sheet() -> tuple[dict[str, Any], str]:
    """Every item just under 60% of its points (above 50%), one item at exactly 60%: a total below 60."""
    at_line = next(item_id for item_id, top in ITEMS if top == 4)
    items = {item_id: str(_tenths_below(top, _FIX_BELOW)) for item_id, top in ITEMS}
    items[at_line] = str(Decimal(4) * _FIX_BELOW)
    return {"evaluator": "mediation_center", "items": items}, at_line


def test_the_notice_lists_every_item_below_sixty_percent_and_none_at_it() -> None:
    """Mutation: lifecycle.yaml ``fix_below_fraction`` 0.6 → 0.5 (nothing listed) or 0.65 (the item at the line listed)."""
    sheet, at_line = _low_sheet()
    tops = dict(ITEMS)
    assert all(Decimal(p) / tops[i] > Decimal("0.5") for i, p in sheet["items"].items())
    state = replay({"company": {"name": "某物业服务有限公司"},
                    "events": [{"kind": "score", "on": "2026-03-02", "scorecard": card(sheet)}]})
    assert state.proposed_notice is not None
    listed = [item.id for item in state.proposed_notice.items]
    expected = {i for i, p in sheet["items"].items() if Decimal(p) < _FIX_BELOW * tops[i]}
    assert set(listed) == expected and at_line not in listed
    shares = [Decimal(sheet["items"][i]) / tops[i] for i in listed]
    assert shares == sorted(shares)  # weakest first


def _documented_category_points() -> dict[str, Decimal]:
    """The rubric's category table of docs/scoring.md (| `id` | 标题 | points |)."""
    text = (Path(__file__).parents[1] / "docs" / "scoring.md").read_text(encoding="utf-8")
    table = text.split("## 1. The rubric", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| (\d+) \|$", table, flags=re.MULTILINE)
    return {category: Decimal(points) for category, points in rows}


def test_the_rubrics_categories_add_up_to_what_docs_scoring_md_publishes() -> None:
    """Mutation: rubric.yaml bm_service_center 4 → 5 and bd_common_parts 5 → 4 (still 100 in all).

    The offices read the category points in docs/scoring.md; the loader checks only the total.
    """
    documented = _documented_category_points()
    assert sum(documented.values()) == 100 and len(documented) == 8
    counted: dict[str, Decimal] = {}
    for item in default_scoring_rules().rubric.items:
        counted[item.category] = counted.get(item.category, Decimal(0)) + item.max_points
    assert counted == documented
