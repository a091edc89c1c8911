"""The lean route handler answers exactly as FastAPI's general handler does, for every caller and body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import anyio
import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propertytriage.engine import Triage
from propertytriage.web import create_app, leanroute
from propertytriage.web.app import api_routes
from propertytriage.web.roles import ROLES
from propertytriage.web.tokens import SqlTokenStore
from tests.web.conftest import bearer, sample_cases, sample_scorecard

_LEAN_ROUTES = {"triage", "score", "rubric", "import"}


@pytest.fixture
def pair(store: SqlTokenStore, engine: Triage, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, TestClient]]:
    """The app as served, and the same app with every route on FastAPI's general handler."""
    lean = create_app(store, engine=engine)
    with monkeypatch.context() as patched:
        patched.setattr(leanroute, "lean_handler", lambda *args: None)
        general = create_app(store, engine=engine)
    with TestClient(lean, raise_server_exceptions=False) as a, TestClient(general, raise_server_exceptions=False) as b:
        yield a, b


def test_the_routes_of_the_lean_shape_are_those_expected(app: FastAPI) -> None:
    """Routes taking query or path parameters, or returning a model, keep FastAPI's handler."""
    chosen = {route.name for route in api_routes(app) if getattr(route, "served_lean", False)}
    assert chosen == _LEAN_ROUTES


def _comparable(answer: Any) -> tuple[int, str, str, str, str]:
    return (answer.status_code, answer.headers.get("content-type", ""), answer.headers.get("www-authenticate", ""),
            answer.headers.get("x-rules-version", ""), answer.text)


_BODIES = st.sampled_from([
    json.dumps(sample_cases()[0], ensure_ascii=False),
    json.dumps(sample_cases()[:3], ensure_ascii=False),
    "{",
    "[]",
    json.dumps({"case_id": "X"}),
    "\"text\"",
    "",
])
_AUTH = st.sampled_from([None, "Bearer", "Basic abc", "Bearer nonsense", *(f"role:{r}" for r in ROLES)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/v1/triage", "/v1/score", "/v1/rubric", "/v1/import?sheet=x", "/v1/import?x=1"]),
       auth=_AUTH, body=_BODIES)
def test_lean_and_general_handlers_answer_alike(pair: tuple[TestClient, TestClient], tokens: dict[str, str],
                                                path: str, auth: str | None, body: str) -> None:
    """Same status, problem, challenge and headers for any caller (none, malformed, revoked, each role),
    body and query — so the role check, the body parser and the error handlers run as before.

    Imports are sent only with a query the route refuses, so neither app records anything the other sees."""
    lean, general = pair
    headers = {"Content-Type": "application/json"}
    if auth is not None:
        headers["Authorization"] = bearer(tokens[auth[5:]])["Authorization"] if auth.startswith("role:") else auth
    method = "GET" if path == "/v1/rubric" else "POST"
    a = lean.request(method, path, content=body.encode(), headers=headers)
    b = general.request(method, path, content=body.encode(), headers=headers)
    assert _comparable(a) == _comparable(b)


def test_score_from_an_evaluator_is_checked_on_the_lean_path(client: TestClient, tokens: dict[str, str]) -> None:
    """The lean path still passes the caller to the endpoint: an evaluator sending all sheets is refused."""
    card = sample_scorecard()
    evaluator = next(sheet["evaluator"] for sheet in card["evaluations"])
    answer = client.post("/v1/score", json=card, headers=bearer(tokens[evaluator]))
    assert answer.status_code == 403
    assert answer.json()["code"] == "foreign_sheet"


def test_dependency_overrides_go_to_the_general_handler(app: FastAPI) -> None:
    """While the app overrides a dependency, the lean handler hands the request to FastAPI's solver,
    the only one that applies overrides."""
    route = next(r for r in api_routes(app) if r.name == "triage")
    seen: list[Any] = []

    async def general(request: Any) -> Response:
        seen.append(request)
        return Response(b"general")

    provider = SimpleNamespace(dependency_overrides={})
    handler = leanroute.lean_handler(route, route.dependant, provider, general)
    assert handler is not None
    provider.dependency_overrides[object()] = object()
    answer = anyio.run(handler, "the request")
    assert seen == ["the request"]
    assert answer.body == b"general"
