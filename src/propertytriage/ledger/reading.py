"""A SQLite ledger opened for the reading commands (``cases``, ``due``) with the standard library's driver.

``Ledger`` opens a database through SQLAlchemy and asks Alembic whether it must be migrated; loading
the two took about a second of CPU at every start, more than SQLite takes to read a million-event
ledger's due list. A plain ``sqlite:///FILE`` whose schema is already the newest needs neither: it is
opened here, its schema read from Alembic's own table and compared with the newest revision named in
the migration files. Anything else (another database, a URL with options, a missing file, an older
schema that must be migrated first, a file that is not a ledger) is left to ``Ledger``, which
creates, migrates or refuses it as before.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
from pathlib import Path

from propertytriage.ledger.location import BUSY_TIMEOUT_SECONDS

_VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|'([^']*)'|None)\s*$""",
                            re.MULTILINE)


@functools.cache
def head_revision() -> str | None:
    """The newest schema, from the ``revision`` and ``down_revision`` lines of the migration files (the
    one revision no other revises); None where the files do not say it plainly (then Alembic decides).
    Alembic's own answer (migrate.head_revision) loads every migration as a module."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in _VERSIONS.glob("*.py"):
        found = {name: double or single for name, double, single in _REVISION_LINE.findall(path.read_text("utf-8"))}
        if not found.get("revision"):
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            revised.add(found["down_revision"])
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 else None


def sqlite_file(url: str) -> str | None:
    """The file of a plain ``sqlite:///FILE`` URL, as SQLAlchemy reads it; None for any other URL (an
    in-memory database, one with options or escapes, another database)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    path = url[len(prefix):]
    if not path or path == ":memory:" or any(ch in path for ch in "?%#"):
        return None
    return path


def open_current(url: str) -> sqlite3.Connection | None:
    """A connection to the SQLite ledger at ``url`` if it is a file at the newest schema, else None."""
    path = sqlite_file(url)
    head = head_revision()
    if path is None or head is None or not os.path.isfile(path):
        return None
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:  # not a ledger, damaged, or no schema yet: Ledger says which
        connection.close()
        return None
    if revisions != [(head,)]:
        connection.close()
        return None
    return connection
