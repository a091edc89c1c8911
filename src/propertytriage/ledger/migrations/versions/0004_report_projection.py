"""What the report counts by: a case's street, community, company, court day and resolution, each
attempt on its day, and each company event on its day, so the statistics are plain GROUP BY queries.

All three are projections: after this migration the ledger fills them from the events (migrate.py,
replay.rebuild_derived → aggregates.rebuild).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CASE_COLUMNS = (
    ("dispute_type", sa.String(40)),
    ("claimant", sa.String(20)),
    ("street", sa.String(320)),
    ("community", sa.String(320)),
    ("company_name", sa.String(320)),
    ("court_on", sa.Date()),
    ("resolved_stage", sa.String(20)),
    ("resolved_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name, type_ in _CASE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    # covering the report's counts, so they read the index and not the rows with their snapshots
    op.create_index("ix_cases_filed_on", "cases", ["filed_on", "next_stage", "resolved_stage", "resolved_on", "street",
                                                   "community", "company_key"])
    op.create_index("ix_cases_court_on", "cases", ["court_on", "court_track", "street", "community", "company_key"])
    op.create_table(
        "case_attempts",
        sa.Column("case_id", sa.String(320), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_case_attempts_dated", "case_attempts", ["dated_on", "stage", "outcome", "case_id"])
    op.create_table(
        "company_events",
        sa.Column("company_key", sa.String(320), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("days_since_notice", sa.Integer(), nullable=True),
    )
    op.create_index("ix_company_events_dated", "company_events", ["dated_on", "kind"])


def downgrade() -> None:
    op.drop_table("company_events")
    op.drop_table("case_attempts")
    op.drop_index("ix_cases_court_on", "cases")
    op.drop_index("ix_cases_filed_on", "cases")
    with op.batch_alter_table("cases") as batch:
        for name, _type in reversed(_CASE_COLUMNS):
            batch.drop_column(name)
