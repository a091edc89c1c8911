"""The shape of every file in ``rules/``, checked on load.

These models only check shape (keys, types, dates). Cross-file checks (a rule names a fact that
exists, a basis that is cited, a stage on the ladder) are in ``loader.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from propertytriage.models import clock
from propertytriage.models.types import IsoDate, Yuan
from propertytriage.models.vocabulary import Awaiting, CourtTrack, FormId

_FILE = ConfigDict(extra="forbid", frozen=True)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

FactValue = bool | str


class Citation(BaseModel):
    """A legal or policy basis that rules cite by id."""

    model_config = _FILE

    title: str
    article: str | None = None
    effective_on: IsoDate | None = None
    quote: str = ""
    href: str | None = None
    verified: bool
    note: str | None = None

    def label(self) -> str:
        """How a decision names this basis, e.g. 《中华人民共和国民事诉讼法（2023年修正）》第一百六十五条."""
        text = f"政策：{self.title}" if self.article is None else f"{book_title(self.title)}{self.article}"
        return text if self.verified else f"{text}（出处待核实）"


def book_title(title: str) -> str:
    """``title`` in 书名号; a title quoted inside it takes 〈〉.

    GB/T 15834—2011《标点符号用法》: 书名号里边还要用书名号时，外面一层用双书名号，里边一层用单书名号.
    """
    return "《" + title.replace("《", "〈").replace("》", "〉") + "》"


class CitationsFile(BaseModel):
    model_config = _FILE

    citations: dict[str, Citation]


class FactSpec(BaseModel):
    model_config = _FILE

    values: list[FactValue] = Field(min_length=1)
    meaning: str
    lazy: bool = False
    """Computed only for a phase that reads it (it may need data, such as a wage figure, that a
    case elsewhere on the ladder does not have to have)."""
    decided: bool = False
    """Set by a rule's decision (``then``) for the phases after it, not derived from the case."""


@dataclass(frozen=True)
class FactDeclaration:
    """What the code declares it produces for one fact; ``facts.yaml`` must say the same."""

    values: tuple[FactValue, ...]
    lazy: bool = False
    decided: bool = False


class FactsFile(BaseModel):
    model_config = _FILE

    facts: dict[str, FactSpec]
    placeholders: dict[str, str] = {}


class Rung(BaseModel):
    model_config = _FILE

    stage: str
    title: str
    only_if: str | None = None
    escalates_to: str | None
    basis: list[str] = Field(min_length=1)


class Ending(BaseModel):
    model_config = _FILE

    stage: str
    title: str


class PipelineFile(BaseModel):
    model_config = _FILE

    ladder: list[Rung] = Field(min_length=1)
    endings: list[Ending]
    phases: list[str] = Field(min_length=1)


class Effects(BaseModel):
    """What a rule decides when it fires."""

    model_config = _FILE

    next_stage: str | None = None
    court_track: CourtTrack | None = None
    rectification_required: bool | None = None
    forms: list[FormId] = []
    awaiting: list[Awaiting] = []


class RuleBase(BaseModel):
    """What every rule in ``rules/`` has, whatever it decides: a condition, a basis, an explanation."""

    model_config = _FILE

    id: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)+$")
    when: dict[str, Any] = {}
    basis: list[str] = Field(min_length=1)
    text: str = Field(min_length=1)

    def placeholders(self) -> list[str]:
        """The ``{names}`` the explanation uses (the loaders check each is declared)."""
        return PLACEHOLDER.findall(self.text)

    def explain(self, values: Mapping[str, str], *, unknown: str | None = None) -> str:
        """The explanation with its placeholders filled; ``unknown`` for a missing value, if given."""
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            return values[name] if unknown is None else values.get(name, unknown)

        return PLACEHOLDER.sub(fill, self.text)


class RuleSpec(RuleBase):
    """A triage rule."""

    then: Effects


class PhaseFile(BaseModel):
    model_config = _FILE

    phase: str = Field(pattern=r"^[a-z_]+$")
    title: str
    decides: list[str] = Field(min_length=1)
    applies_when: dict[str, Any] = {}
    rules: list[RuleSpec] = Field(min_length=1)


class WageValue(BaseModel):
    """One year's published average wage for a province."""

    model_config = _FILE

    data_year: int = Field(ge=1990, le=2100)
    amount: Decimal | None = Field(default=None, gt=0)
    published_on: IsoDate | None = None
    published_on_estimated: bool = False
    reference: dict[str, str | None]
    verified: bool
    note: str | None = None


