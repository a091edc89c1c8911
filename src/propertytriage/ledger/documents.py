"""Documents from files, each with where it came from: ``cases.json [3]``, ``cases.jsonl line 12``.

A ``.json`` file is one document or a list of them; a ``.jsonl`` file is read line by line so a file
of any size is imported in constant memory. A file that cannot be read or parsed is refused as a
whole (a JSON list cannot be read in part); a bad line of a ``.jsonl`` file is refused alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

import propertytriage.jsonio as jsonio
from propertytriage.errors import InputError, Problem, os_reason_zh
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


def _plain(value: Any, colons: int) -> bool:
    """Whether orjson's reading of a text with ``colons`` colons is the one that counts.

    It is not when a fractional number was read (orjson reads floats; amounts must be exact), or
    when the text may give a key twice: orjson keeps the last, where the standard reading refuses
    the document. Every key of an object is followed by a colon, so a text with exactly as many
    colons as the objects read have keys gave none twice; a colon inside a string only sends the
    document to the exact reading, which decides.

    A loop over a stack with exact type tests (orjson makes plain dicts, lists and floats only):
    checking every line of a large import by recursion cost a third of reading it.
    """
    stack = [value]
    pop, extend = stack.pop, stack.extend
    keys = 0
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            keys += len(item)
            extend(item.values())
        elif kind is list:
            extend(item)
        elif kind is float:
            return False
    return keys == colons


def _loads(text: str) -> Any:
    """JSON with exact decimals; InputError naming the line and column if it is malformed.

    orjson reads a document several times faster than the standard library, but only into floats
    and keeping the last of a key given twice: a document where either may have happened, and one
    orjson refuses (it is stricter), is read again by ``jsonio.loads`` (as ``triage`` reads a
    file), whose result (``Decimal``) or refusal (with its line and column, or the key given
    twice) is the one that counts.
    """
    text = text.removeprefix("\ufeff")
    try:
        fast = orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    else:
        if _plain(fast, text.count(":")):
            return fast
    return jsonio.loads(text)


def unreadable(path: str, error: OSError | UnicodeDecodeError) -> Document:
    """The refusal of a file (or a line of one) that cannot be read, as every reader of files gives it."""
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
        yield unreadable(path, error)
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
        yield unreadable(path, error)
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
            yield unreadable(f"{path} line {number + 1}", error)
