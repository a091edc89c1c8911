"""What replaying a history gives: where a company stands in the rectification lifecycle.

``rectification_required`` follows SPEC §2.2: true from a score below the pass mark until an
inspection passes (or a later score reaches the mark); null while the company has no score.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from propertytriage.models.details import PropertyCompany
from propertytriage.models.types import Points
from propertytriage.scoring.deadline import Deadline

_OUT = ConfigDict(frozen=True)

Status = Literal["unscored", "passing", "notice_due", "rectifying", "rectified"]
NextAction = Literal["score", "issue_notice", "inspect", "mediation"]


class FixItem(BaseModel):
    """A rubric item the notice asks the company to fix."""

    model_config = _OUT

    id: str
    title: str
    points: Points
    max_points: Points


class Step(BaseModel):
    """One event of the history and the lifecycle rule that took it."""

    model_config = _OUT

    event: int
    on: date
    kind: str
    rule: str
    basis: str
    text: str


class PenaltyRecommendation(BaseModel):
    """A recommendation to the administration department to penalise (行政处罚) the company."""

    model_config = _OUT

    on: date
    round: int
    failures: int
    text: str


class ProposedNotice(BaseModel):
    """The notice due after a low score: what to fix and by when, counted from the score's date."""

    model_config = _OUT

    counted_from: date
    deadline: Deadline
    items: list[FixItem]


class RectificationState(BaseModel):
    """Where a company stands after its history, and what must happen next."""

    model_config = _OUT

    company: PropertyCompany
    status: Status
    rectification_required: bool | None
    mediation_may_proceed: bool
    latest_score: Points | None
    latest_score_on: date | None
    round: int
    deadline: Deadline | None
    failed_inspections: int
    penalty_recommendations: list[PenaltyRecommendation]
    items_to_fix: list[FixItem]
    proposed_notice: ProposedNotice | None
    next_action: NextAction
    next_action_text: str
    calendar_warnings: list[str]
    steps: list[Step]
