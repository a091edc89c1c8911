"""The four forms: they render for a full and a minimal case, print what the case knows, leave
blanks for the rest, escape hostile input, and come out as A4 PDFs."""

from __future__ import annotations

import copy
import io
import os
import re
import stat
from pathlib import Path
from typing import Any

import jinja2
import pytest
from pypdf import PdfReader

import propertytriage
from propertytriage.errors import InputError
from propertytriage.rendering import (
    FORM_IDS,
    BatchJob,
    form_context,
    render_batch,
    render_form,
    render_html,
    write_forms,
)
from propertytriage.rendering.templates import environment
from propertytriage.scoring import rubric_items

try:
    from .pdfglyphs import pdf_text
except ImportError:  # run as a top-level module
    from pdfglyphs import pdf_text  # type: ignore[no-redef]

FULL: dict[str, Any] = {
    "case_id": "NMG-2025-0042",
    "filed_on": "2025-03-12",
    "province": "内蒙古自治区",
    "dispute_type": "fee_arrears",
    "claimant": "property_company",
    "claim_amount": "5236.80",
    "attempts": [
        {"stage": "owners_committee", "outcome": "failed", "on": "2024-11-02"},
        {"stage": "community", "outcome": "failed", "on": "2024-12-10"},
        {"stage": "mediation_center", "outcome": "failed", "on": "2025-02-20"},
    ],
    "company_score": "72.5",
    "property_company": {
        "name": "呼和浩特市青城物业服务有限公司", "credit_code": "91150100MA0N1234XY",
        "address": "呼和浩特市赛罕区大学东街18号", "legal_representative": "王建国",
        "phone": "0471-5551234",
    },
    "owners": [{
        "name": "李淑珍", "gender": "女", "born_on": "1968-05-21", "ethnicity": "蒙古族",
        "id_number": "150102196805210028", "address": "呼和浩特市赛罕区锦绣苑3号楼2单元501室",
        "phone": "13904710000", "unit": "锦绣苑3号楼2单元501室", "area_sqm": "98.36",
    }],
    "estate": {
        "name": "锦绣苑小区", "address": "呼和浩特市赛罕区丰州路66号", "street": "昭乌达路街道",
        "community": "锦绣社区", "owners_committee": "锦绣苑小区业主委员会",
    },
    "contract": {
        "kind": "前期物业服务合同", "signed_on": "2019-06-01", "term_from": "2019-07-01",
        "term_to": "2024-06-30", "fee_standard": "1.20元/平方米·月",
        "payment_method": "按年预交，每年1月31日前交清", "late_fee_terms": "按日万分之五支付违约金",
    },
    "arrears": {
        "period_from": "2021-01-01", "period_to": "2024-06-30", "amount": "4957.34",
        "computation": "98.36平方米×1.20元×42个月", "late_fee": "279.46",
        "late_fee_computation": "按日万分之五计算", "late_fee_until_paid": True,
        "demands": "2023年3月、2024年1月两次书面催缴",
    },
    "focus_points": [
        {"issue": "电梯维修是否及时", "claimant_position": "已按约维修",
         "respondent_position": "停运累计41天", "evidence": "维修记录", "agreed": False},
    ],
    "venue": {"court": "呼和浩特市赛罕区人民法院", "mediation_center": "赛罕区物业纠纷调解中心",
              "administration": "赛罕区住房和城乡建设局"},
    "facts": "被告自2021年起未交纳物业费。",
}
MINIMAL: dict[str, Any] = {
    "case_id": "M-1", "filed_on": "2025-01-02", "province": "内蒙古自治区",
    "dispute_type": "fee_arrears", "claimant": "property_company",
}


def _sheets(fraction: str) -> dict[str, Any]:
    """Four evaluators' sheets giving every rubric item the same share of its maximum."""
    from decimal import Decimal

    from propertytriage.scoring import rubric_items

    share = Decimal(fraction)
    items = {str(i["id"]): str(Decimal(str(i["max_points"])) * share) for i in rubric_items()}
    evaluators = ["mediation_center", "housing_center", "owners_committee", "community"]
    return {"company": {"name": "呼和浩特市青城物业服务有限公司"}, "evaluated_on": "2025-02-15",
            "evaluations": [{"evaluator": e, "items": items} for e in evaluators]}


@pytest.fixture(scope="module")
def full_pdfs() -> dict[str, bytes]:
    return {form_id: render_form(form_id, FULL) for form_id in FORM_IDS}


