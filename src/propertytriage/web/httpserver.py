"""How ``serve`` speaks HTTP: uvicorn on uvloop with the httptools parser, a request's head bounded.

Measured with ``benchmarks/bench_web.py`` and an app answering ``{}`` at once: uvicorn's pure-Python
h11 protocol spends 0.34-0.38 ms of CPU a request, httptools (a C parser) 0.13 ms, and 0.08-0.10 ms
on uvloop's event loop — against a triage decision of about 0.12 ms, the parser was most of what a
request cost beyond the app. Both are what ``uvicorn[standard]`` installs; without them (a platform
uvloop does not support) ``serve`` falls back to h11 and asyncio, slower but the same.

h11 refuses a request head (request line and headers) over 16 KiB; uvicorn's httptools protocol
keeps whatever arrives, so a client could hold hundreds of megabytes of headers in the server's
memory. :class:`BoundedHeadProtocol` restores a bound (:data:`HEAD_LIMIT`, above what browsers and
the proxies in ``docs/api.md`` send) and answers 431 as a problem, as the body limit answers 413.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_LIMIT = 64 * 1024
_log = logging.getLogger("propertytriage.web")


def _head_too_large() -> bytes:
    """The whole 431 answer, written before the app has seen anything (so without the version headers)."""
    body = json.dumps({
        "type": "urn:propertytriage:error:too_large", "title": "request head too large", "status": 431,
        "detail": f"请求头超过上限 {HEAD_LIMIT // 1024} KiB / the request line and headers exceed "
                  f"{HEAD_LIMIT // 1024} KiB",
        "code": "too_large", "errors": [],
    }, ensure_ascii=False).encode()
    return (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/problem+json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body)


_HEAD_TOO_LARGE = _head_too_large()


class BoundedHeadProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request head grows past ``HEAD_LIMIT``.

    Bytes are counted while a head is incomplete: everything the parser was fed without reaching the
    end of the headers belongs to the head (a chunk that completes it is not counted, so the body that
    follows in the same chunk never is). Memory stays within the limit plus one read.
    """

    head_limit = HEAD_LIMIT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._in_head or self.transport is None or self.transport.is_closing():
            return
        self._head_bytes += len(data)
        if self._head_bytes > self.head_limit:
            _log.warning("request head over %d bytes from %s; connection closed", self.head_limit, self.client)
            self.transport.write(_HEAD_TOO_LARGE)
            self.transport.close()


def uvicorn_options() -> dict[str, Any]:
    """The protocol and event loop ``serve`` runs on ("auto": uvloop when installed, else asyncio)."""
    return {"http": BoundedHeadProtocol, "loop": "auto"}
