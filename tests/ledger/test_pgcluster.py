"""The tests' throwaway PostgreSQL cluster ends with the test run, also when the run is stopped by
SIGTERM: Python's default action for that signal skips the fixture's ``finally``, and a run stopped
so (a timeout, a CI job cancelled) once left its server running until it was stopped by hand."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ledger.pgcluster import binaries

_REPOSITORY = Path(__file__).resolve().parents[2]

_CONFTEST = "from tests.ledger.conftest import postgres_cluster  # noqa: F401\n"
_WAITING_TEST = '''
import os, time
from pathlib import Path


def test_holds_the_cluster(postgres_cluster):
    assert postgres_cluster.new_database()
    Path(os.environ["CLUSTER_FOLDER_FILE"]).write_text(str(postgres_cluster.data))
    time.sleep(600)
'''


def _servers_of(data: str) -> list[int]:
    """Processes running ``postgres -D <data>`` (the server of that cluster)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # ended meanwhile
        if argv and Path(argv[0]).name == "postgres" and any(
                argv[i] == "-D" and argv[i + 1].rstrip("/") == data for i in range(len(argv) - 1)):
            found.append(int(entry.name))
    return found


def test_a_test_run_stopped_by_sigterm_stops_its_postgresql_cluster(tmp_path: Path) -> None:
    if binaries() is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed; scripts/setup.sh --test installs them")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "conftest.py").write_text(_CONFTEST, encoding="utf-8")
    (inner / "test_waits.py").write_text(_WAITING_TEST, encoding="utf-8")
    folder_file = tmp_path / "cluster-folder"
    environment = {**os.environ, "CLUSTER_FOLDER_FILE": str(folder_file),
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(_REPOSITORY), os.environ.get("PYTHONPATH")]))}
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(inner)],
                           cwd=_REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    data = ""
    try:
        deadline = time.monotonic() + 300
        while not folder_file.exists() or not folder_file.read_text():
            assert run.poll() is None, run.communicate()[0].decode(errors="replace")
            assert time.monotonic() < deadline, "the inner test run never started its cluster"
            time.sleep(0.2)
        data = folder_file.read_text()
        assert _servers_of(data), "the cluster's server is not running: nothing to check"

        run.send_signal(signal.SIGTERM)
        output = run.communicate(timeout=120)[0].decode(errors="replace")
        assert run.returncode == -signal.SIGTERM, output  # it still ends as SIGTERM ends a process

        deadline = time.monotonic() + 30  # the postmaster's children may take a moment after it
        while _servers_of(data) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _servers_of(data) == []
        assert not Path(data).exists()
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        if data:  # leave no orphan behind, even when failing
            for pid in _servers_of(data):
                os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + 30
            while _servers_of(data) and time.monotonic() < deadline:
                time.sleep(0.2)
            shutil.rmtree(Path(data).parent, ignore_errors=True)
