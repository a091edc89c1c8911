"""Bring a ledger's schema up to date when it is opened (Alembic, migrations/ in this package).

A database made by an older version is migrated forward, never rebuilt: the events are the record
and are kept as they are; the projections are rebuilt from them after any migration, since a newer
version may derive more from the same events (0002 added deadlines).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

_MIGRATIONS = Path(__file__).parent / "migrations"
_ADVISORY_LOCK = 7_424_811_031  # any constant: serialises migrations of one PostgreSQL database


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema this version of the package knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The schema the database is at (None for a new, empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, target: str = "head") -> str | None:
    """Migrate inside the caller's write transaction; returns the revision it started from.

    On PostgreSQL a transaction-scoped advisory lock makes a second process wait, then find the
    schema already current; on SQLite the write transaction (``BEGIN IMMEDIATE``) does the same.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
    start = current_revision(connection)
    if start != (head_revision() if target == "head" else target):
        command.upgrade(_config(connection), target)
    return start
