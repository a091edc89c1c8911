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