@pytest.mark.parametrize("form_id", FORM_IDS)
@pytest.mark.parametrize("case", [FULL, MINIMAL], ids=["full", "minimal"])
def test_every_form_renders_html(form_id: str, case: dict[str, Any]) -> None:
    html = render_html(form_id, case)
    assert html.startswith("<!DOCTYPE html>")
    assert form_context(form_id, case)["title"] in html
    assert "None" not in html  # an unknown value is a blank line, never the word None
    assert 'class="blank"' in html  # page signatures/dates are always left to fill by hand


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_minimal_case_renders_pdf_with_blank_header(form_id: str) -> None:
    pdf = render_form(form_id, MINIMAL)
    assert pdf.startswith(b"%PDF")
    html = render_html(form_id, MINIMAL)
    header = html.split('<header class="issuer">', 1)[1].split("</header>", 1)[0]
    assert 'class="blank"' in header  # no venue: the issuer is a blank line


def test_pdf_text_contains_filled_values(full_pdfs: dict[str, bytes]) -> None:
    text = re.sub(r"\s+", "", pdf_text(full_pdfs["inquiry_form"]))
    for value in ["呼和浩特市赛罕区人民法院", "呼和浩特市青城物业服务有限公司", "李淑珍",
                  "150102196805210028", "4,957.34", "279.46", "5,236.80", "2024年6月30日",
                  "1.20元/平方米·月", "锦绣苑3号楼2单元501室", "98.36",
                  "物业服务合同纠纷案件审判要素式询问表"]:
        assert value in text, value
    focus = re.sub(r"\s+", "", pdf_text(full_pdfs["focus_table"]))
    assert "电梯维修是否及时" in focus and "赛罕区物业纠纷调解中心" in focus and "72.5" in focus


def test_first_page_is_a4(full_pdfs: dict[str, bytes]) -> None:
    for pdf in full_pdfs.values():
        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        assert float(box.width) == pytest.approx(595.28, abs=0.5)  # 210 mm
        assert float(box.height) == pytest.approx(841.89, abs=0.5)  # 297 mm


