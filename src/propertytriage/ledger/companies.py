"""A property company's record: who it is, and its scores, notices and inspections in date order.

The record is keyed by the unified social credit code (统一社会信用代码) when one is known, else by
the exact name: two spellings of a name are two companies until a clerk gives the code. A document
that names its company by name alone joins the one coded record registered with exactly that name
(:func:`resolved_by_name`), so a clerk's sheet without the code reaches the company's scores; two
coded records of one name make the name alone ambiguous, and the document is refused. Events are
merged, never replaced: an event the record already holds is not recorded again, and a new one is
placed after every event of an earlier or equal date, so the replayed lifecycle sees them in the
order they happened.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from propertytriage.errors import InputError, Problem, shown
from propertytriage.models.details import PropertyCompany
from propertytriage.scoring import RectificationHistory, RectificationState, replay_with
from propertytriage.scoring.rubric import default_scoring_rules

CODED = "credit:"
"""The prefix of a record keyed by its credit code."""
NAMED = "name:"
"""The prefix of a record keyed by its name alone."""


def company_key(company: PropertyCompany) -> str | None:
    """``credit:<code>`` or ``name:<name>``; None when the company is not identified at all.

    The key the document itself gives: a ``name:`` key is where a name-only reference goes only while
    no coded record carries the name (``Recorder.company_key_of`` resolves it, :func:`resolved_by_name`).
    """
    if company.credit_code:
        return f"{CODED}{company.credit_code}"
    if company.name:
        return f"{NAMED}{company.name}"
    return None


def resolved_by_name(name: str, coded: Collection[str], where: str) -> str:
    """The record a company named by ``name`` alone belongs to, given ``coded``: the keys of the coded
    records registered with exactly that name.

    The one coded record, if there is one (the company was identified by its code before, as a
    scorecard names it); else ``name:<name>``, existing or new. Two or more: the name alone does not
    say which company is meant, and guessing would decide a case from another company's score, so
    InputError at ``where`` (``property_company.name``, ``company.name``) asking for the code.
    """
    if not coded:
        return f"{NAMED}{name}"
    if len(coded) == 1:
        return next(iter(coded))
    codes = sorted(key.removeprefix(CODED) for key in coded)
    listed = ", ".join(shown(code, 30, quote=False) for code in codes[:5]) + (", …" if len(codes) > 5 else "")
    field_ = where.rsplit(".", 1)[0] + ".credit_code" if "." in where else "credit_code"
    raise InputError([Problem(
        where, "company_name_ambiguous",
        f"台账中有 {len(codes)} 家物业企业名为 {shown(name)}（统一社会信用代码 {listed}），仅凭名称无法确定是哪一家；"
        f"请填写 {field_}（统一社会信用代码）",
        f"{len(codes)} property companies in the ledger are named {shown(name)} (credit codes {listed}); the name "
        f"alone does not say which: give {field_} (the unified social credit code)")])


@dataclass
class CompanyState:
    """A company record as the ledger holds it (the ``companies`` projection)."""

    key: str
    version: int = 0
    name: str | None = None
    credit_code: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    status: str = "unscored"

    def identity(self) -> dict[str, Any]:
        return {k: v for k, v in (("name", self.name), ("credit_code", self.credit_code)) if v}

    def history_document(self) -> dict[str, Any] | None:
        """The record as a case's ``rectification_history`` (None while it holds no event)."""
        if not self.history:
            return None
        return {"company": self.identity(), "events": list(self.history)}


def _day(event: dict[str, Any]) -> date:
    return date.fromisoformat(event["on"])


def merged(
    history: list[dict[str, Any]], new: list[dict[str, Any]], *, again: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The history with the events of ``new`` it lacks, each after all events of its date or before.

    An event the history already holds is skipped (a history or scorecard imported twice), unless
    ``again``: a score a case carries is recorded whenever it differs from the latest, even if the
    same score was recorded earlier the same day; and replaying recorded events adds each one.
    Returns (the merged history, the events actually added).
    """
    result = list(history)
    added: list[dict[str, Any]] = []
    for event in new:
        if not again and event in result:
            continue
        day = _day(event)
        place = len(result)
        while place > 0 and _day(result[place - 1]) > day:
            place -= 1
        result.insert(place, event)
        added.append(event)
    return result, added


def replayed(company: CompanyState, history: list[dict[str, Any]], where: str) -> RectificationState:
    """The lifecycle state of ``history``; InputError at ``where`` if the sequence is impossible."""
    document = {"company": company.identity(), "events": history}
    try:
        return replay_with(RectificationHistory.model_validate(document), default_scoring_rules(),
                           location=where)
    except InputError as error:
        raise InputError([Problem(
            where, error.problems[0].code,
            f"与该企业已登记的记录合并后不成立：{error.problems[0].zh}",
            f"does not fit the company's record as held: {error.problems[0].en}",
        ), *error.problems[1:]]) from None
