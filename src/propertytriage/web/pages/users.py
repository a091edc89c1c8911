"""Clerks' logins: users with a password hash, and the failed logins that slow guessing down.

Both tables live in the ledger's database (``users`` and ``login_failures``), so every ``serve``
instance sharing a database sees the same users and counts the same failures: a guesser gains
nothing by spreading attempts over instances.

Passwords are hashed with scrypt (``hashlib.scrypt``, RFC 7914; n=2**14, r=8, p=1, a 16-byte salt),
stored as ``scrypt$n$r$p$salt$hash``: the parameters travel with each hash, so stronger ones can be
adopted later without breaking old hashes. The password itself is never stored nor logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from propertytriage.errors import InputError, Problem
from propertytriage.ledger.schema import LOGIN_FAILURES, USERS
from propertytriage.web.roles import ROLES, Role
from propertytriage.web.tokens import Principal, name_problems

users, login_failures = USERS, LOGIN_FAILURES  # created by the ledger's migration 0003

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 10

# Throttling: the first FREE failures within WINDOW cost nothing; after that each failure doubles the
# wait before the next attempt is even checked (2 s, 4 s, … up to MAX_WAIT). Counted per name and per
# client address alike, so neither one account nor one machine can be hammered.
WINDOW = timedelta(minutes=15)
FREE_FAILURES = 3
MAX_WAIT = timedelta(minutes=5)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P,
                            maxmem=64 * 1024 * 1024)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                maxmem=64 * 1024 * 1024)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    """A clerk who may log in: the name and role every event they cause records."""

    id: int
    name: str
    role: Role
    password_hash: str

    @property
    def fingerprint(self) -> str:
        """Changes when the password does, so a session made with an old password ends with it."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    @property
    def recorded_by(self) -> str:
        """What an event this user causes records, as for an API token (``role:name``)."""
        return Principal(self.name, self.role).recorded_by


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


class UserStore:
    """Users and failed logins in the ledger's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dummy = _dummy_hash()

    def create(self, name: str, role: str, password: str) -> User:
        problems: list[Problem] = []
        if role not in ROLES:
            problems.append(Problem("role", "not_allowed", f"没有这种角色：{role!r}，可选：{', '.join(ROLES)}",
                                    f"unknown role {role!r}; expected one of {', '.join(ROLES)}"))
        problems.extend(name_problems(name, what_zh="用户名"))
        if len(password) < MIN_PASSWORD:
            problems.append(Problem("password", "too_short", f"密码至少 {MIN_PASSWORD} 个字符",
                                    f"the password must have at least {MIN_PASSWORD} characters"))
        if problems:
            raise InputError(problems)
        hashed = hash_password(password)
        try:
            with self.engine.begin() as connection:
                row = connection.execute(insert(users).values(
                    name=name, role=role, password_hash=hashed, created_at=datetime.now(UTC),
                ).returning(users.c.id)).one()
        except IntegrityError:
            raise InputError([Problem("name", "duplicate", f"已有名为「{name}」的用户",
                                      f"a user named {name!r} exists already")]) from None
        return User(int(row.id), name, role, hashed)  # type: ignore[arg-type]  # checked against ROLES

    def disable(self, name: str) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(update(users).where(users.c.name == name, users.c.disabled_at.is_(None))
                                        .values(disabled_at=datetime.now(UTC)))
        return bool(result.rowcount)

    def get(self, name: str) -> User | None:
        """The live user of that name (None when unknown or disabled)."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users).where(users.c.name == name, users.c.disabled_at.is_(None))).first()
        if row is None or row.role not in ROLES:
            return None
        return User(int(row.id), row.name, row.role, row.password_hash)

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when the password matches; the same work is done for an unknown name."""
        user = self.get(name)
        ok = verify_password(password, user.password_hash if user else self._dummy)
        return user if ok and user is not None else None

    # throttling -------------------------------------------------------------------------------
    def record_failure(self, name: str, client: str, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        with self.engine.begin() as connection:
            connection.execute(insert(login_failures).values(name=name[:200], client=client[:100], at=now))
            connection.execute(delete(login_failures).where(login_failures.c.at < now - WINDOW * 4))

    def clear_failures(self, name: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(login_failures).where(login_failures.c.name == name))

    def wait_before_login(self, name: str, client: str, now: datetime | None = None) -> timedelta:
        """How long the name or the client must still wait before a password is checked again."""
        now = now or datetime.now(UTC)
        longest = timedelta(0)
        with self.engine.connect() as connection:
            for column, value in ((login_failures.c.name, name[:200]), (login_failures.c.client, client[:100])):
                count, last = connection.execute(
                    select(func.count(), func.max(login_failures.c.at))
                    .where(column == value, login_failures.c.at >= now - WINDOW)).one()
                if count > FREE_FAILURES and last is not None:
                    wait = min(timedelta(seconds=2 ** (count - FREE_FAILURES)), MAX_WAIT)
                    longest = max(longest, _aware(last) + wait - now)
        return max(longest, timedelta(0))
