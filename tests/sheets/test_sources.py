"""Both workbook readers give the same rows, whichever program wrote the file.

The streamed reader (the default for a large .xlsx) takes openpyxl's sheet parser with two shortcuts
of its own — no sizing scan, a plain inline text taken as its text — so it is checked against the
sheet loaded whole by python-calamine and against openpyxl's public read-only mode, on files written
as openpyxl writes them (every text inline) and as Excel saves them (XlsxWriter: a shared-strings
table, a ``<dimension>``), merged cells above all, which a row-by-row read meets only after the rows.
"""

from __future__ import annotations

import codecs
import io
import itertools
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from propertytriage.errors import InputError
from propertytriage.sheets import sheet_xml, sources
from propertytriage.sheets.cells import is_blank, to_text
from propertytriage.sheets.reader import SheetReader
from tests.sheets.books import GOOD, HEADER, good_row, workbook

READERS = ("streamed", "loaded")
WRITERS = ("openpyxl", "excel")

cells = st.one_of(
    st.none(),
    st.text(st.sampled_from("台账某 \u3000aZ09-/.年元"), max_size=6),
    st.integers(-10**9, 10**9),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 2)),
    st.dates(date(1950, 1, 1), date(2090, 12, 31)),
    st.booleans(),
)


@st.composite
def sheets(draw):
    """A grid starting anywhere, with merged areas that do not overlap (as Excel allows)."""
    height, width = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    top, left = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    grid = [[draw(cells) for _ in range(width)] for _ in range(height)]
    taken: set[tuple[int, int]] = set()
    merges = []
    for _ in range(draw(st.integers(0, 3))):
        r0, c0 = draw(st.integers(0, height - 1)), draw(st.integers(0, width - 1))
        r1, c1 = draw(st.integers(r0, height - 1)), draw(st.integers(c0, width - 1))
        area = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if len(area) > 1 and not area & taken:
            taken |= area
            merges.append((r0, c0, r1, c1))
    return top, left, grid, merges


def _write(path: Path, writer: str, top: int, left: int, grid, merges) -> None:
    if writer == "openpyxl":
        book = Workbook()
        sheet = book.active
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(row=top + r, column=left + c, value=value)
        for r0, c0, r1, c1 in merges:
            sheet.merge_cells(start_row=top + r0, start_column=left + c0, end_row=top + r1, end_column=left + c1)
        book.save(path)
        return
    excel = xlsxwriter.Workbook(str(path))
    worksheet = excel.add_worksheet("台账")
    dates = excel.add_format({"num_format": "yyyy-mm-dd"})
    plain = excel.add_format()

    def put(r: int, c: int, value: Any) -> None:
        if isinstance(value, date):
            worksheet.write_datetime(top - 1 + r, left - 1 + c, value, dates)
        elif isinstance(value, str):
            worksheet.write_string(top - 1 + r, left - 1 + c, value)
        elif value is not None:
            worksheet.write(top - 1 + r, left - 1 + c, value)

    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if (r, c) not in covered:
                put(r, c, value)
    for r0, c0, r1, c1 in merges:
        value = grid[r0][c0]
        worksheet.merge_range(top - 1 + r0, left - 1 + c0, top - 1 + r1, left - 1 + c1, "",
                              dates if isinstance(value, date) else plain)
        put(r0, c0, value)
    excel.close()


def _shown(rows) -> list[tuple[int, list]]:
    """The rows the sheet reader takes (those with a value of their own; one that only repeats a merged
    value is skipped), their values as a clerk sees them, nothing past a row's last value."""
    shown = []
    for raw in rows:
        values = ["" if is_blank(v) else to_text(v) for v in raw.values]
        while values and values[-1] == "":
            values.pop()
        if raw.own:
            shown.append((raw.number, values))
    return shown


def _read(path: Path, reader: str, monkeypatch) -> list[tuple[int, list]]:
    monkeypatch.setattr(sources, "STREAM_ABOVE_BYTES", 0 if reader == "streamed" else 1 << 40)
    return _shown(sources.open_source(path).rows())


def _trimmed(values) -> list:
    values = list(values)
    while values and values[-1] is None:
        values.pop()
    return values


