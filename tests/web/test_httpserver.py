"""``serve``'s HTTP protocol: httptools with a bound on the request head, over a real socket.

uvicorn's httptools protocol keeps a head of any size in memory; these tests send heads to a real
uvicorn on :class:`BoundedHeadProtocol` (with a small app, so the server starts in a moment) and check
that a growing head is cut off with a 431 problem while ordinary requests, large bodies and several
requests on one connection pass.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage.web.httpserver import HEAD_LIMIT, BoundedHeadProtocol, uvicorn_options


async def _echo_length(scope, receive, send):  # type: ignore[no-untyped-def]
    """Answers with how many body bytes it received, so a test sees the body arrived whole."""
    if scope["type"] != "http":
        return
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = json.dumps({"received": size}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(_echo_length, host="127.0.0.1", port=free, log_level="warning",
                                           http=BoundedHeadProtocol, loop="asyncio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield free
    server.should_exit = True
    thread.join(timeout=10)


def _read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    while len(body) < int(headers["content-length"]):
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return int(lines[0].split()[1]), headers, body


def _request(path: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{n}: {v}" for n, v in headers),
             f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_serve_runs_on_the_bounded_protocol() -> None:
    assert uvicorn_options()["http"] is BoundedHeadProtocol


def test_a_head_growing_past_the_limit_is_cut_off_with_a_problem(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        line = b"X-Filler: " + b"a" * 4000 + b"\r\n"
        sent = 0
        try:
            while sent <= HEAD_LIMIT + 8 * len(line):  # in pieces, as a slow client (or an attacker) sends
                sock.sendall(line)
                sent += len(line)
                time.sleep(0.002)
        except OSError:  # the server may close while this side still sends
            pass
        status, headers, body = _read_answer(sock)
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body)
    assert problem["status"] == 431 and problem["code"] == "too_large"
    assert "64 KiB" in problem["detail"]


def test_a_head_under_the_limit_passes(port: int) -> None:
    headers = [(f"X-Filler-{i}", "b" * 1000) for i in range(40)]  # 40 KB of headers, in many reads
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        request = _request("/", headers, b"{}")
        for start in range(0, len(request), 3000):
            sock.sendall(request[start:start + 3000])
            time.sleep(0.001)
        status, _, body = _read_answer(sock)
    assert status == 200 and json.loads(body) == {"received": 2}


def test_a_body_far_larger_than_the_head_limit_is_not_counted_as_head(port: int) -> None:
    body = b"x" * (HEAD_LIMIT * 8)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(_request("/", [("Content-Type", "application/octet-stream")], body))
        status, _, answer = _read_answer(sock)
    assert status == 200 and json.loads(answer) == {"received": len(body)}


@settings(max_examples=15, deadline=None)
@given(sizes=st.lists(st.integers(min_value=0, max_value=HEAD_LIMIT // 4), min_size=1, max_size=6))
def test_requests_in_turn_on_one_connection_each_get_their_answer(port: int, sizes: list[int]) -> None:
    """Each head starts the count afresh: many requests on one keep-alive connection, each of whose
    heads is under the limit though together they are far over, are all answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for size in sizes:
            filler = [("X-Filler", "c" * size)] if size else []
            sock.sendall(_request("/", [*filler, ("X-Pad", "d" * (HEAD_LIMIT // 2))], b"z" * size))
            status, _, answer = _read_answer(sock)
            assert status == 200 and json.loads(answer) == {"received": size}


@pytest.mark.parametrize(("flags", "logged"), [([], True), (["--no-access-log"], False)])
def test_serve_keeps_an_access_log_unless_told_not_to(
    flags: list[str], logged: bool, tmp_path, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    """Behind a proxy that logs every request itself, ``serve`` may leave the line per request out."""
    import gc

    from propertytriage.cli.main import main

    given_to_uvicorn: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: given_to_uvicorn.update(options))
    monkeypatch.setattr(gc, "freeze", lambda: None)  # serve freezes its start-up heap; not this test process's
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'ledger.db'}", "--import-workers", "0", *flags]) == 0
    assert given_to_uvicorn["access_log"] is logged
    assert given_to_uvicorn["log_level"] == "info"  # errors are logged either way
