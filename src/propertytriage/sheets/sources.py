"""Rows of a workbook sheet or a CSV file, one at a time, with their row numbers.

Rows are streamed so a 100,000-row file never becomes 100,000 Python lists at once. A workbook is read
with python-calamine, which loads the sheet whole and is the fastest, or, above ``STREAM_ABOVE_BYTES``,
a row at a time by openpyxl's sheet parser, so that memory stays flat (measured in docs/sheets.md); a
CSV file's encoding is UTF-8 (with or without BOM) or, failing that, what charset-normalizer detects,
GB18030 for any of the GB family since it is their superset.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from propertytriage.errors import Problem, echoed

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


@dataclass(frozen=True)
class UncomputedFormula:
    """A formula cell whose file holds no result (openpyxl and other programs save formulas so; Excel
    and WPS save the result beside it). Read as empty it would lose the value without a word, so the
    reader refuses the cell and asks for the file to be opened and saved once."""

    formula: str

    def __str__(self) -> str:
        return f"={self.formula}"


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


STREAM_ABOVE_BYTES = 5 * 2**20
"""A workbook file larger than this is streamed (openpyxl's sheet parser) instead of loaded whole
(python-calamine): about 25,000 rows of a 67-column 台账, where calamine's grid reaches some 120 MiB.
Below it calamine is several times faster; above it memory stays flat whatever the rows
(docs/sheets.md gives the figures)."""

INFLATE_RATIO_LIMIT = 100
INFLATE_FLOOR_BYTES = 64 * 2**20
"""A part of a workbook that unpacks to more than ``INFLATE_FLOOR_BYTES`` and to more than
``INFLATE_RATIO_LIMIT`` times its packed size is refused before it is read: real 台账 sheets unpack
about 10 to 20 times (docs/sheets.md), while a few hundred kilobytes that unpack to gigabytes would
take the reader's memory with them (Apache POI refuses the same ratio by default)."""

_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")

_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column; 0-based


def _filled(rows: Iterator[list[Any]], merged: list[Merge]) -> Iterator[RawRow]:
    """Rows from row 1, a merged area's cells all holding its top-left value."""
    merged = sorted(merged)
    active: list[tuple[int, int, int, int, Any]] = []
    pending = 0
    for index, row in enumerate(rows):
        own = any(not _blank(v) for v in row)
        while pending < len(merged) and merged[pending][0] <= index:
            r0, c0, r1, c1 = merged[pending]
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


def _inspected(path: Path, *, formulas: bool) -> bool:
    """Refuses a part of the workbook at ``path`` that would unpack out of all proportion (see
    ``INFLATE_RATIO_LIMIT``) before anything is unpacked; with ``formulas``, says whether any worksheet
    holds a formula (a scan of every sheet unpacked, so asked only where the answer chooses the reader)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if (info.file_size > INFLATE_FLOOR_BYTES
                        and info.file_size > INFLATE_RATIO_LIMIT * max(1, info.compress_size)):
                    raise _unreadable(
                        path, f"其中 {info.filename} 从 {info.compress_size:,} 字节解压为 {info.file_size:,} 字节，"
                        "不像正常的工作簿（可能已损坏或是恶意文件）",
                        f"its part {info.filename} unpacks from {info.compress_size:,} to {info.file_size:,} "
                        "bytes, which no real workbook does (damaged or hostile)")
            for info in archive.infolist() if formulas else ():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    tail = b""
                    with archive.open(info) as part:
                        while chunk := part.read(1 << 20):
                            if _FORMULA.search(tail + chunk):
                                return True
                            tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False  # the reader that opens it says what is wrong, in its own words
    return False


def _chosen(path: Path, names: list[str], sheet: str | None, hidden: set[str] | frozenset[str] = frozenset()) -> str:
    """The sheet named by ``--sheet``, else the first sheet the clerk can see in Excel (a hidden one,
    often a list of choices behind the drop-downs, is passed over unless nothing else is there)."""
    if sheet is None:
        if not names:
            raise _unreadable(path, "工作簿中没有工作表", "the workbook has no sheet")
        return next((name for name in names if name not in hidden), names[0])
    if sheet not in names:
        # the name asked for and the workbook's own names are the clerk's text: quoted on one line and cut
        said = echoed(sheet, quote=False)
        has = [echoed(name, quote=False) for name in names[:10]] + (["…"] if len(names) > 10 else [])
        raise SourceError(Problem(
            "--sheet", "no_such_sheet", f"{path.name} 中没有名为「{said}」的工作表（有：{'、'.join(has)}）",
            f"{path.name} has no sheet named '{said}' (it has: {', '.join(has)})",
        ))
    return sheet


class Workbook:
    """One sheet of a workbook loaded whole by python-calamine: its name and its rows."""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(path))
        except FileNotFoundError:
            raise _unreadable(path, "文件不存在", "no such file") from None
        except (CalamineError, OSError, ValueError) as error:
            raise _unreadable(path, f"不是有效的 Excel 工作簿（{error}）", f"not a valid workbook ({error})") from None
        from python_calamine import SheetVisibleEnum

        hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
        self.name = _chosen(path, list(book.sheet_names), sheet, hidden)
        self._sheet = book.get_sheet_by_name(self.name)

    def rows(self) -> Iterator[RawRow]:
        """Every row from row 1, column A first (calamine starts its rows at the sheet's first
        column that holds anything, so that many blank cells are put back in front)."""
        start = self._sheet.start
        before = [""] * (start[1] if start else 0)
        merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in self._sheet.merged_cell_ranges or []]
        return _filled(([*before, *values] for values in self._sheet.iter_rows()), merged)


def _shared_strings(reader: Any) -> list[str]:
    """The workbook's shared-strings table (an Excel-saved file's texts), read by ``sheet_xml``."""
    from openpyxl.xml.constants import SHARED_STRINGS

    from propertytriage.sheets.sheet_xml import shared_strings

    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    with reader.archive.open(part.PartName[1:]) as source:
        return shared_strings(source)


class StreamedWorkbook:
    """One sheet of a large workbook read a row at a time, its XML parsed as it is unpacked.

    Not through ``load_workbook(read_only=True)``, for what it costs (docs/sheets.md gives the figures):
    opening a sheet without a ``<dimension>`` (as the export writes) parses the whole sheet once just to
    size it, and openpyxl's sheet parser spends most of a row's time on one Python object per XML
    node and one dict per cell. Here the workbook's parts (content types, workbook, styles for the
    date formats) are read by openpyxl's own ``ExcelReader`` steps, and the shared strings and the
    sheet's cells by ``sheet_xml`` from expat's callbacks. Merged areas are listed after the rows in a
    sheet's XML, so they are found first by a scan of the decompressed sheet for its ``mergeCell``
    references (a fraction of the time of reading it).
    """

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        from xml.etree.ElementTree import ParseError
        from xml.parsers.expat import ExpatError

        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        try:
            reader = ExcelReader(path, read_only=True, data_only=True)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise _unreadable(path, f"不是有效的 Excel 工作簿（{error}）", f"not a valid workbook ({error})") from None
        self._archive = reader.archive
        try:
            reader.read_manifest()
            reader.shared_strings = _shared_strings(reader)
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)  # which number formats are dates
            parts = {sheet.name: (sheet.state, rel.target) for sheet, rel in reader.parser.find_sheets()
                     if rel.target in reader.valid_files and "chartsheet" not in rel.Type}
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, ParseError, ExpatError) as error:
            self._archive.close()
            raise _unreadable(path, f"不是有效的 Excel 工作簿（{error}）", f"not a valid workbook ({error})") from None
        hidden = {name for name, (state, _) in parts.items() if state != "visible"}
        try:
            self.name = _chosen(path, list(parts), sheet, hidden)
        except SourceError:
            self._archive.close()
            raise
        self._part = parts[self.name][1]
        self._strings = reader.shared_strings
        self._book = reader.wb
        self._path = path

    def _merged(self) -> list[Merge]:
        from openpyxl.utils.cell import range_boundaries

        refs: set[bytes] = set()
        tail = b""
        with self._archive.open(self._part) as source:
            while chunk := source.read(1 << 20):
                text = tail + chunk
                refs.update(_MERGE_REF.findall(text))
                tail = text[-256:]
        merged = []
        for ref in refs:
            c0, r0, c1, r1 = range_boundaries(ref.decode("ascii"))
            merged.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
        return merged

    def _values(self) -> Iterator[list[Any]]:
        """Every row's values from row 1, a row the file leaves out given as empty."""
        from propertytriage.sheets.sheet_xml import sheet_rows

        book = self._book
        with self._archive.open(self._part) as source:
            expected = 1
            for number, values in sheet_rows(source, self._strings, date_styles=book._date_formats,
                                             timedelta_styles=book._timedelta_formats, epoch=book.epoch,
                                             uncomputed=UncomputedFormula):
                if number < expected:  # a row out of order, as openpyxl's own reader passes it over
                    continue
                while expected < number:
                    expected += 1
                    yield []
                expected += 1
                yield values

    def rows(self) -> Iterator[RawRow]:
        import zlib
        from xml.parsers.expat import ExpatError

        try:
            yield from _filled(self._values(), self._merged())
        except (ExpatError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as error:
            raise _unreadable(self._path, f"工作表「{self.name}」已损坏（{error}）",
                              f"the sheet {self.name!r} is damaged ({error})") from None
        finally:
            self._archive.close()


def csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else the detected encoding (GB18030 for the GB family)."""
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _unreadable(
            path, "这是 UTF-16 编码的文本（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”",
            "this is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8 (Comma delimited)\"",
        )
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


_BIG5_ZH = ("这个 CSV 文件是 Big5 编码（繁体中文），表头多半是繁体字，与模板的列名（简体，如 案件编号）对不上："
            "请用模板（propertytriage template）填写，或把表头改为模板的列名，"
            "再在 Excel 中另存为“CSV UTF-8（逗号分隔）”")
_BIG5_EN = ("this CSV file is Big5-encoded (traditional Chinese), so its headers are most likely in traditional "
            "characters, which do not match the template's simplified labels (such as 案件编号): fill in the template "
            "(propertytriage template), or change the headers to its labels, and save it in Excel as "
            "\"CSV UTF-8 (Comma delimited)\"")
_NOT_UTF8_ZH = ("这个 CSV 文件不是 UTF-8 编码，已按 GB18030（GBK）读取；如果它是别的编码（如 Big5 繁体），"
                "表头会读成乱码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")
_NOT_UTF8_EN = ("this CSV file is not UTF-8 and was read as GB18030 (GBK); if it is in another encoding (such as Big5, "
                "traditional Chinese) its headers read as garbage: save it in Excel as \"CSV UTF-8 (Comma delimited)\"")


class CsvFile:
    """A CSV file: its name stands for the sheet's, its records for rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.encoding = csv_encoding(path)

    def encoding_note(self) -> tuple[str, str] | None:
        """What to say about the encoding when no header is found: a file that is not UTF-8 was read
        as detected, and text in another script or a wrong guess shows up as headers that match
        nothing. None for UTF-8, where the header itself is at fault."""
        if self.encoding.startswith("utf-8"):
            return None
        if self.encoding == "big5hkscs":
            return (_BIG5_ZH, _BIG5_EN)
        return (_NOT_UTF8_ZH, _NOT_UTF8_EN)

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


def _refuse_text_as_workbook(path: Path) -> None:
    """A text file named .xlsx (a CSV renamed, a sheet exported as text) said as such; anything else is
    left to the reader's own words about a damaged workbook."""
    with open(path, "rb") as handle:
        sample = handle.read(4096)
    if b"\0" in sample:
        return
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample.removeprefix(codecs.BOM_UTF8), final=False)
    except UnicodeDecodeError:
        try:
            sample.decode("gb18030")
        except UnicodeDecodeError:
            return
    raise _unreadable(path, "这是文本文件（多半是 CSV），不是 Excel 工作簿：请把扩展名改为 .csv，"
                      f"或在 Excel 中另存为 {path.suffix}",
                      f"this is a text file (most likely CSV), not an Excel workbook: rename it to .csv, or save "
                      f"it as {path.suffix} in Excel")


