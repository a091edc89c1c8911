"""Details a clerk notices: the upload page hands out the template it expects, and a claim left blank
reads 未填写 on the case's page instead of "0 元"."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from propertytriage.cli.main import main
from propertytriage.ledger import Ledger
from propertytriage.ledger.documents import Document
from propertytriage.ruledata import examples_dir
from propertytriage.web.pages.amounts import NOT_FILLED, claim_text
from propertytriage.web.roles import ROLES
from propertytriage.web.sheet_upload import XLSX
from tests.web.pages.conftest import login

IMPORTERS = {"admin", "court", "mediation_center", "community"}


def _sample(case_id: str) -> dict[str, Any]:
    cases: list[dict[str, Any]] = json.loads((examples_dir() / "cases.json").read_text(encoding="utf-8"))
    return next(case for case in cases if case["case_id"] == case_id)


def _headers(data: bytes | Path) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    return [[cell.value for cell in next(sheet.iter_rows(max_row=1))] for sheet in book.worksheets]


@pytest.mark.parametrize("role", ROLES)
def test_the_upload_page_links_the_template_importers_download(client: TestClient, role: str,
                                                                tmp_path: Path) -> None:
    login(client, role)
    answer = client.get("/import/template.xlsx")
    if role not in IMPORTERS:
        assert answer.status_code == 403
        return
    assert 'href="/import/template.xlsx"' in client.get("/import").text
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    main(["template", str(tmp_path / "cli.xlsx")])  # what the command line writes, sheet by sheet
    assert _headers(answer.content) == _headers(tmp_path / "cli.xlsx")


def test_the_template_needs_a_login(client: TestClient) -> None:
    client.cookies.clear()
    answer = client.get("/import/template.xlsx")
    assert answer.status_code in (302, 303)
    assert "/login" in answer.headers["location"]


def _case_page(client: TestClient, ledger: Ledger, case: dict[str, Any]) -> str:
    summary = ledger.import_documents([Document("test", case)])
    assert not summary.refused, summary.refused
    login(client, "court")
    return client.get("/case", params={"id": case["case_id"]}).text


def _claim_cell(page: str) -> str:
    start = page.index("<dt>请求金额</dt><dd>") + len("<dt>请求金额</dt><dd>")
    return page[start:page.index("</dd>", start)]


def test_a_claim_left_blank_reads_not_filled_in(client: TestClient, ledger: Ledger) -> None:
    blank = {k: v for k, v in _sample("KBS-2025-002").items() if k != "claim_amount"}
    blank["case_id"] = "BLANK-CLAIM"
    assert _claim_cell(_case_page(client, ledger, blank)) == NOT_FILLED
    zero = {**blank, "case_id": "ZERO-CLAIM", "claim_amount": "0"}
    assert _claim_cell(_case_page(client, ledger, zero)) == NOT_FILLED


def test_a_stated_claim_and_a_claim_made_of_items_read_as_the_decision_uses_them(
    client: TestClient, ledger: Ledger
) -> None:
    stated = _sample("KBS-2025-011")
    assert _claim_cell(_case_page(client, ledger, stated)) == "3,912 元"
    items = {k: v for k, v in stated.items() if k != "claim_amount"}
    items["case_id"] = "ITEMS-CLAIM"
    # the sample's arrears: 3,912.00 owed and a late fee of 0, both claimed by the company
    assert _claim_cell(_case_page(client, ledger, items)) == "未填写（按所列欠缴物业费、违约金合计 3,912 元）"


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2))
def test_any_stated_amount_is_shown_with_its_cents(amount: Decimal) -> None:
    case = {**_sample("KBS-2025-001"), "claim_amount": str(amount)}
    text = claim_text(case)
    assert text.endswith(" 元")
    assert Decimal(text.removesuffix(" 元").replace(",", "")) == amount
