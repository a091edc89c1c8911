"""Each attempt carries its case's street, community and company, so the report's breakdown of the
mediation center by group reads one table instead of looking up every attempt's case (on a million
events that lookup was most of the JSON report's time: docs/statistics.md, "Speed").

The columns are copied from ``cases`` in one statement, and the index led by the day becomes one led
by the stage (each stage's attempts of a period are one range of it, read in order, so neither the
ladder nor the months sort). Nothing else changes, so this migration
declares that the projections need not be rebuilt from the events (``rebuilds_projections``, read
by migrate.py): on a ledger of a million events it takes seconds, not minutes.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

rebuilds_projections = False
"""The new columns are filled here from ``cases``, which already holds them."""

_GROUPS = ("street", "community", "company_key")
_INDEX = ["stage", "dated_on", "outcome", "previous_on", "previous_resolved_on", *_GROUPS]


def upgrade() -> None:
    op.drop_index("ix_case_attempts_dated", "case_attempts")  # one index to keep up with each import, not two
    for name in _GROUPS:
        op.add_column("case_attempts", sa.Column(name, sa.String(320), nullable=True))
    # UPDATE … FROM: SQLite 3.33 and PostgreSQL alike; only cases with a group are written
    op.execute("UPDATE case_attempts SET street = cases.street, community = cases.community, "
               "company_key = cases.company_key FROM cases WHERE cases.case_id = case_attempts.case_id "
               "AND (cases.street IS NOT NULL OR cases.community IS NOT NULL OR cases.company_key IS NOT NULL)")
    op.create_index("ix_case_attempts_stage", "case_attempts", _INDEX)


def downgrade() -> None:
    op.drop_index("ix_case_attempts_stage", "case_attempts")
    with op.batch_alter_table("case_attempts") as batch:
        for name in reversed(_GROUPS):
            batch.drop_column(name)
    op.create_index("ix_case_attempts_dated", "case_attempts",
                    ["dated_on", "stage", "outcome", "previous_on", "previous_resolved_on", "case_id"])
