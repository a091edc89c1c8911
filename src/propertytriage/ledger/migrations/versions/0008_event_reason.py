"""Each event may keep the reason the clerk gave for the correction that recorded it (更正原因, SPEC §3:
"a correction is an event too, with its reason"), beside when, by whom and from which file.

One nullable column: the events recorded before it had no reason to give and keep none (null), and
nothing derived from the events changes, so this migration declares that the projections need not
be rebuilt (``rebuilds_projections``, read by migrate.py). Adding a nullable column without a default
rewrites no row on SQLite or PostgreSQL: a ledger of a million events migrates in moments.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

rebuilds_projections = False
"""Events are the record and are kept as they are; no projection reads the new column."""


def upgrade() -> None:
    op.add_column("events", sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("reason")
