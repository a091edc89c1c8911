"""A company named without its credit code joins the coded record that carries its exact name
(ledger/companies.py ``resolved_by_name``): the import looks the names of each batch up at once, by
this index on (name, company_key), which answers the look-up without reading the records' histories.

Only an index: no event and no projection changes, so this migration declares that the projections
need not be rebuilt (``rebuilds_projections``, read by migrate.py). Cases filed before it keep the
record they were filed under (docs/ledger.md, "How a company is found").

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

rebuilds_projections = False
"""An index over columns every record already fills; nothing derived from the events changes."""


def upgrade() -> None:
    op.create_index("ix_companies_name", "companies", ["name", "company_key"])


def downgrade() -> None:
    op.drop_index("ix_companies_name", table_name="companies")
