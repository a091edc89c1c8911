"""``serve`` under load: 100 concurrent clients posting triage requests and imports over HTTP.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_web.py                    # SQLite, then two serves on PostgreSQL
    .venv/bin/python benchmarks/bench_web.py --clients 100 --seconds 20 --no-postgres

Each phase starts ``propertytriage serve`` on 127.0.0.1 (a free port, a temporary ledger), issues a
token, and runs ``--clients`` asynchronous clients (httpx), each bounded by ``--requests`` and by
``--seconds``. A client sends a triage request (one case) nine times out of ten and an import of a
new case otherwise. Two loads are measured:

* **paced**: each client waits ``--think`` seconds between requests, as a clerk's system would; the
  latency figures (p50, p99) are of this load, the goal being p99 triage under 50 ms.
* **saturated**: no waiting; the requests/s is the most one process serves on this machine.

The bare Python call (``Triage().decide`` on the same case, in this process) is timed in the same
run for the ratio. The last phase runs two ``serve`` processes on one throwaway PostgreSQL cluster,
the clients alternating between them, and counts the events: every import answered 200 must have
recorded exactly one ``filed`` event, and nothing else may be there. Every process started here is
stopped at the end. The machine is shared: the load average is printed with the figures, and the
servers' own CPU time per request, which does not depend on how many others share the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from propertytriage import Triage  # noqa: E402
from propertytriage.ruledata import examples_dir  # noqa: E402

SERVE = [str(Path(sys.executable).parent / "propertytriage"), "serve"]


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


class Server:
    """One ``serve`` process; stopped by :meth:`stop` whatever happened."""

    def __init__(self, url: str, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as handle:  # uvicorn's access log and any error, kept for a failed run
            self.process = subprocess.Popen(
                [*SERVE, "--host", "127.0.0.1", "--port", str(self.port), "--db", url, "--keep-alive", "60"],
                stdout=handle, stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("serve did not answer /healthz in time")

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used (its share of a loaded machine aside)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Load:
    triage: list[float] = field(default_factory=list)
    imports: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    imported: int = 0
    wall: float = 0.0
    cpu: float = 0.0  # the servers' CPU seconds over the measured requests

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def requests(self) -> int:
        return len(self.triage) + len(self.imports) + sum(self.errors.values())


async def _client(http: httpx.AsyncClient, number: int, bases: list[str], token: str, case: dict[str, Any], load: Load,
                  args: argparse.Namespace, think: float, run: str, stop_at: float) -> None:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    triage_body = json.dumps(case, ensure_ascii=False).encode()
    for sent in range(args.requests):
        if time.monotonic() >= stop_at:
            return
        base = bases[(number + sent) % len(bases)]
        is_import = (number + sent) % 10 == 9  # one request in ten, spread over the clients
        body = (json.dumps(_new_case(case, number * args.requests + sent, run), ensure_ascii=False).encode()
                if is_import else triage_body)
        start = time.perf_counter()
        try:
            response = await http.post(f"{base}/v1/import" if is_import else f"{base}/v1/triage",
                                       content=body, headers=headers)
        except httpx.HTTPError as error:
            load.error(type(error).__name__)
            continue
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            load.error(f"HTTP {response.status_code}")
        elif is_import:
            load.imports.append(elapsed)
            load.imported += response.json()["new"]
        else:
            load.triage.append(elapsed)
        if think:
            await asyncio.sleep(think)


async def _drive(servers: list[Server], token: str, case: dict[str, Any], args: argparse.Namespace, think: float,
                 run: str) -> Load:
    bases = [s.base for s in servers]
    load = Load()
    # idle connections are dropped well before the servers drop them (serve --keep-alive 60): on a loaded
    # machine a request sent just before the server's timer fires meets a closing connection
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients, keepalive_expiry=30.0)
    async with httpx.AsyncClient(timeout=30.0, limits=limits, trust_env=False) as http:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        body = json.dumps(case, ensure_ascii=False).encode()
        # not measured: open every connection and let each server decide once (its first call loads the rules)
        await asyncio.gather(*(http.post(f"{bases[i % len(bases)]}/v1/triage", content=body, headers=headers)
                               for i in range(args.clients)))
        cpu = sum(s.cpu_seconds() for s in servers)
        start = time.perf_counter()
        stop_at = time.monotonic() + args.seconds
        await asyncio.gather(*(_client(http, i, bases, token, case, load, args, think * (1 + (i % 7) / 10), run,
                                       stop_at) for i in range(args.clients)))
        load.wall = time.perf_counter() - start
        load.cpu = sum(s.cpu_seconds() for s in servers) - cpu
    return load


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _report(label: str, load: Load, bare: float) -> None:
    p50, p99 = _percentile(load.triage, 0.50) * 1000, _percentile(load.triage, 0.99) * 1000
    i50, i99 = _percentile(load.imports, 0.50) * 1000, _percentile(load.imports, 0.99) * 1000
    print(f"  {label}: {load.requests} requests in {load.wall:.1f} s = {load.requests / load.wall:,.0f} req/s; "
          f"errors {sum(load.errors.values())} {load.errors or ''}")
    print(f"    triage  n={len(load.triage)}  p50 {p50:.1f} ms  p99 {p99:.1f} ms  "
          f"(bare call p50 {bare * 1000:.2f} ms: HTTP p50 is {p50 / (bare * 1000):.0f}x)")
    print(f"    import  n={len(load.imports)}  p50 {i50:.1f} ms  p99 {i99:.1f} ms")


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
    started = [Server(url, logs / f"serve-{i}.log") for i in range(servers)]
    try:
        for server in started:
            server.wait_ready()
        print(f"{label}: {servers} serve process(es), {args.clients} clients; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        ok = True
        for name, think in (("paced", args.think), ("saturated", 0.0)):
            run = f"{label[:2]}{name[0]}{os.getpid()}"
            load = asyncio.run(_drive(started, token, case, args, think, run))
            _report(f"{name} (think {think:.2f} s)", load, bare)
            cpu = load.cpu
            print(f"    server CPU {cpu * 1000 / max(1, load.requests):.1f} ms a request: at most "
                  f"{load.requests / cpu if cpu else float('nan'):,.0f} req/s per core not shared with others")
            events, cases = _count_events(url, run)
            lost = load.imported - cases
            print(f"    imported {load.imported} new cases; the ledger holds {cases} cases and {events} events "
                  f"for them: {'nothing lost' if lost == 0 and events == cases else f'MISMATCH (lost {lost})'}")
            ok = ok and not load.errors and lost == 0 and events == cases
        if not ok:
            print(f"    the servers' logs: {logs}")
        else:
            shutil.rmtree(logs, ignore_errors=True)
        return ok
    finally:
        for server in started:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200, help="at most this many requests per client")
    parser.add_argument("--seconds", type=float, default=20.0, help="and for at most this long per load")
    parser.add_argument("--think", type=float, default=0.5, help="seconds between a client's requests (paced)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the two-process PostgreSQL phase")
    args = parser.parse_args()

    case = _case()
    bare = _bare(case)
    print(f"python {sys.version.split()[0]}; bare Triage().decide p50 {bare * 1e6:.0f} µs "
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
    print("no error, nothing lost" if ok else "ERRORS OR LOSSES: see above")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
