"""The report (SPEC §5) on 100,000 cases and about a million events: JSON and PDF times.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_report.py                    # SQLite, 100,000 cases, 1,000,000 events
    .venv/bin/python benchmarks/bench_report.py --cases 20000 --events 200000
    .venv/bin/python benchmarks/bench_report.py --postgres         # a throwaway PostgreSQL 15 cluster
    .venv/bin/python benchmarks/bench_report.py --db sqlite:///l.db --no-fill --formats json   # again, JSON only
    .venv/bin/python benchmarks/bench_report.py --ledger /work/bench/ledger-1m.sqlite   # a ledger made by import

``--ledger PATH`` measures an existing SQLite ledger (one filled by ``import``, with real events) on a
copy in a temporary folder (removed afterwards), so the file itself is never changed: opening the copy
migrates it to this version's schema, and the time that takes (the migration, with the projections
rebuilt from the events where it needs them) is printed first. The period is the ledger's first to
last filing day unless --from/--to say otherwise.

How the ledger is filled: by bulk insert of realistic rows, not by ``import`` (which runs triage on
every case; bench_ledger.py measures that). Each case gets a snapshot shaped like an imported one
(estate with one of 12 streets and 60 communities, one of 500 companies, 0–3 steps up the ladder,
some without a date), a decision consistent with its steps, and its projection columns and attempt
rows written by the ledger's own code (``ledger/aggregates.py``); companies get a year of scores,
notices, inspections and penalties through the same code; deadlines as the ledger keeps them; and
the events table is filled to ``--events`` rows, ten per case, so the database is the size a year of
a district's work makes. The report's queries never read the events.

Figures: CPU time of this process (the machine is shared; wall clock printed beside it) for
  - counts: the aggregate queries alone,
  - JSON: queries + the document + its JSON text,
  - HTML and PDF: the same document rendered (charts with matplotlib, the PDF with WeasyPrint),
  - with PDF, its two parts on one document: the charts (PNG) and the HTML, then WeasyPrint alone,
each the median of ``--repeat`` runs after one warm-up (the rule book and fonts loaded once, as a
server process holds them, and frozen out of the garbage collector's way as ``serve`` freezes them).
Goals: JSON ≤ 1 s, PDF ≤ 3 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from propertytriage.ledger import Ledger  # noqa: E402
from propertytriage.ledger.aggregates import attempt_rows, case_columns, company_rows  # noqa: E402
from propertytriage.ledger.migrate import current_revision, head_revision  # noqa: E402
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES, COMPANIES, COMPANY_EVENTS, DEADLINES, EVENTS  # noqa: E402
from propertytriage.ledger.statistics import counts, filed_span, report  # noqa: E402
from propertytriage.rendering.pdf import html_to_pdf  # noqa: E402
from propertytriage.reporting.render import render_report, render_report_html  # noqa: E402
from propertytriage.ruledata import forms_dir  # noqa: E402

LADDER = ("owners_committee", "community", "mediation_center")
TRACKS = ("small_claims", "small_claims", "fast_track", "ordinary", None)
STREETS = [f"第{i}街道" for i in range(1, 13)]
COMMUNITIES = [f"{s}{c}社区" for s in ("丽水", "喆园", "堃安", "昇平", "锦绣", "天骄") for c in "东西南北中一二三四五"]
CHUNK = 5000


def _case(rng: random.Random, index: int, year: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the cases row, its attempt rows)."""
    filed = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    company = rng.randrange(500)
    community = rng.randrange(len(COMMUNITIES))
    depth = rng.choices((0, 1, 2, 3), (15, 45, 25, 15))[0]
    resolved_at = rng.random() < 0.8
    attempts, dates = [], []
    for step, stage in enumerate(LADDER[:depth]):
        on = filed + timedelta(days=12 * (step + 1))
        last = step == depth - 1
        outcome = "resolved" if last and resolved_at else "failed"
        attempt = {"stage": stage, "outcome": outcome}
        if rng.random() < 0.9:
            attempt["on"] = on.isoformat()
        attempts.append(attempt)
        dates.append(on.isoformat())
    if depth == 0:
        next_stage = "out_of_scope" if rng.random() < 0.05 else "owners_committee"
    elif attempts[-1]["outcome"] == "resolved":
        next_stage = "closed"
    else:
        next_stage = LADDER[depth] if depth < 3 else "court"
    track = rng.choice(TRACKS) if next_stage == "court" else None
    snapshot = {
        "case_id": f"B-{index:07d}", "filed_on": filed.isoformat(), "province": "内蒙古自治区",
        "dispute_type": "neighbor" if next_stage == "out_of_scope" else rng.choice(
            ("fee_arrears", "fee_arrears", "service_quality", "parking")),
        "claimant": rng.choice(("property_company", "owner")), "claim_amount": f"{rng.randint(100, 90000)}.00",
        "attempts": attempts, "property_company": {"name": f"第{company}物业服务有限公司",
                                                   "credit_code": f"91150602MA{company:08d}"},
        "estate": {"name": f"小区{index % 900}", "street": STREETS[community % len(STREETS)],
                   "community": COMMUNITIES[community]},
        "owners": [{"name": f"业主{index}", "phone": f"139{index:08d}"}],
    }
    decision = {"case_id": snapshot["case_id"], "next_stage": next_stage, "court_track": track,
                "rectification_required": False, "awaiting": [], "forms": [], "reasons": [], "rules_version": "bench"}
    row = {"case_id": snapshot["case_id"], "version": 1, "digest": f"{index:064d}",
           "company_key": f"credit:91150602MA{company:08d}", "company_version": 1, "snapshot": snapshot,
           "decision": decision, "next_stage": next_stage, "court_track": track,
           "is_open": next_stage not in ("closed", "out_of_scope"), "filed_on": filed, "attempt_dates": dates,
           "updated_at": datetime(year + 1, 1, 2, tzinfo=UTC),
           **case_columns(snapshot, decision, filed, dates)}
    return row, attempt_rows(row["case_id"], snapshot, dates, row["company_key"])


