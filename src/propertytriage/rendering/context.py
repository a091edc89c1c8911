"""Plain data for each form, built from a Case (and, for two forms, a score).

Why a separate layer: templates must never see live model objects (STYLE.md): a template that can
call methods can reach anything, and a model change would silently change a court form. Here every
value is turned into display text once — dates as 2024年3月15日, amounts as 1,280.00 — and what the
case does not know stays ``None`` so the template prints a blank line for the party to fill by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from propertytriage.models import Case, Scorecard
from propertytriage.models.claim import claimed_total
from propertytriage.models.details import Owner
from propertytriage.rendering import scoreview
from propertytriage.scoring import replay
from propertytriage.scoring.history import NoticeEvent
from propertytriage.scoring.state import RectificationState

Context = dict[str, Any]

TITLES: dict[str, str] = {
    "inquiry_form": "物业服务合同纠纷案件审判要素式询问表",
    "focus_table": "物业纠纷争议焦点表",
    "rectification_notice": "限期整改建议书",
    "scorecard": "物业服务评分表",
}
STAGE_ZH = {
    "owners_committee": "业主委员会协商",
    "community": "街道社区协调",
    "mediation_center": "物业纠纷调解中心调解",
    "court": "人民法院诉前调解",
}
OUTCOME_ZH = {"resolved": "成功", "failed": "不成"}
BLANK_FOCUS_ROWS = 5


def zh_date(value: date | None) -> str | None:
    """A date as written on Chinese court forms (2024年3月5日), or None when unknown."""
    return None if value is None else f"{value.year}年{value.month}月{value.day}日"


def yuan(value: Decimal | None) -> str | None:
    """An amount of yuan with two decimals and thousands separators, or None when unknown."""
    return None if value is None else f"{value:,.2f}"


def _company(case: Case) -> Context:
    c = case.property_company
    return {
        "kind": "company",
        "name": c.name,
        "credit_code": c.credit_code,
        "address": c.address,
        "legal_representative": c.legal_representative,
        "phone": c.phone,
    }


def _owners(case: Case) -> list[Context]:
    return [
        {
            "kind": "person",
            "name": o.name,
            "gender": o.gender,
            "born_on": zh_date(o.born_on),
            "ethnicity": o.ethnicity,
            "id_number": o.id_number,
            "address": o.address,
            "phone": o.phone,
            "unit": o.unit,
            "area_sqm": o.area_sqm,
        }
        for o in case.owners or [Owner()]  # no owner known: one blank party block to complete
    ]


def _signers(role: str, parties: list[Context], how: str = "签名或者盖章") -> list[Context]:
    """One signature line per party named on the form (a blank party still gets one)."""
    return [{"role": role, "name": p["name"], "how": how} for p in parties]


def _header(case: Case, issuer: str | None, issuer_kind: str) -> Context:
    return {"issuer": issuer, "issuer_kind": issuer_kind, "case_id": case.case_id,
            "filed_on": zh_date(case.filed_on)}


def common(case: Case, form_id: str) -> Context:
    """What every form prints: title, parties, estate, the unit."""
    company = _company(case)
    owners = _owners(case)
    company_claims = case.claimant == "property_company"
    e = case.estate
    flats = list(dict.fromkeys((o["unit"], o["area_sqm"]) for o in owners))
    return {
        "form_id": form_id,
        "title": TITLES[form_id],
        "company": company,
        "owners": owners,
        "plaintiffs": [company] if company_claims else owners,
        "defendants": owners if company_claims else [company],
        "claimant_is_company": company_claims,
        "estate": {"name": e.name, "address": e.address, "street": e.street,
                   "community": e.community, "owners_committee": e.owners_committee},
        # co-owners of one flat share its unit and area: print each flat once, not once per owner
        "units": "；".join(u for u, _ in flats if u) or None,
        "areas": "；".join(a for _, a in flats if a) or None,
        "owner_names": "、".join(o["name"] for o in owners if o["name"]) or None,
    }


def _claims(case: Case) -> Context:
    a = case.arrears
    fees = a.amount if case.claimant == "property_company" else None
    late = a.late_fee if case.claimant == "property_company" else None
    claim = claimed_total(case)  # the same figure that decides the court track
    total: Decimal | None = claim.total if claim.total > 0 or claim.items else None
    other = None
    if case.claimant == "owner" and case.claim_amount > 0:
        other = f"请求被告赔偿（返还）{yuan(case.claim_amount)}元"
    return {
        "fees": yuan(fees),
        "fees_until": zh_date(a.period_to) if fees is not None else None,
        "late_fee": yuan(late),
        "late_fee_until_paid": a.late_fee_until_paid if late is not None else None,
        "other": other,
        "total": yuan(total),
    }


def _facts(case: Case) -> Context:
    c, a = case.contract, case.arrears
    return {
        "contract_kind": c.kind,
        "signed_on": zh_date(c.signed_on),
        "term_from": zh_date(c.term_from),
        "term_to": zh_date(c.term_to),
        "fee_standard": c.fee_standard,
        "payment_method": c.payment_method,
        "late_fee_terms": c.late_fee_terms,
        "period_from": zh_date(a.period_from),
        "period_to": zh_date(a.period_to),
        "amount": yuan(a.amount),
        "computation": a.computation,
        "late_fee": yuan(a.late_fee),
        "late_fee_computation": a.late_fee_computation,
        "demands": a.demands,
        "other": case.facts,
    }


def _attempts(case: Case) -> list[str]:
    return [
        f"{STAGE_ZH[t.stage]}{OUTCOME_ZH[t.outcome]}" + (f"（{zh_date(t.on)}）" if t.on else "")
        for t in case.attempts
    ]


def _location(ctx: Context) -> str | None:
    """坐落位置 of the model complaint: estate address, estate name and units, as far as known."""
    estate = ctx["estate"]
    parts = [estate["address"], estate["name"], ctx["units"]]
    return "".join(p for p in parts if p) or None


def inquiry_form(case: Case) -> Context:
    """The court's element-style inquiry form (要素式询问表), see docs/forms.md for the elements."""
    ctx = common(case, "inquiry_form")
    ctx["header"] = _header(case, case.venue.court, "人民法院")
    ctx["claims"] = _claims(case)
    ctx["facts"] = _facts(case)
    ctx["location"] = _location(ctx)
    ctx["attempts"] = _attempts(case)
    ctx["signers"] = _signers("原告", ctx["plaintiffs"]) + _signers("被告", ctx["defendants"])
    return ctx


