"""The 台账, a case's page, filing a case, recording an attempt, the forms as PDFs, the due list.

Every figure comes from the ledger's own queries (``show``, ``list_cases``, ``due``); filing and
recording go through its import, so a page can never decide a case differently from the command line.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import anyio
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from propertytriage.errors import echoed
from propertytriage.ledger import queries
from propertytriage.ledger.snapshots import COMPANY_FIELDS
from propertytriage.models import clock
from propertytriage.models.case import Case
from propertytriage.models.validation import validate
from propertytriage.models.vocabulary import FORM_IDS, STAGES
from propertytriage.rendering.forms import file_name
from propertytriage.ruledata import default_rulebook
from propertytriage.web.pages import caseform
from propertytriage.web.pages.amounts import claim_text
from propertytriage.web.pages.labels import ATTEMPT_STAGE_ZH, DISPUTE_ZH, STAGE_ZH
from propertytriage.web.pages.site import (
    IMPORT_ROLES,
    PageError,
    case_url,
    masked_case,
    masked_model,
    pages_of,
    read_form,
    redirect,
    render,
    require,
    sees_personal_data,
)
from propertytriage.web.routes import forms as form_routes

router = APIRouter()
PAGE_SIZE = 50
CaseIdQuery = Annotated[str, Query(alias="id", max_length=1000)]


def _today() -> date:
    return clock.today()


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PageError(400, "日期无效", f"日期「{echoed(text, quote=False)}」应写作 YYYY-MM-DD。") from None


def _show(request: Request, case_id: str) -> dict[str, Any]:
    with pages_of(request).ledger.engine.connect() as connection:
        record = queries.show(connection, case_id)
    if record is None:
        raise PageError(404, "没有此案件", f"台账中没有编号为「{echoed(case_id, quote=False)}」的案件。")
    return record


@router.get("/", include_in_schema=False)
async def home(request: Request) -> Response:
    require(request)
    return redirect("/cases")


@router.get("/cases", include_in_schema=False)
async def ledger_page(request: Request, stage: str = "", overdue: str = "", community: str = "", company: str = "",
                      page: int = 1) -> Response:
    """The 台账: the ledger's list, filtered by stage and overdue in the query, community and company here."""
    require(request)
    today = _today()
    if stage and stage not in STAGE_ZH:
        stage = ""
    with pages_of(request).ledger.engine.connect() as connection:
        rows = queries.list_cases(connection, stage=stage or None, overdue_on=today if overdue else None)
    communities = sorted({r["community"] for r in rows if r.get("community")})
    companies = sorted({r["company"] for r in rows if r.get("company")})
    if community:
        rows = [r for r in rows if r.get("community") == community]
    if company:
        rows = [r for r in rows if r.get("company") == company]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    filters = {k: v for k, v in (("stage", stage), ("overdue", overdue), ("community", community),
                                 ("company", company)) if v}

    def page_link(number: int) -> str:
        return "/cases?" + urlencode({**filters, "page": number})

    return render(request, "cases.html", rows=shown, total=len(rows), page=page, pages=pages, page_link=page_link,
                  stage=stage, overdue=overdue, community=community, company=company, communities=communities,
                  companies=companies, today=today)


@router.get("/cases/new", include_in_schema=False)
async def new_case_page(request: Request) -> Response:
    require(request, IMPORT_ROLES)
    values = {"filed_on": _today().isoformat(), "province": "内蒙古自治区", "has_owners_committee": "on"}
    return _case_form(request, values, {}, [])


def _case_form(request: Request, values: dict[str, str], errors: dict[str, list[str]], general: list[str],
               status: int = 200) -> Response:
    return render(request, "case_new.html", status=status, values=values, errors=errors, general=general,
                  provinces=default_rulebook().wages.provinces, dispute_types=DISPUTE_ZH)


@router.post("/cases/new", include_in_schema=False)
async def file_case(request: Request) -> Response:
    user = require(request, IMPORT_ROLES)
    form = await read_form(request)
    values = {k: form.get(k, "") for k in caseform.CASE_FIELDS}
    document = caseform.case_document(form)
    case_id = document.get("case_id", "")
    if case_id:
        with pages_of(request).ledger.engine.connect() as connection:
            if queries.show(connection, case_id) is not None:
                return _case_form(request, values, {"case_id": ["该编号已在台账中，请打开该案件记录新的进展"]}, [],
                                  status=422)
    summary = await anyio.to_thread.run_sync(pages_of(request).import_one, document, "网页登记", user)
    if summary.refused:
        errors, general = caseform.errors_by_field(summary.refused[0].problems, caseform.CASE_FIELDS)
        return _case_form(request, values, errors, general, status=422)
    return redirect(case_url(case_id, filed="1"))


