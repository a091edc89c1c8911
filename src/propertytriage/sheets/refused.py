"""``--errors FILE.xlsx``: the refused rows written back for the clerk to fix and import again.

Each refused row keeps the values it was read with, under the same headers, followed by a 错误说明
column saying what is wrong and where it was (the original row number); each bad cell is filled light
red and carries a comment with its message. Import reads past the 错误说明 column, so the fixed file
imports as it is, and importing the whole original sheet again records only the rows that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from propertytriage.sheets.columns import normalize_header
from propertytriage.sheets.files import save_workbook
from propertytriage.sheets.reader import Header, SheetRow
from propertytriage.sheets.styles import BAD_FILL, DATE_FORMAT, NUMBER_FORMATS, display_width, style_header

ERRORS_HEADER = "错误说明"
_AUTHOR = "propertytriage"


def _cell_value(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | date | datetime) or value is None:
        return value
    return str(value)  # a time or a duration from an odd cell: shown as read


def write_refused(path: str | Path, header: Header, rows: Iterable[SheetRow]) -> int:
    """Write the refused rows among ``rows``; returns how many were written."""
    keep = [i for i, text in enumerate(header.texts) if normalize_header(text) != normalize_header(ERRORS_HEADER)]
    position = {original: written for written, original in enumerate(keep)}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = header.sheet[:31]
    for written, original in enumerate(keep, start=1):
        style_header(sheet.cell(row=1, column=written, value=header.texts[original]))
        column = header.columns[original]
        width = column.spec.width if column is not None else 12
        fit = max(width, display_width(header.texts[original]) + 2)
        sheet.column_dimensions[get_column_letter(written)].width = fit
    notes_column = len(keep) + 1
    style_header(sheet.cell(row=1, column=notes_column, value=ERRORS_HEADER))
    sheet.column_dimensions[get_column_letter(notes_column)].width = 80
    count = 0
    for row in rows:
        if not row.refused:
            continue
        count += 1
        target = count + 1
        for original in keep:
            value = row.values[original] if original < len(row.values) else None
            cell = sheet.cell(row=target, column=position[original] + 1, value=_cell_value(value))
            column = header.columns[original]
            if isinstance(value, date | datetime):
                cell.number_format = DATE_FORMAT
            elif column is not None and column.kind in ("code", "text") and isinstance(value, str):
                cell.number_format = NUMBER_FORMATS[column.kind]
        for problem in row.problems:
            if problem.column is not None and problem.column in position:
                cell = sheet.cell(row=target, column=position[problem.column] + 1)
                cell.fill = BAD_FILL
                text = f"{cell.comment.text}\n{problem.note()}" if cell.comment else problem.note()
                cell.comment = Comment(text, _AUTHOR, width=320, height=120)
        notes = [f"原第{row.number}行 (row {row.number} of {row.sheet})", *(p.note() for p in row.problems)]
        sheet.cell(row=target, column=notes_column, value="\n".join(notes))
    sheet.freeze_panes = "B2"
    save_workbook(workbook, path, private=True)  # the rows as typed: names, ID numbers
    return count
