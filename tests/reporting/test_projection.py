"""The report's projection (migration 0004, ledger/aggregates.py): written with every import, and
rebuilt from the events when a ledger made before it is migrated forward."""

from __future__ import annotations

from datetime import date
from typing import Any

from alembic import command
from sqlalchemy import select

from propertytriage.ledger import Ledger
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import _config, current_revision, head_revision
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES, COMPANY_EVENTS

COMPANY = {"name": "恒安物业服务有限公司", "credit_code": "91150602MA0N0XXXX1"}


def _case(case_id: str, attempts: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    case = {"case_id": case_id, "filed_on": "2026-01-05", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
            "claimant": "property_company", "claim_amount": "2736.00", "property_company": dict(COMPANY),
            "estate": {"name": "锦绣小区", "street": "天骄街道", "community": "喆园社区"}, "attempts": attempts}
    case.update(changes)
    return case


HISTORY = {"company": COMPANY, "events": [
    {"kind": "score", "on": "2026-01-06", "total": "52"},
    {"kind": "notice", "on": "2026-01-08"},
    {"kind": "inspection", "on": "2026-02-02", "result": "passed"},
]}


def _projection(url: str) -> tuple[list[Any], list[Any], list[Any]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        cases = connection.execute(select(
            CASES.c.case_id, CASES.c.dispute_type, CASES.c.street, CASES.c.community, CASES.c.company_name,
            CASES.c.court_on, CASES.c.resolved_stage, CASES.c.resolved_on).order_by(CASES.c.case_id)).all()
        attempts = connection.execute(select(CASE_ATTEMPTS).order_by(
            CASE_ATTEMPTS.c.case_id, CASE_ATTEMPTS.c.position)).all()
        events = connection.execute(select(COMPANY_EVENTS).order_by(
            COMPANY_EVENTS.c.company_key, COMPANY_EVENTS.c.position)).all()
    engine.dispose()
    return [tuple(r) for r in cases], [tuple(r) for r in attempts], [tuple(r) for r in events]


def test_an_import_writes_the_projection_and_a_change_replaces_it(database_url, clock, write_json) -> None:
    undated = [{"stage": "owners_committee", "outcome": "failed"}]
    first = write_json("a.json", [_case("A-1", undated), HISTORY,
                                  _case("A-2", [{"stage": "community", "outcome": "resolved", "on": "2026-01-20"}],
                                        estate={})])
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([first])
        clock.advance(10)
        later = [*undated, {"stage": "community", "outcome": "failed", "on": "2026-02-10"},
                 {"stage": "mediation_center", "outcome": "failed", "on": "2026-03-01"}]
        ledger.import_files([write_json("b.json", [_case("A-1", later)])])
    cases, attempts, events = _projection(database_url)
    assert cases == [
        ("A-1", "fee_arrears", "天骄街道", "喆园社区", "恒安物业服务有限公司", date(2026, 3, 1), None, None),
        ("A-2", "fee_arrears", None, None, "恒安物业服务有限公司", None, "community", date(2026, 1, 20)),
    ]
    # the undated attempt keeps the day it was first recorded (the clock's 2026-03-02), not the re-import's
    assert [(a[0], a[1], a[2], a[3], a[4]) for a in attempts] == [
        ("A-1", 0, "owners_committee", "failed", date(2026, 3, 2)),
        ("A-1", 1, "community", "failed", date(2026, 2, 10)),
        ("A-1", 2, "mediation_center", "failed", date(2026, 3, 1)),
        ("A-2", 0, "community", "resolved", date(2026, 1, 20)),
    ]
    key = "credit:" + COMPANY["credit_code"]
    assert [(e[0], e[2], e[3], e[4], e[5], e[6]) for e in events] == [
        (key, "score", date(2026, 1, 6), 52.0, None, None),
        (key, "notice", date(2026, 1, 8), None, None, None),
        (key, "inspection", date(2026, 2, 2), None, True, 25),
    ]


def test_a_ledger_migrated_back_to_0003_and_forward_again_has_the_same_projection(
        database_url, clock, write_json) -> None:
    path = write_json("a.json", [_case("A-1", [{"stage": "owners_committee", "outcome": "failed"}]), HISTORY,
                                 _case("A-2", [{"stage": "community", "outcome": "resolved", "on": "2026-01-20"}])])
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_files([path])
    before = _projection(database_url)
    assert all(before)
    engine = make_engine(database_url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        command.downgrade(_config(connection), "0003")
        assert current_revision(connection) == "0003"
    engine.dispose()
    with Ledger(database_url, clock=clock) as ledger, ledger.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    assert _projection(database_url) == before
