"""Each attempt carries the day of its case's previous attempt at the same stage, and a resolved one
the day of the previous resolved one, so the report counts cases with a plain COUNT instead of a
COUNT(DISTINCT case_id) that sorts every attempt of the period (docs/statistics.md, "Speed").

An attempt is its case's first at its stage in a period starting on S exactly when that previous day
is empty or before S. The columns are projections: after this migration the ledger rebuilds the
attempts from the events (migrate.py → aggregates.rebuild), which fills them.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_case_attempts_dated", "case_attempts")
    with op.batch_alter_table("case_attempts") as batch:
        batch.add_column(sa.Column("previous_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("previous_resolved_on", sa.Date(), nullable=True))
    # covering the ladder's and the breakdown's counts, as the index it replaces did
    op.create_index("ix_case_attempts_dated", "case_attempts",
                    ["dated_on", "stage", "outcome", "previous_on", "previous_resolved_on", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_attempts_dated", "case_attempts")
    with op.batch_alter_table("case_attempts") as batch:
        batch.drop_column("previous_resolved_on")
        batch.drop_column("previous_on")
    op.create_index("ix_case_attempts_dated", "case_attempts", ["dated_on", "stage", "outcome", "case_id"])
