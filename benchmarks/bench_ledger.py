"""The ledger at scale: import, show and due on 100,000 cases and about a million events.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_ledger.py                      # SQLite, 100,000 cases, 10 rounds
    .venv/bin/python benchmarks/bench_ledger.py --cases 20000 --rounds 3
    .venv/bin/python benchmarks/bench_ledger.py --postgres           # a throwaway PostgreSQL 15 cluster

Round 1 files every case; each later round imports a new snapshot of every case (one more failed
step, or a new claim amount), so each round adds one event per case, and the companies' scores
(200 companies) are recorded once. Bare ``triage`` runs on the same documents in the same process
for the ratio. Figures: cases/s by wall clock and by CPU time of this process (the machine is
shared, so CPU time is the steadier figure), ``show`` median and 95th percentile over random cases,
``due`` and ``cases --overdue`` on the whole ledger, resident memory after each round and at peak.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from propertytriage import Triage  # noqa: E402
from propertytriage.ledger import Ledger  # noqa: E402
from propertytriage.ledger.queries import due, list_cases, show  # noqa: E402
from propertytriage.ledger.schema import EVENTS  # noqa: E402
from tests.ledger import casegen  # noqa: E402


def _memory_mib(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"{field}:\s+(\d+)", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def _timed(action) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def _write_round(folder: Path, number: int, documents: list[dict]) -> str:  # type: ignore[type-arg]
    path = folder / f"round-{number}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            handle.write(json.dumps(document, ensure_ascii=False) + "\n")
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10, help="snapshots per case (events per case)")
    parser.add_argument("--db", help="a database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL cluster")
    parser.add_argument("--shows", type=int, default=500)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    cluster = None
    if args.postgres:
        from tests.ledger.pgcluster import Cluster, binaries

        bindir = binaries()
        if bindir is None:
            sys.exit("PostgreSQL is not installed (scripts/setup.sh --test)")
        cluster = Cluster(bindir)
        cluster.start()
        url = cluster.new_database()
    else:
        url = args.db or f"sqlite:///{folder / 'ledger.db'}"
    try:
        run(url, folder, args)
    finally:
        if cluster is not None:
            cluster.stop()


def run(url: str, folder: Path, args: argparse.Namespace) -> None:
    print(f"python {sys.version.split()[0]}; {args.cases:,} cases x {args.rounds} rounds; {url.split('://')[0]}")
    documents = casegen.cases(args.cases)
    rounds = [documents]
    for step in range(1, args.rounds):
        rounds.append([casegen.next_snapshot(d, step) for d in rounds[-1]])
    paths = [_write_round(folder, i, r) for i, r in enumerate(rounds)]
    del rounds

    engine = Triage()
    sample = documents[: min(len(documents), 20_000)]
    wall, cpu = _timed(lambda: [engine.decide(d) for d in sample])
    bare_wall, bare_cpu = len(sample) / wall, len(sample) / cpu
    print(f"bare triage: {bare_wall:,.0f} cases/s wall, {bare_cpu:,.0f} cases/s CPU ({len(sample):,} cases)")
    del documents

    ledger = Ledger(url, triage=engine)
    for number, path in enumerate(paths):
        summary = None

        def step(path: str = path) -> None:
            nonlocal summary
            summary = ledger.import_files([path])

        wall, cpu = _timed(step)
        assert summary is not None and not summary.refused
        print(f"import round {number + 1}: {args.cases / wall:,.0f} cases/s wall "
              f"({args.cases / wall / bare_wall:.2f} of bare triage), {args.cases / cpu:,.0f} cases/s CPU "
              f"({args.cases / cpu / bare_cpu:.2f}); {summary.as_json()}; RSS {_memory_mib('VmRSS'):.0f} MiB")

    with ledger.engine.connect() as connection:
        events = connection.scalar(select(func.count()).select_from(EVENTS))
        ids = [f"L-{i:07d}" for i in random.Random(7).sample(range(args.cases), min(args.shows, args.cases))]
        show(connection, ids[0])
        times = []
        for case_id in ids:
            start = time.perf_counter()
            assert show(connection, case_id) is not None
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"events: {events:,}")
        print(f"show: median {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms "
              f"({len(times)} cases)")
        on = date(2026, 1, 15)
        for label, query in (("due", lambda: due(connection, on)),
                             ("cases --overdue", lambda: list_cases(connection, overdue_on=on))):
            start = time.perf_counter()
            rows = query()
            print(f"{label} on {on}: {time.perf_counter() - start:.2f} s, {len(rows):,} rows")
    print(f"peak resident memory (VmHWM): {_memory_mib('VmHWM'):.0f} MiB")
    ledger.close()


if __name__ == "__main__":
    main()