def focus_table(case: Case) -> Context:
    """The table of points in dispute fixed in mediation; blank rows when none are known yet."""
    ctx = common(case, "focus_table")
    ctx["header"] = _header(case, case.venue.mediation_center, "物业纠纷调解中心")
    rows: list[Context] = [
        {"issue": p.issue, "claimant": p.claimant_position, "respondent": p.respondent_position,
         "evidence": p.evidence, "agreed": p.agreed}
        for p in case.focus_points
    ]
    ctx["rows"] = rows
    ctx["blank_rows"] = max(0, BLANK_FOCUS_ROWS - len(rows)) if rows else BLANK_FOCUS_ROWS
    ctx["score"] = scoreview.case_score(case)
    # Each applicant and respondent signs on a line of their own; the committee signs only where
    # the estate has one; the mediator closes the table.
    committee = ([{"role": "业主委员会", "name": case.estate.owners_committee, "how": "盖章"}]
                 if case.has_owners_committee else [])
    ctx["signers"] = (_signers("申请人", ctx["plaintiffs"]) + _signers("被申请人", ctx["defendants"])
                      + committee + [{"role": "调解员", "name": None, "how": "签名"}])
    return ctx


def _lifecycle(case: Case, scorecard: Scorecard | None) -> RectificationState | None:
    """The company's rectification state, replayed from what the case knows.

    The notice must say what the lifecycle says: the latest score, the items below the rubric's
    line (rules/scoring/lifecycle.yaml, not just the five weakest) and the deadline rolled past
    holidays. A history is replayed as given; a scorecard alone is replayed as one score event on
    its evaluation date (for its items; the deadline is left blank); a bare score has no items.
    """
    if case.rectification_history is not None:
        return replay(case.rectification_history)
    if scorecard is not None:
        return replay({"events": [{"kind": "score", "on": scorecard.evaluated_on.isoformat(),
                                   "scorecard": scorecard.model_dump(mode="json")}]})
    return None


#: The mechanism's scoring bodies as the notice names them, in the order the mechanism lists them.
SCORING_BODIES: dict[str, str] = {
    "mediation_center": "物业纠纷调解中心",
    "housing_center": "住房保障综合服务中心",
    "owners_committee": "业主委员会",
    "community": "街道社区",
}


def _scoring_bodies(case: Case, scorecard: Scorecard | None) -> list[str]:
    """The bodies that gave the score the notice rests on, as far as the case records them.

    The sheets of the latest scorecard say exactly who scored. A bare total does not, so the
    notice then names no body (the mediation center convenes every joint scoring and is named as
    convener by the template). An estate without an owners' committee never has its committee
    named, whatever the sheets say.
    """
    history = case.rectification_history
    scores = [e for e in history.events if e.kind == "score"] if history is not None else []
    if scores:
        latest = getattr(scores[-1], "scorecard", None)
        sheets: Scorecard | None = latest if isinstance(latest, Scorecard) else None
    else:
        sheets = scorecard
    if sheets is None:
        return []
    scored = {e.evaluator for e in sheets.evaluations}
    if not case.has_owners_committee:
        scored.discard("owners_committee")
    return [label for key, label in SCORING_BODIES.items() if key in scored]


