"""From a Case to the facts the rules speak (``rules/triage/facts.yaml``).

All arithmetic happens here, in exact decimals, so that the rules engine decides on yes/no values
and named bands only: a limit of 54,428 yuan and a claim of 54,428.00 yuan must compare equal, which
floating point (the engine's number type) does not promise. The amounts used are kept as
``explain`` values so that a reason can say which figure and which limit decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from propertytriage.engine.conditions import FactValue
from propertytriage.errors import InputError, Problem
from propertytriage.models.case import Case
from propertytriage.ruledata.loader import RuleBook


@dataclass
class CaseFacts:
    """The facts of one case, and the figures behind them for explanations."""

    values: dict[str, FactValue]
    explain: dict[str, str] = field(default_factory=dict)
    pending_error: InputError | None = None
    """Why ``amount_band`` could not be determined; raised if a rule that reads it decides."""


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
        from propertytriage.scoring import default_scoring_rules, score_with

        return score_with(case.scorecard, default_scoring_rules(), location="scorecard").total
    return None


def base_facts(case: Case, book: RuleBook) -> CaseFacts:
    """Facts every phase may read; nothing here can fail for a valid case."""
    failed = {a.stage for a in case.attempts if a.outcome == "failed"}
    values: dict[str, FactValue] = {
        "property_dispute": case.is_property_dispute,
        "any_resolved": any(a.outcome == "resolved" for a in case.attempts),
        "has_owners_committee": case.has_owners_committee,
        "owners_committee_failed": "owners_committee" in failed,
        "community_failed": "community" in failed,
        "mediation_center_failed": "mediation_center" in failed,
        "court_failed": "court" in failed,
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
    pass_mark = book.scoring.pass_mark
    explain = {"pass_mark": _points(pass_mark), "province": case.province}
    score = joint_score(case) if case.is_property_dispute else None
    if score is None:
        values["score_status"] = "unknown"
    else:
        # score < pass mark → rectification; score >= pass mark → mediation (parameters/scoring.yaml)
        values["score_status"] = "pass" if book.scoring.passes(score) else "below_pass"
        explain["score"] = _points(score)
    if case.rectification_history is not None and case.is_property_dispute:
        # The company's history decides whether a low score has since been rectified (SPEC §2.2).
        from propertytriage.scoring import history_score_status

        values["score_status"], latest = history_score_status(case, pass_mark, score)
        if latest is not None:
            explain["score"] = _points(latest)
    return CaseFacts(values, explain)


def add_court_facts(facts: CaseFacts, case: Case, book: RuleBook) -> None:
    """The amount band; needs the province's limits (announced or computed), so only for cases at court."""
    amount = case.claim_amount
    facts.explain["claim_amount"] = _yuan(amount)
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
        limits = book.wages.limits_in_force(case.province, case.filed_on, rules)
    except InputError as error:
        # Only an error if the track turns on the amount: a contentious case or one excluded from
        # small claims is decided without the wage figure (the engine checks after it fires).
        facts.values["amount_band"] = "undetermined"
        facts.pending_error = error
        return
    if amount <= limits.mandatory:
        band = "within_mandatory"
    elif amount <= limits.consent:
        band = "within_consent"
    else:
        band = "above_consent"
    facts.values["amount_band"] = band
    facts.explain.update(limits.explain)
