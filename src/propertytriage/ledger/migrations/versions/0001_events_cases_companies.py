"""The first ledger: events, and the current state of cases and companies.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("stream_type", sa.String(16), nullable=False),
        sa.Column("stream_id", sa.String(320), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("rules_version", sa.String(100), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.UniqueConstraint("stream_type", "stream_id", "version", name="uq_events_stream_version"),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(320), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("company_key", sa.String(320), nullable=True),
        sa.Column("company_version", sa.Integer(), nullable=True),
        sa.Column("snapshot", _JSON, nullable=False),
        sa.Column("decision", _JSON, nullable=False),
        sa.Column("next_stage", sa.String(20), nullable=False),
        sa.Column("court_track", sa.String(20), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cases_company_open", "cases", ["company_key", "is_open"])
    op.create_index("ix_cases_next_stage", "cases", ["next_stage"])
    op.create_table(
        "companies",
        sa.Column("company_key", sa.String(320), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(320), nullable=True),
        sa.Column("credit_code", sa.String(320), nullable=True),
        sa.Column("history", _JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
