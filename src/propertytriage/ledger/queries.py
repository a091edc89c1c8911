"""Reading the ledger: one case in full (``show``), the list of cases, and what falls due.

Lists are answered from the projections with one query each, so they take the same time whether
the ledger holds a hundred cases or a hundred thousand (apart from the rows they print).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date
from typing import Any, TypeGuard

from sqlalchemy import Connection, String, and_, bindparam, false, func, null, or_, select, type_coerce

from propertytriage.ledger import listed
from propertytriage.ledger.schema import CASES, COMPANIES, DEADLINES, EVENTS

_CASES, _COMPANIES, _DEADLINES, _EVENTS = CASES, COMPANIES, DEADLINES, EVENTS


def _deadline_json(row: Any, on: date | None = None) -> dict[str, Any]:
    item = {"kind": row.kind, "title": row.title, "subject_type": row.subject_type, "subject_id": row.subject_id,
            "starts_on": row.starts_on.isoformat(), "due_on": row.due_on.isoformat(), "basis": row.basis,
            "note": row.note}
    if on is not None:
        item["overdue"] = row.due_on < on
        item["days_left"] = (row.due_on - on).days
    return item


def _event_json(row: Any) -> dict[str, Any]:
    recorded_at = row.recorded_at if row.recorded_at.tzinfo else row.recorded_at.replace(tzinfo=UTC)  # SQLite
    return {"version": row.version, "kind": row.kind, "recorded_at": recorded_at.isoformat(),
            "recorded_by": row.recorded_by, "source": row.source, "rules_version": row.rules_version,
            **row.data, "reason": row.reason}


# show's statements, built once: building and keying a statement per call cost more than running it
_CASE = select(_CASES).where(_CASES.c.case_id == bindparam("case_id"))
_COMPANY = select(_COMPANIES).where(_COMPANIES.c.company_key == bindparam("key"))
_CASE_EVENTS = (select(_EVENTS).where(_EVENTS.c.stream_type == "case", _EVENTS.c.stream_id == bindparam("case_id"))
                .order_by(_EVENTS.c.version))
_SUBJECT_DEADLINES = select(_DEADLINES).where(or_(
    and_(_DEADLINES.c.subject_type == "case", _DEADLINES.c.subject_id == bindparam("case_id")),
    and_(_DEADLINES.c.subject_type == "company", _DEADLINES.c.subject_id == bindparam("key")),  # NULL: none
)).order_by(_DEADLINES.c.due_on)


def show(connection: Connection, case_id: str) -> dict[str, Any] | None:
    """The full record of one case (SPEC §3 ``show``); None if the ledger does not hold it."""
    from propertytriage.ledger import snapshots
    from propertytriage.ledger.recorder import company_from_row
    from propertytriage.ledger.replay import company_as_of

    case_id = case_id.strip()  # as a case id is stored (models/types.py): " A-1" typed or pasted is A-1
    if not storable(case_id):
        return None
    row = connection.execute(_CASE, {"case_id": case_id}).first()
    if row is None:
        return None
    company = None
    if row.company_key is not None:
        company = company_from_row(connection.execute(_COMPANY, {"key": row.company_key}).one())
        if company.version != row.company_version:  # a closed case was decided on an older record
            company = company_as_of(connection, row.company_key, row.company_version or 0)
    events = connection.execute(_CASE_EVENTS, {"case_id": case_id})
    deadlines = connection.execute(_SUBJECT_DEADLINES, {"case_id": case_id, "key": row.company_key})
    return {
        "case": snapshots.compose(row.snapshot, company),
        "decision": row.decision,
        "events": [_event_json(e) for e in events],
        "deadlines": [_deadline_json(d) for d in deadlines],
    }


def _overdue_clause(on: date) -> Any:
    """Overdue itself, or open with its company overdue: two uncorrelated subqueries (a hashed set each on
    PostgreSQL, where the correlated EXISTS of one deadline per case took seconds)."""
    late = select(_DEADLINES.c.subject_id).where(_DEADLINES.c.due_on < on)
    return or_(
        _CASES.c.case_id.in_(late.where(_DEADLINES.c.subject_type == "case")),
        and_(_CASES.c.is_open.is_(True), _CASES.c.company_key.in_(late.where(_DEADLINES.c.subject_type == "company"))),
    )


def storable(value: Any) -> TypeGuard[str]:
    """Whether ``value`` is text both databases take as a parameter, so that it may name a stored id or name.

    PostgreSQL's text cannot hold NUL (psycopg refuses the parameter), and no database stores half a
    character (JSON's ``\\ud800``, or a command line in another encoding: lone surrogates, which UTF-8 cannot
    encode). Validation refuses both by name, so a look-up with one names nothing, on either database,
    and the import's batch look-ups ahead of validation leave it out instead of failing the whole batch.
    """
    if not isinstance(value, str) or "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _case_filters(
    stage: str | None, overdue_on: date | None, community: str | None, company: str | None
) -> list[Any]:
    """The WHERE clauses of a filtered list; a company is named by its name or its credit code."""
    clauses: list[Any] = []
    if not all(storable(text) for text in (community, company) if text is not None):
        return [false()]
    if stage is not None:
        clauses.append(_CASES.c.next_stage == stage)
    if overdue_on is not None:
        clauses.append(_overdue_clause(overdue_on))
    if community is not None:
        clauses.append(_CASES.c.snapshot[("estate", "community")].as_string() == community)
    if company is not None:
        named = select(_COMPANIES.c.company_key).where(or_(_COMPANIES.c.name == company,
                                                           _COMPANIES.c.credit_code == company))
        clauses.append(_CASES.c.company_key.in_(named))
    return clauses


def count_cases(
    connection: Connection, *, stage: str | None = None, overdue_on: date | None = None,
    community: str | None = None, company: str | None = None,
) -> int:
    """How many cases :func:`list_cases` lists with the same filters (counted in the database)."""
    query = select(func.count()).select_from(_CASES).where(*_case_filters(stage, overdue_on, community, company))
    return int(connection.execute(query).scalar_one())


# What a list prints of a case: the whole snapshot and decision (1.5 KB a case) cost a JSON decoding
# each per row and made SQLite sort 150 MB for 100,000 cases. The community and the company's name
# are the report's columns (aggregates.case_columns: the same values of the same snapshot); the rest
# is taken out of the JSON by the database (JSON_EXTRACT on SQLite, -> and #>> on PostgreSQL).
# Days are read as the database gives them (ISO text from SQLite, a date from PostgreSQL): see _iso.
_LISTED = (
    _CASES.c.case_id, type_coerce(_CASES.c.filed_on, String), _CASES.c.next_stage, _CASES.c.court_track,
    _CASES.c.decision["awaiting"], _CASES.c.decision["forms"], _CASES.c.community, _CASES.c.snapshot["owners"],
    _CASES.c.company_name, _CASES.c.snapshot[("property_company", "phone")].as_string(),
)


def _rows(connection: Connection, query: Any, stream: bool) -> Iterator[Any]:
    """The rows of ``query``; ``stream`` reads them in batches (a server-side cursor on PostgreSQL,
    whose driver otherwise holds the whole result in memory; SQLite's cursor steps through anyway)."""
    yield from connection.execute(query, execution_options={"yield_per": _BATCH} if stream else None)


_BATCH = 2000


def case_rows(
    connection: Connection, *, stage: str | None = None, overdue_on: date | None = None,
    community: str | None = None, company: str | None = None, limit: int | None = None, offset: int = 0,
    stream: bool = True,
) -> Iterator[Any]:
    """The rows :func:`iter_cases` makes its items of (listed.case_items), for a printer that needs no item."""
    query = select(*_LISTED).where(*_case_filters(stage, overdue_on, community, company))
    query = query.order_by(_CASES.c.filed_on, _CASES.c.case_id).offset(offset).limit(limit)
    return _rows(connection, query, stream)


def iter_cases(
    connection: Connection, *, stage: str | None = None, overdue_on: date | None = None,
    community: str | None = None, company: str | None = None, limit: int | None = None, offset: int = 0,
    stream: bool = True,
) -> Iterator[dict[str, Any]]:
    """Cases with their next step (masked parties), oldest filing first, one at a time: a list of
    100,000 cases prints in the memory of a few thousand (SPEC §3, memory flat)."""
    return listed.case_items(case_rows(connection, stage=stage, overdue_on=overdue_on, community=community,
                                       company=company, limit=limit, offset=offset, stream=stream))


def list_cases(
    connection: Connection, *, stage: str | None = None, overdue_on: date | None = None,
    community: str | None = None, company: str | None = None, limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Cases with their next step (masked parties), oldest filing first; a page of them with ``limit``."""
    return list(iter_cases(connection, stage=stage, overdue_on=overdue_on, community=community, company=company,
                           limit=limit, offset=offset, stream=False))


_DUE_COLUMNS = (
    _DEADLINES.c.kind, _DEADLINES.c.title, _DEADLINES.c.subject_type, _DEADLINES.c.subject_id,
    type_coerce(_DEADLINES.c.starts_on, String), type_coerce(_DEADLINES.c.due_on, String), _DEADLINES.c.basis,
    _DEADLINES.c.note, _DEADLINES.c.next_stage, _DEADLINES.c.parties, _DEADLINES.c.company_name,
)
_NOT_BRIEF = (4, 6, 7)  # starts_on, basis, note: long texts a table of the list does not print (a third of the read)


def due_rows(connection: Connection, on: date, *, within_days: int = 7, stream: bool = True,
             brief: bool = False) -> Iterator[Any]:
    """The rows :func:`iter_due` makes its items of (listed.due_items), for a printer that needs no item."""
    columns = [null() if brief and i in _NOT_BRIEF else column for i, column in enumerate(_DUE_COLUMNS)]
    query = (select(*columns).where(_DEADLINES.c.due_on <= listed.due_until(on, within_days))
             .order_by(_DEADLINES.c.due_on, _DEADLINES.c.subject_type, _DEADLINES.c.subject_id, _DEADLINES.c.kind))
    # each row carries what the list prints (schema.DeadlineRow): no join
    return _rows(connection, query, stream)


def iter_due(
    connection: Connection, on: date, *, within_days: int = 7, stream: bool = True, brief: bool = False,
) -> Iterator[dict[str, Any]]:
    """What falls due by ``on`` plus ``within_days``, overdue first (oldest first), with masked parties,
    one item at a time, its keys in the order of :func:`_deadline_json`; ``brief`` items lack
    ``starts_on``, ``basis`` and ``note``."""
    rows = due_rows(connection, on, within_days=within_days, stream=stream, brief=brief)
    return listed.due_items(rows, on, brief=brief)


def due(connection: Connection, on: date, *, within_days: int = 7) -> list[dict[str, Any]]:
    """What falls due by ``on`` plus ``within_days``, overdue first (oldest first), with masked parties."""
    return list(iter_due(connection, on, within_days=within_days, stream=False))
