"""Many rows in one statement: what makes an import of 100,000 cases take seconds rather than minutes.

On SQLite the rows go to the driver's executemany as tuples, each value put through its column
type's own bind processor (the text SQLAlchemy itself would store): building SQLAlchemy's per-row
parameters cost more than SQLite's writing of them. On PostgreSQL SQLAlchemy's own executemany
(psycopg's pipeline) is kept. Shared by the recorder and the report's projection.

A JSON value goes to SQLite as orjson's UTF-8 bytes, stored as text by ``CAST(? AS TEXT)``: the
same text the column's own processor writes (``database.json_text``), without turning the bytes
into a Python string that the driver then encodes back into the same bytes. Those two copies of
every snapshot, decision and event, most of them Chinese text, were about 4 % of an import's
instructions (callgrind).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Dialect, Table, bindparam, insert, update
from sqlalchemy.sql.elements import Null

from propertytriage.ledger.database import json_text

Processor = Callable[[Any], Any] | None


@functools.lru_cache(maxsize=64)
def _sqlite_statement(table: Table, columns: tuple[str, ...], key: str | None,
                      dialect: Dialect, utf8: bool = True) -> tuple[str, list[Processor], list[str]]:
    """``INSERT`` of ``columns`` (or ``UPDATE`` of them ``WHERE key = ?``), each column's processor and kind."""
    names = [*columns, key] if key else list(columns)
    as_bytes = {name for name in names if utf8 and _json_as_bytes(table.c[name], dialect)}
    processors: list[Processor] = [_json_bytes if name in as_bytes
                                   else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                                   for name in names]
    kinds = [_kind(table.c[name]) for name in names]
    quote = dialect.identifier_preparer.quote
    marks = {c: "CAST(? AS TEXT)" if c in as_bytes else "?" for c in columns}
    if key is None:
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
               f"VALUES ({', '.join(marks[c] for c in columns)})")
    else:
        sql = (f"UPDATE {quote(table.name)} SET {', '.join(f'{quote(c)} = {marks[c]}' for c in columns)} "
               f"WHERE {quote(key)} = ?")
    return sql, processors, kinds


def write_many(connection: Connection, table: Table, rows: list[dict[str, Any]], key: str | None = None) -> None:
    """Insert ``rows`` (or, with ``key``, update the row whose ``key`` each names) in one executemany.

    Every row has the keys of the first, in the same order.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        if key is None:
            connection.execute(insert(table), rows)
        else:
            renamed = [{("b_" + k if k == key else k): v for k, v in row.items()} for row in rows]
            values: dict[str, Any] = {k: bindparam(k) for k in rows[0] if k != key}
            connection.execute(update(table).where(table.c[key] == bindparam("b_" + key)).values(values), renamed)
        return
    columns = tuple(k for k in rows[0] if k != key)
    sql, processors, kinds = _sqlite_statement(table, columns, key, connection.dialect, utf8_database(connection))
    names = [*columns, key] if key else list(columns)
    # column by column, so that each value costs one call of its processor and nothing else
    by_column = list(zip(*map(operator.itemgetter(*names), rows), strict=True))  # every table has 2+ columns
    processed = [column if p is None else list(map(p, column)) if kind == "each" else _once_each(p, column, kind)
                 for column, p, kind in zip(by_column, processors, kinds, strict=True)]
    connection.exec_driver_sql(sql, list(zip(*processed, strict=True)))


def utf8_database(connection: Connection) -> bool:
    """Whether the SQLite database stores its text as UTF-8, as every ledger the ledger creates does: only
    then is ``CAST`` between the bytes orjson writes and reads and the stored text the same text. A file
    made UTF-16 before the ledger's tables were created (``PRAGMA encoding``) reads the bytes as UTF-16,
    so its JSON goes through the column's own processor as text. Asked once per database connection."""
    info = connection.info
    if "utf8" not in info:
        info["utf8"] = connection.exec_driver_sql("PRAGMA encoding").scalar() == "UTF-8"
    return bool(info["utf8"])


def _json_as_bytes(column: Any, dialect: Dialect) -> bool:
    """Whether the column is JSON written by the ledger's serializer (an engine of ``make_engine``),
    whose text ``_json_bytes`` gives as bytes; any other engine's columns keep their own processor."""
    if not isinstance(column.type, JSON) or getattr(dialect, "_json_serializer", None) is not json_text:
        return False
    assert not column.type.none_as_null, f"{column}: None would be NULL, not the JSON null _json_bytes writes"
    return True


def _json_bytes(value: Any) -> bytes | None:
    """What SQLAlchemy's JSON processor writes, as the UTF-8 bytes of the text instead of the text:
    SQL's ``null()`` is NULL; None and ``JSON.NULL`` are the JSON ``null`` (the ledger's columns keep
    ``none_as_null`` off, checked where the statement is made)."""
    if isinstance(value, Null):
        return None
    return orjson.dumps(None if value is JSON.NULL else value)


def _kind(column: Any) -> str:
    """``time`` and ``value`` (a date or a flag): processed once per distinct value; ``each``: every value."""
    if isinstance(column.type, DateTime):
        return "time"
    return "value" if isinstance(column.type, Date | Boolean) else "each"


def _once_each(processor: Callable[[Any], Any], column: tuple[Any, ...], kind: str) -> list[Any]:
    """The processor of a date, time or flag column called once per distinct value.

    A batch's rows share their few days and its one time of recording, and SQLAlchemy's date and
    time processors format each value in Python. A time is known by its identity, not its value:
    one instant in two time zones is equal but written differently.
    """
    done: dict[Any, Any] = {}
    result = []
    for value in column:
        key = id(value) if kind == "time" else value
        try:
            result.append(done[key])
        except KeyError:
            result.append(done.setdefault(key, processor(value)))
    return result
