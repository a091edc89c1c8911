"""Schema migrations: a ledger made by the first schema is migrated forward, never rebuilt."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from propertytriage.ledger import Ledger
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import current_revision, head_revision, upgrade
from propertytriage.ledger.queries import due, show
from propertytriage.ledger.schema import CASE_ATTEMPTS, Base


def test_the_models_and_the_migrations_describe_the_same_schema(database_url) -> None:
    Ledger(database_url).close()
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_ledger_made_by_the_first_schema_is_migrated_forward_with_its_events(database_url) -> None:
    engine = make_engine(database_url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        upgrade(connection, "0001")
        now = datetime(2026, 3, 2, tzinfo=UTC)
        snapshot = {"case_id": "OLD-1", "filed_on": "2025-09-01", "province": "内蒙古自治区",
                    "dispute_type": "fee_arrears", "claimant": "owner", "claim_amount": "800.00",
                    "estate": {"name": "锦绣小区", "street": "天骄街道", "community": "喆园社区"},
                    "attempts": [{"stage": "owners_committee", "outcome": "failed"},
                                 {"stage": "community", "outcome": "failed"},
                                 {"stage": "mediation_center", "outcome": "failed"}]}
        decision = {"case_id": "OLD-1", "next_stage": "court", "court_track": "small_claims",
                    "rectification_required": None, "awaiting": [], "forms": ["inquiry_form"], "reasons": [],
                    "rules_version": "old"}
        event = {"as_of": "2026-03-02", "digest": "x", "snapshot": snapshot, "company": None,
                 "company_events": []}
        connection.execute(
            text("INSERT INTO events (stream_type, stream_id, version, kind, recorded_at, source, rules_version, "
                 "data) VALUES ('case', 'OLD-1', 1, 'filed', :at, 'old.json', 'old', :data)"),
            {"at": now, "data": json.dumps(event)})
        connection.execute(
            text("INSERT INTO cases (case_id, version, digest, company_key, company_version, snapshot, decision, "
                 "next_stage, court_track, is_open, filed_on, updated_at) VALUES ('OLD-1', 1, 'x', NULL, NULL, "
                 ":snapshot, :decision, 'court', 'small_claims', :open, :filed, :at)"),
            {"snapshot": json.dumps(snapshot), "decision": json.dumps(decision),
             "open": True, "filed": date(2025, 9, 1), "at": now})
        assert current_revision(connection) == "0001"
    engine.dispose()

    with Ledger(database_url) as ledger, ledger.engine.connect() as connection:
        assert current_revision(connection) == head_revision() != "0001"
        shown = show(connection, "OLD-1")
        items = due(connection, date(2026, 4, 30))
        attempts = connection.execute(select(CASE_ATTEMPTS.c.stage, CASE_ATTEMPTS.c.street, CASE_ATTEMPTS.c.community,
                                             CASE_ATTEMPTS.c.company_key).order_by(CASE_ATTEMPTS.c.position)).all()
    assert shown is not None and [e["kind"] for e in shown["events"]] == ["filed"]
    assert shown["events"][0]["reason"] is None  # an event from before reasons were kept (0008) gave none
    # attempts without a date count from the day they were recorded (2026-03-02): 30 days, rolled off a weekend
    assert [(i["kind"], i["starts_on"]) for i in items] == [("pre_litigation_mediation", "2026-03-02")]
    # the due list's own columns (0005) are filled from the rebuilt projection, not left empty
    assert (items[0]["next_stage"], items[0]["owners"]) == ("court", [])
    # the report's attempts (0004) carry their case's groups (0007), so its breakdown joins nothing
    assert [tuple(a) for a in attempts] == [(stage, "天骄街道", "喆园社区", None)
                                            for stage in ("owners_committee", "community", "mediation_center")]
