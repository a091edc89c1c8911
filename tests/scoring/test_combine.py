"""The joint total: bounds, monotonicity, the pass mark, the combination rule and its errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import InputError
from propertytriage.scoring import score

from .helpers import ITEMS, card, scorecards, sheet_totalling, uniform


@settings(deadline=None)  # no timed assertions
@given(scorecards())
def test_total_always_lies_between_0_and_100(data: dict[str, Any]) -> None:
    result = score(data)
    assert Decimal(0) <= result.total <= Decimal(100)
    assert result.rectification_required == (result.total < 60)


@settings(deadline=None)  # no timed assertions
@given(scorecards(), st.data())
def test_raising_any_item_never_lowers_the_total(data: dict[str, Any], draw: st.DataObject) -> None:
    before = score(data).total
    index = draw.draw(st.integers(0, len(data["evaluations"]) - 1))
    sheet = data["evaluations"][index]
    item_id = draw.draw(st.sampled_from(sorted(sheet["items"])))
    top = dict(ITEMS)[item_id]
    raised = draw.draw(st.decimals(min_value=Decimal(sheet["items"][item_id]), max_value=top,
                                   places=1))
    sheet["items"][item_id] = raised
    assert score(data).total >= before


@settings(deadline=None)  # no timed assertions
@given(st.lists(st.sampled_from(["housing_center", "owners_committee", "community"]), unique=True))
def test_full_sheets_give_100_and_empty_sheets_give_0(others: list[str]) -> None:
    assert score(card(uniform("1"), *[uniform("1", e) for e in others])).total == 100
    assert score(card(uniform("0"), *[uniform("0", e) for e in others])).total == 0


def test_59_9_requires_rectification_and_60_does_not() -> None:
    low = score(card(sheet_totalling(Decimal("59.9"))))
    assert (low.total, low.rectification_required) == (Decimal("59.9"), True)
    line = score(card(sheet_totalling(Decimal(60))))
    assert (line.total, line.rectification_required) == (Decimal(60), False)


def test_the_rounded_total_decides_at_the_pass_mark() -> None:
    # (59.9 + 60.0) / 2 = 59.95, rounded half-up to 60.0: the announced score decides.
    result = score(card(sheet_totalling(Decimal("59.9")),
                        sheet_totalling(Decimal(60), "community")))
    assert result.total == Decimal("60.0")
    assert result.rectification_required is False


def test_a_missing_evaluator_has_its_weight_shared_among_the_others() -> None:
    result = score(card(sheet_totalling(Decimal(80)), sheet_totalling(Decimal(40), "community")))
    assert result.total == 60
    assert result.missing_evaluators == ["housing_center", "owners_committee"]


def test_thirds_are_exact_so_three_sheets_of_60_give_60() -> None:
    sheets = [sheet_totalling(Decimal(60), e)
              for e in ("mediation_center", "owners_committee", "community")]
    assert score(card(*sheets)).total == 60


def test_categories_cover_the_rubric_and_weakest_items_come_first() -> None:
    sheet = uniform("1")
    sheet["items"]["ft_accounts"] = "0"
    sheet["items"]["sv_complaints"] = "2.5"
    result = score(card(sheet))
    assert sum(c.max_points for c in result.by_category) == 100
    assert [i.id for i in result.weakest_items] == ["ft_accounts", "sv_complaints"]
    fees = next(c for c in result.by_category if c.category == "fee_transparency")
    assert (fees.points, fees.max_points) == (Decimal(6), Decimal(10))


def _problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        score(data)
    return [(p.location, p.code) for p in caught.value.problems]


def test_points_above_an_items_max_are_refused_where_they_are() -> None:
    sheet = uniform("1", "community")
    sheet["items"]["bm_handover"] = "3.5"
    assert _problems(card(uniform("1"), sheet)) == [
        ("evaluations[1].items.bm_handover", "points_out_of_range")]


def test_negative_points_are_refused() -> None:
    sheet = uniform("1")
    sheet["items"]["bm_handover"] = "-1"
    assert _problems(card(sheet))[0][0] == "evaluations[0].items.bm_handover"


def test_an_unknown_item_is_refused_with_both_languages() -> None:
    sheet = uniform("1", "owners_committee")
    sheet["items"]["fee_transparency"] = "3"
    with pytest.raises(InputError) as caught:
        score(card(uniform("1"), sheet))
    problem = caught.value.problems[0]
    assert (problem.location, problem.code) == ("evaluations[1].items.fee_transparency",
                                                "unknown_item")
    assert "评分项" in problem.zh and "no rubric item" in problem.en
    assert "evaluations[1].items.fee_transparency" in str(caught.value)


def test_a_duplicated_evaluator_is_refused() -> None:
    problems = _problems(card(uniform("1"), uniform("0.5", "community"), uniform("1", "community")))
    assert problems[0][0] == "evaluations"


def test_the_mediation_centers_sheet_is_required_and_complete() -> None:
    assert _problems(card(uniform("1", "community"))) == [("evaluations", "missing_evaluator")]
    partial = uniform("1")
    del partial["items"]["gr_upkeep"]
    assert _problems(card(partial)) == [("evaluations[0].items", "incomplete_sheet")]


def test_every_problem_is_reported_at_once() -> None:
    sheet = uniform("1", "community")
    sheet["items"]["nope"] = "1"
    sheet["items"]["bm_handover"] = "9"
    assert len(_problems(card(sheet))) == 3


def test_one_mistyped_number_does_not_hide_other_mistakes_on_the_sheets() -> None:
    from propertytriage import InputError, score

    card = {"evaluated_on": "2026-01-01", "evaluations": [{"evaluator": "mediation_center", "items": {
        "bm_records": "4,5", "bm_handover": 5, "no_such_item": 1}}]}
    try:
        score(card)
    except InputError as error:
        found = {(p.location, p.code) for p in error.problems}
    else:  # pragma: no cover - the sheet is invalid
        raise AssertionError("expected InputError")
    assert ("evaluations[0].items.bm_records", "invalid_value") in found
    assert ("evaluations[0].items.bm_handover", "points_out_of_range") in found
    assert ("evaluations[0].items.no_such_item", "unknown_item") in found
