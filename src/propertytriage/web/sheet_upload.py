"""A spreadsheet sent over HTTP, imported as ``propertytriage import FILE.xlsx`` imports it.

Two ways to send one: the file as the body, with its spreadsheet content type (``text/csv``, the
.xlsx type, or ``application/vnd.ms-excel`` as Windows labels both .xls and .csv), or a
``multipart/form-data`` upload whose file part carries its name (what a browser's file field sends,
and ``curl -F file=@台账.xlsx``). The bytes are kept in a private temporary folder only while the sheets
reader works through them; the ledger's events and the refusals name the file as it was sent, never
the temporary path. The request's size is bounded by the service's body limit like any other body.

Multipart is read by python-multipart's streaming parser (the one Starlette uses), fed chunk by chunk:
the file's bytes go unchanged (an .xlsx is a zip) straight to a file in a private folder, never held
whole in memory nor written where others can read it, and a hostile body — no boundary, a part too
large, too many parts, a name with folders in it — is a 422 naming what is wrong, never a 500.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from propertytriage.errors import InputError, Problem, echoed
from propertytriage.ledger import ImportSummary, Ledger
from propertytriage.ledger.file_import import import_files
from propertytriage.models.types import half_character
from propertytriage.ruledata.corrections import checked_reason
from propertytriage.sheets import SHEET_SUFFIXES
from propertytriage.sheets.importing import SheetImport
from propertytriage.web.schemas import RefusedCell, RefusedRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroenabled.12"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
UPLOAD_SUFFIXES = SHEET_SUFFIXES
"""Every file the command line's ``import`` reads as a sheet (.xlsx, .xlsm, .xls, .ods, .csv): a clerk who
uploads the file gets what ``propertytriage import`` of it gives, whichever program saved it (WPS and
LibreOffice save .ods)."""
_SUFFIX_OF_TYPE = {XLSX: ".xlsx", XLSM: ".xlsm", ODS: ".ods", "text/csv": ".csv"}
_SUFFIXES_ZH = "、".join(UPLOAD_SUFFIXES[:-1]) + f" 或 {UPLOAD_SUFFIXES[-1]}"
_SUFFIXES_EN = ", ".join(UPLOAD_SUFFIXES[:-1]) + f" and {UPLOAD_SUFFIXES[-1]}"


@dataclass(frozen=True)
class Upload:
    """The file as sent: its name (as the clerk knows it), its bytes, and the sheet asked for."""

    name: str
    data: bytes
    sheet: str | None = None
    path: Path | None = None  # a streamed upload's file, in its private folder, instead of ``data``
    reason: str | None = None  # the import's reason for its corrections (a ``reason`` field), checked


def _problem(code: str, zh: str, en: str, where: str = "file") -> InputError:
    return InputError([Problem(where, code, zh, en)])


def _base_name(filename: str) -> str:
    """The file's own name, without any folder a browser (or a forged request) put before it."""
    return PureWindowsPath(PurePosixPath(filename).name).name.strip()


def _sniffed_suffix(data: bytes) -> str:
    """What ``application/vnd.ms-excel`` holds: a zip is an .xlsx, or an .ods when its first entry is the
    OpenDocument ``mimetype`` (stored uncompressed, as ODF requires); an OLE file an .xls, else CSV text."""
    if data.startswith(b"PK\x03\x04"):
        return ".ods" if data[30:38] == b"mimetype" and data[38:38 + len(ODS)] == ODS.encode() else ".xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".xls"
    return ".csv"


def checked_name(filename: str) -> str:
    """The upload's name if it is a spreadsheet this service reads, else a 422 naming the file field."""
    name = _base_name(filename)
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise _problem("not_a_sheet", f"只能上传 {_SUFFIXES_ZH} 文件：{echoed(name, quote=False) or '（无文件名）'}",
                       f"only {_SUFFIXES_EN} files can be uploaded, not {echoed(name) if name else repr('(no name)')}")
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


