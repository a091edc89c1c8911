"""Where the ledger lives and how it is opened: a URL to a SQLAlchemy engine set up for the ledger.

SQLite is the default because an office should not have to run a server: the file is made readable
by its owner only (it holds ID numbers and phone numbers), runs in WAL mode so readers never wait for
a writer, and waits up to a minute for another writer's lock instead of failing. Write transactions begin
``IMMEDIATE``: a transaction that read first and wrote later could otherwise fail outright when
another process wrote in between, and the busy timeout would not help it.

Durability: in WAL mode a commit writes its pages to the ``-wal`` file before it returns, so a
process killed at any point (``kill -9``) loses nothing that was committed, whatever ``synchronous``
says; what ``synchronous`` decides is only whether the commit also waits for the disk (``fsync``),
i.e. whether it survives a power loss. ``FULL`` waits at every commit (one fsync per batch of 500
cases, 20-60 ms each on a busy disk, as long as deciding the batch); ``NORMAL`` waits only at
checkpoints. The ledger runs ``NORMAL`` and :func:`make_durable` syncs the ``-wal`` file, the
database file and their folder once at the end of every import, before it reports success: an import
that returned survives a power loss as with ``FULL``, and one cut short by a power loss may lose its
last batches, each wholly (the WAL's checksums make SQLite ignore a torn tail), which running it
again completes — what SPEC §3 promises for an import that did not finish.

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

from propertytriage.ledger.errors import LedgerError

DEFAULT_URL = "sqlite:///propertytriage.db"
ENVIRONMENT_VARIABLE = "PROPERTYTRIAGE_DB"
BUSY_TIMEOUT_SECONDS = 60.0
MMAP_BYTES = 256 * 1024 * 1024


def json_text(value: Any) -> str:
    """A JSON column's text: compact UTF-8, the same text as ``json.dumps`` with ``ensure_ascii=False``."""
    return orjson.dumps(value).decode()


_JSON_OPTIONS: dict[str, Any] = {"json_serializer": json_text, "json_deserializer": orjson.loads}


def resolve_url(given: str | None) -> str:
    """``--db URL``, else ``PROPERTYTRIAGE_DB``, else a SQLite file in the current directory."""
    return given or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_URL


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
    return parsed


def _private_file(database: str) -> None:
    """Create the SQLite file readable by its owner only, before SQLite creates it world-readable.

    SQLite gives its ``-wal`` and ``-shm`` files the same permissions as the database file.
    """
    path = Path(database)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process made it first
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


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
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # and make_durable() at the end of each import
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # reads map the file instead of one system call per page (due reads thousands of scattered rows);
        # bounded, and pages the kernel may drop at will, so memory stays flat however large the file
        cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
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


def make_durable(engine: Engine) -> None:
    """Wait until everything committed so far is on disk (SQLite files; PostgreSQL syncs each commit).

    fsync of the ``-wal`` file covers every frame written to it, by this process or another; pages
    already checkpointed are covered by the fsync of the database file; the folder's fsync makes a
    ``-wal`` file created by this import part of the folder.
    """
    if not is_sqlite(engine):
        return
    database = engine.url.database or ""
    if database in ("", ":memory:"):
        return
    path = Path(database)
    for name in (path.with_name(path.name + "-wal"), path, path.parent):
        try:
            descriptor = os.open(name, os.O_RDONLY)
        except FileNotFoundError:  # no -wal: the last connection checkpointed and removed it
            continue
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def is_sqlite(engine: Engine) -> bool:
    """Whether the ledger is an embedded SQLite file (one writer at a time, no write conflicts)."""
    return engine.dialect.name == "sqlite"
