"""Paper a clerk can sign: the signature block, the seal and the dates are never separated from
their block, never alone on a page, and every party named on the form has a line of its own; long
names wrap inside the page.

Pages are read back from the PDF (pypdf text, whitespace removed); geometry from WeasyPrint's
laid-out boxes (``rendering.pdf.layout``), which are what the PDF is drawn from.
"""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from propertytriage.rendering import FORM_IDS, form_context, render_form, render_html
from propertytriage.rendering.pdf import layout
from propertytriage.ruledata import forms_dir
from propertytriage.scoring import rubric_items

try:
    from .test_forms import FULL
except ImportError:  # pragma: no cover - run as a top-level module
    from test_forms import FULL  # type: ignore[no-redef]

DATE = "年月日"  # a blank date line ____年__月__日 reads so in the text layer


def pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def only_page(texts: list[str], needle: str) -> int:
    """The one page holding ``needle`` (it must be on exactly one)."""
    found = [i for i, text in enumerate(texts) if needle in text]
    assert len(found) == 1, (needle, found)
    return found[0]


def sign_line(role: str, name: str | None, how: str) -> str:
    return f"{role}{name or ''}（{how}）：{DATE}"


def assert_block_together(texts: list[str], heading: str, lines: list[str], last_row: str) -> None:
    """The heading, every line (label and date) and the last content row share one page, and the
    block does not open that page."""
    page = only_page(texts, heading)
    for line in lines:
        assert line in texts[page], (line, page)
    assert last_row in texts[page], (last_row, page)
    assert texts[page].index(last_row) < texts[page].index(heading)


def focus_points(n: int) -> list[dict[str, Any]]:
    return [{"issue": f"争议焦点第{i}项：电梯维修是否及时以及停运期间的物业费如何计算",
             "claimant_position": "已按约维修，停运系配件供应原因，不应减免物业费",
             "respondent_position": "电梯停运累计41天，物业服务不符合约定标准，应减免相应物业费",
             "evidence": "维修记录、业主群聊天记录"} for i in range(1, n + 1)]


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_focus_table_signatures_stay_with_the_last_row(n: int) -> None:
    case = {**FULL, "focus_points": focus_points(n)}
    texts = pages(render_form("focus_table", case))
    last_row = f"争议焦点第{n}项" if n >= 5 else "5是□否□"  # fewer than five: blank rows to 5
    lines = [sign_line("申请人", FULL["property_company"]["name"], "签名或者盖章"),
             sign_line("被申请人", FULL["owners"][0]["name"], "签名或者盖章"),
             sign_line("业主委员会", FULL["estate"]["owners_committee"], "盖章"),
             sign_line("调解员", None, "签名")]
    assert_block_together(texts, "签名确认", lines, last_row)


@pytest.mark.parametrize("n", [10, 11, 12])
def test_notice_seal_and_date_stay_with_the_last_item(n: int) -> None:
    ids = [str(i["id"]) for i in rubric_items()][:n]
    case = {**FULL, "company_score": None, "rectification_history": {"events": [
        {"kind": "score", "on": "2026-03-02", "total": "54.6"},
        {"kind": "notice", "on": "2026-03-05", "deadline": "2026-04-04", "items": ids}]}}
    texts = pages(render_form("rectification_notice", case))
    title = str(rubric_items()[n - 1]["title"]).replace(" ", "")
    seal = f"{FULL['venue']['administration']}（盖章）{DATE}"
    assert_block_together(texts, "特此建议。", [seal, sign_line("签收人", None, "签名")], title)
    assert "请你单位于2026年4月7日前完成整改" in texts[only_page(texts, seal)]


def co_owners(n: int) -> list[dict[str, Any]]:
    return [{**FULL["owners"][0], "name": f"共有人{chr(0x7532 + i)}"} for i in range(n)]


def test_inquiry_form_with_seven_co_owners_has_a_line_for_each_party() -> None:
    owners = co_owners(7)
    case = {**FULL, "owners": owners}
    texts = pages(render_form("inquiry_form", case))
    lines = [sign_line("原告", FULL["property_company"]["name"], "签名或者盖章")]
    lines += [sign_line("被告", o["name"], "签名或者盖章") for o in owners]
    assert_block_together(texts, "当事人签名确认", lines, "是否考虑先行调解")
    assert "".join(texts).count("（签名或者盖章）：") == 1 + 7


