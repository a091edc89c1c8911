"""Workbooks and CSV files made the way Excel and WPS save a clerk's 台账."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER = ["案件编号", "登记日期", "省份", "纠纷类型", "申请方", "标的额（元）", "业委会协商结果", "业委会协商日期",
          "物业服务企业名称", "业主1姓名", "业主1身份证号", "业主1电话", "是否成立业委会"]
GOOD = ["KBS-2025-011", "2025-04-02", "内蒙古自治区", "欠缴物业费", "物业服务企业", "3912.00", "未成功", "2025/3/1",
        "某某物业服务有限公司", "张某", "150602198005061234", "13800000000", "是"]


def good_row(case_id: str, **changes: Any) -> list[Any]:
    """:data:`GOOD` under another case id, with cells changed by column index (``c1="2025-02-30"``)."""
    row: list[Any] = list(GOOD)
    row[0] = case_id
    for index, value in changes.items():
        row[int(index.removeprefix("c"))] = value
    return row


def workbook(path: Path, rows: list[list[Any]], *, title: str | None = None, sheet: str = "台账",
             merges: tuple[str, ...] = (), text_columns: tuple[int, ...] = ()) -> Path:
    """A workbook whose first sheet holds ``rows`` (after an optional merged title row)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title is not None:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        ws.append(row)
    for area in merges:
        ws.merge_cells(area)
    for column in text_columns:  # cells formatted as 文本 the way a careful clerk does
        for (cell,) in ws.iter_rows(min_col=column, max_col=column):
            cell.number_format = "@"
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[Any]], *, encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


_ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_file(path: Path, rows: list[list[Any]], *, sheet: str = "台账") -> Path:
    """An OpenDocument spreadsheet (.ods, as LibreOffice and WPS save it), every cell text, written by hand:
    no dependency of the project writes .ods. The ``mimetype`` entry comes first and uncompressed, as ODF
    requires and as a reader sniffs it."""
    from xml.sax.saxutils import escape, quoteattr

    def cell(value: Any) -> str:
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES} office:version="1.2">'
               f"<office:body><office:spreadsheet><table:table table:name={quoteattr(sheet)}>{body}</table:table>"
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_TYPE}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODS_TYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path
