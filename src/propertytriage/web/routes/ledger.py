"""The ledger over HTTP: import, one case, the 台账, the due list — the command line's own functions.

Each route calls what ``import``, ``show``, ``cases`` and ``due`` call (``Ledger.import_documents``
and ``ledger.queries``), in a worker thread so the event loop keeps answering while the database
works. An import records the token's holder on every event (``recorded_by``: ``name (role)``).
"""

from __future__ import annotations

import copy
import dataclasses
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from propertytriage.errors import InputError, Problem, echoed
from propertytriage.ledger import ImportSummary, Ledger, queries
from propertytriage.ledger.calendar_file import calendar_bytes
from propertytriage.models import clock
from propertytriage.models.types import IsoDate, half_character
from propertytriage.models.vocabulary import NextStage
from propertytriage.ruledata.corrections import checked_reason
from propertytriage.sheets.sources import WORKBOOK_SUFFIXES
from propertytriage.web import importing, sheet_upload
from propertytriage.web.auth import allowed
from propertytriage.web.importpool import ImportPool
from propertytriage.web.leanroute import LeanRoute
from propertytriage.web.openapi import json_response, ref
from propertytriage.web.personal import for_role
from propertytriage.web.problems import ProblemError, item, problem_schema
from propertytriage.web.schemas import CasePage, CaseRecord, Deadline, ImportResult, Refusal, SheetImportResult
from propertytriage.web.tokens import Principal

router = APIRouter(prefix="/v1", route_class=LeanRoute)

_READ_ERRORS: dict[int | str, dict[str, Any]] = {401: problem_schema(), 403: problem_schema(), 422: problem_schema()}
_ICS = "text/calendar"
MAX_PAGE = 500


_OWN_CHECKER = frozenset({"reason"})
"""Query parameters whose checker refuses half a character itself, in its own words (the reason's)."""


