"""The report page (figures as tables, charts as images inline) and the 台账 upload page (import roles
only, every refused row shown), through the ASGI app."""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from propertytriage.ledger import Ledger, queries
from propertytriage.ledger.statistics import build
from propertytriage.web.roles import ROLES
from tests.sheets.books import HEADER, csv_file, good_row, workbook
from tests.web.pages.conftest import csrf_of, login, user_name

IMPORTERS = {"admin", "court", "mediation_center", "community"}
PERIOD = {"start": "2025-01-01", "end": "2025-12-31"}




@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_report_and_only_importers_see_the_upload(client: TestClient, role: str) -> None:
    login(client, role)
    page = client.get("/cases").text
    assert 'href="/report"' in page
    assert ('href="/import"' in page) == (role in IMPORTERS)
    assert client.get("/report", params=PERIOD).status_code == 200
    assert client.get("/import").status_code == (200 if role in IMPORTERS else 403)


def test_the_report_page_shows_the_ledgers_figures_and_its_charts_inline(client: TestClient, ledger: Ledger) -> None:
    login(client, "housing_center")
    page = client.get("/report", params={**PERIOD, "by": "community"}).text
    figures = build(ledger, date(2025, 1, 1), date(2025, 12, 31), "community")
    received = re.search(r"<th>登记纠纷</th><td class=\"num\">(\d+) 件</td>", page)
    assert received and int(received.group(1)) == figures["received"] > 0
    for group in figures["by"]:
        assert f"<td>{group['label']}</td>" in page
    images = re.findall(r'<img role="img" alt="([^"]+)" class="chart" src="data:image/png;base64,([^"]+)">', page)
    assert len(images) >= 3  # months, the ladder's funnel, the communities' success rates
    for _alt, data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG")
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert ' style="' not in page  # the content policy admits no inline style


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "2025-06-01", "end": "2025-05-31"}, "晚于"),
    ({"start": "2025-02-30"}, "不是有效日期"),
    ({"by": "province"}, "分组方式"),
])
def test_a_bad_period_or_grouping_is_named_on_the_page(client: TestClient, params: dict[str, str], message: str) -> None:
    login(client, "court")
    answer = client.get("/report", params=params)
    assert answer.status_code == 422 and message in answer.text
    assert '<form method="get" action="/report"' in answer.text


def _upload(client: TestClient, name: str, data: bytes, token: str | None = None) -> httpx.Response:
    if token is None:
        token = csrf_of(client.get("/import").text)
    return client.post("/import", data={"csrf_token": token, "sheet": ""}, files={"file": (name, data)})


def test_an_upload_records_the_good_rows_as_the_user_and_shows_every_refused_row(
    client: TestClient, ledger: Ledger, tmp_path: Path
) -> None:
    folder = tmp_path
    rows = [HEADER, good_row("K-1"), good_row("K-2", c1="2025-02-30", c5="三千元"), good_row("K-3", c3="打架斗殴")]
    login(client, "community")
    answer = _upload(client, "三月台账.xlsx", workbook(folder / "t.xlsx", rows).read_bytes())
    assert answer.status_code == 200
    page = answer.text
    assert "新立 1 件" in page and "拒收 2 件" in page and "「三月台账.xlsx」" in page
    cells = re.findall(r"<td>([A-Z]+)</td><td>([^<]+)</td>", page)
    assert set(cells) == {("B", "登记日期"), ("F", "标的额（元）"), ("D", "纠纷类型")}
    assert "第 3 行" in page and "第 4 行" in page
    with ledger.engine.connect() as connection:
        shown = queries.show(connection, "K-1")
        assert shown is not None and queries.show(connection, "K-2") is None
    assert {e["recorded_by"] for e in shown["events"]} == {f"{user_name('community')} (community)"}

    gbk = csv_file(folder / "g.csv", [HEADER, good_row("K-5")], encoding="gbk").read_bytes()
    again = _upload(client, "台账.csv", gbk).text
    assert "新立 1 件" in again and "拒收 0 件" in again


def test_the_upload_checks_the_form_token_and_the_file(client: TestClient, ledger: Ledger) -> None:
    login(client, "court")
    refused = _upload(client, "a.csv", b"x", token="forged")
    assert refused.status_code == 403
    wrong = _upload(client, "cases.json", b"{}")
    assert wrong.status_code == 422 and "只能上传" in wrong.text
    unreadable = _upload(client, "a.csv", "标题\n一,二\n".encode())
    assert unreadable.status_code == 422 and "表头" in unreadable.text


def test_a_role_that_does_not_import_cannot_post_an_upload(client: TestClient) -> None:
    login(client, "admin")
    token = csrf_of(client.get("/import").text)
    login(client, "housing_center")
    answer = client.post("/import", data={"csrf_token": token}, files={"file": ("a.csv", b"case_id\n")})
    assert answer.status_code == 403


BOUNDARY = "----page-test-boundary"


@pytest.mark.parametrize(("body", "content_type", "message"), [
    (b"--" + BOUNDARY.encode() + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx",
     f"multipart/form-data; boundary={BOUNDARY}", "结束分隔符"),
    (b"x", "multipart/form-data", "分隔符"),
    (b"".join(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f{n}\"\r\n\r\nx\r\n".encode()
              for n in range(100)) + f"--{BOUNDARY}--\r\n".encode(), f"multipart/form-data; boundary={BOUNDARY}",
     "部分过多"),
])
def test_a_hostile_upload_is_named_on_the_page_and_never_a_500(client: TestClient, body: bytes, content_type: str,
                                                               message: str) -> None:
    login(client, "court")
    answer = client.post("/import", content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 422 and message in answer.text
    assert '<form method="post" action="/import"' in answer.text


def test_an_upload_page_post_over_the_body_limit_is_413(ledger: Ledger, engine: object, db_url: str,
                                                        tmp_path: Path) -> None:
    from tests.web.pages.conftest import make_app

    with TestClient(make_app(ledger, engine, db_url, body_limit=8192), follow_redirects=False) as small:  # type: ignore[arg-type]
        login(small, "court")
        rows = [HEADER] + [good_row(f"K-{n}") for n in range(200)]
        answer = _upload(small, "big.csv", csv_file(tmp_path / "big.csv", rows, encoding="utf-8").read_bytes())
        assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    with ledger.engine.connect() as connection:
        assert queries.show(connection, "K-1") is None
