"""``triage`` takes the document ``import`` takes: a ``correction_reason`` beside the case's keys is checked by
the reason checker and plays no part in the decision (the clerk triages the file they are about to import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import Triage
from propertytriage.cli.main import main
from propertytriage.engine.batch import case_of, decide_every
from propertytriage.errors import InputError
from propertytriage.ruledata.corrections import ledger_parameters
from tests.strategies import cases
from tests.web.conftest import sample_cases

ENGINE = Triage()
LIMIT = ledger_parameters().correction_reason_max_length
REASONS = st.one_of(st.none(), st.text(alphabet="更正金额业主提交凭证 \n,.;0123456789abc", max_size=40)
                    .filter(lambda text: text.strip() != ""))


def _dumped(decisions: Any) -> Any:
    return json.loads(json.dumps(decisions, default=str))


@settings(max_examples=60, deadline=None)
@given(cases(), REASONS)
def test_a_reason_beside_the_case_changes_no_decision(case: dict[str, Any], reason: str | None) -> None:
    carried = {**case, "correction_reason": reason}
    expected = ENGINE.decide(case).model_dump(mode="json")
    [(_, batch)] = decide_every(ENGINE, [carried])
    assert batch.model_dump(mode="json") == expected
    assert ENGINE.decide(case_of(carried)).model_dump(mode="json") == expected


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_takes_the_key_in_one_case_a_list_and_json_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = sample_cases()[:2]
    carried = [{**first, "correction_reason": "业主提交缴费凭证"}, {**second, "correction_reason": None}]
    plain_out = []
    for name, text in [("plain.json", json.dumps(first, ensure_ascii=False)),
                       ("plain-list.json", json.dumps([first, second], ensure_ascii=False)),
                       ("plain.jsonl", "\n".join(json.dumps(c, ensure_ascii=False) for c in (first, second)))]:
        assert main(["triage", _write(tmp_path, name, text)]) == 0
        plain_out.append(capsys.readouterr().out)
    carried_out = []
    for name, text in [("one.json", json.dumps(carried[0], ensure_ascii=False)),
                       ("list.json", json.dumps(carried, ensure_ascii=False)),
                       ("lines.jsonl", "\n".join(json.dumps(c, ensure_ascii=False) for c in carried))]:
        assert main(["triage", _write(tmp_path, name, text)]) == 0, capsys.readouterr().err
        carried_out.append(capsys.readouterr().out)
    assert carried_out == plain_out


@pytest.mark.parametrize(("value", "code"), [(7, "reason_not_text"), ("   ", "reason_blank"),
                                             ("长" * (LIMIT + 1), "reason_too_long"), ("a\u202eb", "invalid_value")])
def test_a_bad_reason_is_refused_by_the_reason_checker_naming_the_case_and_the_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any, code: str) -> None:
    first, second = sample_cases()[:2]
    listed = json.dumps([second, {**first, "correction_reason": value}], ensure_ascii=False)
    assert main(["triage", _write(tmp_path, "list.json", listed)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"case[1] {first['case_id']}: correction_reason: 更正原因" in captured.err and f"[{code}]" in captured.err
    one = json.dumps({**first, "correction_reason": value}, ensure_ascii=False)
    assert main(["triage", _write(tmp_path, "one.json", one)]) == 2
    assert "correction_reason: 更正原因" in capsys.readouterr().err
    with pytest.raises(InputError) as raised:
        decide_every(ENGINE, [{**first, "correction_reason": value}])
    assert [(p.location, p.code) for p in raised.value.problems] == [
        (f"case[0] {first['case_id']}: correction_reason", code)]


def test_a_misspelt_key_is_still_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = sample_cases()[0]
    assert main(["triage", _write(tmp_path, "one.json", json.dumps({**first, "correction_reasons": "x"}))]) == 2
    assert "[extra_forbidden]" in capsys.readouterr().err
