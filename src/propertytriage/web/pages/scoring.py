"""Each evaluator's scoring sheet (联合赋分): its own sheet only, combined with the others on record.

No sheet waits anywhere but in the ledger. An evaluator's submission is the company's latest
scorecard of the same day with this evaluator's sheet put in (the other evaluators' sheets as
recorded, untouched), imported as a new scorecard: the ledger records it as the company's newest
score and decides every open case of the company again. The combination rule requires the
mediation center's sheet (``rules/scoring/combination.yaml``), so until it is recorded another
evaluator's sheet is refused with the ledger's own message, and what was typed stays on the page.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal, InvalidOperation
from typing import Any

import anyio
from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from propertytriage.errors import echoed
from propertytriage.ledger import queries
from propertytriage.ledger.companies import CODED, NAMED
from propertytriage.ledger.recorder import company_from_row
from propertytriage.ledger.schema import COMPANIES
from propertytriage.models import clock
from propertytriage.models.vocabulary import EVALUATOR_NAMES, EVALUATORS, Evaluator
from propertytriage.scoring import default_scoring_rules, rubric_items, score
from propertytriage.web.pages.cases import CaseIdQuery
from propertytriage.web.pages.site import PageError, case_url, pages_of, read_form, redirect, render, require
from propertytriage.web.roles import EVALUATOR_ROLES, Role

router = APIRouter()
SCORING_ROLES: frozenset[Role] = EVALUATOR_ROLES | frozenset({"admin"})


def _latest_scorecard(record: dict[str, Any]) -> dict[str, Any] | None:
    """The company's latest scorecard on its current record (a closed case shows an older record)."""
    history = record.get("company_history", [])
    cards = [e["scorecard"] for e in history if e.get("kind") == "score" and e.get("scorecard")]
    return cards[-1] if cards else None


def _latest_score(record: dict[str, Any]) -> dict[str, Any] | None:
    """The company's latest score, from a scorecard or a bare total: ``{on, total, required}``."""
    scores = [e for e in record.get("company_history", []) if e.get("kind") == "score"]
    if not scores:
        return None
    event = scores[-1]
    pass_mark = default_scoring_rules().pass_mark
    total = score(event["scorecard"]).total if event.get("scorecard") else Decimal(str(event["total"]))
    return {"on": event["on"], "total": total, "required": total < pass_mark,
            "from_sheets": bool(event.get("scorecard"))}


def _evaluator(request: Request, role: str, asked: str) -> Evaluator:
    for evaluator in EVALUATORS:
        if role == evaluator:
            return evaluator  # an evaluator scores as itself, whatever the form says
    return next((e for e in EVALUATORS if e == asked), "mediation_center")


def _record(request: Request, case_id: str) -> dict[str, Any]:
    with pages_of(request).ledger.engine.connect() as connection:
        record = queries.show(connection, case_id)
    if record is None:
        raise PageError(404, "没有此案件", f"台账中没有编号为「{echoed(case_id, quote=False)}」的案件。")
    key = _held_under(record)
    if key is None:
        raise PageError(422, "无法评分", "该案件未写明物业企业名称或统一社会信用代码，无法为企业评分。")
    with pages_of(request).ledger.engine.connect() as connection:
        row = connection.execute(select(COMPANIES).where(COMPANIES.c.company_key == key)).first()
    company = company_from_row(row) if row is not None else None
    record["company_history"] = company.history if company is not None else []
    # the sheet names the company as its record does, so it lands on that record (the code with the name)
    given = record["case"].get("property_company", {})
    record["company_identity"] = (company.identity() if company is not None
                                  else {k: v for k, v in given.items() if k in ("name", "credit_code")})
    record["shadowed_by"] = _coded_of_name(request, key, record["company_identity"])
    return record


def _coded_of_name(request: Request, key: str, identity: dict[str, Any]) -> list[str]:
    """The credit codes of the coded records carrying the name of the record of the name alone ``key``
    the case is held under (empty for a coded record, or while none carries the name). A sheet naming
    the company by name would land on such a record (ledger/companies.py ``resolved_by_name``) or be
    refused as ambiguous, never on the record the page shows and the case is decided from."""
    name = identity.get("name")
    if not key.startswith(NAMED) or not name:
        return []
    with pages_of(request).ledger.engine.connect() as connection:
        keys = connection.scalars(select(COMPANIES.c.company_key).where(COMPANIES.c.name == name)).all()
    return sorted(k.removeprefix(CODED) for k in keys if k.startswith(CODED))


def _shadowed(record: dict[str, Any]) -> list[str]:
    """What the page says of a case held under a record of its name alone that a coded record's name
    now resolves elsewhere (docs/ledger.md, "How a company is found")."""
    codes = record["shadowed_by"]
    if not codes:
        return []
    listed = "、".join(echoed(code, quote=False) for code in codes[:5]) + ("……" if len(codes) > 5 else "")
    return [f"该案件登记在仅有名称的企业记录「{echoed(record['company_identity']['name'], quote=False)}」下，"
            f"而台账中已有同名且带统一社会信用代码的企业记录（{listed}）：按名称提交的评分不会记入本案件所依据的记录。"
            "请先为该案件填写物业企业的统一社会信用代码（property_company.credit_code）并重新导入，再评分。"]


