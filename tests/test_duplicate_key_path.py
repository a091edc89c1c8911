"""A key given twice is refused at its path (``property_company.name``, ``owners[1].phone``), as every other
problem names its field: "key 'name' appears twice" alone left the clerk to search a case for every name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import propertytriage.jsonio as jsonio
from propertytriage.cli.main import main
from propertytriage.errors import InputError
from propertytriage.ledger.documents import read_documents
from tests.web.conftest import sample_cases

_KEYS = st.text(alphabet="abc_金", min_size=1, max_size=3)
_LEAVES = st.one_of(st.integers(-5, 5), st.text(max_size=3), st.none(), st.booleans())


def _twice(document: dict[str, Any], path: list[Any], key: str) -> tuple[str, str]:
    """``document`` as JSON text with ``key`` given twice in the object at ``path``, and that object's path."""
    marker = "\u0000MARKER\u0000"
    target: Any = document
    for step in path:
        target = target[step]
    target[marker] = None
    text = json.dumps(document, ensure_ascii=False)
    key_text = json.dumps(key, ensure_ascii=False)
    text = text.replace(json.dumps(marker) + ": null", f"{key_text}: 1, {key_text}: 2")
    where = ""
    for step in path:
        where += f"[{step}]" if isinstance(step, int) else (f".{step}" if where else step)
    return text, (f"{where}.{key}" if where else key)


@st.composite
def _nested(draw: st.DrawFn) -> tuple[dict[str, Any], list[Any]]:
    """An object holding objects and lists of objects, and the path of one object inside it."""
    root: dict[str, Any] = draw(st.dictionaries(_KEYS, _LEAVES, max_size=3))
    path: list[Any] = []
    here: Any = root
    for _ in range(draw(st.integers(0, 4))):
        taken = set(here)
        key = draw(_KEYS.filter(lambda k, taken=taken: k not in taken))
        if draw(st.booleans()):
            here[key] = [draw(st.dictionaries(_KEYS, _LEAVES, max_size=2)) for _ in range(draw(st.integers(1, 3)))]
            index = draw(st.integers(0, len(here[key]) - 1))
            path += [key, index]
            here = here[key][index]
        else:
            here[key] = draw(st.dictionaries(_KEYS, _LEAVES, max_size=2))
            path.append(key)
            here = here[key]
    return root, path


@given(_nested(), _KEYS)
def test_the_problem_names_the_path_of_the_object_holding_the_key(nested: tuple[dict[str, Any], list[Any]],
                                                                  key: str) -> None:
    document, path = nested
    text, where = _twice(document, path, key)
    with pytest.raises(InputError) as raised:
        jsonio.loads(text)
    [problem] = raised.value.problems
    assert (problem.location, problem.code) == (where, "duplicate_key")
    assert f"'{key}'" in problem.zh and f"'{key}'" in problem.en


def _case_with_two_names() -> tuple[dict[str, Any], str]:
    case = next(c for c in sample_cases() if "property_company" in c)
    text = json.dumps(case, ensure_ascii=False)
    opening = '"property_company": {'
    at = text.index(opening) + len(opening)
    return case, text[:at] + '"name": "甲物业公司", ' + text[at:]


def test_triage_names_the_path_in_one_case_a_list_and_json_lines(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    case, bad = _case_with_two_names()
    other = json.dumps(next(c for c in sample_cases() if c is not case and "property_company" not in c),
                       ensure_ascii=False)
    for name, text, where in [("one.json", bad, "property_company.name"),
                              ("list.json", f"[\n{other},\n{bad}\n]", "[1].property_company.name"),
                              ("lines.jsonl", f"{other}\n{bad}\n", "property_company.name")]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert main(["triage", str(path)]) == 2
        err = capsys.readouterr().err
        assert f": {where}: 键 'name' 在同一对象中出现两次 / key 'name' appears twice in one object [duplicate_key]" \
            in err, err


def test_import_names_the_path_in_a_document_a_list_and_json_lines(tmp_path: Path) -> None:
    case, bad = _case_with_two_names()
    other = json.dumps(next(c for c in sample_cases() if c is not case), ensure_ascii=False)
    for name, text, where in [("one.json", bad, "property_company.name"),
                              ("list.json", f"[{other}, {bad}]", "[1].property_company.name"),
                              ("lines.jsonl", f"{other}\n{bad}\n", "property_company.name")]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        refused = [p for document in read_documents(str(path)) for p in document.problems]
        assert [(p.location, p.code) for p in refused] == [(where, "duplicate_key")]


def test_a_key_twice_at_the_top_and_in_a_list_of_owners() -> None:
    with pytest.raises(InputError) as raised:
        jsonio.loads('{"case_id": "A", "case_id": "B"}')
    assert raised.value.problems[0].location == "case_id"
    with pytest.raises(InputError) as raised:
        jsonio.loads('{"owners": [{"name": "甲"}, {"name": "乙", "phone": "1", "phone": "2"}]}')
    assert raised.value.problems[0].location == "owners[1].phone"


def test_a_key_twice_before_broken_json_is_still_named() -> None:
    with pytest.raises(InputError) as raised:
        jsonio.loads('{"estate": {"name": "甲", "name": "乙"}, "facts": ')
    assert [(p.location, p.code) for p in raised.value.problems] in (
        [("estate.name", "duplicate_key")], [("name", "duplicate_key")])
