"""``--errors``: refused rows written back, marked, fixed by the clerk and imported again."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from propertytriage.sheets import SheetReader, read_sheet
from propertytriage.sheets.refused import ERRORS_HEADER, write_refused
from propertytriage.sheets.styles import BAD_FILL
from tests.sheets.books import GOOD, HEADER, workbook

pytestmark = pytest.mark.usefixtures("workbook_engine")


def test_refused_rows_come_back_marked_and_import_once_fixed(tmp_path):
    bad_date = list(GOOD)
    bad_date[0], bad_date[1] = "K-2", "2025-02-30"
    bad_id = list(GOOD)
    bad_id[0], bad_id[10], bad_id[5] = "K-3", 150602198005061234, "很多"
    source = workbook(tmp_path / "in.xlsx", [HEADER, GOOD, bad_date, bad_id], title="台账")
    reader = SheetReader(source)
    rows = list(reader)
    assert write_refused(tmp_path / "errors.xlsx", reader.header, rows) == 2

    sheet = load_workbook(tmp_path / "errors.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [*HEADER, ERRORS_HEADER]
    assert [v[0] for v in values[1:]] == ["K-2", "K-3"]
    assert values[1][-1].startswith("原第4行") and "B列「登记日期」" in values[1][-1]
    assert "F列「标的额（元）」" in values[2][-1] and "K列「业主1身份证号」" in values[2][-1]
    marked = {(c.row, c.column_letter) for row in sheet.iter_rows() for c in row if c.fill == BAD_FILL}
    assert marked == {(2, "B"), (3, "F"), (3, "K")}
    assert "日历" in sheet["B2"].comment.text and "Text" in sheet["K3"].comment.text
    assert sheet["A2"].comment is None

    sheet["B2"] = datetime(2025, 2, 28)  # the clerk fixes the cells and imports the file as it is
    sheet["F3"] = "3912"
    sheet["K3"] = "150602198005061234"
    sheet.parent.save(tmp_path / "fixed.xlsx")
    fixed = list(read_sheet(tmp_path / "fixed.xlsx"))
    assert [r.problems for r in fixed] == [(), ()]
    assert fixed[0].document["filed_on"] == "2025-02-28"
    assert fixed[1].document["owners"][0]["id_number"] == "150602198005061234"


def test_an_errors_file_refused_again_keeps_one_notes_column(tmp_path):
    bad = list(GOOD)
    bad[1] = "明天"
    reader = SheetReader(workbook(tmp_path / "in.xlsx", [HEADER, bad]))
    write_refused(tmp_path / "e1.xlsx", reader.header, reader)
    again = SheetReader(tmp_path / "e1.xlsx")
    write_refused(tmp_path / "e2.xlsx", again.header, again)
    header = next(load_workbook(tmp_path / "e2.xlsx").active.iter_rows(values_only=True))
    assert list(header).count(ERRORS_HEADER) == 1


def test_the_ledgers_own_refusals_join_the_errors_file(tmp_path):
    from propertytriage.errors import Problem
    from propertytriage.sheets.importing import SheetImport

    bad = list(GOOD)
    bad[0], bad[1] = "K-2", "明天"
    job = SheetImport(workbook(tmp_path / "in.xlsx", [HEADER, GOOD, bad]))
    rows = list(job.rows())
    assert [r.refused for r in rows] == [False, True]
    job.refuse(rows[0], [Problem("company_score", "score_mismatch", "评分与企业记录不符", "the score differs from the company's record")])
    assert job.write_errors(tmp_path / "errors.xlsx") == 2
    notes = [r[-1] for r in load_workbook(tmp_path / "errors.xlsx").active.iter_rows(min_row=2, values_only=True)]
    assert "明天" in notes[0] and "评分与企业记录不符" in notes[1]


def test_true_and_false_cells_come_back_as_true_and_false(tmp_path):
    """Excel's TRUE/FALSE are written back as booleans (shown TRUE/FALSE), not as the 1/0 stored behind them."""
    import xlsxwriter

    source = tmp_path / "tf.xlsx"
    excel = xlsxwriter.Workbook(str(source))
    sheet = excel.add_worksheet("台账")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ["K-1", "2025-02-30", *GOOD[2:9], True, *GOOD[10:12], True])
    sheet.write_row(2, 0, ["K-2", "2025-02-30", *GOOD[2:12], False])
    excel.close()
    reader = SheetReader(source)
    assert write_refused(tmp_path / "errors.xlsx", reader.header, list(reader)) == 2
    written = load_workbook(tmp_path / "errors.xlsx").active
    cells = [written["J2"], written["M2"], written["M3"]]
    assert [(c.value, c.data_type) for c in cells] == [(True, "b"), (True, "b"), (False, "b")]
