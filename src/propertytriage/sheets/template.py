"""``propertytriage template FILE.xlsx``: a blank 台账 that helps the clerk type what import reads.

Headers are the Chinese labels of columns.yaml in the order a clerk fills them; every enumeration has a
drop-down list (kept on a hidden sheet, since Excel limits an inline list to 255 characters); date and
text formats are preset on the rows a clerk will use, text for ID and phone numbers so Excel never
turns them into rounded numbers; a second sheet explains each column with an example.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from propertytriage.ruledata.loader import default_rulebook
from propertytriage.sheets.columns import Catalogue, Column, catalogue
from propertytriage.sheets.files import save_workbook
from propertytriage.sheets.styles import NUMBER_FORMATS, display_width, style_header

SHEET = "台账"
GUIDE = "填写说明"
LISTS = "选项"
PRESET_ROWS = 1000
"""Rows given their formats and drop-downs in advance (a clerk's year of disputes, at a busy office)."""

_KIND_NOTES = {
    "date": "日期，如 2025-04-02、2025/4/2、2025年4月2日",
    "amount": "金额（元），如 3912.00、3,912.00元",
    "score": "分数 0–100",
    "code": "号码，按文本填写",
    "flag": "是 或 否",
    "outcome": "成功（化解）或 未成功（未化解）",
    "choice": "从下拉列表选择",
    "text": "文字",
    "prose": "文字，可换行",
}


def choices_of(column: Column, book: Catalogue, provinces: list[str]) -> list[str]:
    """The words a drop-down offers for a column; empty when the column has none."""
    if column.kind == "choice":
        return list(column.spec.choices.values())
    if column.kind == "outcome":
        return ["成功", "未成功"]
    if column.kind == "flag":
        return ["是", "否"]
    if column.spec.list_name == "provinces":
        return provinces
    return []


def write_template(path: str | Path, *, provinces: list[str] | None = None) -> Path:
    """Write the blank template (whole or not at all); provinces default to those with wage figures in the
    rule book."""
    book = catalogue()
    if provinces is None:
        provinces = default_rulebook().wages.provinces
    columns = book.template_columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    lists = workbook.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    guide = workbook.create_sheet(GUIDE)
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        style_header(sheet.cell(row=1, column=index, value=column.label))
        sheet.column_dimensions[letter].width = max(column.spec.width, display_width(column.label) + 2)
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format:
            for row in range(2, PRESET_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format
        options = choices_of(column, book, provinces)
        if options:
            list_column += 1
            list_letter = get_column_letter(list_column)
            for row, option in enumerate(options, start=1):
                lists.cell(row=row, column=list_column, value=option)
            source = f"{quote_sheetname(LISTS)}!${list_letter}$1:${list_letter}${len(options)}"
            strict = column.spec.list_name != "provinces"  # another province may be typed in
            validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=strict,
                                        errorTitle=column.label, error=f"请从下拉列表选择：{'、'.join(options)}")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{PRESET_ROWS + 1}")
    sheet.freeze_panes = "B2"
    _write_guide(guide, columns, book, provinces)
    return save_workbook(workbook, path, private=False)  # no personal data in a blank template


def _write_guide(guide: object, columns: list[Column], book: Catalogue, provinces: list[str]) -> None:
    header = ["列名", "英文键", "必填", "填写要求", "示例", "可选值"]
    widths = [24, 30, 6, 60, 28, 40]
    for index, (text, width) in enumerate(zip(header, widths, strict=True), start=1):
        style_header(guide.cell(row=1, column=index, value=text))  # type: ignore[attr-defined]
        guide.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]
    for row, column in enumerate(columns, start=2):
        spec = column.spec
        note = spec.note.replace("{n}", str(column.n)) if column.n else spec.note
        options = "、".join(choices_of(column, book, provinces))
        values = [column.label, column.key, "是" if spec.required else "", f"{note}（{_KIND_NOTES[spec.kind]}）",
                  spec.example, options]
        for index, value in enumerate(values, start=1):
            cell = guide.cell(row=row, column=index, value=value)  # type: ignore[attr-defined]
            cell.number_format = "@"
    guide.freeze_panes = "A2"  # type: ignore[attr-defined]
