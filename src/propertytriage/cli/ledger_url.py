"""The ledger a command names, checked before it is opened.

Two mistakes went unnoticed: an in-memory SQLite URL (``sqlite://``, ``sqlite:///:memory:``) made
``import`` report its documents recorded, exit 0, and keep nothing; and a mistyped ``--db`` path
made ``cases``, ``due`` or ``report`` create an empty ledger (and its folders) and print an empty
list, as if the office had nothing due. A command that only reads now asks for a ledger that exists.
Without SQLAlchemy: the reading commands start without it (ledger/reading.py).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from propertytriage.errors import InputError, Problem
from propertytriage.ledger.location import ENVIRONMENT_VARIABLE, resolve_url
from propertytriage.ledger.reading import sqlite_file

READING_COMMANDS = frozenset({"show", "cases", "due", "export", "report"})


def _named_by(given: str | None) -> str:
    return "--db" if given else (ENVIRONMENT_VARIABLE if os.environ.get(ENVIRONMENT_VARIABLE) else "--db")


def check_ledger_url(given: str | None, command: str) -> None:
    """InputError (field ``db``) for an in-memory ledger, or for a reading command whose SQLite file
    does not exist; anything else is left to ``Ledger``, which refuses what it cannot open."""
    url = resolve_url(given)
    scheme, _, rest = url.partition("://")
    if scheme.split("+")[0] != "sqlite":
        return
    database, _, query = rest.partition("?")
    in_memory = database in ("", "/", "/:memory:") or parse_qs(query).get("mode") == ["memory"]
    field = _named_by(given)
    if in_memory:
        raise InputError([Problem(
            field, "in_memory_ledger",
            f"内存数据库不能作台账：命令结束时记录的内容全部丢失（{url}）；请用 sqlite:///文件路径 或 postgresql://…",
            f"an in-memory database cannot hold a ledger: everything recorded is gone when the command "
            f"ends ({url}); use sqlite:///FILE or postgresql://…")])
    path = sqlite_file(url)
    if command in READING_COMMANDS and path is not None and not os.path.exists(path):
        raise InputError([Problem(
            field, "ledger_not_found",
            f"台账文件不存在：{path}；请核对 {field}，或先用 import 建立台账",
            f"no ledger file at {path}; check {field}, or create the ledger with import first")])
