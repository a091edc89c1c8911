"""The Decision: where a dispute goes now and why (SPEC §2.2)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from propertytriage.models.vocabulary import Awaiting, CourtTrack, FormId, NextStage

__all__ = ["Awaiting", "CourtTrack", "Decision", "FormId", "NextStage", "Reason"]


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