# A clerk's form has a file, a sheet name and the CSRF token: anything far beyond that is not a form a
# person filled in. The file itself is bounded by the service's body limit, as it streams.
MAX_PARTS = 16
FIELD_LIMIT = 64 * 1024
_MAX_BOUNDARY = 70  # RFC 2046 §5.1.1


def _malformed(zh: str, en: str) -> InputError:
    return _problem("malformed_upload", f"上传内容无法读取：{zh}", f"the upload cannot be read: {en}", "body")


class _FormReader:
    """A ``multipart/form-data`` body fed in chunks to python-multipart's streaming parser.

    The first part with a file name goes to ``sink`` as it arrives, byte for byte (an .xlsx is a zip);
    a file part without a name is dropped unread and a second named one refused (recording the first
    alone would lose it); text fields are kept, each at most ``FIELD_LIMIT`` bytes. Every breach of
    shape is an InputError naming it, never an exception of the parser's own.
    """

    def __init__(self, content_type: str, sink: BinaryIO) -> None:
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary", b"")
        if kind != b"multipart/form-data" or not boundary:
            raise _problem("malformed_upload", "上传内容缺少分隔符（boundary）", "the upload has no multipart boundary",
                           "body")
        if len(boundary) > _MAX_BOUNDARY:
            raise _malformed("分隔符（boundary）过长", f"the multipart boundary is longer than {_MAX_BOUNDARY}")
        self.sink = sink
        self.filename: str | None = None
        self.fields: dict[str, str] = {}
        self.parts = 0
        self.ended = False
        self._headers: dict[bytes, bytes] = {}
        self._field, self._value = b"", b""
        self._target: str = ""  # "file", "drop", or "field:NAME"
        self._data = bytearray()
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._begin, "on_header_field": self._header_field,
            "on_header_value": self._header_value, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
            "on_part_end": self._part_end, "on_end": self._end,
        }, max_header_count=8, max_header_size=4096)

    def write(self, chunk: bytes) -> None:
        try:
            self._parser.write(chunk)
        except FormParserError:
            raise _malformed("不是有效的 multipart/form-data 格式",
                             "the body is not valid multipart/form-data") from None

    def finish(self) -> tuple[str | None, dict[str, str]]:
        """The file's name as sent (None when no part had one) and the text fields."""
        if not self.ended:
            raise _malformed("内容不完整（缺少结束分隔符）", "the body ends before its closing boundary")
        return self.filename, self.fields

    def _begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise _problem("too_many_parts", f"上传表单的部分过多（最多 {MAX_PARTS} 个）",
                           f"the upload has more than {MAX_PARTS} parts", "body")
        self._headers, self._data = {}, bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.strip().lower()] = self._value.strip()
        self._field, self._value = b"", b""

    def _headers_finished(self) -> None:
        # latin-1 carries the bytes through the header parser unchanged; the names are UTF-8, as browsers send
        _, options = parse_options_header(self._headers.get(b"content-disposition", b"").decode("latin-1"))
        if b"name" not in options:
            raise _malformed("某一部分没有名称（Content-Disposition 的 name）",
                             "a part has no name in its Content-Disposition")
        name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            filename = options[b"filename"].decode("utf-8", "replace")
            if filename and self.filename is not None:  # recording the first alone would lose the second
                raise _problem("too_many_files", "一次只能上传一个台账文件，请分别上传",
                               "upload one spreadsheet at a time; send each file in its own request", "body")
            self._target = "file" if filename else "drop"
            if self._target == "file":
                self.filename = filename
        else:
            self._target = f"field:{name}"

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._target == "file":
            self.sink.write(data[start:end])  # a local file or memory: quicker than a hop to a thread
        elif self._target.startswith("field:"):
            self._data += data[start:end]
            if len(self._data) > FIELD_LIMIT:
                field = echoed(self._target.removeprefix("field:"), quote=False)
                raise _problem("field_too_large", f"表单字段「{field}」超过 {FIELD_LIMIT // 1024} KB",
                               f"the form field '{field}' exceeds {FIELD_LIMIT // 1024} KB", field)

    def _part_end(self) -> None:
        if self._target.startswith("field:"):
            # bytes that are not UTF-8 stay half characters, which the field's checker refuses by name
            # (the reason's: invalid_value); replaced by U+FFFD they would be recorded as if typed so
            self.fields.setdefault(self._target.removeprefix("field:"), self._data.decode("utf-8", "surrogateescape"))

    def _end(self) -> None:
        self.ended = True


