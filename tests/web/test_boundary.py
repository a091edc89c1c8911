"""The error boundary: size limits, internal failures, version stamps on every answer."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient

from propertytriage.engine import Triage
from propertytriage.errors import EngineError
from propertytriage.web import create_app
from propertytriage.web.tokens import SqlTokenStore
from tests.web.conftest import bearer, sample_cases


def _stamped(response: object, engine: Triage) -> bool:
    headers = response.headers  # type: ignore[attr-defined]
    return bool(headers["x-rules-version"] == engine.book.rules_version and headers["x-propertytriage-version"])


def test_every_answer_carries_the_versions(client: TestClient, tokens: dict[str, str], engine: Triage) -> None:
    answers = [
        client.get("/healthz"),
        client.get("/openapi.json"),
        client.get("/v1/rubric"),
        client.get("/v1/rubric", headers=bearer(tokens["court"])),
        client.post("/v1/score", headers=bearer(tokens["court"]), content="{}"),
        client.post("/v1/triage", headers=bearer(tokens["court"]), content="{"),
        client.get("/no/such/path"),
        client.delete("/v1/triage"),
    ]
    assert [r.status_code for r in answers] == [200, 200, 401, 200, 403, 422, 404, 405]
    assert all(_stamped(r, engine) for r in answers)
    assert all(r.headers["content-type"] == "application/problem+json" for r in answers[2:] if r.status_code >= 400)


def test_a_body_over_the_limit_is_refused_by_its_length(store: SqlTokenStore, engine: Triage) -> None:
    app = create_app(store, engine=engine, body_limit=2000)
    secret = store.create("a", "admin").secret
    with TestClient(app, raise_server_exceptions=False) as client:
        small = client.post("/v1/triage", headers=bearer(secret), content=json.dumps(sample_cases()[0]))
        assert len(small.request.content) < 2000 and small.status_code == 200
        big = client.post("/v1/triage", headers=bearer(secret), content=json.dumps(sample_cases()))
        assert big.status_code == 413
        assert big.headers["content-type"] == "application/problem+json"
        assert big.json()["code"] == "too_large"
        assert _stamped(big, engine)


def test_a_streamed_body_over_the_limit_is_refused_as_it_arrives(store: SqlTokenStore, engine: Triage) -> None:
    app = create_app(store, engine=engine, body_limit=2000)
    secret = store.create("a", "admin").secret

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for _ in range(100):
            yield b" " * 100

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/v1/triage", headers=bearer(secret), content=chunks())
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


class _Broken(Triage):
    def decide(self, case: object, *, subject: str = "") -> object:  # type: ignore[override]
        raise RuntimeError("secret internals at /srv/db password=hunter2")


class _Misbehaving(Triage):
    def decide(self, case: object, *, subject: str = "") -> object:  # type: ignore[override]
        raise EngineError("引擎返回 7 /srv/x", "engine returned 7 /srv/x")


def _call(app: FastAPI, store: SqlTokenStore) -> object:
    secret = store.create("a", "admin").secret
    with TestClient(app, raise_server_exceptions=False) as client:
        return client.post("/v1/triage", headers=bearer(secret), content=json.dumps(sample_cases()[0]))


def test_an_unexpected_failure_is_a_500_problem_with_no_internals(store: SqlTokenStore, engine: Triage) -> None:
    response = _call(create_app(store, engine=_Broken(engine.book)), store)
    assert response.status_code == 500  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "internal"
    text = response.text  # type: ignore[attr-defined]
    for leak in ("secret", "hunter2", "/srv", "Traceback", "RuntimeError", ".py"):
        assert leak not in text
    assert _stamped(response, engine)


def test_a_package_error_keeps_its_code_but_not_its_message(store: SqlTokenStore, engine: Triage) -> None:
    response = _call(create_app(store, engine=_Misbehaving(engine.book)), store)
    assert response.status_code == 500  # type: ignore[attr-defined]
    assert response.json()["code"] == "engine"  # type: ignore[attr-defined]
    assert "/srv" not in response.text  # type: ignore[attr-defined]
