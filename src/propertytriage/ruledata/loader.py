"""Read ``rules/``, check it as a whole, and hand the engine a consistent RuleBook.

A court may edit these files, so a mistake must be reported where a clerk can fix it: the file, the
path inside it and what to write instead. Nothing is compiled until everything is consistent: every
fact a rule tests is in the vocabulary with that value, every basis is cited, every stage a rule sends
a case to is on the ladder, and the ladder is one chain that starts where it should and ends at court
(the check durable-rules makes of a statechart, done here before compiling).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from propertytriage.errors import RuleDataError
from propertytriage.models.vocabulary import ENDINGS, STAGES
from propertytriage.ruledata.paths import rules_dir
from propertytriage.ruledata.schema import (
    Citation,
    CitationsFile,
    FactDeclaration,
    FactsFile,
    FactSpec,
    HolidaysFile,
    PhaseFile,
    PipelineFile,
    ScoringFile,
    SmallClaimsFile,
    VersionFile,
    WageFile,
)
from propertytriage.ruledata.wages import WageTable

M = TypeVar("M", bound=BaseModel)


_FIXES = {
    "missing": ("缺少此项，请补上", "this key is required; add it"),
    "extra_forbidden": ("不认识的键，请检查拼写或删除", "unknown key; check its spelling or remove it"),
    "date_from_datetime_parsing": (
        "须为 YYYY-MM-DD 格式的日期，如 2017-01-15",
        "must be YYYY-MM-DD, such as 2017-01-15",
    ),
}


@dataclass(frozen=True)
class RuleBook:
    """Everything in ``rules/`` that triage needs, checked and cross-referenced."""

    root: Path
    citations: dict[str, Citation]
    facts: dict[str, FactSpec]
    placeholders: dict[str, str]
    pipeline: PipelineFile
    phases: tuple[PhaseFile, ...]
    small_claims: SmallClaimsFile
    scoring: ScoringFile
    wages: WageTable
    rules_version: str
    """The declared version of ``rules/`` and a digest of its files, so that an edited copy differs."""

    def basis_label(self, ids: list[str]) -> str:
        """The human-readable basis of a rule, joined with ；."""
        return "；".join(self.citations[i].label() for i in ids)


def _read_yaml(path: Path, root: Path) -> Any:
    name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleDataError(name, "", "文件不存在", "file is missing") from None
    except UnicodeDecodeError:
        raise RuleDataError(name, "", "须以 UTF-8 编码保存", "must be saved as UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        raise RuleDataError(name, where, f"YAML 格式错误：{error}", f"not valid YAML: {error}") from None


def parse_file(model: type[M], path: Path, root: Path) -> M:
    """``path`` read as ``model``; any mistake is a RuleDataError naming the file, path and fix."""
    data = _read_yaml(path, root)
    name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        zh, en = _FIXES.get(first["type"], (f"取值无效：{first['msg']}", first["msg"]))
        raise RuleDataError(name, where, zh, en) from None


def _check_when(
    when: dict[str, Any], facts: dict[str, FactSpec], file: str, where: str
) -> None:
    for fact, wanted in when.items():
        if fact not in facts:
            known = "、".join(facts)
            raise RuleDataError(
                file, f"{where}.{fact}", f"事实「{fact}」不在 facts.yaml 中（可用：{known}）",
                f"fact {fact!r} is not declared in triage/facts.yaml",
            )
        values = wanted["in"] if isinstance(wanted, dict) and "in" in wanted else [wanted]
        if isinstance(wanted, dict) and set(wanted) - {"in", "not"}:
            raise RuleDataError(
                file, f"{where}.{fact}", "条件只能写取值、{in: [...]} 或 {not: 取值}",
                "a condition is a value, {in: [...]} or {not: value}",
            )
        if isinstance(wanted, dict) and "not" in wanted:
            values = [wanted["not"]]
        for value in values:
            if value not in facts[fact].values or type(value) is not type(facts[fact].values[0]):
                raise RuleDataError(
                    file, f"{where}.{fact}",
                    f"取值 {value!r} 不在允许范围 {facts[fact].values} 内",
                    f"value {value!r} is not one of {facts[fact].values}",
                )


def check_basis(ids: list[str], citations: dict[str, Citation], file: str, where: str) -> None:
    """Refuse a basis that ``citations.yaml`` does not register, so every reason can be traced."""
    for cid in ids:
        if cid not in citations:
            raise RuleDataError(
                file, where, f"依据「{cid}」未在 citations.yaml 中登记",
                f"basis {cid!r} is not in citations.yaml; add it there first",
            )


def _check_ladder(pipeline: PipelineFile, citations: dict[str, Citation]) -> None:
    file = "triage/pipeline.yaml"
    stages = [r.stage for r in pipeline.ladder]
    if len(set(stages)) != len(stages):
        raise RuleDataError(file, "ladder", "阶梯中有重复的环节", "a stage appears twice on the ladder")
    # the contract's vocabulary (models/vocabulary.py) is what cases and decisions can say
    for key, found, known in (("ladder", stages, STAGES),
                              ("endings", [e.stage for e in pipeline.endings], ENDINGS)):
        if set(found) != set(known):
            raise RuleDataError(
                file, key, f"环节须恰为 {list(known)}（现为 {found}）；新增环节须先在程序中实现",
                f"the stages must be exactly {list(known)} (found {found}); a new stage needs the "
                "code to know it first",
            )
    targets = {r.escalates_to for r in pipeline.ladder if r.escalates_to is not None}
    for i, rung in enumerate(pipeline.ladder):
        check_basis(rung.basis, citations, file, f"ladder[{i}].basis")
        if rung.escalates_to is not None and rung.escalates_to not in stages:
            raise RuleDataError(
                file, f"ladder[{i}].escalates_to", f"上移目标「{rung.escalates_to}」不在阶梯上",
                f"escalates_to {rung.escalates_to!r} is not a stage on the ladder",
            )
    starts = [r.stage for r in pipeline.ladder if r.stage not in targets]
    if len(starts) != 1:
        raise RuleDataError(
            file, "ladder", f"阶梯须恰有一个起点，现有 {starts}",
            f"the ladder must have exactly one first stage, found {starts}",
        )
    # Estates without an owners' committee skip the rungs that need one: exactly one start there too.
    optional = {r.stage for r in pipeline.ladder if r.only_if}
    if starts[0] in optional:
        nxt = next(r.escalates_to for r in pipeline.ladder if r.stage == starts[0])
        if nxt is None or nxt in optional:
            raise RuleDataError(
                file, "ladder", "无业主委员会的小区没有唯一的起点",
                "estates without an owners' committee have no single first stage",
            )
    ends = [r.stage for r in pipeline.ladder if r.escalates_to is None]
    if ends != ["court"]:
        raise RuleDataError(
            file, "ladder", "阶梯须止于人民法院（court）", "the ladder must end at the court"
        )


def _check_phase(
    phase: PhaseFile, file: str, facts: dict[str, FactSpec], book: dict[str, Any]
) -> None:
    citations: dict[str, Citation] = book["citations"]
    pipeline: PipelineFile = book["pipeline"]
    stages = {r.stage for r in pipeline.ladder} | {e.stage for e in pipeline.endings}
    _check_when(phase.applies_when, facts, file, "applies_when")
    seen: set[str] = set()
    for i, rule in enumerate(phase.rules):
        where = f"rules[{i}]"
        if rule.id in seen or not rule.id.startswith(phase.phase + "."):
            raise RuleDataError(
                file, f"{where}.id", f"规则编号「{rule.id}」重复或未以「{phase.phase}.」开头",
                f"rule id {rule.id!r} is repeated or does not start with {phase.phase!r}.",
            )
        seen.add(rule.id)
        _check_when(rule.when, facts, file, f"{where}.when")
        check_basis(rule.basis, citations, file, f"{where}.basis")
        for name in rule.placeholders():
            if name not in book["placeholders"]:
                raise RuleDataError(
                    file, f"{where}.text", f"说明文字中的占位符 {{{name}}} 未在 facts.yaml 中声明",
                    f"placeholder {{{name}}} in the text is not declared in facts.yaml",
                )
        target = rule.then.next_stage
        if target is not None and target not in stages:
            raise RuleDataError(
                file, f"{where}.then.next_stage", f"环节「{target}」不在 pipeline.yaml 中",
                f"stage {target!r} is not declared in pipeline.yaml",
            )
    if phase.rules[-1].when:
        raise RuleDataError(
            file, f"rules[{len(phase.rules) - 1}].when",
            "每个阶段的最后一条规则须为兜底规则（when: {}），保证每个案件都有结论",
            "the last rule of a phase must be the fallback (when: {}) so every case gets an outcome",
        )


def check_produced_facts(
    book: RuleBook, produced: Mapping[str, FactDeclaration], placeholders: Set[str]
) -> None:
    """Refuse ``facts.yaml`` unless it declares exactly the facts and placeholders the code produces.

    Checked both ways: a fact declared but never produced would crash the engine on the first case
    that reaches a rule reading it; a fact produced but not declared is one no rule may use and no
    clerk can read about. Values, ``lazy`` and ``decided`` must match too.
    """
    file = "triage/facts.yaml"
    for name, spec in book.facts.items():
        made = produced.get(name)
        if made is None:
            raise RuleDataError(
                file, f"facts.{name}",
                f"程序不产生事实「{name}」（可用：{'、'.join(produced)}）；请删除此项，或先在程序中实现它",
                f"the code produces no fact {name!r}; remove it, or implement it in the code first",
            )
        if set(spec.values) != set(made.values) or {type(v) for v in spec.values} != {
            type(v) for v in made.values
        }:
            raise RuleDataError(
                file, f"facts.{name}.values",
                f"取值须与程序产生的一致：{list(made.values)}（现为 {spec.values}）",
                f"the values must be those the code produces: {list(made.values)} "
                f"(found {spec.values})",
            )
        for flag in ("lazy", "decided"):
            if getattr(spec, flag) != getattr(made, flag):
                want = str(getattr(made, flag)).lower()
                raise RuleDataError(
                    file, f"facts.{name}.{flag}", f"须写 {flag}: {want}，与程序一致",
                    f"must read {flag}: {want}, as the code produces it",
                )
    for name, made in produced.items():
        if name not in book.facts:
            values = ", ".join(str(v).lower() if isinstance(v, bool) else v for v in made.values)
            raise RuleDataError(
                file, f"facts.{name}",
                f"程序产生事实「{name}」，但 facts.yaml 未声明；请补上（values: [{values}]）并写明含义",
                f"the code produces fact {name!r} but facts.yaml does not declare it; add it with "
                f"values: [{values}] and its meaning",
            )
    for name in book.placeholders:
        if name not in placeholders:
            raise RuleDataError(
                file, f"placeholders.{name}",
                f"程序不提供占位符「{name}」（可用：{'、'.join(sorted(placeholders))}）；请删除此项",
                f"the code fills no placeholder {name!r}; remove it",
            )
    for name in sorted(placeholders - set(book.placeholders)):
        raise RuleDataError(
            file, f"placeholders.{name}", f"程序提供占位符「{name}」，但未在此声明；请补上其含义",
            f"the code fills placeholder {name!r} but facts.yaml does not declare it; add its meaning",
        )


def load_rulebook(root: Path | None = None) -> RuleBook:
    """Load and check every file; raise RuleDataError naming the first mistake."""
    root = (root or rules_dir()).resolve()
    citations = parse_file(CitationsFile, root / "citations.yaml", root).citations
    facts_file = parse_file(FactsFile, root / "triage" / "facts.yaml", root)
    facts = facts_file.facts
    pipeline = parse_file(PipelineFile, root / "triage" / "pipeline.yaml", root)
    _check_ladder(pipeline, citations)
    book: dict[str, Any] = {
        "citations": citations, "pipeline": pipeline, "placeholders": facts_file.placeholders
    }
    phases = []
    names: set[str] = set()
    for name in pipeline.phases:
        file = f"triage/{name}"
        phase = parse_file(PhaseFile, root / "triage" / name, root)
        if phase.phase in names:
            raise RuleDataError(file, "phase", "阶段名重复", f"phase {phase.phase!r} is repeated")
        names.add(phase.phase)
        _check_phase(phase, file, facts, book)
        phases.append(phase)
    small_claims = parse_file(SmallClaimsFile, root / "parameters" / "small_claims.yaml", root)
    check_basis(small_claims.basis, citations, "parameters/small_claims.yaml", "basis")
    scoring = parse_file(ScoringFile, root / "parameters" / "scoring.yaml", root)
    check_basis(scoring.basis, citations, "parameters/scoring.yaml", "basis")
    wage_files = sorted((root / "parameters" / "wages").glob("*.yaml"))
    wages = WageTable.from_files(
        [(str(p.relative_to(root)), parse_file(WageFile, p, root)) for p in wage_files]
    )
    version = parse_file(VersionFile, root / "version.yaml", root)
    load_holidays(root)  # deadlines read it on their own; a mistake in it is still found here
    return RuleBook(root, citations, facts, facts_file.placeholders, pipeline, tuple(phases),
                    small_claims, scoring, wages, rules_version=f"{version.version}+{_digest(root)}")


def _digest(root: Path) -> str:
    """A short digest of every rule file (examples under tests/ excluded): a local edit shows."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        relative = path.relative_to(root)
        if relative.parts[0] == "tests":
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def load_holidays(root: Path | None = None) -> HolidaysFile:
    """Load ``parameters/holidays.yaml``; raise RuleDataError naming the first mistake.

    Deadlines need it apart from triage (the scoring lifecycle counts them), so it has a loader of
    its own; ``load_rulebook`` calls it too, so a mistake shows wherever the rules are loaded.
    """
    root = (root or rules_dir()).resolve()
    holidays = parse_file(HolidaysFile, root / "parameters" / "holidays.yaml", root)
    seen: set[str] = set()
    for i, entry in enumerate(holidays.fixed_dates):
        if entry.day in seen:
            raise RuleDataError(
                "parameters/holidays.yaml", f"fixed_dates[{i}].day", f"日期 {entry.day} 重复",
                f"the day {entry.day} is listed twice",
            )
        seen.add(entry.day)
    return holidays


@lru_cache(maxsize=4)
def default_rulebook(root: Path | None = None) -> RuleBook:
    """The rule book in force, loaded once per process."""
    return load_rulebook(root)
