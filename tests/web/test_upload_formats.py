"""Every spreadsheet the command line's ``import`` reads is taken by ``POST /v1/import`` and by the upload
page, with the same result: .ods (what WPS and LibreOffice save) as a form upload, as the body with its own
content type or labelled ``application/vnd.ms-excel`` as Windows labels spreadsheets; a file of another type
is refused with ``not_a_sheet`` (a body of another content type with 415), naming every format taken."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from propertytriage.cli.main import main
from propertytriage.sheets import SHEET_SUFFIXES
from tests.sheets.books import HEADER, good_row, ods_file
from tests.web.conftest import bearer

ODS = "application/vnd.oasis.opendocument.spreadsheet"
ROWS = [HEADER, good_row("D-1"), good_row("D-2", c1="2025-02-30", c5="三千元"), good_row("D-3", c3="打架斗殴")]


def _summary(answer: Any) -> tuple[Any, ...]:
    assert answer.status_code == 200, answer.text[:500]
    body = answer.json()
    rows = sorted((r["row"], e["column"], e["header"], e["code"]) for r in body["rows"] for e in r["errors"])
    return body["new"], body["changed"], body["unchanged"], body["refused"], rows


def _by_cli(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, dict[str, Any]]:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["import", str(book), "--db", db]) == 2
    out = capsys.readouterr().out
    assert main(["show", "D-1", "--db", db]) == 0
    return out, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("how", ["form", "body", "body labelled ms-excel"])
def test_an_ods_upload_is_imported_as_the_command_line_imports_it(
    client: TestClient, tokens: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    book = ods_file(tmp_path / "台账.ods", ROWS)
    token = tokens["community"]
    if how == "form":
        answer = client.post("/v1/import", headers=bearer(token), files={"file": ("三月台账.ods", book.read_bytes(), ODS)})
    else:
        kind = ODS if how == "body" else "application/vnd.ms-excel"
        answer = client.post("/v1/import", content=book.read_bytes(), headers={**bearer(token), "Content-Type": kind})
    counts = _summary(answer)
    assert counts[:4] == (1, 0, 0, 2)
    assert {(row, column, header) for row, column, header, _ in counts[4]} == {
        (3, "B", "登记日期"), (3, "F", "标的额（元）"), (4, "D", "纠纷类型")}
    out, shown = _by_cli(book, tmp_path, capsys)
    assert "new 1, changed 0, unchanged 0, refused 2" in out
    by_api = client.get("/v1/cases/D-1", headers=bearer(tokens["admin"])).json()  # numbers unmasked
    assert by_api["case"] == shown["case"] and by_api["decision"] == shown["decision"]
    if how == "form":
        assert by_api["events"][0]["source"].startswith("三月台账.ods")


@pytest.mark.parametrize("name", ["cases.json", "台账.numbers", "台账", "台账.ods.txt"])
def test_a_file_of_another_type_is_refused_naming_every_format_taken(
    client: TestClient, tokens: dict[str, str], name: str
) -> None:
    answer = client.post("/v1/import", headers=bearer(tokens["court"]), files={"file": (name, b"{}", "text/plain")})
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    [error] = answer.json()["errors"]
    assert (error["loc"], error["code"]) == ("file", "not_a_sheet")
    for suffix in SHEET_SUFFIXES:
        assert suffix in error["message_zh"] and suffix in error["message_en"]


def test_a_body_of_an_unknown_content_type_is_415(client: TestClient, tokens: dict[str, str]) -> None:
    answer = client.post("/v1/import", content=b"PK\x03\x04", headers={
        **bearer(tokens["court"]), "Content-Type": "application/vnd.apple.numbers"})
    assert answer.status_code == 415 and answer.json()["code"] == "unsupported_media_type"


def test_the_openapi_description_names_the_ods_type(client: TestClient) -> None:
    content = client.get("/openapi.json").json()["paths"]["/v1/import"]["post"]["requestBody"]["content"]
    assert ODS in content
