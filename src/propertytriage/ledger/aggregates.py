"""The projection the report counts from: each case's groups and milestones, each attempt and each
company event on the day it counts.

The report (SPEC §5) counts attempts by stage and outcome, cases by street, community and company,
and companies' scores, notices and inspections, all within a period. Kept inside ``cases.snapshot``
and ``companies.history`` those would need a JSON table function per dialect in every aggregate; kept
here as plain rows they are ``GROUP BY`` queries on indexed columns, the same on SQLite and PostgreSQL.

Like every projection it follows from the events: the recorder writes it with the rest of a batch
(:func:`project`), and :func:`rebuild` fills it again after a migration.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from propertytriage.ledger.bulk import write_many
from propertytriage.ledger.companies import CompanyState, replayed
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES, COMPANIES, COMPANY_EVENTS
from propertytriage.ledger.state import CaseState
from propertytriage.models.scorecard import Scorecard
from propertytriage.scoring import RectificationState
from propertytriage.scoring.combine import score_with
from propertytriage.scoring.rubric import default_scoring_rules

_CHUNK = 500


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def case_columns(snapshot: Mapping[str, Any], decision: Mapping[str, Any], filed_on: date,
                 attempt_dates: list[str]) -> dict[str, Any]:
    """The columns of ``cases`` the report groups and counts by.

    ``court_on`` is the day the last step below court (in the ladder's order) failed (or the filing day for a case that
    goes to court with no step before it), when the decision is court; ``resolved_*`` the first
    attempt that resolved the dispute, at whatever stage.
    """
    estate = snapshot.get("estate") or {}
    resolved_stage = resolved_on = last_failed = None
    for attempt, day in zip(snapshot.get("attempts") or [], attempt_dates, strict=False):
        outcome = attempt["outcome"]
        if outcome == "failed":
            if attempt["stage"] != "court":
                last_failed = day
        elif outcome == "resolved" and resolved_stage is None:
            resolved_stage, resolved_on = attempt["stage"], day
    court_on = None
    if decision["next_stage"] == "court":
        court_on = filed_on if last_failed is None else _day(last_failed)
    return {
        "dispute_type": snapshot.get("dispute_type"), "claimant": snapshot.get("claimant"),
        "street": estate.get("street"), "community": estate.get("community"),
        "company_name": (snapshot.get("property_company") or {}).get("name"),
        "court_on": court_on, "resolved_stage": resolved_stage,
        "resolved_on": None if resolved_on is None else _day(resolved_on),
    }


def case_columns_of(state: CaseState) -> dict[str, Any]:
    """:func:`case_columns` of a case as the recorder holds it."""
    return case_columns(state.snapshot, state.decision, state.filed_on, state.attempt_dates)


def attempt_groups(snapshot: Mapping[str, Any], company_key: str | None) -> dict[str, Any]:
    """The case's street, community and company as ``cases`` holds them, which every attempt row of
    the case repeats (migration 0007): the breakdown by group then reads one table."""
    estate = snapshot.get("estate") or {}
    return {"street": estate.get("street"), "community": estate.get("community"), "company_key": company_key}


def attempt_rows(case_id: str, snapshot: Mapping[str, Any], attempt_dates: list[str],
                 company_key: str | None = None) -> list[dict[str, Any]]:
    """One row per attempt, dated by its own day or the day the ledger first recorded it (SPEC §5),
    with the day of the case's previous attempt at the same stage and, for a resolved one, of its
    previous resolved one there (by day, then position): the report counts a case once per stage by
    counting the attempts whose previous day falls before the period (migration 0006). Each row also
    carries the case's groups (:func:`attempt_groups`)."""
    groups = attempt_groups(snapshot, company_key)
    rows = [{"case_id": case_id, "position": i, "stage": a["stage"], "outcome": a["outcome"], "dated_on": _day(d),
             "previous_on": None, "previous_resolved_on": None, **groups}
            for i, (a, d) in enumerate(zip(snapshot.get("attempts") or [], attempt_dates, strict=False))]
    last: dict[str, date] = {}
    last_resolved: dict[str, date] = {}
    for row in sorted(rows, key=lambda r: (r["dated_on"], r["position"])):
        stage = row["stage"]
        row["previous_on"] = last.get(stage)
        last[stage] = row["dated_on"]
        if row["outcome"] == "resolved":
            row["previous_resolved_on"] = last_resolved.get(stage)
            last_resolved[stage] = row["dated_on"]
    return rows


@functools.lru_cache(maxsize=4096)
def _scorecard_total(text: str) -> float:
    card = Scorecard.model_validate(json.loads(text))
    return float(score_with(card, default_scoring_rules()).total)


def _score(event: Mapping[str, Any]) -> float:
    if event.get("total") is not None:
        return float(event["total"])
    return _scorecard_total(json.dumps(event["scorecard"], sort_keys=True, ensure_ascii=False))


