"""Export is a real 台账: what import reads back is the case that went out."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from propertytriage import triage
from propertytriage.models import Case
from propertytriage.sheets import read_sheet, sources
from propertytriage.sheets.export import ExportRow, export_rows

STAGES = ["owners_committee", "community", "mediation_center", "court"]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cases.json"

words = st.text(alphabet=list("张李王某小区物业号楼单元室甲乙ABCxyz0123456789-=·（）/ "), min_size=1, max_size=14).map(
    str.strip).filter(bool)
prose = st.lists(words, min_size=1, max_size=3).map("\n".join)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2026, 6, 30))  # no filing or step in the future
births = st.dates(min_value=date(1900, 1, 1), max_value=date(1949, 12, 31))  # born before any filing
yuan = st.decimals(min_value=0, max_value=Decimal("999999999999999.99"), places=2)
ids = st.text(alphabet="0123456789", min_size=15, max_size=18) | st.text(alphabet="0123456789", min_size=17,
                                                                          max_size=17).map(lambda s: s + "X")
phones = st.text(alphabet="0123456789", min_size=7, max_size=12) | st.just("0477-5551234")


def optional(strategy):
    return st.none() | strategy


@st.composite
def owners(draw):
    owner = {"name": draw(optional(words)), "gender": draw(optional(st.sampled_from(["男", "女"]))),
             "born_on": draw(optional(births)), "id_number": draw(optional(ids)), "phone": draw(optional(phones)),
             "unit": draw(optional(words)), "area_sqm": draw(optional(st.sampled_from(["89.50", "120", "0.5"])))}
    # An owner with nothing known is a blank block of columns: a sheet cannot hold it (docs/sheets.md).
    owner = {k: v for k, v in owner.items() if v is not None}
    return owner or {"name": "张某"}


@st.composite
def sheet_cases(draw):
    has_committee = draw(st.booleans())
    stages = [s for s in STAGES if has_committee or s != "owners_committee"]
    chosen = [s for s in stages if draw(st.booleans())]
    attempts = []
    for stage in chosen:
        attempt = {"stage": stage, "outcome": draw(st.sampled_from(["resolved", "failed"]))}
        on = draw(optional(days))
        if on is not None:
            attempt["on"] = on
        attempts.append(attempt)
    case = {
        "case_id": draw(words), "filed_on": draw(days), "province": draw(st.sampled_from(["内蒙古自治区", "上海市"])),
        "dispute_type": draw(st.sampled_from(["fee_arrears", "service_quality", "parking", "neighbor"])),
        "claimant": draw(st.sampled_from(["property_company", "owner"])), "claim_amount": draw(yuan),
        "has_owners_committee": has_committee, "attempts": attempts,
        "company_score": draw(optional(st.decimals(min_value=0, max_value=100, places=2))),
        "contentious": draw(st.booleans()), "needs_appraisal": draw(st.booleans()),
        "owners": draw(st.lists(owners(), max_size=3)),
        "property_company": {"name": draw(optional(words)), "credit_code": draw(optional(ids))},
        "contract": {"kind": draw(optional(st.sampled_from(["物业服务合同", "前期物业服务合同"]))),
                     "signed_on": draw(optional(days)), "payment_method": draw(optional(prose))},
        "arrears": {"amount": draw(optional(yuan)), "late_fee_until_paid": draw(optional(st.booleans())),
                    "computation": draw(optional(prose))},
        "focus_points": [{"issue": issue, "agreed": draw(optional(st.booleans()))}
                         for issue in draw(st.lists(prose, max_size=2))],
        "facts": draw(optional(prose)),
    }
    return Case.model_validate(case)


@pytest.mark.parametrize(("suffix", "stream_above"), [(".xlsx", 1 << 40), (".xlsx", 0), (".csv", None)],
                         ids=["xlsx-loaded", "xlsx-streamed", "csv"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(sheet_cases(), min_size=1, max_size=4, unique_by=lambda c: c.case_id))  # a case per row
def test_export_then_import_changes_nothing(tmp_path, monkeypatch, suffix, stream_above, cases):
    """Both workbook readers: the streamed one takes the export's inline texts by a shortcut of its own."""
    if stream_above is not None:
        monkeypatch.setattr(sources, "STREAM_ABOVE_BYTES", stream_above)
    path = export_rows([ExportRow(c) for c in cases], tmp_path / f"ledger{suffix}", full=True)
    rows = list(read_sheet(path))
    assert [r.problems for r in rows] == [()] * len(cases)
    assert [r.case for r in rows] == cases


