"""Which row of a sheet first held each case, for the rule that a 台账 holds a case on one row (SPEC §4).

Why not a dict: the check needs every case number read so far, so a dict grows with the sheet, some
140 bytes a row (14 MiB over 100,000 rows, 150 MiB on a full Excel sheet), the one thing that still
grew when a large sheet was streamed. The numbers go instead into SQLite's private temporary database
(an empty file name: on disk once its page cache is full, deleted when closed), so memory stays at the
size of that cache however long the sheet.
"""

from __future__ import annotations

import sqlite3
from types import TracebackType


class FirstRows:
    """Case numbers and the row each was first seen on, for one sheet."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE first (case_id TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID")

    def setdefault(self, case_id: str, row: int) -> int:
        """The row ``case_id`` was first seen on: ``row`` itself when this is the first time."""
        if self._db.execute("INSERT OR IGNORE INTO first VALUES (?, ?)", (case_id, row)).rowcount:
            return row
        first: int = self._db.execute("SELECT row FROM first WHERE case_id = ?", (case_id,)).fetchone()[0]
        return first

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FirstRows:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
