"""The blank template: what a clerk sees, and that import reads what it offers."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from propertytriage.ruledata.loader import default_rulebook
from propertytriage.sheets import read_sheet
from propertytriage.sheets.columns import catalogue
from propertytriage.sheets.template import GUIDE, LISTS, SHEET, write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = write_template(tmp_path_factory.mktemp("t") / "template.xlsx")
    return path, load_workbook(path)


def test_headers_are_the_chinese_labels_in_filling_order(template):
    _, book = template
    sheet = book[SHEET]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["案件编号", "登记日期", "省份", "纠纷类型", "申请方", "标的额（元）"]
    assert "业主1身份证号" in header and "业主2身份证号" in header
    assert all(catalogue().column(h) is not None for h in header)
    assert sheet.freeze_panes == "B2"


def _validation_for(sheet, letter):
    for validation in sheet.data_validations.dataValidation:
        if any(str(r).startswith(f"{letter}2:") for r in validation.sqref.ranges):
            return validation
    return None


def _options(book, validation):
    sheet_part, cells = validation.formula1.split("!")
    column = cells.split(":")[0].replace("$", "").rstrip("0123456789")
    assert sheet_part.strip("'") == LISTS
    return [c.value for c in book[LISTS][column] if c.value is not None]


def test_every_enumeration_has_a_drop_down(template):
    _, book = template
    sheet = book[SHEET]
    header = [c.value for c in sheet[1]]
    for index, label in enumerate(header):
        column = catalogue().column(label)
        validation = _validation_for(sheet, sheet.cell(row=1, column=index + 1).column_letter)
        if column.kind in ("choice", "outcome", "flag") or label == "省份":
            assert validation is not None, label
        else:
            assert validation is None, label
    letter = {c.value: c.column_letter for c in sheet[1]}
    assert _options(book, _validation_for(sheet, letter["纠纷类型"]))[0] == "欠缴物业费"
    assert len(_options(book, _validation_for(sheet, letter["纠纷类型"]))) == 8
    assert _options(book, _validation_for(sheet, letter["省份"])) == default_rulebook().wages.provinces
    assert _validation_for(sheet, letter["省份"]).showErrorMessage is False  # another province may be typed
    assert _validation_for(sheet, letter["申请方"]).showErrorMessage is True
    assert book[LISTS].sheet_state == "hidden"


def test_formats_preset_text_for_numbers_excel_would_round(template):
    _, book = template
    sheet = book[SHEET]
    letter = {c.value: c.column_letter for c in sheet[1]}
    assert sheet[f"{letter['业主1身份证号']}2"].number_format == "@"
    assert sheet[f"{letter['业主1电话']}500"].number_format == "@"
    assert sheet[f"{letter['统一社会信用代码']}2"].number_format == "@"
    assert sheet[f"{letter['登记日期']}2"].number_format == "yyyy-mm-dd"


def test_the_guide_explains_every_column_with_an_example(template):
    _, book = template
    guide = list(book[GUIDE].iter_rows(values_only=True))
    header = [c.value for c in book[SHEET][1]]
    assert [r[0] for r in guide[1:]] == header
    by_label = {r[0]: r for r in guide[1:]}
    assert by_label["案件编号"][2] == "是"
    assert by_label["纠纷类型"][4] == "欠缴物业费" and "邻里纠纷" in by_label["纠纷类型"][5]
    assert by_label["业主2姓名"][1] == "owners.2.name" and "第 2 位" in by_label["业主2姓名"][3]


def test_the_guides_examples_fill_a_row_that_imports(template, tmp_path):
    _, book = template
    sheet = book[SHEET]
    examples = {r[0]: r[4] for r in book[GUIDE].iter_rows(min_row=2, values_only=True)}
    for cell in sheet[1]:
        sheet.cell(row=2, column=cell.column, value=examples[cell.value] or None)
    book.save(tmp_path / "filled.xlsx")
    (row,) = read_sheet(tmp_path / "filled.xlsx")
    assert row.problems == ()
    assert row.document["owners"][1]["id_number"] == "150602198005061234"
    assert row.case is not None and row.case.dispute_type == "fee_arrears"
