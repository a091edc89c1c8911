"""The ledger at scale: import, show, due and cases on 100,000 cases and a million events.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_ledger.py                          # SQLite, 100,000 cases, 1,000,000 events
    .venv/bin/python benchmarks/bench_ledger.py --cases 20000 --events 60000
    .venv/bin/python benchmarks/bench_ledger.py --copy-to-postgres        # then show/due on PostgreSQL 15 too
    .venv/bin/python benchmarks/bench_ledger.py --postgres --cases 20000  # import into PostgreSQL itself

Round 1 files every case; each later round imports a new snapshot of every case (one more failed
step, or a new claim amount), so each round adds one event per case; the companies' scores (200
companies) are recorded once. ``--events`` sets the number of rounds (events / cases). The rounds
are written to JSON Lines files one after the other (one round in memory at a time) before anything
is measured, and the peak memory is reset after that, so the figure is the import's and the reads'.
The temporary folder (the rounds and, without ``--db``, the ledger) is removed at the end.

Bare ``triage`` runs on the first round's documents in the same process, for the ratio; and before
each round is imported, bare ``triage`` (``Triage().decide`` of each document as read, validation
included) decides that round's own documents, so that the ratio of every round compares like with like:
the cases grow from round to round (they climb to court, with more reasons and deadlines), and a ratio
to the first round's cases alone makes the later rounds look slower than they are (``--round-triage``
decides only the first N documents of each round). Figures:
cases/s by wall clock and by CPU time of this process (the machine may be shared: CPU time is the
steadier figure), ``show`` median and 99th percentile over random cases, ``due`` and ``cases`` on the
whole ledger, resident memory after each round and at peak.

``--copy-to-postgres`` copies the finished SQLite ledger, table by table, into a throwaway PostgreSQL
cluster (tests/ledger/pgcluster.py; the move docs/ledger.md describes) and times the same reads
there; the cluster is stopped at the end whatever happens. The copy goes through PostgreSQL's
``COPY`` with the text SQLite stores (JSON as written, dates in ISO form, booleans as 0 and 1, all of
which ``COPY`` reads as they are): parsing and writing again a million events' JSON through
SQLAlchemy took longer than the import.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, Table, func, select  # noqa: E402

from propertytriage import Triage  # noqa: E402
from propertytriage.ledger import Ledger  # noqa: E402
from propertytriage.ledger.documents import read_documents  # noqa: E402
from propertytriage.ledger.listed import sqlite_case_rows, sqlite_due, sqlite_due_rows  # noqa: E402
from propertytriage.ledger.queries import due, iter_cases, iter_due, list_cases, show  # noqa: E402
from propertytriage.ledger.reading import open_current  # noqa: E402
from propertytriage.ledger.schema import (  # noqa: E402
    CASE_ATTEMPTS,
    CASES,
    COMPANIES,
    COMPANY_EVENTS,
    DEADLINES,
    EVENTS,
)
from tests.ledger import casegen  # noqa: E402

ON = date(2026, 1, 15)


def _memory_mib(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"{field}:\s+(\d+)", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def _reset_peak_memory() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)


def _timed(action: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def _write_rounds(folder: Path, cases: int, rounds: int) -> list[str]:
    paths = []
    documents = casegen.cases(cases)
    for number in range(rounds):
        if number:
            documents = [casegen.next_snapshot(d, number) for d in documents]
        path = folder / f"round-{number + 1}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for document in documents:
                handle.write(json.dumps(document, ensure_ascii=False) + "\n")
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000,
                        help="about this many events: rounds = events / cases (at least 1)")
    parser.add_argument("--rounds", type=int, help="snapshots per case instead of --events")
    parser.add_argument("--db", help="a database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--postgres", action="store_true", help="import into a throwaway PostgreSQL cluster")
    parser.add_argument("--copy-to-postgres", action="store_true",
                        help="after the SQLite run, copy the ledger into a throwaway PostgreSQL cluster, read it there")
    parser.add_argument("--shows", type=int, default=1000, help="cases to time show on")
    parser.add_argument("--read-every-round", action="store_true",
                        help="time show, due and cases after every round too (figures as the ledger grows)")
    parser.add_argument("--reads-only", action="store_true",
                        help="import nothing: time the reads on the ledger at --db (made by an earlier run)")
    parser.add_argument("--triage-sample", type=int, default=20_000, help="cases for bare triage")
    parser.add_argument("--command-runs", type=int, default=1, metavar="N",
                        help="run each command N times in its own process; print the fastest and the median")
    parser.add_argument("--round-triage", type=int, default=0,
                        help="documents of each round that bare triage decides before the round is imported"
                             " (0, the default: all of them)")
    parser.add_argument("--no-commands", action="store_true",
                        help="time the reads in this process only, not the due and cases commands in their own")
    parser.add_argument("--no-sqlite-reads", action="store_true",
                        help="with --reads-only --copy-to-postgres: time the reads on PostgreSQL only")
    parser.add_argument("--done-file", type=Path,
                        help="touch this file once the imported ledger is closed (its WAL checkpointed), before"
                             " the PostgreSQL copy, so that another job may copy the file at --db")
    args = parser.parse_args()
    args.rounds = args.rounds or max(1, round(args.events / args.cases))

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that a stopped run stops its cluster too
    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    cluster = None
    try:
        if args.postgres or args.copy_to_postgres:
            from tests.ledger.pgcluster import Cluster, binaries

            bindir = binaries()
            if bindir is None:
                sys.exit("PostgreSQL is not installed (scripts/setup.sh --test)")
            cluster = Cluster(bindir)
            cluster.start()
        url = cluster.new_database() if args.postgres and cluster else args.db or f"sqlite:///{folder / 'ledger.db'}"
        if args.reads_only:
            ledger = Ledger(url)
            if not args.no_sqlite_reads:
                reads(ledger, args, label="SQLite" if url.startswith("sqlite") else "PostgreSQL")
        else:
            ledger = run(url, folder, args)
            if args.done_file:
                ledger.close()  # the last connection's close checkpoints the WAL into the file
                args.done_file.touch()
                print(f"closed the ledger; touched {args.done_file}", flush=True)
                ledger = Ledger(url)
        if args.copy_to_postgres and cluster is not None:
            target = Ledger(cluster.new_database())
            print("\ncopying the ledger into PostgreSQL ...")
            seconds = copy_tables(ledger.engine, target.engine)
            print(f"copied in {seconds:.0f} s")
            reads(target, args, label="PostgreSQL (copied)")
            target.close()
        ledger.close()
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)  # the rounds' files and, without --db, the ledger


def run(url: str, folder: Path, args: argparse.Namespace) -> Ledger:
    print(f"python {sys.version.split()[0]}; {args.cases:,} cases x {args.rounds} rounds; {url.split('://')[0]}")
    start = time.perf_counter()
    paths = _write_rounds(folder, args.cases, args.rounds)
    print(f"wrote {len(paths)} rounds to {folder} in {time.perf_counter() - start:.0f} s", flush=True)

    engine = Triage()
    sample = casegen.cases(min(args.cases, args.triage_sample))
    engine.decide(sample[0])
    wall, cpu = _timed(lambda: [engine.decide(d) for d in sample])
    bare_wall, bare_cpu = len(sample) / wall, len(sample) / cpu
    print(f"bare triage: {bare_wall:,.0f} cases/s wall, {bare_cpu:,.0f} cases/s CPU ({len(sample):,} cases)",
          flush=True)
    sample.clear()
    _reset_peak_memory()

    ledger = Ledger(url, triage=engine)
    total_wall = total_cpu = 0.0
    same = SameDocuments()
    for number, path in enumerate(paths):
        summary = None
        round_bare = same.bare_triage(engine, path, args.round_triage)

        def step(path: str = path) -> None:
            nonlocal summary
            summary = ledger.import_files([path])

        wall, cpu = _timed(step)
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        assert summary is not None and not summary.refused
        print(f"import round {number + 1}: {args.cases / wall:,.0f} cases/s wall "
              f"({args.cases / wall / bare_wall:.2f} of bare triage), {args.cases / cpu:,.0f} cases/s CPU "
              f"({args.cases / cpu / bare_cpu:.2f}); {summary.as_json()}; RSS {_memory_mib('VmRSS'):.0f} MiB",
              flush=True)
        print(same.imported(number + 1, round_bare, args.cases, wall, cpu), flush=True)
        if args.read_every_round and number + 1 < len(paths):
            reads(ledger, args, label=f"SQLite after round {number + 1}", shows=200)
    imported = args.cases * len(paths)
    print(f"import, all rounds: {imported / total_wall:,.0f} cases/s wall ({imported / total_wall / bare_wall:.2f} "
          f"of bare triage), {imported / total_cpu:,.0f} cases/s CPU ({imported / total_cpu / bare_cpu:.2f})")
    print(same.total(), flush=True)
    reads(ledger, args, label="SQLite" if url.startswith("sqlite") else "PostgreSQL")
    print(f"peak resident memory (VmHWM) since the import began: {_memory_mib('VmHWM'):.0f} MiB")
    return ledger


class SameDocuments:
    """Bare triage of the documents each round imports, and the import's ratio to it, round by round.

    The documents are read from the round's file as the import reads them (``read_documents``), a
    thousand at a time, and only their decisions are timed, in CPU time of this process (and wall
    time): the same measure as the import's, taken just before it under the same load.
    """

    CHUNK = 1000

    def __init__(self) -> None:
        self.bare_cases = 0
        self.bare_wall = self.bare_cpu = 0.0
        self.import_cases = 0
        self.import_wall = self.import_cpu = 0.0

    def bare_triage(self, engine: Triage, path: str, limit: int) -> tuple[int, float, float]:
        """(documents decided, wall seconds, CPU seconds) of ``engine.decide`` over the round's documents."""
        documents = (d.body for d in read_documents(path))
        if limit:
            documents = itertools.islice(documents, limit)
        decided, wall, cpu = 0, 0.0, 0.0
        while chunk := list(itertools.islice(documents, self.CHUNK)):
            start, start_cpu = time.perf_counter(), time.process_time()
            for document in chunk:
                engine.decide(document)
            wall += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            decided += len(chunk)
        self.bare_cases += decided
        self.bare_wall += wall
        self.bare_cpu += cpu
        return decided, wall, cpu

    def imported(self, number: int, bare: tuple[int, float, float], cases: int, wall: float, cpu: float) -> str:
        self.import_cases += cases
        self.import_wall += wall
        self.import_cpu += cpu
        decided, bare_wall, bare_cpu = bare
        return (f"round {number}, the same documents: bare triage {decided / bare_cpu:,.0f} cases/s CPU"
                f" ({decided / bare_wall:,.0f} wall, {decided:,} cases), import {cases / cpu:,.0f} cases/s CPU"
                f" ({cases / wall:,.0f} wall): {bare_cpu / decided / (cpu / cases):.2f} of bare triage by CPU,"
                f" {bare_wall / decided / (wall / cases):.2f} by wall")

    def total(self) -> str:
        bare = self.bare_cases / self.bare_cpu
        imported = self.import_cases / self.import_cpu
        return (f"all rounds, the same documents: bare triage {bare:,.0f} cases/s CPU"
                f" ({self.bare_cases / self.bare_wall:,.0f} wall), import {imported:,.0f} cases/s CPU"
                f" ({self.import_cases / self.import_wall:,.0f} wall): {imported / bare:.2f} of bare triage by CPU,"
                f" {self.import_cases / self.import_wall / (self.bare_cases / self.bare_wall):.2f} by wall")


