"""Load and check ``rules/scoring/``: the rubric, the combination rule and the lifecycle rules.

The rubric is edited by people who score companies, not programmers, so every mistake is reported
as the file, the path inside it and what to write instead (like ``ruledata/loader.py``, whose YAML
reading this reuses). Above all the items must add up to exactly 100: a rubric out of 97 would move
every company towards rectification without anyone noticing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

from propertytriage.errors import RuleDataError
from propertytriage.ruledata.loader import (  # shared with the triage rules: same file/path/fix messages
    check_basis,
    default_rulebook,
    load_rulebook,
    parse_file,
)
from propertytriage.ruledata.schema import Citation, ScoringFile
from propertytriage.scoring.schema import CombinationFile, LifecycleFile, RubricFile
from propertytriage.scoring.state import Status

FULL_MARKS = Decimal(100)

LIFECYCLE_FACTS: dict[str, tuple[bool | str, ...]] = {
    "status": get_args(Status),
    "event": ("score_pass", "score_below", "notice", "inspection_passed", "inspection_failed"),
    "before_deadline": (True, False),
    "reaches_penalty": (True, False),
}
"""The vocabulary of ``lifecycle.yaml``: every fact a rule may test and its possible values."""

LIFECYCLE_PLACEHOLDERS = ("pass_mark", "deadline", "failures")



@dataclass(frozen=True, eq=False)
class ScoringRules:
    """Everything scoring needs, checked together: rubric, combination, lifecycle, pass mark.

    Compared by identity (``eq=False``), so a loaded rule set can key the cache of compiled engines.
    """

    root: Path
    rubric: RubricFile
    combination: CombinationFile
    lifecycle: LifecycleFile
    pass_line: ScoringFile
    """``parameters/scoring.yaml``: the pass mark and the one comparison against it."""
    citations: dict[str, Citation]

    @property
    def pass_mark(self) -> Decimal:
        """The pass mark in force, for printing; compare with :meth:`passes`, never by hand."""
        return self.pass_line.pass_mark

    def passes(self, score: Decimal) -> bool:
        """Whether ``score`` reaches the pass mark (``ScoringFile.passes``, the one place it is drawn)."""
        return self.pass_line.passes(score)

    def basis_label(self, ids: list[str]) -> str:
        """A rule's basis as a clerk reads it, joined with ；."""
        return "；".join(self.citations[i].label() for i in ids)


def _fail(file: str, path: str, zh: str, en: str) -> RuleDataError:
    return RuleDataError(file, path, zh, en)


def load_rubric(path: Path, *, file: str | None = None) -> RubricFile:
    """Read one rubric file and refuse it unless it is consistent and adds up to 100."""
    path = path.resolve()
    name = file or path.name
    rubric = parse_file(RubricFile, path, path.parent)
    categories = {c.id for c in rubric.categories}
    if len(categories) != len(rubric.categories):
        raise _fail(name, "categories", "类别编号重复", "a category id appears twice")
    for i, category in enumerate(rubric.categories):
        _check_sources(category.sources, rubric, name, f"categories[{i}].sources")
    seen: set[str] = set()
    for i, item in enumerate(rubric.items):
        where = f"items[{i}]"
        if item.id in seen:
            raise _fail(name, f"{where}.id", f"评分项编号「{item.id}」重复，请改用唯一编号",
                        f"item id {item.id!r} is repeated; give each item a unique id")
        seen.add(item.id)
        if item.category not in categories:
            raise _fail(name, f"{where}.category",
                        f"类别「{item.category}」未在 categories 中声明"
                        f"（可用：{'、'.join(sorted(categories))}）",
                        f"category {item.category!r} is not declared under categories")
        _check_sources(item.sources, rubric, name, f"{where}.sources")
    total = sum((item.max_points for item in rubric.items), Decimal(0))
    if total != FULL_MARKS:
        raise _fail(
            name, "items",
            f"各评分项 max_points 合计为 {total} 分，须恰为 100 分；请调整分值使合计为 100",
            f"the items' max_points add up to {total}, not 100; "
            "adjust them so they total exactly 100",
        )
    empty = categories - {item.category for item in rubric.items}
    if empty:
        raise _fail(name, "categories", f"类别 {sorted(empty)} 下没有评分项，请补充或删除",
                    f"categories {sorted(empty)} have no items; add items or remove them")
    return rubric


def _check_sources(ids: list[str], rubric: RubricFile, file: str, where: str) -> None:
    for source in ids:
        if source not in rubric.sources:
            raise _fail(file, where, f"出处「{source}」未在 sources 中登记",
                        f"source {source!r} is not declared under sources; add it there first")