def open_source(
    path: str | Path, sheet: str | None = None, *, stream: bool | None = None
) -> Workbook | StreamedWorkbook | CsvFile:
    """The sheet to read: a named sheet (or the first) of a workbook, or a CSV file.

    ``stream``: read an ``.xlsx`` a row at a time (the default for one above ``STREAM_ABOVE_BYTES``).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES:  # said plainly here, once for every reader, before one words it in English
        if not path.is_file():
            raise _unreadable(path, "文件不存在", "no such file")
        if path.stat().st_size == 0:
            raise _unreadable(path, "文件是空的（0 字节），请重新保存或导出",
                              "the file is empty (0 bytes); save or export it again")
    if suffix == ".csv":
        if sheet is not None:
            raise SourceError(Problem("--sheet", "not_a_workbook", "CSV 文件没有工作表，请去掉 --sheet",
                                      "a CSV file has no sheets; drop --sheet"))
        return CsvFile(path)
    if suffix in WORKBOOK_SUFFIXES:
        if suffix in (".xlsx", ".xlsm"):
            if not zipfile.is_zipfile(path):
                _refuse_text_as_workbook(path)
            large = path.stat().st_size > STREAM_ABOVE_BYTES
            # python-calamine reads a formula without its result as empty, so a sheet with formulas is
            # streamed; a large one is streamed anyway and needs no scan for them
            formulas = _inspected(path, formulas=stream is None and not large)
            if stream is None:
                stream = large or formulas
            if stream:
                return StreamedWorkbook(path, sheet)
        return Workbook(path, sheet)
    raise _unreadable(path, "只能读取 .xlsx、.xlsm、.xls、.ods 或 .csv 文件",
                      "only .xlsx, .xlsm, .xls, .ods and .csv files can be read")