def reads(ledger: Ledger, args: argparse.Namespace, *, label: str, shows: int | None = None) -> None:
    """show (median, p99), due and cases on the whole ledger: as lists (what the web pages and the API
    take), streamed (what the commands print from), and the commands themselves in a process of their own."""
    with ledger.engine.connect() as connection:
        events = connection.scalar(select(func.count()).select_from(EVENTS))
        cases = connection.scalar(select(func.count()).select_from(CASES))
        count = min(shows or args.shows, args.cases)
        ids = [f"L-{i:07d}" for i in random.Random(7).sample(range(args.cases), count)]
        show(connection, ids[0])
        times, cpu_times = [], []
        for case_id in ids:
            start, cpu = time.perf_counter(), time.process_time()
            assert show(connection, case_id) is not None
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu) * 1000)
        times.sort()
        print(f"[{label}] {cases:,} cases, {events:,} events", flush=True)
        print(f"[{label}] show: median {statistics.median(times):.2f} ms, p99 {times[int(len(times) * 0.99)]:.2f} ms,"
              f" max {times[-1]:.2f} ms ({len(times)} cases); CPU of this process: median"
              f" {statistics.median(cpu_times):.2f} ms", flush=True)
        queries: tuple[tuple[str, Callable[[], Any]], ...] = (
            ("due", lambda: due(connection, ON)),
            ("due, streamed", lambda: iter_due(connection, ON)),
            ("due, streamed, as the table prints it", lambda: iter_due(connection, ON, brief=True)),
            ("cases --overdue", lambda: list_cases(connection, overdue_on=ON)),
            ("cases --overdue, streamed", lambda: iter_cases(connection, overdue_on=ON)),
            ("cases --stage court", lambda: list_cases(connection, stage="court")),
            ("cases --stage court, streamed", lambda: iter_cases(connection, stage="court")),
        )
        direct = open_current(ledger.url)  # what the commands read a current SQLite file through
        if direct is not None:
            queries += (
                ("due through sqlite3, rows as the table prints them",
                 lambda: sqlite_due_rows(direct, ON, brief=True)),
                ("due through sqlite3, items", lambda: sqlite_due(direct, ON)),
                ("cases --overdue through sqlite3, rows", lambda: sqlite_case_rows(direct, overdue_on=ON)),
                ("cases --stage court through sqlite3, rows", lambda: sqlite_case_rows(direct, stage="court")),
            )
        for name, query in queries:
            sum(1 for _ in query())  # once to warm the caches, as a clerk's second look would find them
            start, cpu = time.perf_counter(), time.process_time()
            rows = sum(1 for _ in query())
            print(f"[{label}] {name} (on {ON}): {time.perf_counter() - start:.2f} s "
                  f"(CPU of this process {time.process_time() - cpu:.2f} s), {rows:,} rows", flush=True)
        if direct is not None:
            direct.close()
    if not args.no_commands:
        commands(ledger.url, label, runs=args.command_runs)


