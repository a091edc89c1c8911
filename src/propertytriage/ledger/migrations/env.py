"""Alembic environment for the ledger: always run from Python on an open connection (migrate.py).

The ledger migrates itself when it is opened, inside the same transaction that holds the database's
write lock, so two processes opening an old database at once migrate it once.
"""

from __future__ import annotations

from alembic import context

from propertytriage.ledger.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable from the alembic command line
    raise RuntimeError("run the ledger's migrations through propertytriage.ledger.migrate")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
context.run_migrations()
