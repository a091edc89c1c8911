"""The evaluators' sheets for the joint score (联合赋分), SPEC §2.3.

The shape is checked here; whether each item exists in the rubric in force and whether its points
lie within the item's ``max_points`` is checked by the scoring package, which knows the rubric.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from propertytriage.models.details import PropertyCompany
from propertytriage.models.types import STRICT_MODEL, IsoDate, Points
from propertytriage.models.vocabulary import Evaluator

__all__ = ["Evaluation", "Evaluator", "Scorecard"]


class Evaluation(BaseModel):
    """One evaluator body's sheet: points per rubric item."""

    model_config = STRICT_MODEL

    evaluator: Evaluator
    items: dict[str, Points] = Field(min_length=1)


class Scorecard(BaseModel):
    """All sheets for one company on one evaluation date."""

    model_config = STRICT_MODEL

    company: PropertyCompany = Field(default_factory=PropertyCompany)
    evaluated_on: IsoDate
    evaluations: list[Evaluation] = Field(min_length=1)

    @field_validator("evaluations")
    @classmethod
    def _one_sheet_per_evaluator(cls, value: list[Evaluation]) -> list[Evaluation]:
        seen: set[str] = set()
        for sheet in value:
            if sheet.evaluator in seen:
                raise ValueError(
                    f"evaluator {sheet.evaluator} appears twice|评分主体 {sheet.evaluator} 重复出现"
                )
            seen.add(sheet.evaluator)
        return value
