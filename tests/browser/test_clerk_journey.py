"""A clerk's day in a real browser: log in, file a case, record a failed step, score the company from
all four evaluators' sheets below the pass mark, and download the rectification notice.

Every page is photographed (``conftest.shot``): into ``PROPERTYTRIAGE_SCREENSHOTS=DIR`` when set, else a
temporary folder pytest keeps, named at the end of the run.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from propertytriage.scoring import rubric_items
from tests.browser.conftest import PASSWORD, Server, shot

pytestmark = pytest.mark.slow

CASE_ID = "KBS-浏览器-001"
COMPANY = "鄂尔多斯市测试物业服务有限公司"
SHARES = {"mediation_center": Decimal("0.4"), "housing_center": Decimal("0.5"), "owners_committee": Decimal("0.5"),
          "community": Decimal("0.45")}


_FOLDER: list[Path] = []


def _shot(driver: object, name: str) -> None:
    shot(driver, _FOLDER[0], name)


@pytest.fixture(autouse=True)
def _photographs(screenshots: Path) -> None:
    _FOLDER[:] = [screenshots]


def _by(kind: str) -> str:
    from selenium.webdriver.common.by import By

    return {"id": By.ID, "css": By.CSS_SELECTOR, "name": By.NAME, "link": By.PARTIAL_LINK_TEXT}[kind]


def _login(driver, server: Server, name: str) -> None:
    driver.delete_all_cookies()
    driver.get(server.url + "/cases")
    assert "/login" in driver.current_url  # no session: sent to the login page
    driver.find_element(_by("id"), "name").send_keys(name)
    driver.find_element(_by("id"), "password").send_keys(PASSWORD)
    _submit(driver, "section.login button", "/cases")
    assert name in driver.find_element(_by("css"), "header .who").text


def _submit(driver, css: str, expect: str) -> None:  # expect: a path, or a piece of the query
    """Click and wait for the answer's address (a form's POST is not awaited by the click itself)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(_by("css"), css).click()
    try:
        WebDriverWait(driver, 60).until(lambda d: expect == urlsplit(d.current_url).path
                                        if expect.startswith("/") else expect in urlsplit(d.current_url).query)
    except TimeoutException:
        raise AssertionError(driver.find_element(_by("css"), "main").text[:800]) from None


def _wait_for(driver, element_id: str):
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((_by("id"), element_id)))


def _fill(driver, field: str, text: str) -> None:
    element = driver.find_element(_by("id"), field)
    element.clear()
    element.send_keys(text)


def _select(driver, field: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(_by("id"), field)).select_by_value(value)


def _score_sheet(driver, server: Server, evaluator: str) -> None:
    driver.get(f"{server.url}/scoring/{CASE_ID}")  # the address as typed leads to the sheet
    for item in rubric_items():
        points = (Decimal(str(item["max_points"])) * SHARES[evaluator]).normalize()
        _fill(driver, f"item.{item['id']}", str(points))
    expected = sum((Decimal(str(i["max_points"])) * SHARES[evaluator] for i in rubric_items()), Decimal(0))
    shown = Decimal(driver.find_element(_by("id"), "running-total").text)
    assert shown == expected  # the running total follows what was typed
    _shot(driver, f"scoring-{evaluator}")
    _submit(driver, "form.sheet button", "saved=1")


def test_file_fail_score_and_download_the_notice(server: Server, browser, downloads: Path) -> None:
    driver = browser
    clerk = "调解中心 李四"
    driver.get(server.url + "/login")
    _shot(driver, "login")
    _login(driver, server, clerk)
    _shot(driver, "cases-empty")

    # filing: a mistake first, shown next to its field with what was typed kept
    driver.get(server.url + "/cases/new")
    _fill(driver, "case_id", CASE_ID)
    _select(driver, "dispute_type", "fee_arrears")
    _select(driver, "claimant", "property_company")
    _fill(driver, "claim_amount", "三千块")
    driver.find_element(_by("name"), "has_owners_committee").click()  # this estate has none
    _fill(driver, "estate.name", "康和小区")
    _fill(driver, "estate.community", "康新社区")
    _fill(driver, "property_company.name", COMPANY)
    _fill(driver, "owners.0.name", "张某")
    _fill(driver, "owners.0.phone", "13912345678")
    driver.find_element(_by("css"), "form.grid button").click()
    error = _wait_for(driver, "claim_amount-error")
    assert error is not None
    error = driver.find_element(_by("id"), "claim_amount-error")
    assert error.text and any("\u4e00" <= ch <= "\u9fff" for ch in error.text)  # in Chinese, at the field
    assert driver.find_element(_by("id"), "property_company.name").get_attribute("value") == COMPANY
    _shot(driver, "case-new-error")
    _fill(driver, "claim_amount", "3000")
    _submit(driver, "form.grid button", "filed=1")
    assert "街道社区协调" in driver.find_element(_by("css"), "section.next").text  # no owners' committee
    _shot(driver, "case-filed")

    # the community's coordination failed: the case goes to the mediation center, awaiting a score
    _select(driver, "stage", "community")
    _select(driver, "outcome", "failed")
    _submit(driver, "section.attempt button", "recorded=1")
    next_step = driver.find_element(_by("css"), "section.next").text
    assert "调解中心调解" in next_step and "待联合评分" in next_step
    timeline = driver.find_element(_by("css"), "section.timeline").text
    assert "街道社区协调：未化解" in timeline and clerk in timeline  # what changed, and who recorded it

    # the four evaluators, each with its own sheet, the mediation center first (its sheet is required)
    _score_sheet(driver, server, "mediation_center")
    for name, role in (("住建服务中心 王五", "housing_center"), ("业委会 赵六", "owners_committee"),
                       ("社区 孙七", "community")):
        _login(driver, server, name)
        _score_sheet(driver, server, role)
    joint = Decimal(driver.find_element(_by("id"), "joint-total").text)
    assert joint < 60
    assert len(driver.find_elements(_by("css"), ".joint .tag.done")) == 4
    _shot(driver, "scoring-joint")

    # back at the case: rectification required, the notice to download as a PDF
    _login(driver, server, clerk)
    driver.get(f"{server.url}/cases/{CASE_ID}")
    assert "须限期整改" in driver.find_element(_by("css"), "section.next").text
    _shot(driver, "case-rectification")
    link = driver.find_element(_by("link"), "限期整改建议书")
    link.click()
    deadline = time.monotonic() + 60
    while True:
        done = [p for p in downloads.glob("*.pdf")]
        if done:
            break
        assert time.monotonic() < deadline, f"no download in {list(downloads.iterdir())}"
        time.sleep(0.25)
    pdf = done[0]
    time.sleep(0.5)
    assert "rectification_notice" in pdf.name
    assert pdf.read_bytes().startswith(b"%PDF-")

    for path, name in (("/cases", "cases"), ("/due", "due"), ("/scoring", "scoring-index"),
                       ("/cases/new", "case-new"), ("/report", "report"), ("/import", "upload")):
        driver.get(server.url + path)
        _shot(driver, name)
