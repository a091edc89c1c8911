"""What falls due for a case or a company, each date counted under the law's rules on periods.

* a company under rectification: its deadline, after which the administration inspects (整改验收);
* a case at court before litigation: the 30-day pre-litigation mediation period;
* a case in litigation (its pre-litigation mediation failed): the time limit of its track;
* a resolved case, where ``rules/`` sets one: the follow-up visit (回访).

Days are counted with the Civil Code's rule (the first day not counted) and a last day that is not
a working day moves to the next one (scoring/deadline.py); months end on the corresponding day.
"""

from __future__ import annotations

import calendar
import functools
from datetime import date
from typing import Any, NamedTuple

from propertytriage.ledger.timelimits import Period, basis_label, time_limits
from propertytriage.scoring.deadline import deadline_after, next_working_day
from propertytriage.scoring.rubric import default_scoring_rules


class Due(NamedTuple):
    """One date a case or a company must meet (a named tuple: an import makes one per case it writes,
    and a frozen dataclass took longer to build than the date took to count)."""

    subject_type: str
    subject_id: str
    kind: str
    title: str
    starts_on: date
    due_on: date
    basis: str
    note: str

    def as_json(self) -> dict[str, Any]:
        return {"subject_type": self.subject_type, "subject_id": self.subject_id, "kind": self.kind,
                "title": self.title, "starts_on": self.starts_on.isoformat(), "due_on": self.due_on.isoformat(),
                "basis": self.basis, "note": self.note}


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day (民法典 第二百零二条)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _counted(subject: tuple[str, str], kind: str, period: Period, start: date) -> Due:
    due, note = _count(period.days, period.months, start)
    return Due(subject[0], subject[1], kind, period.title, start, due, _basis(tuple(period.basis)), note)


@functools.lru_cache(maxsize=64)
def _basis(ids: tuple[str, ...]) -> str:
    """A period's basis as printed (the rule book's, fixed for the process like the periods)."""
    return basis_label(ids)


@functools.lru_cache(maxsize=4096)
def _count(days: int | None, months: int | None, start: date) -> tuple[date, str]:
    """The last day of a period from ``start`` and how it was reached (many cases share a start)."""
    if months is not None:
        nominal = add_months(start, months)
        due, covered, unverified = next_working_day(nominal)
        note = (f"自 {start.isoformat()} 起 {months} 个月，末日 {nominal.isoformat()}"
                + (f"，顺延至 {due.isoformat()}" if due != nominal else ""))
        if not covered or unverified:
            note += "；节假日数据未覆盖该年或未经核实，须人工核对放假安排"
    else:
        assert days is not None
        deadline = deadline_after(start, days)
        due, note = deadline.due_on, f"自 {start.isoformat()} 起 {days} 日；{deadline.note}"
    return due, note


def case_deadlines(case_id: str, snapshot: dict[str, Any], decision: dict[str, Any],
                   attempt_dates: list[str]) -> list[Due]:
    """The case's own dates (its company's are :func:`company_deadlines`)."""
    limits = time_limits()
    subject = ("case", case_id)
    attempts = snapshot.get("attempts", [])
    dated = [(a, date.fromisoformat(d)) for a, d in zip(attempts, attempt_dates, strict=False)]
    failed = [(a, on) for a, on in dated if a["outcome"] == "failed"]
    if decision["next_stage"] == "court":
        at_court = [on for a, on in failed if a["stage"] == "court"]
        if not at_court:
            before = [on for a, on in failed if a["stage"] != "court"]
            start = max(before) if before else date.fromisoformat(snapshot["filed_on"])
            return [_counted(subject, "pre_litigation_mediation", limits.pre_litigation_mediation, start)]
        track = decision.get("court_track")
        period = limits.trial.get(track or "")
        if period is None:
            return []
        return [_counted(subject, f"trial.{track}", period, max(at_court))]
    follow_up = limits.follow_up
    if decision["next_stage"] == "closed" and (follow_up.days is not None or follow_up.months is not None):
        resolved = [on for a, on in dated if a["outcome"] == "resolved"]
        if resolved:
            return [_counted(subject, "follow_up", follow_up, max(resolved))]
    return []


_LISTED_FIELDS = ("attempts", "filed_on", "owners", "property_company")
"""The fields of a case's own snapshot its deadlines and their listing (``recorder.case_listing``) read."""


def same_case_deadlines(before: Any, after: Any) -> bool:
    """Whether the deadline rows of ``after`` (a ``CaseState``) are those of ``before``.

    Why: most new snapshots change a claim amount, a phone or a note, and counting the same dates
    again, masking the same parties and deleting and inserting the same rows was a tenth of the
    ledger's own work on such a case. The rows follow from these inputs alone: the attempts and
    their days, the filing day, the parties listed, the decision's stage and track, and the rules
    (periods, holidays) by their version.
    """
    old, new = before.decision, after.decision
    return (old["next_stage"] == new["next_stage"] and old.get("court_track") == new.get("court_track")
            and old.get("rules_version") == new.get("rules_version") and before.attempt_dates == after.attempt_dates
            and all(before.snapshot.get(key) == after.snapshot.get(key) for key in _LISTED_FIELDS))


def company_deadlines(key: str, status: str, deadline: Any) -> list[Due]:
    """A company under rectification must be inspected once its deadline has passed."""
    if status != "rectifying" or deadline is None:
        return []
    rules = default_scoring_rules()
    basis = rules.basis_label(rules.lifecycle.deadline_basis)
    return [Due("company", key, "rectification_inspection", "整改期限届满、组织整改验收", deadline.starts_on,
                deadline.due_on, basis, deadline.note)]
