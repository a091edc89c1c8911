"""Rows of a workbook sheet or a CSV file, one at a time, with their row numbers.

Rows are streamed so a 100,000-row file never becomes 100,000 Python lists at once. A workbook is read
with python-calamine (measured against openpyxl's read-only mode in docs/sheets.md); a CSV file's
encoding is UTF-8 (with or without BOM) or, failing that, what charset-normalizer detects, GB18030 for
any of the GB family since it is their superset.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from propertytriage.errors import Problem

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
_SAMPLE = 1 << 16


@dataclass(frozen=True)
class RawRow:
    """A row as read: its 1-based number, its values (merged cells filled in) and whether it holds any
    value of its own (a row that only repeats a merged value from above is blank)."""

    number: int
    values: list[Any]
    own: bool


class SourceError(Exception):
    """The file as a whole cannot be read; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unreadable(path: Path, reason_zh: str, reason_en: str) -> SourceError:
    return SourceError(
        Problem("", "unreadable", f"无法读取 {path.name}：{reason_zh}", f"cannot read {path.name}: {reason_en}")
    )


class Workbook:
    """One sheet of a workbook: its name and its rows."""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(path))
        except FileNotFoundError:
            raise _unreadable(path, "文件不存在", "no such file") from None
        except (CalamineError, OSError, ValueError) as error:
            raise _unreadable(path, f"不是有效的 Excel 工作簿（{error}）", f"not a valid workbook ({error})") from None
        names = list(book.sheet_names)
        if sheet is None:
            if not names:
                raise _unreadable(path, "工作簿中没有工作表", "the workbook has no sheet")
            sheet = names[0]
        elif sheet not in names:
            raise SourceError(Problem(
                "--sheet", "no_such_sheet", f"{path.name} 中没有名为「{sheet}」的工作表（有：{'、'.join(names)}）",
                f"{path.name} has no sheet named {sheet!r} (it has: {', '.join(names)})",
            ))
        self.name = sheet
        self._sheet = book.get_sheet_by_name(sheet)

    def rows(self) -> Iterator[RawRow]:
        """Every row from row 1, a merged area's cells all holding its top-left value."""
        merged = sorted(self._sheet.merged_cell_ranges or [])
        active: list[tuple[int, int, int, int, Any]] = []
        pending = 0
        for index, values in enumerate(self._sheet.iter_rows()):
            row = list(values)
            own = any(not _blank(v) for v in row)
            while pending < len(merged) and merged[pending][0][0] <= index:
                (r0, c0), (r1, c1) = merged[pending]
                top_left = row[c0] if r0 == index and c0 < len(row) else None
                active.append((r0, c0, r1, c1, top_left))
                pending += 1
            if active:
                active = [a for a in active if a[2] >= index]
                for r0, c0, _r1, c1, value in active:
                    if len(row) <= c1:
                        row.extend([""] * (c1 + 1 - len(row)))
                    for column in range(c0, c1 + 1):
                        if (index, column) != (r0, c0):
                            row[column] = value
            yield RawRow(index + 1, row, own)


def csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else the detected encoding (GB18030 for the GB family)."""
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < _SAMPLE)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    name = best.encoding.lower().replace("-", "_") if best is not None else ""
    if name in ("big5", "big5hkscs", "cp950"):
        return "big5hkscs"
    return "gb18030"


class CsvFile:
    """A CSV file: its name stands for the sheet's, its records for rows."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise _unreadable(path, "文件不存在", "no such file")
        self.path = path
        self.name = path.name
        self.encoding = csv_encoding(path)

    def rows(self) -> Iterator[RawRow]:
        """Every record, numbered as a spreadsheet program shows it (one row per record)."""
        with open(self.path, "rb") as raw:
            lines = _decoded_lines(raw, self.encoding, self.path)
            reader = csv.reader(lines)
            number = 0
            try:
                for number, values in enumerate(reader, start=1):
                    row: list[Any] = list(values)
                    yield RawRow(number, row, any(not _blank(v) for v in row))
            except csv.Error as error:
                raise _unreadable(self.path, f"第 {number + 1} 行不是有效的 CSV（{error}）",
                                  f"row {number + 1} is not valid CSV ({error})") from None


def _decoded_lines(raw: io.BufferedReader, encoding: str, path: Path) -> Iterator[str]:
    """Lines decoded one by one, so a stray byte is reported at its line, not a buffer later.

    Splitting bytes at ``\\n`` is safe for UTF-8 and the GB family: no multi-byte character holds 0x0A.
    """
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode(encoding if number == 1 else encoding.replace("-sig", ""))
        except UnicodeDecodeError:
            raise _unreadable(
                path, f"第 {number} 行不是 {encoding} 编码的文字，请另存为 UTF-8 编码的 CSV",
                f"line {number} is not {encoding} text; save the file as UTF-8 CSV",
            ) from None


def open_source(path: str | Path, sheet: str | None = None) -> Workbook | CsvFile:
    """The sheet to read: a named sheet (or the first) of a workbook, or a CSV file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if sheet is not None:
            raise SourceError(Problem("--sheet", "not_a_workbook", "CSV 文件没有工作表，请去掉 --sheet",
                                      "a CSV file has no sheets; drop --sheet"))
        return CsvFile(path)
    if suffix in WORKBOOK_SUFFIXES:
        return Workbook(path, sheet)
    raise _unreadable(path, "只能读取 .xlsx、.xls 或 .csv 文件", "only .xlsx, .xls and .csv files can be read")
