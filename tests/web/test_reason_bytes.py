"""A reason over HTTP whose bytes are not UTF-8 (``?reason=%FF``, a form's ``reason`` field in GBK) is refused
at ``reason`` before anything is recorded, as the reason checker refuses half a character, instead of being
stored with its bytes replaced by U+FFFD (a reason nobody can read again)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.sheets.books import GOOD, HEADER, csv_file
from tests.web.conftest import bearer, sample_cases

BOUNDARY = "----propertytriage-reason-bytes"


def _part(name: str, content: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"


def _refused_at_reason(answer: object) -> None:
    assert answer.status_code == 422, answer.text  # type: ignore[attr-defined]
    errors = answer.json()["errors"]  # type: ignore[attr-defined]
    assert [(e["loc"], e["code"]) for e in errors] == [("reason", "invalid_value")]
    assert "UTF-8" in errors[0]["message_zh"] and "UTF-8" in errors[0]["message_en"]


def _held(client: TestClient, token: str, case_id: str) -> bool:
    return client.get(f"/v1/cases/{case_id}", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("query", ["reason=%FF", "reason=%E6%9B%B4%E6%AD%A3%B8", "reason=%C8%B7%C8%CF"])
def test_a_query_reason_that_is_not_utf8_refuses_the_import(client: TestClient, tokens: dict[str, str],
                                                            query: str) -> None:
    case = sample_cases()[0]
    answer = client.post(f"/v1/import?{query}", content=json.dumps(case, ensure_ascii=False).encode(),
                         headers={**bearer(tokens["court"]), "Content-Type": "application/json"})
    _refused_at_reason(answer)
    assert not _held(client, tokens["court"], case["case_id"])


def test_a_query_reason_that_is_not_utf8_refuses_an_uploaded_sheet(client: TestClient, tokens: dict[str, str],
                                                                   tmp_path: Path) -> None:
    sheet = csv_file(tmp_path / "a.csv", [HEADER, GOOD], encoding="utf-8").read_bytes()
    answer = client.post("/v1/import?reason=%D0%DE%D5%FD", content=sheet,
                         headers={**bearer(tokens["court"]), "Content-Type": "text/csv"})
    _refused_at_reason(answer)
    assert not _held(client, tokens["court"], GOOD[0])


def test_a_form_reason_that_is_not_utf8_refuses_the_upload(client: TestClient, tokens: dict[str, str],
                                                           tmp_path: Path) -> None:
    sheet = csv_file(tmp_path / "a.csv", [HEADER, GOOD], encoding="utf-8").read_bytes()
    body = (_part("reason", "修正金额".encode("gbk")) + _part("file", sheet, "台账.csv")
            + f"--{BOUNDARY}--\r\n".encode())
    answer = client.post("/v1/import", content=body, headers={
        **bearer(tokens["court"]), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    _refused_at_reason(answer)
    assert not _held(client, tokens["court"], GOOD[0])


def test_a_utf8_reason_in_a_query_or_a_form_is_kept_as_sent(client: TestClient, tokens: dict[str, str],
                                                            tmp_path: Path) -> None:
    token = tokens["court"]
    first, second = sample_cases()[:2]
    answer = client.post("/v1/import?reason=%E6%A0%B8%E5%AF%B9+%E5%8F%B0%E8%B4%A6",
                         content=json.dumps(first, ensure_ascii=False).encode(),
                         headers={**bearer(token), "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    events = client.get(f"/v1/cases/{first['case_id']}", headers=bearer(token)).json()["events"]
    assert events[-1]["reason"] == "核对 台账"
    sheet = csv_file(tmp_path / "a.csv", [HEADER, GOOD], encoding="utf-8").read_bytes()
    body = (_part("reason", "修正金额".encode()) + _part("file", sheet, "台账.csv") + f"--{BOUNDARY}--\r\n".encode())
    answer = client.post("/v1/import", content=body, headers={
        **bearer(token), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert answer.status_code == 200, answer.text
    events = client.get(f"/v1/cases/{GOOD[0]}", headers=bearer(token)).json()["events"]
    assert events[-1]["reason"] == "修正金额"
    assert second  # the samples hold more than one case


def test_a_sheet_name_that_is_not_utf8_is_refused_at_sheet_not_a_server_error(
        client: TestClient, tokens: dict[str, str], tmp_path: Path) -> None:
    """The form's text fields keep bytes that are not UTF-8 as half characters so that a reason in GBK is
    refused by name; the sheet's name is such a field too, and must be refused the same way (it was a 500,
    the refusal's text not encodable), with nothing recorded."""
    from tests.sheets.books import workbook

    sheet = workbook(tmp_path / "a.xlsx", [HEADER, GOOD]).read_bytes()
    body = (_part("sheet", "台账".encode("gbk")) + _part("file", sheet, "台账.xlsx") + f"--{BOUNDARY}--\r\n".encode())
    answer = client.post("/v1/import", content=body, headers={
        **bearer(tokens["court"]), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [(e["loc"], e["code"]) for e in errors] == [("sheet", "invalid_value")]
    assert "UTF-8" in errors[0]["message_zh"] and "UTF-8" in errors[0]["message_en"]
    assert not _held(client, tokens["court"], GOOD[0])