def _decided(case: dict) -> ExportRow:
    decision = triage(case).model_dump(mode="json")
    return ExportRow(case, decision, company_score="58.5", rectification="整改中",
                     next_deadline={"due_on": "2025-05-06", "title": "整改期限届满"})


def test_the_sample_cases_with_their_decisions(tmp_path):
    cases = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    path = export_rows([_decided(c) for c in cases], tmp_path / "ledger.xlsx")
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["案件编号", "登记日期"]
    assert header[-9:] == ["下一步", "审理程序", "等待事项", "应出具文书", "决定规则", "企业当前评分", "整改状态", "下一期限", "期限事项"]
    assert sheet.freeze_panes == "B2"
    assert sheet.max_row == len(cases) + 1
    column = {h: i for i, h in enumerate(header)}
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    for case, line in zip(cases, values, strict=True):
        decision = triage(case)
        assert line[column["案件编号"]] == case["case_id"]
        assert line[column["登记日期"]].date() == date.fromisoformat(case["filed_on"])  # a real date
        stage = {"court": "人民法院", "mediation_center": "调解中心调解", "closed": "已化解结案"}.get(decision.next_stage)
        if stage:
            assert line[column["下一步"]] == stage
        assert line[column["决定规则"]].split("；")[0] == decision.reasons[0].rule
        assert line[column["下一期限"]].date() == date(2025, 5, 6)
        assert line[column["企业当前评分"]] == 58.5
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths["A"] >= 12 and max(widths.values()) <= 60


def test_id_numbers_are_text_and_masked_unless_full(tmp_path):
    case = {"case_id": "K-1", "filed_on": "2025-04-02", "province": "上海市", "dispute_type": "parking",
            "claimant": "owner", "owners": [{"name": "张某", "id_number": "150602198005061234", "phone": "13800000000"}]}
    masked = load_workbook(export_rows([ExportRow(case)], tmp_path / "m.xlsx")).active
    full = load_workbook(export_rows([ExportRow(case)], tmp_path / "f.xlsx", full=True)).active
    header = [c.value for c in masked[1]]
    at = header.index("业主1身份证号") + 1
    assert masked.cell(row=2, column=at).value == "150602********1234"
    assert masked.cell(row=2, column=header.index("业主1电话") + 1).value == "138****0000"
    assert full.cell(row=2, column=at).value == "150602198005061234"
    assert full.cell(row=2, column=at).number_format == "@"
    (again,) = read_sheet(tmp_path / "m.xlsx")
    assert {p.code for p in again.problems} == {"masked_number"}  # a masked export never overwrites numbers


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    case = {"case_id": "=1+1", "filed_on": "2025-04-02", "province": "上海市", "dispute_type": "parking",
            "claimant": "owner"}
    sheet = load_workbook(export_rows([ExportRow(case)], tmp_path / "f.xlsx")).active
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"


def test_streamed_export_with_given_slots(tmp_path):
    cases = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    path = export_rows((_decided(c) for c in cases), tmp_path / "s.csv", slots={"owners": 1})
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "业主1姓名" in header and "业主2姓名" not in header


def test_csv_text_a_spreadsheet_would_run_is_written_inert(tmp_path):
    case = {"case_id": "K-1", "filed_on": "2025-04-02", "province": "上海市", "dispute_type": "parking",
            "claimant": "owner", "owners": [{"name": "=HYPERLINK(\"http://x\")", "unit": "+1", "phone": "@SUM(A1)"}],
            "facts": "-2+3"}
    text = export_rows([ExportRow(case)], tmp_path / "f.csv", full=True).read_text(encoding="utf-8-sig")
    for value in ('=HYPERLINK(""http://x"")', "+1", "@SUM(A1)", "-2+3"):
        assert f"'{value}" in text, value


def test_a_date_excel_cannot_hold_is_written_as_text(tmp_path):
    case = {"case_id": "K-1", "filed_on": "2025-04-02", "province": "上海市", "dispute_type": "parking",
            "claimant": "owner", "owners": [{"name": "张某", "born_on": "1899-12-31"}]}
    sheet = load_workbook(export_rows([ExportRow(case)], tmp_path / "d.xlsx")).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("业主1出生日期") + 1).value == "1899-12-31"
    assert sheet.cell(row=2, column=header.index("登记日期") + 1).value.date() == date(2025, 4, 2)
