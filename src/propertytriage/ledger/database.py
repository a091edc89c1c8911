"""Where the ledger lives and how it is opened: a URL to a SQLAlchemy engine set up for the ledger.

SQLite is the default because an office should not have to run a server: the file is made readable
by its owner only (it holds ID numbers and phone numbers), runs in WAL mode so readers never wait for
a writer, and waits up to a minute for another writer's lock instead of failing. Write transactions begin
``IMMEDIATE``: a transaction that read first and wrote later could otherwise fail outright when
another process wrote in between, and the busy timeout would not help it.

Durability: every commit is synced (``synchronous=FULL``), so an import that has returned survives
a crash or a power loss, and one killed midway keeps each batch it committed, whole. A faster scheme
(``NORMAL`` with one sync of the files at the end of an import) was tried and taken back: under load
a reader polling the ledger while a writer was killed saw a malformed database once in a few runs,
and memory-mapped reads were taken back with it until that is understood.

PostgreSQL serves a district from one database through a ``postgresql://`` URL (psycopg 3).

The JSON columns (snapshots, decisions, event data) are written and read with orjson on both
databases: the standard library's encoder took as long as triage itself on an import.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from propertytriage.errors import os_reason_zh
from propertytriage.ledger.errors import LedgerError
from propertytriage.ledger.location import BUSY_TIMEOUT_SECONDS, DEFAULT_URL, ENVIRONMENT_VARIABLE, resolve_url

__all__ = ["BUSY_TIMEOUT_SECONDS", "DEFAULT_URL", "ENVIRONMENT_VARIABLE", "is_sqlite", "json_text", "make_engine",
           "resolve_url"]



def json_text(value: Any) -> str:
    """A JSON column's text: compact UTF-8, the same text as ``json.dumps`` with ``ensure_ascii=False``."""
    return orjson.dumps(value).decode()


_JSON_OPTIONS: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": orjson.loads}


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LedgerError(f"数据库地址无效：{url}", f"not a database URL: {url}") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise LedgerError(
            f"不支持的数据库：{backend}（可用 sqlite:/// 或 postgresql://）",
            f"unsupported database {backend!r} (use sqlite:/// or postgresql://)",
        )
    if parsed.host or parsed.port:  # sqlite://ledger.db: two slashes make the file name a host
        raise LedgerError(
            f"数据库地址无效：{url}（SQLite 文件写作 sqlite:///相对路径 或 sqlite:////绝对路径，三个或四个斜杠）",
            f"not a database URL: {url} (a SQLite file is sqlite:///relative/path or sqlite:////absolute/path)",
        )
    return parsed


def _private_file(database: str) -> None:
    """Create the SQLite file readable by its owner only, before SQLite creates it world-readable.

    SQLite gives its ``-wal`` and ``-shm`` files the same permissions as the database file.
    """
    path = Path(database)
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except OSError as error:  # the ledger cannot be opened: a ledger error (exit 1), as docs/errors.md says
        reason = error.strerror or type(error).__name__
        raise LedgerError(f"无法创建台账数据库 {path}：{os_reason_zh(error.errno)}",
                          f"cannot create the ledger database {path}: {reason}") from None


def _may_switch_to_wal(cursor: Any) -> bool:
    """Whether the file is a ledger or empty, so that WAL mode may be written into its header.

    The journal mode is stored in the file: switching another program's database (refused by
    ``migrate`` as not a ledger) would change it for that program too, although the ledger
    recorded nothing in it. A file with tables but no schema version is left in its own mode until
    the migration has made it a ledger; the next connection switches it.
    """
    tables = cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY name = 'alembic_version' DESC LIMIT 1").fetchall()
    return not tables or tables[0][0] == "alembic_version"


WAL_CHECKPOINT_PAGES = 10_000
"""Pages (4 KiB) the WAL may hold before a commit copies them into the database file (SQLite's
default is 1,000). A batch of 500 cases writes about that many, so the default copied nearly every
batch into the file again, pages that the next batches change once more (the indexes, the end of
``events``); a checkpoint every 40 MB took a quarter of the commits' CPU time off a 100,000-case
import (docs/ledger.md). The WAL file keeps its largest size, about 40 MB, until the last connection
closes. Durability is the WAL's, synced at every commit, whatever the checkpoints."""


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory:
        _private_file(database)
    if in_memory:  # one connection shared by every thread, else each thread sees its own empty database
        engine = create_engine(url, poolclass=StaticPool, **_JSON_OPTIONS,
                               connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
    else:
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, **_JSON_OPTIONS)

    @event.listens_for(engine, "connect")
    def _set_up(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by pysqlite
        cursor = dbapi_connection.cursor()
        if not in_memory and _may_switch_to_wal(cursor):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(url: str) -> Engine:
    """An engine for ``url`` configured for the ledger (see the module's docstring)."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True, **_JSON_OPTIONS)


def is_sqlite(engine: Engine) -> bool:
    """Whether the ledger is an embedded SQLite file (one writer at a time, no write conflicts)."""
    return engine.dialect.name == "sqlite"
