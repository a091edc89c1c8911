"""Validate and decide the cases of a batch, all or nothing, in the memory of one case.

Shared by the command line's ``triage``, ``forms`` and ``run`` and by ``POST /v1/triage`` so that a
batch is judged the same way by each (it sits below both, in the engine's layer): every
bad case is reported at once, two cases that would share an id (or a forms folder) are refused,
and nothing is produced unless every case is good.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from propertytriage.engine import Triage
from propertytriage.errors import InputError, Problem, shown
from propertytriage.models import Case, Decision
from propertytriage.models.validation import validate
from propertytriage.ruledata.corrections import without_reason
from propertytriage.ruledata.paths import safe_stem

#: Problems listed in one message; a file of 100,000 bad cases would otherwise fill the terminal
#: and the memory. The count of the others is still given.
MAX_REPORTED = 200


def subject(label: str, item: Any) -> str:
    """How a message names one input: its place (``case[3]``, ``line 4``) and, if it has one, its id."""
    case_id = item.get("case_id") if isinstance(item, dict) else None
    return label + (f" {shown(case_id, 40, quote=False)}" if isinstance(case_id, str) else "")


def case_of(item: Any, subject: str = "") -> Any:
    """The case a clerk's document holds: a ``correction_reason`` beside its keys (what ``import`` takes,
    ruledata/corrections.py) checked and left out of the decision; InputError naming ``subject``."""
    try:
        return without_reason(item)
    except InputError as error:
        raise error.within(subject) if subject else error from None


class _Problems:
    """The problems of a batch, the first :data:`MAX_REPORTED` kept, the rest counted."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if len(self.kept) < MAX_REPORTED:
                self.kept.append(problem)
            else:
                self.more += 1

    def raise_any(self) -> None:
        if not self.kept:
            return
        if self.more:
            self.kept.append(Problem(
                "", "more_problems", f"另有 {self.more} 个问题未列出", f"and {self.more} more problems not listed"
            ))
        raise InputError(self.kept)


def decide_every(
    engine: Triage,
    items: Iterable[Any],
    *,
    check: Callable[[Case], None] | None = None,
    on_decision: Callable[[Decision], None] | None = None,
) -> list[tuple[Case, Decision]]:
    """Validate and decide every case, or report every bad case at once (and produce nothing).

    ``check`` is a further test of each valid case (the forms' printable-text check), reported with
    the rest. With ``on_decision`` each decision is handed over as it is made and nothing is kept
    (the caller holds the output back until this returns); without, the cases and decisions are
    returned. Two cases with one id (as validated: "A1 " is "A1", and ids that would name the same
    forms folder count as one) are refused too: a clerk files a decision under its id. Only the
    ids are remembered from case to case.
    """
    decided: list[tuple[Case, Decision]] = []
    problems = _Problems()
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        label = subject(f"case[{index}]", item)
        try:
            case = validate(Case, without_reason(item))
            decision = engine.decide(case)
            if check is not None:
                check(case)
        except InputError as error:
            problems.add(p.within(label) for p in error.problems)
            continue
        key = safe_stem(case.case_id).casefold()  # "a/b" and "a_b" would share a folder
        if key in first_index:
            problems.add([Problem(
                f"{label}: case_id", "duplicate_case_id",
                f"案件编号与 case[{first_index[key]}] 重复（或仅有大小写、符号之别）",
                f"case_id repeats case[{first_index[key]}] (or differs only in case or symbols)",
            )])
            continue
        first_index[key] = index
        if problems.kept:
            continue  # nothing will be produced: keep only checking
        if on_decision is not None:
            on_decision(decision)
        else:
            decided.append((case, decision))
    problems.raise_any()
    return decided
