"""A JSON list read item by item means exactly what the same list read whole means."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import jsonio, jsonstream
from propertytriage.errors import InputError

_text = st.text(alphabet=st.sampled_from(list('ab"\\[]{},: \n\t\u4e2d\U00020000/')), max_size=8)
_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.decimals(allow_nan=False, allow_infinity=False) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=12,
)
_space = st.text(alphabet=" \t\r\n", max_size=3)


def _as_json(value: Any) -> str:
    """JSON text of ``value`` with decimals written as numbers."""
    if isinstance(value, Decimal):
        return str(value)  # "1E+2", "-0.5": JSON numbers as they are
    if isinstance(value, list):
        return "[" + ",".join(_as_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _as_json(v) for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


class _Trickle(io.StringIO):
    """A file that hands out a few characters a read, to cut items at every possible place."""

    def __init__(self, text: str, step: int) -> None:
        super().__init__(text)
        self.step = step

    def read(self, size: int | None = -1) -> str:
        return super().read(self.step)


def _streamed(text: str, step: int, fast: bool = False) -> list[Any]:
    """The list read item by item: the careful path only, or first the parser's fast path."""
    if fast:
        handle = _Trickle(text, step)
        return list(jsonio.list_items(handle, handle.read(), "list.json"))
    handle = _Trickle(text, step)
    start = handle.read()
    return [jsonio.loads(i.text, line=i.line, column=i.column) for i in jsonstream.items(handle, start)]


@settings(max_examples=300, deadline=None)
@given(items=st.lists(_value, max_size=6), spaces=st.lists(_space, min_size=20, max_size=20),
       step=st.integers(1, 9), fast=st.booleans())
def test_items_read_one_by_one_equal_the_list_read_whole(
    items: list[Any], spaces: list[str], step: int, fast: bool
) -> None:
    parts = [_as_json(v) for v in items]
    text = spaces[0] + "[" + spaces[1] + ("," .join(f"{spaces[2 + i % 10]}{p}{spaces[3 + i % 10]}"
                                                     for i, p in enumerate(parts))) + "]" + spaces[19]
    whole = jsonio.loads(text)
    assert _streamed(text, step, fast) == whole


@settings(max_examples=300, deadline=None)
@given(items=st.lists(_value, min_size=1, max_size=4), cut=st.integers(0, 10_000), insert=_text,
       step=st.integers(1, 7), fast=st.booleans())
def test_a_damaged_list_is_refused_whenever_the_whole_would_be(
    items: list[Any], cut: int, insert: str, step: int, fast: bool
) -> None:
    text = _as_json(items)
    at = cut % (len(text) + 1)
    damaged = text[:at] + insert + text[at + 1:]
    try:
        whole = jsonio.loads(damaged)
    except InputError:
        whole = None
    if not damaged.lstrip(" \t\r\n").startswith("["):
        return  # not a list: read whole by the command, not by the splitter
    try:
        streamed: Any = _streamed(damaged, step, fast)
    except (InputError, jsonstream.SplitError):
        streamed = None
    if whole is None or not isinstance(whole, list):
        assert streamed is None, damaged
    else:
        assert streamed == whole


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize(("text", "line", "column"), [
    ('[{"a": 1},\n {"a": }]', 2, 8),
    ('[1,\n\n  2 3]', 3, 5),
    ('[{"a": 1},]', 1, 11),
    ('[1]\n x', 2, 2),
])
def test_errors_name_the_line_and_column_json_would(text: str, line: int, column: int, fast: bool) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    assert (expected.value.lineno, expected.value.colno) == (line, column)
    with pytest.raises((InputError, jsonstream.SplitError)) as raised:
        _streamed(text, 3, fast)
    assert f"line {line} column {column}" in str(raised.value)


def test_the_first_item_is_ready_before_the_rest_is_read() -> None:
    item = '{"case_id": "X", "text": "' + "字" * 1000 + '"}'
    text = "[" + ",\n".join([item] * 5000) + "]"  # about 5 MB
    handle = io.StringIO(text)
    read = 0
    original = handle.read

    def counting(size: int | None = -1) -> str:
        nonlocal read
        chunk = original(size)
        read += len(chunk)
        return chunk

    handle.read = counting  # type: ignore[method-assign]
    items = jsonstream.items(handle, handle.read(10))
    assert json.loads(next(items).text)["case_id"] == "X"
    assert read < 2 * 2**20 < len(text)  # one chunk of a megabyte, not the whole list


def test_a_too_deep_item_is_refused_before_it_is_read_whole() -> None:
    handle = io.StringIO("[" * 10_000_000)
    with pytest.raises(jsonstream.SplitError) as raised:
        list(jsonstream.items(handle, handle.read(1)))
    assert raised.value.column == jsonstream.MAX_DEPTH + 2


@pytest.mark.parametrize("depth", [50, 150, 900, 1500])
def test_how_deep_an_item_may_be_does_not_depend_on_where_a_read_ends(depth: int) -> None:
    item = '{"a":' * depth + "1" + "}" * depth
    text = f"[{item}, {item}]"
    outcomes = set()
    for step in (1, 7, len(text)):
        for fast in (False, True):
            try:
                outcomes.add(repr(_streamed(text, step, fast)))
            except (InputError, jsonstream.SplitError):
                outcomes.add("refused")
    assert len(outcomes) == 1, outcomes


@pytest.mark.parametrize("text", ['{"a":1,}', "[1 2]", '{"a" 1}', '"abc', '"a\\q"', '"\\u12"', '{"a":"x\ny"}', "[1]x", ""])
def test_a_json_mistake_is_told_in_chinese_in_the_chinese_half(text: str) -> None:
    """The clerk's half names the mistake in Chinese; the parser's English stays in the English half."""
    with pytest.raises(InputError) as refused:
        jsonio.loads(text, subject="c.json")
    problem = refused.value.problems[0]
    assert problem.code == "json_invalid"
    told = problem.zh.split("；")[0]  # a hint after "；" may name a file type (.jsonl)
    assert not re.search(r"[A-Za-z]{3,}", told.replace("JSON", "")), problem.zh
    assert "格式错误" not in problem.zh  # every message the parser gives here has its own Chinese
