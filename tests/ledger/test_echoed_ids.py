"""The command line quotes a clerk's case id as the API does: escaped, on one line, cut at 80 characters —
``show`` of an unknown id, the refusal of a document by its id, a sheet's case on two rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propertytriage.cli.main import main
from tests.ledger.test_import import fee_case
from tests.sheets.books import HEADER, csv_file, good_row


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


def test_show_of_an_unknown_long_id_quotes_it_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert main(["import", str(_json(tmp_path, fee_case("A-1"))), "--db", db]) == 0
    capsys.readouterr()
    assert main(["show", "案" * 300, "--db", db]) == 2
    [line] = [line for line in _lines(capsys.readouterr().err) if "[unknown_case]" in line]
    assert f"台账中没有案件 {'案' * 80}…（共 300 字符 / 300 chars）" in line and "案" * 81 not in line


def _json(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_refused_documents_id_is_cut_at_80(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_id = "K" * 100
    bad = {**fee_case(case_id), "dispute_type": "no_such_type"}
    assert main(["import", str(_json(tmp_path, [fee_case("A-1"), bad])), "--db", f"sqlite:///{tmp_path / 'l.db'}"]) == 2
    [line] = _lines(capsys.readouterr().err)
    assert f" {'K' * 80}…（共 100 字符 / 100 chars）: dispute_type: " in line


def test_a_case_on_two_rows_of_a_sheet_is_named_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case_id = "台账" * 60  # a valid id (at most 300 characters) that a message need not repeat whole
    sheet = csv_file(tmp_path / "t.csv", [HEADER, good_row(case_id), good_row(case_id)], encoding="utf-8")
    assert main(["import", str(sheet), "--db", f"sqlite:///{tmp_path / 'l.db'}"]) == 2
    [line] = [line for line in _lines(capsys.readouterr().err) if "[duplicate_case_id]" in line]
    assert f"案件编号 {case_id[:80]}…（共 120 字符 / 120 chars） 已在第 2 行" in line
    assert f"case_id {case_id[:80]}…（共 120 字符 / 120 chars） is already on row 2" in line


def test_an_ordinary_id_on_two_rows_is_named_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = csv_file(tmp_path / "t.csv", [HEADER, good_row("KBS-1"), good_row("KBS-1")], encoding="utf-8")
    assert main(["import", str(sheet), "--db", f"sqlite:///{tmp_path / 'l.db'}"]) == 2
    assert "案件编号 KBS-1 已在第 2 行：一个案件在台账中只占一行，请合并这两行" in capsys.readouterr().err
