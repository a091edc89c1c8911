"""The case ledger (台账, SPEC §3): every dispute's history in one database.

Cases and property companies each have an append-only stream of events; the current state of each
(the projections) is folded from them and kept beside them. Open one with :class:`Ledger` (a URL, else
``PROPERTYTRIAGE_DB``, else ``sqlite:///propertytriage.db``). Modules: ``database`` (engines),
``schema`` and ``migrations/`` (tables), ``migrate``, ``documents`` (files in), ``snapshots`` (what
changed), ``companies`` (a company's record), ``recording`` (a document to events), ``recorder`` (the
transaction), ``replay`` (events back to state), ``deadlines`` and ``timelimits`` (what falls due),
``queries`` (show, cases, due), ``masking``, ``calendar_file``. See docs/ledger.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from propertytriage.lazynames import loader
from propertytriage.ledger.errors import LedgerError

if TYPE_CHECKING:
    from propertytriage.ledger.ledger import ImportSummary, Ledger
    from propertytriage.ledger.recording import Outcome

__all__ = ["ImportSummary", "Ledger", "LedgerError", "Outcome"]

# Loaded when first asked for (PEP 562): ``Ledger`` brings the engine, the recorder and Alembic,
# which the reading commands (show, cases, due on a current ledger) do without.
_LAZY = {"ImportSummary": "propertytriage.ledger.ledger", "Ledger": "propertytriage.ledger.ledger",
         "Outcome": "propertytriage.ledger.recording"}


__getattr__ = loader(__name__, _LAZY, globals())
