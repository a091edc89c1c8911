"""From a Case to the facts the rules speak (``rules/triage/facts.yaml``).

All arithmetic happens here, in exact decimals, so that the rules engine decides on yes/no values
and named bands only: a limit of 54,428 yuan and a claim of 54,428.00 yuan must compare equal, which
floating point (the engine's number type) does not promise. The amounts used are kept as
``explain`` values so that a reason can say which figure and which limit decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from propertytriage.engine.conditions import FactValue
from propertytriage.errors import InputError, Problem
from propertytriage.models.case import Case
from propertytriage.ruledata.loader import RuleBook
from propertytriage.ruledata.wages import WageFigure


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


def _newer_figure_caveat(book: RuleBook, figure: WageFigure, on: date) -> str:
    """Say so when a newer figure than the one used has (or normally would have) been published.

    A year whose figure is recorded is never mentioned (it takes effect on its own publication
    date); a year known to have been released by ``on`` is named with its date; a year with no
    record is mentioned once the usual publication date has passed.
    """
    expected = book.small_claims.newer_figure_expected_by
    recorded = book.wages.recorded_years(figure.province)
    releases = book.wages.unrecorded_releases(figure.province)
    parts: list[str] = []
    due: list[int] = []
    for year in range(figure.data_year + 1, on.year):
        if year in recorded:
            continue
        if year in releases:
            day = releases[year]
            if day <= on:
                parts.append(f"{year}年度数据已于{day.year}年{day.month}月{day.day}日公布")
        elif on >= date(year + 1, expected.month, expected.day):
            due.append(year)
    if due:
        parts.append("、".join(str(year) for year in due) + "年度数据按惯例应已公布")
    if not parts:
        return ""
    return "（" + "；".join(parts) + "，本系统尚未收录，所用上限可能已过时，请核实）"


def add_court_facts(facts: CaseFacts, case: Case, book: RuleBook) -> None:
    """The amount band; needs the province's wage figure, so only computed for cases at court."""
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
        figure = book.wages.in_force(case.province, case.filed_on)
    except InputError as error:
        # Only an error if the track turns on the amount: a contentious case or one excluded from
        # small claims is decided without the wage figure (the engine checks after it fires).
        facts.values["amount_band"] = "undetermined"
        facts.pending_error = error
        return
    mandatory = figure.amount * book.small_claims.mandatory_fraction
    consent = figure.amount * book.small_claims.consent_fraction
    if amount <= mandatory:
        band = "within_mandatory"
    elif amount <= consent:
        band = "within_consent"
    else:
        band = "above_consent"
    facts.values["amount_band"] = band
    caveat = "" if figure.verified and not figure.published_on_estimated else "（该数据待核实）"
    caveat += _newer_figure_caveat(book, figure, case.filed_on)
    facts.explain.update(
        wage_year=str(figure.data_year),
        wage_amount=_yuan(figure.amount),
        wage_caveat=caveat,
        wage_series=figure.series_title,
        mandatory_limit=_yuan(mandatory),
        consent_limit=_yuan(consent),
    )