class WageReference(BaseModel):
    """Where a notice was read: its title and the address actually opened (null if none)."""

    model_config = _FILE

    title: str = Field(min_length=1)
    href: str | None


class WageAnnouncementBasis(BaseModel):
    """The wage figure a notice says its limit is computed from; any key the notice leaves out is null."""

    model_config = _FILE

    data_year: int | None = Field(default=None, ge=1990, le=2100)
    series_title: str | None = None
    amount: Yuan | None = Field(default=None, gt=0)


class WageAnnouncement(BaseModel):
    """A high court's notice of its small-claims limits (小额诉讼标的额标准), in force from a date.

    The amounts are kept exactly as announced: a court that rounds 51810.5 up to 51811 decides with
    51811, and that is the number a clerk must see.
    """

    model_config = _FILE

    court: str = Field(min_length=1)
    document: str | None = None
    announced_on: IsoDate | None
    effective_from: IsoDate
    effective_from_estimated: bool = False
    """True when the notice's own start date was not found and ``effective_from`` is a bound."""
    effective_until: IsoDate | None = None
    """The last day, for a notice that says when it ends; otherwise it lasts until the next one."""
    later_figures_apply: Literal["next_month"] | None = None
    """Set when the notice says later statistics replace its amounts by themselves: ``next_month``
    for "新标准自统计数据发布的次月1日起适用" (湖南). Then each figure published after the one the notice
    used takes over from the first day of the month after its publication."""
    based_on: WageAnnouncementBasis | None = None
    mandatory_limit: Yuan = Field(gt=0)
    consent_limit: Yuan | None = Field(default=None, gt=0)
    reference: WageReference
    verified: bool
    note: str | None = None


class WageFile(BaseModel):
    model_config = _FILE

    province: str
    code: str = Field(pattern=r"^\d{6}$")
    series: str
    series_title: str
    series_reason: str
    values: list[WageValue] = Field(min_length=1)
    announcements: list[WageAnnouncement] = []
    court_announcements: list[dict[str, Any]] = []
    """The earlier free-form list, read by nothing; superseded by ``announcements``."""
    last_reviewed_on: IsoDate


class MonthDay(BaseModel):
    model_config = _FILE

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=28)


class SmallClaimsFile(BaseModel):
    model_config = _FILE

    effective_from: IsoDate
    newer_figure_expected_by: MonthDay
    mandatory_fraction: Decimal = Field(gt=0)
    consent_fraction: Decimal = Field(gt=0)
    inclusive: Literal[True]
    basis: list[str] = Field(min_length=1)


class VersionFile(BaseModel):
    """``rules/version.yaml``: the version a court raises when it publishes a change of its rules."""

    model_config = _FILE

    version: str = Field(pattern=r"^[0-9A-Za-z.\-]{1,32}$")
    note: str = ""


class ScoringFile(BaseModel):
    model_config = _FILE

    pass_mark: Decimal = Field(ge=0, le=100)
    below_pass_means: Literal["rectification"]
    basis: list[str] = Field(min_length=1)

    def passes(self, score: Decimal) -> bool:
        """Whether a joint score reaches the pass mark: the one place the line is drawn.

        "60分以上" and "60分以下" both include 60 (民法典 第1259条); the mechanism resolves the
        overlap as score < pass mark → rectification, score ≥ pass mark → mediation (SPEC §1).
        """
        return score >= self.pass_mark


def today() -> date:
    """Today's date; a seam for tests of freshness stamps."""
    return clock.today()


# --- rules/parameters/holidays.yaml -------------------------------------------------------------

_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class FixedHoliday(BaseModel):
    """A statutory holiday on the same date every year, used where the State Council's schedule stops."""

    model_config = _FILE

    day: str = Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
    holiday: str = Field(min_length=1)
    in_force_from: IsoDate
    verified: bool
    note: str | None = None

    @field_validator("day")
    @classmethod
    def _a_day_of_the_year(cls, value: str) -> str:
        if int(value[3:]) > _MONTH_DAYS[int(value[:2]) - 1]:
            raise ValueError(f"{value} is not a day of the year")
        return value

    def falls_on(self, when: date) -> bool:
        """Whether ``when`` is this holiday (and the law made it one by then)."""
        return when.strftime("%m-%d") == self.day and when >= self.in_force_from


class HolidaysFile(BaseModel):
    model_config = _FILE

    fixed_dates: list[FixedHoliday] = Field(min_length=1)
    source: str = Field(min_length=1)
