"""A property company's record: who it is, and its scores, notices and inspections in date order.

The record is keyed by the unified social credit code (统一社会信用代码) when one is known, else by
the exact name: two spellings of a name are two companies until a clerk gives the code. Events are
merged, never replaced: an event the record already holds is not recorded again, and a new one is
placed after every event of an earlier or equal date, so the replayed lifecycle sees them in the
order they happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from propertytriage.errors import InputError, Problem
from propertytriage.models.details import PropertyCompany
from propertytriage.scoring import RectificationHistory, RectificationState, replay_with
from propertytriage.scoring.rubric import default_scoring_rules


def company_key(company: PropertyCompany) -> str | None:
    """``credit:<code>`` or ``name:<name>``; None when the company is not identified at all."""
    if company.credit_code:
        return f"credit:{company.credit_code}"
    if company.name:
        return f"name:{company.name}"
    return None


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
