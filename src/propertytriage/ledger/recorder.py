"""The unit of work of one write transaction: reads the current state, buffers events, writes once.

Every change is an appended event numbered by its stream's next version; the unique (stream, version)
key turns a concurrent writer that appended first into an IntegrityError here, and the caller redoes
its batch on the state that writer left (optimistic concurrency). On PostgreSQL a company's row is
also locked while a transaction decides cases from it, so a case filed concurrently with a new
score is never decided from the record as it was before the score.

Writes are buffered and sent as one statement per table (``bulk.write_many``); :meth:`flush`
sends them before any query that must see them.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Column, Connection, Date, delete, select, tuple_

from propertytriage.ledger import aggregates
from propertytriage.ledger.bulk import utf8_database, write_many
from propertytriage.ledger.companies import CODED, CompanyState
from propertytriage.ledger.deadlines import Due
from propertytriage.ledger.masking import parties
from propertytriage.ledger.queries import storable
from propertytriage.ledger.schema import CASES, COMPANIES, DEADLINES, EVENTS
from propertytriage.ledger.state import CaseState
from propertytriage.models.clock import CHINA_STANDARD_TIME

_CHUNK = 500
_CASES, _COMPANIES, _EVENTS, _DEADLINES = CASES, COMPANIES, EVENTS, DEADLINES


INDEXED_CASE_COLUMNS = tuple(dict.fromkeys(
    column.name for index in sorted(CASES.indexes, key=lambda i: i.name or "") for column in index.columns))
"""The columns of ``cases`` some index holds (the primary key aside)."""
_UNINDEXED_CASE_COLUMNS = ("case_id", *(c.name for c in CASES.columns
                                        if c.name not in INDEXED_CASE_COLUMNS and not c.primary_key))


_ALWAYS_SET = ("case_id", "version", "digest", "updated_at")
_OF_SNAPSHOT = ("snapshot", *(c for c in _UNINDEXED_CASE_COLUMNS if c in ("dispute_type", "claimant", "company_name")))
"""The unindexed columns that follow from the snapshot alone (aggregates.case_columns)."""


def _changed_columns(before: CaseState, after: CaseState) -> tuple[str, ...]:
    """The unindexed columns of ``cases`` an update of ``before`` to ``after`` must set.

    ``before`` is the case as its row holds it; a value that is the same object is not compared.
    """
    columns: tuple[str, ...] = _ALWAYS_SET
    if after.snapshot is not before.snapshot and after.snapshot != before.snapshot:
        columns += _OF_SNAPSHOT
    if after.decision is not before.decision and after.decision != before.decision:
        columns += ("decision",)
    if after.attempt_dates != before.attempt_dates:
        columns += ("attempt_dates",)
    if after.company_version != before.company_version:
        columns += ("company_version",)
    return columns


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def case_listing(state: CaseState) -> dict[str, Any]:
    """What the due list prints beside a case's deadline (schema.DeadlineRow)."""
    return {"next_stage": state.decision["next_stage"], "parties": parties(state.snapshot), "company_name": None}


def company_listing(state: CompanyState) -> dict[str, Any]:
    """What the due list prints beside a company's deadline."""
    return {"next_stage": None, "parties": None, "company_name": state.name}


def _reader(column: Column[Any]) -> Callable[[Any], Any] | None:
    """How a value SQLite holds becomes what SQLAlchemy's type gives (None for one kept as it is)."""
    if isinstance(column.type, JSON):
        return orjson.loads  # the ledger's json_deserializer (database.py)
    if isinstance(column.type, Date):
        return date.fromisoformat
    if isinstance(column.type, Boolean):
        return bool
    return None


# filed_on and company_key among the indexed; state_of_raw reads the first six by their places
_READ_CASE_COLUMNS = ("case_id", "version", "digest", "snapshot", "decision", "company_version", "attempt_dates",
                      *INDEXED_CASE_COLUMNS)
_READ_CASE = namedtuple("_READ_CASE", _READ_CASE_COLUMNS)  # type: ignore[misc]
_CASE_READERS = [(i, r) for i, r in enumerate(_reader(_CASES.c[name]) for name in _READ_CASE_COLUMNS) if r]
_READ_CASE_SELECTED = ", ".join(f"CAST({name} AS BLOB)" if isinstance(_CASES.c[name].type, JSON) else name
                                for name in _READ_CASE_COLUMNS)
"""The JSON columns as their UTF-8 bytes, which orjson parses as they are: read as text, each was
decoded into a Python string that orjson then encoded back into the same bytes to parse it."""


