"""From a Case to the facts the rules speak (``rules/triage/facts.yaml``).

All arithmetic happens here, in exact decimals, so that the rules engine decides on yes/no values
and named bands only: a limit of 54,428 yuan and a claim of 54,428.00 yuan must compare equal, which
floating point (the engine's number type) does not promise. The amounts used are kept as
``explain`` values so that a reason can say which figure and which limit decided.

:data:`PRODUCED_FACTS` and :data:`PRODUCED_PLACEHOLDERS` declare what this module (and the rules'
own decisions) produce; the triage engine refuses, on loading, a ``facts.yaml`` that declares
anything else, so a fact added on one side only is a clear rule-data error instead of a crash on the
first case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from propertytriage.errors import InputError, Problem
from propertytriage.models.case import Case
from propertytriage.models.claim import claimed_total
from propertytriage.models.vocabulary import NEXT_STAGES, STAGES
from propertytriage.ruledata.loader import RuleBook
from propertytriage.ruledata.schema import FactDeclaration
from propertytriage.ruledata.wages import Limits
from propertytriage.rulehost.conditions import FactValue

_YES_NO: tuple[FactValue, ...] = (True, False)

PRODUCED_FACTS: dict[str, FactDeclaration] = {
    "property_dispute": FactDeclaration(values=_YES_NO),
    "any_resolved": FactDeclaration(values=_YES_NO),
    "has_owners_committee": FactDeclaration(values=_YES_NO),
    **{f"{stage}_failed": FactDeclaration(values=_YES_NO) for stage in STAGES},
    "community_or_later_failed": FactDeclaration(values=_YES_NO),
    "mediation_center_or_later_failed": FactDeclaration(values=_YES_NO),
    "score_status": FactDeclaration(values=("unknown", "pass", "below_pass", "rectified")),
    "notice_running": FactDeclaration(values=_YES_NO),
    "claimant": FactDeclaration(values=("property_company", "owner")),
    "contentious": FactDeclaration(values=_YES_NO),
    "needs_appraisal": FactDeclaration(values=_YES_NO),
    "counterclaim": FactDeclaration(values=_YES_NO),
    "whereabouts_unknown": FactDeclaration(values=_YES_NO),
    "foreign_related": FactDeclaration(values=_YES_NO),
    "parties_agree_small_claims": FactDeclaration(values=_YES_NO),
    "amount_band": FactDeclaration(
        values=("no_claim", "within_mandatory", "within_consent", "above_consent", "undetermined"),
        lazy=True,
    ),
    "next_stage": FactDeclaration(values=NEXT_STAGES, decided=True),
}
"""Every fact triage produces, with its values; ``lazy`` ones only for phases that read them."""

PRODUCED_PLACEHOLDERS: frozenset[str] = frozenset({
    "score", "pass_mark", "claim_amount", "claim_basis", "province", "notice_issued_on",
    "notice_due_on", "wage_year", "wage_amount", "wage_series", "wage_caveat", "mandatory_limit",
    "consent_limit", "mandatory_basis", "consent_basis",
})
"""Every value a reason's text may ask for (``placeholders`` in facts.yaml)."""


@dataclass
class CaseFacts:
    """The facts of one case, and the figures behind them for explanations."""

    values: dict[str, FactValue]
    explain: dict[str, str] = field(default_factory=dict)
    claim: Decimal = Decimal(0)
    """The amount claimed (``models/claim.py``), worked out once for the facts and the reasons."""
    pending: dict[str, InputError] = field(default_factory=dict)
    """Lazy facts that could not be determined, and why; raised if a rule that reads one decides."""


