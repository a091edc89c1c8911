"""``POST /v1/import``: a request body as the ledger's documents, and what an evaluator may send.

A body is read as ``propertytriage import`` reads a file: a JSON document or a list of them, or JSON
lines (``Content-Type: application/x-ndjson`` or ``application/jsonl``), numbers exact, a key given
twice refused. Each document is named the way the command line names it (``request [3]``,
``request line 12``) so a refusal points at it. Spreadsheets (.xlsx, .xlsm, .xls, .ods, .csv) go
through the sheets reader, as the command line's import reads them (web/sheet_upload.py); any other
content type is refused with 415 (see the route).

An evaluator (SPEC §6) submits only its own sheet: a document from such a role that carries another
evaluator's sheet (a Scorecard, a Case's ``scorecard``, a history's ``score`` event) is refused by
itself — the rest of the request is still recorded, as a bad document of a file is on the command line.

:func:`record` does all of it from the body's bytes, where the import is recorded (an import worker,
or a thread): parsing is Python work in proportion to the body — 0.2 s for 10,000 cases, and as much
again to pickle the parsed documents for a worker — and on the event loop every other request would
wait for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from propertytriage.errors import InputError, Problem, echoed
from propertytriage.jsonio import loads
from propertytriage.ledger import ImportSummary, Ledger
from propertytriage.ledger.documents import Document
from propertytriage.web.bodies import decoded
from propertytriage.web.roles import EVALUATOR_ROLES, Role

SOURCE = "request"
JSON_LINES_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/json-lines",
                              "application/jsonlines"})
SPREADSHEET_TYPES = frozenset({  # each a suffix the command line's import reads as a sheet (web/sheet_upload.py)
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel",
    "application/vnd.ms-excel.sheet.macroenabled.12", "application/vnd.oasis.opendocument.spreadsheet",
    "text/csv", "multipart/form-data",
})


def media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type header (no parameters, lower case)."""
    return (content_type or "application/json").split(";", 1)[0].strip().lower()


def documents(text: str, *, json_lines: bool) -> list[Document]:
    """The documents of a body; a malformed body (or line) is one refused document, never an exception."""
    if json_lines:
        return list(_lines(text))
    try:
        parsed = loads(text)
    except InputError as error:
        return [Document(SOURCE, problems=tuple(error.problems))]
    if isinstance(parsed, list):
        return [Document(f"{SOURCE} [{index}]", body) for index, body in enumerate(parsed)]
    return [Document(SOURCE, parsed)]


def record(ledger: Ledger, raw: bytes, *, json_lines: bool, role: Role,
           reason: str | None = None) -> tuple[int, ImportSummary]:
    """How many documents the body held and what importing them into ``ledger`` did; InputError if the
    body is not UTF-8 (nothing recorded). ``reason``: the request's ``?reason=`` (already checked)."""
    found = [own_sheets_only(document, role) for document in documents(decoded(raw), json_lines=json_lines)]
    return len(found), ledger.import_documents(found, reason=reason)


def _lines(text: str) -> Iterator[Document]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{SOURCE} line {number}"
        try:
            yield Document(source, loads(line, line=number, lines=True))
        except InputError as error:
            yield Document(source, problems=tuple(error.problems))


def _sheets(body: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every evaluator's sheet a document carries, with where it sits."""
    if not isinstance(body, dict):
        return
    if isinstance(body.get("evaluations"), list):
        for index, sheet in enumerate(body["evaluations"]):
            yield f"{where}evaluations[{index}]", sheet
    if isinstance(body.get("scorecard"), dict):
        yield from _sheets(body["scorecard"], f"{where}scorecard.")
    if isinstance(body.get("events"), list):
        for index, event in enumerate(body["events"]):
            if isinstance(event, dict) and isinstance(event.get("scorecard"), dict):
                yield from _sheets(event["scorecard"], f"{where}events[{index}].scorecard.")


def _evaluator(sheet: Any) -> Any:
    return sheet.get("evaluator") if isinstance(sheet, dict) else None


def own_sheets_only(document: Document, role: Role) -> Document:
    """The document, or the same document refused if an evaluator role sends another's sheet."""
    if role not in EVALUATOR_ROLES or document.problems:
        return document
    problems = [
        Problem(f"{where}.evaluator", "foreign_sheet",
                f"这是「{echoed(_evaluator(sheet), quote=False)}」的评分表，角色「{role}」只能提交自己的",
                f"this is the sheet of {echoed(_evaluator(sheet))}; role {role!r} submits only its own")
        for where, sheet in _sheets(document.body, "")
        if not isinstance(sheet, dict) or sheet.get("evaluator") != role
    ]
    return Document(document.source, problems=tuple(problems)) if problems else document
