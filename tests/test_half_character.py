"""Half a character (a lone surrogate: JSON's ``"\\ud800"``, or text of another encoding) in any text field is
refused at that field with the words the reason checker uses for it, not pydantic's "unable to parse raw
data as a unicode string", which tells a clerk nothing they can act on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from propertytriage import Triage
from propertytriage.cli.main import main
from propertytriage.errors import InputError
from propertytriage.ledger.documents import Document
from propertytriage.models import Case, Scorecard
from propertytriage.models.history import RectificationHistory
from propertytriage.models.validation import validate
from propertytriage.ruledata.corrections import checked_reason
from tests.web.conftest import sample_cases, sample_scorecard

ENGINE = Triage()


def _case() -> dict[str, Any]:
    return next(c for c in sample_cases() if "property_company" in c and "owners" in c and "estate" in c)


def _set(document: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    document = json.loads(json.dumps(document))
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def _the_reasons_words(text: str) -> tuple[str, str]:
    """What the reason checker says of ``text``, without its naming of the reason."""
    with pytest.raises(InputError) as raised:
        checked_reason(text)
    [problem] = raised.value.problems
    assert problem.code == "invalid_value"
    return problem.zh.removeprefix("更正原因"), problem.en.removeprefix("the reason for a correction ")


@pytest.mark.parametrize(("path", "where"), [
    (["case_id"], "case_id"), (["province"], "province"), (["facts"], "facts"),
    (["property_company", "name"], "property_company.name"), (["owners", 0, "name"], "owners[0].name"),
    (["estate", "community"], "estate.community"), (["venue", "court"], "venue.court"),
])
@pytest.mark.parametrize("text", ["A\ud800B", "\udcff", "甲乙丙\udfff"])
def test_half_a_character_in_a_case_field_is_named_as_the_reason_checker_names_it(
        path: list[Any], where: str, text: str) -> None:
    case = _set(_case(), path, text)
    with pytest.raises(InputError) as raised:
        validate(Case, case)
    [problem] = raised.value.problems
    assert (problem.location, problem.code) == (where, "invalid_value")
    assert (problem.zh, problem.en) == _the_reasons_words(text)
    assert "UTF-8" in problem.zh and "half a character" in problem.en


def test_a_scorecard_and_a_history_get_the_same_words() -> None:
    card = _set(sample_scorecard(), ["company", "name"], "物业\ud800")
    with pytest.raises(InputError) as raised:
        validate(Scorecard, card)
    assert [(p.location, p.code) for p in raised.value.problems] == [("company.name", "invalid_value")]
    assert raised.value.problems[0].zh == _the_reasons_words("物业\ud800")[0]
    history = {"company": {"name": "\udc80物业"}, "events": []}
    with pytest.raises(InputError) as raised:
        validate(RectificationHistory, history)
    assert [(p.location, p.code) for p in raised.value.problems] == [("company.name", "invalid_value")]
    assert raised.value.problems[0].en == _the_reasons_words("\udc80物业")[1]


def test_triage_and_import_of_a_file_name_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(_case(), ensure_ascii=False)
    case_id = json.dumps(_case()["case_id"], ensure_ascii=False)
    path = tmp_path / "half.json"
    path.write_text(text.replace(f'"case_id": {case_id}', '"case_id": "KBS-\\ud800"', 1), encoding="utf-8")
    assert main(["triage", str(path)]) == 2
    err = capsys.readouterr().err
    assert "case_id: 第 5 个字符不是完整的字符（U+D800" in err and "half a character (U+D800) at position 5" in err
    assert "unicode string" not in err
    assert main(["import", str(path), "--db", f"sqlite:///{tmp_path / 'l.db'}"]) == 2
    err = capsys.readouterr().err
    assert "case_id: 第 5 个字符不是完整的字符" in err and "[invalid_value]" in err


def test_the_ledger_refuses_the_document_by_the_same_words() -> None:
    from propertytriage.ledger.file_import import import_files  # noqa: F401 - the ledger's reader is loaded

    document = Document("half.json", _set(_case(), ["owners", 0, "name"], "张\ud800"))
    assert document.body["owners"][0]["name"] == "张\ud800"
    with pytest.raises(InputError) as raised:
        ENGINE.decide(document.body)
    assert [(p.location, p.code) for p in raised.value.problems] == [("owners[0].name", "invalid_value")]
