"""A ``--db`` that names another program's SQLite file is refused, and the file keeps its tables as they were."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from propertytriage.cli.main import main
from propertytriage.ledger import Ledger
from propertytriage.ledger.errors import LedgerError


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO customers (name) VALUES ('alice')")
    connection.close()


def test_opening_another_programs_database_is_refused_and_adds_no_table(tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    _foreign_database(path)
    with pytest.raises(LedgerError) as raised:
        Ledger(f"sqlite:///{path}")
    assert "customers" in str(raised.value)
    assert _tables(path) == {"customers"}
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM customers").fetchall() == [("alice",)]


@pytest.mark.parametrize("command", [["cases"], ["due", "--on", "2026-03-02"]])
def test_a_reading_command_on_another_programs_database_exits_1_naming_its_tables(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    path = tmp_path / "office.db"
    _foreign_database(path)
    status = main([*command, "--db", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert status == 1
    assert "不是台账" in err and "not a ledger" in err and "customers" in err
    assert _tables(path) == {"customers"}


def test_a_file_holding_only_the_ledgers_own_tables_is_still_opened(tmp_path: Path) -> None:
    """Before migration 0003 the web layer made ``api_tokens`` itself, possibly before any ledger command."""
    path = tmp_path / "tokens.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE api_tokens (id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, "
                           "role VARCHAR(40) NOT NULL, token_hash VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL, "
                           "revoked_at DATETIME, PRIMARY KEY (id), UNIQUE (token_hash))")
    connection.close()
    with Ledger(f"sqlite:///{path}"):
        pass
    assert {"api_tokens", "events", "cases", "alembic_version"} <= _tables(path)


def test_a_new_empty_file_becomes_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    with Ledger(f"sqlite:///{path}"):
        pass
    assert {"events", "cases", "alembic_version"} <= _tables(path)


def test_a_refused_database_keeps_its_journal_mode_and_every_byte(tmp_path: Path) -> None:
    """WAL mode is written into the file's header: a file that is not a ledger is not switched to it."""
    path = tmp_path / "office.db"
    _foreign_database(path)
    before = path.read_bytes()
    with pytest.raises(LedgerError):
        Ledger(f"sqlite:///{path}")
    assert main(["cases", "--db", f"sqlite:///{path}"]) == 1
    assert path.read_bytes() == before
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    connection.close()


def test_a_new_ledger_and_a_migrated_one_run_in_wal_mode(tmp_path: Path) -> None:
    for name, made in (("new.db", lambda p: None), ("tokens.db", _tokens_only)):
        path = tmp_path / name
        made(path)
        with Ledger(f"sqlite:///{path}"):
            pass
        with Ledger(f"sqlite:///{path}") as ledger, ledger.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal", name


def _tokens_only(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE api_tokens (id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, "
                           "role VARCHAR(40) NOT NULL, token_hash VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL, "
                           "revoked_at DATETIME, PRIMARY KEY (id), UNIQUE (token_hash))")
    connection.close()
