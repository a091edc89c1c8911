"""The rubric in force adds up to 100, cites its sources, and broken rubrics are refused clearly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from propertytriage import RuleDataError
from propertytriage.scoring import default_scoring_rules, load_rubric, rubric_items

BROKEN = Path(__file__).parent / "broken"


def test_rubric_items_add_up_to_100_with_the_fields_the_cli_prints() -> None:
    items = rubric_items()
    assert sum(item["max_points"] for item in items) == 100
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert {"id", "category", "title", "max_points", "earns", "loses", "sources"} <= set(item)


def test_the_national_model_estate_categories_are_all_present() -> None:
    categories = {item["category"] for item in rubric_items()}
    assert categories == {
        "basic_management", "building_maintenance", "shared_facilities", "order_safety",
        "cleaning", "greening", "owner_service", "fee_transparency",
    }


def test_unverified_sources_are_marked_so() -> None:
    rubric = default_scoring_rules().rubric
    assert not rubric.sources["national_model_estate"].verified
    assert any(not item["verified"] for item in rubric_items())


def test_the_review_stamp_is_neither_stale_nor_in_the_future() -> None:
    rubric = default_scoring_rules().rubric
    assert rubric.effective_on <= rubric.last_reviewed_on <= date.today()


@pytest.mark.parametrize(
    ("file", "path", "words"),
    [
        ("rubric_sums_to_99.yaml", "items", ["99", "100"]),
        ("rubric_duplicate_item.yaml", "items[1].id", ["bm_one", "unique"]),
        ("rubric_unknown_category.yaml", "items[1].category", ["greening"]),
        ("rubric_unknown_source.yaml", "items[0].sources", ["hearsay"]),
        ("rubric_points_as_words.yaml", "items.0.max_points", ["max_points"]),
    ],
)
def test_a_broken_rubric_is_refused_naming_file_path_and_fix(
    file: str, path: str, words: list[str]
) -> None:
    with pytest.raises(RuleDataError) as caught:
        load_rubric(BROKEN / file)
    assert caught.value.file == file
    assert caught.value.path == path
    message = str(caught.value)
    for word in words:
        assert word in message