@router.get("/case", include_in_schema=False)
async def case_page(request: Request, case_id: CaseIdQuery = "", filed: str = "", recorded: str = "") -> Response:
    require(request)
    record = _show(request, case_id)
    return _case_view(request, record, {}, [], {}, filed=bool(filed), recorded=bool(recorded))


@router.get("/cases/{case_id:path}", include_in_schema=False)
async def case_by_path(request: Request, case_id: str) -> Response:
    """``/cases/ID``, as typed or bookmarked, leads to the case's page (``/cases/new`` is the filing form)."""
    require(request)
    return redirect(case_url(case_id))


def _case_view(request: Request, record: dict[str, Any], errors: dict[str, list[str]], general: list[str],
               values: dict[str, str], status: int = 200, **flags: Any) -> Response:
    user = request.state.user
    case = record["case"] if sees_personal_data(user) else masked_case(record["case"])
    if not values:
        values = {"on": _today().isoformat(), "stage": _suggested_stage(record), "outcome": "failed"}
    return render(request, "case.html", status=status, record=record, case=case, decision=record["decision"],
                  claim=claim_text(record["case"]),
                  events=record["events"], deadlines=record["deadlines"], today=_today(), errors=errors,
                  general=general, values=values, attempt_stages=ATTEMPT_STAGE_ZH, form_ids=FORM_IDS,
                  can_record=user.role in IMPORT_ROLES, full_data=sees_personal_data(user), **flags)


def _suggested_stage(record: dict[str, Any]) -> str:
    stage = record["decision"].get("next_stage")
    return stage if stage in STAGES else "owners_committee"


ATTEMPT_FIELDS = ("stage", "outcome", "on")


@router.post("/case/attempts", include_in_schema=False)
async def record_attempt(request: Request, case_id: CaseIdQuery = "") -> Response:
    """An attempt's outcome: the current case plus the attempt, imported as the case's next snapshot."""
    user = require(request, IMPORT_ROLES)
    form = await read_form(request)
    record = _show(request, case_id)
    values = {k: form.get(k, "").strip() for k in ATTEMPT_FIELDS}
    errors: dict[str, list[str]] = {}
    if values["stage"] not in ATTEMPT_STAGE_ZH:
        errors["stage"] = ["请选择处理环节"]
    if values["outcome"] not in ("resolved", "failed"):
        errors["outcome"] = ["请选择结果：已化解或未化解"]
    if errors:
        return _case_view(request, record, errors, [], values, status=422)
    document = copy.deepcopy(record["case"])
    company = document.get("property_company", {})
    if company.get("credit_code") or company.get("name"):  # the company's part is on its own record already
        for key in COMPANY_FIELDS:
            document.pop(key, None)
    attempt = {"stage": values["stage"], "outcome": values["outcome"]}
    if values["on"]:
        attempt["on"] = values["on"]
    document["attempts"] = [*document.get("attempts", []), attempt]
    summary = await anyio.to_thread.run_sync(pages_of(request).import_one, document, "网页记录处理结果", user)
    if summary.refused:
        index = len(document["attempts"]) - 1
        problems = summary.refused[0].problems
        fields = tuple(f"attempts.{index}.{k}" for k in ATTEMPT_FIELDS)
        by_field, general = caseform.errors_by_field(problems, fields)
        errors = {key.rsplit(".", 1)[1]: messages for key, messages in by_field.items()}
        if not errors and not general:
            general = ["台账拒绝了此记录。"]
        return _case_view(request, record, errors, general, values, status=422)
    return redirect(case_url(case_id, recorded="1"))


@router.get("/case/forms/{form_id}.pdf", include_in_schema=False)
async def case_form_pdf(request: Request, form_id: str, case_id: CaseIdQuery = "") -> Response:
    user = require(request)
    record = _show(request, case_id)
    if form_id not in FORM_IDS:
        raise PageError(404, "没有此文书", f"没有名为「{form_id}」的文书。")
    case: Any = record["case"]
    if not sees_personal_data(user):  # the form shows the parties' numbers as this user's page does
        case = masked_model(validate(Case, case, subject="case"))
    # one render at a time per process, under the API's own lock (WeasyPrint is not thread-safe)
    pdf = await anyio.to_thread.run_sync(form_routes._render, form_id, case)
    name = file_name(case_id, form_id, "pdf")
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in name)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


@router.get("/due", include_in_schema=False)
async def due_page(request: Request, on: str = "", within: int = 7) -> Response:
    user = require(request)
    day = _day(on, _today())
    within = min(max(within, 0), 366)
    with pages_of(request).ledger.engine.connect() as connection:
        items = queries.due(connection, day, within_days=within)
    return render(request, "due.html", items=items, on=day, within=within, full=sees_personal_data(user))
