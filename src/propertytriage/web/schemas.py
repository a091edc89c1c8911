"""Response models of the web API that the Python API does not already have."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from propertytriage.models import Case, Decision
from propertytriage.web.problems import ProblemItem


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


class Refusal(BaseModel):
    """One document the ledger refused: where it was in the request, which case or company, and why."""

    source: str
    subject: str
    errors: list[ProblemItem]


class ImportResult(BaseModel):
    """What ``propertytriage import`` prints, and every refusal with its fields at fault."""

    new: int
    changed: int
    unchanged: int
    refused: int
    refusals: list[Refusal]
    unchanged_with_reason: int = Field(0, description=(
        "unchanged documents that gave a reason for a correction: nothing changed, so no event was recorded "
        "and their reason was not kept"))


class RefusedCell(BaseModel):
    """One cell at fault in a refused row: its column letter and header (both empty for the row as a whole)."""

    column: str
    header: str
    code: str
    message_zh: str
    message_en: str


class RefusedRow(BaseModel):
    """A row of an uploaded sheet that was not recorded, where the clerk finds it, and why."""

    sheet: str
    row: int
    errors: list[RefusedCell]


class SheetImportResult(ImportResult):
    """An uploaded sheet's import: the counts and refusals as for JSON, and every refused row by cell."""

    rows: list[RefusedRow]


class Deadline(BaseModel):
    """A date a case or a company must meet, with its legal basis (as ``show`` and ``due`` give it)."""

    model_config = ConfigDict(extra="allow")  # ``due`` adds the parties (masked) and the next step

    kind: str
    title: str
    subject_type: str
    subject_id: str
    starts_on: date
    due_on: date
    basis: str
    note: str
    overdue: bool | None = None
    days_left: int | None = None


class LedgerEvent(BaseModel):
    """One event of a case's history; what else it holds depends on its ``kind`` (docs/ledger.md)."""

    model_config = ConfigDict(extra="allow")

    version: int
    kind: str
    recorded_at: datetime
    recorded_by: str | None
    source: str
    rules_version: str
    reason: str | None = Field(description=(
        "why the clerk made the correction this event records (更正原因: the import's `reason` or the "
        "document's `correction_reason`); null when none was given"))


class CaseListItem(BaseModel):
    """A case in the 台账: its next step and its parties, their numbers masked."""

    model_config = ConfigDict(extra="allow")

    case_id: str
    filed_on: date
    next_stage: str
    court_track: str | None
    awaiting: list[str]
    forms: list[str]
    owners: list[dict[str, str]]
    company: str | None = None


class CasePage(BaseModel):
    """One page of the filtered 台账 and how many cases the filters match in all."""

    total: int
    limit: int
    offset: int
    items: list[CaseListItem]


class CaseRecord(BaseModel):
    """A case in full, exactly as ``propertytriage show`` prints it (numbers masked for some roles)."""

    case: Case
    decision: Decision
    events: list[LedgerEvent]
    deadlines: list[Deadline]
