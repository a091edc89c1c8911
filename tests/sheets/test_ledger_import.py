"""``import`` of a 台账 into the ledger, beside JSON, with ``--errors``; ``export`` back out (SPEC §3, §4)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from propertytriage.cli.main import main
from propertytriage.sheets.refused import ERRORS_HEADER
from propertytriage.sheets.styles import BAD_FILL
from tests.sheets.books import GOOD, HEADER, csv_file, good_row, workbook
from tests.sheets.test_export import sheet_cases


def _show(db, case_id, capsys):
    assert main(["show", case_id, "--db", db]) == 0
    return json.loads(capsys.readouterr().out)


def _events(path):
    with sqlite3.connect(path) as connection:
        return connection.execute("select count(*) from events").fetchone()[0]


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.mark.usefixtures("workbook_engine")
def test_bad_rows_refused_cell_by_cell_good_rows_recorded_errors_written(tmp_path, db, capsys):
    rows = [HEADER, good_row("K-1"), good_row("K-2", c1="2025-02-30", c5="三千元"),
            good_row("K-3", c10=150602198005061234), good_row("K-4", c3="打架斗殴")]
    source = workbook(tmp_path / "台账.xlsx", rows, title="某某街道物业纠纷台账（2025年）")
    errors = tmp_path / "改正.xlsx"
    assert main(["import", str(source), "--errors", str(errors), "--db", db]) == 2
    out, err = capsys.readouterr()
    assert "新立 1" in out and "拒收 3" in out and "refused 3" in out
    lines = err.splitlines()
    # sheet, column letter and row, header, Chinese and English, code
    assert any("台账!B4「登记日期」" in line and "日历" in line and "calendar date" in line for line in lines)
    assert any("台账!F4「标的额（元）」" in line and "not a number" in line for line in lines)
    hint = next(line for line in lines if "台账!K5「业主1身份证号」" in line)
    assert "文本" in hint and "format the column as Text" in hint and "[number_not_text]" in hint
    assert any("台账!D6「纠纷类型」" in line and "[not_allowed]" in line for line in lines)
    assert _show(db, "K-1", capsys)["case"]["owners"][0]["id_number"] == "150602198005061234"
    assert main(["show", "K-2", "--db", db]) == 2  # nothing of a refused row is recorded
    capsys.readouterr()

    assert _mode(errors) == 0o600  # the rows as typed: names and ID numbers
    sheet = load_workbook(errors).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [*HEADER, ERRORS_HEADER]
    assert [v[0] for v in values[1:]] == ["K-2", "K-3", "K-4"]
    marked = {c.coordinate for row in sheet.iter_rows() for c in row if c.fill == BAD_FILL}
    assert marked == {"B2", "F2", "K3", "D4"}
    assert values[1][-1].startswith("原第4行")

    # the clerk fixes the original sheet and imports all of it again: only the fixed rows are recorded
    fixed = [HEADER, good_row("K-1"), good_row("K-2", c1="2025-02-28", c5="3,000元"),
             good_row("K-3", c10="150602198005061234"), good_row("K-4", c3="打架斗殴")]
    workbook(source, fixed, title="某某街道物业纠纷台账（2025年）")
    before = _events(tmp_path / "ledger.db")
    assert main(["import", str(source), "--db", db]) == 2  # K-4 is still wrong
    out = capsys.readouterr().out
    assert "新立 2" in out and "未变 1" in out and "拒收 1" in out
    assert _events(tmp_path / "ledger.db") == before + 2
    assert _show(db, "K-2", capsys)["case"]["claim_amount"] == "3000"


def test_the_errors_file_fixed_and_imported_as_it_is(tmp_path, db, capsys):
    source = workbook(tmp_path / "in.xlsx", [HEADER, good_row("K-1"), good_row("K-2", c1="下周一")])
    assert main(["import", str(source), "--errors", str(tmp_path / "e.xlsx"), "--db", db]) == 2
    book = load_workbook(tmp_path / "e.xlsx")
    book.active["B2"] = datetime(2025, 4, 7)
    book.save(tmp_path / "e.xlsx")
    capsys.readouterr()
    assert main(["import", str(tmp_path / "e.xlsx"), "--db", db]) == 0
    assert "新立 1" in capsys.readouterr().out
    assert _show(db, "K-2", capsys)["case"]["filed_on"] == "2025-04-07"


def test_rows_the_ledger_refuses_go_to_the_errors_file_too(tmp_path, db, capsys):
    """A row that reads well but that triage cannot decide: at court, a province without wage figures."""
    at_court = good_row("K-9", c2="火星省")
    header = [*HEADER, "街道社区协调结果", "调解中心调解结果", "诉前调解结果"]
    source = workbook(tmp_path / "in.xlsx", [header, [*GOOD, "未成功", "未成功", "未成功"], [*at_court, "未成功", "未成功", "未成功"]])
    assert main(["import", str(source), "--errors", str(tmp_path / "e.xlsx"), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "第3行" in err and "火星省" in err
    values = list(load_workbook(tmp_path / "e.xlsx").active.iter_rows(values_only=True))
    assert [v[0] for v in values[1:]] == ["K-9"] and "火星省" in values[1][-1]


def test_json_lines_and_sheets_in_one_import(tmp_path, db, capsys):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"case_id": "J-1", "filed_on": "2025-04-02", "province": "上海市",
                                 "dispute_type": "parking", "claimant": "owner"}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    book = workbook(tmp_path / "b.xlsx", [HEADER, good_row("X-1")])
    gbk = csv_file(tmp_path / "c.csv", [HEADER, good_row("C-1", c8="某某物业服务有限公司　")], encoding="gbk")
    assert main(["import", str(jsonl), str(book), str(gbk), "--db", db]) == 0
    assert "新立 3" in capsys.readouterr().out
    assert _show(db, "C-1", capsys)["case"]["property_company"]["name"] == "某某物业服务有限公司"


def test_a_file_that_cannot_be_read_is_refused_and_the_others_recorded(tmp_path, db, capsys):
    book = workbook(tmp_path / "b.xlsx", [HEADER, good_row("X-1")])
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    assert main(["import", str(tmp_path / "broken.xlsx"), str(book), "--db", db]) == 2
    out, err = capsys.readouterr()
    assert "新立 1" in out and "broken.xlsx" in err


def test_a_named_sheet(tmp_path, db, capsys):
    path = workbook(tmp_path / "b.xlsx", [HEADER, good_row("X-1")], sheet="2025年")
    book = load_workbook(path)
    book.create_sheet("说明", 0)["A1"] = "本台账由某某街道填写"
    book.save(path)
    assert main(["import", str(path), "--sheet", "2025年", "--db", db]) == 0
    assert main(["import", str(path), "--sheet", "2024年", "--db", db]) == 2
    assert "2024年" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["--errors", "e.csv"], ".xlsx"),
    (["second.xlsx", "--errors", "e.xlsx"], "exactly one"),
])
def test_errors_option_faults(tmp_path, db, capsys, monkeypatch, argv, message):
    workbook(tmp_path / "first.xlsx", [HEADER, good_row("X-1")])
    shutil.copy(tmp_path / "first.xlsx", tmp_path / "second.xlsx")
    monkeypatch.chdir(tmp_path)
    assert main(["import", "first.xlsx", *argv, "--db", db]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "ledger.db").exists() or _events(tmp_path / "ledger.db") == 0


def test_export_is_a_real_ledger_sheet(tmp_path, db, capsys):
    examples = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "cases.json")
    typed = workbook(tmp_path / "in.xlsx", [HEADER, good_row("ZZ-1")])  # with an owner's ID and phone
    assert main(["import", examples, str(typed), "--db", db]) == 0
    out = tmp_path / "台账.xlsx"
    assert main(["export", "--out", str(out), "--db", db]) == 0
    assert _mode(out) == 0o600
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["案件编号", "登记日期", "省份"]
    assert {"下一步", "审理程序", "等待事项", "应出具文书", "决定规则", "企业当前评分", "整改状态", "下一期限"} <= set(header)
    assert sheet.freeze_panes == "B2"
    assert all(sheet.column_dimensions[c].width >= 8 for c in ("A", "B", "C"))
    column = {h: i for i, h in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=2))
    with open(examples, encoding="utf-8") as handle:
        cases = json.load(handle)
    assert len(rows) == len(cases) + 1
    filed = rows[0][column["登记日期"]]
    assert filed.is_date and isinstance(filed.value, datetime)
    ids = [r[column["业主1身份证号"]] for r in rows if r[column["业主1身份证号"]].value]
    assert ids and all(c.data_type == "s" and "*" in c.value for c in ids)  # text, masked
    stages = {r[column["下一步"]].value for r in rows}
    assert stages <= {"业委会协商", "街道社区协调", "调解中心调解", "人民法院", "已化解结案", "不属于物业纠纷"}
    assert any(r[column["下一期限"]].is_date for r in rows)

    full = tmp_path / "full.xlsx"
    assert main(["export", "--out", str(full), "--full", "--db", db]) == 0
    ids = [r[column["业主1身份证号"]].value for r in load_workbook(full).active.iter_rows(min_row=2)]
    assert any(v and "*" not in v for v in ids)


def test_export_then_import_of_the_sample_ledger_changes_nothing(tmp_path, db, capsys):
    examples = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "cases.json")
    assert main(["import", examples, "--db", db]) == 0
    for suffix in (".xlsx", ".csv"):
        assert main(["export", "--out", str(tmp_path / f"all{suffix}"), "--full", "--db", db]) == 0
    before = _events(tmp_path / "ledger.db")
    capsys.readouterr()
    assert main(["import", str(tmp_path / "all.xlsx"), str(tmp_path / "all.csv"), "--db", db]) == 0
    assert "新立 0，变更 0" in capsys.readouterr().out
    assert _events(tmp_path / "ledger.db") == before


def test_export_refuses_other_file_names(tmp_path, db, capsys):
    assert main(["export", "--out", str(tmp_path / "x.pdf"), "--db", db]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_template_keeps_the_usual_permissions(tmp_path):
    from propertytriage.outputs import file_mode

    assert main(["template", str(tmp_path / "t.xlsx")]) == 0
    assert _mode(tmp_path / "t.xlsx") == file_mode()


def test_dates_typed_every_way_clerks_type_them(tmp_path, db, capsys):
    typed = ["2025-04-02", "2025/4/2", "2025.4.2", "2025年4月2日", date(2025, 4, 2), 45749, "２０２５－０４－０２"]
    rows = [HEADER] + [good_row(f"D-{i}", c1=value) for i, value in enumerate(typed)]
    assert main(["import", str(workbook(tmp_path / "d.xlsx", rows)), "--db", db]) == 0
    assert "新立 7" in capsys.readouterr().out
    assert {_show(db, f"D-{i}", capsys)["case"]["filed_on"] for i in range(len(typed))} == {"2025-04-02"}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(sheet_cases(), min_size=1, max_size=4, unique_by=lambda c: c.case_id))
def test_export_then_import_changes_nothing_in_the_ledger(tmp_path_factory, suffix, cases):
    """Whatever cases the ledger holds, its full export imported again records nothing."""
    from propertytriage.ledger import Ledger
    from propertytriage.ledger.documents import Document

    folder = tmp_path_factory.mktemp("roundtrip")
    url = f"sqlite:///{folder / 'ledger.db'}"
    with Ledger(url) as ledger:
        first = ledger.import_documents(Document(f"gen [{i}]", c.model_dump(mode="json", exclude_none=True))
                                        for i, c in enumerate(cases))
    assume(not first.refused)  # a case the ledger itself refuses (its company's record) is not exported
    out = folder / f"ledger{suffix}"
    assert main(["export", "--out", str(out), "--full", "--db", url]) == 0
    before = _events(folder / "ledger.db")
    assert main(["import", str(out), "--db", url]) == 0
    assert _events(folder / "ledger.db") == before


def test_text_a_spreadsheet_would_run_as_a_formula_is_exported_inert_and_reads_back(tmp_path, db, capsys):
    """A 台账 is opened by double-click: a company named ``=HYPERLINK(…)`` must stay text in Excel."""
    import csv

    hostile = {"company": '=HYPERLINK("http://example.invalid","点我")', "owner": "@SUM(1+1)", "estate": "-2+3",
               "phone": "+8613912345678"}
    case = {"case_id": "F-1", "filed_on": "2025-03-01", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
            "claimant": "property_company", "claim_amount": "100",
            "property_company": {"name": hostile["company"]}, "estate": {"name": hostile["estate"]},
            "owners": [{"name": hostile["owner"], "phone": hostile["phone"]}]}
    source = tmp_path / "f.json"
    source.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(source), "--db", db]) == 0
    for suffix in (".csv", ".xlsx"):
        assert main(["export", "--out", str(tmp_path / f"f{suffix}"), "--full", "--db", db]) == 0
    with open(tmp_path / "f.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    for value in hostile.values():
        assert "'" + value in cells, value
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    book = load_workbook(tmp_path / "f.xlsx")
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)
    before = _events(tmp_path / "ledger.db")
    capsys.readouterr()
    assert main(["import", str(tmp_path / "f.csv"), str(tmp_path / "f.xlsx"), "--db", db]) == 0
    assert "新立 0，变更 0" in capsys.readouterr().out
    assert _events(tmp_path / "ledger.db") == before
    shown = _show(db, "F-1", capsys)["case"]
    assert shown["property_company"]["name"] == hostile["company"]
    assert shown["owners"][0] == {"name": hostile["owner"], "phone": hostile["phone"]}


def test_a_case_twice_in_one_sheet_is_refused_on_its_second_row(tmp_path, db, capsys):
    """Two rows of one case would otherwise be two snapshots, the later silently winning."""
    sheet = tmp_path / "dup.csv"
    sheet.write_text("case_id,filed_on,province,dispute_type,claimant,claim_amount\n"
                     "D-1,2025-03-01,内蒙古自治区,fee_arrears,property_company,100\n"
                     "D-2,2025-03-01,内蒙古自治区,fee_arrears,property_company,150\n"
                     "D-1,2025-03-01,内蒙古自治区,fee_arrears,property_company,200\n", encoding="utf-8")
    errors = tmp_path / "errors.xlsx"
    assert main(["import", str(sheet), "--errors", str(errors), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "第4行" in err and "第 2 行" in err and "duplicate_case_id" in err
    assert "dup.csv!A4「case_id」" in err  # sheet, column letter, row and header, as every refusal names its cell
    assert _show(db, "D-1", capsys)["case"]["claim_amount"] == "100"
    rows = list(load_workbook(errors).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["D-1"] and "第 2 行" in str(rows[1][-1])
    assert load_workbook(errors).active["A2"].fill == BAD_FILL
    assert _events(tmp_path / "ledger.db") == 2


def test_a_sheet_naming_companies_by_name_alone_joins_their_coded_records_or_is_refused_at_that_cell(
        tmp_path, db, capsys):
    """A 台账 without a credit-code column: a name that one coded record carries joins it (with its score);
    a name that two carry is refused at the name's cell, asking for the code, and the rest recorded."""
    def case(case_id, name, code):
        return {"case_id": case_id, "filed_on": "2025-03-01", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
                "claimant": "property_company", "company_score": "52",
                "property_company": {"name": name, "credit_code": code}}

    coded = tmp_path / "coded.json"
    coded.write_text(json.dumps([case("J-1", "某某物业服务有限公司", "91150602MA0N0AAAA1"),
                                 case("J-2", "两家物业服务有限公司", "91150602MA0N0BBBB2"),
                                 case("J-3", "两家物业服务有限公司", "91150602MA0N0CCCC3")], ensure_ascii=False),
                     encoding="utf-8")
    assert main(["import", str(coded), "--db", db]) == 0
    rows = [HEADER, good_row("S-1"), good_row("S-2", c8="两家物业服务有限公司")]
    sheet = csv_file(tmp_path / "names.csv", rows, encoding="utf-8")
    capsys.readouterr()
    errors = tmp_path / "改正.xlsx"
    assert main(["import", str(sheet), "--errors", str(errors), "--db", db]) == 2
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "[company_name_ambiguous]" in line)
    assert "names.csv 第3行 S-2: property_company.name" in line
    assert "统一社会信用代码" in line and "property_company.credit_code" in line and "91150602MA0N0CCCC3" in line
    returned = load_workbook(errors).active
    assert [c.coordinate for row in returned.iter_rows() for c in row if c.fill == BAD_FILL] == ["I2"]
    assert "统一社会信用代码" in list(returned.iter_rows(values_only=True))[1][-1]
    joined = _show(db, "S-1", capsys)
    assert joined["case"]["company_score"] == "52"  # the coded record's score, not "awaiting a score"
    assert joined["events"][0]["company"]["key"] == "credit:91150602MA0N0AAAA1"
    assert main(["show", "S-2", "--db", db]) == 2