def _raw_query(request: Request) -> Iterator[tuple[str, str]]:
    """Each ``name=value`` of the query as sent, bytes that are not UTF-8 kept as half characters (surrogate
    escapes). Starlette's reading turns them into U+FFFD, which a checker cannot tell from a character the
    clerk typed. Percent-escapes and raw bytes alike."""
    for pair in request.scope.get("query_string", b"").split(b"&"):
        if not pair:
            continue
        key, _, value = pair.partition(b"=")
        yield (urllib.parse.unquote_to_bytes(key.replace(b"+", b" ")).decode("utf-8", "surrogateescape"),
               urllib.parse.unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8", "surrogateescape"))


def known_query(*names: str) -> Any:
    """A dependency refusing query parameters the route does not take: ``?stag=court`` is a typo that
    would otherwise list every case as if it were filtered. Each parameter takes one value: given
    twice (``?company=A&company=B``), the framework would silently keep the last and filter by it.
    A value in bytes that are not UTF-8 (``?company=%FF``) is refused at its parameter (``invalid_value``,
    in the words of every field's half character), where the framework would filter by U+FFFD, a
    company nobody named."""

    async def check(request: Request) -> None:  # async: a dictionary look-up needs no thread of its own
        query = request.query_params
        unknown = [key for key in query if key not in names]
        repeated = {key: len(query.getlist(key)) for key in query if key in names and len(query.getlist(key)) > 1}
        halves = {key: said for key, value in _raw_query(request)
                  if key in names and key not in _OWN_CHECKER and (said := half_character(value)) is not None}
        problems = [Problem(echoed(key, quote=False), "unknown_parameter",
                            f"不认识的查询参数「{echoed(key, quote=False)}」，可用：{', '.join(names)}",
                            f"unknown query parameter {echoed(key)}; expected one of {', '.join(names)}")
                    for key in unknown]
        problems += [Problem(key, "repeated_parameter", f"查询参数「{key}」只能给一次，却给了 {times} 次",
                             f"query parameter {key!r} takes one value but was given {times} times")
                     for key, times in repeated.items()]  # a name the route takes: plain text
        problems += [Problem(key, "invalid_value", f"查询参数「{key}」{zh}", f"query parameter {key!r} {en}")
                     for key, (en, zh) in halves.items()]
        if problems:
            raise InputError(problems)

    return Depends(check)


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger | None = request.app.state.ledger
    if ledger is None:
        raise ProblemError(503, "no_ledger", "此服务未连接台账数据库", "this service has no ledger database")
    return ledger


def recording_as(ledger: Ledger, caller: Principal) -> Ledger:
    """The ledger as the caller records in it: same engine and caches, the caller on every event.

    A shallow copy, so that requests of different callers running at once never see each other's name.
    """
    view = copy.copy(ledger)
    view.recorded_by = caller.recorded_by
    return view


def _result(summary: ImportSummary) -> ImportResult:
    counts = summary.as_json()
    refusals = [Refusal(source=o.source, subject=o.subject, errors=[item(p) for p in o.problems])
                for o in summary.refused]
    return ImportResult(**counts, refusals=refusals)


_FILE = {"type": "string", "format": "binary"}
_REASON = {"type": "string", "minLength": 1}
_IMPORT_BODY = {"requestBody": {"required": True, "description": (
    "documents as `propertytriage import` reads a file: a Case (SPEC §2.1), a Scorecard (§2.3) or a company "
    "history, a JSON list of them, or JSON lines with Content-Type application/x-ndjson; or a 台账 "
    "spreadsheet (SPEC §4) as the body (.xlsx, .xlsm, .xls, .ods or CSV) or as a form upload with a `file` and an "
    "optional "
    "`sheet`; a `correction_reason` beside a Case's keys (a sheet's 更正原因 column) says why it corrects the "
    "case, kept on the events it records"), "content": {
    "application/json": {"schema": {"anyOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]}},
    "application/x-ndjson": {"schema": {"type": "string"}},
    sheet_upload.XLSX: {"schema": _FILE},
    sheet_upload.ODS: {"schema": _FILE},
    "text/csv": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": _FILE, "sheet": {"type": "string"}, "reason": _REASON}}},
}}, "parameters": [
    {"name": "reason", "in": "query", "required": False, "schema": _REASON,
     "description": "why these documents correct the ledger (更正原因), kept on every event the import records; "
                    "a document's own `correction_reason` wins. Text, trimmed, not blank; at most the length "
                    "set in rules/parameters/ledger.yaml (422 `reason_blank`, `reason_too_long`)"},
]}


def _answer(result: ImportResult) -> dict[str, Any]:
    """The result as JSON; ``unchanged_with_reason`` only when some reason was not kept, so that an import
    without reasons is answered as before."""
    return result.model_dump(mode="json", exclude=None if result.unchanged_with_reason else {"unchanged_with_reason"})


def _query_text(request: Request, name: str) -> str | None:
    """``?name=`` as sent, with bytes that are not UTF-8 kept as half characters (see ``_raw_query``): kept,
    the reason checker refuses them by name."""
    return next((value for key, value in _raw_query(request) if key == name), None)


def _reason_of(request: Request, form: str | None = None) -> str | None:
    """The import's reason: ``?reason=`` (given, it must say something), else a form upload's ``reason``."""
    if "reason" in request.query_params:
        return checked_reason(_query_text(request, "reason"), "reason")
    return form


async def _import_sheet(request: Request, caller: Principal, kind: str) -> JSONResponse:
    """An uploaded 台账 through the command line's import of a sheet: counts, refusals and refused rows."""
    body = await request.body()
    if kind == "multipart/form-data":
        upload = sheet_upload.from_multipart(request.headers.get("content-type", ""), body)
    else:
        disposition = request.headers.get("content-disposition")
        upload = sheet_upload.from_body(kind, body, sheet_upload.filename_of(disposition))
    upload = dataclasses.replace(upload, sheet=request.query_params.get("sheet") or upload.sheet,
                                 reason=_reason_of(request, upload.reason))
    view = recording_as(ledger_of(request), caller)
    summary, jobs = await anyio.to_thread.run_sync(sheet_upload.import_upload, view, upload)
    if summary.refused and not (summary.new or summary.changed or summary.unchanged):
        raise InputError([problem.within(refusal.source) for refusal in summary.refused
                          for problem in refusal.problems])
    result = SheetImportResult(**_result(summary).model_dump(), rows=sheet_upload.refused_rows(jobs))
    return JSONResponse(_answer(result))


@router.post(
    "/import", name="import", tags=["ledger"], openapi_extra=_IMPORT_BODY,
    dependencies=[known_query("sheet", "reason")],
    responses={200: json_response({"anyOf": [ref(ImportResult, "serialization"),
                                             ref(SheetImportResult, "serialization")]},
                                  "counts and refusals (and a sheet's refused rows); the rest is recorded"),
               401: problem_schema(), 403: problem_schema(), 413: problem_schema(), 415: problem_schema(),
               422: problem_schema()},
)
async def import_documents(request: Request, caller: Annotated[Principal, Depends(allowed("import"))]) -> JSONResponse:
    """Record documents or a sheet in the ledger as ``propertytriage import`` does; 422 when every one was
    refused."""
    kind = importing.media_type(request.headers.get("content-type"))
    if kind in importing.SPREADSHEET_TYPES:
        return await _import_sheet(request, caller, kind)
    if "sheet" in request.query_params:
        formats = "、".join(WORKBOOK_SUFFIXES)  # every workbook the upload takes; a CSV or JSON has no sheets
        raise InputError([Problem("sheet", "not_a_workbook", f"只有上传工作簿（{formats}）时才能指定工作表（sheet）",
                                  f"sheet is taken only with an uploaded workbook ({', '.join(WORKBOOK_SUFFIXES)})")])
    if kind != "application/json" and kind not in importing.JSON_LINES_TYPES:
        raise ProblemError(415, "unsupported_media_type", f"不支持的内容类型：{echoed(kind, quote=False)}",
                           f"unsupported content type {echoed(kind)}; send application/json or application/x-ndjson")
    reason = _reason_of(request)  # refused before the body is read or anything recorded
    ledger = ledger_of(request)
    raw = await request.body()
    json_lines = kind in importing.JSON_LINES_TYPES
    # parsed where it is recorded, never on the event loop (web/importing.py)
    pool: ImportPool | None = request.app.state.import_pool
    if pool is not None:  # recorded in a worker process (web/importpool.py), committed before the answer
        found, summary = await pool.import_body(raw, json_lines=json_lines, role=caller.role,
                                                recorded_by=caller.recorded_by, reason=reason)
    else:
        found, summary = await anyio.to_thread.run_sync(
            partial(importing.record, recording_as(ledger, caller), raw, json_lines=json_lines, role=caller.role,
                    reason=reason))
    result = _result(summary)
    if found and len(summary.refused) == found:  # nothing recorded: the request is invalid
        raise InputError([problem if found == 1 else problem.within(refusal.source)
                          for refusal in summary.refused for problem in refusal.problems])
    return JSONResponse(_answer(result))


@router.get(
    "/cases/{case_id:path}", name="case", tags=["ledger"], dependencies=[known_query()],
    responses={200: json_response(ref(CaseRecord, "serialization"), "the case as `propertytriage show` prints it"),
               404: problem_schema(), **_READ_ERRORS},
)
async def show_case(
    request: Request,
    case_id: Annotated[str, Path(min_length=1, max_length=300)],
    caller: Annotated[Principal, Depends(allowed("case"))],
) -> JSONResponse:
    """The case, its decision, its events (oldest first) and its deadlines; numbers masked for some roles."""
    ledger = ledger_of(request)

    def read() -> dict[str, Any] | None:
        with ledger.engine.connect() as connection:
            return queries.show(connection, case_id)

    record = await anyio.to_thread.run_sync(read)
    if record is None:
        shown = echoed(case_id, quote=False)  # as typed in the path: a newline or a pasted paragraph stays out
        raise ProblemError(404, "unknown_case", f"台账中没有案件 {shown}", f"the ledger holds no case {shown}")
    return JSONResponse(for_role(record, caller.role))


@router.get(
    "/cases", name="cases", tags=["ledger"],
    dependencies=[known_query("stage", "overdue", "on", "community", "company", "limit", "offset")],
    responses={200: json_response(ref(CasePage, "serialization"), "a page of the 台账, oldest filing first"),
               **_READ_ERRORS},
)
async def list_cases(
    request: Request,
    caller: Annotated[Principal, Depends(allowed("cases"))],
    stage: Annotated[NextStage | None, Query(description="the next step")] = None,
    overdue: Annotated[bool, Query(description="only cases with a deadline passed on `on`")] = False,
    on: Annotated[IsoDate | None, Query(description="the day overdue is judged by (default: today)")] = None,
    community: Annotated[str | None, Query(min_length=1, max_length=300, description="the estate's 社区")] = None,
    company: Annotated[str | None, Query(min_length=1, max_length=300,
                                         description="the property company's name or credit code")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JSONResponse:
    """The cases the filters select, a page at a time, with how many there are in all."""
    ledger = ledger_of(request)
    filters: dict[str, Any] = {"stage": stage, "overdue_on": (on or clock.today()) if overdue else None,
                               "community": community, "company": company}

    def read() -> tuple[int, list[dict[str, Any]]]:
        with ledger.engine.connect() as connection:
            return (queries.count_cases(connection, **filters),
                    queries.list_cases(connection, **filters, limit=limit, offset=offset))

    total, items = await anyio.to_thread.run_sync(read)
    return JSONResponse({"total": total, "limit": limit, "offset": offset, "items": items})


@router.get(
    "/due", name="due", tags=["ledger"], dependencies=[known_query("on", "days", "format")],
    responses={200: {"description": "what falls due by `on` plus `days`, overdue first", "content": {
        "application/json": {"schema": {"type": "array", "items": ref(Deadline, "serialization")}},
        _ICS: {"schema": {"type": "string"}}}}, **_READ_ERRORS},
)
async def due(
    request: Request,
    caller: Annotated[Principal, Depends(allowed("due"))],
    on: Annotated[IsoDate | None, Query(description="the day (default: today)")] = None,
    days: Annotated[int, Query(ge=0, le=366, description="also what falls due this many days later")] = 7,
    format: Annotated[Literal["json", "ics"] | None, Query(
        description="`ics` for an iCalendar file (as does `Accept: text/calendar`)")] = None,
) -> Response:
    """The due list as ``propertytriage due`` gives it, or as a calendar clerks subscribe to."""
    ledger = ledger_of(request)
    day = on or clock.today()

    def read() -> list[dict[str, Any]]:
        with ledger.engine.connect() as connection:
            return queries.due(connection, day, within_days=days)

    items = await anyio.to_thread.run_sync(read)
    wants_calendar = format == "ics" or (format is None and _ICS in request.headers.get("accept", ""))
    if wants_calendar:
        return Response(calendar_bytes(items, stamp=datetime.now(UTC)), media_type=f"{_ICS}; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="due.ics"'})
    return JSONResponse(items)
