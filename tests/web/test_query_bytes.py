"""A query parameter sent in bytes that are not UTF-8 (``?company=%FF``, a company's name in GBK) is refused at
that parameter (``invalid_value``, 422, in the words every field uses for half a character), as the reason and
a form's sheet name are, instead of filtering by U+FFFD — a company nobody named, listed as "no cases"."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.sheets.books import GOOD, HEADER, csv_file
from tests.web.conftest import bearer, sample_cases

GBK_COMPANY = quote("某某物业".encode("gbk"))


@pytest.mark.parametrize(("path", "name"), [
    ("/v1/cases?company=%FF", "company"),
    (f"/v1/cases?company={GBK_COMPANY}", "company"),
    ("/v1/cases?community=%E7%A4%BE%E5%8C%BA%E5", "community"),
    ("/v1/cases?stage=court&company=%C0%AF&limit=5", "company"),
    ("/v1/due?on=%FF", "on"),
    ("/v1/report?by=%FF", "by"),
    ("/v1/report?from=2026-01-01%FF", "from"),
])
def test_a_query_value_that_is_not_utf8_is_refused_by_name(client: TestClient, tokens: dict[str, str],
                                                           path: str, name: str) -> None:
    answer = client.get(path, headers=bearer(tokens["court"]))
    assert answer.status_code == 422, answer.text[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert [(e["loc"], e["code"]) for e in errors] == [(name, "invalid_value")]
    assert "UTF-8" in errors[0]["message_zh"] and "UTF-8" in errors[0]["message_en"]
    assert name in errors[0]["message_zh"] and repr(name) in errors[0]["message_en"]


def test_a_sheet_named_in_bytes_that_are_not_utf8_refuses_the_upload(
    client: TestClient, tokens: dict[str, str], tmp_path: Path
) -> None:
    sheet = csv_file(tmp_path / "a.csv", [HEADER, GOOD], encoding="utf-8").read_bytes()
    answer = client.post("/v1/import?sheet=%B6%FE%D4%C2", content=sheet,
                         headers={**bearer(tokens["court"]), "Content-Type": "text/csv"})
    assert answer.status_code == 422
    assert [(e["loc"], e["code"]) for e in answer.json()["errors"]] == [("sheet", "invalid_value")]
    assert client.get(f"/v1/cases/{GOOD[0]}", headers=bearer(tokens["court"])).status_code == 404


def test_a_company_named_in_utf8_still_filters(client: TestClient, tokens: dict[str, str]) -> None:
    cases = sample_cases()
    answer = client.post("/v1/import", content=json.dumps(cases, ensure_ascii=False).encode(),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert answer.status_code == 200
    name = next(c["property_company"]["name"] for c in cases if c.get("property_company", {}).get("name"))
    listed = client.get(f"/v1/cases?company={quote(name)}", headers=bearer(tokens["court"]))
    assert listed.status_code == 200 and listed.json()["total"] >= 1
    plus = client.get("/v1/cases?company=" + quote(name).replace("%20", "+"), headers=bearer(tokens["court"]))
    assert plus.json()["total"] == listed.json()["total"]


def test_a_reason_that_is_not_utf8_is_refused_once_in_the_reasons_own_words(client: TestClient,
                                                                           tokens: dict[str, str]) -> None:
    """The reason's checker refuses half a character itself (as it does in a form or a document): the query's
    generic check leaves it alone, so the clerk reads one refusal of the reason, not two."""
    answer = client.post("/v1/import?reason=%FF", content=json.dumps(sample_cases()[:1], ensure_ascii=False),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text[:300]
    [error] = answer.json()["errors"]
    assert (error["loc"], error["code"]) == ("reason", "invalid_value")
    assert error["message_zh"].startswith("更正原因")


def test_a_sheet_named_for_a_json_upload_is_refused_naming_every_workbook_format(
    client: TestClient, tokens: dict[str, str]
) -> None:
    answer = client.post("/v1/import?sheet=%E5%8F%B0%E8%B4%A6", content=b"[]",
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert (error["loc"], error["code"]) == ("sheet", "not_a_workbook")
    for suffix in (".xlsx", ".xlsm", ".xls", ".ods"):  # every workbook the upload takes has sheets
        assert suffix in error["message_zh"] and suffix in error["message_en"]
