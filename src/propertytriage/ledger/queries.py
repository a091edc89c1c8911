"""Reading the ledger: one case in full (``show``), the list of cases, and what falls due.

Lists are answered from the projections with one query each, so they take the same time whether
the ledger holds a hundred cases or a hundred thousand (apart from the rows they print).
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select

from propertytriage.ledger import snapshots
from propertytriage.ledger.masking import parties
from propertytriage.ledger.recorder import company_from_row
from propertytriage.ledger.replay import company_as_of
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
            "recorded_by": row.recorded_by, "source": row.source, "rules_version": row.rules_version, **row.data}


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


def _case_filters(
    stage: str | None, overdue_on: date | None, community: str | None, company: str | None
) -> list[Any]:
    """The WHERE clauses of a filtered list; a company is named by its name or its credit code."""
    clauses: list[Any] = []
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


def list_cases(
    connection: Connection, *, stage: str | None = None, overdue_on: date | None = None,
    community: str | None = None, company: str | None = None, limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Cases with their next step (masked parties), oldest filing first; a page of them with ``limit``."""
    query = select(_CASES.c.case_id, _CASES.c.filed_on, _CASES.c.next_stage, _CASES.c.court_track,
                   _CASES.c.decision, _CASES.c.snapshot)
    query = query.where(*_case_filters(stage, overdue_on, community, company))
    query = query.order_by(_CASES.c.filed_on, _CASES.c.case_id).offset(offset).limit(limit)
    result = []
    for row in connection.execute(query):
        result.append({
            "case_id": row.case_id, "filed_on": row.filed_on.isoformat(), "next_stage": row.next_stage,
            "court_track": row.court_track, "awaiting": row.decision.get("awaiting", []),
            "forms": row.decision.get("forms", []), "community": row.snapshot.get("estate", {}).get("community"),
            **parties(row.snapshot),
        })
    return result


def due(connection: Connection, on: date, *, within_days: int = 7) -> list[dict[str, Any]]:
    """What falls due by ``on`` plus ``within_days``, overdue first (oldest first), with masked parties."""
    # the calendar's last day bounds the window: --on 9999-12-31 lists what is due by then, not an error
    until = on + timedelta(days=within_days) if (date.max - on).days >= within_days else date.max
    query = (select(_DEADLINES).where(_DEADLINES.c.due_on <= until)
             .order_by(_DEADLINES.c.due_on, _DEADLINES.c.subject_type, _DEADLINES.c.subject_id))
    result = []
    for row in connection.execute(query):  # each row carries what the list prints (schema.DeadlineRow)
        item = _deadline_json(row, on)
        if row.subject_type == "case":
            item["next_stage"] = row.next_stage
            item.update(row.parties or {})
        elif row.company_name:
            item["company"] = row.company_name
        result.append(item)
    return result
