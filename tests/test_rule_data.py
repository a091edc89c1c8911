"""The rule loader refuses bad data and says where and how to fix it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from propertytriage import RuleDataError
from propertytriage.ruledata import load_rulebook
from tests.rulefiles import edit as _edit

BREAKAGES: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("unknown fact", lambda r: _edit(r / "triage/court.yaml", "{contentious: true}",
                                     "{contentous: true}"), "triage/court.yaml",
     "rules[0].when.contentous"),
    ("value not allowed", lambda r: _edit(r / "triage/court.yaml", "{amount_band: within_mandatory}",
                                          "{amount_band: small}"), "triage/court.yaml",
     "rules[5].when.amount_band"),
    ("uncited basis", lambda r: _edit(r / "triage/court.yaml", "basis: [cpl_166]",
                                      "basis: [cpl_999]"), "triage/court.yaml", "rules[1].basis"),
    ("stage not on ladder", lambda r: _edit(r / "triage/stage.yaml", "{next_stage: community}",
                                            "{next_stage: township}"), "triage/stage.yaml",
     "rules[4].then.next_stage"),
    ("no fallback", lambda r: _edit(r / "triage/court.yaml", "  - id: court.fast_track\n    when: {}",
                                    "  - id: court.fast_track\n    when: {contentious: false}"),
     "triage/court.yaml", "rules[8].when"),
    ("ladder with two starts", lambda r: _edit(r / "triage/pipeline.yaml",
                                               "escalates_to: community", "escalates_to: null"),
     "triage/pipeline.yaml", "ladder"),
    ("ladder to nowhere", lambda r: _edit(r / "triage/pipeline.yaml",
                                          "escalates_to: mediation_center",
                                          "escalates_to: arbitration"),
     "triage/pipeline.yaml", "ladder[1].escalates_to"),
    ("bad date", lambda r: _edit(r / "parameters/wages/150000-nei-mongol.yaml",
                                 "published_on: 2024-06-24", "published_on: 24/06/2024"),
     "parameters/wages/150000-nei-mongol.yaml", "values"),
    ("unknown key", lambda r: _edit(r / "parameters/small_claims.yaml", "inclusive: true",
                                    "inclusive: true\nexclusive: false"),
     "parameters/small_claims.yaml", "exclusive"),
    ("undeclared placeholder", lambda r: _edit(r / "triage/court.yaml", "标的额 {claim_amount} 元{claim_basis}，不超过",
                                               "标的额 {amount} 元{claim_basis}，不超过"),
     "triage/court.yaml", "rules[5].text"),
    ("broken yaml", lambda r: _edit(r / "triage/stage.yaml", "phase: stage", "phase: [stage"),
     "triage/stage.yaml", ""),
]


@pytest.mark.parametrize(("label", "breaks", "file", "path"), BREAKAGES,
                         ids=[b[0] for b in BREAKAGES])
def test_each_kind_of_mistake_is_reported_with_file_and_path(
    rules_copy: Path, label: str, breaks: Callable[[Path], None], file: str, path: str
) -> None:
    breaks(rules_copy)
    with pytest.raises(RuleDataError) as raised:
        load_rulebook(rules_copy)
    assert raised.value.file == file
    assert raised.value.path.startswith(path)
    assert raised.value.zh and raised.value.en


def test_the_rules_in_force_load(rules_copy: Path) -> None:
    book = load_rulebook(rules_copy)
    assert [p.phase for p in book.phases] == ["stage", "rectification", "mediation", "court"]


def test_a_title_quoted_inside_a_title_takes_single_book_marks() -> None:
    """GB/T 15834—2011: 书名号里边还要用书名号时，外面一层用双书名号，里边一层用单书名号."""
    from propertytriage.ruledata import default_rulebook

    labels = [c.label() for c in default_rulebook().citations.values()]
    nested = [label for label in labels if "〈" in label]
    assert nested, "the rules cite the interpretation of the Civil Procedure Law, a nested title"
    for label in labels:
        inner = label[1:label.index("》")] if label.startswith("《") else ""
        assert "《" not in inner, label
    assert any("〈中华人民共和国民事诉讼法〉" in label for label in nested)


def test_a_stage_the_contract_does_not_know_is_refused(rules_copy: Path) -> None:
    _edit(rules_copy / "triage/pipeline.yaml", "  - stage: out_of_scope\n",
          "  - stage: withdrawn\n    title: 撤回\n  - stage: out_of_scope\n")
    with pytest.raises(RuleDataError) as refused:
        load_rulebook(rules_copy)
    assert (refused.value.file, refused.value.path) == ("triage/pipeline.yaml", "endings")