def test_a_party_block_of_the_inquiry_form_never_breaks_across_pages() -> None:
    owners = co_owners(7)
    texts = pages(render_form("inquiry_form", {**FULL, "owners": owners}))
    for owner in owners:  # a party's three rows: name … id number … address
        page = only_page(texts, f"姓名：{owner['name']}")
        block = texts[page].split(f"姓名：{owner['name']}", 1)[1]
        assert "公民身份号码" in block and "住所地（经常居住地）" in block, (owner["name"], page)


@pytest.mark.parametrize("claimant", ["property_company", "owner"])
def test_focus_table_gives_every_party_its_own_line(claimant: str) -> None:
    owners = co_owners(3)
    case = {**FULL, "claimant": claimant, "owners": owners, "claim_amount": "0"}
    signers = form_context("focus_table", case)["signers"]
    owner_role, company_role = (("被申请人", "申请人") if claimant == "property_company"
                                else ("申请人", "被申请人"))
    assert [(s["role"], s["name"]) for s in signers if s["name"] in {o["name"] for o in owners}] == [
        (owner_role, o["name"]) for o in owners]
    assert (company_role, FULL["property_company"]["name"]) in [(s["role"], s["name"]) for s in signers]
    text = "".join(pages(render_form("focus_table", case)))
    assert text.count(DATE) == len(signers) == 3 + 1 + 1 + 1


def test_no_committee_no_committee_line() -> None:
    case = {**FULL, "has_owners_committee": False, "attempts": FULL["attempts"][1:]}
    case["estate"] = {**FULL["estate"], "owners_committee": None}
    for form_id in ("focus_table", "scorecard"):
        text = "".join(pages(render_form(form_id, case)))
        assert "业主委员会（盖章）" not in text and "业主委员会（签名或者盖章）" not in text, form_id
    assert len(form_context("scorecard", case)["signers"]) == 3


def full_sheets() -> dict[str, Any]:
    items = {str(i["id"]): str(i["max_points"]) for i in rubric_items()}
    return {"company": {"name": FULL["property_company"]["name"]}, "evaluated_on": "2025-02-15",
            "evaluations": [{"evaluator": e, "items": items} for e in
                            ("mediation_center", "housing_center", "owners_committee", "community")]}


def test_scorecard_signatures_stay_with_the_total() -> None:
    case = {**FULL, "company_score": None, "scorecard": full_sheets()}
    texts = pages(render_form("scorecard", case))
    lines = [sign_line(label, None, "签名或者盖章") for label in
             ("调解中心", "住房保障综合服务中心", "业主委员会", "街道社区")]
    assert_block_together(texts, "评分主体签名确认", lines, "各评分主体合计")


LONG = "TheIntermediatePeoplesCourtOfHohhotCityInnerMongoliaAutonomousRegionOfThePRC"


def long_names() -> dict[str, Any]:
    case = copy.deepcopy(FULL)
    case["venue"] = {"court": LONG, "mediation_center": LONG + "MediationCentre",
                     "administration": LONG + "HousingBureau"}
    case["property_company"]["name"] = LONG + "PropertyServicesCoLtd"
    case["owners"][0]["name"] = LONG[:40]
    case["estate"]["name"] = LONG + "Garden"
    return case


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_long_latin_names_wrap_inside_the_page(form_id: str) -> None:
    document = layout(render_html(form_id, long_names()), base_dir=forms_dir())
    seen = ""
    for page in document.pages:
        box = page._page_box
        left, right = box.content_box_x(), box.content_box_x() + box.width
        for child in box.descendants():
            if isinstance(child, boxes.TextBox) and child.text.strip():
                seen += child.text
                assert left - 0.01 <= child.position_x, child.text
                assert child.position_x + child.width <= right + 0.01, child.text
    assert LONG[:20] in seen  # the header was laid out (and wrapped), not dropped
