"""The reason for a correction over HTTP: ``POST /v1/import?reason=``, a document's ``correction_reason``,
a form upload's ``reason`` field; ``GET /v1/cases/{id}`` gives each event's ``reason``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from propertytriage.ruledata.corrections import ledger_parameters
from propertytriage.web.sheet_upload import XLSX
from tests.sheets.books import HEADER, good_row, workbook
from tests.web.conftest import bearer, sample_cases

LIMIT = ledger_parameters().correction_reason_max_length


def _import(client: TestClient, token: str, body: Any, params: Any = None,
            content_type: str = "application/json") -> Any:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post("/v1/import", content=text.encode(), params=params,
                       headers={**bearer(token), "Content-Type": content_type})


def _reasons(client: TestClient, token: str, case_id: str) -> list[tuple[str, str | None]]:
    answer = client.get(f"/v1/cases/{case_id}", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return [(e["kind"], e["reason"]) for e in answer.json()["events"]]


def test_the_requests_reason_and_a_documents_own(client: TestClient, tokens: dict[str, str]) -> None:
    first, second = sample_cases()[:2]
    token = tokens["mediation_center"]
    assert _import(client, token, [first, second]).status_code == 200
    corrected = [{**first, "claim_amount": "1.00", "correction_reason": "业主提交缴费凭证"},
                 {**second, "claim_amount": "2.00"}]
    answer = _import(client, token, corrected, params={"reason": " 四月台账核对 "})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"new": 0, "changed": 2, "unchanged": 0, "refused": 0, "refusals": []}
    assert _reasons(client, token, first["case_id"])[-1] == ("changed", "业主提交缴费凭证")
    assert _reasons(client, token, second["case_id"])[-1] == ("changed", "四月台账核对")
    shown = client.get(f"/v1/cases/{first['case_id']}", headers=bearer(token)).json()
    assert "correction_reason" not in shown["case"] and shown["case"]["claim_amount"] == "1.00"

    again = _import(client, token, "\n".join(json.dumps(c, ensure_ascii=False) for c in corrected),
                    params={"reason": "又导入一次"}, content_type="application/x-ndjson").json()
    assert (again["unchanged"], again["unchanged_with_reason"]) == (2, 2)
    assert len(_reasons(client, token, second["case_id"])) == 2  # nothing recorded


def test_a_bad_request_reason_is_a_422_naming_it_and_nothing_is_recorded(client: TestClient,
                                                                         tokens: dict[str, str]) -> None:
    case = sample_cases()[0]
    token = tokens["court"]
    for value, code in [("", "reason_blank"), ("  ", "reason_blank"), ("长" * (LIMIT + 1), "reason_too_long"),
                        ("\u202e反向", "invalid_value")]:
        answer = _import(client, token, case, params={"reason": value})
        assert answer.status_code == 422, value
        assert answer.headers["content-type"] == "application/problem+json"
        errors = answer.json()["errors"]
        assert [(e["loc"], e["code"]) for e in errors] == [("reason", code)]
        assert errors[0]["message_zh"].startswith("更正原因") and "reason for a correction" in errors[0]["message_en"]
    repeated = _import(client, token, case, params=[("reason", "一"), ("reason", "二")])
    assert repeated.status_code == 422 and repeated.json()["errors"][0]["code"] == "repeated_parameter"
    assert client.get(f"/v1/cases/{case['case_id']}", headers=bearer(token)).status_code == 404


def test_a_bad_document_reason_refuses_that_document_alone(client: TestClient, tokens: dict[str, str]) -> None:
    first, second = sample_cases()[:2]
    answer = _import(client, tokens["admin"], [{**first, "correction_reason": 7}, second])
    assert answer.status_code == 200
    refusal = answer.json()["refusals"][0]
    assert (refusal["source"], refusal["errors"][0]["loc"], refusal["errors"][0]["code"]) == (
        "request [0]", "correction_reason", "reason_not_text")
    alone = _import(client, tokens["admin"], {**first, "correction_reason": "   "})
    assert alone.status_code == 422 and alone.json()["errors"][0]["code"] == "reason_blank"


def test_an_uploaded_sheet_takes_a_reason_field_a_query_and_its_column(client: TestClient, tokens: dict[str, str],
                                                                       tmp_path: Path) -> None:
    token = tokens["community"]
    book = workbook(tmp_path / "a.xlsx", [HEADER, good_row("U-1"), good_row("U-2"), good_row("U-3")])
    assert client.post("/v1/import", headers=bearer(token),
                       files={"file": ("台账.xlsx", book.read_bytes(), XLSX)}).status_code == 200
    rows = [[*HEADER, "更正原因"], [*good_row("U-1", c5="1.00"), "行内原因"], good_row("U-2", c5="2.00"),
            good_row("U-3", c5="3.00")]
    book = workbook(tmp_path / "b.xlsx", rows)
    answer = client.post("/v1/import", headers=bearer(token), data={"reason": "表单原因"},
                         files={"file": ("台账.xlsx", book.read_bytes(), XLSX)})
    assert answer.status_code == 200, answer.text
    assert answer.json()["changed"] == 3
    assert _reasons(client, token, "U-1")[-1] == ("changed", "行内原因")
    assert _reasons(client, token, "U-2")[-1] == ("changed", "表单原因")
    book = workbook(tmp_path / "c.xlsx", [HEADER, good_row("U-3", c5="4.00")])
    answer = client.post("/v1/import", headers={**bearer(token), "Content-Type": XLSX}, content=book.read_bytes(),
                         params={"reason": "查询参数原因"})
    assert answer.status_code == 200, answer.text
    assert _reasons(client, token, "U-3")[-2:] == [("changed", "表单原因"), ("changed", "查询参数原因")]
    blank = client.post("/v1/import", headers=bearer(token), params={"reason": ""},
                        files={"file": ("台账.xlsx", book.read_bytes(), XLSX)})
    assert blank.status_code == 422 and blank.json()["errors"][0]["code"] == "reason_blank"


def test_the_openapi_description_names_the_reason(client: TestClient) -> None:
    description = client.get("/openapi.json").json()
    operation = description["paths"]["/v1/import"]["post"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["reason"]
    event = description["components"]["schemas"]["LedgerEvent"]
    assert "reason" in event["properties"] and "reason" in event["required"]
