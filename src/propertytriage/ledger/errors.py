"""The ledger's own error: the database cannot be opened, written or understood.

Invalid documents are not errors of the ledger: they are refused one by one (``InputError``) while
the rest are recorded.
"""

from __future__ import annotations

from propertytriage.errors import PropertyTriageError


class LedgerError(PropertyTriageError):
    """The ledger's database could not be opened, migrated or written."""

    code = "ledger"
