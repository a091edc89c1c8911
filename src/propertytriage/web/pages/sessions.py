"""Login sessions in a signed cookie, and the CSRF token bound to each.

The server keeps no session state (SPEC §6: several instances share one database and nothing else),
so the session is a cookie signed with HMAC-SHA256 under a secret every instance shares
(``PROPERTYTRIAGE_SESSION_SECRET``). The cookie names the user, its role, a fingerprint of its
password hash and when it was issued; every request looks the user up again, so disabling a user or
changing a password ends its sessions at once, on every instance.

Each session, even before login, carries a random nonce; the CSRF token of a form is an HMAC of that
nonce, so a page of another site can neither read nor forge it, and login issues a new nonce (no
session fixation). Cookies are ``HttpOnly`` and ``SameSite=Lax``; ``Secure`` when the request came
over https (as the trusted proxy says) or when ``secure`` is set.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "pt_session"
SECRET_VARIABLE = "PROPERTYTRIAGE_SESSION_SECRET"
LIFETIME_SECONDS = 12 * 3600  # one working day; a clerk logs in again the next morning


@dataclass(frozen=True)
class Session:
    nonce: str
    name: str | None = None
    role: str | None = None
    fingerprint: str | None = None
    issued: int = 0


def session_secret() -> bytes:
    """The shared secret; without one, a random secret for this process alone (with a warning)."""
    given = os.environ.get(SECRET_VARIABLE, "")
    if given:
        return given.encode("utf-8")
    print(f"propertytriage serve: {SECRET_VARIABLE} 未设置，登录会话仅在本进程内有效 / not set: sessions last "
          "as long as this process and are not shared with other instances", file=sys.stderr)
    return secrets.token_bytes(32)


class Signer:
    """Signs and reads session cookies and CSRF tokens under one secret."""

    def __init__(self, secret: bytes, *, secure: bool = False, lifetime: int = LIFETIME_SECONDS) -> None:
        if len(secret) < 16:
            raise ValueError(f"{SECRET_VARIABLE} must have at least 16 characters")
        self._key = hashlib.sha256(b"propertytriage session\0" + secret).digest()
        self.secure = secure
        self.lifetime = lifetime

    def _mac(self, text: bytes) -> str:
        return hmac.new(self._key, text, hashlib.sha256).hexdigest()

    def dumps(self, session: Session) -> str:
        payload = {"n": session.nonce, "u": session.name, "r": session.role, "f": session.fingerprint,
                   "t": session.issued}
        body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{body}.{self._mac(body.encode())}"

    def loads(self, cookie: str | None, now: float | None = None) -> Session | None:
        if not cookie or len(cookie) > 4000 or "." not in cookie:
            return None
        body, _, mac = cookie.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            payload: Any = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
            return None
        issued: int = payload["t"] if isinstance(payload.get("t"), int) else 0
        name = payload.get("u") if isinstance(payload.get("u"), str) else None
        if name is not None and (now or time.time()) - issued > self.lifetime:
            return Session(nonce=payload["n"])  # expired: anonymous again, same nonce
        return Session(nonce=payload["n"], name=name, role=payload.get("r"), fingerprint=payload.get("f"),
                       issued=issued)

    def csrf_token(self, session: Session) -> str:
        return self._mac(b"csrf\0" + session.nonce.encode())

    def csrf_ok(self, session: Session | None, token: str | None) -> bool:
        # compare_digest takes ASCII text only: a forged token in other characters is a wrong one, not a 500
        return (session is not None and bool(token) and (token or "").isascii()
                and hmac.compare_digest(self.csrf_token(session), token or ""))

    def set_cookie(self, request: Request, response: Response, session: Session) -> None:
        secure = self.secure or request.url.scheme == "https"
        response.set_cookie(COOKIE, self.dumps(session), max_age=self.lifetime, path="/", httponly=True,
                            samesite="lax", secure=secure)


def anonymous() -> Session:
    return Session(nonce=secrets.token_urlsafe(16))


def logged_in(name: str, role: str, fingerprint: str) -> Session:
    """A new session (new nonce) for a user who has just proved its password."""
    return Session(nonce=secrets.token_urlsafe(16), name=name, role=role, fingerprint=fingerprint,
                   issued=int(time.time()))
