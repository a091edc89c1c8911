"""Bring a ledger's schema up to date when it is opened (Alembic, migrations/ in this package).

A database made by an older version is migrated forward, never rebuilt: the events are the record
and are kept as they are; the projections are rebuilt from them after any migration, since a newer
version may derive more from the same events (0002 added deadlines).

Migrating a large ledger takes minutes (a million events: about four minutes of CPU, most of it the
projections rebuilt from the events), so opening one that needs it says so on standard error, with
what it holds, before the work starts and again when it is done: a command that seems to hang is
killed, and a killed migration starts over. Standard output stays the command's own (``show`` prints
JSON there).
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from propertytriage.errors import shown
from propertytriage.ledger.errors import LedgerError

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
    if start is None:
        _refuse_a_foreign_database(connection)
    else:
        _refuse_a_newer_schema(start)
    goal = head_revision() if target == "head" else target
    if start != goal:
        if start is not None:  # a new database is made, not migrated: nothing to wait for
            _say_migrating(connection, start, goal, rebuilds_projections(start, goal))
        command.upgrade(_config(connection), target)
    return start


def rebuilds_projections(start: str, goal: str | None = None) -> bool:
    """Whether a migration from ``start`` to ``goal`` (head) needs the projections rebuilt from the events.

    A migration that fills its new columns itself says so (``rebuilds_projections = False`` in its
    module, e.g. 0007), so that opening a large ledger does not replay a million events for it.
    """
    scripts = ScriptDirectory.from_config(_config())
    return any(getattr(script.module, "rebuilds_projections", True)
               for script in scripts.iterate_revisions(goal or head_revision(), start))


def _refuse_a_foreign_database(connection: Connection) -> None:
    """A SQLite file with tables of its own but no schema version is another program's database.

    ``--db`` is typed by hand, and a wrong path may name an office's other database; making it a ledger
    would add ten tables to it, even for ``cases``, which only reads. A file holding only tables the
    ledger itself defines (``api_tokens`` from before migration 0003) is still the ledger's. On
    PostgreSQL a database is named by its administrator and may serve other programs too, so it is
    left as it is.
    """
    if connection.dialect.name != "sqlite":
        return
    from propertytriage.ledger.schema import Base  # the schema imports much that a migration check does not

    found = connection.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name")).scalars().all()
    foreign = [name for name in found if name not in Base.metadata.tables]
    if foreign:
        shown = "、".join(foreign[:5]) + ("……" if len(foreign) > 5 else "")
        listed = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise LedgerError(
            f"该数据库不是台账：其中已有其他表（{shown}），没有台账的架构版本；请核对 --db 或 PROPERTYTRIAGE_DB",
            f"this database is not a ledger: it holds other tables ({listed}) and no ledger schema version; "
            "check --db or PROPERTYTRIAGE_DB")


def _refuse_a_newer_schema(start: str) -> None:
    """A schema this version does not know was made by a newer version (one machine of an office upgraded,
    another not): migrating it is impossible and reading it would misread it, so the clerk is told which,
    rather than an internal error that blames rules/."""
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if start not in known:
        head, start = head_revision(), shown(start, 40)  # the text of a file: cut, its control characters escaped
        raise LedgerError(
            f"该台账由较新版本的 propertytriage 建立（架构 {start}，本程序最高只认识架构 {head}），未作任何改动；"
            "请升级本机的 propertytriage 后再打开",
            f"this ledger was made by a newer version of propertytriage (schema {start}; this one knows up to "
            f"{head}) and is left as it is; upgrade propertytriage on this machine to open it")


def _count(connection: Connection, table: str) -> int:
    return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def _say_migrating(connection: Connection, start: str, goal: str, rebuild: bool = True) -> None:
    if not rebuild:
        _say(f"迁移台账数据库：架构 {start} → {goal}……\nmigrating the ledger from schema {start} to {goal} ...")
        return
    cases, companies, events = (_count(connection, t) for t in ("cases", "companies", "events"))
    _say(f"迁移台账数据库：架构 {start} → {goal}，并由 {events:,} 条事件重建 {cases:,} 件纠纷、"
         f"{companies:,} 家物业企业的投影（大的台账需要几分钟，请勿中断）……\n"
         f"migrating the ledger from schema {start} to {goal} and rebuilding the projections of {cases:,} cases "
         f"and {companies:,} companies from {events:,} events (minutes on a large ledger; do not interrupt) ...")


def say_migrated(goal: str, seconds: float) -> None:
    """The line closing :func:`upgrade`'s announcement, once the projections are rebuilt and committed."""
    _say(f"台账数据库已迁移到架构 {goal}，用时 {seconds:.0f} 秒。 / the ledger is migrated to schema {goal} "
         f"({seconds:.0f} s).")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