_COMMANDS = (
    ("due", ["due"]), ("due --json", ["due", "--json"]), ("due --ics", ["due", "--ics", "{folder}/due.ics"]),
    ("cases --stage court", ["cases", "--stage", "court"]), ("cases --overdue", ["cases", "--overdue"]),
    ("cases (every case)", ["cases"]), ("cases --json (every case)", ["cases", "--json"]),
)


# The command's own peak: VmHWM read by the process itself as it exits (the rusage of a child forked from
# this benchmark would report this process's memory, which the child inherits at the fork).
_RUN_COMMAND = """import atexit, re, sys
def peak():
    status = open("/proc/self/status").read()
    print("VmHWM", re.search(r"VmHWM:\\s+(\\d+)", status).group(1), file=sys.stderr)
atexit.register(peak)
from propertytriage.cli.main import main
sys.exit(main())
"""


def commands(url: str, label: str, runs: int = 1) -> None:
    """Each command as a clerk runs it, its output thrown away: the CPU time (os.wait4) and the peak
    resident memory of its own process, startup included (the bare startup is printed first). With
    ``runs`` above 1, each command runs that many times in turn and the fastest and the median are
    printed (a loaded machine makes single runs vary by half), with the load average before and after."""
    with tempfile.TemporaryDirectory(prefix="bench-commands-") as folder:
        argvs = [("startup (--help)", ["--help"]),
                 *((name, [*(a.format(folder=folder) for a in argv), "--on", ON.isoformat(), "--db", url])
                   for name, argv in _COMMANDS),
                 ("show (one case)", ["show", "L-0000007", "--db", url])]
        print(f"[{label}] load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        for name, argv in argvs:
            walls, cpus, peaks = [], [], []
            for _ in range(max(1, runs)):
                start = time.perf_counter()
                process = subprocess.Popen([sys.executable, "-c", _RUN_COMMAND, *argv], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.PIPE)
                error = process.stderr.read().decode() if process.stderr else ""
                _pid, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
                assert process.returncode == 0, (name, error)
                walls.append(time.perf_counter() - start)
                cpus.append(usage.ru_utime + usage.ru_stime)
                peak = re.search(r"VmHWM (\d+)", error)
                peaks.append(int(peak.group(1)) / 1024 if peak else float("nan"))
            figures = (f"{walls[0]:.2f} s, CPU of its process {cpus[0]:.2f} s" if runs <= 1 else
                       f"{runs} runs: wall min {min(walls):.2f} s, median {statistics.median(walls):.2f} s; CPU of its"
                       f" process min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s")
            print(f"[{label}] propertytriage {name}: {figures}, peak resident memory {max(peaks):.0f} MiB", flush=True)
        print(f"[{label}] load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)


COPIED: tuple[Table, ...] = (EVENTS, COMPANIES, CASES, DEADLINES, CASE_ATTEMPTS, COMPANY_EVENTS)


def copy_tables(source: Engine, target: Engine, batch: int = 20_000) -> float:
    """Every table of the ledger, in the order docs/ledger.md gives, then the id sequences past the largest id."""
    start = time.perf_counter()
    reading, writing = source.raw_connection(), target.raw_connection()
    try:
        postgres = writing.driver_connection
        assert postgres is not None
        with postgres.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")  # SQLite holds the UTC times without their zone
            for table in COPIED:
                names = ", ".join(c.name for c in table.columns)
                rows = reading.cursor().execute(f"SELECT {names} FROM {table.name}")
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    while chunk := rows.fetchmany(batch):
                        for row in chunk:
                            copy.write_row(row)
                print(f"  {table.name}: {time.perf_counter() - start:.0f} s", flush=True)
            for table in (EVENTS, DEADLINES):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table.name}))")
            cursor.execute("ANALYZE")
        postgres.commit()
    finally:
        reading.close()
        writing.close()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
