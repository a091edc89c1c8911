"""API tokens: issued once, stored only as a hash, revocable.

A token is ``secrets.token_urlsafe(32)`` (256 bits), so a plain SHA-256 of it is enough: nothing to
guess, no need for a slow password hash. The server looks a token up by its hash and compares with
:func:`hmac.compare_digest`, so neither the table nor the timing gives a token away.

The store is a small interface (:class:`TokenStore`) because the tokens belong in the ledger's
database: until the ledger's migrations carry the ``api_tokens`` table, :class:`SqlTokenStore` creates
it itself (the same columns a migration will create).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.pool import StaticPool

from propertytriage.errors import InputError, Problem
from propertytriage.web.roles import ROLES, Role

DEFAULT_URL = "sqlite:///propertytriage.db"  # the ledger's default (SPEC §3)
ENVIRONMENT_VARIABLE = "PROPERTYTRIAGE_DB"

metadata = MetaData()
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name and role, recorded on every event they cause."""

    name: str
    role: Role


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``secret`` is shown once and never stored."""

    id: int
    name: str
    role: Role
    secret: str


class TokenStore(Protocol):
    """Where tokens live; the web layer needs only these three operations."""

    def create(self, name: str, role: str) -> IssuedToken: ...

    def revoke(self, name: str) -> int: ...

    def lookup(self, secret: str) -> Principal | None: ...


def resolve_url(given: str | None) -> str:
    """``--db URL``, else ``PROPERTYTRIAGE_DB``, else the ledger's SQLite file in this directory."""
    return given or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_URL


def digest(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check(name: str, role: str) -> Role:
    problems: list[Problem] = []
    if role not in ROLES:
        allowed = ", ".join(ROLES)
        problems.append(Problem("role", "not_allowed", f"没有这种角色：{role!r}，可选：{allowed}",
                                f"unknown role {role!r}; expected one of {allowed}"))
    if not name.strip() or len(name) > 200:
        problems.append(Problem("name", "invalid_value", "名称须为 1 至 200 个字符",
                                "name must be 1 to 200 characters"))
    if problems:
        raise InputError(problems)
    return role  # type: ignore[return-value]  # checked against ROLES above


class SqlTokenStore:
    """Tokens in a SQL database (the ledger's, by its URL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine, checkfirst=True)

    @classmethod
    def from_url(cls, url: str | None = None) -> SqlTokenStore:
        """The store in the database at ``url`` (resolved as the ledger resolves it)."""
        resolved = resolve_url(url)
        if resolved.startswith("postgresql://"):
            resolved = "postgresql+psycopg://" + resolved.removeprefix("postgresql://")
        if resolved in ("sqlite://", "sqlite:///:memory:"):  # one shared connection, or each thread
            return cls(create_engine(resolved, poolclass=StaticPool,  # would see its own empty database
                                     connect_args={"check_same_thread": False}))
        return cls(create_engine(resolved))

    def create(self, name: str, role: str) -> IssuedToken:
        """Issue a token; only its hash is written."""
        checked = _check(name, role)
        secret = secrets.token_urlsafe(32)
        with self.engine.begin() as connection:
            row = connection.execute(
                insert(api_tokens).values(
                    name=name, role=checked, token_hash=digest(secret), created_at=datetime.now(UTC)
                ).returning(api_tokens.c.id)
            ).one()
        return IssuedToken(id=int(row.id), name=name, role=checked, secret=secret)

    def revoke(self, name: str) -> int:
        """End every live token of that name; how many were ended."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(api_tokens)
                .where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return int(result.rowcount)

    def lookup(self, secret: str) -> Principal | None:
        """The live token's holder, or None (unknown, revoked or malformed alike)."""
        wanted = digest(secret)
        with self.engine.connect() as connection:
            row = connection.execute(
                select(api_tokens.c.name, api_tokens.c.role, api_tokens.c.token_hash).where(
                    api_tokens.c.token_hash == wanted, api_tokens.c.revoked_at.is_(None)
                )
            ).first()
        if row is None or not hmac.compare_digest(row.token_hash, wanted):
            return None
        if row.role not in ROLES:  # a row written by a newer version with a role this one lacks
            return None
        return Principal(name=row.name, role=row.role)
