"""The ledger's guarantees (SPEC §3), each with a test that fails without it: durability after exit 0,
an import killed midway completes on a rerun with nothing twice, concurrent importers lose nothing,
writers on the same cases never break a case's history, and the events alone give back the state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from propertytriage.ledger import Ledger, snapshots
from propertytriage.ledger.database import WAL_CHECKPOINT_PAGES
from propertytriage.ledger.queries import show
from propertytriage.ledger.replay import replay_case, stream
from propertytriage.ledger.schema import CASES, COMPANIES, DEADLINES, EVENTS
from tests.ledger import casegen
from tests.ledger.conftest import Clock

# Every import these tests start records on one instant, whatever the wall clock says: the tests compare
# the ledgers of several processes, and events carry the day they were recorded on (a company's score
# "on" that day), so a run crossing midnight in Beijing (16:00 UTC) would date a killed import a day
# before the clean one. The process gets the ledger's clock (``Ledger(clock=...)``, as the tests in this
# folder give it) and today (``clock.today_is``) before the command builds its ledger.
_NOW = Clock().now
_CLI = f"""
import sys
from datetime import datetime
from propertytriage.cli.main import main
from propertytriage.ledger import Ledger
from propertytriage.models.clock import today_is
from propertytriage.ledger.recorder import today_of
now = datetime.fromisoformat({_NOW.isoformat()!r})
Ledger.__init__.__kwdefaults__["clock"] = lambda: now
with today_is(today_of(now)):
    sys.exit(main(sys.argv[1:]))
"""


def _import_command(url: str, *paths: str, batch: int = 200) -> list[str]:
    return [sys.executable, "-c", _CLI, "import", *paths, "--db", url, "--batch-size", str(batch)]


def _write_lines(path: Path, documents: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    return str(path)


def contents(url: str) -> dict[str, Any]:
    """Everything a ledger holds, apart from when it was recorded and the row ids that follow from it."""
    with Ledger(url) as ledger, ledger.engine.connect() as connection:
        events = sorted(
            (e.stream_type, e.stream_id, e.version, e.kind, e.source, e.rules_version, json.dumps(e.data, sort_keys=True))
            for e in connection.execute(select(EVENTS)))
        cases = sorted((c.case_id, c.version, c.digest, c.company_key, c.company_version,
                        json.dumps(c.snapshot, sort_keys=True), json.dumps(c.decision, sort_keys=True),
                        json.dumps(c.attempt_dates)) for c in connection.execute(select(CASES)))
        companies = sorted((c.company_key, c.version, json.dumps(c.history, sort_keys=True), c.status)
                           for c in connection.execute(select(COMPANIES)))
        deadlines = sorted((d.subject_type, d.subject_id, d.kind, d.starts_on, d.due_on, d.basis)
                           for d in connection.execute(select(DEADLINES)))
    return {"events": events, "cases": cases, "companies": companies, "deadlines": deadlines}


def _count_cases(url: str) -> int:
    with Ledger(url) as ledger, ledger.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(CASES)) or 0)


def assert_every_case_whole(url: str) -> None:
    """Every case's events run 1..version with no gap, and the projection holds the last of them."""
    with Ledger(url) as ledger, ledger.engine.connect() as connection:
        versions = dict(connection.execute(select(CASES.c.case_id, CASES.c.version)).all())
        counted = connection.execute(select(EVENTS.c.stream_id, func.count(), func.max(EVENTS.c.version))
                                     .where(EVENTS.c.stream_type == "case").group_by(EVENTS.c.stream_id)).all()
    assert {stream_id: (n, top) for stream_id, n, top in counted} == {k: (v, v) for k, v in versions.items()}


def test_an_import_that_exited_zero_survives_kill_9(database_url, tmp_path) -> None:
    path = _write_lines(tmp_path / "cases.jsonl", casegen.cases(300))
    code = ("import os, signal, sys; from propertytriage.cli.main import main; "
            f"rc = main(['import', {path!r}, '--db', {database_url!r}]); "
            "assert rc == 0; os.kill(os.getpid(), signal.SIGKILL)")  # no clean shutdown, no atexit
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _count_cases(database_url) == 300
    assert_every_case_whole(database_url)


