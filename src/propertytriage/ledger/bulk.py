"""Many rows in one statement: what makes an import of 100,000 cases take seconds rather than minutes.

On SQLite the rows go to the driver's executemany as tuples, each value put through its column
type's own bind processor (the text SQLAlchemy itself would store): building SQLAlchemy's per-row
parameters cost more than SQLite's writing of them. On PostgreSQL SQLAlchemy's own executemany
(psycopg's pipeline) is kept. Shared by the recorder and the report's projection.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Dialect, Table, bindparam, insert, update

Processor = Callable[[Any], Any] | None


@functools.lru_cache(maxsize=64)
def _sqlite_statement(table: Table, columns: tuple[str, ...], key: str | None,
                      dialect: Dialect) -> tuple[str, list[Processor]]:
    """``INSERT`` of ``columns`` (or ``UPDATE`` of them ``WHERE key = ?``) and each column's processor."""
    names = [*columns, key] if key else list(columns)
    processors: list[Processor] = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    quote = dialect.identifier_preparer.quote
    if key is None:
        sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
               f"VALUES ({', '.join('?' for _ in columns)})")
    else:
        sql = (f"UPDATE {quote(table.name)} SET {', '.join(f'{quote(c)} = ?' for c in columns)} "
               f"WHERE {quote(key)} = ?")
    return sql, processors


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
    sql, processors = _sqlite_statement(table, columns, key, connection.dialect)
    names = [*columns, key] if key else list(columns)
    # column by column, so that each value costs one call of its processor and nothing else
    by_column = list(zip(*map(operator.itemgetter(*names), rows), strict=True))  # every table has 2+ columns
    processed = [column if p is None else list(map(p, column)) for column, p in zip(by_column, processors, strict=True)]
    connection.exec_driver_sql(sql, list(zip(*processed, strict=True)))
