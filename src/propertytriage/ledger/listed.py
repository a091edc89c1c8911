"""The rows of ``cases`` and ``due`` as the lists show them, whichever way the rows were read.

Two readers give the same rows: SQLAlchemy (queries.py: PostgreSQL, the web pages and the API) and,
for the commands on a SQLite ledger, the standard library's ``sqlite3`` with the statements below,
which are the ones SQLAlchemy compiles for SQLite. Loading SQLAlchemy and the schema took half a
second of CPU, more than SQLite takes to read 82,000 due items, so a clerk's ``due`` skips it
(reading.py opens the file). The items are built here for both readers, so they cannot drift apart;
tests/ledger/test_sqlite_reads.py holds the two readers' items equal.

Nothing here imports SQLAlchemy, pydantic or the engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

import orjson

from propertytriage.ledger.masking import parties

# --- due ------------------------------------------------------------------------------------

# the columns of queries._DUE_COLUMNS in their order; a brief item leaves starts_on, basis, note unread
_DUE_SELECT = ("kind, title, subject_type, subject_id, {long}due_on, {basis_note}next_stage, parties, company_name")
_DUE_ORDER = " FROM deadlines WHERE due_on <= ? ORDER BY due_on, subject_type, subject_id, kind"
DUE_SQL = "SELECT " + _DUE_SELECT.format(long="starts_on, ", basis_note="basis, note, ") + _DUE_ORDER
DUE_BRIEF_SQL = "SELECT " + _DUE_SELECT.format(long="NULL, ", basis_note="NULL, NULL, ") + _DUE_ORDER


def due_until(on: date, within_days: int) -> date:
    """The last day a due list covers: ``on`` plus ``within_days``, or the calendar's last day (``--on
    9999-12-31`` lists what is due by then, not an error)."""
    return on + timedelta(days=within_days) if (date.max - on).days >= within_days else date.max


def iso(day: str | date) -> str:
    """A day in ISO form, whether SQLite gave its stored text or PostgreSQL a date (parsing the text
    into a date and printing it back cost more than the rest of a due item)."""
    return day if isinstance(day, str) else day.isoformat()


def due_items(rows: Iterable[Any], on: date, *, brief: bool, json_text: bool = False) -> Iterator[dict[str, Any]]:
    """Each row of the due statement as an item, its keys in the order of ``queries._deadline_json``;
    ``json_text``: the parties come as JSON text (``sqlite3``) rather than decoded (SQLAlchemy)."""
    days: dict[Any, tuple[str, bool, int]] = {}  # a few hundred distinct days among 100,000 items
    loads = orjson.loads
    for kind, title, subject_type, subject_id, starts_on, due_on, basis, note, next_stage, listed, company_name \
            in rows:
        if (day := days.get(due_on)) is None:
            due_day = due_on if isinstance(due_on, date) else date.fromisoformat(due_on)
            day = days[due_on] = (due_day.isoformat(), due_day < on, (due_day - on).days)
        if brief:
            item = {"kind": kind, "title": title, "subject_type": subject_type, "subject_id": subject_id,
                    "due_on": day[0], "overdue": day[1], "days_left": day[2]}
        else:
            item = {"kind": kind, "title": title, "subject_type": subject_type, "subject_id": subject_id,
                    "starts_on": iso(starts_on), "due_on": day[0], "basis": basis, "note": note,
                    "overdue": day[1], "days_left": day[2]}
        if subject_type == "case":
            item["next_stage"] = next_stage
            if listed:
                item.update(loads(listed) if json_text else listed)
        elif company_name:
            item["company"] = company_name
        yield item


def sqlite_due_rows(connection: sqlite3.Connection, on: date, *, within_days: int = 7,
                    brief: bool = False) -> Iterator[Any]:
    """``queries.due_rows`` on a ``sqlite3`` connection: the same rows in the same order, the parties
    as their JSON text."""
    cursor = connection.execute(DUE_BRIEF_SQL if brief else DUE_SQL, (due_until(on, within_days).isoformat(),))
    cursor.arraysize = 2000
    return _fetched(cursor)


def sqlite_due(connection: sqlite3.Connection, on: date, *, within_days: int = 7,
               brief: bool = False) -> Iterator[dict[str, Any]]:
    """``queries.iter_due`` on a ``sqlite3`` connection: the same items in the same order."""
    rows = sqlite_due_rows(connection, on, within_days=within_days, brief=brief)
    return due_items(rows, on, brief=brief, json_text=True)


# --- cases ----------------------------------------------------------------------------------

# queries._LISTED read from SQLite: the awaited steps and forms in one JSON_EXTRACT of the decision, the
# owners and the company's phone in one of the snapshot (each JSON_EXTRACT parses its whole document)
_CASES_SELECT = (
    "SELECT case_id, filed_on, next_stage, court_track, JSON_EXTRACT(decision, '$.awaiting', '$.forms'), community,"
    " company_name, JSON_EXTRACT(snapshot, '$.owners', '$.property_company.phone') FROM cases"
)
# queries._overdue_clause: overdue itself, or open with its company overdue
_OVERDUE = ("(case_id IN (SELECT subject_id FROM deadlines WHERE due_on < :on AND subject_type = 'case')"
            " OR is_open IS 1 AND company_key IN"
            " (SELECT subject_id FROM deadlines WHERE due_on < :on AND subject_type = 'company'))")
def cases_sql(stage: str | None, overdue_on: date | None) -> str:
    """The statement of ``queries.iter_cases`` with these filters (parameters ``:stage`` and ``:on``)."""
    clauses = [*(["next_stage = :stage"] if stage is not None else []), *([_OVERDUE] if overdue_on is not None else [])]
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return _CASES_SELECT + where + " ORDER BY filed_on, case_id"


def case_items(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Cases as the list shows them: the same masking as :func:`masking.parties` of the whole snapshot."""
    for case_id, filed_on, next_stage, court_track, awaiting, forms, community, owners, name, phone in rows:
        yield {
            "case_id": case_id, "filed_on": iso(filed_on), "next_stage": next_stage, "court_track": court_track,
            "awaiting": awaiting if awaiting is not None else [], "forms": forms if forms is not None else [],
            "community": community,
            **parties({"owners": owners or [], "property_company": {"name": name, "phone": phone}}),
        }


def sqlite_case_rows(connection: sqlite3.Connection, *, stage: str | None = None,
                     overdue_on: date | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows of ``queries.case_rows`` (no community, company or page) on a ``sqlite3`` connection,
    their JSON decoded as SQLAlchemy decodes it."""
    parameters = {"stage": stage, "on": overdue_on.isoformat() if overdue_on is not None else None}
    cursor = connection.execute(cases_sql(stage, overdue_on), parameters)
    cursor.arraysize = 2000
    loads = orjson.loads
    for case_id, filed_on, next_stage, court_track, decided, community, name, listed in _fetched(cursor):
        awaiting, forms = loads(decided)
        owners, phone = loads(listed)
        yield case_id, filed_on, next_stage, court_track, awaiting, forms, community, owners, name, phone


def sqlite_cases(connection: sqlite3.Connection, *, stage: str | None = None,
                 overdue_on: date | None = None) -> Iterator[dict[str, Any]]:
    """``queries.iter_cases`` (no community, company or page) on a ``sqlite3`` connection."""
    return case_items(sqlite_case_rows(connection, stage=stage, overdue_on=overdue_on))


def _fetched(cursor: sqlite3.Cursor) -> Iterator[Any]:
    """The cursor's rows, fetched a batch at a time (one call into the driver per 2,000 rows)."""
    while batch := cursor.fetchmany():
        yield from batch