def _company(rng: random.Random, index: int, year: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    key = f"credit:91150602MA{index:08d}"
    on = date(year, 1, 1) + timedelta(days=rng.randrange(120))
    score = rng.choice(range(35, 100))
    history: list[dict[str, Any]] = [{"kind": "score", "on": on.isoformat(), "total": f"{score}"}]
    if score < 60:
        notice = on + timedelta(days=rng.randrange(3, 10))
        inspection = notice + timedelta(days=rng.randrange(15, 60))
        history += [{"kind": "notice", "on": notice.isoformat()},
                    {"kind": "inspection", "on": inspection.isoformat(),
                     "result": "passed" if rng.random() < 0.8 else "failed"}]
    row = {"company_key": key, "version": len(history) + 1, "name": f"第{index}物业服务有限公司",
           "credit_code": key[7:], "history": history, "status": "passing",
           "updated_at": datetime(year + 1, 1, 2, tzinfo=UTC)}
    return row, company_rows(key, history, None)


def fill(url: str, cases: int, events: int, year: int) -> None:
    rng = random.Random(20261130)
    started = time.perf_counter()
    with Ledger(url) as ledger, ledger.write_connection() as connection, connection.begin():
        companies = [_company(rng, i, year) for i in range(500)]
        connection.execute(insert(COMPANIES), [c for c, _ in companies])
        connection.execute(insert(COMPANY_EVENTS), [e for _, rows in companies for e in rows])
        per_case = max(1, events // max(1, cases))
        for start in range(0, cases, CHUNK):
            made = [_case(rng, i, year) for i in range(start, min(cases, start + CHUNK))]
            connection.execute(insert(CASES), [row for row, _ in made])
            attempts = [a for _, rows in made for a in rows]
            if attempts:
                connection.execute(insert(CASE_ATTEMPTS), attempts)
            deadlines = [{"subject_type": "case", "subject_id": row["case_id"], "kind": "pre_litigation_mediation",
                          "title": "诉前委派调解期限（30日）", "starts_on": row["filed_on"],
                          "due_on": row["filed_on"] + timedelta(days=30), "basis": "bench", "note": ""}
                         for row, _ in made if row["is_open"] and rng.random() < 0.3]
            if deadlines:
                connection.execute(insert(DEADLINES), deadlines)
            connection.execute(insert(EVENTS), [
                {"stream_type": "case", "stream_id": row["case_id"], "version": v + 1,
                 "kind": "filed" if v == 0 else "changed", "recorded_at": row["updated_at"], "recorded_by": None,
                 "source": "bench.jsonl", "rules_version": "bench",
                 "data": {"as_of": row["filed_on"].isoformat(), "digest": row["digest"]}}
                for row, _ in made for v in range(per_case)])
    print(f"filled {cases:,} cases, {cases * per_case:,} events in {time.perf_counter() - started:.1f} s (wall)")


def _timed(work: Callable[[], Any], repeat: int) -> tuple[float, float]:
    work()  # warm-up: rule book, fonts, WeasyPrint's import
    # as `propertytriage serve` does once started (web/commands.py): what the process holds for good is
    # kept out of the cyclic collector's reach, so a full collection during a report does not walk it
    gc.collect()
    gc.freeze()
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        work()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def open_copy(path: Path) -> str:
    """A copy of the ledger at ``path`` in a temporary folder, opened (so migrated) once, timed."""
    if not path.is_file():
        sys.exit(f"--ledger: no such file: {path}")
    copy = Path(tempfile.mkdtemp(prefix="bench-report-")) / path.name
    started = time.perf_counter()
    # SQLite's online backup from a read-only connection: the copy holds what the write-ahead log has
    # not yet moved into the file, and the original is not written to
    source, target = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True), sqlite3.connect(copy)
    with target:
        source.backup(target)
    source.close()
    target.close()
    print(f"copied {path} ({path.stat().st_size / 2**20:,.0f} MiB) to {copy} in {time.perf_counter() - started:.1f} s")
    url = f"sqlite:///{copy}"
    engine = create_engine(url)
    with engine.connect() as connection:
        before = current_revision(connection)
        cases, events = (connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                         for table in ("cases", "events"))
    engine.dispose()
    cpu, wall = time.process_time(), time.perf_counter()
    Ledger(url).close()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{cases:,} cases, {events:,} events; opened at schema {before}, migrated to {head_revision()} "
          f"(the projections rebuilt from the events if a migration needs it) in CPU {cpu:.1f} s, wall {wall:.1f} s")
    return url


