"""The permission matrix: docs/api.md, roles.PERMISSIONS and the routes say the same, and every
role meets exactly its permissions on every endpoint; every protected path refuses without a token."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from propertytriage.web.app import api_routes
from propertytriage.web.auth import Allowed
from propertytriage.web.roles import OPEN_ROUTES, PERMISSIONS, ROLES
from propertytriage.web.tokens import SqlTokenStore
from tests.web.conftest import bearer, sample_cases, sample_scorecard

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def documented_matrix() -> dict[str, tuple[str, frozenset[str]]]:
    """name → (endpoint, roles admitted), read from the table in docs/api.md."""
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- permission matrix")[1].split("<!-- end of permission matrix")[0]
    rows = [r for r in table.splitlines() if r.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header[2:] == list(ROLES), "the table's columns are the roles, in order"
    matrix = {}
    for row in rows[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        roles = frozenset(role for role, cell in zip(header[2:], cells[2:], strict=True) if cell != "—")
        matrix[cells[1]] = (cells[0].strip("`"), roles)
    return matrix


def route_permissions(app: FastAPI) -> dict[str, tuple[str, frozenset[str]]]:
    """name → (endpoint, roles), read off the dependencies declared on the routes."""
    found = {}
    for route in api_routes(app):
        checks = [d.call for d in route.dependant.dependencies if isinstance(d.call, Allowed)]
        if route.name in OPEN_ROUTES:
            assert not checks, f"{route.name} is open and must not check a role"
            continue
        assert len(checks) == 1, f"{route.path} must declare exactly one permission"
        method = next(iter(route.methods or {"GET"}))
        found[route.name] = (f"{method} {route.path_format}", frozenset(checks[0].roles))  # as OpenAPI writes it
    return found


def test_the_documented_matrix_is_the_one_the_routes_declare(app: FastAPI) -> None:
    documented = documented_matrix()
    assert documented == route_permissions(app)
    assert {name: roles for name, (_, roles) in documented.items()} == dict(PERMISSIONS)


def _score_body(role: str) -> dict[str, Any]:
    card = sample_scorecard()
    if role in ("admin", "court"):
        return card
    return {**card, "evaluations": [e for e in card["evaluations"] if e["evaluator"] == role]}


def _request(name: str, role: str) -> tuple[str, str, str | None]:
    """A well-formed request to the endpoint ``name`` as ``role`` would send it."""
    case = json.dumps(sample_cases()[0], ensure_ascii=False)
    requests: dict[str, tuple[str, str, str | None]] = {
        "triage": ("POST", "/v1/triage", case),
        "score": ("POST", "/v1/score", json.dumps(_score_body(role), ensure_ascii=False)),
        "rubric": ("GET", "/v1/rubric", None),
        "forms": ("POST", "/v1/forms/scorecard", case),
        "whoami": ("GET", "/v1/whoami", None),
        "import": ("POST", "/v1/import", case),
        "cases": ("GET", "/v1/cases", None),
        "case": ("GET", "/v1/cases/KBS-2025-001", None),
        "due": ("GET", "/v1/due", None),
        "report": ("GET", "/v1/report?from=2025-01-01&to=2025-12-31", None),
    }
    return requests[name]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_meets_exactly_its_permissions_on_every_endpoint(
    client: TestClient, tokens: dict[str, str], role: str
) -> None:
    for name, (endpoint, roles) in documented_matrix().items():
        method, path, body = _request(name, role)
        assert endpoint.split(" ")[0] == method
        response = client.request(method, path, headers=bearer(tokens[role]), content=body)
        if role in roles:
            assert response.status_code not in (401, 403), (role, name, response.text[:300])
            assert response.status_code < 500, (role, name, response.text[:300])
        else:
            assert response.status_code == 403, (role, name, response.status_code)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "forbidden"


def test_whoami_names_the_tokens_holder(client: TestClient, store: SqlTokenStore) -> None:
    issued = store.create("街道办 王五", "community")
    assert client.get("/v1/whoami", headers=bearer(issued.secret)).json() == {"name": "街道办 王五", "role": "community"}


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer not-a-token", "Token abc", "Bearer " + "x" * 500,
])
def test_every_protected_path_refuses_a_missing_or_bad_token(
    client: TestClient, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for name in documented_matrix():
        method, path, body = _request(name, "admin")
        response = client.request(method, path, headers=headers, content=body)
        assert response.status_code == 401, (name, authorization)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["code"] == "unauthorized"


def test_a_revoked_token_is_refused_and_the_others_are_not(client: TestClient, store: SqlTokenStore) -> None:
    kept = store.create("调解员 甲", "mediation_center")
    ended = store.create("调解员 乙", "mediation_center")
    assert client.get("/v1/whoami", headers=bearer(ended.secret)).status_code == 200
    assert store.revoke("调解员 乙") == 1
    assert client.get("/v1/whoami", headers=bearer(ended.secret)).status_code == 401
    assert client.get("/v1/whoami", headers=bearer(kept.secret)).status_code == 200


def test_open_paths_need_no_token(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_the_openapi_description_marks_every_protected_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for name, (endpoint, _) in documented_matrix().items():
        method, path = endpoint.split(" ")
        assert document["paths"][path][method.lower()]["security"] == [{"bearer": []}], name
    assert "security" not in document["paths"]["/healthz"]["get"]
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", document["info"]["version"])
