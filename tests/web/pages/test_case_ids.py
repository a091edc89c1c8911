"""Any case id the ledger accepts reaches its page, its forms, its attempt form and its scoring sheet,
and ``GET /v1/cases/{case_id}``: ids with "/", "?", "#", "%", "&", "+", spaces, dots and Chinese."""

from __future__ import annotations

import html
import re
import uuid
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propertytriage.ledger import Ledger, queries
from propertytriage.ledger.documents import Document
from propertytriage.models.case import Case
from propertytriage.web.tokens import SqlTokenStore
from tests.web.conftest import bearer
from tests.web.pages.conftest import csrf_of, login

HOSTILE = ["（2025）京0105民初1234/1号", "A/forms/scorecard.pdf", "new", ".", "..", "../etc/passwd", "a?b=c&d=e",
           "#1", "100%", "%2F", "a+b c", "KBS 2025 001", "a/", "//x", "\\x\\y", "<b>&amp;", "案 件/？＃"]


def _file(ledger: Ledger, case_id: str) -> str:
    """Files the case under a company of its own, so the 台账 filtered by it lists this case alone."""
    company = f"物业{uuid.uuid4().hex[:12]}"
    summary = ledger.import_documents([Document("test", {
        "case_id": case_id, "filed_on": "2025-03-01", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
        "claimant": "property_company", "has_owners_committee": False, "property_company": {"name": company}})])
    assert not summary.refused, summary.refused
    return company


def _href(page: str, pattern: str) -> str:
    found = re.search(pattern, page)
    assert found, page[:1000]
    return html.unescape(found.group(1))


def _heading(page: str) -> str:
    found = re.search(r"<h1>案件 ([^<]*)</h1>", page)
    assert found, page[:1000]
    return html.unescape(found.group(1))


def _reach(client: TestClient, ledger: Ledger, case_id: str) -> str:
    """From the 台账 to the case page, then its attempt form, as a clerk clicks through; the page after."""
    company = _file(ledger, case_id)
    listed = client.get("/cases", params={"company": company}).text
    link = _href(listed, r'<td><a href="([^"]+)">')
    page = client.get(link)
    assert page.status_code == 200 and _heading(page.text) == case_id
    action = _href(page.text, r'<form method="post" action="([^"]+)" class="grid">')
    done = client.post(action, data={"csrf_token": csrf_of(page.text), "stage": "community", "outcome": "failed"})
    assert done.status_code == 303, done.text[:500]
    after = client.get(done.headers["location"]).text
    assert _heading(after) == case_id and "处理结果已记录" in after
    with ledger.engine.connect() as connection:
        record = queries.show(connection, case_id)
    assert record is not None and record["case"]["attempts"][-1]["stage"] == "community"
    return after


def _api_path(case_id: str) -> str:
    # dots too: clients resolve "." and ".." path segments away unless they are percent-encoded
    return "/v1/cases/" + quote(case_id, safe="").replace(".", "%2E")


def _check_api(client: TestClient, db_url: str, case_id: str) -> None:
    if "%" in case_id:
        return  # Starlette's test client decodes a path twice (a server once): checked on a real serve (tests/browser)
    secret = SqlTokenStore.from_url(db_url).create(f"api {uuid.uuid4().hex}", "court").secret
    answer = client.get(_api_path(case_id), headers=bearer(secret))
    assert answer.status_code == 200 and answer.json()["case"]["case_id"] == case_id


@pytest.mark.parametrize("case_id", HOSTILE)
def test_a_hostile_case_id_reaches_every_page_of_its_case(client: TestClient, ledger: Ledger, db_url: str,
                                                          case_id: str) -> None:
    login(client, "admin")
    page = _reach(client, ledger, case_id)
    pdf = client.get(_href(page, r'<a class="download" href="([^"]+)"'))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    sheet = client.get(_href(page, r'<a href="(/scoring/[^"]+)">为该物业企业填写联合评分表'))
    assert sheet.status_code == 200 and f">{html.escape(case_id)}</a>" in sheet.text
    action = _href(sheet.text, r'<form method="post" action="([^"]+)" class="sheet">')
    assert client.get(action).status_code == 200  # the sheet's own form posts back to this case
    _check_api(client, db_url, case_id)


def test_a_case_address_typed_as_a_path_leads_to_the_case(client: TestClient, ledger: Ledger) -> None:
    _file(ledger, "（2025）京0105民初1234/1号")
    login(client, "court")
    answer = client.get("/cases/" + quote("（2025）京0105民初1234/1号", safe=""))
    assert answer.status_code == 303
    assert _heading(client.get(answer.headers["location"]).text) == "（2025）京0105民初1234/1号"
    assert client.get("/cases/new").status_code == 200  # still the filing form


def _accepted(text: str) -> bool:
    try:
        Case.model_validate({"case_id": text, "filed_on": "2025-01-01", "province": "x", "dispute_type": "parking",
                             "claimant": "owner"})
    except ValueError:
        return False
    return True


CASE_IDS = st.text(st.sampled_from([*"/?#%&+=;:@!$'()*,. \\~-_<>\"aZ09案件号（）京"]),
                   min_size=1, max_size=12).map(str.strip).filter(_accepted)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case_id=CASE_IDS)
def test_every_case_id_the_ledger_accepts_reaches_its_page(client: TestClient, ledger: Ledger, db_url: str,
                                                           case_id: str) -> None:
    with ledger.engine.connect() as connection:
        if queries.show(connection, case_id) is not None:
            return  # an id drawn again (as hypothesis replays and shrinks): it was checked the first time
    login(client, "mediation_center")
    _reach(client, ledger, case_id)
    _check_api(client, db_url, case_id)