def _chosen(filename: str | None, fields: dict[str, str], size: int, data: bytes = b"") -> Upload:
    if not filename:
        raise _problem("missing_file", "未上传文件：请选择一个 .xlsx、.xlsm、.xls、.ods 或 .csv 文件",
                       "no file in the upload; choose an .xlsx, .xlsm, .xls, .ods or .csv file")
    name = checked_name(filename)
    if not size:
        raise _problem("empty_file", f"上传的文件是空的：{echoed(name, quote=False)}",
                       f"the uploaded file {echoed(name)} is empty")
    reason = checked_reason(fields["reason"], "reason") if fields.get("reason", "").strip() else None
    sheet = fields.get("sheet", "").strip() or None
    said = half_character(sheet) if sheet else None
    if said is not None:  # bytes that are not UTF-8 (kept as half characters by _part_end): no sheet is named so
        raise _problem("invalid_value", f"工作表名称{said[1]}", f"the sheet's name {said[0]}", "sheet")
    return Upload(name, data, sheet, reason=reason)


def from_multipart(content_type: str, body: bytes) -> Upload:
    """The upload of a ``multipart/form-data`` body already read (bounded by the body limit)."""
    sink = io.BytesIO()
    reader = _FormReader(content_type, sink)
    reader.write(body)
    filename, fields = reader.finish()
    return _chosen(filename, fields, sink.tell(), data=sink.getvalue())


@contextlib.asynccontextmanager
async def received_form(content_type: str, chunks: AsyncIterable[bytes]) -> AsyncIterator[Received]:
    """A form upload read as it streams in, its file written straight into a private temporary folder.

    The folder (mode 0700, removed on leaving) holds the file only while the caller imports it; the
    body limit stops the stream past the service's limit (413). The fields come back before the file
    is checked, so that a page can check its CSRF token first.
    """
    with tempfile.TemporaryDirectory(prefix="propertytriage-upload-") as folder:
        path = Path(folder) / "upload"
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as sink:
            reader = _FormReader(content_type, sink)
            async for chunk in chunks:
                reader.write(chunk)
            filename, fields = reader.finish()
            size = sink.tell()
        yield Received(filename, fields, size, path)


@dataclass(frozen=True)
class Received:
    """What a form upload held: the file's name as sent, the text fields, the file's size and place."""

    filename: str | None
    fields: dict[str, str]
    size: int
    path: Path

    def upload(self) -> Upload:
        """The upload to import; InputError when there is no file, a file not a sheet, or an empty one."""
        upload = _chosen(self.filename, self.fields, self.size)
        named = self.path.rename(self.path.with_name(f"upload{Path(upload.name).suffix.lower()}"))
        return Upload(upload.name, b"", upload.sheet, named, upload.reason)


def import_upload(ledger: Ledger, upload: Upload) -> tuple[ImportSummary, list[SheetImport]]:
    """The upload through the command line's import of a sheet (``ledger.file_import``).

    The reader knows a file by its suffix: a streamed upload's file already has one in its private
    folder; the bytes of a body are written under one in a private temporary folder (mode 0700).
    """
    if upload.path is not None:
        return _import_path(ledger, upload, upload.path)
    with tempfile.TemporaryDirectory(prefix="propertytriage-upload-") as folder:
        path = Path(folder) / f"upload{Path(upload.name).suffix.lower()}"
        path.write_bytes(upload.data)
        return _import_path(ledger, upload, path)


def _import_path(ledger: Ledger, upload: Upload, path: Path) -> tuple[ImportSummary, list[SheetImport]]:
    sheet = upload.sheet if path.suffix != ".csv" else None
    return import_files(ledger, [str(path)], sheet=sheet, names={str(path): upload.name}, reason=upload.reason)


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
