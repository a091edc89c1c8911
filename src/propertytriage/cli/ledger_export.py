"""The ledger's cases as export rows: each current case (as ``show`` composes it), its decision, its
company's score and rectification state, and its next deadline.

Cases are read in one streamed query, oldest filing first as ``cases`` lists them; companies and the
earliest deadline of each subject are read once up front (there are far fewer of them than cases, and
one query each beats a query per case at 100,000 cases).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from propertytriage.errors import InputError
from propertytriage.ledger import snapshots
from propertytriage.ledger.companies import CompanyState, replayed
from propertytriage.ledger.recorder import company_from_row
from propertytriage.ledger.replay import company_as_of
from propertytriage.ledger.schema import CASES, COMPANIES, DEADLINES
from propertytriage.sheets.export import ExportRow

_STREAM = 500


def case_count(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(CASES)).scalar_one())


def export_slots(connection: Connection) -> dict[str, int]:
    """How many owners and focus points the widest case has (the sheet's repeated columns)."""
    slots = {"owners": 0, "focus_points": 0}
    rows = connection.execution_options(yield_per=_STREAM).execute(select(CASES.c.snapshot))
    for (snapshot,) in rows:
        for name in slots:
            slots[name] = max(slots[name], len(snapshot.get(name) or ()))
    return slots


def _next_deadlines(connection: Connection) -> dict[tuple[str, str], tuple[date, str]]:
    """The earliest deadline of every case and company: ``(type, id) → (due_on, title)``."""
    earliest: dict[tuple[str, str], tuple[date, str]] = {}
    query = select(DEADLINES.c.subject_type, DEADLINES.c.subject_id, DEADLINES.c.due_on, DEADLINES.c.title)
    for row in connection.execute(query.order_by(DEADLINES.c.due_on, DEADLINES.c.id)):
        earliest.setdefault((row.subject_type, row.subject_id), (row.due_on, row.title))
    return earliest


def _company_view(state: CompanyState) -> tuple[Any, str]:
    """The company's latest score and its rectification state, as a clerk reads them."""
    if not state.history:
        return None, state.status
    try:
        lifecycle = replayed(state, state.history, "")
    except InputError:  # a record the ledger accepted replays; say only what the row holds if not
        return None, state.status
    return lifecycle.latest_score, state.status


def ledger_rows(connection: Connection) -> Iterator[ExportRow]:
    """One export row per case, oldest filing first."""
    companies = {row.company_key: company_from_row(row) for row in connection.execute(select(COMPANIES))}
    views = {key: _company_view(state) for key, state in companies.items()}
    deadlines = _next_deadlines(connection)
    query = select(CASES).order_by(CASES.c.filed_on, CASES.c.case_id)
    for row in connection.execution_options(yield_per=_STREAM).execute(query):
        company = companies.get(row.company_key) if row.company_key else None
        score, state = views.get(row.company_key, (None, None)) if row.company_key else (None, None)
        if company is not None and company.version != row.company_version:  # decided on an older record
            company = company_as_of(connection, row.company_key, row.company_version or 0)
        candidates = [deadlines.get(("case", row.case_id))]
        if row.company_key and row.is_open:
            candidates.append(deadlines.get(("company", row.company_key)))
        found = [c for c in candidates if c is not None]
        upcoming = min(found) if found else None
        yield ExportRow(
            case=snapshots.compose(row.snapshot, company), decision=row.decision, company_score=score,
            rectification=state,
            next_deadline={"due_on": upcoming[0], "title": upcoming[1]} if upcoming else None,
        )
