"""Reading cases and writing results as JSON, JSON lines or a stream.

Numbers are read as exact decimals (``parse_float=Decimal``) so that an amount such as 0.1 never
passes through a binary float. A JSON document is read whole (a list is all-or-nothing: one bad case
means no output at all); a ``.jsonl`` file is read line by line so a batch of any size runs in
constant memory.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from propertytriage.errors import InputError, Problem


def _bad_json(error: json.JSONDecodeError, subject: str) -> InputError:
    hint_zh, hint_en = "", ""
    if error.msg == "Extra data":  # a second document after the first: JSON lines read as JSON
        hint_zh = "；如为每行一个案件的 JSON Lines 文件，请使用 .jsonl 扩展名或加 --jsonl"
        hint_en = "; for one case per line (JSON Lines), name the file .jsonl or add --jsonl"
    return InputError(
        [
            Problem(
                f"line {error.lineno} column {error.colno}", "json_invalid",
                f"不是有效的 JSON：{error.msg}{hint_zh}", f"not valid JSON: {error.msg}{hint_en}",
            )
        ],
        subject=subject,
    )


class _DuplicateKeyError(ValueError):
    pass


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows a key twice and keeps the last; a clerk's file with two claimants is a mistake."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def loads(text: str, *, subject: str = "") -> Any:
    """Parse JSON with exact decimals; InputError with the line and column if it is malformed."""
    try:
        return json.loads(
            text.removeprefix("\ufeff"), parse_float=Decimal, object_pairs_hook=_refuse_duplicate_keys
        )
    except json.JSONDecodeError as error:
        raise _bad_json(error, subject) from None
    except _DuplicateKeyError as error:
        key = str(error)
        raise InputError(
            [Problem(key, "duplicate_key", f"键「{key}」在同一对象中出现两次",
                     f"key {key!r} appears twice in one object")],
            subject=subject,
        ) from None


def open_input(path: str) -> IO[str]:
    """The file at ``path``, or standard input for ``-``; InputError if it cannot be read."""
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except OSError as error:
        raise InputError(
            [Problem(path, "unreadable", f"无法读取文件：{error.strerror}",
                     f"cannot read the file: {error.strerror}")]
        ) from None


def read_document(path: str) -> Any:
    """A whole JSON document from a file or standard input."""
    handle = open_input(path)
    try:
        text = handle.read()
    except UnicodeDecodeError:
        raise InputError(
            [Problem(path, "encoding", "文件须为 UTF-8 编码", "the file must be UTF-8")]
        ) from None
    finally:
        if handle is not sys.stdin:
            handle.close()
    return loads(text, subject=path)


def iter_lines(path: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line of a JSON-lines file."""
    handle = open_input(path)
    try:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, loads(line, subject=f"line {number}")
    finally:
        if handle is not sys.stdin:
            handle.close()


def dumps(data: Any, *, pretty: bool = True) -> str:
    """JSON for people (indented, Chinese left readable) or for streams (one line)."""
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def is_json_lines(path: str) -> bool:
    """Whether the input is JSON lines (by its name; stdin is JSON unless told otherwise)."""
    return Path(path).suffix.lower() in {".jsonl", ".ndjson"}
