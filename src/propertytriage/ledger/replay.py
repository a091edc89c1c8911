"""Folding events back into state: the proof that the events are the record.

:func:`replay_case` rebuilds a case from its events alone (its own snapshot from ``filed`` and each
``changed``; its company's record from the company's events up to the version the case last saw) and
decides it again; the tests check that this gives back the projection's case and decision.
:func:`rebuild_derived` recomputes what a newer schema derives from the same events (after a
migration): the day each attempt was recorded, and every deadline.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from propertytriage.engine import Triage
from propertytriage.ledger import aggregates, snapshots
from propertytriage.ledger.companies import CompanyState, merged, replayed
from propertytriage.ledger.deadlines import case_deadlines, company_deadlines
from propertytriage.ledger.masking import parties
from propertytriage.ledger.recorder import company_listing
from propertytriage.ledger.schema import CASES, COMPANIES, DEADLINES, EVENTS
from propertytriage.ledger.state import dated_attempts

_EVENTS = EVENTS


def stream(connection: Connection, stream_type: str, stream_id: str, *, up_to: int | None = None) -> list[Any]:
    """A stream's events, oldest first."""
    query = select(_EVENTS).where(_EVENTS.c.stream_type == stream_type, _EVENTS.c.stream_id == stream_id)
    if up_to is not None:
        query = query.where(_EVENTS.c.version <= up_to)
    return list(connection.execute(query.order_by(_EVENTS.c.version)))


def company_as_of(connection: Connection, key: str, version: int) -> CompanyState:
    """A company's record as it stood at ``version``, folded from its events."""
    state = CompanyState(key)
    for event in stream(connection, "company", key, up_to=version):
        if event.kind == "registered":
            state.name = event.data["company"].get("name")
            state.credit_code = event.data["company"].get("credit_code")
        else:
            state.history, _ = merged(state.history, [event.data["event"]], again=True)
        state.version = event.version
    return state


def fold_case(events: list[Any]) -> tuple[dict[str, Any], list[str], str | None, int | None]:
    """(own snapshot, attempt days, company key, company version) after a case's events."""
    snapshot: dict[str, Any] = {}
    dates: list[str] = []
    company: dict[str, Any] | None = None
    for event in events:
        data = event.data
        before = snapshot
        if event.kind == "filed":
            snapshot = data["snapshot"]
        elif event.kind == "changed":
            snapshot = snapshots.apply(snapshot, data["changes"], data["attempts_added"])
        if event.kind in ("filed", "changed"):
            company = data["company"]
            day = date.fromisoformat(data["as_of"])
            dates = dated_attempts(before.get("attempts", []), dates, snapshot.get("attempts", []), day)
        elif event.kind == "company_changed":
            company = data["company"]
    key = company["key"] if company else None
    return snapshot, dates, key, company["version"] if company else None


def replay_case(connection: Connection, case_id: str, engine: Triage) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the current Case, its decision) from the events alone."""
    own, _dates, key, version = fold_case(stream(connection, "case", case_id))
    case = snapshots.compose(own, company_as_of(connection, key, version) if key and version else None)
    return case, engine.decide(case).model_dump(mode="json")


def rebuild_derived(connection: Connection) -> None:
    """Recompute attempt days and deadlines of every case and company from the events."""
    cases, companies, deadlines = CASES, COMPANIES, DEADLINES
    connection.execute(delete(deadlines))
    rows: list[dict[str, Any]] = []
    for company in connection.execute(select(companies)).all():
        state = CompanyState(company.company_key, company.version, company.name, company.credit_code,
                             list(company.history))
        lifecycle = replayed(state, state.history, "") if state.history else None
        if lifecycle is not None:
            listing = company_listing(state)
            rows += [{**d.as_json(), **listing}
                     for d in company_deadlines(state.key, lifecycle.status, lifecycle.deadline)]
    for case in connection.execute(select(cases.c.case_id, cases.c.snapshot, cases.c.decision)).all():
        _own, dates, _key, _version = fold_case(stream(connection, "case", case.case_id))
        connection.execute(update(cases).where(cases.c.case_id == case.case_id).values(attempt_dates=dates))
        listing = {"next_stage": case.decision["next_stage"], "parties": parties(case.snapshot), "company_name": None}
        rows += [{**d.as_json(), **listing}
                 for d in case_deadlines(case.case_id, case.snapshot, case.decision, dates)]
    for row in rows:
        row["starts_on"], row["due_on"] = date.fromisoformat(row["starts_on"]), date.fromisoformat(row["due_on"])
    if rows:
        connection.execute(insert(deadlines), rows)
    aggregates.rebuild(connection)
