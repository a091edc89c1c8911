"""The ledger (台账, SPEC §3): open a database, import documents into it, read cases back.

Documents are recorded in batches, one transaction each: every document of a batch is either wholly
recorded or refused (nothing of it written), and a batch whose transaction is cut short by a crash
leaves nothing, so running the same import again completes it with nothing recorded twice. A batch
that loses a race with another writer (PostgreSQL) is redone on the state that writer left.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from propertytriage.engine import Triage
from propertytriage.gcpause import collector_paused
from propertytriage.ledger.companies import CODED, NAMED, CompanyState
from propertytriage.ledger.database import make_engine, resolve_url
from propertytriage.ledger.documents import Document, read_documents
from propertytriage.ledger.errors import LedgerError, database_reason_zh
from propertytriage.ledger.migrate import current_revision, head_revision, rebuilds_projections, say_migrated, upgrade
from propertytriage.ledger.queries import storable
from propertytriage.ledger.recorder import Unit, today_of
from propertytriage.ledger.recording import Outcome, Recorder
from propertytriage.ruledata.corrections import checked_reason

Clock = Callable[[], datetime]
_RETRIES = 200
_COMPANIES_SEEN = 20_000  # company records kept between batches (each a few hundred bytes to a few KB)
_RETRYABLE_STATES = {"40001", "40P01"}  # serialization failure, deadlock: the transaction may simply be redone


@dataclass
class ImportSummary:
    """The counts a clerk sees after an import, and every refusal with its source.

    ``new``, ``changed`` and ``unchanged`` count documents, as SPEC §3's summary does; ``companies``
    counts the scorecards and company histories among them, so that a clerk who sees "22 cases"
    beside "23 new" can tell the 23rd was a company's record.
    """

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: list[Outcome] = field(default_factory=list)
    companies: Counter[str] = field(default_factory=Counter)
    unchanged_with_reason: int = 0
    """Unchanged documents that came with a reason: nothing was recorded, so neither was their reason."""

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "refused":
            self.refused.append(outcome)
            return
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.kind == "company":
            self.companies[outcome.status] += 1
        if outcome.status == "unchanged" and outcome.reason is not None:
            self.unchanged_with_reason += 1

    def merge(self, other: ImportSummary) -> None:
        """Add ``other``'s counts and refusals (an import of several batches or files)."""
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.unchanged_with_reason += other.unchanged_with_reason
        self.refused.extend(other.refused)
        self.companies.update(other.companies)

    def as_json(self) -> dict[str, Any]:
        """The counts; ``unchanged_with_reason`` only when some reason was not kept (an import without
        reasons is summed up as before)."""
        counts = {"new": self.new, "changed": self.changed, "unchanged": self.unchanged, "refused": len(self.refused)}
        if self.unchanged_with_reason:
            counts["unchanged_with_reason"] = self.unchanged_with_reason
        return counts


def _companies_named(batch: list[Document]) -> tuple[set[str], set[str]]:
    """The companies a batch names, as far as can be told before validation (to load them at once):
    (their keys as the documents give them, the names given without a credit code).

    A name without a code may belong to a coded record that carries it (``companies.resolved_by_name``):
    those are looked up by name for the whole batch at once, then loaded with the others.
    """
    keys: set[str] = set()
    names: set[str] = set()
    for document in batch:
        body = document.body if isinstance(document.body, dict) else {}
        company = body.get("property_company") or body.get("company")
        if isinstance(company, dict):
            for field_name, prefix in (("credit_code", CODED), ("name", NAMED)):
                value = company.get(field_name)
                if storable(value) and value.strip():
                    keys.add(prefix + value.strip())
                    if field_name == "name":
                        names.add(value.strip())
                    break
    return keys, names


def _retryable(error: DBAPIError) -> bool:
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.orig, "sqlstate", None) in _RETRYABLE_STATES


