"""A hostile clerk's use of the newest ledger features: a correction's reason, and ledgers of other versions."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from propertytriage.cli.main import main

EXAMPLE = json.loads((Path(__file__).parent.parent / "examples" / "cases.json").read_text("utf-8"))[0]


def _ledger_with_one_case(tmp_path: Path) -> Path:
    document = tmp_path / "case.json"
    document.write_text(json.dumps(EXAMPLE, ensure_ascii=False), "utf-8")
    path = tmp_path / "ledger.db"
    assert main(["import", str(document), "--db", f"sqlite:///{path}"]) == 0
    return path


@pytest.mark.parametrize("command", [["cases"], ["show", EXAMPLE["case_id"]], ["due", "--on", "2026-03-02"],
                                     ["import", "case.json"]])
def test_a_ledger_of_a_newer_version_is_refused_by_name_and_left_as_it_was(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: list[str]) -> None:
    """A ledger a newer propertytriage migrated (an office that upgraded one machine and not another) is not
    an internal error blaming rules/: the clerk is told the ledger is newer than the program."""
    path = _ledger_with_one_case(tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    before = tmp_path / "before.db"
    shutil.copyfile(path, before)
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    status = main([*command, "--db", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert status == 1
    assert "9999" in err and "较新" in err and "newer" in err
    assert "rules/" not in err and "internal error" not in err
    assert path.read_bytes() == before.read_bytes()


def _changed(facts: str, extra: str) -> str:
    """The example case with other facts and ``extra`` (raw JSON text) added as its last keys."""
    return json.dumps({**EXAMPLE, "facts": facts}, ensure_ascii=False)[:-1] + ", " + extra + "}"


@pytest.mark.parametrize("escape", ["\\ud800", "\\udcff", "\\udfff x"])
def test_a_reason_with_a_lone_surrogate_refuses_its_document_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], escape: str) -> None:
    """JSON may escape half of a character (``\\ud800``); the database cannot store it. Such a reason is a
    hidden character like any other: that document is refused by name, the others of the file recorded."""
    path = _ledger_with_one_case(tmp_path)
    other = {**EXAMPLE, "case_id": "KBS-2025-901"}
    batch = tmp_path / "batch.json"
    batch.write_text("[" + _changed("改过的事实", f'"correction_reason": "a{escape}b"') + ", "
                     + json.dumps(other, ensure_ascii=False) + "]", "utf-8")
    capsys.readouterr()
    status = main(["import", str(batch), "--db", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert status == 2
    assert "correction_reason" in err and "更正原因" in err and "[invalid_value]" in err
    assert "internal error" not in err
    assert main(["show", "KBS-2025-901", "--db", f"sqlite:///{path}"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["case"]["case_id"] == "KBS-2025-901"


def test_a_reason_typed_in_another_encoding_on_the_command_line_is_refused_before_anything_is_opened(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A terminal set to GBK sends bytes that are not UTF-8; Python hands them over as lone surrogates."""
    document = tmp_path / "case.json"
    document.write_text(json.dumps(EXAMPLE, ensure_ascii=False), "utf-8")
    path = tmp_path / "ledger.db"
    reason = "更正".encode("gbk").decode("utf-8", "surrogateescape")
    status = main(["import", str(document), "--db", f"sqlite:///{path}", "--reason", reason])
    err = capsys.readouterr().err
    assert status == 2
    assert "--reason" in err and "[invalid_value]" in err and "internal error" not in err
    assert not path.exists()


def test_a_case_id_with_a_lone_surrogate_is_refused_by_name_and_the_rest_recorded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _ledger_with_one_case(tmp_path)
    batch = tmp_path / "batch.json"
    other = json.dumps({**EXAMPLE, "case_id": "KBS-2025-902"}, ensure_ascii=False)
    batch.write_text('[{"case_id": "A\\ud800"}, ' + other + "]", "utf-8")
    capsys.readouterr()
    status = main(["import", str(batch), "--db", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert status == 2
    assert "case_id" in err and "internal error" not in err
    assert main(["show", "KBS-2025-902", "--db", f"sqlite:///{path}"]) == 0


def test_a_company_name_with_a_lone_surrogate_is_refused_by_name_and_the_rest_recorded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _ledger_with_one_case(tmp_path)
    company = {key: value for key, value in EXAMPLE["property_company"].items() if key != "credit_code"}
    bad = json.dumps({**EXAMPLE, "case_id": "KBS-2025-903", "property_company": {**company, "name": "X"}},
                     ensure_ascii=False).replace('"name": "X"', '"name": "物业\\udc80"')
    other = json.dumps({**EXAMPLE, "case_id": "KBS-2025-904"}, ensure_ascii=False)
    batch = tmp_path / "batch.json"
    batch.write_text(f"[{bad}, {other}]", "utf-8")
    capsys.readouterr()
    status = main(["import", str(batch), "--db", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert status == 2
    assert "property_company.name" in err and "internal error" not in err
    assert main(["show", "KBS-2025-904", "--db", f"sqlite:///{path}"]) == 0


def test_show_of_a_case_id_typed_in_another_encoding_is_an_unknown_case(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _ledger_with_one_case(tmp_path)
    typed = "KBS-更正".encode("gbk").decode("utf-8", "surrogateescape")
    capsys.readouterr()
    status = main(["show", typed, "--db", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert status == 2
    assert "[unknown_case]" in err and "internal error" not in err
