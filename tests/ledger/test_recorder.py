"""The event table as a recorder, in the shape of the eventsourcing library's recorder tests: what is
appended reads back in order; a version taken twice is refused and the whole transaction with it;
concurrent writers of distinct streams lose nothing while readers poll."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from propertytriage.ledger import Ledger
from propertytriage.ledger.recorder import Unit
from propertytriage.ledger.replay import stream
from propertytriage.ledger.schema import EVENTS

NOW = datetime(2026, 3, 2, tzinfo=UTC)


def _append(ledger: Ledger, stream_id: str, versions: list[int]) -> None:
    with ledger.write_connection() as connection, connection.begin():
        unit = Unit(connection, now=NOW)
        for version in versions:
            unit.append("case", stream_id, version, "test", source="test", rules_version="r", data={"n": version})
        unit.flush()


def _count(ledger: Ledger) -> int:
    with ledger.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(EVENTS)) or 0)


def test_insert_and_select(database_url) -> None:
    with Ledger(database_url) as ledger:
        with ledger.engine.connect() as connection:
            assert stream(connection, "case", "S-1") == []
        _append(ledger, "S-1", [1])
        with pytest.raises(IntegrityError):
            _append(ledger, "S-1", [1])          # the same version again
        with pytest.raises(IntegrityError):
            _append(ledger, "S-1", [1, 2])       # a batch with a conflict is refused whole
        with pytest.raises(IntegrityError):
            _append(ledger, "S-1", [2, 2])
        assert _count(ledger) == 1
        _append(ledger, "S-1", [2, 3])
        _append(ledger, "S-2", [1])
        with ledger.engine.connect() as connection:
            events = stream(connection, "case", "S-1")
            assert [(e.version, e.data["n"]) for e in events] == [(1, 1), (2, 2), (3, 3)]
            assert [e.version for e in stream(connection, "case", "S-1", up_to=2)] == [1, 2]
            assert [e.version for e in stream(connection, "case", "S-2")] == [1]
            assert stream(connection, "company", "S-1") == []   # streams of different kinds are apart


def test_concurrent_writers_of_distinct_streams_lose_nothing_while_readers_poll(database_url) -> None:
    writers, writes, per_write = 10, 20, 10
    with Ledger(database_url) as ledger:
        errors: list[BaseException] = []
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                try:
                    with ledger.engine.connect() as connection:
                        connection.scalar(select(func.count()).select_from(EVENTS))
                except BaseException as error:  # pragma: no cover - reported below
                    errors.append(error)
                    return

        readers = [threading.Thread(target=read) for _ in range(2)]
        for reader in readers:
            reader.start()
        with ThreadPoolExecutor(max_workers=writers) as pool:
            futures = [pool.submit(_append, ledger, f"W-{i}", list(range(1, per_write + 1)))
                       for i in range(writers * writes)]
            for future in futures:
                future.result()
        stop.set()
        for reader in readers:
            reader.join()
        assert not errors
        assert _count(ledger) == writers * writes * per_write