def _check_combination(combination: CombinationFile, citations: dict[str, Citation]) -> None:
    file = "scoring/combination.yaml"
    check_basis(combination.basis, citations, file, "basis")
    if sum(combination.weights.values(), Decimal(0)) != 1 or min(combination.weights.values()) <= 0:
        raise _fail(file, "weights", "各评分主体权重须为正数且合计为 1",
                    "the weights must be positive and add up to 1")
    for key in ("required", "complete_sheets"):
        for evaluator in getattr(combination, key):
            if evaluator not in combination.weights:
                raise _fail(file, key, f"评分主体「{evaluator}」没有权重",
                            f"evaluator {evaluator!r} has no weight under weights")
    if not set(combination.complete_sheets) <= set(combination.required):
        raise _fail(file, "complete_sheets", "须完整评分的主体也必须列入 required",
                    "an evaluator whose sheet must be complete must also be required")


def _check_when(when: dict[str, Any], file: str, where: str) -> None:
    for fact, wanted in when.items():
        if fact not in LIFECYCLE_FACTS:
            raise _fail(file, f"{where}.{fact}",
                        f"事实「{fact}」不可用（可用：{'、'.join(LIFECYCLE_FACTS)}）",
                        f"fact {fact!r} is not one of {list(LIFECYCLE_FACTS)}")
        allowed = LIFECYCLE_FACTS[fact]
        if wanted not in allowed or type(wanted) is not type(allowed[0]):
            raise _fail(file, f"{where}.{fact}", f"取值 {wanted!r} 不在允许范围 {list(allowed)} 内",
                        f"value {wanted!r} is not one of {list(allowed)}")


def _check_lifecycle(lifecycle: LifecycleFile, citations: dict[str, Citation]) -> None:
    file = "scoring/lifecycle.yaml"
    for key in ("deadline_days_basis", "deadline_basis", "penalty_basis"):
        check_basis(getattr(lifecycle, key), citations, file, key)
    seen: set[str] = set()
    for i, rule in enumerate(lifecycle.rules):
        where = f"rules[{i}]"
        if rule.id in seen:
            raise _fail(file, f"{where}.id", f"规则编号「{rule.id}」重复",
                        f"rule id {rule.id!r} repeats")
        seen.add(rule.id)
        _check_when(rule.when, file, f"{where}.when")
        check_basis(rule.basis, citations, file, f"{where}.basis")
        for name in rule.placeholders():
            if name not in LIFECYCLE_PLACEHOLDERS:
                raise _fail(file, f"{where}.text", f"占位符 {{{name}}} 不可用",
                            f"placeholder {{{name}}} is not one of {list(LIFECYCLE_PLACEHOLDERS)}")
    last = lifecycle.rules[-1]
    if last.when or not last.then.reject:
        raise _fail(file, f"rules[{len(lifecycle.rules) - 1}]",
                    "最后一条规则须为兜底规则（when: {}，then: {reject: true}）",
                    "the last rule must be the fallback (when: {}, then: {reject: true})")


def load_scoring_rules(root: Path | None = None) -> ScoringRules:
    """Load ``rules/scoring/`` under ``root`` (default: the rules in force) and check it whole."""
    book = default_rulebook() if root is None else load_rulebook(root)
    base = book.root
    folder = base / "scoring"
    rubric = load_rubric(folder / "rubric.yaml", file="scoring/rubric.yaml")
    combination = parse_file(CombinationFile, folder / "combination.yaml", base)
    _check_combination(combination, book.citations)
    lifecycle = parse_file(LifecycleFile, folder / "lifecycle.yaml", base)
    _check_lifecycle(lifecycle, book.citations)
    return ScoringRules(base, rubric, combination, lifecycle, book.scoring,
                        book.citations)


@lru_cache(maxsize=1)
def default_scoring_rules() -> ScoringRules:
    """The scoring rules in force, loaded once per process."""
    return load_scoring_rules()


def rubric_items() -> list[dict[str, Any]]:
    """The rubric in force as plain data for ``propertytriage rubric``: one dict per item."""
    rules = default_scoring_rules()
    titles = {c.id: c.title for c in rules.rubric.categories}
    return [
        {
            "id": item.id,
            "category": item.category,
            "category_title": titles[item.category],
            "title": item.title,
            "max_points": item.max_points,
            "earns": item.earns,
            "loses": item.loses,
            "sources": [rules.rubric.sources[s].title for s in item.sources],
            "verified": all(rules.rubric.sources[s].verified for s in item.sources),
        }
        for item in rules.rubric.items
    ]
