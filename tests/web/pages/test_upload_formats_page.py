"""The clerk's upload page takes every spreadsheet the command line's ``import`` reads: its file input
offers them all (the browser's picker hides the others), and an .ods saved by WPS or LibreOffice is
imported as an .xlsx is."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from propertytriage.ledger import Ledger, queries
from propertytriage.sheets import SHEET_SUFFIXES
from tests.sheets.books import HEADER, good_row, ods_file
from tests.web.pages.conftest import csrf_of, login


def test_the_file_input_offers_every_format_the_import_reads(client: TestClient) -> None:
    login(client, "court")
    page = client.get("/import").text
    accept = re.search(r'<input type="file" name="file" accept="([^"]*)"', page)
    assert accept is not None and sorted(accept.group(1).split(",")) == sorted(SHEET_SUFFIXES)


def test_an_ods_uploaded_on_the_page_is_imported(client: TestClient, ledger: Ledger, tmp_path: Path) -> None:
    login(client, "mediation_center")
    book = ods_file(tmp_path / "t.ods", [HEADER, good_row("P-1"), good_row("P-2", c1="2025-02-30")])
    answer = client.post("/import", data={"csrf_token": csrf_of(client.get("/import").text), "sheet": ""},
                         files={"file": ("四月台账.ods", book.read_bytes())})
    assert answer.status_code == 200, answer.text[:500]
    assert "新立 1 件" in answer.text and "拒收 1 件" in answer.text and "「四月台账.ods」" in answer.text
    assert re.search(r"<td>B</td><td>登记日期</td>", answer.text)
    with ledger.engine.connect() as connection:
        assert queries.show(connection, "P-1") is not None and queries.show(connection, "P-2") is None
