"""The Case: one dispute as registered, the input of triage (SPEC §2.1)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal, TypeVar

from pydantic import BaseModel, Field, model_validator

from propertytriage.models.clock import today
from propertytriage.models.details import (
    Arrears,
    Contract,
    Estate,
    FocusPoint,
    Owner,
    PropertyCompany,
    Venue,
)
from propertytriage.models.history import RectificationHistory
from propertytriage.models.scorecard import Scorecard
from propertytriage.models.types import STRICT_MODEL, Flag, IsoDate, LongText, Score, ShortText, Yuan
from propertytriage.models.vocabulary import Claimant, Outcome, Stage

DisputeType = Literal[
    "fee_arrears",
    "service_quality",
    "common_revenue",
    "parking",
    "renovation",
    "maintenance_fund",
    "other_property",
    "neighbor",
]


M = TypeVar("M", bound=BaseModel)


def _empty(model: type[M]) -> Callable[[], M]:
    """A default part the case left out: one frozen, empty instance shared by every case.

    Building a fresh empty Contract, Arrears, Estate and Venue for each case cost a third of
    validating it (each runs its own checks on nothing); being frozen, one instance serves all.
    """
    instance = model()
    return lambda: instance


class Attempt(BaseModel):
    """An earlier step on the ladder and how it ended."""

    model_config = STRICT_MODEL

    stage: Stage
    outcome: Outcome
    on: IsoDate | None = None


class Case(BaseModel):
    """A property-management dispute as the clerk registers it.

    Only the facts in the first block steer triage; the detail objects below them fill the forms.
    """

    model_config = STRICT_MODEL

    case_id: ShortText = Field(min_length=1)
    filed_on: IsoDate
    province: ShortText = Field(min_length=1)
    dispute_type: DisputeType
    claimant: Claimant
    claim_amount: Yuan = Decimal(0)
    has_owners_committee: Flag = True
    attempts: list[Attempt] = Field(default_factory=list)
    company_score: Score | None = None
    scorecard: Scorecard | None = None
    rectification_history: RectificationHistory | None = Field(
        default=None,
        description="物业服务企业的评分、整改建议书与整改验收记录（docs/scoring.md）",
    )
    needs_appraisal: Flag = False
    counterclaim: Flag = False
    whereabouts_unknown: Flag = False
    foreign_related: Flag = False
    parties_agree_small_claims: Flag = False
    contentious: Flag = False

    property_company: PropertyCompany = Field(default_factory=_empty(PropertyCompany))
    owners: list[Owner] = Field(default_factory=list)
    estate: Estate = Field(default_factory=_empty(Estate))
    contract: Contract = Field(default_factory=_empty(Contract))
    arrears: Arrears = Field(default_factory=_empty(Arrears))
    focus_points: list[FocusPoint] = Field(default_factory=list)
    venue: Venue = Field(default_factory=_empty(Venue))
    facts: LongText | None = Field(default=None, description="事实与理由（自由文本）")

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        if self.company_score is not None and self.scorecard is not None:
            raise ValueError(
                "scorecard::give either company_score or scorecard, not both"
                "|company_score 与 scorecard 只能提供其一"
            )
        self._dates_possible()
        if not self.has_owners_committee:
            for index, attempt in enumerate(self.attempts):
                if attempt.stage == "owners_committee":
                    raise ValueError(
                        f"attempts[{index}].stage::an owners_committee attempt is impossible in an estate without an "
                        "owners' committee (has_owners_committee is false)"
                        "|本小区无业主委员会（has_owners_committee 为 false），"
                        "不能有业主委员会协商记录"
                    )
        return self

    def _dates_possible(self) -> None:
        """Refuse dates that cannot be right: a filing or an outcome after today, a birth after filing.

        An attempt may come after ``filed_on``: the dispute is registered once and the ladder goes
        on (the community, the center, the court's mediation); it cannot come after today.
        """
        now = today()
        if self.filed_on > now:
            raise ValueError(
                f"filed_on::the filing date {self.filed_on} is after today ({now})"
                f"|立案日期 {self.filed_on} 晚于今天（{now}），请核对"
            )
        for index, attempt in enumerate(self.attempts):
            if attempt.on is not None and attempt.on > now:
                raise ValueError(
                    f"attempts[{index}].on::the attempt's date {attempt.on} is after today ({now}); "
                    f"record an outcome once it has happened|该环节的日期 {attempt.on} 晚于今天（{now}），"
                    "请在该环节有结果后再登记"
                )
        for index, owner in enumerate(self.owners):
            if owner.born_on is not None and owner.born_on > self.filed_on:
                raise ValueError(
                    f"owners[{index}].born_on::the date of birth {owner.born_on} is after filed_on "
                    f"({self.filed_on})|出生日期 {owner.born_on} 晚于立案日期 filed_on（{self.filed_on}），"
                    "请核对"
                )

    @property
    def is_property_dispute(self) -> bool:
        """Whether the dispute belongs to the mechanism at all (neighbour quarrels do not)."""
        return self.dispute_type != "neighbor"
