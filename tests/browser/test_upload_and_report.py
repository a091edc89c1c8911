"""A clerk's upload of the 台账 (.xlsx and CSV) with good and bad rows, the report with its charts, and a
case whose id holds "/" (a court's 案号), in a real browser against a real ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PASSWORD, Server, shot
from tests.sheets.books import HEADER, csv_file, good_row, workbook

pytestmark = pytest.mark.slow

CLERK = "调解中心 李四"
SLASHED = "（2025）京0105民初1234/1号"




def _by(kind: str) -> str:
    from selenium.webdriver.common.by import By

    return {"id": By.ID, "css": By.CSS_SELECTOR, "name": By.NAME, "link": By.PARTIAL_LINK_TEXT}[kind]


def _wait(driver: Any, check: Any) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, 60).until(check)
    except TimeoutException:
        raise AssertionError(driver.find_element(_by("css"), "main").text[:800]) from None


def _login(driver: Any, server: Server) -> None:
    driver.delete_all_cookies()
    driver.get(server.url + "/login")
    driver.find_element(_by("id"), "name").send_keys(CLERK)
    driver.find_element(_by("id"), "password").send_keys(PASSWORD)
    driver.find_element(_by("css"), "section.login button").click()
    _wait(driver, lambda d: urlsplit(d.current_url).path == "/cases")


def _upload(driver: Any, server: Server, path: Path) -> list[tuple[str, ...]]:
    """Choose the file, send it, and read the refused rows' table as the clerk sees it."""
    driver.get(server.url + "/import")
    driver.find_element(_by("name"), "file").send_keys(str(path))
    driver.find_element(_by("css"), "form.filters button").click()
    _wait(driver, lambda d: d.find_elements(_by("css"), "p.notice"))
    table: list[tuple[str, ...]] = []
    sheet = row = ""
    for line in driver.find_elements(_by("css"), "table.refused tbody tr"):
        cells = [c.text for c in line.find_elements(_by("css"), "td")]
        if len(cells) == 6:  # the first cell of a row carries its sheet and number
            sheet, row, *cells = cells
        table.append((sheet, row, *cells))
    return table


def _check_refusals(table: list[tuple[str, ...]]) -> None:
    # K-2: an impossible date (B) and words for an amount (F) on row 3; K-3: no such dispute type (D) on row 4
    where = {(row, column, header) for _sheet, row, column, header, _zh, _en in table}
    assert where == {("第 3 行", "B", "登记日期"), ("第 3 行", "F", "标的额（元）"), ("第 4 行", "D", "纠纷类型")}
    for _sheet, _row, _column, _header, zh, en in table:
        assert zh and en and zh != en and any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_upload_a_workbook_and_a_csv_then_see_the_report(server: Server, browser: Any, screenshots: Path,
                                                         tmp_path: Path) -> None:
    driver = browser
    _login(driver, server)
    rows = [HEADER, good_row("K-1"), good_row("K-2", c1="2025-02-30", c5="三千元"), good_row("K-3", c3="打架斗殴")]
    table = _upload(driver, server, workbook(tmp_path / "三月台账.xlsx", rows))
    notice = driver.find_element(_by("css"), "p.notice").text
    assert "「三月台账.xlsx」" in notice and "新立 1 件" in notice and "拒收 2 件" in notice
    assert {sheet for sheet, *_ in table} == {"台账"}
    _check_refusals(table)
    shot(driver, screenshots, "upload-xlsx")

    csv_rows = [HEADER, good_row("K-4", c8="康和物业服务有限公司"), good_row("K-2", c1="2025-02-30", c5="三千元"),
                good_row("K-3", c3="打架斗殴")]
    table = _upload(driver, server, csv_file(tmp_path / "四月台账.csv", csv_rows, encoding="gbk"))
    assert "新立 1 件" in driver.find_element(_by("css"), "p.notice").text
    _check_refusals(table)
    shot(driver, screenshots, "upload-csv")

    driver.get(server.url + "/cases")
    listed = [a.text for a in driver.find_elements(_by("css"), "table.list tbody td:first-child a")]
    assert sorted(listed) == ["K-1", "K-4"]  # the good rows, in the 台账; the refused ones are not
    shot(driver, screenshots, "cases-after-upload")

    driver.get(server.url + "/report?start=2025-01-01&end=2025-12-31&by=company")
    _wait(driver, lambda d: d.find_elements(_by("css"), "img.chart"))
    assert "登记纠纷" in driver.find_element(_by("css"), "table.figures").text
    images = driver.find_elements(_by("css"), "img.chart")
    assert len(images) >= 3  # the months, the ladder, the companies
    for image in images:
        _wait(driver, lambda d, image=image: d.execute_script("return arguments[0].complete", image))
        width = driver.execute_script("return arguments[0].naturalWidth", image)
        shown = driver.execute_script("return arguments[0].getBoundingClientRect().width", image)
        assert width > 0 and shown > 0, image.get_attribute("alt")  # decoded and on the page
    shot(driver, screenshots, "report")


