"""API tokens: issued once, stored only as a hash, revocable.

A token is ``secrets.token_urlsafe(32)`` (256 bits), so a plain SHA-256 of it is enough: nothing to
guess, no need for a slow password hash. The server looks a token up by its hash and compares with
:func:`hmac.compare_digest`, so neither the table nor the timing gives a token away.

The store is a small interface (:class:`TokenStore`) so tests may stand in for it; the real one,
:class:`SqlTokenStore`, keeps the tokens in the ledger's database (``api_tokens``, created by the
ledger's migration 0003), so every ``serve`` process on one database sees the same tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import insert, select, update

from propertytriage.errors import InputError, Problem
from propertytriage.ledger import Ledger
from propertytriage.ledger.schema import API_TOKENS
from propertytriage.web.roles import ROLES, Role

# A live token is remembered this long, so a busy client's requests do not each query the database; a
# token revoked by another process (``token revoke``, another ``serve``) is refused within this time.
REMEMBER_SECONDS = 5.0
_REMEMBERED_AT_MOST = 10_000

# An event's ``recorded_by`` (String(200)) holds ``name (role)``; a name leaves room for the longest role.
NAME_LIMIT = 200 - len(" ()") - max(len(role) for role in ROLES)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name and role, recorded on every event they cause."""

    name: str
    role: Role

    @property
    def recorded_by(self) -> str:
        """What an event caused by this caller records: ``name (role)``, as the pages record a user."""
        return f"{self.name} ({self.role})"


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


def digest(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def name_problems(name: str, *, what_zh: str = "名称", what_en: str = "name") -> list[Problem]:
    """Why a token's or a user's name cannot be recorded, if it cannot: 1 to :data:`NAME_LIMIT`
    characters, none of them a control or formatting character. The name is printed on terminals and
    pages and stored on every event its holder causes; an escape sequence or a right-to-left override
    in it would rewrite what a clerk reads there."""
    if not name.strip() or len(name) > NAME_LIMIT:
        return [Problem("name", "invalid_value", f"{what_zh}须为 1 至 {NAME_LIMIT} 个字符",
                        f"the {what_en} must be 1 to {NAME_LIMIT} characters")]
    hidden = sorted({f"U+{ord(ch):04X}" for ch in name if unicodedata.category(ch)[0] == "C"
                     or unicodedata.category(ch) in ("Zl", "Zp")})
    if hidden:
        return [Problem("name", "invalid_value", f"{what_zh}含有控制或格式字符（{'、'.join(hidden)}）",
                        f"the {what_en} holds control or formatting characters ({', '.join(hidden)})")]
    return []


def _check(name: str, role: str) -> Role:
    problems: list[Problem] = []
    if role not in ROLES:
        allowed = ", ".join(ROLES)
        problems.append(Problem("role", "not_allowed", f"没有这种角色：{role!r}，可选：{allowed}",
                                f"unknown role {role!r}; expected one of {allowed}"))
    problems.extend(name_problems(name))
    if problems:
        raise InputError(problems)
    return role  # type: ignore[return-value]  # checked against ROLES above


class SqlTokenStore:
    """Tokens in the ledger's database (opened, and migrated, as the ledger opens it)."""

    def __init__(self, ledger: Ledger, *, remember_seconds: float = REMEMBER_SECONDS) -> None:
        self.ledger = ledger
        self.engine = ledger.engine
        self.remember_seconds = remember_seconds
        self._remembered: dict[str, tuple[float, Principal]] = {}

    def remembered(self, secret: str) -> Principal | None:
        """The holder of a token this process found live less than ``remember_seconds`` ago, else None."""
        hit = self._remembered.get(digest(secret))
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    @classmethod
    def from_url(cls, url: str | None = None) -> SqlTokenStore:
        """The store in the ledger at ``url`` (``--db``, else ``PROPERTYTRIAGE_DB``, else the default file)."""
        return cls(Ledger(url))

    def create(self, name: str, role: str) -> IssuedToken:
        """Issue a token; only its hash is written."""
        checked = _check(name, role)
        secret = secrets.token_urlsafe(32)
        with self.ledger.write_connection() as connection, connection.begin():
            row = connection.execute(
                insert(API_TOKENS).values(
                    name=name, role=checked, token_hash=digest(secret), created_at=datetime.now(UTC)
                ).returning(API_TOKENS.c.id)
            ).one()
        return IssuedToken(id=int(row.id), name=name, role=checked, secret=secret)

    def revoke(self, name: str) -> int:
        """End every live token of that name; how many were ended (at once in this process)."""
        self._remembered = {key: hit for key, hit in self._remembered.items() if hit[1].name != name}
        with self.ledger.write_connection() as connection, connection.begin():
            result = connection.execute(
                update(API_TOKENS)
                .where(API_TOKENS.c.name == name, API_TOKENS.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return int(result.rowcount)

    def lookup(self, secret: str) -> Principal | None:
        """The live token's holder, or None (unknown, revoked or malformed alike)."""
        wanted = digest(secret)
        with self.engine.connect() as connection:
            row = connection.execute(
                select(API_TOKENS.c.name, API_TOKENS.c.role, API_TOKENS.c.token_hash).where(
                    API_TOKENS.c.token_hash == wanted, API_TOKENS.c.revoked_at.is_(None)
                )
            ).first()
        if row is None or not hmac.compare_digest(row.token_hash, wanted):
            return None
        if row.role not in ROLES:  # a row written by a newer version with a role this one lacks
            return None
        found = Principal(name=row.name, role=row.role)
        if len(self._remembered) >= _REMEMBERED_AT_MOST:
            self._remembered.clear()
        self._remembered[wanted] = (time.monotonic() + self.remember_seconds, found)
        return found