def test_every_commit_of_an_sqlite_ledger_waits_for_the_disk(tmp_path) -> None:
    """Power loss: an import that returned must be on disk, so each commit is synced (FULL), on every
    connection the ledger opens, and the file is in WAL mode so readers never wait for the writer."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    path = _write_lines(tmp_path / "cases.jsonl", casegen.cases(20))
    with Ledger(url, batch_size=5) as ledger:
        assert ledger.import_files([path]).new == 20
        with ledger.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            # checkpoints every 10,000 pages, not each batch (database.py): durability is the WAL's
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == WAL_CHECKPOINT_PAGES > 1000


def test_an_import_killed_midway_then_run_again_leaves_what_one_clean_import_leaves(database_url, tmp_path,
                                                                                    request) -> None:
    total = 20_000
    path = _write_lines(tmp_path / "big.jsonl", casegen.cases(total))
    process = subprocess.Popen(_import_command(database_url, path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 900
    try:
        while _count_cases(database_url) < total // 10:
            assert process.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    recorded = _count_cases(database_url)
    assert 0 < recorded < total, recorded
    assert_every_case_whole(database_url)   # each document wholly recorded or absent

    rerun = subprocess.run(_import_command(database_url, path), capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    assert f"unchanged {recorded}" in rerun.stdout and f"new {total - recorded}" in rerun.stdout

    if "sqlite" in database_url:
        clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    else:
        clean_url = request.getfixturevalue("postgres_cluster").new_database()
    clean = subprocess.run(_import_command(clean_url, path), capture_output=True, text=True, timeout=900)
    assert clean.returncode == 0, clean.stderr
    assert contents(database_url) == contents(clean_url)


def test_two_processes_importing_overlapping_files_at_once_both_succeed_and_lose_nothing(database_url,
                                                                                         tmp_path) -> None:
    documents = casegen.cases(3000)
    first = _write_lines(tmp_path / "first.jsonl", documents[:2000])
    second = _write_lines(tmp_path / "second.jsonl", documents[1000:])
    Ledger(database_url).close()  # the schema exists; the race is over the documents
    processes = [subprocess.Popen(_import_command(database_url, path, batch=50), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for path in (first, second)]
    results = [p.communicate(timeout=900) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    assert _count_cases(database_url) == 3000
    assert_every_case_whole(database_url)
    with Ledger(database_url) as ledger, ledger.engine.connect() as connection:
        kinds = connection.execute(select(EVENTS.c.kind, func.count()).where(EVENTS.c.stream_type == "case")
                                   .group_by(EVENTS.c.kind)).all()
        companies = connection.execute(select(EVENTS.c.stream_id, func.count()).where(
            EVENTS.c.stream_type == "company", EVENTS.c.kind == "registered").group_by(EVENTS.c.stream_id)).all()
    assert dict(kinds) == {"filed": 3000}          # the overlap was recorded once, not twice
    assert {n for _, n in companies} == {1}


def assert_history_consistent(connection: Any, case_id: str) -> None:
    """Each change starts from what the events before it left: no writer appended over a stale state."""
    absent = snapshots.defaults()
    state: dict[str, Any] = {}
    for event in stream(connection, "case", case_id):
        if event.kind == "filed":
            assert state == {}
            state = event.data["snapshot"]
        elif event.kind == "changed":
            for change in event.data["changes"]:
                assert state.get(change["field"], absent.get(change["field"])) == change["from"], (case_id, event.version)
            state = snapshots.apply(state, event.data["changes"], event.data["attempts_added"])


def test_ten_writers_on_the_same_cases_lose_no_event_and_never_interleave_a_history(database_url) -> None:
    writers, rounds, count = 10, 6, 12
    base = casegen.cases(count)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(writers)

    def write(writer: int) -> None:
        try:
            with Ledger(database_url, batch_size=count) as ledger:
                start.wait()
                for round_number in range(rounds):
                    documents = [{**case, "claim_amount": f"{writer * 1000 + round_number}.00"} for case in base]
                    from propertytriage.ledger.documents import Document

                    summary = ledger.import_documents(Document(f"w{writer} r{round_number}", d) for d in documents)
                    with lock:
                        outcomes.extend(["new"] * summary.new + ["changed"] * summary.changed
                                        + ["unchanged"] * summary.unchanged)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    Ledger(database_url).close()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(outcomes) == writers * rounds * count
    with Ledger(database_url) as ledger, ledger.engine.connect() as connection:
        kinds = dict(connection.execute(select(EVENTS.c.kind, func.count()).where(EVENTS.c.stream_type == "case")
                                        .group_by(EVENTS.c.kind)).all())
        assert kinds.get("filed", 0) == outcomes.count("new") == count
        assert kinds.get("changed", 0) == outcomes.count("changed")
        for case in base:
            events = stream(connection, "case", case["case_id"])
            assert [e.version for e in events] == list(range(1, len(events) + 1))
            assert [e.id for e in events] == sorted(e.id for e in events)
            assert_history_consistent(connection, case["case_id"])
    assert_every_case_whole(database_url)


@pytest.mark.parametrize("seed", [1, 2])
def test_replaying_a_case_gives_back_its_current_case_and_decision(database_url, clock, seed) -> None:
    from propertytriage.ledger.documents import Document

    documents = casegen.cases(120, seed=seed, companies=6)
    history = {"company": casegen.company(0), "events": [
        {"kind": "score", "on": "2026-03-01", "total": "40"}, {"kind": "notice", "on": "2026-03-02"},
        {"kind": "inspection", "on": "2026-04-08", "result": "failed"}]}
    with Ledger(database_url, clock=clock) as ledger:
        ledger.import_documents(Document(f"a [{i}]", d) for i, d in enumerate(documents))
        clock.advance(7)
        ledger.import_documents([Document("h", history)])
        later = [casegen.next_snapshot(d, step) for step, d in enumerate(documents)]
        ledger.import_documents(Document(f"b [{i}]", d) for i, d in enumerate(later[::3]))
        with ledger.engine.connect() as connection:
            for document in documents:
                shown = show(connection, document["case_id"])
                assert shown is not None
                case, decision = replay_case(connection, document["case_id"], ledger.triage)
                assert (case, decision) == (shown["case"], shown["decision"])
