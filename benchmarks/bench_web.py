"""``serve`` under load: 100 concurrent clients posting triage requests and imports over HTTP.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_web.py                    # SQLite, then two serves on PostgreSQL
    .venv/bin/python benchmarks/bench_web.py --clients 100 --seconds 20 --no-postgres
    .venv/bin/python benchmarks/bench_web.py --no-postgres --trace requests.csv   # every request's timing

Each phase starts ``propertytriage serve`` on 127.0.0.1 (a free port, a temporary ledger), issues a
token, and runs ``--clients`` clients, each on its own keep-alive connection to every server, each
bounded by ``--requests`` and by ``--seconds``. A client sends a triage request (one case) nine times
out of ten and an import of a new case otherwise (``--import-size N``: N new cases). The loads:

* **paced**: each client waits ``--think`` seconds times a random factor from 1.0 to 1.6, drawn anew
  before each request, and starts at a random moment of its first such wait, as independent clerks'
  systems would; the latency figures (p50, p99) are of this load, the goal being p99 triage under 50 ms.
* **saturated**: no waiting; the requests/s is the most the servers give on this machine as it is.
* **burst**: every client sends one triage request at the same instant, once; the last answer's time.
* **triage only**: saturated, without imports, for the servers' CPU per triage request alone.

Why random: the clients used to start together, right after the warm-up released them, and wait one
of seven fixed times, so they sent their first requests as one burst (100 within 50 ms) and each
seventh stayed in step. That burst alone was the paced p99: on one SQLite ``serve`` at load average
4.5 the 28 slowest of 2,838 triage requests (the 1 %, 119-290 ms) were all sent in the first 40 ms;
the rest of the run had a p99 of 24 ms. 100 requests sent at the same instant on one core wait for
each other (100 x 0.9 ms), whatever the server does: that is a load of its own, measured apart
(**burst**) and printed as such, not mixed into the
paced figures. The run prints in which seconds the slowest 1 % of paced triage requests were sent, so
a burst of the load's own making shows. ``--seed`` fixes the random draws.

The bare Python call (``Triage().decide`` on the same case, in this process) is timed in the same
run for the ratio. The last phase runs two ``serve`` processes on one throwaway PostgreSQL cluster,
the clients alternating between them, and counts the events: every import answered 200 must have
recorded exactly one ``filed`` event, and nothing else may be there. Every process started here is
stopped at the end. The last lines sum up every figure a rerun is judged by, one line per phase.

The machine is shared, so wall-clock figures depend on who else runs: the load average is printed
with them, and so are CPU times, which hardly do. For each load: the servers' CPU per request (what
one core can serve at most), the load generator's own CPU per request, and how busy the servers
were (CPU seconds per second). When the servers are busy for less than a core each while latency
grows, they are waiting for a core, not working.

Why the clients speak HTTP/1.1 themselves (``_Connection``, asyncio streams, the standard library):
the generator shares the cores with the servers, so what it spends per request is taken from them.
Measured on this machine (2 cores, load average about 12, 100 clients, no think time, against an
ASGI app that answers ``{}`` at once on uvicorn with uvloop and httptools), CPU per request of the
generator's process: httpx 0.28 ``AsyncClient`` 42.5 ms (its pool walks every connection on each
request: 6 requests/s, the benchmark measured itself), aiohttp 3.14 ``ClientSession`` 0.33 ms,
these streams 0.11 ms (0.06-0.09 ms on uvloop, used when installed, as ``serve`` does). Requests and
answers here are fixed and known (JSON, ``Content-Length``), which is all the parser needs; an
answer it cannot read counts as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from propertytriage import Triage  # noqa: E402
from propertytriage.ruledata import examples_dir  # noqa: E402

SERVE = [str(Path(sys.executable).parent / "propertytriage"), "serve"]
TIMEOUT = 30.0  # seconds for one answer; a request that takes longer counts as an error


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _case() -> dict[str, Any]:
    cases: list[dict[str, Any]] = json.loads((examples_dir() / "cases.json").read_text(encoding="utf-8"))
    return next(c for c in cases if "company_score" not in c and "property_company" not in c)


def _new_case(template: dict[str, Any], number: int, run: str) -> dict[str, Any]:
    """A case no one has filed, without a company, so its import records exactly one event."""
    return {**template, "case_id": f"BENCH-{run}-{number:07d}"}


def _import_body(template: dict[str, Any], number: int, run: str, size: int) -> bytes:
    """One new case, or a list of ``size`` new ones (``--import-size``), as JSON."""
    if size == 1:
        return json.dumps(_new_case(template, number, run), ensure_ascii=False).encode()
    cases = [_new_case(template, number * size + k, run) for k in range(size)]
    return json.dumps(cases, ensure_ascii=False).encode()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used (its share of a loaded machine aside)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _family(pid: int) -> list[int]:
    """A process and its descendants, by the parent each one names in /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


