"""Imports recorded by worker processes (``serve --import-workers``) answer and record as in-thread ones."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from propertytriage.engine import Triage
from propertytriage.ledger import Ledger
from propertytriage.ledger.errors import LedgerError
from propertytriage.web import create_app
from propertytriage.web.importpool import ImportPool, shareable
from propertytriage.web.tokens import SqlTokenStore
from tests.web.conftest import bearer, sample_cases


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ImportPool]]:
    """A ledger file and two worker processes recording into it (started once: each loads the rules)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pool') / 'ledger.db'}"
    Ledger(url).close()
    pool = ImportPool(url, 2)
    pool.start()
    yield url, pool
    pool.close()


def _app(url: str, engine: Triage, pool: ImportPool | None) -> tuple[FastAPI, SqlTokenStore]:
    ledger = Ledger(url, triage=engine)
    store = SqlTokenStore(ledger)
    return create_app(store, engine=engine, import_pool=pool), store


def _renamed(cases: list[dict[str, Any]], tag: str) -> list[dict[str, Any]]:
    return [{**case, "case_id": f"{tag}-{case['case_id']}"} for case in cases]


def _events(client: TestClient, token: str, case_id: str) -> list[tuple[str, str, str]]:
    shown = client.get("/v1/cases/" + case_id, headers=bearer(token)).json()
    return [(e["kind"], e["recorded_by"], e["source"]) for e in shown["events"]]


def test_a_pooled_import_answers_and_records_as_an_import_in_a_thread(
    pooled: tuple[str, ImportPool], tmp_path: Path, engine: Triage
) -> None:
    url, pool = pooled
    cases = _renamed(sample_cases(), "SAME")
    bad = {**cases[0], "case_id": "SAME-BAD", "claimant": "tenant"}
    lines = "\n".join([*(json.dumps(c, ensure_ascii=False) for c in cases), "{not json", json.dumps(bad)])
    answers, recorded = [], []
    for app, store in (_app(url, engine, pool), _app(f"sqlite:///{tmp_path / 'thread.db'}", engine, None)):
        token = store.create("调解员 王五", "mediation_center").secret
        with TestClient(app, raise_server_exceptions=False) as client:
            first = client.post("/v1/import", content=lines.encode(),
                                headers={**bearer(token), "Content-Type": "application/x-ndjson"})
            again = client.post("/v1/import", content=json.dumps(cases, ensure_ascii=False).encode(),
                                headers={**bearer(token), "Content-Type": "application/json"})
            answers.append((first.status_code, first.json(), again.status_code, again.json()))
            recorded.append({c["case_id"]: _events(client, token, c["case_id"]) for c in cases})
            assert client.get("/v1/cases/SAME-BAD", headers=bearer(token)).status_code == 404
    assert answers[0] == answers[1]
    assert answers[0][1]["new"] == len(cases) and answers[0][1]["refused"] == 2
    assert recorded[0] == recorded[1]
    assert {who for events in recorded[0].values() for _, who, _ in events} == {"调解员 王五 (mediation_center)"}


def test_a_pooled_import_keeps_the_requests_reason_and_each_documents_own(
    pooled: tuple[str, ImportPool], engine: Triage
) -> None:
    url, pool = pooled
    app, store = _app(url, engine, pool)
    token = store.create("调解员 赵六", "mediation_center").secret
    first, second = _renamed(sample_cases()[:2], "REASON")
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/v1/import", json=[first, second], headers=bearer(token)).status_code == 200
        corrected = [{**first, "claim_amount": "1.00", "correction_reason": "文件内原因"},
                     {**second, "claim_amount": "2.00"}]
        answer = client.post("/v1/import", json=corrected, params={"reason": "请求的原因"}, headers=bearer(token))
        assert answer.status_code == 200 and answer.json()["changed"] == 2, answer.text
        reasons = {c["case_id"]: [e["reason"] for e in client.get("/v1/cases/" + c["case_id"],
                                                                  headers=bearer(token)).json()["events"]]
                   for c in (first, second)}
    assert reasons == {first["case_id"]: [None, "文件内原因"], second["case_id"]: [None, "请求的原因"]}


def test_imports_at_once_from_several_callers_each_record_their_caller(
    pooled: tuple[str, ImportPool], engine: Triage
) -> None:
    """Two workers, three callers, thirty imports in flight together: every case recorded once, by its sender."""
    url, pool = pooled
    app, store = _app(url, engine, pool)
    callers = {role: store.create(f"{role} 甲", role).secret for role in ("court", "community", "admin")}
    template = sample_cases()[0]
    sent: dict[str, str] = {}

    async def send(client: httpx.AsyncClient, number: int) -> None:
        role = list(callers)[number % 3]
        case = {**template, "case_id": f"AT-ONCE-{number:03d}"}
        answer = await client.post("/v1/import", json=case, headers=bearer(callers[role]))
        assert answer.status_code == 200, answer.text
        assert answer.json()["new"] == 1
        sent[case["case_id"]] = f"{role} 甲 ({role})"

    async def main() -> None:
        async with (httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
                    anyio.create_task_group() as group):
            for number in range(30):
                group.start_soon(send, client, number)

    anyio.run(main)
    with TestClient(app) as client:
        for case_id, who in sent.items():
            events = _events(client, callers["admin"], case_id)
            assert events and {recorder for _, recorder, _ in events} == {who}
    assert len(sent) == 30


