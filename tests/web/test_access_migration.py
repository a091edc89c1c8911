"""Migration 0003: the access tables live in the ledger's database, and tokens issued before it survive."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from propertytriage.ledger import Ledger
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import current_revision, head_revision, upgrade
from propertytriage.web.tokens import SqlTokenStore


def test_a_new_ledger_has_the_access_tables_with_their_keys(tmp_path: Path) -> None:
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        inspector = inspect(ledger.engine)
        assert {"api_tokens", "users", "login_failures"} <= set(inspector.get_table_names())
        indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes("login_failures")}
        assert indexes == {"ix_login_failures_name_at": ["name", "at"],
                           "ix_login_failures_client_at": ["client", "at"]}
        now = datetime(2026, 3, 2, tzinfo=UTC)
        with ledger.write_connection() as connection, connection.begin():
            connection.execute(text("INSERT INTO users (name, role, password_hash, created_at) "
                                    "VALUES ('张三', 'court', 'x', :at)"), {"at": now})
        with pytest.raises(IntegrityError), ledger.write_connection() as connection, connection.begin():
            connection.execute(text("INSERT INTO users (name, role, password_hash, created_at) "
                                    "VALUES ('张三', 'admin', 'y', :at)"), {"at": now})


def test_tokens_of_a_database_from_before_0003_are_kept(tmp_path: Path) -> None:
    """Until 0003 the web layer created ``api_tokens`` itself; the migration keeps that table and its rows."""
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        upgrade(connection, "0002")
        connection.execute(text(  # the table exactly as the web layer's create_all made it
            "CREATE TABLE api_tokens (id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, role VARCHAR(40) NOT NULL, "
            "token_hash VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL, revoked_at DATETIME, "
            "PRIMARY KEY (id), UNIQUE (token_hash))"))
        connection.execute(text("INSERT INTO api_tokens (name, role, token_hash, created_at) "
                                "VALUES ('立案庭', 'court', :h, :at)"),
                           {"h": hashlib.sha256(b"old-secret").hexdigest(), "at": datetime(2026, 1, 5, tzinfo=UTC)})
    engine.dispose()

    store = SqlTokenStore.from_url(f"sqlite:///{path}")
    with store.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    found = store.lookup("old-secret")
    assert found is not None and (found.name, found.role) == ("立案庭", "court")
    assert store.lookup(store.create("调解中心", "mediation_center").secret) is not None
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "login_failures"} <= tables
