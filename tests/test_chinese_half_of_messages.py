"""The Chinese half of a message is Chinese: the system's or the driver's English stays in the English half.

A clerk read "无法读取文件：Is a directory" and "写入台账失败：attempt to write a readonly database".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from propertytriage.cli.main import main
from propertytriage.ledger.errors import database_reason_zh


def test_a_directory_given_as_a_file_is_refused_in_chinese_and_english(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cases.json"
    folder.mkdir()
    assert main(["import", str(folder), "--db", f"sqlite:///{tmp_path / 'ledger.db'}"]) == 2
    line = next(line for line in capsys.readouterr().err.splitlines() if "无法读取文件" in line)
    chinese, _, english = line.partition(" / ")
    assert "该路径是一个文件夹" in chinese and "Is a directory" not in chinese
    assert "Is a directory" in english


def test_a_read_only_database_is_named_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    sqlite3.connect(path).close()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        connection.execute("CREATE TABLE t (x)")
    assert "readonly" in str(caught.value)
    assert database_reason_zh(caught.value) == "数据库文件为只读（没有写入权限，或所在文件夹不可写）"


@pytest.mark.parametrize("reason", ["database is locked", "database or disk is full", "disk I/O error",
                                    "file is not a database", "something new"])
def test_every_driver_reason_gets_a_chinese_text_without_the_english(reason: str) -> None:
    zh = database_reason_zh(reason)
    assert zh and not any("a" <= ch.lower() <= "z" for ch in zh)
