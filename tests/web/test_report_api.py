"""``GET /v1/report`` answers what ``propertytriage report --out FILE.json`` writes, for every role,
and refuses a reversed period or an unknown grouping with the command line's codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from propertytriage.cli.main import main
from propertytriage.web.roles import ROLES
from propertytriage.web.tokens import SqlTokenStore
from tests.web.conftest import bearer, sample_cases


def _cli_report(store: SqlTokenStore, tmp_path: Path, *args: str) -> object:
    out = tmp_path / "report.json"
    assert main(["report", "--db", store.ledger.url, "--out", str(out), *args]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("by", [None, "month", "community", "company"])
def test_the_report_is_the_command_lines_for_every_role(
    client: TestClient, tokens: dict[str, str], store: SqlTokenStore, tmp_path: Path, by: str | None
) -> None:
    body = json.dumps(sample_cases(), ensure_ascii=False).encode()
    imported = client.post("/v1/import", content=body,
                           headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert imported.status_code == 200
    period = ["--from", "2025-01-01", "--to", "2025-12-31"] + (["--by", by] if by else [])
    expected = _cli_report(store, tmp_path, *period)
    params = {"from": "2025-01-01", "to": "2025-12-31", **({"by": by} if by else {})}
    for role in ROLES:
        answer = client.get("/v1/report", params=params, headers=bearer(tokens[role]))
        assert answer.status_code == 200, (role, answer.text[:300])
        assert answer.json() == expected
    filed_in_2025 = [c for c in sample_cases() if c["filed_on"].startswith("2025-")]
    assert isinstance(expected, dict) and expected["received"] == len(filed_in_2025) > 0


@pytest.mark.parametrize(("params", "field", "code"), [
    ({"from": "2025-06-01", "to": "2025-05-31"}, "from", "period_reversed"),
    ({"by": "province"}, "by", "unknown_grouping"),
])
def test_a_bad_request_is_a_422_problem_with_the_command_lines_code(
    client: TestClient, tokens: dict[str, str], store: SqlTokenStore, params: dict[str, str], field: str, code: str,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    answer = client.get("/v1/report", params=params, headers=bearer(tokens["housing_center"]))
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert [(e["loc"], e["code"]) for e in errors] == [(field, code)]
    assert errors[0]["message_zh"] and errors[0]["message_en"]
    args = [f"--{key}={value}" for key, value in params.items() if key != "by"]
    if "by" not in params:  # argparse refuses an unknown --by itself; the period reaches the same check
        assert main(["report", "--db", store.ledger.url, "--out", str(tmp_path / "r.json"), *args]) != 0
        assert code in capsys.readouterr().err


def test_an_unknown_parameter_or_a_bad_date_is_refused(client: TestClient, tokens: dict[str, str]) -> None:
    for params in ({"form": "2025-01-01"}, {"from": "2025-02-30"}):
        answer = client.get("/v1/report", params=params, headers=bearer(tokens["admin"]))
        assert answer.status_code == 422, params
