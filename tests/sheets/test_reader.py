"""Sheets as offices keep them, read into cases; every bad cell reported where the clerk looks."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal

import pytest

from propertytriage.errors import InputError
from propertytriage.sheets import read_documents, read_sheet
from propertytriage.sheets.reader import SheetReader
from tests.sheets.books import GOOD, HEADER, csv_file, good_row, workbook

pytestmark = pytest.mark.usefixtures("workbook_engine")


def only(rows):
    rows = list(rows)
    assert len(rows) == 1, rows
    return rows[0]


def test_a_sheet_as_wps_saves_it(tmp_path):
    """Title row merged across, company merged down two rows, dates and amounts typed as text, a blank
    row, full-width spaces, ID numbers in a column formatted as text."""
    second = ["KBS-2025-012", date(2025, 4, 3), "内蒙古自治区 ", "服务质量", "业主", 1200, "化解", None,
              None, "李某\u3000", "15060219800506123X", 13900000000, "√"]
    path = workbook(tmp_path / "台账.xlsx", [HEADER, GOOD, [], second], title="某某街道物业纠纷台账（2025年）",
                    merges=("I3:I5",), text_columns=(11,))
    rows = list(read_sheet(path))
    assert [r.number for r in rows] == [3, 5]
    assert [r.problems for r in rows] == [(), ()]
    first, last = (r.document for r in rows)
    assert first == {
        "case_id": "KBS-2025-011", "filed_on": "2025-04-02", "province": "内蒙古自治区", "dispute_type": "fee_arrears",
        "claimant": "property_company", "claim_amount": "3912.00", "has_owners_committee": True,
        "attempts": [{"stage": "owners_committee", "outcome": "failed", "on": "2025-03-01"}],
        "property_company": {"name": "某某物业服务有限公司"},
        "owners": [{"name": "张某", "id_number": "150602198005061234", "phone": "13800000000"}],
    }
    assert last["property_company"] == {"name": "某某物业服务有限公司"}  # the merged cell's top-left value
    assert last["attempts"] == [{"stage": "owners_committee", "outcome": "resolved"}]
    assert last["owners"] == [{"name": "李某", "id_number": "15060219800506123X", "phone": "13900000000"}]
    assert last["has_owners_committee"] is True and last["province"] == "内蒙古自治区"
    assert rows[1].case is not None and rows[1].case.claim_amount == Decimal(1200)


def test_english_keys_and_dotted_details(tmp_path):
    header = ["case_id", "filed_on", "province", "dispute_type", "claimant", "claim_amount", "attempt.community",
              "attempt.community.on", "estate.community", "arrears.amount", "owners.1.name", "owners.2.name",
              "contract.kind", "arrears.late_fee_until_paid"]
    row = ["A-1", "2025-04-02", "上海市", "parking", "owner", "0", "failed", "2025-03-01", "某社区", "2,148.00元",
           "张某", "王某", "前期物业服务合同", "√"]
    document = only(read_sheet(workbook(tmp_path / "en.xlsx", [header, row]))).document
    assert document["attempts"] == [{"stage": "community", "outcome": "failed", "on": "2025-03-01"}]
    assert document["estate"] == {"community": "某社区"}
    assert document["arrears"] == {"amount": "2148.00", "late_fee_until_paid": True}
    assert document["owners"] == [{"name": "张某"}, {"name": "王某"}]
    assert document["contract"] == {"kind": "前期物业服务合同"}


def test_attempts_follow_the_ladder_whatever_the_column_order(tmp_path):
    header = ["案件编号", "登记日期", "省份", "纠纷类型", "申请方", "调解中心调解结果", "街道社区协调结果", "业委会协商结果"]
    row = ["A-1", "2025-04-02", "上海市", "停车", "业主", "未成功", "未化解", "未成功"]
    document = only(read_sheet(workbook(tmp_path / "order.xlsx", [header, row]))).document
    assert [a["stage"] for a in document["attempts"]] == ["owners_committee", "community", "mediation_center"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_every_encoding_an_office_saves(tmp_path, encoding):
    path = csv_file(tmp_path / "cases.csv", [["某某街道物业纠纷台账"], HEADER, GOOD, [""] * len(HEADER)],
                    encoding=encoding)
    row = only(read_sheet(path))
    assert row.problems == ()
    assert row.document["property_company"] == {"name": "某某物业服务有限公司"}
    assert row.number == 3


def test_a_long_gbk_csv_is_detected_past_the_sample(tmp_path):
    rows = [HEADER] + [[f"K-{i}", *GOOD[1:]] for i in range(3000)]
    path = csv_file(tmp_path / "big.csv", rows, encoding="gbk")
    assert sum(1 for r in read_sheet(path) if not r.refused) == 3000


def test_a_named_sheet(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本表为 2025 年台账"])
    sheet = book.create_sheet("2025年")
    sheet.append(HEADER)
    sheet.append(GOOD)
    book.save(tmp_path / "two.xlsx")
    assert only(read_sheet(tmp_path / "two.xlsx", "2025年")).document["case_id"] == "KBS-2025-011"
    with pytest.raises(InputError) as caught:
        SheetReader(tmp_path / "two.xlsx", "2024年")
    assert "2025年" in str(caught.value) and "no sheet named" in str(caught.value)
    with pytest.raises(InputError, match="no header row"):
        SheetReader(tmp_path / "two.xlsx")


def test_a_hidden_first_sheet_is_passed_over(tmp_path, workbook_engine):
    """Offices keep the drop-downs' lists on a hidden first sheet; the clerk sees and means the 台账."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "选项"
    book.active.append(["物业服务纠纷", "欠费纠纷"])
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("台账")
    sheet.append(HEADER)
    sheet.append(GOOD)
    book.save(tmp_path / "hidden.xlsx")
    assert only(read_sheet(tmp_path / "hidden.xlsx")).document["case_id"] == "KBS-2025-011"
    with pytest.raises(InputError, match="no header row"):  # named, it is still read
        SheetReader(tmp_path / "hidden.xlsx", "选项")


