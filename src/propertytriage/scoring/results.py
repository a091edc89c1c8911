"""What scoring returns (SPEC §2.5 ``ScoreResult``): the total, the verdict and the breakdown.

Points are exact decimals, serialised to JSON as strings like every amount in this package, so
that a total of 59.9 is never printed as 59.900000000000006.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from propertytriage.models.details import PropertyCompany
from propertytriage.models.types import Points
from propertytriage.models.vocabulary import Evaluator

_OUT = ConfigDict(frozen=True)


class ItemScore(BaseModel):
    """One rubric item after combining the sheets."""

    model_config = _OUT

    id: str
    category: str
    title: str
    points: Points
    max_points: Points
    by_evaluator: dict[Evaluator, Points]


class CategoryScore(BaseModel):
    """A category's subtotal (rounded like the total; the total is summed before rounding)."""

    model_config = _OUT

    category: str
    title: str
    points: Points
    max_points: Points


class EvaluatorWeight(BaseModel):
    """A body that scored, its weight in the rule, and its sheet's own total (shown for review)."""

    model_config = _OUT

    evaluator: Evaluator
    weight: Decimal
    sheet_total: Points


class ScoreResult(BaseModel):
    """The joint score of one company on one date."""

    model_config = _OUT

    company: PropertyCompany
    evaluated_on: date
    total: Points
    pass_mark: Points
    rectification_required: bool
    by_category: list[CategoryScore]
    weakest_items: list[ItemScore]
    items: list[ItemScore]
    evaluators: list[EvaluatorWeight]
    missing_evaluators: list[Evaluator]
    basis: str
    explanation: str
