"""Documents from files, each with where it came from: ``cases.json [3]``, ``cases.jsonl line 12``.

A ``.json`` file is one document or a list of them; a ``.jsonl`` file is read line by line so a file
of any size is imported in constant memory. A file that cannot be read or parsed is refused as a
whole (a JSON list cannot be read in part); a bad line of a ``.jsonl`` file is refused alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from propertytriage.errors import InputError, Problem, os_reason_zh
from propertytriage.jsonio import json_message_zh
from propertytriage.models.case import Case


@dataclass(frozen=True)
class Document:
    """One document and its source; ``problems`` instead of ``body`` when it could not be read.

    ``case``: the Case ``body`` validates to, when the reader already validated it (a sheet's row,
    whose cells are checked one by one and then as a case), so that the ledger does not again.
    """

    source: str
    body: Any = None
    problems: tuple[Problem, ...] = ()
    case: Case | None = None


def _has_float(value: Any) -> bool:
    """Whether orjson read a fractional number anywhere in ``value``.

    A loop over a stack with exact type tests (orjson makes plain dicts, lists and floats only):
    checking every line of a large import by recursion cost a third of reading it.
    """
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind is float:
            return True
    return False


def _loads(text: str) -> Any:
    """JSON with exact decimals; InputError naming the line and column if it is malformed.

    orjson reads a document several times faster than the standard library, but only into floats:
    a document with a fractional number, and one orjson refuses (it is stricter), is read again by
    the standard library, whose result (``Decimal``) or message is the one that counts.
    """
    text = text.removeprefix("\ufeff")
    try:
        fast = orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    else:
        if not _has_float(fast):
            return fast
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError([Problem(f"line {error.lineno} column {error.colno}", "json_invalid",
                                  f"不是有效的 JSON：{json_message_zh(error.msg)}",
                                  f"not valid JSON: {error.msg}")]) from None


def _unreadable(path: str, error: OSError | UnicodeDecodeError) -> Document:
    if isinstance(error, UnicodeDecodeError):
        return Document(path, problems=(Problem("", "encoding", "文件须为 UTF-8 编码", "the file must be UTF-8"),))
    return Document(path, problems=(Problem("", "unreadable", f"无法读取文件：{os_reason_zh(error.errno)}",
                                            f"cannot read the file: {error.strerror}"),))


def read_documents(path: str) -> Iterator[Document]:
    """Every document of the file at ``path``, in order."""
    if Path(path).suffix.lower() in {".jsonl", ".ndjson"}:
        yield from _json_lines(path)
        return
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        yield _unreadable(path, error)
        return
    try:
        parsed = _loads(text)
    except InputError as error:
        yield Document(path, problems=tuple(error.problems))
        return
    if isinstance(parsed, list):
        for index, body in enumerate(parsed):
            yield Document(f"{path} [{index}]", body)
    else:
        yield Document(path, parsed)


def _json_lines(path: str) -> Iterator[Document]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed by the with below, once opened
    except OSError as error:
        yield _unreadable(path, error)
        return
    with handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                source = f"{path} line {number}"
                try:
                    yield Document(source, _loads(line))
                except InputError as error:
                    yield Document(source, problems=tuple(error.problems))
        except UnicodeDecodeError as error:
            yield _unreadable(f"{path} line {number + 1}", error)