def test_every_bad_cell_of_a_row_at_once_with_sheet_row_letter_and_header(tmp_path):
    bad = ["KBS-2025-013", "2025-02-30", "内蒙古自治区", "吵架", "物业服务企业", "三千元", "好了", "2025/3/1",
           "某某物业", "张某", 150602198005061234, "13800000000", "也许"]
    path = workbook(tmp_path / "bad.xlsx", [HEADER, GOOD, bad, good_row("KBS-2025-014")], title="台账")
    rows = list(read_sheet(path))
    assert [r.refused for r in rows] == [False, True, False]
    problems = {p.letter: p for p in rows[1].problems}
    assert sorted(problems) == ["B", "D", "F", "G", "K", "M"]
    assert problems["B"].location == "台账!B4「登记日期」"
    assert problems["K"].header == "业主1身份证号" and problems["K"].code == "number_not_text"
    for problem in problems.values():
        assert problem.sheet == "台账" and problem.row == 4 and problem.zh and problem.en


def test_the_case_models_own_checks_land_on_their_cells(tmp_path):
    header = [*HEADER, "facts"]
    no_committee = ["A-1", "2025-04-02", "上海市", "停车", "业主", "12.345", "未成功", None, "物业\u200b公司", None,
                    None, None, "否", "x" * 20001]
    rows = list(read_sheet(workbook(tmp_path / "model.xlsx", [header, no_committee])))
    problems = {p.letter: p for p in rows[0].problems}
    assert sorted(problems) == ["F", "G", "I", "N"]
    assert "业主委员会" in problems["G"].zh  # an owners' committee attempt where there is none
    assert "两位小数" in problems["F"].zh
    assert "U+200B" in problems["I"].en
    assert "20000" in problems["N"].zh


def test_a_missing_required_value_names_its_column(tmp_path):
    row = list(GOOD)
    row[1] = None
    row[3] = "\u3000"
    problems = only(read_sheet(workbook(tmp_path / "missing.xlsx", [HEADER, row]))).problems
    assert [(p.letter, p.code) for p in problems] == [("B", "missing"), ("D", "missing")]


def test_a_date_without_an_outcome(tmp_path):
    row = list(GOOD)
    row[6] = None
    problems = only(read_sheet(workbook(tmp_path / "date.xlsx", [HEADER, row]))).problems
    assert [(p.letter, p.code) for p in problems] == [("H", "date_without_outcome")]


def test_an_unknown_column_is_refused_only_where_it_holds_something(tmp_path):
    header = [*HEADER, "备注", "序号"]
    rows = list(read_sheet(workbook(tmp_path / "extra.xlsx", [header, [*GOOD, "催过三次", 1], [*GOOD, None, 2]])))
    assert [(p.letter, p.code) for p in rows[0].problems] == [("N", "unknown_column")]
    assert rows[1].problems == ()


def test_a_masked_export_cannot_overwrite_real_numbers(tmp_path):
    row = list(GOOD)
    row[10] = "150602********1234"
    problems = only(read_sheet(workbook(tmp_path / "masked.xlsx", [HEADER, row]))).problems
    assert [(p.letter, p.code) for p in problems] == [("K", "masked_number")]


