"""``bulk.write_many`` on SQLite (tuples to the driver, each date, time and flag processed once per
distinct value, JSON as bytes on the ledger's engine) stores exactly the text SQLAlchemy's own insert
and update store."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, bindparam, create_engine, insert, null, update

from propertytriage.ledger.bulk import write_many
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.schema import CASES, COMPANY_EVENTS, EVENTS, Base

_NUMBERS = itertools.count()
_FOLDER = Path(tempfile.mkdtemp(prefix="bulk-"))
atexit.register(shutil.rmtree, _FOLDER, True)  # the databases of this module, gone with the run
_ENGINES = {name: create_engine(f"sqlite:///{_FOLDER / name}.db") for name in ("fast", "slow")}
for _engine in _ENGINES.values():
    Base.metadata.create_all(_engine)

# the ledger's own engines (orjson's text for JSON, which write_many sends as bytes)
_LEDGER_ENGINES = {name: make_engine(f"sqlite:///{_FOLDER / name}-ledger.db") for name in ("fast", "slow")}
for _engine in _LEDGER_ENGINES.values():
    Base.metadata.create_all(_engine)

days = st.one_of(st.none(), st.dates(date(2024, 12, 25), date(2025, 1, 5)))
zones = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(0))])
instants = st.builds(lambda d, z: d.astimezone(z), st.datetimes(datetime(2026, 1, 1), datetime(2026, 1, 2),
                                                                  timezones=st.just(UTC)), zones)


def _stored(engine: Any, table: str, order: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return list(connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {order}").fetchall())


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(days, st.one_of(st.none(), st.booleans()), st.sampled_from([None, 1.5, 72])),
                     min_size=1, max_size=12))
def test_dates_flags_and_numbers_are_stored_as_sqlalchemy_stores_them(rows: list[tuple[Any, ...]]) -> None:
    key = f"k{next(_NUMBERS)}"
    values = [{"company_key": key, "position": i, "kind": "score", "dated_on": on or date(2025, 1, 1),
               "score": score, "passed": passed, "days_since_notice": None}
              for i, (on, passed, score) in enumerate(rows)]
    with _ENGINES["fast"].begin() as connection:
        write_many(connection, COMPANY_EVENTS, values)
    with _ENGINES["slow"].begin() as connection:
        connection.execute(insert(COMPANY_EVENTS), values)
    assert _stored(_ENGINES["fast"], "company_events", "company_key, position") == \
        _stored(_ENGINES["slow"], "company_events", "company_key, position")


@settings(max_examples=40, deadline=None)
@given(times=st.lists(instants, min_size=1, max_size=6), shared=st.booleans())
def test_times_are_written_each_as_itself_even_when_equal(times: list[datetime], shared: bool) -> None:
    """One instant in two zones is equal, hashes alike and is written differently: never mixed up."""
    if shared:  # the same object on every row, as a batch's time of recording is
        times = [times[0]] * len(times)
    stream = f"s{next(_NUMBERS)}"
    values = [{"stream_type": "case", "stream_id": stream, "version": i + 1, "kind": "filed", "recorded_at": t,
               "recorded_by": None, "source": "x", "rules_version": "r", "data": {"at": i}}
              for i, t in enumerate(times)]
    with _ENGINES["fast"].begin() as connection:
        write_many(connection, EVENTS, values)
    with _ENGINES["slow"].begin() as connection:
        connection.execute(insert(EVENTS), values)
    query = f"SELECT stream_id, version, recorded_at, data FROM events WHERE stream_id = '{stream}' ORDER BY version"
    with _ENGINES["fast"].connect() as fast, _ENGINES["slow"].connect() as slow:
        assert fast.exec_driver_sql(query).fetchall() == slow.exec_driver_sql(query).fetchall()


@settings(max_examples=30, deadline=None)
@given(changes=st.lists(st.tuples(days, st.booleans()), min_size=1, max_size=8))
def test_an_update_stores_what_sqlalchemy_stores(changes: list[tuple[date | None, bool]]) -> None:
    prefix = f"u{next(_NUMBERS)}"
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    base = {"version": 1, "digest": "d", "company_key": None, "company_version": None, "snapshot": {"a": 1},
            "decision": {"next_stage": "court"}, "next_stage": "court", "court_track": None, "is_open": True,
            "filed_on": date(2025, 1, 1), "attempt_dates": [], "updated_at": now}
    rows = [{"case_id": f"{prefix}-{i}", **base} for i in range(len(changes))]
    updates = [{"case_id": f"{prefix}-{i}", "court_on": on, "is_open": flag, "updated_at": now,
                "snapshot": {"b": [i]}} for i, (on, flag) in enumerate(changes)]
    with _ENGINES["fast"].begin() as connection:
        write_many(connection, CASES, rows)
        write_many(connection, CASES, updates, key="case_id")
    with _ENGINES["slow"].begin() as connection:
        connection.execute(insert(CASES), rows)
        connection.execute(update(CASES).where(CASES.c.case_id == bindparam("b_id")).values(
            {k: bindparam(k) for k in updates[0] if k != "case_id"}),
            [{**{k: v for k, v in u.items() if k != "case_id"}, "b_id": u["case_id"]} for u in updates])
    query = f"SELECT * FROM cases WHERE case_id LIKE '{prefix}-%' ORDER BY case_id"
    with _ENGINES["fast"].connect() as fast, _ENGINES["slow"].connect() as slow:
        assert fast.exec_driver_sql(query).fetchall() == slow.exec_driver_sql(query).fetchall()


texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)  # no half characters (storable)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53), texts,
              st.sampled_from(["第1物业服务有限公司", "𠀀𪚥", "\u0000\n\"\\", "鸿雁街道 某社区"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(json_values, st.just(JSON.NULL)), min_size=1, max_size=6),
       update_to=json_values, dates=st.one_of(json_values, st.just(JSON.NULL), st.just(null())))
def test_json_sent_as_bytes_is_the_text_sqlalchemy_stores(values: list[Any], update_to: Any, dates: Any) -> None:
    """Every JSON value, Chinese text and the two nulls (SQL's ``null()``, in a column that may be
    NULL, and JSON's) included, is stored as the same text, of the same type (text, or NULL), as
    through SQLAlchemy's own processor."""
    stream = f"j{next(_NUMBERS)}"
    rows = [{"stream_type": "case", "stream_id": stream, "version": i + 1, "kind": "filed",
             "recorded_at": datetime(2026, 1, 1, tzinfo=UTC), "recorded_by": None, "source": "x",
             "rules_version": "r", "data": value, "reason": None} for i, value in enumerate(values)]
    with _LEDGER_ENGINES["fast"].begin() as connection:
        write_many(connection, EVENTS, rows)
    with _LEDGER_ENGINES["slow"].begin() as connection:
        connection.execute(insert(EVENTS), rows)
    key = f"{stream}-case"
    case = {"case_id": key, "version": 1, "digest": "d", "company_key": None, "company_version": None,
            "snapshot": values[0], "decision": {"next_stage": "court"}, "next_stage": "court", "court_track": None,
            "is_open": True, "filed_on": date(2025, 1, 1), "attempt_dates": dates,
            "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}
    with _LEDGER_ENGINES["fast"].begin() as connection:
        write_many(connection, CASES, [case])
        write_many(connection, CASES, [{"case_id": key, "snapshot": update_to}], key="case_id")
    with _LEDGER_ENGINES["slow"].begin() as connection:
        connection.execute(insert(CASES), [case])
        connection.execute(update(CASES).where(CASES.c.case_id == key).values(snapshot=update_to))
    for query in (f"SELECT version, data, typeof(data) FROM events WHERE stream_id = '{stream}' ORDER BY version",
                  f"SELECT snapshot, typeof(snapshot), attempt_dates, typeof(attempt_dates) FROM cases "
                  f"WHERE case_id = '{key}'"):
        with _LEDGER_ENGINES["fast"].connect() as fast, _LEDGER_ENGINES["slow"].connect() as slow:
            assert fast.exec_driver_sql(query).fetchall() == slow.exec_driver_sql(query).fetchall()


def test_a_ledger_file_made_utf16_before_its_tables_keeps_its_json_whole(tmp_path) -> None:
    """The import writes and reads JSON as UTF-8 bytes cast to text only where the database stores UTF-8:
    a file set to UTF-16 (``PRAGMA encoding``) before the ledger created its tables read those bytes as
    UTF-16, and stored events and snapshots that were no longer JSON (``cases`` then failed)."""
    import sqlite3

    from propertytriage.cli.main import main

    path = tmp_path / "utf16.db"
    made = sqlite3.connect(path)
    made.execute("PRAGMA encoding = 'UTF-16le'")
    made.execute("CREATE TABLE t (x)")
    made.execute("DROP TABLE t")
    made.commit()
    made.close()
    examples = Path(__file__).parents[2] / "examples"
    db = f"sqlite:///{path}"
    assert main(["import", str(examples / "cases.json"), "--db", db]) == 0
    assert main(["import", str(examples / "cases.json"), "--db", db]) == 0  # read back, unchanged
    assert main(["cases", "--db", db]) == 0
    stored = sqlite3.connect(path)
    for table, column in [("events", "data"), ("cases", "snapshot"), ("cases", "decision"),
                          ("companies", "history"), ("deadlines", "parties")]:
        bad = stored.execute(f"SELECT count(*) FROM {table} WHERE json_valid({column}) = 0").fetchone()[0]
        assert bad == 0, (table, column)
    stored.close()