class Ledger:
    """One ledger database. Cheap to open per command; thread-safe for reads."""

    def __init__(self, url: str | None = None, *, clock: Clock | None = None, batch_size: int = 500,
                 recorded_by: str | None = None, triage: Triage | None = None) -> None:
        self.url = resolve_url(url)
        self.engine: Engine = make_engine(self.url)
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.batch_size = batch_size
        self.recorded_by = recorded_by
        self._triage = triage
        self._memo: dict[Any, Any] = {}
        self._companies_seen: dict[str, CompanyState] = {}  # as committed, by key (recorder.Unit.prefetch_companies)
        try:
            self._migrate()
        except DBAPIError as error:
            self.engine.dispose()
            raise LedgerError(f"无法打开台账数据库：{error.orig}",
                              f"cannot open the ledger database: {error.orig}") from None

    @property
    def triage(self) -> Triage:
        if self._triage is None:
            self._triage = Triage()
        return self._triage

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def write_connection(self) -> Connection:
        """A connection whose transactions take the write lock at once (SQLite ``BEGIN IMMEDIATE``)."""
        return self.engine.connect().execution_options(write=True)

    def _migrate(self) -> None:
        with self.engine.connect() as connection:
            if current_revision(connection) == head_revision():
                return
        started = time.monotonic()
        with self.write_connection() as connection, connection.begin():
            start = upgrade(connection)
            if start is not None and start != head_revision() and rebuilds_projections(start):
                from propertytriage.ledger.replay import rebuild_derived

                rebuild_derived(connection)
        if start is not None and start != head_revision():
            say_migrated(head_revision(), time.monotonic() - started)

    # importing ------------------------------------------------------------------------------
    def import_files(self, paths: Iterable[str], *, reason: str | None = None) -> ImportSummary:
        """Import every document of every file; refusals are reported, the rest recorded."""
        return self.import_documents((doc for path in paths for doc in read_documents(path)), reason=reason)

    def import_documents(self, documents: Iterable[Document], *, reason: str | None = None) -> ImportSummary:
        """Record ``documents``; ``reason`` (the import's reason for its corrections) goes on every event
        they record, except a document's that gives its own ``correction_reason``.

        A batch at a time, each read and recorded with the collector held off. Why the reading too: a
        batch's documents are read into hundreds of small dicts and lists that live until it is
        written (gcpause.py); read with the collector on, they were walked by its passes again and
        again while the batch filled. It runs when each batch is let go.
        """
        reason = checked_reason(reason, "reason")
        summary = ImportSummary()
        iterator = iter(documents)
        while True:
            with collector_paused():  # gcpause.py: a batch makes no cycles worth the collector's walks
                batch = list(islice(iterator, self.batch_size))
                outcomes = self._record_batch_retried(batch, reason) if batch else []
            if not batch:
                return summary
            del batch
            for outcome in outcomes:
                summary.add(outcome)

    def _record_batch_retried(self, batch: list[Document], reason: str | None = None) -> list[Outcome]:
        for attempt in range(_RETRIES):
            try:
                with self.write_connection() as connection, connection.begin():
                    now = self.clock()
                    unit = Unit(connection, now=now, recorded_by=self.recorded_by, memo=self._memo,
                                companies_seen=self._companies_seen)
                    recorder = Recorder(unit, self.triage, today_of(now))
                    unit.prefetch(d.body["case_id"] for d in batch
                                  if isinstance(d.body, dict) and storable(d.body.get("case_id")))
                    companies, names = _companies_named(batch)
                    companies |= unit.prefetch_names(names)
                    unit.prefetch_companies(companies)
                    prepared = recorder.prepare([None if d.problems else (d.body, d.case) for d in batch], companies)
                    outcomes = [Outcome("refused", d.source, problems=list(d.problems)) if d.problems
                                else recorder.record(d.body, d.source, reason=reason, prepared=ahead)
                                for d, ahead in zip(batch, prepared, strict=True)]
                    unit.flush()
                if len(self._companies_seen) > _COMPANIES_SEEN:
                    self._companies_seen.clear()
                self._companies_seen.update(unit.companies_now())  # committed: what the next batch may reuse
                return outcomes
            except DBAPIError as error:
                if not _retryable(error) or attempt == _RETRIES - 1:
                    raise LedgerError(f"写入台账失败：{database_reason_zh(error.orig)}",
                                      f"could not write to the ledger: {error.orig}") from None
                time.sleep(random.uniform(0, min(0.5, 0.005 * 2 ** min(attempt, 7))))
        raise AssertionError("unreachable")  # pragma: no cover
