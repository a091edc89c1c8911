"""Migration 0006: each attempt carries the day of its case's previous attempt at the same stage (and
of its previous resolved one), so that the report counts cases per stage with a plain COUNT.

The property: for any attempts and any period, the attempts whose previous day is empty or before the
period are exactly one per case and stage that has an attempt in the period (and one per case and
stage resolved there), i.e. the COUNT(DISTINCT case_id) the queries used to make.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import case as when
from sqlalchemy import distinct, func, inspect, select

from propertytriage.ledger import Ledger
from propertytriage.ledger.aggregates import attempt_rows
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import _config, current_revision, head_revision
from propertytriage.ledger.schema import CASE_ATTEMPTS
from propertytriage.ledger.statistics import counts
from tests.reporting.test_projection import _case, _projection

STAGES = ("owners_committee", "community", "mediation_center", "court")
DAY0 = date(2026, 1, 1)

attempts = st.lists(st.tuples(st.sampled_from(STAGES), st.sampled_from(("resolved", "failed")),
                              st.integers(0, 40)), max_size=8)


def _rows(case_attempts: list[list[tuple[str, str, int]]]) -> list[dict[str, Any]]:
    rows = []
    for number, steps in enumerate(case_attempts):
        snapshot = {"attempts": [{"stage": s, "outcome": o} for s, o, _ in steps]}
        dates = [(DAY0 + timedelta(days=d)).isoformat() for _, _, d in steps]
        rows += attempt_rows(f"C-{number}", snapshot, dates)
    return rows


@settings(max_examples=300)
@given(cases=st.lists(attempts, max_size=6), first=st.integers(0, 40), length=st.integers(0, 40))
def test_the_first_attempt_of_a_period_is_the_one_whose_previous_day_is_before_it(
        cases: list[list[tuple[str, str, int]]], first: int, length: int) -> None:
    start, end = DAY0 + timedelta(days=first), DAY0 + timedelta(days=first + length)
    in_period = [r for r in _rows(cases) if start <= r["dated_on"] <= end]
    for stage in STAGES:
        at_stage = [r for r in in_period if r["stage"] == stage]
        firsts = [r for r in at_stage if r["previous_on"] is None or r["previous_on"] < start]
        assert sorted(r["case_id"] for r in firsts) == sorted({r["case_id"] for r in at_stage})
        resolved = [r for r in at_stage if r["outcome"] == "resolved"]
        first_resolved = [r for r in resolved
                          if r["previous_resolved_on"] is None or r["previous_resolved_on"] < start]
        assert sorted(r["case_id"] for r in first_resolved) == sorted({r["case_id"] for r in resolved})


def test_previous_days_follow_the_day_then_the_position_not_the_order_of_entry() -> None:
    snapshot = {"attempts": [{"stage": "community", "outcome": "resolved"}, {"stage": "community", "outcome": "failed"},
                             {"stage": "community", "outcome": "resolved"}, {"stage": "owners_committee",
                                                                            "outcome": "failed"}]}
    rows = attempt_rows("A", snapshot, ["2026-03-01", "2026-02-01", "2026-03-01", "2026-02-15"])
    assert [(r["previous_on"], r["previous_resolved_on"]) for r in rows] == [
        (date(2026, 2, 1), None),  # entered first, but the failed attempt of February came before it
        (None, None),
        (date(2026, 3, 1), date(2026, 3, 1)),  # same day, later position
        (None, None),  # another stage
    ]


def _distinct_counts(url: str, start: date, end: date) -> dict[str, tuple[int, int]]:
    """The ladder's counts as the queries made them before 0006: COUNT(DISTINCT case_id)."""
    a = CASE_ATTEMPTS
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(
            a.c.stage, func.count(distinct(a.c.case_id)),
            func.count(distinct(when((a.c.outcome == "resolved", a.c.case_id)))))
            .where(a.c.dated_on >= start, a.c.dated_on <= end).group_by(a.c.stage)).all()
    engine.dispose()
    return {stage: (attempted, resolved) for stage, attempted, resolved in rows}


def test_a_ledger_at_0005_is_migrated_forward_with_the_previous_days_filled(database_url, clock, write_json) -> None:
    # A-1 tries the community three times (twice in February), A-2 settles at the mediation center twice
    a1 = [{"stage": "owners_committee", "outcome": "failed", "on": "2026-01-10"},
          {"stage": "community", "outcome": "failed", "on": "2026-01-20"},
          {"stage": "community", "outcome": "failed", "on": "2026-02-03"},
          {"stage": "community", "outcome": "resolved", "on": "2026-02-20"}]
    a2 = [{"stage": "mediation_center", "outcome": "resolved", "on": "2026-02-05"},
          {"stage": "mediation_center", "outcome": "resolved", "on": "2026-02-25"}]
    path = write_json("a.json", [_case("A-1", a1), _case("A-2", a2)])
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([path])
    before = _projection(database_url)
    engine = make_engine(database_url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        command.downgrade(_config(connection), "0005")
        assert current_revision(connection) == "0005"
        assert "previous_on" not in {c["name"] for c in inspect(connection).get_columns("case_attempts")}
    engine.dispose()
    with Ledger(database_url, clock=clock) as ledger, ledger.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        february = counts(connection, date(2026, 2, 1), date(2026, 2, 28))
    after = _projection(database_url)
    assert after == before
    days = {(r[0], r[1]): (r[5], r[6]) for r in after[1]}
    assert days[("A-1", 2)] == (date(2026, 1, 20), None)
    assert days[("A-2", 1)] == (date(2026, 2, 5), date(2026, 2, 5))
    # one case per stage, as COUNT(DISTINCT) counts it: A-1 at the community (resolved), A-2 at the center
    assert february.stages["community"].resolved == 1 and february.stages["community"].failed == 0
    assert february.stages["mediation_center"].resolved == 1 and february.stages["mediation_center"].failed == 0
    reference = _distinct_counts(database_url, date(2026, 2, 1), date(2026, 2, 28))
    assert {s: (o.resolved + o.failed, o.resolved) for s, o in february.stages.items()} == reference
