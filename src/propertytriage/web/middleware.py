"""Two pure-ASGI layers around every response: the version stamp and the request-size limit.

Pure ASGI rather than ``BaseHTTPMiddleware`` so that errors raised inside still reach the app's
handlers and a streamed body is counted as it arrives, before anything is buffered whole.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propertytriage.web.problems import BodyTooLargeError, problem_response

_log = logging.getLogger("propertytriage.web")

VERSION_HEADER = "X-PropertyTriage-Version"
RULES_HEADER = "X-Rules-Version"


class _Watched:
    """A ``send`` that remembers whether the response has begun: once its status has gone out, an
    error can no longer be answered with a problem, only by cutting the connection."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


class VersionHeaders:
    """Stamp every response with the package's and the rules' version, as OpenFisca's API does:
    a decision is only reproducible with the rules it was made under."""

    def __init__(self, app: ASGIApp, *, package_version: str, rules_version: str) -> None:
        self.app = app
        self.headers = [
            (VERSION_HEADER.lower().encode(), package_version.encode("latin-1")),
            (RULES_HEADER.lower().encode(), rules_version.encode("latin-1")),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, stamped)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, by its Content-Length or as it streams."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        await BodyTooLargeError(self.limit).response()(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse early by Content-Length; otherwise count what arrives (chunked bodies have none)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.limit + 1
                if declared > self.limit:
                    await self._refuse(scope, receive, send)
                    return
        seen = 0
        watched = _Watched(send)

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLargeError(self.limit)
            return message

        try:
            await self.app(scope, counted, watched)
        except BodyTooLargeError:  # raised where no handler of the app could answer
            if not watched.started:
                await self._refuse(scope, receive, send)


class CatchAll:
    """The last boundary: any exception no handler answered becomes a 500 problem with no internals.

    Inside the version stamp (Starlette's own error page sits outside every layer), so even this
    answer says which rules were in force. The traceback goes to the server's log only.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = _Watched(send)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            _log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if watched.started:  # the status has gone out; the connection is all that can be cut
                raise
            response = problem_response(
                500, "internal", "服务器内部错误，请报告此问题", "internal error; please report it"
            )
            await response(scope, receive, send)
