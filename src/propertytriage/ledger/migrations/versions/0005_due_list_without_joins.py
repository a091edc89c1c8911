"""The due list reads one table: each deadline carries its case's next step and masked parties, or its
company's name; ``cases --overdue`` finds overdue subjects by the deadlines' due-date index.

The new columns are projections: after this migration the ledger rebuilds every deadline from the
events (migrate.py), which fills them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.add_column(sa.Column("next_stage", sa.String(20), nullable=True))
        batch.add_column(sa.Column("parties", _JSON, nullable=True))
        batch.add_column(sa.Column("company_name", sa.String(320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("company_name")
        batch.drop_column("parties")
        batch.drop_column("next_stage")
