"""A company's rectification history: the input that the lifecycle replays (docs/scoring.md).

A history is a record of what happened, in the order it happened: joint scores, rectification
notices and inspections. The lifecycle derives everything else (status, deadlines, penalty
recommendations) from it, so the same history always gives the same state. It lives with the
other models because a Case carries it (``Case.rectification_history``); scoring replays it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from propertytriage.models.details import PropertyCompany
from propertytriage.models.scorecard import Scorecard
from propertytriage.models.types import STRICT_MODEL, IsoDate, LongText, Score


class ScoreEvent(BaseModel):
    """A joint score: either the bare ``total`` or the evaluators' ``scorecard``."""

    model_config = STRICT_MODEL

    kind: Literal["score"]
    on: IsoDate
    total: Score | None = None
    scorecard: Scorecard | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _one_score(self) -> ScoreEvent:
        if (self.total is None) == (self.scorecard is None):
            raise ValueError(
                "total::give exactly one of total or scorecard|total 与 scorecard 须且只能提供其一"
            )
        return self


class NoticeEvent(BaseModel):
    """A rectification notice (限期整改建议书) as issued; ``deadline`` if it set its own date."""

    model_config = STRICT_MODEL

    kind: Literal["notice"]
    on: IsoDate
    deadline: IsoDate | None = None
    items: list[str] = Field(default_factory=list)
    note: LongText | None = None

    @model_validator(mode="after")
    def _deadline_after_issue(self) -> NoticeEvent:
        if self.deadline is not None and self.deadline <= self.on:
            raise ValueError(
                "deadline::the deadline must fall after the day of issue|整改期限须晚于下发之日"
            )
        return self


class InspectionEvent(BaseModel):
    """An inspection of the rectification (整改验收) and its result."""

    model_config = STRICT_MODEL

    kind: Literal["inspection"]
    on: IsoDate
    result: Literal["passed", "failed"]
    note: LongText | None = None


Event = Annotated[ScoreEvent | NoticeEvent | InspectionEvent, Field(discriminator="kind")]


class RectificationHistory(BaseModel):
    """One company's events in date order (events on the same day keep the order given)."""

    model_config = STRICT_MODEL

    company: PropertyCompany = Field(default_factory=PropertyCompany)
    events: list[Event] = Field(default_factory=list)

    @model_validator(mode="after")
    def _in_date_order(self) -> RectificationHistory:
        for i in range(1, len(self.events)):
            if self.events[i].on < self.events[i - 1].on:
                raise ValueError(
                    f"events[{i}].on::events must be in date order: {self.events[i].on} "
                    f"comes after {self.events[i - 1].on}|事件须按日期先后排列："
                    f"第 {i + 1} 个事件的日期 {self.events[i].on} "
                    f"早于前一个事件的 {self.events[i - 1].on}"
                )
        return self
