"""The ledger reads a document as ``triage`` does: a key given twice is refused, not the last one kept.

The import's fast reader (orjson) keeps the last of a repeated key, so ``import`` once accepted a
case with ``case_id`` twice that ``triage`` refused; these tests hold the two readings equal.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import propertytriage.jsonio as jsonio
from propertytriage.cli.main import main
from propertytriage.errors import InputError
from propertytriage.ledger.documents import _loads
from tests.ledger.test_import import fee_case

_KEYS = st.text(alphabet="ab:\"\\é金", max_size=3)
_SCALARS = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
            | st.decimals(allow_nan=False, allow_infinity=False, places=2)
            | st.text(alphabet="x: \"\\\n金", max_size=4))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.lists(st.tuples(_KEYS, inner), max_size=3), max_leaves=12)


def _text(value: Any) -> str:
    """JSON text of ``value``; a list of pairs is written as an object, repeated keys included."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        return "{" + ", ".join(f"{json.dumps(k)}: {_text(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value)


def _reading(text: str) -> Any:
    try:
        return ("read", _loads(text))
    except InputError as error:
        return ("refused", [p.code for p in error.problems])


def _exact(text: str) -> Any:
    try:
        return ("read", jsonio.loads(text))
    except InputError as error:
        return ("refused", [p.code for p in error.problems])


@given(_VALUES)
def test_the_import_reads_any_document_as_triage_reads_it(value: Any) -> None:
    text = _text(value)
    assert _reading(text) == _exact(text)


@pytest.mark.parametrize("text", [
    '{"case_id": "A-1", "case_id": "A-2"}',
    '{"owners": [{"name": "李喆", "name": "王芳"}]}',
    '{"a": 1, "\\u0061": 2}',
])
def test_a_key_given_twice_is_refused(text: str) -> None:
    assert _reading(text) == ("refused", ["duplicate_key"])


def test_a_colon_inside_a_string_is_read_exactly() -> None:
    assert _loads('{"note": "09:30 到场", "amount": 1}') == {"note": "09:30 到场", "amount": 1}


def test_import_refuses_a_case_that_gives_its_number_twice(database_url, tmp_path, capsys) -> None:
    case = json.dumps(fee_case("A-1"), ensure_ascii=False)
    path = tmp_path / "twice.json"
    path.write_text(case[:-1] + ', "case_id": "A-2"}', encoding="utf-8")
    assert main(["import", str(path), "--db", database_url]) == 2
    err = capsys.readouterr().err
    assert "case_id" in err and "出现两次" in err and "appears twice" in err
    capsys.readouterr()
    if database_url.startswith("sqlite:///"):  # no document could be read: no ledger was made for it
        assert not Path(database_url.removeprefix("sqlite:///")).exists()
        return
    assert main(["cases", "--db", database_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []   # neither A-1 nor A-2 was filed
