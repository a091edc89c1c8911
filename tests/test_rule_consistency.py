"""Rule files that must agree with each other, beyond what the loader can refuse on its own.

Why: an edit that keeps each file valid can still make two of them disagree — the ladder of
``pipeline.yaml`` (what the reports and the docs show as the order of the mechanism) against the
stage rules that actually move a case, or a citation whose article no longer matches its key. The
loader checks shapes; these tests check that the data says one thing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from propertytriage import Triage
from propertytriage.ruledata import default_rulebook

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int:
    """The value of a Chinese numeral as articles are numbered (一千二百五十九, 二百零一, 十二)."""
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + (digit or 0)


@pytest.mark.parametrize(("text", "value"), [
    ("二", 2), ("十", 10), ("十二", 12), ("二十七", 27), ("八十五", 85), ("一百六十五", 165),
    ("二百零一", 201), ("二百七十二", 272), ("九百四十四", 944), ("一千二百五十九", 1259), ("一千零五", 1005),
])
def test_chinese_numerals_read_as_articles_are_numbered(text: str, value: int) -> None:
    assert chinese_number(text) == value


def _citations() -> dict[str, Any]:
    return dict(default_rulebook().citations)


def test_a_citation_keyed_by_article_number_cites_that_article() -> None:
    """``cpl_165`` must cite 第一百六十五条: rules name citations by key, so a key that points at
    another article would print the wrong article under every decision that uses it."""
    checked = 0
    for key, citation in _citations().items():
        number = re.search(r"_(\d+)$", key)
        if number is None or not citation.article:
            continue
        article = re.match(r"第([零一二两三四五六七八九十百千]+)条", citation.article)
        assert article, f"{key}: article {citation.article!r} is not written as 第…条"
        assert chinese_number(article.group(1)) == int(number.group(1)), (key, citation.article)
        checked += 1
    assert checked >= 10  # the statute citations are keyed this way; a rename would silently skip them


def test_no_article_is_cited_twice_under_different_keys() -> None:
    seen: dict[tuple[str, str], str] = {}
    for key, citation in _citations().items():
        if not citation.article:
            continue
        where = (citation.title, citation.article)
        assert where not in seen, f"{key} and {seen[where]} both cite {where}"
        seen[where] = key


def _case(has_owners_committee: bool, failed: list[str]) -> dict[str, Any]:
    return {
        "case_id": "T-LADDER-ORDER", "filed_on": "2025-03-01", "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "3600",
        "company_score": 75, "has_owners_committee": has_owners_committee,
        "attempts": [{"stage": stage, "outcome": "failed"} for stage in failed],
    }


@pytest.mark.parametrize("has_owners_committee", [True, False])
def test_a_dispute_that_fails_at_each_rung_goes_where_the_ladder_says(has_owners_committee: bool) -> None:
    """Walk ``pipeline.yaml``'s ladder as the rule book declares it: each failure must send the case
    to that rung's ``escalates_to``, as decided by the stage rules, up to the court."""
    ladder = default_rulebook().pipeline.ladder
    rungs = {r.stage: r for r in ladder}
    targets = {r.escalates_to for r in ladder}
    start = next(r for r in ladder if r.stage not in targets)
    if start.only_if and not has_owners_committee:
        start = rungs[str(start.escalates_to)]
    engine = Triage()
    failed: list[str] = []
    rung = start
    visited = []
    while True:
        decision = engine.decide(_case(has_owners_committee, failed))
        assert decision.next_stage == rung.stage, (failed, [r.rule for r in decision.reasons])
        visited.append(rung.stage)
        if rung.escalates_to is None:
            break
        failed.append(rung.stage)
        rung = rungs[rung.escalates_to]
    assert visited[-1] == "court"
    assert len(visited) == (4 if has_owners_committee else 3)