def raw_cases_sqlite(connection: Connection, case_ids: list[str]) -> list[tuple[Any, ...]]:
    """The rows of ``case_ids`` with the columns a case's state needs, as SQLite's driver gives them
    (JSON as its UTF-8 bytes, dates as text): :func:`read_case` makes one a row of SQLAlchemy's values."""
    selected = _READ_CASE_SELECTED if utf8_database(connection) else ", ".join(_READ_CASE_COLUMNS)
    sql = (f"SELECT {selected} FROM cases "
           f"WHERE case_id IN ({', '.join('?' * len(case_ids))})")
    return list(connection.exec_driver_sql(sql, tuple(case_ids)).fetchall())


_DIGEST = _READ_CASE_COLUMNS.index("digest")


def read_case(raw: tuple[Any, ...]) -> Any:
    """A raw row of :func:`raw_cases_sqlite` with the values SQLAlchemy's types give (JSON parsed, dates read)."""
    values = list(raw)
    for index, read in _CASE_READERS:
        if values[index] is not None:
            values[index] = read(values[index])
    return _READ_CASE._make(values)


_INDEXED_AT = len(_READ_CASE_COLUMNS) - len(INDEXED_CASE_COLUMNS)
_INDEXED_READERS = [(i - _INDEXED_AT, r) for i, r in _CASE_READERS if i >= _INDEXED_AT]
_COMPANY_KEY_AT, _FILED_ON_AT = INDEXED_CASE_COLUMNS.index("company_key"), INDEXED_CASE_COLUMNS.index("filed_on")
_ATTEMPT_DATES_AT = _READ_CASE_COLUMNS.index("attempt_dates")


def state_of_raw(raw: tuple[Any, ...]) -> tuple[CaseState, tuple[Any, ...]]:
    """A raw row of :func:`raw_cases_sqlite` as the case's state and its indexed columns: what
    ``case_from_row(read_case(raw))`` and the row's indexed columns give, without the row in between
    (a changed case of an import is read this way; tests/ledger/test_fast_reads.py)."""
    indexed = list(raw[_INDEXED_AT:])
    for index, read in _INDEXED_READERS:
        if indexed[index] is not None:
            indexed[index] = read(indexed[index])
    dates = raw[_ATTEMPT_DATES_AT]
    state = CaseState(case_id=raw[0], version=raw[1], digest=raw[2], snapshot=orjson.loads(raw[3]),
                      decision=orjson.loads(raw[4]), filed_on=indexed[_FILED_ON_AT],
                      company_key=indexed[_COMPANY_KEY_AT], company_version=raw[5],
                      attempt_dates=list((orjson.loads(dates) if dates is not None else None) or []))
    return state, tuple(indexed)


def stored_cases_sqlite(connection: Connection, case_ids: list[str]) -> list[Any]:
    """The rows of ``case_ids`` with the columns a case's state needs, read through SQLite's driver.

    Why not through SQLAlchemy's result: its per-row and per-value processing (the dates parsed by
    a regular expression) cost as much as parsing the snapshots' JSON; the values come out the same
    (tests/ledger/test_fast_reads.py).
    """
    return [read_case(raw) for raw in raw_cases_sqlite(connection, case_ids)]


def case_from_row(row: Any) -> CaseState:
    return CaseState(case_id=row.case_id, version=row.version, digest=row.digest, snapshot=row.snapshot,
                     decision=row.decision, filed_on=row.filed_on, company_key=row.company_key,
                     company_version=row.company_version, attempt_dates=list(row.attempt_dates or []))


def company_from_row(row: Any) -> CompanyState:
    return CompanyState(key=row.company_key, version=row.version, name=row.name, credit_code=row.credit_code,
                        history=list(row.history), status=row.status)


