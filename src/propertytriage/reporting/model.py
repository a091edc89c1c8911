"""The report document (SPEC §5): what an office sends upward, and what integrators read as JSON.

Every figure is a count; every rate is derived from two counts of the same document by
:mod:`.figures` under the rounding rule in ``rules/``, so a table, a chart and the JSON can never
disagree. The validators refuse a document whose counts contradict each other (more resolved than
mediated, a ladder stage whose outcomes do not add up), which is what a wrong query would produce.
Rates are fractions in [0, 1] written as JSON numbers (0.762), or null when nothing was counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from propertytriage.models.vocabulary import Stage

GroupBy = Literal["month", "street", "community", "company"]
Count = Annotated[int, Field(ge=0)]


def _as_number(value: Decimal | None) -> float | None:
    # A rate has at most 8 decimals (rules/parameters/statistics.yaml), which a float's shortest repr keeps.
    return None if value is None else float(value)


Rate = Annotated[
    Decimal | None,
    Field(ge=0, le=1),
    PlainSerializer(_as_number, return_type=float | None, when_used="json"),
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Period(_Part):
    """The days counted, both included."""

    from_: date = Field(alias="from")
    to: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.to < self.from_:
            raise ValueError("period.to is before period.from|统计期末早于统计期初")
        return self


class Mediation(_Part):
    """Cases with a mediation-center attempt dated in the period, and how many it resolved."""

    mediated: Count
    resolved: Count
    success_rate: Rate = Field(description="resolved ÷ mediated")

    @model_validator(mode="after")
    def _consistent(self) -> Mediation:
        if self.resolved > self.mediated:
            raise ValueError("mediation_center.resolved exceeds mediated|调解成功件数多于调解件数")
        return self


class StageFigures(_Part):
    """One rung of the ladder: attempts dated in the period, resolved there or passed on."""

    stage: Stage
    attempted: Count
    resolved: Count
    passed_on: Count = Field(description="attempts that failed: the dispute went up the ladder")

    @model_validator(mode="after")
    def _adds_up(self) -> StageFigures:
        if self.resolved + self.passed_on != self.attempted:
            raise ValueError(
                f"ladder {self.stage}: resolved + passed_on must equal attempted|各环节化解与上移之和须等于受理")
        return self


class Resolution(_Part):
    """化解率: cases received in the period resolved before court, over property disputes received."""

    received: Count = Field(description="property-service disputes received in the period (out of scope excluded)")
    resolved_before_court: Count
    rate: Rate
    definition: str
    rounding: str = Field(description="how the rate's last place is reached, e.g. half_up to 2 percent places")

    @model_validator(mode="after")
    def _consistent(self) -> Resolution:
        if self.resolved_before_court > self.received:
            raise ValueError("resolution.resolved_before_court exceeds received|化解件数多于登记件数")
        return self


class Court(_Part):
    """Cases passed to court in the period, by the track their decision gives."""

    sent: Count
    small_claims: Count
    fast_track: Count
    ordinary: Count
    undecided: Count = Field(description="at court with no track yet (e.g. a wage figure missing)")

    @model_validator(mode="after")
    def _adds_up(self) -> Court:
        if self.small_claims + self.fast_track + self.ordinary + self.undecided != self.sent:
            raise ValueError("court tracks must add up to sent|各审理程序件数之和须等于移送法院件数")
        return self


class ScoreBand(_Part):
    """Companies whose latest score in the period lies in [lower, upper) (the top band includes 100)."""

    lower: Decimal
    upper: Decimal
    companies: Count
    below_pass_mark: bool


class DaysToPass(_Part):
    """Days from the rectification notice to the inspection that passed it, for rounds passed in the period."""

    rounds: Count
    median: Decimal | None
    mean: Decimal | None
    longest: int | None


class Companies(_Part):
    """The companies' record in the period: scores, notices, inspections, penalties."""

    pass_mark: Decimal
    scored: Count
    below_pass_mark: Count
    notices_issued: Count
    passed: Count
    penalised: Count
    days_to_pass: DaysToPass
    score_bands: list[ScoreBand]

    @model_validator(mode="after")
    def _consistent(self) -> Companies:
        if self.below_pass_mark > self.scored:
            raise ValueError("companies.below_pass_mark exceeds scored|低于及格线的企业多于评分企业")
        if self.score_bands and sum(b.companies for b in self.score_bands) != self.scored:
            raise ValueError("companies.score_bands must add up to scored|各分数段企业数之和须等于评分企业数")
        return self


class OverdueKind(_Part):
    """Overdue deadlines of one kind (a rectification deadline, the 30-day pre-litigation mediation …)."""

    kind: str
    title: str
    deadlines: Count


class Overdue(_Part):
    """Deadlines past due on the last day of the period."""

    on: date
    deadlines: Count
    by_kind: list[OverdueKind]

    @model_validator(mode="after")
    def _adds_up(self) -> Overdue:
        if self.by_kind and sum(k.deadlines for k in self.by_kind) != self.deadlines:
            raise ValueError("overdue.by_kind must add up to deadlines|各类逾期事项之和须等于逾期总数")
        return self


class Month(_Part):
    """One calendar month of the period (for the chart of cases by month)."""

    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    received: Count
    resolved: Count = Field(description="attempts resolved, dated in the month, at any stage")
    sent_to_court: Count


class Group(_Part):
    """One row of the breakdown (``--by``): the same figures for one month, street, community or company."""

    key: str
    label: str
    received: Count
    mediation_center: Mediation
    resolved_before_court: Count
    resolution_rate: Rate
    sent_to_court: Count


class Report(_Part):
    """The statistics of one period (SPEC §5)."""

    title: str
    office: str | None = None
    period: Period
    grouped_by: GroupBy | None = None
    rules_version: str
    received: Count = Field(description="cases filed in the period, all dispute types")
    out_of_scope: Count = Field(description="of those, disputes outside the pipeline (e.g. between neighbours)")
    mediation_center: Mediation
    ladder: list[StageFigures]
    resolution: Resolution
    court: Court
    companies: Companies
    overdue: Overdue
    months: list[Month]
    by: list[Group]

    @model_validator(mode="after")
    def _consistent(self) -> Report:
        if self.out_of_scope > self.received or self.resolution.received != self.received - self.out_of_scope:
            raise ValueError(
                "resolution.received must be received less out_of_scope|化解率分母须为登记数减去不属物业服务纠纷数")
        at_center = [s for s in self.ladder if s.stage == "mediation_center"]
        if at_center and (at_center[0].attempted, at_center[0].resolved) != (
                self.mediation_center.mediated, self.mediation_center.resolved):
            raise ValueError("ladder mediation_center must match mediation_center|阶梯中调解中心的数字须与调解中心一致")
        if self.by and self.grouped_by is None:
            raise ValueError("by rows need grouped_by|有分组数据时须写明分组方式")
        return self

    def to_json(self) -> str:
        """The JSON integrators read (keys as SPEC §5 names them: ``period.from``)."""
        return self.model_dump_json(by_alias=True, indent=2)


def report_schema() -> dict[str, object]:
    """JSON Schema of the report as written (``propertytriage schema report``)."""
    return Report.model_json_schema(mode="serialization", by_alias=True)