def scored_by(bodies: list[str]) -> str:
    """The notice's opening words: who scored, naming no body the record does not show."""
    convener = SCORING_BODIES["mediation_center"]
    others = [b for b in bodies if b != convener]
    if not bodies:
        return f"经{convener}组织联合赋分"
    if convener not in bodies:  # the rules require its sheet; name what the sheets say anyway
        return f"经{'、'.join(bodies)}联合赋分"
    if not others:
        return f"经{convener}赋分"
    return f"经{convener}会同{'、'.join(others)}联合赋分"


def _issued_items(case: Case) -> list[str]:
    """The rubric items named by the latest notice in the company's history, if any."""
    history = case.rectification_history
    notices = [e for e in history.events if isinstance(e, NoticeEvent)] if history else []
    return list(notices[-1].items) if notices else []


def _fix_row(known: dict[str, Context], item_id: str, *, title: str | None = None,
             points: str | None = None, max_points: str | None = None) -> Context:
    """One row of the notice's table: what the rubric knows of the item, and its points if scored."""
    row = known.get(item_id, {})
    return {"id": item_id, "category": row.get("category"), "title": title or row.get("title") or item_id,
            "points": points, "max_points": max_points or row.get("max_points")}


def rectification_notice(case: Case, scorecard: Scorecard | None) -> Context:
    """The rectification notice: the items to fix and the deadline, or blank lines to fill."""
    ctx = common(case, "rectification_notice")
    ctx["header"] = _header(case, case.venue.administration, "物业管理行政主管部门")
    state = _lifecycle(case, scorecard)
    known = {r["id"]: r for r in scoreview.rubric()}
    if state is not None:
        total = scoreview.points(state.latest_score)
        fix = state.items_to_fix or (state.proposed_notice.items if state.proposed_notice else [])
        items = [_fix_row(known, f.id, title=f.title, points=scoreview.points(f.points),
                          max_points=scoreview.points(f.max_points)) for f in fix]
        issued = _issued_items(case)
        if issued:  # the items the office actually named in its notice come first
            scored = {i["id"]: i for i in items}
            items = [scored.get(i) or _fix_row(known, i) for i in issued]
        # Only a notice in the history fixes a deadline. A scorecard alone says nothing of when the
        # office issues its notice, so the deadline stays a blank line rather than a date counted
        # from the scoring day (which may already have passed).
        due = state.deadline if case.rectification_history is not None else None
        deadline = due.due_on if due else None
    else:
        total, items, deadline = scoreview.case_score(case), [], None
    # The notice says "below 60": a known score at or above the line is left for the office
    # to write in rather than printed next to a statement it contradicts.
    ctx["score"] = total if scoreview.below_pass(total) else None
    ctx["items"] = items
    ctx["pass_mark"] = scoreview.points(scoreview.pass_mark())
    ctx["deadline"] = zh_date(deadline)
    ctx["scoring_bodies"] = bodies = _scoring_bodies(case, scorecard)
    ctx["scored_by"] = scored_by(bodies)
    ctx["signers"] = [{"role": "签收人", "name": None, "how": "签名"}]
    return ctx


def scorecard(case: Case, sheets: Scorecard | None) -> Context:
    """The scoring sheet: rubric items by four evaluators, or a blank grid."""
    ctx = common(case, "scorecard")
    ctx["header"] = _header(case, case.venue.mediation_center, "物业纠纷调解中心")
    ctx.update(scoreview.grid(sheets))
    ctx["evaluated_on"] = zh_date(ctx["evaluated_on"])
    ctx["pass_mark"] = scoreview.points(scoreview.pass_mark())
    if ctx["total"] is None and sheets is None:
        ctx["total"] = scoreview.case_score(case)
        ctx["below_pass"] = scoreview.below_pass(ctx["total"])
    # One line per scoring body; an estate without an owners' committee has none to sign.
    ctx["signers"] = [{"role": label, "name": None, "how": "签名或者盖章"}
                      for key, label in scoreview.EVALUATORS
                      if key != "owners_committee" or case.has_owners_committee]
    return ctx


def build(form_id: str, case: Case, sheets: Scorecard | None) -> Context:
    """The context of ``form_id`` (already known to be valid)."""
    if form_id == "inquiry_form":
        return inquiry_form(case)
    if form_id == "focus_table":
        return focus_table(case)
    if form_id == "rectification_notice":
        return rectification_notice(case, sheets)
    return scorecard(case, sheets)