def test_pages_are_numbered(full_pdfs: dict[str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(full_pdfs["inquiry_form"]))
    last = len(reader.pages)
    assert last >= 2
    assert f"第{last}页共{last}页" in re.sub(r"\s+", "", reader.pages[-1].extract_text())


HOSTILE = ['<img src="http://example.com/x">', "{{ 7*7 }}", "{% include 'forms.css' %}"]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_hostile_names_print_literally(form_id: str) -> None:
    case = copy.deepcopy(FULL)
    case["owners"][0]["name"] = HOSTILE[0]
    case["property_company"]["name"] = HOSTILE[1]
    case["estate"]["name"] = HOSTILE[2]
    html = render_html(form_id, case)
    assert "<img" not in html
    if form_id in ("inquiry_form", "focus_table"):  # the forms that name the owner
        assert "&lt;img src=&#34;http://example.com/x&#34;&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html
    assert "{% include &#39;forms.css&#39; %}" in html


def test_hostile_name_in_pdf_is_text_not_fetched() -> None:
    case = copy.deepcopy(FULL)
    case["owners"][0]["name"] = HOSTILE[0]
    case["property_company"]["name"] = HOSTILE[1]
    text = re.sub(r"\s+", "", pdf_text(render_form("inquiry_form", case)))
    assert "{{7*7}}" in text and "example.com/x" in text


def test_checked_boxes_follow_the_case() -> None:
    ctx_html = render_html("inquiry_form", FULL)
    assert 'class="cb on"' in ctx_html  # 女, 前期物业服务合同, until paid
    assert 'class="cb on"' not in render_html("inquiry_form", MINIMAL)


# The element labels of the 2025 model complaint for property-service disputes (法〔2025〕82号),
# in their order; see docs/forms.md for the sources and what is not verified.
MODEL_ELEMENTS = [
    "一、诉讼请求", "物业费", "违约金", "是否主张诉讼费用", "其他请求", "标的总额",
    "二、约定管辖和诉前保全", "有无仲裁、法院管辖约定", "是否已经诉前保全",
    "三、事实与理由", "物业服务合同或前期物业服务合同签订情况（名称、编号、签订时间、地点等）",
    "签订主体", "物业项目情况", "约定的物业费标准", "约定的物业服务期限", "约定的物业费支付方式",
    "约定的逾期支付物业费违约金标准", "被告欠付物业费数额及计算方式",
    "被告应付违约金数额及计算方式", "催缴情况", "其他需要说明的内容（可另附页）",
    "请求依据 / 答辩依据", "证据清单（可另附页）",
    "四、对纠纷解决方式的意愿", "是否考虑先行调解",
]


def _element_labels(html: str) -> list[str]:
    table = html.split('<table class="grid elements">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<tr(?: class="section"[^>]*)?><td(?: colspan="4")?>([^<]*)</td>'
                       r'(?:<td>([^<]*)</td>)?', re.sub(r"\s*\n\s*", "", table))
    return [label or first for first, label in cells]


def test_inquiry_form_follows_the_model_element_order() -> None:
    labels = _element_labels(render_html("inquiry_form", MINIMAL))
    positions = [labels.index(label) for label in MODEL_ELEMENTS]
    assert positions == sorted(positions)
    assert "四、被告答辩要素" not in labels  # owner defences live in the answer column now


def test_inquiry_form_uses_the_model_wording_and_fills_the_case() -> None:
    text = re.sub(r"\s+", "", pdf_text(render_form("inquiry_form", FULL)))
    for phrase in ["截至2024年6月30日止，尚欠物业费4,957.34元", "欠逾期物业费的违约金279.46元",
                   "是否请求支付至实际清偿之日止", "合同条款及内容", "保全案号",
                   "坐落位置：呼和浩特市赛罕区丰州路66号锦绣苑小区锦绣苑3号楼2单元501室",
                   "所有权人：李淑珍", "业主/建设单位：建设单位", "物业服务人：呼和浩特市青城物业服务有限公司",
                   "欠付物业费数额：4,957.34元", "具体计算方式：98.36平方米×1.20元×42个月",
                   "应付违约金数额：279.46元", "暂不确定，想要了解更多内容"]:
        assert phrase in text, phrase


def test_inquiry_form_answer_column_holds_the_owner_defences() -> None:
    html = render_html("inquiry_form", MINIMAL)
    row = html.split("其他需要说明的内容（可另附页）</td>", 1)[1].split("</tr>", 1)[0]
    assert "物业服务是否符合约定或者法定标准" in row and "是否存在违规收费" in row
    basis = html.split("请求依据 / 答辩依据</td>", 1)[1].split("</tr>", 1)[0]
    assert basis.count("合同约定") == 2 and basis.count("法律规定") == 2
    # every claim and fact the answer model asks about gets 无□ 有□ and a reasons line
    assert html.count('<div class="objection">无') == 5 + 2 + 10


def test_inquiry_form_signatories_follow_the_contract_kind() -> None:
    case = copy.deepcopy(FULL)
    case["contract"]["kind"] = "物业服务合同"
    text = re.sub(r"\s+", "", pdf_text(render_form("inquiry_form", case)))
    assert "业主/建设单位：业主（由锦绣苑小区业主委员会签订）" in text
    assert form_context("inquiry_form", MINIMAL)["location"] is None


def test_focus_table_has_blank_rows_when_no_points() -> None:
    assert form_context("focus_table", MINIMAL)["blank_rows"] == 5
    assert render_html("focus_table", MINIMAL).count('class="blank-row"') == 5
    assert form_context("focus_table", FULL)["rows"][0]["issue"] == "电梯维修是否及时"


@pytest.mark.parametrize(("kwargs", "where"), [
    ({"form_id": "complaint"}, "form_id"),
    ({"form_id": "scorecard", "format": "docx"}, "format"),
])
def test_unknown_form_or_format_is_an_input_error(kwargs: dict[str, str], where: str) -> None:
    form_id = kwargs.pop("form_id")
    with pytest.raises(InputError) as caught:
        render_form(form_id, FULL, **kwargs)
    problem = caught.value.problems[0]
    assert problem.location == where
    assert problem.zh and problem.en


def test_invalid_case_names_the_field() -> None:
    with pytest.raises(InputError) as caught:
        render_form("focus_table", {**MINIMAL, "claimant": "tenant"})
    assert caught.value.problems[0].location == "claimant"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_html_format_is_the_document_as_utf8_with_its_stylesheet(form_id: str) -> None:
    """SPEC §2.5 and docs/forms.md: bytes, the HTML as UTF-8, stylesheet inlined, nothing linked."""
    data = propertytriage.render_form(form_id, FULL, format="html")
    assert isinstance(data, bytes)
    text = data.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert text == render_html(form_id, FULL)
    assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    assert "呼和浩特市青城物业服务有限公司".encode() in data  # raw UTF-8, not entities
    style = text.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@page" in style and "break-inside: avoid" in style  # the stylesheet itself
    assert "<link" not in text and "http" not in text.split("<body", 1)[1]
    from propertytriage.rendering.forms import html_to_pdf

    pdf = render_form(form_id, FULL)
    assert len(PdfReader(io.BytesIO(html_to_pdf(text))).pages) == len(PdfReader(io.BytesIO(pdf)).pages)


def test_templates_refuse_undefined_names() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ no_such_value }}").render()
    with pytest.raises(jinja2.TemplateNotFound):
        environment().get_template("../pyproject.toml")


