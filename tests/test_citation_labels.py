"""A basis the project could not verify is labelled 出处待核实 wherever a clerk reads it.

What is verified is read from ``rules/citations.yaml`` and which rule cites what from the rule files,
both straight from the YAML, so the expectation does not depend on the code's own reading.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings

from propertytriage import Triage
from propertytriage.scoring import replay, score
from tests import rulefiles
from tests.scoring.helpers import card, uniform
from tests.strategies import cases

LABEL = "（出处待核实）"
CITATIONS: dict[str, dict[str, Any]] = rulefiles.read("citations.yaml")["citations"]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _rule_bases() -> dict[str, list[str]]:
    bases: dict[str, list[str]] = {}
    for path in [*sorted((rulefiles.RULES / "triage").glob("*.yaml")), rulefiles.RULES / "scoring" / "lifecycle.yaml"]:
        data = rulefiles.read(str(path.relative_to(rulefiles.RULES)))
        for rule in data.get("rules", []) if isinstance(data, dict) else []:
            bases[rule["id"]] = rule["basis"]
    return bases


RULE_BASES = _rule_bases()


def _check_basis_text(text: str, ids: list[str], where: str) -> None:
    parts = text.split("；")
    assert len(parts) == len(ids), (where, text, ids)
    for part, cid in zip(parts, ids, strict=True):
        citation = CITATIONS[cid]
        # A title inside 《》 prints its own 《》 as 〈〉 (nested book-title marks); compare it as written.
        unnested = part[0] + part[1:].replace("〈", "《").replace("〉", "》") if part.startswith("《") else part
        assert citation["title"] in unnested, (where, cid, part)
        if citation.get("article"):
            assert citation["article"] in part, (where, cid, part)
        assert part.endswith(LABEL) is (not citation["verified"]), (where, cid, part)


def test_the_rule_book_has_both_kinds_of_citation() -> None:
    assert {c["verified"] for c in CITATIONS.values()} == {True, False}


@settings(max_examples=60, deadline=None)  # no timed assertions
@given(cases())
def test_every_reason_labels_exactly_its_unverified_bases(case: dict[str, Any]) -> None:
    for reason in Triage().decide(case).reasons:
        assert reason.rule in RULE_BASES, reason.rule
        _check_basis_text(reason.basis, RULE_BASES[reason.rule], reason.rule)


def test_every_step_of_a_history_labels_its_unverified_bases() -> None:
    history = json.loads((EXAMPLES / "history.json").read_text(encoding="utf-8"))
    steps = replay(history).steps
    assert steps
    for step in steps:
        _check_basis_text(step.basis, RULE_BASES[step.rule], step.rule)


def test_a_score_labels_the_unverified_bases_of_the_combination_rule() -> None:
    result = score(card(uniform("0.7")))
    _check_basis_text(result.basis, rulefiles.read("scoring/combination.yaml")["basis"], "score")
