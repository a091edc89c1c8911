"""Python's cycle collector held off while a ledger's batch is recorded or a report's PDF is made.

Why: a batch allocates hundreds of thousands of dicts and lists (documents, snapshots, decisions,
rows) that live until the batch is written and then die by reference counting; they form no
cycles. The collector nonetheless walks them again and again as they age (its oldest generation
holding, mid-batch, everything the batch keeps), which cost an import an eighth to a quarter of
its CPU time and found almost nothing to free (a few hundred objects in 10,000 cases). Held off
during the batch, it runs once the batch's objects are gone, so any cycle a batch did make (an
exception's traceback, a refused document's error) is freed then, and memory stays flat.

A report's PDF is the same case: matplotlib and WeasyPrint make a few hundred thousand objects
(artists, boxes, styles) that live until the PDF is written; the collector walked them about 180
times per report (0.1–0.4 s of 2.5 s CPU, docs/statistics.md "Speed").

The collector is one per process: a pause is counted, so that batches recorded and reports made at
once in several threads (the web service) resume it only when the last one ends, and it is never
turned on by a pause if it was off before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body without automatic cycle collection (see the module's docstring)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
