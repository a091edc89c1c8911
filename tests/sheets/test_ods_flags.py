"""An .ods 台账 saved by LibreOffice: its boolean cells (TRUE/FALSE typed in Calc, or an Excel file's booleans
as Calc converts them) read as the yes/no columns read 是/否. The files are written by LibreOffice itself
(no dependency of the project writes .ods); without it the test is skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from propertytriage.cli.main import main
from tests.sheets.books import HEADER, good_row, workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

FLAGS = ["需要鉴定", "有反诉", "涉外", "争议较大", "违约金计至清偿之日"]
KEYS = ["needs_appraisal", "counterclaim", "foreign_related", "contentious"]
VALUES = {"O-1": [True, False, True, False, True], "O-2": [False, True, False, True, False]}

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _cell(value: Any) -> str:
    if isinstance(value, bool):  # a cell Calc holds as a boolean (value type boolean, a boolean format)
        word = "true" if value else "false"
        return (f'<table:table-cell table:style-name="yesno" office:value-type="boolean" '
                f'office:boolean-value="{word}"><text:p>{word.upper()}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def _flat_ods(path: Path, rows: list[list[Any]]) -> Path:
    """A flat ODF spreadsheet (.fods), which LibreOffice opens and saves as .ods."""
    body = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>" for row in rows)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><office:document {_NS} office:version="1.2" '
        'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:automatic-styles>'
        '<number:boolean-style style:name="N1"><number:boolean/></number:boolean-style>'
        '<style:style style:name="yesno" style:family="table-cell" style:data-style-name="N1"/>'
        f'</office:automatic-styles><office:body><office:spreadsheet><table:table table:name="台账">{body}'
        "</table:table></office:spreadsheet></office:body></office:document>", encoding="utf-8")
    return path


def _rows(flag: Any) -> list[list[Any]]:
    return [[*HEADER, *FLAGS], *([*good_row(case_id, c12=flag(True)), *(flag(v) for v in values)]
                                 for case_id, values in VALUES.items())]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same 台账 three ways: .ods with Calc's booleans, .ods converted from an .xlsx with Excel's booleans
    (Calc makes them =TRUE() and =FALSE()), and .xlsx with 是/否 typed as text."""
    folder = tmp_path_factory.mktemp("ods")
    typed = _flat_ods(folder / "typed.fods", _rows(lambda v: v))
    excel = workbook(folder / "excel.xlsx", _rows(lambda v: v))
    words = workbook(folder / "words.xlsx", _rows(lambda v: "是" if v else "否"))
    out = folder / "out"
    subprocess.run([str(SOFFICE), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "ods", "--outdir", str(out), str(typed), str(excel)],
                   check=True, capture_output=True, timeout=300)
    return {"typed": out / "typed.ods", "excel": out / "excel.ods", "words": words}


def _cases(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    db = f"sqlite:///{tmp_path / (book.stem + '.db')}"
    assert main(["import", str(book), "--db", db]) == 0, capsys.readouterr().err
    capsys.readouterr()
    found = {}
    for case_id in VALUES:
        assert main(["show", case_id, "--db", db]) == 0
        found[case_id] = json.loads(capsys.readouterr().out)["case"]
    return found


def test_the_files_hold_what_calc_saved(books: dict[str, Path]) -> None:
    import zipfile

    with zipfile.ZipFile(books["typed"]) as typed, zipfile.ZipFile(books["excel"]) as excel:
        assert 'office:value-type="boolean"' in typed.read("content.xml").decode()
        assert "TRUE()" in excel.read("content.xml").decode()


@pytest.mark.parametrize("kind", ["typed", "excel"])
def test_boolean_cells_read_as_yes_and_no(books: dict[str, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], kind: str) -> None:
    expected = _cases(books["words"], tmp_path, capsys)
    found = _cases(books[kind], tmp_path, capsys)
    assert found == expected
    for case_id, values in VALUES.items():
        case = found[case_id]  # show leaves out what is at its default (false)
        assert [case.get(key, False) for key in KEYS] == values[:4]
        assert case.get("arrears", {}).get("late_fee_until_paid", False) is values[4]
        assert case.get("has_owners_committee", True) is True
