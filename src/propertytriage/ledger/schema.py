"""The ledger's tables, as typed declarative models (the current schema; migrations/ is its history).

``events`` is the record: append-only, one row per thing that happened to a case or a company,
unique on (stream, version) so two writers can never both append the same next event. Everything
else is a projection — the current state folded from the events, kept so that ``show``, ``cases``
and ``due`` answer without replaying — and can be rebuilt from the events at any time
(:func:`propertytriage.ledger.replay.rebuild_projections`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid); PostgreSQL needs 64 bits for a city.
EventId = BigInteger().with_variant(Integer(), "sqlite")

ID_LENGTH = 320
"""Case ids and company keys: a case id is at most 300 characters (models/types.py ShortText)."""


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: Json, list[Any]: Json}


class EventRecord(Base):
    """One event of one stream (a case or a company)."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("stream_type", "stream_id", "version", name="uq_events_stream_version"),)

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    stream_type: Mapped[str] = mapped_column(String(16))
    stream_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    rules_version: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    # Why the clerk made the change the event records (0008): ``import --reason`` or a document's
    # ``correction_reason``; null when none was given (ruledata/corrections.py).
    reason: Mapped[str | None] = mapped_column(Text)


class CaseRow(Base):
    """The current state of a case: its own snapshot, its company and its decision."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_company_open", "company_key", "is_open"),
        Index("ix_cases_next_stage", "next_stage"),
        # covering the report's counts, so they read the index and not the rows with their snapshots
        Index("ix_cases_filed_on", "filed_on", "next_stage", "resolved_stage", "resolved_on", "street", "community",
              "company_key"),
        Index("ix_cases_court_on", "court_on", "court_track", "street", "community", "company_key"),
    )

    case_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    company_key: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    company_version: Mapped[int | None] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)
    decision: Mapped[dict[str, Any]] = mapped_column(Json)
    next_stage: Mapped[str] = mapped_column(String(20))
    court_track: Mapped[str | None] = mapped_column(String(20))
    is_open: Mapped[bool] = mapped_column(Boolean)
    filed_on: Mapped[date] = mapped_column(Date)
    attempt_dates: Mapped[list[Any] | None] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # What the report counts by (0004, ledger/aggregates.py); null in rows a rebuild has not reached.
    dispute_type: Mapped[str | None] = mapped_column(String(40))
    claimant: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    community: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    company_name: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    court_on: Mapped[date | None] = mapped_column(Date)
    resolved_stage: Mapped[str | None] = mapped_column(String(20))
    resolved_on: Mapped[date | None] = mapped_column(Date)


class CompanyRow(Base):
    """The current record of a property company: who it is and its history of scores and notices."""

    __tablename__ = "companies"
    __table_args__ = (
        # a company named without its credit code is looked up by name (0009, ledger/companies.py): the
        # key beside the name, so the look-up reads the index alone
        Index("ix_companies_name", "name", "company_key"),
    )

    company_key: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    credit_code: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    history: Mapped[list[Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeadlineRow(Base):
    """A date something falls due for a case or a company, with its basis (a projection).

    It also carries what the due list prints beside it (the case's next step and masked parties, or
    the company's name), so that ``due`` reads one range of one index and joins nothing: rewritten
    with the deadlines whenever its case or company is written.
    """

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_due_on", "due_on"),
        Index("ix_deadlines_subject", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    next_stage: Mapped[str | None] = mapped_column(String(20))
    parties: Mapped[dict[str, Any] | None] = mapped_column(Json)
    company_name: Mapped[str | None] = mapped_column(String(ID_LENGTH))


class ApiTokenRecord(Base):
    """A bearer token of the HTTP API (SPEC §6): only its SHA-256 is kept; revoked, never deleted."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserRecord(Base):
    """Someone who logs in to the pages: a name, a role of SPEC §6 and a password hash (never the password)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name", name="uq_users_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailureRecord(Base):
    """A failed login, kept so that repeated failures by a name or from a client are slowed down."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_name_at", "name", "at"),
        Index("ix_login_failures_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(EventId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseAttemptRow(Base):
    """One attempt of a case on the ladder, on the day it counts (a projection for the report)."""

    __tablename__ = "case_attempts"
    __table_args__ = (
        # covering the report's counts (0007, in place of 0006's index led by the day): each stage's
        # attempts of the period are one range, read in order (the ladder and the months without a
        # sort), and the breakdown of one stage by street, community or company joins no other table
        Index("ix_case_attempts_stage", "stage", "dated_on", "outcome", "previous_on", "previous_resolved_on",
              "street", "community", "company_key"),
    )

    case_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stage: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    dated_on: Mapped[date] = mapped_column(Date)
    # The day of the case's previous attempt at this stage, and of its previous resolved one (in the
    # order of day, then position; 0006): the first of a period's attempts has none or an earlier one.
    previous_on: Mapped[date | None] = mapped_column(Date)
    previous_resolved_on: Mapped[date | None] = mapped_column(Date)
    # The case's groups as ``cases`` holds them now (0007), so the breakdown joins nothing: rewritten on
    # every attempt row of a case whose street, community or company changes (aggregates.py).
    street: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    community: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    company_key: Mapped[str | None] = mapped_column(String(ID_LENGTH))


class CompanyEventRow(Base):
    """A company's score, notice, inspection or penalty, on its day (a projection for the report)."""

    __tablename__ = "company_events"
    __table_args__ = (
        Index("ix_company_events_dated", "dated_on", "kind"),
    )

    company_key: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    dated_on: Mapped[date] = mapped_column(Date)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    days_since_notice: Mapped[int | None] = mapped_column(Integer)


# The tables for Core statements (inserts in bulk, aggregate queries), typed as tables.
EVENTS = cast(Table, EventRecord.__table__)
CASES = cast(Table, CaseRow.__table__)
COMPANIES = cast(Table, CompanyRow.__table__)
DEADLINES = cast(Table, DeadlineRow.__table__)
API_TOKENS = cast(Table, ApiTokenRecord.__table__)
USERS = cast(Table, UserRecord.__table__)
LOGIN_FAILURES = cast(Table, LoginFailureRecord.__table__)
CASE_ATTEMPTS = cast(Table, CaseAttemptRow.__table__)
COMPANY_EVENTS = cast(Table, CompanyEventRow.__table__)