class Server:
    """One ``serve`` process; stopped by :meth:`stop` whatever happened."""

    def __init__(self, url: str, log: Path, options: list[str]) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as handle:  # uvicorn's access log and any error, kept for a failed run
            self.process = subprocess.Popen(
                [*SERVE, "--host", "127.0.0.1", "--port", str(self.port), "--db", url, "--keep-alive", "60",
                 *options],
                stdout=handle, stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1.0) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise RuntimeError("serve did not answer /healthz in time")

    def cpu_seconds(self) -> float:
        """The serve process's CPU and its live children's (the import workers of ``--import-workers``)."""
        total = 0.0
        for pid in _family(self.process.pid):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a child gone since the listing
                total += _cpu_seconds(pid)
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class AnswerError(Exception):
    """An answer the client could not read as HTTP/1.1 with a length."""


class _Connection:
    """One keep-alive HTTP/1.1 connection to one server: a request out, its answer read back whole."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.head = (f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
                     "Content-Type: application/json\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """The status and body of the answer to ``POST path``; the connection is reopened when needed."""
        try:
            async with asyncio.timeout(TIMEOUT):
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                assert self.reader is not None
                self.writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\n" + self.head
                                  + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                return await self._answer(self.reader)
        except BaseException:
            self.close()
            raise

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            raise AnswerError(f"not an HTTP/1.1 status line: {lines[0][:60]!r}")
        length, closing = None, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                closing = True
        if length is None:
            raise AnswerError("an answer without Content-Length")
        body = await reader.readexactly(length)
        if closing:
            self.close()
        return int(parts[1]), body


@dataclass
class Load:
    triage: list[float] = field(default_factory=list)
    imports: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    imported: int = 0
    sent: list[tuple[str, float, float]] = field(default_factory=list)  # kind, when sent, seconds to answer
    wall: float = 0.0
    cpu: float = 0.0  # the servers' CPU seconds over the measured requests
    own_cpu: float = 0.0  # the load generator's (this process's) CPU seconds over the same

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def requests(self) -> int:
        return len(self.triage) + len(self.imports) + sum(self.errors.values())


async def _client(connections: list[_Connection], number: int, case: dict[str, Any], load: Load,
                  args: argparse.Namespace, think: float, run: str, stop_at: float, imports: bool) -> None:
    """One client's requests; paced (``think`` > 0), it starts at a random moment of a first wait and
    waits a random 1.0-1.6 times ``think`` between requests, so that clients never fall into step."""
    triage_body = json.dumps(case, ensure_ascii=False).encode()
    draw = random.Random(f"{args.seed}-{run}-{number}")
    if think:
        await asyncio.sleep(draw.uniform(0.0, 1.6 * think))
    for sent in range(args.requests):
        if time.monotonic() >= stop_at:
            break
        connection = connections[(number + sent) % len(connections)]
        is_import = imports and (number + sent) % 10 == 9  # one request in ten, spread over the clients
        body = (_import_body(case, number * args.requests + sent, run, args.import_size)
                if is_import else triage_body)
        start = time.perf_counter()
        try:
            status, answer = await connection.post("/v1/import" if is_import else "/v1/triage", body)
        except (OSError, EOFError, TimeoutError, AnswerError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError) as error:
            load.error(type(error).__name__)
            continue
        elapsed = time.perf_counter() - start
        load.sent.append(("import" if is_import else "triage", start, elapsed))
        if status != 200:
            load.error(f"HTTP {status}")
        elif is_import:
            load.imports.append(elapsed)
            load.imported += json.loads(answer)["new"]
        else:
            load.triage.append(elapsed)
        if think:
            await asyncio.sleep(think * draw.uniform(1.0, 1.6))
    for connection in connections:
        connection.close()


async def _drive(servers: list[Server], token: str, case: dict[str, Any], args: argparse.Namespace, think: float,
                 run: str, imports: bool = True) -> Load:
    load = Load()
    pools = [[_Connection(s.port, token) for s in servers] for _ in range(args.clients)]
    body = json.dumps(case, ensure_ascii=False).encode()
    # not measured: open every connection and let each server decide once (its first call loads the rules)
    await asyncio.gather(*(c.post("/v1/triage", body) for pool in pools for c in pool))
    cpu, own_cpu = sum(s.cpu_seconds() for s in servers), time.process_time()
    start = time.perf_counter()
    stop_at = time.monotonic() + args.seconds
    await asyncio.gather(*(_client(pool, i, case, load, args, think, run, stop_at, imports)
                           for i, pool in enumerate(pools)))
    load.wall = time.perf_counter() - start
    load.cpu = sum(s.cpu_seconds() for s in servers) - cpu
    load.own_cpu = time.process_time() - own_cpu
    return load


async def _burst(servers: list[Server], token: str, case: dict[str, Any], args: argparse.Namespace) -> Load:
    """Every client sends one triage request at the same instant, on connections already open."""
    load = Load()
    connections = [_Connection(servers[i % len(servers)].port, token) for i in range(args.clients)]
    body = json.dumps(case, ensure_ascii=False).encode()
    await asyncio.gather(*(c.post("/v1/triage", body) for c in connections))  # open them, not measured
    await asyncio.sleep(0.5)
    cpu, own_cpu = sum(s.cpu_seconds() for s in servers), time.process_time()

    async def one(connection: _Connection) -> None:
        start = time.perf_counter()
        try:
            status, _ = await connection.post("/v1/triage", body)
        except (OSError, EOFError, TimeoutError, AnswerError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError) as error:
            load.error(type(error).__name__)
            return
        if status != 200:
            load.error(f"HTTP {status}")
        else:
            load.triage.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(one(c) for c in connections))
    load.wall = time.perf_counter() - start
    load.cpu = sum(s.cpu_seconds() for s in servers) - cpu
    load.own_cpu = time.process_time() - own_cpu
    for connection in connections:
        connection.close()
    return load


def _run(coroutine: Any) -> Load:
    """The load on uvloop when it is installed (as ``serve`` runs on it): the cheaper loop leaves more
    of the cores to the servers."""
    if find_spec("uvloop") is not None:
        import uvloop

        return uvloop.run(coroutine)  # type: ignore[no-any-return]
    return asyncio.run(coroutine)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _loadavg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _report(label: str, load: Load, bare: float, servers: int) -> None:
    p50, p99 = _percentile(load.triage, 0.50) * 1000, _percentile(load.triage, 0.99) * 1000
    i50, i99 = _percentile(load.imports, 0.50) * 1000, _percentile(load.imports, 0.99) * 1000
    rate = load.requests / load.wall
    print(f"  {label}: {load.requests} requests in {load.wall:.1f} s = {rate:,.0f} req/s; "
          f"errors {sum(load.errors.values())} {load.errors or ''}; load average now {_loadavg()}")
    print(f"    triage  n={len(load.triage)}  p50 {p50:.1f} ms  p99 {p99:.1f} ms  "
          f"(bare call p50 {bare * 1000:.2f} ms: HTTP p50 is {p50 / (bare * 1000):.0f}x)")
    print(f"    import  n={len(load.imports)}  p50 {i50:.1f} ms  p99 {i99:.1f} ms")
    if load.sent:
        begun = min(when for _, when, _ in load.sent)
        triage = sorted((took, when - begun) for kind, when, took in load.sent if kind == "triage")
        slowest = triage[int(0.99 * len(triage)):]
        seconds = sorted({int(when) for _, when in slowest})
        print(f"    the slowest 1% of triage requests ({len(slowest)}) were sent in {len(seconds)} different "
              f"second(s) of the run: {', '.join(str(s) for s in seconds[:12])}{' ...' if len(seconds) > 12 else ''}")
    per_request = load.cpu / max(1, load.requests)
    print(f"    server CPU {per_request * 1000:.2f} ms a request (all kinds): at most "
          f"{1 / per_request if per_request else float('nan'):,.0f} req/s per core not shared with others; "
          f"the {servers} server(s) used {load.cpu / load.wall:.2f} core(s) for {rate:,.0f} req/s offered")
    print(f"    load generator CPU {load.own_cpu * 1000 / max(1, load.requests):.3f} ms a request "
          f"({load.own_cpu / load.wall:.2f} core)")


def _bare(case: dict[str, Any], repeats: int = 2000) -> float:
    engine = Triage()
    for _ in range(50):
        engine.decide(case)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        engine.decide(case)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _token(url: str, name: str) -> str:
    from propertytriage.web.tokens import SqlTokenStore

    store = SqlTokenStore.from_url(url)
    try:
        return store.create(name, "court").secret
    finally:
        store.ledger.close()


def _count_events(url: str, run: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from propertytriage.ledger import Ledger
    from propertytriage.ledger.schema import CASES, EVENTS

    with Ledger(url) as ledger, ledger.engine.connect() as connection:
        filed = connection.execute(select(func.count()).select_from(EVENTS).where(
            EVENTS.c.stream_id.like(f"BENCH-{run}-%"))).scalar_one()
        cases = connection.execute(select(func.count()).select_from(CASES).where(
            CASES.c.case_id.like(f"BENCH-{run}-%"))).scalar_one()
    return int(filed), int(cases)


def _phase(label: str, url: str, servers: int, case: dict[str, Any], bare: float, args: argparse.Namespace) -> bool:
    token = _token(url, f"bench {label}")
    logs = Path(tempfile.mkdtemp(prefix="bench-web-logs-"))
    options = [] if args.import_workers is None else ["--import-workers", str(args.import_workers)]
    options += args.serve_arg
    started = [Server(url, logs / f"serve-{i}.log", options) for i in range(servers)]
    try:
        for server in started:
            server.wait_ready()
        workers = "serve's default" if args.import_workers is None else args.import_workers
        print(f"{label}: {servers} serve process(es) (import workers: {workers}{', ' if args.serve_arg else ''}"
              f"{' '.join(args.serve_arg)}), {args.clients} clients; "
              f"load average {_loadavg()}")
        ok = True
        summary: dict[str, Any] = {"label": label, "servers": servers}
        for name, think in (("paced", args.think), ("saturated", 0.0)):
            run = f"{label[:2]}{name[0]}{os.getpid()}"
            load = _run(_drive(started, token, case, args, think, run))
            _report(f"{name} (think {think:.2f} s)", load, bare, servers)
            events, cases = _count_events(url, run)
            lost = load.imported - cases
            print(f"    imported {load.imported} new cases; the ledger holds {cases} cases and {events} events "
                  f"for them: {'nothing lost' if lost == 0 and events == cases else f'MISMATCH (lost {lost})'}")
            ok = ok and not load.errors and lost == 0 and events == cases
            summary[name] = (load, lost + abs(events - cases))
            if args.trace:
                _write_trace(args.trace, label, name, load)
        # a load of its own: every client at the same instant (what the paced clients did before they were random)
        burst = _run(_burst(started, token, case, args))
        print(f"  burst: {args.clients} triage requests sent at once: p50 "
              f"{_percentile(burst.triage, 0.5) * 1000:.1f} ms, the last answered after "
              f"{max(burst.triage, default=float('nan')) * 1000:.1f} ms; "
              f"server CPU {burst.cpu * 1000 / max(1, burst.requests):.2f} ms a request; "
              f"errors {sum(burst.errors.values())}")
        ok = ok and not burst.errors
        summary["burst"] = burst
        # what the servers spend on a triage request alone, imports (a database write each) aside
        load = _run(_drive(started, token, case, args, 0.0, "", imports=False))
        print(f"  triage only, saturated: {load.requests / load.wall:,.0f} req/s, p50 "
              f"{_percentile(load.triage, 0.5) * 1000:.1f} ms, p99 {_percentile(load.triage, 0.99) * 1000:.1f} ms; "
              f"server CPU {load.cpu * 1000 / max(1, load.requests):.2f} ms a triage request "
              f"({load.cpu * 1000 / max(1, load.requests) / (bare * 1000):.0f}x the bare call), "
              f"generator {load.own_cpu * 1000 / max(1, load.requests):.3f} ms; errors {sum(load.errors.values())}")
        ok = ok and not load.errors
        summary["triage only"] = load
        SUMMARIES.append(summary)
        if not ok:
            print(f"    the servers' logs: {logs}")
        else:
            shutil.rmtree(logs, ignore_errors=True)
        return ok
    finally:
        for server in started:
            server.stop()


SUMMARIES: list[dict[str, Any]] = []


def _write_trace(path: Path, label: str, name: str, load: Load) -> None:
    """Every request of a load, one line each (kind, seconds since the load began, milliseconds to answer),
    to relate slow requests to what else was under way; appended, so one file holds a whole run."""
    begun = min((when for _, when, _ in load.sent), default=0.0)
    with path.open("a", encoding="utf-8") as handle:
        for kind, when, took in load.sent:
            handle.write(f"{label},{name},{kind},{when - begun:.6f},{took * 1000:.3f}\n")


def _summarize(bare: float) -> None:
    """The figures a rerun is judged by, together: one line per phase."""
    print(f"summary (bare Triage().decide p50 {bare * 1000:.3f} ms; load average now {_loadavg()}):")
    for summary in SUMMARIES:
        paced, paced_lost = summary["paced"]
        saturated, saturated_lost = summary["saturated"]
        only, burst = summary["triage only"], summary["burst"]
        errors = sum(sum(load.errors.values()) for load in (paced, saturated, only, burst))

        def ms(values: list[float], q: float) -> str:
            return f"{_percentile(values, q) * 1000:.1f}"

        print(f"  {summary['label']} ({summary['servers']} serve): paced {paced.requests / paced.wall:,.0f} req/s, "
              f"triage p50 {ms(paced.triage, 0.5)} / p99 {ms(paced.triage, 0.99)} ms, "
              f"import p50 {ms(paced.imports, 0.5)} / p99 {ms(paced.imports, 0.99)} ms; "
              f"saturated {saturated.requests / saturated.wall:,.0f} req/s; burst of {len(burst.triage)} last "
              f"{max(burst.triage, default=float('nan')) * 1000:.0f} ms; server CPU a request "
              f"{paced.cpu * 1000 / max(1, paced.requests):.2f} ms paced mix, "
              f"{only.cpu * 1000 / max(1, only.requests):.2f} ms triage only; errors {errors}; "
              f"lost {paced_lost + saturated_lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200, help="at most this many requests per client")
    parser.add_argument("--seconds", type=float, default=20.0, help="and for at most this long per load")
    parser.add_argument("--think", type=float, default=0.5, help="seconds between a client's requests (paced)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the two-process PostgreSQL phase")
    parser.add_argument("--import-workers", type=int, default=None, metavar="N",
                        help="serve --import-workers N (default: serve's own default; 0 imports in-thread)")
    parser.add_argument("--import-size", type=int, default=1, metavar="N",
                        help="new cases in each import request (default 1; more: a list of N)")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="one more argument for every serve (repeatable), e.g. --serve-arg=--no-access-log")
    parser.add_argument("--seed", default="bench_web", help="seed of the clients' random start and think times")
    parser.add_argument("--trace", type=Path, metavar="CSV",
                        help="append every request (phase, load, kind, when sent, ms to answer) to this file")
    args = parser.parse_args()

    case = _case()
    bare = _bare(case)
    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    parser_name = "httptools" if find_spec("httptools") else "h11"
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} cores; serve and the load generator on {loop}, "
          f"serve parsing HTTP with {parser_name}; bare Triage().decide p50 {bare * 1e6:.0f} µs "
          f"({1 / bare:,.0f} calls/s on one core)")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        ok = _phase("sqlite", f"sqlite:///{Path(folder) / 'ledger.db'}", 1, case, bare, args) and ok
    if not args.no_postgres:
        from tests.ledger.pgcluster import Cluster, binaries

        bindir = binaries()
        if bindir is None:
            print("postgresql: not installed (scripts/setup.sh --test); phase skipped")
        else:
            cluster = Cluster(bindir)
            cluster.start()
            try:
                ok = _phase("postgresql", cluster.new_database(), 2, case, bare, args) and ok
            finally:
                cluster.stop()
    _summarize(bare)
    print("no error, nothing lost" if ok else "ERRORS OR LOSSES: see above")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
