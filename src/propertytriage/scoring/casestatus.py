"""The ``score_status`` triage reads (rules/triage/facts.yaml) for a case with a history.

A case that carries the company's ``rectification_history`` is decided on the replayed history, so a
company whose low score was followed by a passed inspection is ``rectified`` (mediation goes ahead,
``rectification_required`` false) rather than ``below_pass``.

A ``company_score`` or ``scorecard`` on the same case is the latest joint score. If the history has
scores too, the case's score must equal the latest of them (the history then records what followed
it); if the history has none, the case's score is taken as coming before every event in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from propertytriage.errors import InputError, Problem
from propertytriage.models.history import Event, RectificationHistory, ScoreEvent
from propertytriage.ruledata.schema import ScoringFile
from propertytriage.scoring.lifecycle import replay_with
from propertytriage.scoring.rubric import default_scoring_rules

if TYPE_CHECKING:
    from propertytriage.models.case import Case

_TRIAGE_STATUS = {
    "unscored": "unknown",
    "passing": "pass",
    "notice_due": "below_pass",
    "rectifying": "below_pass",
    "rectified": "rectified",
}


@dataclass(frozen=True)
class HistoryStatus:
    """What triage reads from a company's history: its score status and any notice still running."""

    score_status: str
    latest_score: Decimal | None
    notice_running: bool
    """The current round of rectification was started by a notice that no inspection has closed.

    After a failed inspection the round goes on with a new deadline that no notice has stated yet,
    so a notice is due again (with the penalty recommendation); an early failed inspection does not
    end the round (docs/interpretations.md, "A notice already running").
    """
    notice_issued_on: date | None = None
    notice_due_on: date | None = None


def history_status(case: Case, pass_line: ScoringFile, own: Decimal | None) -> HistoryStatus:
    """The company's standing for triage, from the case's rectification history.

    ``own`` is the case's own joint score (its ``company_score`` or its scorecard's total), already
    computed by the caller; ``pass_line`` is the pass mark of the rule book triage runs under.
    """
    history = case.rectification_history
    assert history is not None, "only called for cases with a rectification_history"
    rules = default_scoring_rules()
    events = list(history.events)
    mark = pass_line.pass_mark
    if own is not None:
        scores = [e for e in events if isinstance(e, ScoreEvent)]
        if not scores:
            first = events[0].on if events else case.filed_on
            events.insert(0, ScoreEvent(kind="score", on=first, total=own))
            history = RectificationHistory(company=history.company, events=events)
        else:
            latest = replay_with(
                RectificationHistory(events=list[Event](scores)), rules, pass_mark=mark,
                location="rectification_history",
            ).latest_score
            if latest != own:
                raise InputError([Problem(
                    "rectification_history", "score_mismatch",
                    f"案件的评分 {own} 与整改记录中最近一次评分 {latest} 不一致",
                    f"the case's score {own} differs from the latest score {latest} in the history",
                )])
    state = replay_with(history, rules, pass_mark=mark, location="rectification_history")
    by_id = {rule.id: rule for rule in rules.lifecycle.rules}
    rounds = [step for step in state.steps if by_id[step.rule].then.start_round]
    running = state.status == "rectifying" and bool(rounds) and rounds[-1].kind == "notice"
    return HistoryStatus(
        score_status=_TRIAGE_STATUS[state.status],
        latest_score=state.latest_score,
        notice_running=running,
        notice_issued_on=rounds[-1].on if running else None,
        notice_due_on=state.deadline.due_on if running and state.deadline else None,
    )


def history_score_status(
    case: Case, pass_mark: Decimal | ScoringFile, own: Decimal | None
) -> tuple[str, Decimal | None]:
    """``score_status`` and the latest score (the older, narrower form of :func:`history_status`)."""
    line = pass_mark if isinstance(pass_mark, ScoringFile) else default_scoring_rules(
    ).pass_line.model_copy(update={"pass_mark": pass_mark})
    status = history_status(case, line, own)
    return status.score_status, status.latest_score
