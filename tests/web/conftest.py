"""Fixtures of the web tests: one triage engine per session, a fresh ledger (and its tokens) per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from propertytriage.engine import Triage
from propertytriage.ledger import Ledger
from propertytriage.ruledata import examples_dir
from propertytriage.web import create_app
from propertytriage.web.roles import ROLES
from propertytriage.web.tokens import SqlTokenStore
from tests.ledger.conftest import postgres_cluster  # noqa: F401 - the ledger tests' throwaway PostgreSQL


@pytest.fixture(scope="session")
def engine() -> Triage:
    return Triage()


@pytest.fixture
def store(tmp_path: Path, engine: Triage) -> Iterator[SqlTokenStore]:
    """Tokens in a fresh ledger (the app serves that ledger too)."""
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}", triage=engine) as ledger:
        yield SqlTokenStore(ledger)


@pytest.fixture
def app(store: SqlTokenStore, engine: Triage) -> FastAPI:
    return create_app(store, engine=engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def tokens(store: SqlTokenStore) -> dict[str, str]:
    """One live token per role, by role."""
    return {role: store.create(f"{role} clerk", role).secret for role in ROLES}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def sample_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((examples_dir() / "cases.json").read_text(encoding="utf-8"))
    return cases


def sample_scorecard() -> dict[str, Any]:
    card: dict[str, Any] = json.loads((examples_dir() / "scorecard.json").read_text(encoding="utf-8"))
    return card
