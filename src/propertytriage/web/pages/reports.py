"""The report with its charts, and the 台账 upload with its refused rows: the command line's
``report`` and ``import FILE.xlsx`` on a page.

The report page counts with ``ledger.statistics`` and prints what ``reporting.render`` gives the
report's own HTML (the same texts, figures and charts), the charts as PNG images inline in the page
(``data:`` URIs the page's content policy admits), so nothing is fetched from anywhere. The upload
page sends the file through ``web.sheet_upload`` — the same path as ``POST /v1/import`` and the command
line — and shows every refused row by sheet, row and column, as ``--errors`` would mark them.
"""

from __future__ import annotations

import copy
import functools
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from propertytriage.errors import InputError, echoed
from propertytriage.ledger import ImportSummary, statistics
from propertytriage.ledger.statistics import check_request
from propertytriage.reporting.render import GROUP_TITLES, report_context
from propertytriage.sheets.importing import SheetImport
from propertytriage.web import sheet_upload
from propertytriage.web.pages.site import IMPORT_ROLES, PageError, pages_of, render, require, session_of
from propertytriage.web.pages.users import User

router = APIRouter()
_INLINE_STYLE = re.compile(r' style="[^"]*"')


def _day(text: str, field: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"「{field}」不是有效日期（应为 年-月-日）：{echoed(text, quote=False)}")
        return None


def _charts(context: dict[str, Any]) -> dict[str, Markup]:
    """The charts' ``<img>`` with their inline size moved to the stylesheet (the pages allow no inline style)."""
    return {name: Markup(_INLINE_STYLE.sub(' class="chart"', str(html))) for name, html in context["charts"].items()}


@router.get("/report", include_in_schema=False)
async def report_page(request: Request, start: str = "", end: str = "", by: str = "") -> Response:
    """The period's statistics, with its charts; every role reads them."""
    require(request)
    ledger = pages_of(request).ledger
    errors: list[str] = []
    period_from, period_to = _day(start, "统计期初", errors), _day(end, "统计期末", errors)
    values = {"start": start, "end": end, "by": by}
    if errors:
        return render(request, "report.html", status=422, errors=errors, values=values, groupings=GROUP_TITLES)
    try:
        first, last, grouping = check_request(period_from, period_to, by or None)
    except InputError as error:
        return render(request, "report.html", status=422, errors=[p.zh for p in error.problems], values=values,
                      groupings=GROUP_TITLES)

    def count() -> dict[str, Any]:
        with ledger.engine.connect() as connection:
            document = statistics.report(connection, first, last, grouping)
        return report_context(document, png=True)

    context = await anyio.to_thread.run_sync(count)
    values = {"start": first.isoformat(), "end": last.isoformat(), "by": grouping or ""}
    return render(request, "report.html", errors=[], values=values, groupings=GROUP_TITLES, report=context,
                  charts=_charts(context))


@router.get("/import", include_in_schema=False)
async def upload_page(request: Request) -> Response:
    require(request, IMPORT_ROLES)
    return render(request, "import.html", errors=[], result=None)


TEMPLATE_NAME = "台账模板.xlsx"


@functools.cache
def template_bytes() -> bytes:
    """The blank 台账 of ``propertytriage template``, made once per process (it depends only on the
    rules loaded at start) through the command's own writer, in a private folder."""
    from propertytriage.sheets.template import write_template

    with tempfile.TemporaryDirectory(prefix="propertytriage-template-") as folder:
        return write_template(Path(folder) / "template.xlsx").read_bytes()


@router.get("/import/template.xlsx", include_in_schema=False)
async def template_download(request: Request) -> Response:
    """The template the upload expects, one click from the upload form."""
    require(request, IMPORT_ROLES)
    data = await anyio.to_thread.run_sync(template_bytes)
    return Response(data, media_type=sheet_upload.XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"template.xlsx\"; filename*=UTF-8''{quote(TEMPLATE_NAME)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


def _import(user: User, request: Request, upload: sheet_upload.Upload) -> tuple[ImportSummary, list[SheetImport]]:
    view = copy.copy(pages_of(request).ledger)  # the user on every event, without touching the shared ledger
    view.recorded_by = user.recorded_by
    return sheet_upload.import_upload(view, upload)


@router.post("/import", include_in_schema=False)
async def upload_sheet(request: Request) -> Response:
    """Import the uploaded 台账 and show what was recorded and every row refused, cell by cell."""
    user = require(request, IMPORT_ROLES)
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise PageError(415, "无法处理", "请通过本页的表单选择文件上传。")
    try:
        async with sheet_upload.received_form(content_type, request.stream()) as received:
            if not pages_of(request).signer.csrf_ok(session_of(request), received.fields.get("csrf_token")):
                raise PageError(403, "请求已拒绝",
                                "表单已过期或来源不明（跨站请求校验未通过），请返回重新打开页面后再提交。")
            upload = received.upload()
            summary, jobs = await anyio.to_thread.run_sync(_import, user, request, upload)
    except InputError as error:
        return render(request, "import.html", status=422, errors=[p.zh for p in error.problems], result=None)
    rows = sheet_upload.refused_rows(jobs)
    read_rows = {(row.sheet, row.number) for job in jobs for row in job.refused}
    whole_file = [p.zh for refusal in summary.refused if refusal.source == upload.name for p in refusal.problems]
    result = {"name": upload.name, **summary.as_json(), "rows": rows, "whole_file": whole_file,
              "refused_rows": len(read_rows)}
    status = 422 if summary.refused and not (summary.new or summary.changed or summary.unchanged) else 200
    return render(request, "import.html", status=status, errors=[], result=result)
