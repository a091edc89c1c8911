"""Reading cases and writing results as JSON, JSON lines or a stream.

Numbers are read as exact decimals (``parse_float=Decimal``) so that an amount such as 0.1 never
passes through a binary float; an integer too long for Python's int-string limit is read as a
decimal too, so the field it sits in is refused by name instead of the parser failing. A JSON list
is read item by item (:mod:`.jsonstream`), a ``.jsonl`` file line by line: a batch of any size runs
in the memory of its largest case. Every item is parsed by :func:`loads`, whichever way it came.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NamedTuple

import propertytriage.jsonstream as jsonstream
from propertytriage.errors import InputError, Problem, os_reason_zh, shown

#: Integers longer than this are read as Decimal (still exact); far below Python's 4,300-digit limit.
_LONGEST_INT = 100


def _parse_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= _LONGEST_INT else Decimal(text)


# The parser's messages (Python's json module), in Chinese for the clerk's half of the message.
_JSON_ZH = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为用英文双引号括起的字段名",
    "Expecting ',' delimiter": "此处缺少英文逗号",
    "Expecting ':' delimiter": "此处缺少英文冒号",
    "Extra data": "有多余的内容",
    "Unterminated string starting at": "字符串缺少结尾的英文双引号",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义符（\\）",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
}


def json_message_zh(msg: str) -> str:
    """The json module's message in Chinese (its English stays in the English half)."""
    for english, chinese in _JSON_ZH.items():
        if msg.startswith(english):
            return chinese
    return "格式错误"


def _bad_json(msg: str, line: int, column: int, subject: str, *, lines: bool = False) -> InputError:
    hint_zh, hint_en = "", ""
    if msg == "Extra data" and not lines:  # a second document after the first: JSON lines read as JSON
        hint_zh = "；如为每行一个案件的 JSON Lines 文件，请使用 .jsonl 扩展名或加 --jsonl"
        hint_en = "; for one case per line (JSON Lines), name the file .jsonl or add --jsonl"
    elif msg == "Extra data":
        hint_zh, hint_en = "；每行只能有一个 JSON 值", "; each line holds one JSON value"
    return InputError(
        [
            Problem(
                f"line {line} column {column}", "json_invalid",
                f"不是有效的 JSON：{json_message_zh(msg)}{hint_zh}", f"not valid JSON: {msg}{hint_en}",
            )
        ],
        subject=subject,
    )