def test_the_template_downloads_from_the_upload_page_and_a_blank_amount_reads_not_filled(
        server: Server, browser: Any, downloads: Path, screenshots: Path, tmp_path: Path) -> None:
    """The clerk finds the template where the upload is, fills it, and a row without an amount shows
    「未填写」 on the case's page, not "0 元"."""
    import time

    from openpyxl import load_workbook

    driver = browser
    _login(driver, server)
    driver.get(server.url + "/import")
    link = driver.find_element(_by("link"), "下载空白台账模板（.xlsx）")
    assert link.is_displayed()
    shot(driver, screenshots, "upload-with-template-link")
    link.click()
    deadline = time.monotonic() + 60
    while not (done := [p for p in downloads.glob("*.xlsx") if p.stat().st_size]):
        assert time.monotonic() < deadline, f"no download in {list(downloads.iterdir())}"
        time.sleep(0.25)
    time.sleep(0.5)  # chromium renames the finished file; let it settle
    assert done[0].name == "台账模板.xlsx"
    header = [cell.value for cell in next(load_workbook(done[0])["台账"].iter_rows(max_row=1))]
    assert {"案件编号", "登记日期", "纠纷类型"} <= set(header)

    table = _upload(driver, server, workbook(tmp_path / "无金额.xlsx", [HEADER, good_row("K-NO-AMOUNT", c5="")]))
    assert not table and "新立 1 件" in driver.find_element(_by("css"), "p.notice").text
    driver.get(server.url + "/case?id=K-NO-AMOUNT")
    facts = driver.find_element(_by("css"), "section.facts").text
    assert "请求金额\n未填写" in facts and "0 元" not in facts
    shot(driver, screenshots, "case-claim-not-filled")


def test_a_case_whose_id_holds_a_slash(server: Server, browser: Any, screenshots: Path) -> None:
    driver = browser
    _login(driver, server)
    driver.get(server.url + "/cases/new")
    driver.find_element(_by("id"), "case_id").send_keys(SLASHED)
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(_by("id"), "dispute_type")).select_by_value("service_quality")
    Select(driver.find_element(_by("id"), "claimant")).select_by_value("owner")
    driver.find_element(_by("id"), "property_company.name").send_keys("康和物业服务有限公司")
    driver.find_element(_by("css"), "form.grid button").click()
    _wait(driver, lambda d: "filed=1" in urlsplit(d.current_url).query)
    assert driver.find_element(_by("css"), "h1").text == f"案件 {SLASHED}"

    driver.get(server.url + "/cases")  # from the 台账, by its link
    driver.find_element(_by("link"), SLASHED).click()
    _wait(driver, lambda d: d.find_elements(_by("css"), "section.attempt"))
    assert driver.find_element(_by("css"), "h1").text == f"案件 {SLASHED}"
    driver.find_element(_by("css"), "section.attempt button").click()  # the suggested step, not resolved
    _wait(driver, lambda d: "recorded=1" in urlsplit(d.current_url).query)
    assert driver.find_element(_by("css"), "h1").text == f"案件 {SLASHED}"
    assert "未化解" in driver.find_element(_by("css"), "section.timeline").text
    shot(driver, screenshots, "case-with-slash")

    driver.find_element(_by("link"), "为该物业企业填写联合评分表").click()
    _wait(driver, lambda d: d.find_elements(_by("css"), "form.sheet"))
    assert SLASHED in driver.find_element(_by("css"), "main p").text
    shot(driver, screenshots, "scoring-case-with-slash")


@pytest.mark.parametrize("case_id", ["100%/a b", "%2F#?&=", "../x/.."])
def test_the_api_reaches_a_case_by_any_id_on_a_real_server(server: Server, case_id: str) -> None:
    """``GET /v1/cases/{case_id}`` over real HTTP (uvicorn decodes the path once; the test client twice)."""
    import json
    import subprocess
    import urllib.request
    from urllib.parse import quote

    from tests.browser.conftest import _command

    token = subprocess.run([*_command(), "token", "create", "--role", "court", "--name", f"api {case_id}", "--db",
                            server.db], capture_output=True, text=True, check=True).stdout.strip()
    case = {"case_id": case_id, "filed_on": "2025-05-01", "province": "内蒙古自治区", "dispute_type": "parking",
            "claimant": "owner"}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(server.url + "/v1/import", data=json.dumps(case).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert json.load(answer)["new"] == 1
    path = "/v1/cases/" + quote(case_id, safe="").replace(".", "%2E")
    with urllib.request.urlopen(urllib.request.Request(server.url + path, headers=headers), timeout=30) as answer:
        assert json.load(answer)["case"]["case_id"] == case_id
