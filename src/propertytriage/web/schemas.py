"""Response models of the web API that the Python API does not already have."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class RubricItem(BaseModel):
    """One item of the rubric in force, as ``propertytriage rubric`` prints it (points as decimal text)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    category: str
    category_title: str
    title: str
    max_points: Decimal
    earns: str
    loses: str
    sources: list[str]
    verified: bool


class HealthStatus(BaseModel):
    """What a load balancer's health check reads."""

    status: str
    version: str
    rules_version: str


class WhoAmI(BaseModel):
    """The caller as the server knows it from the token."""

    name: str
    role: str
