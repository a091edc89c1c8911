"""Bearer tokens and the role check, as FastAPI dependencies declared on each route.

Each protected route carries ``Depends(allowed("name"))``; the dependency looks the route's roles up
in :data:`propertytriage.web.roles.PERMISSIONS` and keeps them on itself (``.roles``), so the matrix
can be read back off the routes and tested against the table in ``docs/api.md``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
from fastapi import Request

from propertytriage.web.problems import ProblemError
from propertytriage.web.roles import PERMISSIONS, Role
from propertytriage.web.tokens import Principal, TokenStore

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="propertytriage"'}


def _unauthorized(zh: str, en: str) -> ProblemError:
    return ProblemError(401, "unauthorized", zh, en, headers=_CHALLENGE)


def _secret(request: Request) -> str:
    """The token of ``Authorization: Bearer TOKEN``; 401 when absent or malformed."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if not header:
        raise _unauthorized("需要令牌：请加 Authorization: Bearer 令牌", "a bearer token is required")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise _unauthorized("Authorization 须为 Bearer 令牌", "Authorization must be a bearer token")
    return secret


def _known(request: Request, found: Principal | None) -> Principal:
    if found is None:
        raise _unauthorized("令牌无效或已撤销", "the token is unknown or revoked")
    request.state.principal = found
    return found


def principal(request: Request) -> Principal:
    """The caller named by ``Authorization: Bearer TOKEN``; 401 when absent, malformed or revoked."""
    store: TokenStore = request.app.state.tokens
    return _known(request, store.lookup(_secret(request)))


async def principal_async(request: Request) -> Principal:
    """:func:`principal` without blocking the event loop: a token seen moments ago is answered from
    memory, any other is looked up in the database in a worker thread."""
    secret = _secret(request)
    store: TokenStore = request.app.state.tokens
    remembered = getattr(store, "remembered", None)
    found = remembered(secret) if remembered is not None else None
    if found is None:
        found = await anyio.to_thread.run_sync(store.lookup, secret)
    return _known(request, found)


class Allowed:
    """The dependency of one route: the caller must hold one of the route's roles (403 otherwise)."""

    def __init__(self, permission: str) -> None:
        self.permission = permission
        self.roles: frozenset[Role] = PERMISSIONS[permission]

    async def __call__(self, request: Request) -> Principal:
        caller = await principal_async(request)
        if caller.role not in self.roles:
            raise ProblemError(
                403, "forbidden",
                f"角色「{caller.role}」无权执行此操作", f"role {caller.role!r} may not do this",
            )
        return caller


def allowed(permission: str) -> Callable[[Request], Awaitable[Principal]]:
    """The dependency for a route named ``permission`` in the matrix (KeyError if it is missing)."""
    return Allowed(permission)
