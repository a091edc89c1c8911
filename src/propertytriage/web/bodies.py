"""Request bodies read the way the command line reads files.

The same parser (``cli/jsonio.loads``) gives exact decimals, refuses a key given twice and names the
line and column of malformed JSON, so a body that fails here fails the same way, with the same
codes, as the file would on the command line.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from propertytriage.engine import Triage
from propertytriage.errors import InputError, Problem
from propertytriage.jsonio import loads
from propertytriage.models import Case, Decision
from propertytriage.models.validation import validate
from propertytriage.ruledata.paths import safe_stem


async def body_text(request: Request) -> str:
    """The body as text; InputError (422) if it is not UTF-8 (a byte-order mark is dropped)."""
    raw = await request.body()
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InputError([Problem("body", "encoding", "请求内容须为 UTF-8 编码", "the body must be UTF-8")]) from None


async def json_document(request: Request) -> Any:
    """The body as JSON; InputError (422) if it is empty, not UTF-8 or not JSON."""
    return loads(await body_text(request))


def subject(label: str, item: Any) -> str:
    """How a batch names one input: its place and, if it has one, its id (as the command line does)."""
    case_id = item.get("case_id") if isinstance(item, dict) else None
    return label + (f" {case_id}" if isinstance(case_id, str) else "")


def decide_all(engine: Triage, items: list[Any]) -> list[Decision]:
    """Every case of a list decided, or every bad case reported at once and none decided.

    Two cases with one id are refused as the command line refuses them (ids differing only in case
    or in characters a file name cannot hold count as one): a clerk files a decision under its id.
    """
    decisions: list[Decision] = []
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        name = subject(f"case[{index}]", item)
        try:
            case = validate(Case, item)
            decision = engine.decide(case)
        except InputError as error:
            problems.extend(p.within(name) for p in error.problems)
            continue
        key = safe_stem(case.case_id).casefold()
        if key in first:
            problems.append(Problem(
                f"{name}: case_id", "duplicate_case_id",
                f"案件编号与 case[{first[key]}] 重复（或仅有大小写、符号之别）",
                f"case_id repeats case[{first[key]}] (or differs only in case or symbols)",
            ))
            continue
        first[key] = index
        decisions.append(decision)
    if problems:
        raise InputError(problems)
    return decisions
