"""The pages through the ASGI app: a temporary ledger with the sample cases and one user per role."""

from __future__ import annotations

import re
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
from propertytriage.web.pages.users import UserStore
from propertytriage.web.roles import ROLES
from propertytriage.web.tokens import SqlTokenStore

PASSWORD = "a-long-enough-test-password"
SECRET = b"0123456789abcdef0123456789abcdef"


def user_name(role: str) -> str:
    return f"{role} 用户"


@pytest.fixture(scope="session")
def engine() -> Triage:
    return Triage()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def ledger(db_url: str, engine: Triage) -> Iterator[Ledger]:
    with Ledger(db_url, triage=engine) as opened:
        opened.import_files([str(examples_dir() / "cases.json")])
        users = UserStore(opened.engine)
        for role in ROLES:
            users.create(user_name(role), role, PASSWORD)
        yield opened


def make_app(ledger: Ledger, engine: Triage, db_url: str, **options: object) -> FastAPI:
    return create_app(SqlTokenStore.from_url(db_url), engine=engine, ledger=ledger, session_secret=SECRET,
                      **options)  # type: ignore[arg-type]


@pytest.fixture
def app(ledger: Ledger, engine: Triage, db_url: str) -> FastAPI:
    return make_app(ledger, engine, db_url)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def login(client: TestClient, role: str, password: str = PASSWORD) -> Any:
    client.cookies.clear()  # whoever was logged in before leaves
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "name": user_name(role), "password": password,
                                       "next": "/cases"})
