"""facts.yaml and the code agree on the facts, both ways, or the engine refuses to start (issue 7, point 10).

Before this check, a fact added to facts.yaml alone passed the loader and every court case then died
with a bare KeyError in the engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from propertytriage import RuleDataError, Triage
from propertytriage.engine.facts import PRODUCED_FACTS, PRODUCED_PLACEHOLDERS
from propertytriage.ruledata import load_rulebook
from propertytriage.ruledata.loader import check_produced_facts
from propertytriage.ruledata.schema import FactDeclaration
from tests.rulefiles import edit as _edit


def _refused(root: Path) -> RuleDataError:
    book = load_rulebook(root)  # the files are well-formed: only the code can tell the mismatch
    with pytest.raises(RuleDataError) as refused:
        Triage(book)
    return refused.value


def test_a_fact_declared_but_never_produced_is_refused(rules_copy: Path) -> None:
    _edit(rules_copy / "triage/facts.yaml", "  claimant:\n",
          "  tenant_present:\n    values: [true, false]\n    meaning: 承租人在场\n  claimant:\n")
    error = _refused(rules_copy)
    assert (error.file, error.path) == ("triage/facts.yaml", "facts.tenant_present")
    assert "remove it" in error.en


def test_a_value_the_code_never_produces_is_refused(rules_copy: Path) -> None:
    _edit(rules_copy / "triage/facts.yaml", "values: [unknown, pass, below_pass, rectified]",
          "values: [unknown, pass, below_pass, rectified, suspended]")
    error = _refused(rules_copy)
    assert (error.file, error.path) == ("triage/facts.yaml", "facts.score_status.values")


def test_a_lazy_fact_must_be_marked_lazy(rules_copy: Path) -> None:
    _edit(rules_copy / "triage/facts.yaml", "    lazy: true\n", "")
    error = _refused(rules_copy)
    assert error.path.endswith(".lazy")


def test_a_placeholder_the_code_never_fills_is_refused(rules_copy: Path) -> None:
    _edit(rules_copy / "triage/facts.yaml", "placeholders:\n",
          "placeholders:\n  court_fee: 诉讼费（元）\n")
    error = _refused(rules_copy)
    assert error.path == "placeholders.court_fee"


def test_a_fact_produced_but_not_declared_is_refused() -> None:
    book = load_rulebook()
    produced = {**PRODUCED_FACTS, "tenant_present": FactDeclaration(values=(True, False))}
    with pytest.raises(RuleDataError) as refused:
        check_produced_facts(book, produced, PRODUCED_PLACEHOLDERS)
    assert refused.value.path == "facts.tenant_present"
    assert "values: [true, false]" in refused.value.en


def test_the_rules_in_force_match_the_code() -> None:
    check_produced_facts(load_rulebook(), PRODUCED_FACTS, PRODUCED_PLACEHOLDERS)


def test_a_triage_run_names_no_phase_or_fact() -> None:
    """The engine's triage module reads phases and facts from the rule data, not from literals."""
    import ast
    import inspect

    from propertytriage.engine import triage as module

    book = load_rulebook()
    names = {p.phase for p in book.phases} | set(book.facts)
    strings = {node.value for node in ast.walk(ast.parse(inspect.getsource(module)))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert not (strings & names), sorted(strings & names)
