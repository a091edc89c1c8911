"""A spreadsheet sent over HTTP, imported as ``propertytriage import FILE.xlsx`` imports it.

Two ways to send one: the file as the body, with its spreadsheet content type (``text/csv``, the
.xlsx type, or ``application/vnd.ms-excel`` as Windows labels both .xls and .csv), or a
``multipart/form-data`` upload whose file part carries its name (what a browser's file field sends,
and ``curl -F file=@台账.xlsx``). The bytes are kept in a private temporary folder only while the sheets
reader works through them; the ledger's events and the refusals name the file as it was sent, never
the temporary path. The request's size is bounded by the service's body limit like any other body.

Multipart is read here by splitting on the boundary: the form has one file and maybe a sheet name,
and the exact bytes of the file matter (an .xlsx is a zip), which a text-minded parser might change.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from email.message import Message
from pathlib import Path, PurePosixPath, PureWindowsPath

from propertytriage.errors import InputError, Problem
from propertytriage.ledger import ImportSummary, Ledger
from propertytriage.ledger.file_import import import_files
from propertytriage.sheets.importing import SheetImport
from propertytriage.web.schemas import RefusedCell, RefusedRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_SUFFIX_OF_TYPE = {XLSX: ".xlsx", "text/csv": ".csv"}


@dataclass(frozen=True)
class Upload:
    """The file as sent: its name (as the clerk knows it), its bytes, and the sheet asked for."""

    name: str
    data: bytes
    sheet: str | None = None


def _problem(code: str, zh: str, en: str, where: str = "file") -> InputError:
    return InputError([Problem(where, code, zh, en)])


def _base_name(filename: str) -> str:
    """The file's own name, without any folder a browser (or a forged request) put before it."""
    return PureWindowsPath(PurePosixPath(filename).name).name.strip()


def _sniffed_suffix(data: bytes) -> str:
    """What ``application/vnd.ms-excel`` holds: a zip is an .xlsx, an OLE file an .xls, else CSV text."""
    if data.startswith(b"PK\x03\x04"):
        return ".xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".xls"
    return ".csv"


def checked_name(filename: str) -> str:
    """The upload's name if it is a spreadsheet this service reads, else a 422 naming the file field."""
    name = _base_name(filename)
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise _problem("not_a_sheet", f"只能上传 .xlsx、.xls 或 .csv 文件：{name or '（无文件名）'}",
                       f"only .xlsx, .xls and .csv files can be uploaded, not {name or '(no name)'!r}")
    return name


def from_body(kind: str, data: bytes, filename: str | None = None) -> Upload:
    """A body that is the file itself; named by a Content-Disposition filename when one is given."""
    if filename:
        return Upload(checked_name(filename), data)
    suffix = _SUFFIX_OF_TYPE.get(kind) or _sniffed_suffix(data)
    return Upload(f"upload{suffix}", data)


def _parameters(header: str, value: str) -> Message:
    message = Message()
    message[header] = value
    return message


def form_parts(content_type: str, body: bytes) -> tuple[list[tuple[str, bytes]], dict[str, str]]:
    """The files (name as sent, bytes) and the text fields of a ``multipart/form-data`` body."""
    boundary = _parameters("content-type", content_type).get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise _problem("malformed_upload", "上传内容缺少分隔符（boundary）", "the upload has no multipart boundary",
                       "body")
    files: list[tuple[str, bytes]] = []
    fields: dict[str, str] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            continue
        content = content.removesuffix(b"\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _parameters("content-disposition", headers.get("content-disposition", "form-data"))
        filename = disposition.get_filename()
        name = disposition.get_param("name", header="content-disposition")
        if filename is not None:
            files.append((filename, content))
        elif isinstance(name, str):
            fields[name] = content.decode("utf-8", "replace")
    return files, fields


def from_parts(files: list[tuple[str, bytes]], fields: dict[str, str]) -> Upload:
    """The first file with a name, and the ``sheet`` field if any, of a form upload."""
    named = [(filename, data) for filename, data in files if filename]
    if not named:
        raise _problem("missing_file", "未上传文件：请选择一个 .xlsx 或 .csv 文件",
                       "no file in the upload; choose an .xlsx or .csv file")
    filename, data = named[0]
    name = checked_name(filename)
    if not data:
        raise _problem("empty_file", f"上传的文件是空的：{name}", f"the uploaded file {name!r} is empty")
    return Upload(name, data, fields.get("sheet", "").strip() or None)


def from_multipart(content_type: str, body: bytes) -> Upload:
    """The upload of a ``multipart/form-data`` body (see :func:`from_parts`)."""
    return from_parts(*form_parts(content_type, body))


def import_upload(ledger: Ledger, upload: Upload) -> tuple[ImportSummary, list[SheetImport]]:
    """The upload through the command line's import of a sheet (``ledger.file_import``)."""
    with tempfile.TemporaryDirectory(prefix="propertytriage-upload-") as folder:
        path = Path(folder) / f"upload{Path(upload.name).suffix.lower()}"
        path.write_bytes(upload.data)
        sheet = upload.sheet if path.suffix != ".csv" else None
        return import_files(ledger, [str(path)], sheet=sheet, names={str(path): upload.name})


def refused_rows(jobs: list[SheetImport]) -> list[RefusedRow]:
    """Every refused row, in the sheet's order, with each cell at fault as the clerk sees it."""
    rows = sorted((row for job in jobs for row in job.refused), key=lambda row: (row.sheet, row.number))
    return [RefusedRow(sheet=row.sheet, row=row.number, errors=[
        RefusedCell(column=p.letter, header=p.header, code=p.code, message_zh=p.zh, message_en=p.en)
        for p in row.problems]) for row in rows]


def filename_of(disposition: str | None) -> str | None:
    """The file name of a ``Content-Disposition`` header (``attachment; filename*=UTF-8''台账.xlsx``)."""
    if not disposition:
        return None
    name = _parameters("content-disposition", disposition).get_filename()
    return name or None
