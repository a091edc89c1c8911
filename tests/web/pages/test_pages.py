"""What each role sees and may do on the pages, and how the pages use the ledger (ASGI app)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from propertytriage.ledger import Ledger, queries
from propertytriage.ledger.companies import company_key
from propertytriage.ledger.schema import COMPANIES, EVENTS
from propertytriage.models.details import PropertyCompany
from propertytriage.scoring import rubric_items
from propertytriage.web.pages import cases as case_pages
from propertytriage.web.roles import EVALUATOR_ROLES, ROLES
from tests.web.pages.conftest import csrf_of, login, user_name

READ_PAGES = ["/cases", "/due", "/case?id=KBS-2025-011"]
IMPORTERS = {"admin", "court", "mediation_center", "community"}


@pytest.mark.parametrize("path", [*READ_PAGES, "/cases/new", "/scoring", "/scoring/sheet?id=KBS-2025-011",
                                  "/case/forms/scorecard.pdf?id=KBS-2025-011", "/cases/KBS-2025-011",
                                  "/scoring/KBS-2025-011"])
def test_every_page_sends_a_visitor_without_session_to_login(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
def test_roles_on_pages(client: TestClient, role: str) -> None:
    login(client, role)
    for path in READ_PAGES:
        assert client.get(path).status_code == 200, path
    assert client.get("/cases/new").status_code == (200 if role in IMPORTERS else 403)
    scoring = 200 if role in EVALUATOR_ROLES | {"admin"} else 403
    assert client.get("/scoring").status_code == scoring
    assert client.get("/scoring/sheet?id=KBS-2025-011").status_code == scoring
    if role not in IMPORTERS:  # a POST is refused on the role before anything is read
        token = csrf_of(client.get("/cases").text)
        refused = client.post("/case/attempts?id=KBS-2025-011",
                              data={"csrf_token": token, "stage": "community", "outcome": "failed"})
        assert refused.status_code == 403


@pytest.mark.parametrize(("role", "full"), [("court", True), ("mediation_center", True), ("admin", True),
                                            ("community", False), ("housing_center", False),
                                            ("owners_committee", False)])
def test_phone_numbers_masked_for_roles_that_do_not_need_them(client: TestClient, role: str, full: bool) -> None:
    login(client, role)
    page = client.get("/case?id=KBS-2025-011").text
    assert ("13904770000" in page) is full
    assert ("139****0000" in page) is not full


def test_filing_records_the_user_and_role_and_shows_the_case(client: TestClient, ledger: Ledger) -> None:
    login(client, "community")
    token = csrf_of(client.get("/cases/new").text)
    answer = client.post("/cases/new", data={
        "csrf_token": token, "case_id": "WEB-<i>2", "filed_on": "2026-05-01", "province": "内蒙古自治区",
        "dispute_type": "service_quality", "claimant": "owner", "estate.community": "康新社区"})
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "WEB-&lt;i&gt;2" in page.text and "<i>2" not in page.text  # escaped
    assert "业委会协商" in page.text  # the default: the estate has an owners' committee
    assert f"{user_name('community')}（街道社区）" in page.text  # who filed it, on the timeline
    with ledger.engine.connect() as connection:
        recorded = connection.execute(select(EVENTS.c.recorded_by).where(EVENTS.c.stream_id == "WEB-<i>2")).one()
    assert recorded.recorded_by == f"{user_name('community')} (community)"
    listed = client.get("/cases", params={"community": "康新社区"}).text
    assert "WEB-&lt;i&gt;2" in listed and "KBS-2025-011" not in listed


def test_a_refused_filing_keeps_what_was_typed_and_names_the_field(client: TestClient, ledger: Ledger) -> None:
    login(client, "court")
    token = csrf_of(client.get("/cases/new").text)
    answer = client.post("/cases/new", data={
        "csrf_token": token, "case_id": "WEB-3", "filed_on": "2026-02-30", "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": "业主", "property_company.name": "某物业公司"})
    assert answer.status_code == 422
    assert re.search(r'id="filed_on-error">[^<]*日期', answer.text)
    assert 'id="claimant-error"' in answer.text
    assert 'value="某物业公司"' in answer.text and 'value="WEB-3"' in answer.text
    with ledger.engine.connect() as connection:
        assert queries.show(connection, "WEB-3") is None
    again = client.post("/cases/new", data={"csrf_token": token, "case_id": "KBS-2025-011"})
    assert again.status_code == 422 and 'id="case_id-error"' in again.text  # filing never overwrites a case


def test_recording_an_attempt_moves_the_case_up_the_ladder(client: TestClient, ledger: Ledger) -> None:
    login(client, "mediation_center")
    with ledger.engine.connect() as connection:
        before = queries.show(connection, "KBS-2025-003")
    assert before is not None
    stage = before["decision"]["next_stage"]
    token = csrf_of(client.get("/case?id=KBS-2025-003").text)
    bad = client.post("/case/attempts?id=KBS-2025-003", data={"csrf_token": token, "stage": stage, "outcome": "failed",
                                                             "on": "2099-01-01"})
    assert bad.status_code == 422 and 'id="on-error"' in bad.text and 'value="2099-01-01"' in bad.text
    done = client.post("/case/attempts?id=KBS-2025-003", data={"csrf_token": token, "stage": stage, "outcome": "failed"})
    assert done.status_code == 303
    with ledger.engine.connect() as connection:
        after = queries.show(connection, "KBS-2025-003")
    assert after is not None and after["decision"]["next_stage"] != stage
    assert len(after["events"]) == len(before["events"]) + 1


def _sheet(token: str, share: float, evaluator: str = "") -> dict[str, str]:
    data = {"csrf_token": token, "evaluated_on": "2026-06-01", "evaluator": evaluator}
    data.update({f"item.{i['id']}": str(round(float(i["max_points"]) * share, 2)) for i in rubric_items()})
    return data


def test_an_evaluator_submits_only_its_own_sheet(client: TestClient, ledger: Ledger) -> None:
    login(client, "community")
    token = csrf_of(client.get("/scoring/sheet?id=KBS-2025-001").text)
    early = client.post("/scoring/sheet?id=KBS-2025-001", data=_sheet(token, 0.5, evaluator="mediation_center"))
    assert early.status_code == 422 and "调解中心" in early.text  # the required sheet is missing: refused
    login(client, "mediation_center")
    token = csrf_of(client.get("/scoring/sheet?id=KBS-2025-001").text)
    assert client.post("/scoring/sheet?id=KBS-2025-001", data=_sheet(token, 0.9)).status_code == 303
    login(client, "community")
    token = csrf_of(client.get("/scoring/sheet?id=KBS-2025-001").text)
    assert client.post("/scoring/sheet?id=KBS-2025-001", data=_sheet(token, 0.3, evaluator="mediation_center")).status_code == 303
    with ledger.engine.connect() as connection:
        case = queries.show(connection, "KBS-2025-001")
        assert case is not None
        key = company_key(PropertyCompany.model_validate(case["case"]["property_company"]))
        history = connection.execute(select(COMPANIES.c.history).where(COMPANIES.c.company_key == key)).scalar_one()
    card = [e for e in history if e.get("scorecard")][-1]["scorecard"]
    sheets = {s["evaluator"]: s["items"] for s in card["evaluations"]}
    assert set(sheets) == {"mediation_center", "community"}  # the community's sheet went in as its own
    first = rubric_items()[0]
    assert float(sheets["mediation_center"][first["id"]]) == round(float(first["max_points"]) * 0.9, 2)


def test_the_ledger_list_pages(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    login(client, "court")
    monkeypatch.setattr(case_pages, "PAGE_SIZE", 5)
    ids = []
    for number in range(1, 10):
        page = client.get("/cases", params={"page": number}).text
        found = re.findall(r'<td><a href="/case\?id=([^"&]+)">', page)
        if not found:
            break
        ids += found
        if "下一页" not in page:
            break
    assert len(ids) == len(set(ids)) == 22  # every sample case once
    court = client.get("/cases", params={"stage": "court"}).text
    assert "人民法院" in court and "业委会协商</span>" not in court


def test_the_forms_download_as_pdf(client: TestClient) -> None:
    login(client, "owners_committee")
    page = client.get("/case?id=KBS-2025-011").text
    links = re.findall(r'href="(/case/forms/[a-z_]+\.pdf\?id=KBS-2025-011)"', page)
    assert links
    answer = client.get(links[0])
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF-")
    assert answer.headers["content-type"] == "application/pdf"
    assert client.get("/case/forms/nonsense.pdf?id=KBS-2025-011").status_code == 404


def test_the_stylesheet_is_served_and_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    login(client, "admin")
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    for path in ["/cases", "/case?id=KBS-2025-011", "/due", "/scoring/sheet?id=KBS-2025-011", "/cases/new"]:
        page = client.get(path).text
        assert not re.search(r'(src|href)="(https?:)?//', page), path


@pytest.mark.parametrize(("role", "full"), [("court", True), ("mediation_center", True), ("admin", True),
                                            ("community", False), ("housing_center", False),
                                            ("owners_committee", False)])
def test_a_downloaded_form_shows_the_parties_numbers_as_the_users_page_does(
        client: TestClient, role: str, full: bool) -> None:
    """The court's inquiry form prints ID and phone numbers in full; a role whose pages mask them must not get
    them one click away, in the PDF it downloads from the same page."""
    import subprocess

    login(client, role)
    page = client.get("/case?id=KBS-2025-011").text
    assert ("已按本角色的权限遮蔽" in page) is not full
    answer = client.get("/case/forms/inquiry_form.pdf?id=KBS-2025-011")
    assert answer.status_code == 200, answer.text
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=answer.content, capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert ("13904770000" in text) is full
    assert ("139****0000" in text) is not full


def test_the_scoring_sheet_of_a_case_naming_its_company_by_name_alone_is_its_coded_record(
        client: TestClient, ledger: Ledger) -> None:
    company = {"name": "名称物业服务有限公司", "credit_code": "91150602MA0N0NAME1"}
    case = {"filed_on": "2026-05-01", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
            "claimant": "property_company", "claim_amount": "1200.00",
            "attempts": [{"stage": "owners_committee", "outcome": "failed"}, {"stage": "community", "outcome": "failed"}]}
    from propertytriage.ledger.documents import Document

    ledger.import_documents([Document("coded", {**case, "case_id": "CODED-1", "property_company": company,
                                                "company_score": "58"}),
                             Document("named", {**case, "case_id": "NAMED-1",
                                                "property_company": {"name": company["name"]}})])
    login(client, "mediation_center")
    page = client.get("/scoring/sheet?id=NAMED-1").text
    assert re.search(r'id="joint-total">58<', page)  # the company's record, held under its credit code
    token = csrf_of(page)
    assert client.post("/scoring/sheet?id=NAMED-1", data=_sheet(token, 0.9)).status_code == 303
    with ledger.engine.connect() as connection:
        rows = connection.execute(select(COMPANIES.c.company_key, COMPANIES.c.history)
                                  .where(COMPANIES.c.name == company["name"])).all()
    assert [row.company_key for row in rows] == [f"credit:{company['credit_code']}"]
    cards = [e["scorecard"] for e in rows[0].history if "scorecard" in e]
    assert [c["company"] for c in cards] == [company]  # the sheet named the record's code with its name


def test_the_scoring_sheet_of_a_case_held_under_a_record_of_its_name_alone_does_not_score_another_record(
        client: TestClient, ledger: Ledger) -> None:
    """A case filed by name alone before a coded record of that name was registered stays held under the
    record of the name (docs/ledger.md). A sheet naming that company by name would now land on the coded
    record, not on the one the page shows and the case is decided from: the page says so and records
    nothing, instead of scoring another record while the case stays awaiting its score."""
    company = {"name": "先名物业服务有限公司", "credit_code": "91150602MA0N0NAME2"}
    case = {"filed_on": "2026-05-01", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
            "claimant": "property_company", "claim_amount": "1200.00",
            "attempts": [{"stage": "owners_committee", "outcome": "failed"}, {"stage": "community", "outcome": "failed"}]}
    from propertytriage.ledger.documents import Document

    ledger.import_documents([Document("named", {**case, "case_id": "NAMED-2",
                                                "property_company": {"name": company["name"]}})])
    ledger.import_documents([Document("coded", {**case, "case_id": "CODED-2", "property_company": company,
                                                "company_score": "58"})])
    with ledger.engine.connect() as connection:
        before = connection.execute(select(COMPANIES.c.company_key, COMPANIES.c.version)
                                    .order_by(COMPANIES.c.company_key)).all()
    login(client, "mediation_center")
    page = client.get("/scoring/sheet?id=NAMED-2").text
    assert company["credit_code"] in page  # warned before the sheet is filled in
    answer = client.post("/scoring/sheet?id=NAMED-2", data=_sheet(csrf_of(page), 0.9))
    assert answer.status_code == 422, answer.text
    assert "统一社会信用代码" in answer.text and company["credit_code"] in answer.text
    with ledger.engine.connect() as connection:
        after = connection.execute(select(COMPANIES.c.company_key, COMPANIES.c.version)
                                   .order_by(COMPANIES.c.company_key)).all()
    assert after == before  # neither record scored


def test_the_scoring_sheet_reads_the_record_the_case_is_held_under_now_not_at_filing(
        client: TestClient, ledger: Ledger) -> None:
    """A case filed without its company, which a later snapshot names, is scored on that company's record:
    the latest event naming a company says where the case is held, not the first."""
    company = {"name": "后补物业服务有限公司", "credit_code": "91150602MA0N0NAME3"}
    case = {"case_id": "LATER-1", "filed_on": "2026-05-01", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
            "claimant": "property_company", "claim_amount": "1200.00",
            "attempts": [{"stage": "owners_committee", "outcome": "failed"}, {"stage": "community", "outcome": "failed"}]}
    from propertytriage.ledger.documents import Document

    ledger.import_documents([Document("first", case)])
    ledger.import_documents([Document("second", {**case, "property_company": company, "company_score": "58"})])
    login(client, "mediation_center")
    answer = client.get("/scoring/sheet?id=LATER-1")
    assert answer.status_code == 200, answer.text[:300]
    assert re.search(r'id="joint-total">58<', answer.text)
