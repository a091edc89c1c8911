"""The shape of the files in ``rules/scoring/``, checked on load.

Shape only (keys, types, dates); that the items add up to 100, that ids are unique and that every
basis is cited is checked in :mod:`propertytriage.scoring.rubric`, which can name the file and fix.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from propertytriage.models.types import IsoDate
from propertytriage.models.vocabulary import Evaluator
from propertytriage.ruledata.schema import RuleBase
from propertytriage.scoring.state import Status

_FILE = ConfigDict(extra="forbid", frozen=True)


class Source(BaseModel):
    """A published standard or law an item is based on, with how far it was checked."""

    model_config = _FILE

    title: str
    issuer: str | None = None
    document: str | None = None
    article: str | None = None
    verified: bool
    note: str | None = None


class Category(BaseModel):
    model_config = _FILE

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    title: str
    sources: list[str] = Field(min_length=1)


class Item(BaseModel):
    """One rubric line: what it is, what earns and loses points, and its ceiling."""

    model_config = _FILE

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    category: str
    title: str = Field(min_length=1)
    earns: str = Field(min_length=1)
    loses: str = Field(min_length=1)
    max_points: Decimal = Field(gt=0)
    sources: list[str] = Field(min_length=1)


class RubricFile(BaseModel):
    model_config = _FILE

    rubric: str
    title: str
    effective_on: IsoDate
    effective_on_note: str | None = None
    last_reviewed_on: IsoDate
    sources: dict[str, Source] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)


class Rounding(BaseModel):
    model_config = _FILE

    places: int = Field(ge=0, le=2)
    mode: Literal["half_up"]


class CombinationFile(BaseModel):
    model_config = _FILE

    effective_on: IsoDate
    weights: dict[Evaluator, Decimal]
    required: list[Evaluator] = Field(min_length=1)
    complete_sheets: list[Evaluator] = Field(min_length=1)
    missing: Literal["renormalise"]
    rounding: Rounding
    compare: Literal["rounded_total"]
    weakest_items: int = Field(ge=0, le=30)
    basis: list[str] = Field(min_length=1)


class LifecycleEffects(BaseModel):
    """What a lifecycle rule does when it fires."""

    model_config = _FILE

    status: Status | None = None
    start_round: bool = False
    count_failure: bool = False
    penalty: bool = False
    reject: bool = False


class LifecycleRule(RuleBase):
    """A rectification-lifecycle rule: the same shape as a triage rule, with its own effects."""

    id: str = Field(pattern=r"^lifecycle(\.[a-z_]+)+$")
    then: LifecycleEffects


class LifecycleFile(BaseModel):
    model_config = _FILE

    effective_on: IsoDate
    deadline_days: int = Field(ge=1, le=365)
    deadline_days_basis: list[str] = Field(min_length=1)
    deadline_days_note: str
    deadline_counting: str
    deadline_basis: list[str] = Field(min_length=1)
    penalty_after_failures: int = Field(ge=1)
    penalty_basis: list[str] = Field(min_length=1)
    fix_below_fraction: Decimal = Field(gt=0, le=1)
    fix_note: str
    rules: list[LifecycleRule] = Field(min_length=1)
