"""The Decision: where a dispute goes now and why (SPEC §2.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

NextStage = Literal[
    "owners_committee", "community", "mediation_center", "court", "closed", "out_of_scope"
]
CourtTrack = Literal["small_claims", "fast_track", "ordinary"]
Awaiting = Literal["company_score", "rectification_acceptance"]
FormId = Literal["scorecard", "rectification_notice", "focus_table", "inquiry_form"]


class Reason(BaseModel):
    """One rule that decided: its id, its legal or policy basis, and a Chinese explanation."""

    model_config = ConfigDict(frozen=True)

    rule: str
    basis: str
    text: str


class Decision(BaseModel):
    """The outcome of triage for one case."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    next_stage: NextStage
    court_track: CourtTrack | None = None
    rectification_required: bool | None = None
    awaiting: list[Awaiting] = []
    forms: list[FormId] = []
    reasons: list[Reason] = []
    rules_version: str = ""
    """The version of ``rules/`` the decision was made under (``propertytriage --version``)."""