@pytest.mark.parametrize(("header", "message"), [
    (["案件编号", "登记日期", "省份", "纠纷类型"], "申请方"),
    ([*HEADER, "立案日期"], "duplicate_column"),
])
def test_header_faults_refuse_the_file(tmp_path, header, message):
    with pytest.raises(InputError, match=message):
        SheetReader(workbook(tmp_path / "h.xlsx", [header, GOOD[: len(header)]]))


def test_unreadable_files(tmp_path):
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    with pytest.raises(InputError, match="this is a text file"):
        SheetReader(tmp_path / "fake.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="not a valid workbook"):
        SheetReader(tmp_path / "junk.xlsx")
    with pytest.raises(InputError, match="no such file"):
        SheetReader(tmp_path / "absent.csv")
    with pytest.raises(InputError, match=r"only \.xlsx"):
        SheetReader(tmp_path / "cases.txt")
    for name in ("empty.xlsx", "empty.csv"):  # said in Chinese and English, not in a zip library's words
        (tmp_path / name).write_bytes(b"")
        with pytest.raises(InputError, match="the file is empty") as caught:
            SheetReader(tmp_path / name)
        assert "文件是空的" in str(caught.value)
    with pytest.raises(InputError, match="no such file") as caught:
        SheetReader(tmp_path / "absent.xlsx")
    assert "文件不存在" in str(caught.value) and "os error" not in str(caught.value)


def test_a_csv_broken_midway_names_the_row(tmp_path):
    path = tmp_path / "broken.csv"
    good = ",".join(GOOD).encode("utf-8")
    path.write_bytes(codecs.BOM_UTF8 + ",".join(HEADER).encode() + b"\n" + good + b"\n" + b"\xff\xfe\n")
    reader = SheetReader(path)
    with pytest.raises(InputError, match="line 3"):
        list(reader)


def test_documents_for_the_ledger(tmp_path):
    bad = list(GOOD)
    bad[1] = "明天"
    path = workbook(tmp_path / "l.xlsx", [HEADER, GOOD, bad])
    (_, d1, p1), (s2, d2, p2) = read_documents(path)
    assert d1["case_id"] == "KBS-2025-011" and p1 == ()
    assert d2 is None and p2[0].location == "台账!B3「登记日期」" and "第3行" in s2


def test_a_sheet_that_starts_past_column_a_keeps_its_letters(tmp_path):
    """Clerks leave column A (and the rows above) empty; letters and merges still point at the cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    bad = list(GOOD)
    bad[0], bad[1] = "K-2", "2025-02-30"
    for row_number, row in enumerate([HEADER, GOOD, bad], start=3):
        for column, value in enumerate(row, start=2):
            sheet.cell(row=row_number, column=column, value=value)
    sheet.merge_cells("J4:J5")  # 物业服务企业名称 merged down
    book.save(tmp_path / "b.xlsx")
    first, second = read_sheet(tmp_path / "b.xlsx")
    assert first.number == 4 and first.document["case_id"] == "KBS-2025-011"
    assert [p.location for p in second.problems] == ["台账!C5「登记日期」"]
    assert second.values[9] == "某某物业服务有限公司"


def _with_formulas(path, cached: bool):
    """A sheet whose amount, company and ID cells are formulas, saved with or without their results
    (openpyxl saves none; Excel and WPS save each beside its formula)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, GOOD)
    sheet.write_formula(1, 5, "=1000+2912", None, 3912 if cached else "")
    sheet.write_formula(1, 8, '="某某物业"&"服务有限公司"', None, "某某物业服务有限公司" if cached else "")
    book.close()
    if not cached:  # XlsxWriter writes <v>0</v> or <v></v>; a file without results has no <v> at all
        import re
        import shutil
        import zipfile

        source = path.with_suffix(".src.xlsx")
        shutil.move(path, source)
        with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
            for item in old.infolist():
                data = old.read(item)
                if item.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb"(</f>)(?:<v>[^<]*</v>|<v/>)", rb"\1", data)
                new.writestr(item, data)
    return path


def test_a_formula_without_its_result_is_refused_at_its_cell(tmp_path):
    """Also where the sheet would be loaded whole: python-calamine reads such a cell as empty."""
    row = only(read_sheet(_with_formulas(tmp_path / "f.xlsx", cached=False)))
    assert [(p.letter, p.code) for p in row.problems] == [("F", "formula_without_value"),
                                                          ("I", "formula_without_value")]
    assert "=1000+2912" in row.problems[0].zh and "Excel" in row.problems[0].en and "WPS" in row.problems[0].zh


