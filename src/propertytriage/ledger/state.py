"""The current state of a case as the ledger folds it, and what a decision says in an event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

CLOSED_STAGES = ("closed", "out_of_scope")
_OUTCOME_KEYS = ("next_stage", "court_track", "rectification_required", "awaiting", "forms")


@dataclass
class CaseState:
    """A case's projection: its own snapshot, its company, its decision, when each attempt came."""

    case_id: str
    version: int
    digest: str
    snapshot: dict[str, Any]
    decision: dict[str, Any]
    filed_on: date
    company_key: str | None = None
    company_version: int | None = None
    attempt_dates: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.decision["next_stage"] not in CLOSED_STAGES


def summary(decision: dict[str, Any]) -> dict[str, Any]:
    """What an event keeps of the decision after it: the outcome and the rules that decided."""
    result = {key: decision.get(key) for key in _OUTCOME_KEYS}
    result["rules"] = [reason["rule"] for reason in decision.get("reasons", [])]
    return result


def decision_change(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """Each outcome that differs, as ``{key: {from, to}}`` (everything, for a first decision)."""
    return {key: {"from": None if before is None else before.get(key), "to": after.get(key)}
            for key in _OUTCOME_KEYS if before is None or before.get(key) != after.get(key)}


def because(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, str]]:
    """The reasons of the new decision that the old one did not give: why the decision changed."""
    old = [] if before is None else before.get("reasons", [])
    return [{"rule": r["rule"], "text": r["text"]} for r in after.get("reasons", []) if r not in old]


def dated_attempts(previous: list[Any], previous_dates: list[str], attempts: list[Any], today: date) -> list[str]:
    """The day of each attempt: its own ``on``, else the day the ledger first recorded it.

    An attempt that was already recorded keeps the day it was first recorded on.
    """
    known = list(zip(previous, previous_dates, strict=False))
    result: list[str] = []
    for attempt in attempts:
        if attempt.get("on"):
            result.append(attempt["on"])
            continue
        match = next((i for i, (a, _) in enumerate(known) if a == attempt), None)
        if match is not None:
            result.append(known.pop(match)[1])
        else:
            result.append(today.isoformat())
    return result