def _as_openpyxl_reads(path: Path) -> list[list]:
    """Raw values by openpyxl's public read-only mode, each row trimmed of empty cells at its end."""
    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = [_trimmed(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    book.close()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _as_streamed(path: Path) -> list[list]:
    rows = [_trimmed(values) for values in sources.StreamedWorkbook(path)._values()]
    while rows and not rows[-1]:
        rows.pop()
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets(), writer=st.sampled_from(WRITERS))
def test_every_reader_gives_the_same_rows_merged_cells_filled(monkeypatch, sheet, writer):
    top, left, grid, merges = sheet
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.xlsx"
        _write(path, writer, top, left, grid, merges)
        streamed, loaded = (_read(path, reader, monkeypatch) for reader in READERS)
        assert _as_streamed(path) == _as_openpyxl_reads(path)  # the shortcuts change no value
    assert streamed == loaded
    by_number = dict(streamed)
    for r0, c0, r1, c1 in merges:  # every cell of a merged area holds its top-left value
        expected = "" if is_blank(grid[r0][c0]) else to_text(grid[r0][c0])
        for r in range(r0, r1 + 1):
            row = by_number.get(top + r)
            if row is None:  # a row holding nothing of its own is not read
                continue
            for c in range(c0, c1 + 1):
                assert (row[left - 1 + c] if left - 1 + c < len(row) else "") == expected


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("reader", READERS)
def test_a_merged_block_across_and_down_on_every_reader(tmp_path, monkeypatch, reader, writer):
    """A block two columns wide and three rows deep; a row that only repeats it holds nothing of its own."""
    grid = [["a", "b", "c"], ["合并", None, "z"], [None, None, "w"], [None, None, None], ["p", "q", "r"]]
    _write(tmp_path / "m.xlsx", writer, 1, 1, grid, [(1, 0, 3, 1)])
    monkeypatch.setattr(sources, "STREAM_ABOVE_BYTES", 0 if reader == "streamed" else 1 << 40)
    rows = [(r.number, [v for v in r.values if not is_blank(v)], r.own)
            for r in sources.open_source(tmp_path / "m.xlsx").rows()]
    assert rows == [
        (1, ["a", "b", "c"], True), (2, ["合并", "合并", "z"], True), (3, ["合并", "合并", "w"], True),
        (4, ["合并", "合并"], False), (5, ["p", "q", "r"], True),
    ]


def test_rich_and_spaced_inline_text_reads_as_openpyxl_reads_it(tmp_path, monkeypatch):
    """Only a plain inline text takes the shortcut; a text in runs of several fonts is left to openpyxl,
    and spaces a clerk typed are the cell's as written (the cell converters trim them later)."""
    book = Workbook()
    book.active.append([CellRichText(["某某", TextBlock(InlineFont(b=True), "物业"), "公司"]), "  两端空格 ", "",
                        "\u3000全角", "a&b<c>"])
    book.save(tmp_path / "r.xlsx")
    with zipfile.ZipFile(tmp_path / "r.xlsx") as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<r>" in xml and 'xml:space="preserve"' in xml and "sharedStrings" not in str(archive.namelist())
    assert _as_streamed(tmp_path / "r.xlsx") == _as_openpyxl_reads(tmp_path / "r.xlsx") == [
        ["某某物业公司", "  两端空格 ", None if not _as_openpyxl_reads(tmp_path / "r.xlsx")[0][2] else "",
         "\u3000全角", "a&b<c>"]]
    assert _read(tmp_path / "r.xlsx", "streamed", monkeypatch) == _read(tmp_path / "r.xlsx", "loaded", monkeypatch)


def test_a_damaged_sheet_is_refused_with_the_file_named(tmp_path, monkeypatch):
    """A workbook whose sheet XML is cut short: the streamed reader meets the fault midway."""
    good = workbook(tmp_path / "good.xlsx", [HEADER] + [good_row(f"KBS-2025-{i:03d}") for i in range(200)])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    monkeypatch.setattr(sources, "STREAM_ABOVE_BYTES", 0)
    with pytest.raises(InputError, match=r"bad\.xlsx") as raised:
        for _ in SheetReader(bad):
            pass
    assert raised.value.problems[0].code == "unreadable"


@pytest.mark.parametrize("writer", WRITERS)
def test_datetimes_and_whole_numbers_read_alike(tmp_path, monkeypatch, writer):
    path = tmp_path / "v.xlsx"
    if writer == "openpyxl":
        book = Workbook()
        book.active.append([datetime(2025, 4, 2, 9, 30), date(2025, 4, 3), 3912, 3912.5, True])
        book.save(path)
    else:
        excel = xlsxwriter.Workbook(str(path))
        sheet = excel.add_worksheet()
        sheet.write_datetime(0, 0, datetime(2025, 4, 2, 9, 30), excel.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
        sheet.write_datetime(0, 1, date(2025, 4, 3), excel.add_format({"num_format": "yyyy-mm-dd"}))
        sheet.write_row(0, 2, [3912, 3912.5, True])
        excel.close()
    seen = {reader: _read(path, reader, monkeypatch) for reader in READERS}
    assert seen["streamed"] == [(1, ["2025-04-02 09:30:00", "2025-04-03", "3912", "3912.5", True])]
    assert seen["streamed"] == seen["loaded"]


def test_an_excel_saved_file_is_what_the_excel_writer_is_taken_for(tmp_path):
    """The "excel" writer of these tests really writes as Excel saves: shared strings, a dimension."""
    _write(tmp_path / "e.xlsx", "excel", 2, 2, [["甲", 1], ["乙", date(2025, 1, 2)]], [])
    with zipfile.ZipFile(tmp_path / "e.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "xl/sharedStrings.xml" in archive.namelist()
    assert '<dimension ref="B2:C3"/>' in sheet and 't="s"' in sheet and "inlineStr" not in sheet


class _Counted(io.BytesIO):
    """A sheet part that counts how much of it has been read."""

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken = getattr(self, "taken", 0) + len(chunk)
        return chunk


def test_the_streamed_reader_hands_on_rows_as_it_parses(tmp_path):
    """A row is handed on once the chunk that ends it is parsed, not after the whole sheet: reading a
    long sheet holds a chunk's rows at a time."""
    path = workbook(tmp_path / "long.xlsx", [HEADER] + [good_row(f"KBS-2025-{i:04d}") for i in range(3000)])
    book = sources.StreamedWorkbook(path)
    with zipfile.ZipFile(path) as archive:
        part = _Counted(archive.read(book._part))
    book._archive.close()
    rows = sheet_xml.sheet_rows(part, [], date_styles=set(), timedelta_styles=set(), epoch=None, uncomputed=str)
    numbers = [number for number, _ in itertools.islice(rows, 5)]
    assert numbers == [1, 2, 3, 4, 5]
    assert part.taken < len(part.getvalue()) / 4
    assert [n for n, _ in rows][-1] == 3001


SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row r="2"><c r="C2" t="s"><v>1</v></c><c r="A2"><v>5</v></c></row>'
         '<row><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><v>x</v></c><c><f>A1+1</f></c>'
         '<c t="inlineStr"><is><r><t>某某</t></r><r><rPr><b/></rPr><t xml:space="preserve">物业 </t></r>'
         '<rPh sb="0" eb="1"><t>ぶ</t></rPh></is></c><c t="inlineStr"/><c r="J3"><v></v></c></row>'
         '<row r="7.0"><c r="B7" t="d"><v>2025-04-02T09:30:00</v></c><c r="C7" s="1"><v>45749.5</v></c>'
         '<c r="D7" s="1"><v>45749</v></c><c r="E7"><v>1.5E3</v></c></row></sheetData></worksheet>')


def test_every_kind_of_cell_reads_as_openpyxl_gives_it():
    """Cells out of column order, without references, of every type, rich inline text with a phonetic
    guide, a formula without its result, an empty value, a row number written as 7.0."""
    rows = list(sheet_xml.sheet_rows(io.BytesIO(SHEET.encode()), ["甲", "乙"], date_styles={1},
                                     timedelta_styles=set(), epoch=datetime(1899, 12, 30),
                                     uncomputed=sources.UncomputedFormula))
    assert rows == [
        (2, [5]),  # as wide as its last cell's column (the reader before this one did so): C2 falls outside
        (3, [True, "#N/A", "x", sources.UncomputedFormula("A1+1"), "某某物业 ", None, None, None, None, None]),
        (7, [None, datetime(2025, 4, 2, 9, 30), datetime(2025, 4, 2, 12, 0), datetime(2025, 4, 2), 1500.0]),
    ]


def test_a_rich_shared_string_reads_as_openpyxl_reads_it(tmp_path):
    """Excel saves a text in several fonts as runs in the shared-strings table."""
    path = tmp_path / "rich.xlsx"
    excel = xlsxwriter.Workbook(str(path))
    sheet = excel.add_worksheet()
    sheet.write_rich_string(0, 0, "某某", excel.add_format({"bold": True}), "物业", "公司")
    sheet.write_string(0, 1, "_x005F_x0041_ 与 & <")
    sheet.write_string(0, 2, "")
    excel.close()
    assert _as_streamed(path) == _as_openpyxl_reads(path)
    assert _as_streamed(path)[0][0] == "某某物业公司"


def test_a_sheet_that_names_a_missing_shared_string_is_refused(tmp_path, monkeypatch):
    path = workbook(tmp_path / "ok.xlsx", [HEADER, GOOD])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="A2" t="inlineStr"><is><t>KBS-2025-011</t></is></c>',
                                    b'<c r="A2" t="s"><v>99</v></c>')
                assert b'<v>99</v>' in data
            target.writestr(item, data)
    monkeypatch.setattr(sources, "STREAM_ABOVE_BYTES", 0)
    with pytest.raises(InputError, match="shared string 99") as raised:
        list(SheetReader(broken))
    assert raised.value.problems[0].code == "unreadable"


def test_a_utf16_text_file_is_named_as_such(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "案件编号\t登记日期\r\nK-1\t2025-04-02\r\n".encode("utf-16-le"))
    with pytest.raises(sources.SourceError) as caught:
        sources.open_source(path)
    assert "UTF-16" in caught.value.problem.zh and "UTF-16" in caught.value.problem.en


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_named_xlsx_is_named_as_text(tmp_path, encoding):
    path = tmp_path / "台账.xlsx"
    path.write_bytes("案件编号,登记日期\nK-1,2025-04-02\n".encode(encoding))
    with pytest.raises(sources.SourceError) as caught:
        sources.open_source(path)
    assert ".csv" in caught.value.problem.zh and "CSV" in caught.value.problem.en
