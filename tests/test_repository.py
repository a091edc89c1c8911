"""Whole-repository checks: every rule is cited and exemplified, every error code documented."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import yaml

import propertytriage.errors as errors
from propertytriage.ruledata import default_rulebook, rules_dir

ROOT = Path(__file__).resolve().parent.parent


def _example_rules() -> set[str]:
    seen: set[str] = set()
    for path in (ROOT / "rules" / "tests").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["kind"] == "triage":
            for example in data["examples"]:
                seen.update(example["output"].get("rules", []))
    return seen


def test_every_rule_has_a_basis_an_explanation_and_an_example() -> None:
    book = default_rulebook()
    exemplified = _example_rules()
    for phase in book.phases:
        for rule in phase.rules:
            assert rule.basis and all(b in book.citations for b in rule.basis), rule.id
            assert re.search(r"[\u4e00-\u9fff]", rule.text), rule.id
            assert rule.id in exemplified, f"{rule.id} has no triage example in rules/tests/"


def test_every_citation_is_verified_or_says_why_not() -> None:
    for cid, citation in default_rulebook().citations.items():
        assert citation.verified or (citation.note and citation.note.strip()), cid
        if citation.verified:
            assert citation.href, cid


def test_every_error_code_is_documented() -> None:
    documented = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    classes = [v for v in vars(errors).values()
               if isinstance(v, type) and issubclass(v, errors.PropertyTriageError)]
    for cls in classes:
        assert f"`{cls.code}`" in documented, f"{cls.__name__}.code {cls.code!r} not in docs"


def test_wage_data_was_reviewed_within_the_last_eighteen_months() -> None:
    for path in (rules_dir() / "parameters" / "wages").glob("*.yaml"):
        reviewed = yaml.safe_load(path.read_text(encoding="utf-8"))["last_reviewed_on"]
        assert reviewed <= date.today(), path.name
        assert date.today() - reviewed < timedelta(days=548), (
            f"{path.name}: last_reviewed_on {reviewed} is stale; check for newly published figures"
        )


def test_every_problem_code_raised_in_the_source_is_documented() -> None:
    documented = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    pattern = re.compile(r'Problem\(\s*(?:[^,()]|\([^()]*\))+?,\s*"([a-z_]+)"', re.S)
    codes = {m.group(1) for path in (ROOT / "src").rglob("*.py")
             for m in pattern.finditer(path.read_text(encoding="utf-8"))}
    assert len(codes) > 10  # the pattern still finds them
    missing = sorted(code for code in codes if f"`{code}`" not in documented)
    assert not missing, f"problem codes not in docs/errors.md: {missing}"