class Unit:
    """Reads and buffered writes of one transaction (see the module's docstring)."""

    def __init__(self, connection: Connection, *, now: datetime, recorded_by: str | None = None,
                 memo: dict[Any, Any] | None = None, companies_seen: dict[str, CompanyState] | None = None) -> None:
        self.connection = connection
        self.now = now
        self.recorded_by = recorded_by
        self.lock_companies = connection.dialect.name == "postgresql"
        self._cases: dict[str, CaseState | None] = {}
        self._unread: dict[str, tuple[Any, ...]] = {}
        """Stored cases fetched but not yet read (SQLite): their JSON is parsed only for a case that
        changed; an identical snapshot needs only the stored digest (:meth:`stored_digest`)."""
        self._stored_cases: dict[str, CaseState] = {}
        """Each case in the database as this transaction last read or wrote it."""
        self._stored_case_indexed: dict[str, tuple[Any, ...]] = {}
        """The indexed columns of each stored case's row (so that an update leaves alone the indexes it can)."""
        self._companies: dict[str, CompanyState | None] = {}
        self._stored_company_versions: dict[str, int] = {}
        self._events: list[dict[str, Any]] = []
        self._dirty_cases: dict[str, CaseState] = {}
        self._dirty_companies: dict[str, CompanyState] = {}
        self._deadlines: dict[tuple[str, str], tuple[list[Due], Callable[[], dict[str, Any]]]] = {}
        self.memo: dict[Any, Any] = {} if memo is None else memo
        """Results worth computing once (a company's replayed lifecycle, by its history)."""
        self.companies_seen: dict[str, CompanyState] = {} if companies_seen is None else companies_seen
        """Company records as earlier transactions committed them (see :meth:`prefetch_companies`)."""
        self._coded_by_name: dict[str, set[str]] = {}
        """The keys of the coded records the database holds under each name looked up (:meth:`prefetch_names`)."""
        self._coded_put: dict[str, set[str]] = {}
        """The keys of the coded records this transaction wrote, by name (not yet seen by a look-up)."""

    # reading ---------------------------------------------------------------------------------
    def prefetch(self, case_ids: Iterable[str]) -> None:
        """Load many cases with one query each 500 (the import reads a batch's cases at once)."""
        wanted = [i for i in dict.fromkeys(case_ids) if i not in self._cases and i not in self._unread]
        sqlite = self.connection.dialect.name == "sqlite"
        for chunk in _chunks(wanted):
            if sqlite:
                for raw in raw_cases_sqlite(self.connection, chunk):
                    self._unread[raw[0]] = raw
            else:
                for row in self.connection.execute(select(_CASES).where(_CASES.c.case_id.in_(chunk))):
                    self._remember_case(case_from_row(row), tuple(getattr(row, c) for c in INDEXED_CASE_COLUMNS))
            for case_id in chunk:
                if case_id not in self._unread:
                    self._cases.setdefault(case_id, None)

    def _read(self, case_id: str) -> None:
        self._remember_case(*state_of_raw(self._unread.pop(case_id)))

    def _remember_case(self, state: CaseState, indexed: tuple[Any, ...]) -> None:
        self._cases[state.case_id] = state
        self._stored_cases[state.case_id] = state
        self._stored_case_indexed[state.case_id] = indexed

    def case(self, case_id: str) -> CaseState | None:
        if case_id not in self._cases and case_id not in self._unread:
            self.prefetch([case_id])
        if case_id in self._unread:
            self._read(case_id)
        return self._cases[case_id]

    def stored_digest(self, case_id: str) -> str | None:
        """The digest of the case as this transaction sees it (None for a case not in the ledger),
        without reading the rest of a stored case."""
        raw = self._unread.get(case_id)
        if raw is not None:
            return str(raw[_DIGEST])
        state = self.case(case_id)
        return None if state is None else state.digest

    def prefetch_companies(self, keys: Iterable[str]) -> None:
        """Load many companies at once (locked on PostgreSQL, in key order to avoid deadlocks).

        Only the versions are read for the records seen before (``companies_seen``): a record at a
        given version is what its events up to that version made it (nothing is updated in place), so
        one whose version is the one seen is taken as seen, and only the others are read whole. Every
        batch of an import names most of the same few hundred companies, whose histories were read and
        parsed again for each batch.
        """
        wanted = sorted(k for k in set(keys) if k not in self._companies)
        for chunk in _chunks(wanted):
            seen = [k for k in chunk if k in self.companies_seen]
            if seen:
                query = select(_COMPANIES.c.company_key, _COMPANIES.c.version).where(
                    _COMPANIES.c.company_key.in_(chunk)).order_by(_COMPANIES.c.company_key)
                if self.lock_companies:
                    query = query.with_for_update()
                versions: dict[str, int] = {key: version for key, version in self.connection.execute(query)}
                for key in seen:
                    state = self.companies_seen[key]
                    if versions.get(key) == state.version:
                        self._remember_company(state)
                whole = [k for k in chunk if k in versions and k not in self._companies]
            else:
                whole = chunk
            if whole:
                query = select(_COMPANIES).where(_COMPANIES.c.company_key.in_(whole)).order_by(_COMPANIES.c.company_key)
                if self.lock_companies and not seen:
                    query = query.with_for_update()
                for row in self.connection.execute(query):
                    self._remember_company(company_from_row(row))
            for key in chunk:
                self._companies.setdefault(key, None)

    def prefetch_names(self, names: Iterable[str]) -> set[str]:
        """Look up, with one query each 500 names, the coded records that carry each of ``names`` (the
        companies a batch names without a credit code); returns their keys, for :meth:`prefetch_companies`.

        A record's name is the one it was registered with and never changes, so a name looked up once
        stays right for the transaction, with the records it registers itself (:meth:`coded_named`).
        The look-up reads ``ix_companies_name`` alone (name, key: migration 0009) and locks nothing; the
        records found are locked by :meth:`prefetch_companies` with the others, in key order.
        """
        names = set(names)
        wanted = sorted(n for n in names if n not in self._coded_by_name and storable(n))
        for chunk in _chunks(wanted):
            query = select(_COMPANIES.c.name, _COMPANIES.c.company_key).where(_COMPANIES.c.name.in_(chunk))
            for name, key in self.connection.execute(query):
                if key.startswith(CODED):
                    self._coded_by_name.setdefault(name, set()).add(key)
            for name in chunk:
                self._coded_by_name.setdefault(name, set())
        return {key for name in names for key in self._coded_by_name.get(name, ())}

    def coded_named(self, name: str) -> set[str]:
        """The keys of the coded records carrying exactly ``name``, in the database or written by this
        transaction (a scorecard with code and name earlier in the same batch)."""
        if name not in self._coded_by_name:
            self.prefetch_names([name])  # the import looks its batch's names up at once; this is for the rest
        return self._coded_by_name.get(name, set()) | self._coded_put.get(name, set())

    def _remember_company(self, state: CompanyState) -> None:
        self._companies[state.key] = state
        self._stored_company_versions[state.key] = state.version

    def companies_now(self) -> dict[str, CompanyState]:
        """Every company record this transaction read or wrote, as it leaves them (for ``companies_seen``
        once it has committed). A record is never changed in place: a change makes a new state."""
        return {k: s for k, s in self._companies.items() if s is not None}

    def company(self, key: str) -> CompanyState | None:
        if key not in self._companies:
            self.prefetch_companies([key])
        return self._companies[key]

    def open_cases_of(self, key: str) -> list[CaseState]:
        """Every open case whose company is ``key``, as this transaction sees them."""
        self.flush()
        query = select(_CASES.c.case_id).where(_CASES.c.company_key == key, _CASES.c.is_open.is_(True))
        ids = list(self.connection.scalars(query.order_by(_CASES.c.case_id)))
        self.prefetch(ids)
        found = [self.case(i) for i in ids]
        return [s for s in found if s is not None and s.company_key == key and s.is_open]

    # writing ---------------------------------------------------------------------------------
    def append(self, stream_type: str, stream_id: str, version: int, kind: str, *, source: str,
               rules_version: str, data: dict[str, Any], reason: str | None = None) -> None:
        self._events.append({
            "stream_type": stream_type, "stream_id": stream_id, "version": version, "kind": kind,
            "recorded_at": self.now, "recorded_by": self.recorded_by, "source": source,
            "rules_version": rules_version, "data": data, "reason": reason,
        })

    def put_case(self, state: CaseState, deadlines: list[Due] | None) -> None:
        """Write ``state``; ``deadlines`` None: its deadline rows are those of the state it follows
        (``deadlines.same_case_deadlines``), as stored or as put earlier in this transaction."""
        if state.case_id in self._unread:  # written without being read (no caller does): read it first
            self._read(state.case_id)
        self._cases[state.case_id] = state
        self._dirty_cases[state.case_id] = state
        if deadlines is not None:
            self._deadlines[("case", state.case_id)] = (deadlines, lambda: case_listing(state))

    def put_company(self, state: CompanyState, deadlines: list[Due]) -> None:
        if state.name and state.key.startswith(CODED):
            self._coded_put.setdefault(state.name, set()).add(state.key)
        self._companies[state.key] = state
        self._dirty_companies[state.key] = state
        self._deadlines[("company", state.key)] = (deadlines, lambda: company_listing(state))

    def flush(self) -> None:
        """Send the buffered writes; events first, so a conflicting writer is caught before the rest."""
        if self._events:
            write_many(self.connection, _EVENTS, self._events)
            self._events = []
        stored = {("case", k) for k in self._stored_cases}
        stored |= {("company", k) for k in self._stored_company_versions}
        aggregates.project(self.connection, self._dirty_cases, self._dirty_companies, self._stored_cases,
                           self._stored_company_versions, self.memo)
        self._flush_cases()
        self._flush_companies()
        self._flush_deadlines(stored)

    def _case_values(self, state: CaseState) -> dict[str, Any]:
        return {"version": state.version, "digest": state.digest, "company_key": state.company_key,
                "company_version": state.company_version, "snapshot": state.snapshot,
                "decision": state.decision, "next_stage": state.decision["next_stage"],
                "court_track": state.decision.get("court_track"), "is_open": state.is_open,
                "filed_on": state.filed_on, "attempt_dates": state.attempt_dates, "updated_at": self.now,
                **aggregates.case_columns_of(state)}

    def _flush_cases(self) -> None:
        """Insert the new cases; update the others, setting only the columns that changed.

        An UPDATE rewrites the entries of every index on a column it sets, changed or not, and the
        report's covering indexes make that most of an update's cost: a new snapshot that changes
        only a claim amount or a note changes none of them, and one that adds a failed attempt
        moves the case's stage but not its company or its opening (so not ``ix_cases_company_open``).
        Of the other columns, the JSON ones are left out when they are as stored, so that their text
        is not written again: a decision a new claim amount leaves as it was, the snapshot of a case
        decided again for its company's sake, attempt days no attempt changed (``_changed_columns``).
        The rows are sent in one statement per set of changed columns (a few per batch).
        """
        new: list[dict[str, Any]] = []
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for case_id, state in self._dirty_cases.items():
            row = {"case_id": case_id, **self._case_values(state)}
            indexed = tuple(row[c] for c in INDEXED_CASE_COLUMNS)
            before = self._stored_cases.get(case_id)
            if before is None:
                new.append(row)
            else:
                stored = self._stored_case_indexed[case_id]
                moved = tuple(c for c, old, now in zip(INDEXED_CASE_COLUMNS, stored, indexed, strict=True)
                              if old != now)
                columns = (*_changed_columns(before, state), *moved)
                updates.setdefault(columns, []).append({c: row[c] for c in columns})
            self._stored_cases[case_id] = state
            self._stored_case_indexed[case_id] = indexed
        self._dirty_cases = {}
        write_many(self.connection, _CASES, new)
        for rows in updates.values():
            write_many(self.connection, _CASES, rows, key="case_id")

    def _flush_companies(self) -> None:
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for key, state in self._dirty_companies.items():
            values = {"version": state.version, "history": state.history, "status": state.status,
                      "updated_at": self.now}
            if key in self._stored_company_versions:  # who it is was written once, by its registration:
                changed.append({"company_key": key, **values})  # not set again (nor its index entry)
            else:
                new.append({"company_key": key, "name": state.name, "credit_code": state.credit_code, **values})
            self._stored_company_versions[key] = state.version
        self._dirty_companies = {}
        if new:
            write_many(self.connection, _COMPANIES, new)
        if changed:
            write_many(self.connection, _COMPANIES, changed, key="company_key")

    def _flush_deadlines(self, stored: set[tuple[str, str]]) -> None:
        """Replace the deadlines of each subject written (a subject new to the database has none)."""
        if not self._deadlines:
            return
        subjects = [s for s in self._deadlines if s in stored]
        if subjects and self.connection.dialect.name == "sqlite":  # one indexed delete per subject
            self.connection.exec_driver_sql("DELETE FROM deadlines WHERE subject_type = ? AND subject_id = ?",
                                            subjects)
            subjects = []
        for chunk in _chunks(subjects):
            self.connection.execute(delete(_DEADLINES).where(
                tuple_(_DEADLINES.c.subject_type, _DEADLINES.c.subject_id).in_(chunk)))
        rows = [{"subject_type": d.subject_type, "subject_id": d.subject_id, "kind": d.kind, "title": d.title,
                 "starts_on": d.starts_on, "due_on": d.due_on, "basis": d.basis, "note": d.note, **listing}
                for items, listing_of in self._deadlines.values() if items
                for listing in (listing_of(),) for d in items]  # the listing (parties masked) only when needed
        self._deadlines = {}
        if rows:
            write_many(self.connection, _DEADLINES, rows)


def today_of(now: datetime) -> date:
    """The day an event is recorded on: China's day, as ``clock.today`` (a server kept on UTC would
    otherwise date a score recorded at 07:00 in Beijing to the day before, and ``due`` would count
    from a different day than the event it lists)."""
    return now.astimezone(CHINA_STANDARD_TIME).date()
