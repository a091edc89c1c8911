"""Where the ledger lives when no one says: ``--db URL``, else ``PROPERTYTRIAGE_DB``, else a SQLite
file in the current directory. Apart from database.py so that the reading commands find the ledger
without loading SQLAlchemy (reading.py)."""

from __future__ import annotations

import os

DEFAULT_URL = "sqlite:///propertytriage.db"
ENVIRONMENT_VARIABLE = "PROPERTYTRIAGE_DB"
BUSY_TIMEOUT_SECONDS = 60.0


def resolve_url(given: str | None) -> str:
    """``--db URL``, else ``PROPERTYTRIAGE_DB``, else a SQLite file in the current directory."""
    return given or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_URL