def _too_deep(subject: str, where: str = "") -> InputError:
    return InputError(
        [Problem(where, "json_invalid", "JSON 嵌套层数过多", "JSON nested too deeply")], subject=subject
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


class _Pairs(list[tuple[str, Any]]):
    """An object's pairs as read, in order: what the search for a repeated key walks."""


def _path_of_repeat(text: str) -> str | None:
    """The path of the first key given twice (``property_company.name``, ``owners[1].phone``), found by
    reading ``text`` again without refusing it; None when the rest of the text cannot be read.

    Why a second reading: the refusal happens where the inner object closes, before the objects around it
    exist, so the first reading cannot say where it sits. It runs only for a refused document.
    """
    first: list[_Pairs] = []

    def remember(pairs: list[tuple[str, Any]]) -> _Pairs:
        found = _Pairs(pairs)
        if not first and len({key for key, _ in pairs}) < len(pairs):
            first.append(found)  # objects close inner first, as the refusing reading met them
        return found

    try:
        root = json.JSONDecoder(object_pairs_hook=remember, parse_int=str, parse_float=str,
                                parse_constant=str).decode(text)
    except (ValueError, RecursionError):
        return None
    if not first:
        return None
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        value, path = stack.pop()
        if value is first[0]:
            return _joined(path, _repeated_key(value))
        if isinstance(value, _Pairs):
            stack += [(item, _joined(path, key)) for key, item in value]
        elif isinstance(value, list):
            stack += [(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return None


def _repeated_key(pairs: _Pairs) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    raise AssertionError("unreachable: the object was remembered for a repeated key")


def _joined(path: str, key: str) -> str:
    name = shown(key, 40, quote=False)  # a key is input too, as in a validation problem's location
    return f"{path}.{name}" if path else name


def _decoder() -> json.JSONDecoder:
    return json.JSONDecoder(parse_float=Decimal, parse_int=_parse_int, object_pairs_hook=_refuse_duplicate_keys)


def loads(text: str, *, subject: str = "", line: int = 1, column: int = 1, lines: bool = False,
          at: str = "") -> Any:
    """Parse JSON with exact decimals; InputError with the line and column if it is malformed.

    ``line`` and ``column`` say where ``text`` starts in its file, so an item of a list or a line
    of JSON lines is placed in the file, not in itself; ``lines`` says the text is one line of
    JSON lines (a hint about JSON lines would then suggest what is already done); ``at`` is the
    text's place in its document (``[3]``, an item of a list), put before the path of a key given twice.
    """
    try:
        return _decoder().decode(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as error:
        at_line = line + error.lineno - 1
        at_column = error.colno + (column - 1 if error.lineno == 1 else 0)
        raise _bad_json(error.msg, at_line, at_column, subject, lines=lines) from None
    except RecursionError:
        raise _too_deep(subject, f"line {line}") from None
    except _DuplicateKeyError as error:
        key = shown(str(error), 40)
        path = _path_of_repeat(text.removeprefix("\ufeff")) or shown(str(error), 40, quote=False)  # else the key
        where = f"{at}{path}" if not at or path.startswith("[") else f"{at}.{path}"
        raise InputError(
            [Problem(where, "duplicate_key", f"键 {key} 在同一对象中出现两次",
                     f"key {key} appears twice in one object")],
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
            [Problem(path, "unreadable", f"无法读取文件：{os_reason_zh(error.errno)}",
                     f"cannot read the file: {error.strerror}")]
        ) from None


def _not_utf8(path: str) -> InputError:
    return InputError([Problem(path, "encoding", "文件须为 UTF-8 编码", "the file must be UTF-8")])


@contextlib.contextmanager
def _reading(path: str) -> Iterator[IO[str]]:
    handle = open_input(path)
    try:
        yield handle
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    finally:
        if handle is not sys.stdin:
            handle.close()


def read_document(path: str) -> Any:
    """A whole JSON document from a file or standard input."""
    with _reading(path) as handle:
        text = handle.read()
    return loads(text, subject=path)


class Cases(NamedTuple):
    """A JSON document read as cases: ``is_list`` and its items one by one (or the one value)."""

    is_list: bool
    values: Iterator[Any]


@contextlib.contextmanager
def read_cases(path: str) -> Iterator[Cases]:
    """One case or a list of cases from a JSON file, the list read item by item as it is used.

    Why: a list of 100,000 cases is 40 MB of text and ten times that as Python objects; read item
    by item, memory stays at a few times the largest case.
    """
    with _reading(path) as handle:
        start = handle.read(4096).removeprefix("\ufeff")
        if start.lstrip(" \t\r\n").startswith("["):
            yield Cases(True, list_items(handle, start, path))
        else:
            yield Cases(False, iter([loads(start + handle.read(), subject=path)]))


def list_items(handle: IO[str], start: str, path: str) -> Iterator[Any]:
    """The parsed items of a JSON list whose text begins with ``start`` and goes on in ``handle``."""
    try:
        for index, item in enumerate(jsonstream.items(handle, start, _decoder().raw_decode)):
            yield item.value if item.parsed else loads(item.text, subject=path, line=item.line, column=item.column,
                                                       at=f"[{index}]")
    except jsonstream.SplitError as error:
        if error.msg.startswith("nested"):
            raise _too_deep(path, f"line {error.line} column {error.column}") from None
        raise _bad_json(error.msg, error.line, error.column, path) from None
    except UnicodeDecodeError:
        raise _not_utf8(path) from None


def iter_lines(path: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line of a JSON-lines file."""
    with _reading(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, loads(line, subject=f"line {number}", line=number, lines=True)


def dumps(data: Any, *, pretty: bool = True) -> str:
    """JSON for people (indented, Chinese left readable) or for streams (one line)."""
    if pretty:
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def is_json_lines(path: str) -> bool:
    """Whether the input is JSON lines (by its name; stdin is JSON unless told otherwise)."""
    return Path(path).suffix.lower() in {".jsonl", ".ndjson"}