def _held_under(record: dict[str, Any]) -> str | None:
    """The key of the company record the case is held under, as its latest event naming one says: a
    case that names its company by name alone may be held under the coded record carrying that name
    (ledger/companies.py ``resolved_by_name``), which the case's own fields do not name."""
    for event in reversed(record["events"]):
        if "company" in event:
            held = event["company"]
            return str(held["key"]) if held else None
    return None


@router.get("/scoring", include_in_schema=False)
async def scoring_index(request: Request) -> Response:
    """Cases at the mediation center, one line per company: where an evaluator starts."""
    require(request, SCORING_ROLES)
    with pages_of(request).ledger.engine.connect() as connection:
        rows = queries.list_cases(connection, stage="mediation_center")
    companies: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row.get("company")
        if name and name not in companies:
            companies[name] = row
    return render(request, "scoring_index.html", companies=companies)


def _sheet_view(request: Request, record: dict[str, Any], evaluator: Evaluator, values: dict[str, str],
                on: str, errors: dict[str, list[str]], general: list[str], status: int = 200,
                saved: bool = False) -> Response:
    case = record["case"]
    latest = _latest_scorecard(record)
    recorded = {e["evaluator"] for e in latest["evaluations"]} if latest and latest["evaluated_on"] == on else set()
    last = _latest_score(record)
    items = rubric_items()
    categories: list[dict[str, Any]] = []
    for item in items:
        if not categories or categories[-1]["id"] != item["category"]:
            categories.append({"id": item["category"], "title": item["category_title"], "items": [], "max": Decimal(0)})
        categories[-1]["items"].append(item)
        categories[-1]["max"] += Decimal(str(item["max_points"]))
    total = Decimal(0)
    for value in values.values():
        with contextlib.suppress(InvalidOperation):  # a mistyped figure is named by the ledger's refusal
            total += Decimal(value) if value else Decimal(0)
    return render(request, "scoring_sheet.html", status=status, record=record, case=case, evaluator=evaluator,
                  evaluator_name=EVALUATOR_NAMES[evaluator], evaluators=EVALUATOR_NAMES, values=values, on=on,
                  errors=errors, general=general, categories=categories, total=total,
                  pass_mark=default_scoring_rules().pass_mark, latest=latest, recorded=recorded, last=last,
                  saved=saved, choose_evaluator=request.state.user.role == "admin")


@router.get("/scoring/sheet", include_in_schema=False)
async def sheet_page(request: Request, case_id: CaseIdQuery = "", evaluator: str = "", saved: str = "") -> Response:
    user = require(request, SCORING_ROLES)
    who = _evaluator(request, user.role, evaluator)
    record = _record(request, case_id)
    latest = _latest_scorecard(record)
    values: dict[str, str] = {}
    on = clock.today().isoformat()
    if latest is not None:
        on = latest["evaluated_on"]
        for sheet in latest["evaluations"]:
            if sheet["evaluator"] == who:
                values = {k: str(v) for k, v in sheet["items"].items()}
    return _sheet_view(request, record, who, values, on, {}, _shadowed(record), saved=bool(saved))


@router.get("/scoring/{case_id:path}", include_in_schema=False)
async def sheet_by_path(request: Request, case_id: str) -> Response:
    """``/scoring/ID``, as typed or bookmarked, leads to the case's scoring sheet."""
    require(request, SCORING_ROLES)
    return redirect(case_url(case_id, "/scoring/sheet"))


@router.post("/scoring/sheet", include_in_schema=False)
async def submit_sheet(request: Request, case_id: CaseIdQuery = "") -> Response:
    user = require(request, SCORING_ROLES)
    form = await read_form(request)
    who = _evaluator(request, user.role, form.get("evaluator", ""))
    record = _record(request, case_id)
    item_ids = [item["id"] for item in rubric_items()]
    values = {i: form.get(f"item.{i}", "").strip() for i in item_ids}
    on = form.get("evaluated_on", "").strip()
    own = {"evaluator": who, "items": {i: v for i, v in values.items() if v}}
    latest = _latest_scorecard(record)
    others = [s for s in latest["evaluations"] if s["evaluator"] != who] if latest and latest["evaluated_on"] == on \
        else []
    card = {"company": record["company_identity"], "evaluated_on": on, "evaluations": [*others, own]}
    if not own["items"]:
        return _sheet_view(request, record, who, values, on, {}, ["请至少为一项评分。"], status=422)
    if record["shadowed_by"]:  # the sheet would score another record than the case's: nothing recorded
        return _sheet_view(request, record, who, values, on, {}, _shadowed(record), status=422)
    summary = await anyio.to_thread.run_sync(pages_of(request).import_one, card, "网页评分表", user)
    if summary.refused:
        errors: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in summary.refused[0].problems:
            tail = problem.location.rsplit(".", 1)[-1]
            if tail in values:
                errors.setdefault(tail, []).append(problem.zh)
            elif "evaluated_on" in problem.location:
                errors.setdefault("evaluated_on", []).append(problem.zh)
            else:
                general.append(problem.zh)
        return _sheet_view(request, record, who, values, on, errors, general, status=422)
    extra = {"evaluator": who} if user.role == "admin" else {}
    return redirect(case_url(case_id, "/scoring/sheet", saved="1", **extra))