def company_rows(key: str, history: list[dict[str, Any]], lifecycle: RectificationState | None) -> list[dict[str, Any]]:
    """One row per score, notice and inspection of the record, then one per penalty the lifecycle
    recommends; a passing inspection carries the days since the notice of its round."""
    rows: list[dict[str, Any]] = []
    notice_on: date | None = None
    for position, event in enumerate(history):
        on = _day(event["on"])
        row = {"company_key": key, "position": position, "kind": event["kind"], "dated_on": on, "score": None,
               "passed": None, "days_since_notice": None}
        if event["kind"] == "score":
            row["score"] = _score(event)
        elif event["kind"] == "notice":
            notice_on = on
        else:
            row["passed"] = event["result"] == "passed"
            if row["passed"] and notice_on is not None:
                row["days_since_notice"] = (on - notice_on).days
        rows.append(row)
    for offset, penalty in enumerate(lifecycle.penalty_recommendations if lifecycle else []):
        rows.append({"company_key": key, "position": len(history) + offset, "kind": "penalty",
                     "dated_on": penalty.on, "score": None, "passed": None, "days_since_notice": None})
    return rows


def _lifecycle(state: CompanyState, memo: Mapping[Any, Any]) -> RectificationState | None:
    if not state.history:
        return None
    known = memo.get((state.key, state.version))
    if known is not None and known[0] == state.history:
        return known[1]  # type: ignore[no-any-return]
    return replayed(state, state.history, "")


def _first_difference(before: CaseState, after: CaseState) -> int | None:
    """The first position whose attempt row differs, or None when the rows are the same.

    A case that moved to another street, community or company differs from its first attempt on:
    the breakdown counts each attempt in the case's group as it is now (docs/statistics.md).
    """
    if attempt_groups(before.snapshot, before.company_key) != attempt_groups(after.snapshot, after.company_key):
        return 0
    old = list(zip(before.snapshot.get("attempts") or [], before.attempt_dates, strict=False))
    new = list(zip(after.snapshot.get("attempts") or [], after.attempt_dates, strict=False))
    for position, ((a, on), (b, new_on)) in enumerate(zip(old, new, strict=False)):
        if on != new_on or a["stage"] != b["stage"] or a["outcome"] != b["outcome"]:
            return position
    return None if len(old) == len(new) else min(len(old), len(new))


def _project_attempts(connection: Connection, cases: Mapping[str, CaseState],
                      stored_cases: Mapping[str, CaseState]) -> None:
    """Rewrite each changed case's attempt rows from the first that differs (a new attempt: one insert)."""
    cut: list[tuple[str, int]] = []
    rows: list[dict[str, Any]] = []
    for key, state in cases.items():
        before = stored_cases.get(key)
        start = 0 if before is None else _first_difference(before, state)
        if start is None:
            continue
        if before is not None:
            cut.append((key, start))
        rows += attempt_rows(key, state.snapshot, state.attempt_dates, state.company_key)[start:]
    if cut and connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DELETE FROM case_attempts WHERE case_id = ? AND position >= ?", cut)
    elif cut:
        connection.execute(delete(CASE_ATTEMPTS).where(CASE_ATTEMPTS.c.case_id == bindparam("b_case"),
                                                       CASE_ATTEMPTS.c.position >= bindparam("b_start")),
                           [{"b_case": key, "b_start": start} for key, start in cut])
    write_many(connection, CASE_ATTEMPTS, rows)


def project(connection: Connection, cases: Mapping[str, CaseState], companies: Mapping[str, CompanyState],
            stored_cases: Mapping[str, CaseState], stored_companies: Collection[str], memo: Mapping[Any, Any]) -> None:
    """Write the attempts and company events of the cases and companies a batch changed.

    Called by the recorder's flush before it writes the cases (whose own columns come from
    :func:`case_columns_of`), with each case as the database holds it; a company's rows are
    replaced, a case's from its first attempt that changed.
    """
    _project_attempts(connection, cases, stored_cases)
    _replace(connection, COMPANY_EVENTS, COMPANY_EVENTS.c.company_key,
             [k for k in companies if k in stored_companies],
             [row for key, state in companies.items()
              for row in company_rows(key, state.history, _lifecycle(state, memo))])


def _replace(connection: Connection, table: Any, column: Any, stored: list[str], rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(stored):
        connection.execute(delete(table).where(column.in_(chunk)))
    write_many(connection, table, rows)


def rebuild(connection: Connection) -> None:
    """Fill the whole projection from the cases and companies as they stand (after a migration)."""
    connection.execute(delete(CASE_ATTEMPTS))
    connection.execute(delete(COMPANY_EVENTS))
    query = select(CASES.c.case_id, CASES.c.snapshot, CASES.c.decision, CASES.c.filed_on, CASES.c.attempt_dates,
                   CASES.c.company_key)
    updates: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    for row in connection.execute(query).all():
        dates = list(row.attempt_dates or [])
        updates.append({"b_id": row.case_id, **case_columns(row.snapshot, row.decision, row.filed_on, dates)})
        attempts += attempt_rows(row.case_id, row.snapshot, dates, row.company_key)
    if updates:
        values: dict[str, Any] = {k: bindparam(k) for k in updates[0] if k != "b_id"}
        statement = update(CASES).where(CASES.c.case_id == bindparam("b_id")).values(values)
        for chunk in _chunks(updates):
            connection.execute(statement, chunk)
    for chunk in _chunks(attempts):
        connection.execute(insert(CASE_ATTEMPTS), chunk)
    events: list[dict[str, Any]] = []
    for company in connection.execute(select(COMPANIES)).all():
        state = CompanyState(company.company_key, company.version, company.name, company.credit_code,
                             list(company.history))
        events += company_rows(state.key, state.history, _lifecycle(state, {}))
    for chunk in _chunks(events):
        connection.execute(insert(COMPANY_EVENTS), chunk)