def measure(url: str, span: tuple[date, date] | None, repeat: int, by: str, formats: list[str]) -> None:
    with Ledger(url) as ledger, ledger.engine.connect() as connection:
        start, end = span or filed_span(connection) or (date(2025, 1, 1), date(2025, 12, 31))
        def document() -> Any:
            return report(connection, start, end, by, office="某旗物业纠纷调解中心")

        results = {"counts (queries only)": _timed(lambda: counts(connection, start, end, by), repeat)}  # type: ignore[arg-type]
        for fmt in formats:
            results[fmt.upper()] = _timed(lambda fmt=fmt: render_report(document(), fmt), repeat)
        sample = document()
        if "pdf" in formats:  # where the PDF's time goes, on the same document (the collector left running)
            html = render_report_html(sample, png=True)
            results["  PDF: charts and HTML"] = _timed(lambda: render_report_html(sample, png=True), repeat)
            results["  PDF: WeasyPrint"] = _timed(lambda: html_to_pdf(html, base_dir=forms_dir()), repeat)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load}; report {start} — {end} --by {by}: received {sample.received:,}, mediated "
          f"{sample.mediation_center.mediated:,}, groups {len(sample.by)}")
    goals = {"JSON": 1.0, "PDF": 3.0}
    for name, (cpu, wall) in results.items():
        goal = f"  goal {goals[name]:.0f} s: {cpu / goals[name]:.0%} of it" if name in goals else ""
        print(f"  {name:<24} CPU {cpu:6.3f} s   wall {wall:6.3f} s{goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--by", default="community", choices=["month", "street", "community", "company"])
    parser.add_argument("--db", help="an empty database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL cluster")
    parser.add_argument("--no-fill", action="store_true", help="measure --db as it is (filled by an earlier run)")
    parser.add_argument("--formats", default="json,html,pdf", help="outputs to time: json,html,pdf (default: all)")
    parser.add_argument("--ledger", type=Path, help="an existing SQLite ledger file, measured on a copy (see above)")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first day of the period")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last day of the period")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - {"json", "html", "pdf"}
    if unknown:
        parser.error(f"--formats: unknown {', '.join(sorted(unknown))}")
    if (args.start is None) != (args.end is None):
        parser.error("--from and --to go together")
    span = (args.start, args.end) if args.start else None
    if args.ledger is not None:
        if args.db or args.postgres:
            parser.error("--ledger measures a ledger file; it does not go with --db or --postgres")
        print(f"python {sys.version.split()[0]}; sqlite (existing ledger)")
        url = open_copy(args.ledger)
        try:
            measure(url, span, args.repeat, args.by, formats)
        finally:  # the copy is the size of the ledger, on a disk others share
            shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        return
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
        url = args.db or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-report-')) / 'ledger.db'}"
    try:
        print(f"python {sys.version.split()[0]}; {url.split('://')[0]}")
        if not args.no_fill:
            fill(url, args.cases, args.events, 2025)
        measure(url, span or (date(2025, 1, 1), date(2025, 12, 31)), args.repeat, args.by, formats)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
