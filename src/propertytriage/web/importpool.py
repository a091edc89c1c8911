"""Imports recorded in worker processes, so that their CPU never holds the serving process's GIL.

An import validates, decides and writes every document: about 10 ms of Python a case. Run in a
thread of the process that also answers triage requests, it holds the interpreter lock in 5 ms
slices, and every request waiting on the event loop waits for those slices too: on one SQLite
``serve`` with an import in ten requests, the paced triage p99 was 52-103 ms against 46 ms without
imports (docs/api.md, "Load"). In a worker process the import has its own interpreter; the event
loop only sends the request's body, as it came, and waits for the summary: the worker parses it too
(web/importing.py), so a large import's parsing holds the worker's interpreter, not the loop's.

The guarantees are the ledger's own: a worker opens the same database (the ledger lets several
processes write one SQLite file or one PostgreSQL database), records each batch in its transaction
and returns only after the commit, so a request answered 200 is durable; ``recorded_by`` travels
with each import and is set in the worker for that import alone (a worker runs one at a time). A
worker that dies mid-import leaves nothing of its open batch (the transaction is never committed):
the request is answered 500, the pool is replaced, and sending the import again records each
document once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sqlalchemy.engine import make_url

from propertytriage.ledger import ImportSummary, Ledger
from propertytriage.ledger.errors import LedgerError
from propertytriage.web import importing
from propertytriage.web.roles import Role

_ledger: Ledger | None = None  # the worker's own, opened once by _open


def _exit_with_parent() -> None:
    """End this worker when the process that started it ends, however it ends.

    ``serve`` is stopped by a signal, and uvicorn, once shut down, re-raises it: the process ends
    without running what would close the pool. A worker blocked on its task queue would then wait
    forever (it holds that queue's write end itself), so it watches its parent instead. An import
    cut short this way was never answered and its open transaction is rolled back by the database.
    """
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - a worker always has the parent that spawned it
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="propertytriage-parent-watch", daemon=True).start()


def _open(url: str, batch_size: int) -> None:
    """A worker's start: follow the parent out, open the ledger and load the rules before the first
    import needs them."""
    global _ledger
    _exit_with_parent()
    _ledger = Ledger(url, batch_size=batch_size)
    _ = _ledger.triage.book


def _record(raw: bytes, json_lines: bool, role: Role, recorded_by: str | None,
            reason: str | None = None) -> tuple[int, ImportSummary]:
    assert _ledger is not None, "the pool's initialiser opens the ledger"
    _ledger.recorded_by = recorded_by
    try:
        return importing.record(_ledger, raw, json_lines=json_lines, role=role, reason=reason)
    finally:
        _ledger.recorded_by = None


def _ready() -> int:
    """Nothing but proof the worker has started (its initialiser has run)."""
    return 1


def shareable(url: str) -> bool:
    """Whether another process can open the same database: not an in-memory SQLite one."""
    parsed = make_url(url)
    return not (parsed.get_backend_name() == "sqlite" and (parsed.database or ":memory:") in (":memory:", ""))


class ImportPool:
    """``workers`` processes recording imports into the database at ``url``.

    Workers are spawned (a fresh interpreter each, not a fork of a process running an event loop and
    threads), so a program that builds a pool itself must do so under ``if __name__ == "__main__"``,
    as with any spawned process; ``propertytriage serve`` does.
    """

    def __init__(self, url: str, workers: int, *, batch_size: int = 500) -> None:
        if workers < 1:
            raise ValueError("an import pool has at least one worker")
        if not shareable(url):
            raise LedgerError("内存数据库不能由导入进程共享",
                              "an in-memory database cannot be shared with import processes")
        self.url = url
        self.workers = workers
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_open, initargs=(self.url, self.batch_size))

    def start(self) -> None:
        """Start every worker now (each opens the ledger and loads the rules), not on the first import."""
        futures = [self._executor.submit(_ready) for _ in range(self.workers)]
        for future in futures:
            future.result()

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """A new pool instead of ``broken``, unless another request has replaced it already."""
        with self._lock:
            if self._executor is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()

    async def import_body(self, raw: bytes, *, json_lines: bool, role: Role, recorded_by: str | None,
                          reason: str | None = None) -> tuple[int, ImportSummary]:
        """:func:`propertytriage.web.importing.record` of a request's body in a worker: how many documents
        it held and the import's summary once committed; InputError if the body is not UTF-8."""
        found: tuple[int, ImportSummary] = await self._submit(_record, raw, json_lines, role, recorded_by, reason)
        return found

    async def _submit(self, call: Any, *args: Any) -> Any:
        """``call(*args)`` in a worker; BrokenProcessPool if the worker died (the pool is then replaced)."""
        executor = self._executor
        try:
            future = executor.submit(call, *args)
        except BrokenProcessPool:  # a worker died since the last import: this one goes to a new pool
            self._replace(executor)
            executor = self._executor
            future = executor.submit(call, *args)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._replace(executor)
            raise

    def close(self) -> None:
        with self._lock:
            self._executor.shutdown(wait=True, cancel_futures=True)