def test_rectification_notice_leaves_a_passing_score_blank() -> None:
    assert form_context("rectification_notice", FULL)["score"] is None  # 72.5 is not below 60
    low = {**MINIMAL, "company_score": "48"}
    assert form_context("rectification_notice", low)["score"] == "48"
    assert form_context("rectification_notice", low)["deadline"] is None


def test_scorecard_and_notice_use_the_scoring_result() -> None:
    sheets = _sheets("0.5")
    grid = form_context("scorecard", MINIMAL, sheets)
    from propertytriage.scoring import rubric_items

    assert len(grid["rows"]) == len(rubric_items()) and grid["max_total"] == "100"
    assert grid["total"] == "50" and grid["below_pass"] is True
    assert all(p == grid["rows"][0]["points"][0] for p in grid["rows"][0]["points"])
    notice = form_context("rectification_notice", MINIMAL, sheets)
    assert notice["score"] == "50" and notice["items"]
    text = re.sub(r"\s+", "", pdf_text(render_form("rectification_notice", MINIMAL,
                                                      scorecard=sheets)))
    assert notice["items"][0]["title"].replace(" ", "") in text


def test_blank_scorecard_without_sheets() -> None:
    grid = form_context("scorecard", MINIMAL)
    assert grid["total"] is None and grid["evaluated_on"] is None
    assert all(p is None for row in grid["rows"] for p in row["points"])
    assert len(grid["rows"]) == len(rubric_items())  # the rubric's rows, blank


def test_write_forms_writes_safe_names(tmp_path: Path) -> None:
    case = {**MINIMAL, "case_id": "A/B 2025"}
    paths = write_forms(case, ["focus_table", "scorecard"], tmp_path, html=True)
    assert [p.name for p in paths] == ["A_B_2025-focus_table.html", "A_B_2025-scorecard.html"]
    assert all(p.parent == tmp_path for p in paths)
    with pytest.raises(InputError):
        write_forms(case, ["focus_table", "nope"], tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_forms_on_disk_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    """The inquiry form prints ID and phone numbers in full: under the usual umask 022 it would
    otherwise be readable by every account on the office's machine."""
    old = os.umask(0o022)
    try:
        one = write_forms(FULL, ["inquiry_form"], tmp_path / "one", html=True)
        batch = render_batch([BatchJob(FULL, ["inquiry_form", "focus_table"], tmp_path / "batch", html=True)],
                             processes=1, progress=False)
    finally:
        os.umask(old)
    for path in [*one, *batch]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert FULL["owners"][0]["id_number"] in one[0].read_text(encoding="utf-8")


def test_render_batch_writes_in_job_order(tmp_path: Path) -> None:
    jobs = [(MINIMAL, ["focus_table"], tmp_path / "a"),
            BatchJob(FULL, ["scorecard", "inquiry_form"], tmp_path / "b", html=True)]
    paths = render_batch(jobs, processes=1, progress=False)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "a/M-1-focus_table.pdf", "b/NMG-2025-0042-scorecard.html",
        "b/NMG-2025-0042-inquiry_form.html"]
    assert paths[0].read_bytes().startswith(b"%PDF")


def test_render_batch_checks_every_job_first(tmp_path: Path) -> None:
    jobs = [(MINIMAL, ["focus_table"], tmp_path / "a"), ({"case_id": "x"}, ["scorecard"], tmp_path)]
    with pytest.raises(InputError) as caught:
        render_batch(jobs, processes=2, progress=False)
    assert caught.value.subject == "jobs[1]"
    assert not (tmp_path / "a").exists()


def test_render_batch_on_two_processes(tmp_path: Path) -> None:
    stream = io.StringIO()
    paths = render_batch([BatchJob(MINIMAL, FORM_IDS, tmp_path)], processes=2, stream=stream)
    assert [p.name for p in paths] == [f"M-1-{f}.pdf" for f in FORM_IDS]
    assert all(p.read_bytes().startswith(b"%PDF") for p in paths)
    assert "forms: 4/4" in stream.getvalue()
