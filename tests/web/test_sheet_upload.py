"""``POST /v1/import`` of an uploaded 台账 (.xlsx or CSV) takes the command line's path: the same rows
recorded, the same rows refused cell by cell, the uploader recorded, the file named as it was sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from propertytriage.cli.main import main
from propertytriage.web import create_app
from propertytriage.web.sheet_upload import XLSX
from propertytriage.web.tokens import SqlTokenStore
from tests.sheets.books import HEADER, csv_file, good_row, workbook
from tests.web.conftest import bearer

ROWS = [HEADER, good_row("K-1"), good_row("K-2", c1="2025-02-30", c5="三千元"), good_row("K-3", c3="打架斗殴")]


def _cases(client: TestClient, token: str) -> list[str]:
    listed = client.get("/v1/cases", headers=bearer(token)).json()
    return [item["case_id"] for item in listed["items"]]


def _check_answer(answer: Any) -> None:
    """K-1 recorded; K-2 refused at B3 and F3, K-3 at D4, each with both languages."""
    assert answer.status_code == 200, answer.text[:500]
    body = answer.json()
    assert (body["new"], body["changed"], body["unchanged"], body["refused"]) == (1, 0, 0, 2)
    rows = {(r["sheet"], r["row"]): {(e["column"], e["header"], e["code"]) for e in r["errors"]} for r in body["rows"]}
    sheet = body["rows"][0]["sheet"]
    assert set(rows) == {(sheet, 3), (sheet, 4)}
    assert {(c, h) for c, h, _ in rows[(sheet, 3)]} == {("B", "登记日期"), ("F", "标的额（元）")}
    assert {(c, h, code) for c, h, code in rows[(sheet, 4)]} == {("D", "纠纷类型", "not_allowed")}
    for row in body["rows"]:
        for error in row["errors"]:
            assert error["message_zh"] and error["message_en"] and error["message_zh"] != error["message_en"]


def test_an_uploaded_workbook_is_imported_as_the_command_line_imports_it(
    client: TestClient, tokens: dict[str, str], store: SqlTokenStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = workbook(tmp_path / "台账.xlsx", ROWS)
    answer = client.post("/v1/import", headers=bearer(tokens["community"]),
                         files={"file": ("街道台账.xlsx", book.read_bytes(), XLSX)})
    _check_answer(answer)
    assert _cases(client, tokens["admin"]) == ["K-1"]
    events = client.get("/v1/cases/K-1", headers=bearer(tokens["admin"])).json()["events"]
    assert {e["recorded_by"] for e in events} == {"community clerk (community)"}
    assert all(e["source"].startswith("街道台账.xlsx") and "tmp" not in e["source"] for e in events)

    # the command line on a second ledger records the same case and refuses the same rows
    other = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["import", str(book), "--db", other]) == 2
    assert "新立 1" in capsys.readouterr().out
    assert main(["show", "K-1", "--db", other]) == 0
    by_cli = json.loads(capsys.readouterr().out)
    by_api = client.get("/v1/cases/K-1", headers=bearer(tokens["admin"])).json()
    assert by_api["case"] == by_cli["case"] and by_api["decision"] == by_cli["decision"]

    again = client.post("/v1/import", headers=bearer(tokens["court"]),
                        files={"file": ("台账.xlsx", book.read_bytes(), XLSX)}).json()
    assert (again["new"], again["unchanged"], again["refused"]) == (0, 1, 2)


def test_a_gbk_csv_as_the_body(client: TestClient, tokens: dict[str, str], tmp_path: Path) -> None:
    data = csv_file(tmp_path / "台账.csv", ROWS, encoding="gbk").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK: the reader must find the encoding itself
    answer = client.post("/v1/import", content=data,
                         headers={**bearer(tokens["mediation_center"]), "Content-Type": "text/csv"})
    _check_answer(answer)
    case = client.get("/v1/cases/K-1", headers=bearer(tokens["admin"])).json()["case"]
    assert case["province"] == "内蒙古自治区" and case["owners"][0]["name"] == "张某"


def test_a_gbk_csv_as_a_form_upload_with_a_chinese_name(client: TestClient, tokens: dict[str, str],
                                                         tmp_path: Path) -> None:
    data = csv_file(tmp_path / "x.csv", ROWS, encoding="gbk").read_bytes()
    answer = client.post("/v1/import", headers=bearer(tokens["admin"]),
                         files={"file": ("二〇二五年台账.csv", data, "application/vnd.ms-excel")})
    _check_answer(answer)
    events = client.get("/v1/cases/K-1", headers=bearer(tokens["admin"])).json()["events"]
    assert events[0]["source"].startswith("二〇二五年台账.csv")


def test_a_named_sheet_of_a_workbook(client: TestClient, tokens: dict[str, str], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = workbook(tmp_path / "b.xlsx", [HEADER, good_row("K-9")], sheet="二月")
    book = load_workbook(path)
    book.create_sheet("说明", 0).append(["填表说明"])
    book.save(path)
    answer = client.post("/v1/import", headers=bearer(tokens["court"]),
                         files={"file": ("b.xlsx", path.read_bytes(), XLSX)}, data={"sheet": "二月"})
    assert answer.status_code == 200 and answer.json()["new"] == 1, answer.text[:300]


@pytest.mark.parametrize(("files", "code"), [
    ({"file": ("cases.json", b"{}", "application/json")}, "not_a_sheet"),
    ({"other": ("", b"", "text/plain")}, "missing_file"),
    ({"file": ("a.xlsx", b"not a zip", XLSX)}, None),
])
def test_an_upload_that_is_not_a_readable_sheet_is_422_and_records_nothing(
    client: TestClient, tokens: dict[str, str], files: dict[str, Any], code: str | None
) -> None:
    answer = client.post("/v1/import", headers=bearer(tokens["court"]), files=files)
    assert answer.status_code == 422, answer.text[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    if code is not None:
        assert [e["code"] for e in answer.json()["errors"]] == [code]
    assert _cases(client, tokens["court"]) == []


def test_a_sheet_whose_every_row_is_refused_is_422_naming_each_cell(
    client: TestClient, tokens: dict[str, str], tmp_path: Path
) -> None:
    data = csv_file(tmp_path / "a.csv", [HEADER, good_row("K-2", c1="2025-02-30")], encoding="utf-8").read_bytes()
    answer = client.post("/v1/import", content=data, headers={**bearer(tokens["court"]), "Content-Type": "text/csv"})
    assert answer.status_code == 422
    assert any("B2" in e["loc"] and "登记日期" in e["loc"] for e in answer.json()["errors"])


def test_an_upload_over_the_body_limit_is_413(store: SqlTokenStore, tokens: dict[str, str], tmp_path: Path) -> None:
    book = workbook(tmp_path / "big.xlsx", [HEADER] + [good_row(f"K-{n}") for n in range(300)])
    with TestClient(create_app(store, body_limit=4096), raise_server_exceptions=False) as small:
        answer = small.post("/v1/import", headers=bearer(tokens["court"]),
                            files={"file": ("big.xlsx", book.read_bytes(), XLSX)})
    assert len(book.read_bytes()) > 4096 and answer.status_code == 413
    assert answer.json()["code"] == "too_large"


def test_roles_that_do_not_import_may_not_upload(client: TestClient, tokens: dict[str, str], tmp_path: Path) -> None:
    data = csv_file(tmp_path / "a.csv", [HEADER, good_row("K-1")], encoding="utf-8").read_bytes()
    for role in ("housing_center", "owners_committee"):
        answer = client.post("/v1/import", content=data, headers={**bearer(tokens[role]), "Content-Type": "text/csv"})
        assert answer.status_code == 403
    assert _cases(client, tokens["court"]) == []
