"""Fixtures of the ledger's tests: every test that takes ``database_url`` runs on SQLite and on a
PostgreSQL cluster of its own (skipped only where PostgreSQL is not installed and CI is not set)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.ledger.pgcluster import Cluster, binaries


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    bindir = binaries()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed but CI is set: run scripts/setup.sh --test")
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed; scripts/setup.sh --test installs them")
    cluster = Cluster(bindir)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database()


class Clock:
    """A clock the test moves by hand, so recorded days are known."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: int) -> None:
        self.now += timedelta(days=days)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[str, Any], str]:
    """Write a document (or a list, or JSON lines for a .jsonl name) and return its path."""

    def write(name: str, content: Any) -> str:
        path = tmp_path / name
        if name.endswith(".jsonl"):
            path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in content), encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write