def test_a_formula_with_its_result_reads_as_the_result(tmp_path):
    row = only(read_sheet(_with_formulas(tmp_path / "f.xlsx", cached=True)))
    assert row.problems == () and row.document["claim_amount"] == "3912.00"
    assert row.document["property_company"]["name"] == "某某物业服务有限公司"


def test_a_value_under_no_header_is_refused_not_dropped(tmp_path):
    header = [*HEADER[:5], None, *HEADER[6:]]
    rows = list(read_sheet(workbook(tmp_path / "gap.xlsx", [header, GOOD, [*GOOD[:5], None, *GOOD[6:]],
                                                           [*GOOD[:5], None, *GOOD[6:], None, "旁注"]])))
    assert [(p.letter, p.code) for p in rows[0].problems] == [("F", "unnamed_column")]
    assert rows[1].problems == ()
    assert [p.code for p in rows[2].problems] == ["unnamed_column"] and "O" in rows[2].problems[0].zh


def test_a_workbook_that_unpacks_out_of_all_proportion_is_refused_unread(tmp_path, monkeypatch):
    import zipfile

    from propertytriage.sheets import sources

    path = workbook(tmp_path / "ok.xlsx", [HEADER, GOOD])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", b"</sheetData>" + b"<!--" + b" " * (2 << 20) + b"-->")
            new.writestr(item, data)
    monkeypatch.setattr(sources, "INFLATE_FLOOR_BYTES", 1 << 20)  # the same proportion, a smaller file
    with pytest.raises(InputError) as caught:
        list(read_sheet(bomb))
    assert "解压" in caught.value.problems[0].zh and "unpacks" in caught.value.problems[0].en
    assert list(read_sheet(path))  # the same sheet packed normally is read


def test_a_case_on_a_second_row_is_refused_at_its_case_number_cell(tmp_path):
    """Named like every other refusal: sheet, column letter, row, header, and the row it repeats."""
    rows = [HEADER, good_row("K-1"), good_row("K-2"), good_row("K-1", c5="100"), good_row("K-1", c1="2025-02-30")]
    found = list(read_sheet(workbook(tmp_path / "dup.xlsx", rows, title="台账")))
    assert [r.refused for r in found] == [False, False, True, True]
    (duplicate,) = found[2].problems
    assert (duplicate.code, duplicate.location) == ("duplicate_case_id", "台账!A5「案件编号」")
    assert "第 3 行" in duplicate.zh and "row 3" in duplicate.en
    assert found[2].document is None and found[2].case is None
    assert [p.code for p in found[3].problems] == ["not_a_calendar_date"]  # its own fault, not the repeat


TRADITIONAL = ["案件編號", "登記日期", "省份", "糾紛類型", "申請方", "標的額（元）", "物業服務企業名稱", "業主1姓名"]


@pytest.mark.parametrize("rows", [1, 40])
def test_a_big5_csv_is_refused_naming_its_encoding(tmp_path, rows):
    """An office in Hong Kong or Taiwan, or a clerk's machine set so, saves CSV as Big5: its traditional
    headers match no label of the template, and the clerk is told why rather than just "no header"."""
    row = ["KBS-2025-011", "2025-04-02", "內蒙古自治區", "欠繳物業費", "物業服務企業", "3912.00", "某某物業服務有限公司", "張某"]
    path = csv_file(tmp_path / "繁體.csv", [TRADITIONAL] + [row] * rows, encoding="big5")
    with pytest.raises(InputError) as raised:
        list(read_sheet(path))
    (problem,) = raised.value.problems
    assert problem.code == "no_header"
    assert "Big5" in problem.zh and "繁体" in problem.zh and "UTF-8" in problem.zh
    assert "Big5" in problem.en and "traditional" in problem.en and "UTF-8" in problem.en


def test_a_csv_read_as_gbk_without_a_header_says_how_it_was_read(tmp_path):
    path = csv_file(tmp_path / "乱.csv", [["甲乙丙", "丁戊"], ["一", "二"]], encoding="gbk")
    with pytest.raises(InputError) as raised:
        list(read_sheet(path))
    (problem,) = raised.value.problems
    assert problem.code == "no_header" and "GB18030" in problem.zh and "GB18030" in problem.en


def test_a_utf8_csv_without_a_header_says_nothing_of_encodings(tmp_path):
    path = csv_file(tmp_path / "u.csv", [["甲乙丙", "丁戊"], ["一", "二"]], encoding="utf-8")
    with pytest.raises(InputError) as raised:
        list(read_sheet(path))
    assert "GB18030" not in raised.value.problems[0].en and "案件编号" in raised.value.problems[0].zh