def _yuan(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _points(score: Decimal) -> str:
    return format(score.normalize(), "f") if score == score.to_integral() else str(score)


def joint_score(case: Case) -> Decimal | None:
    """The company's joint score: the bare ``company_score`` or the total of its ``scorecard``."""
    if case.company_score is not None:
        return case.company_score
    if case.scorecard is not None:
        # imported late: scoring loads the rubric, which triage without scorecards never needs
        from propertytriage.scoring import default_scoring_rules, total_with

        return total_with(case.scorecard, default_scoring_rules(), location="scorecard")
    return None


def base_facts(case: Case, book: RuleBook) -> CaseFacts:
    """Facts every phase may read; nothing here can fail for a valid case."""
    failed = {a.stage for a in case.attempts if a.outcome == "failed"}
    values: dict[str, FactValue] = {
        "property_dispute": case.is_property_dispute,
        "any_resolved": any(a.outcome == "resolved" for a in case.attempts),
        "has_owners_committee": case.has_owners_committee,
        **{f"{stage}_failed": stage in failed for stage in STAGES},
        "community_or_later_failed": bool(failed & {"community", "mediation_center", "court"}),
        "mediation_center_or_later_failed": bool(failed & {"mediation_center", "court"}),
        "claimant": case.claimant,
        "contentious": case.contentious,
        "needs_appraisal": case.needs_appraisal,
        "counterclaim": case.counterclaim,
        "whereabouts_unknown": case.whereabouts_unknown,
        "foreign_related": case.foreign_related,
        "parties_agree_small_claims": case.parties_agree_small_claims,
    }
    claim = claimed_total(case)  # refuses a claim_amount its own items contradict, at any stage
    explain = {"pass_mark": _points(book.scoring.pass_mark), "province": case.province,
               "claim_amount": _yuan(claim.total), "claim_basis": claim.explain()}
    score = joint_score(case) if case.is_property_dispute else None
    values["notice_running"] = False
    if score is None:
        values["score_status"] = "unknown"
    else:
        # score < pass mark → rectification; score >= pass mark → mediation (parameters/scoring.yaml)
        values["score_status"] = "pass" if book.scoring.passes(score) else "below_pass"
        explain["score"] = _points(score)
    if case.rectification_history is not None and case.is_property_dispute:
        # The company's history decides whether a low score has since been rectified (SPEC §2.2)
        # and whether a notice is already running (then none is asked for again).
        from propertytriage.scoring import history_status

        status = history_status(case, book.scoring, score)
        values["score_status"] = status.score_status
        values["notice_running"] = status.notice_running
        if status.latest_score is not None:
            explain["score"] = _points(status.latest_score)
        if status.notice_issued_on is not None:
            explain["notice_issued_on"] = _zh_date(status.notice_issued_on)
        if status.notice_due_on is not None:
            explain["notice_due_on"] = _zh_date(status.notice_due_on)
    return CaseFacts(values, explain, claim=claim.total)


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def add_amount_band(facts: CaseFacts, case: Case, book: RuleBook) -> None:
    """The amount band; needs the province's limits (announced or computed), so only for phases that read it."""
    amount = facts.claim
    if amount == 0:
        facts.values["amount_band"] = "no_claim"
        return
    rules = book.small_claims
    try:
        if case.filed_on < rules.effective_from:
            since = rules.effective_from.isoformat()
            raise InputError([Problem(
                "filed_on", "before_rules_in_force",
                f"立案日期早于本系统小额诉讼规则的施行日期（{since}，民事诉讼法第一百六十五条现行规定），无法确定审理程序",
                f"filed before {since}, when the current small-claims rule (Civil Procedure Law art. 165) took "
                "effect; the earlier rule is not modelled",
            )])
        limits = _limits_in_force(book, case.province, case.filed_on)
    except InputError as error:
        # Only an error if the track turns on the amount: a contentious case or one excluded from
        # small claims is decided without the wage figure (the engine checks after it fires).
        facts.values["amount_band"] = "undetermined"
        facts.pending["amount_band"] = error
        return
    if amount <= limits.mandatory:
        band = "within_mandatory"
    elif amount <= limits.consent:
        band = "within_consent"
    else:
        band = "above_consent"
    facts.values["amount_band"] = band
    facts.explain.update(limits.explain)


#: Limits already worked out, per rule book (held here, so its id is not reused) and filing day.
_LIMITS: dict[int, tuple[RuleBook, dict[tuple[str, date], Limits]]] = {}
_LIMITS_PER_BOOK = 50_000
_BOOKS = 8


def _limits_in_force(book: RuleBook, province: str, filed_on: date) -> Limits:
    """The book's limits for a filing, worked out once per province and day.

    Why: working them out reads the province's figures and notices and writes the reasons' words
    (a third of a court case's decision); a batch has many cases filed on the same day in the
    same province, and the result depends on nothing else. A failure is not kept: it is raised
    again, as it is, on the next case.
    """
    entry = _LIMITS.get(id(book))
    if entry is None or entry[0] is not book:
        if len(_LIMITS) >= _BOOKS:  # tests load many rule books: keep the memory bounded
            _LIMITS.clear()
        entry = _LIMITS[id(book)] = (book, {})
    known = entry[1]
    limits = known.get((province, filed_on))
    if limits is None:
        limits = book.wages.limits_in_force(province, filed_on, book.small_claims)
        if len(known) >= _LIMITS_PER_BOOK:
            known.clear()
        known[(province, filed_on)] = limits
    return limits


LazyProducer = Callable[[CaseFacts, Case, RuleBook], None]

LAZY_PRODUCERS: dict[str, LazyProducer] = {"amount_band": add_amount_band}
"""How each lazy fact of :data:`PRODUCED_FACTS` is computed, when a phase first needs it."""