def test_a_worker_that_died_is_replaced_and_nothing_is_recorded_twice(
    pooled: tuple[str, ImportPool], engine: Triage
) -> None:
    url, pool = pooled
    app, store = _app(url, engine, pool)
    token = store.create("court 乙", "court").secret
    case = {**sample_cases()[0], "case_id": "AFTER-A-DEATH"}
    for process in list(pool._executor._processes.values()):  # the test kills the workers
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    with TestClient(app, raise_server_exceptions=False) as client:
        statuses = []
        for _ in range(3):
            answer = client.post("/v1/import", json=case, headers=bearer(token))
            statuses.append(answer.status_code)
            if answer.status_code == 200:
                break
            assert answer.status_code == 500
            assert answer.headers["content-type"] == "application/problem+json"
        assert statuses[-1] == 200
        again = client.post("/v1/import", json=case, headers=bearer(token)).json()
        assert (again["new"], again["unchanged"]) == (0, 1)
        events = _events(client, token, "AFTER-A-DEATH")
    assert len([kind for kind, _, _ in events if kind == "filed"]) == 1


def test_a_body_that_is_not_utf8_is_refused_alike_by_a_worker_and_a_thread(
    pooled: tuple[str, ImportPool], tmp_path: Path, engine: Triage
) -> None:
    url, pool = pooled
    case = json.dumps({**sample_cases()[0], "case_id": "LATIN-1-X"}, ensure_ascii=False).encode()
    case = case.replace(b"LATIN-1-X", b"LATIN-1-\xe9")  # é in Latin-1: not UTF-8
    answers = []
    for app, store in (_app(url, engine, pool), _app(f"sqlite:///{tmp_path / 'thread.db'}", engine, None)):
        token = store.create("court 丙", "court").secret
        with TestClient(app, raise_server_exceptions=False) as client:
            before = client.get("/v1/cases?limit=1", headers=bearer(token)).json()["total"]
            answer = client.post("/v1/import", content=case, headers={**bearer(token), "Content-Type": "application/json"})
            answers.append((answer.status_code, answer.headers["content-type"], answer.json()["errors"]))
            assert client.get("/v1/cases?limit=1", headers=bearer(token)).json()["total"] == before
    assert answers[0] == answers[1]
    assert answers[0][0] == 422 and answers[0][2][0]["code"] == "encoding"


def test_an_import_is_parsed_where_it_is_recorded_never_on_the_event_loop(
    pooled: tuple[str, ImportPool], tmp_path: Path, engine: Triage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large body takes the parser a while (0.2 s for 10,000 cases): on the loop, every request would wait."""
    import asyncio

    from propertytriage.web import importing

    parsed_on_loop: list[bool] = []
    parse = importing.documents

    def watched(text: str, *, json_lines: bool) -> Any:
        try:
            asyncio.get_running_loop()
            parsed_on_loop.append(True)
        except RuntimeError:
            parsed_on_loop.append(False)
        return parse(text, json_lines=json_lines)

    monkeypatch.setattr(importing, "documents", watched)  # in this process only, not in the pool's workers
    url, pool = pooled
    cases = _renamed(sample_cases(), "WHERE")
    for app, store in (_app(f"sqlite:///{tmp_path / 'thread.db'}", engine, None), _app(url, engine, pool)):
        token = store.create("court 丁", "court").secret
        with TestClient(app) as client:
            answer = client.post("/v1/import", json=cases, headers=bearer(token))
            assert answer.status_code == 200 and answer.json()["new"] == len(cases)
            cases = _renamed(cases, "POOL")
    assert parsed_on_loop == [False]  # the thread parsed its import; the pooled one was parsed by its worker


def test_an_in_memory_database_is_not_shared_with_workers() -> None:
    assert not shareable("sqlite://")
    assert not shareable("sqlite:///:memory:")
    assert shareable("sqlite:///ledger.db")
    assert shareable("postgresql://user@host/ledger")
    with pytest.raises(LedgerError):
        ImportPool("sqlite://", 1)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _running(pid: int) -> bool:
    """Whether a process is there and not a zombie (ended, waiting for its parent to collect it)."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_the_workers_end_with_serve(tmp_path: Path, how: signal.Signals) -> None:
    """A stopped ``serve`` (uvicorn re-raises SIGTERM once shut down) or a killed one leaves no worker
    waiting forever for imports that will never come."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = Path(sys.executable).with_name("propertytriage")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "propertytriage.cli.main"]
    with open(tmp_path / "serve.log", "w") as log:
        process = subprocess.Popen([*command, "serve", "--port", str(port), "--db",
                                    f"sqlite:///{tmp_path / 'ledger.db'}", "--import-workers", "1"],
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.2)
        workers = [pid for pid in _children(process.pid)
                   if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
        assert workers, "serve started its import worker before answering"
        process.send_signal(how)
        process.wait(timeout=60)
        deadline = time.monotonic() + 60
        while any(_running(pid) for pid in workers):
            assert time.monotonic() < deadline, f"workers {workers} outlived serve"
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
