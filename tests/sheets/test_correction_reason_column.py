"""The 更正原因 column: a row's reason for correcting its case, read beside the case and never into it,
offered by the template with its explanation, left out of an export."""

from __future__ import annotations

import json
import sqlite3

import pytest
from openpyxl import load_workbook

from propertytriage.cli.main import main
from propertytriage.ruledata.corrections import ledger_parameters
from propertytriage.sheets import read_sheet
from propertytriage.sheets.template import GUIDE, SHEET, write_template
from tests.sheets.books import HEADER, csv_file, good_row, workbook

LIMIT = ledger_parameters().correction_reason_max_length


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'ledger.db'}"


def _show(db, case_id, capsys):
    capsys.readouterr()
    assert main(["show", case_id, "--db", db]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_template_offers_the_column_and_explains_it(tmp_path):
    path = write_template(tmp_path / "template.xlsx")
    book = load_workbook(path)
    header = [c.value for c in book[SHEET][1]]
    assert header[-1] == "更正原因"
    guide = {r[0]: r for r in book[GUIDE].iter_rows(min_row=2, values_only=True)}
    assert guide["更正原因"][1] == "correction_reason" and guide["更正原因"][2] != "是"
    assert "为什么更正" in guide["更正原因"][3] and "不改变案件内容" in guide["更正原因"][3]


def test_a_rows_reason_is_read_beside_its_case(tmp_path):
    rows = [[*HEADER, "更正原因"], [*good_row("K-1"), "  业主提交缴费凭证  "], [*good_row("K-2"), None],
            [*good_row("K-3"), "   "]]
    first, second, third = read_sheet(workbook(tmp_path / "t.xlsx", rows))
    assert first.problems == () and first.document["correction_reason"] == "业主提交缴费凭证"
    assert first.case is not None and "correction_reason" not in first.case.model_dump()
    assert "correction_reason" not in second.document  # a blank cell is no reason (SPEC §4: absent)
    assert "correction_reason" not in third.document


def test_a_bad_reason_is_named_at_its_cell_and_the_other_rows_recorded(tmp_path, db, capsys):
    rows = [[*HEADER, "更正原因"], good_row("K-1"), good_row("K-2")]
    assert main(["import", str(workbook(tmp_path / "a.xlsx", rows)), "--db", db]) == 0
    corrected = [["更正原因", *HEADER], ["核对欠费明细", *good_row("K-1", c5="4000.00")],
                 ["长" * (LIMIT + 1), *good_row("K-2", c5="5000.00")]]
    capsys.readouterr()
    assert main(["import", str(workbook(tmp_path / "b.xlsx", corrected)), "--db", db]) == 2
    out, err = capsys.readouterr()
    assert "变更 1" in out and "拒收 1" in out
    assert "台账!A3「更正原因」" in err and "[reason_too_long]" in err and f"最多 {LIMIT} 字" in err
    assert [(e["kind"], e["reason"]) for e in _show(db, "K-1", capsys)["events"]] == [
        ("filed", None), ("changed", "核对欠费明细")]
    assert _show(db, "K-2", capsys)["case"]["claim_amount"] == "3912.00"


def test_the_rows_reason_wins_over_the_imports_and_a_csv_reads_it_too(tmp_path, db, capsys):
    assert main(["import", str(workbook(tmp_path / "a.xlsx", [HEADER, good_row("K-1"), good_row("K-2")])),
                 "--db", db]) == 0
    rows = [[*HEADER, "correction_reason"], [*good_row("K-1", c5="1.00"), "<b>调解员录入错误</b>"],
            [*good_row("K-2", c5="2.00"), ""]]
    path = csv_file(tmp_path / "b.csv", rows, encoding="gbk")
    assert main(["import", str(path), "--db", db, "--reason", "月底核对"]) == 0
    assert _show(db, "K-1", capsys)["events"][-1]["reason"] == "<b>调解员录入错误</b>"
    assert _show(db, "K-2", capsys)["events"][-1]["reason"] == "月底核对"


def test_export_leaves_the_reason_out_and_reads_back_unchanged(tmp_path, db, capsys):
    rows = [[*HEADER, "更正原因"], [*good_row("K-1"), "补录"]]
    assert main(["import", str(workbook(tmp_path / "a.xlsx", rows)), "--db", db]) == 0
    assert main(["export", "--out", str(tmp_path / "out.xlsx"), "--full", "--db", db]) == 0
    header = [c.value for c in load_workbook(tmp_path / "out.xlsx").active[1]]
    assert "更正原因" not in header and "correction_reason" not in header
    with sqlite3.connect(tmp_path / "ledger.db") as connection:
        before = connection.execute("select count(*) from events").fetchone()[0]
    capsys.readouterr()
    assert main(["import", str(tmp_path / "out.xlsx"), "--db", db, "--reason", "导出后再导入"]) == 0
    out, err = capsys.readouterr()
    assert "新立 0，变更 0，未变 1" in out and "更正原因未记录" in err
    with sqlite3.connect(tmp_path / "ledger.db") as connection:
        assert connection.execute("select count(*) from events").fetchone()[0] == before
