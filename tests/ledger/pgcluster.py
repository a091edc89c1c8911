"""A throwaway PostgreSQL cluster for the ledger's tests: initdb into a temporary folder, a free port
on 127.0.0.1, stopped and removed at the end. Never a shared server.

PostgreSQL refuses to run as root, so under root the cluster runs as ``nobody``.

"The end" includes SIGTERM: Python's default action for it ends the process at once, without the
``finally`` that stops the cluster, and the server is a process of its own (``pg_ctl`` detaches it),
so a test run or benchmark stopped that way left its ``postgres`` running, holding its port, memory
and folder until someone stopped it by hand. A cluster's ``start`` therefore installs, once per
process, a SIGTERM handler that stops every cluster the process started and then lets the signal do
what it did before (the handler found, else the default: the process ends by SIGTERM).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any


def binaries() -> Path | None:
    """The folder with initdb and pg_ctl (PATH first, then Debian's versioned folders)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="pt-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            os.chown(self.root, *_nobody())
            os.chmod(self.root, 0o700)
            self._as_user = ["runuser", "-u", "nobody", "--"]
        self._databases = 0
        self._owner = 0  # the process that started it: a forked child does not stop its parent's cluster

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_user, *command], check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        _stop_on_sigterm()
        self._owner = os.getpid()
        _LIVE.append(self)  # before initdb: a SIGTERM while the server starts must still stop it
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-locale")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                   "-c fsync=off -c max_connections=60")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server and remove its folder; once (a second call, or one after SIGTERM, does nothing)."""
        if self not in _LIVE:
            return
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            if self in _LIVE:  # still listed while pg_ctl runs: a SIGTERM meanwhile stops it again
                _LIVE.remove(self)
            shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        import psycopg

        self._databases += 1
        name = f"ledger_{os.getpid()}_{self._databases}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


_LIVE: list[Cluster] = []  # started by this process and not yet stopped
_previous_handler: Any = None
_installed = False


def _stop_on_sigterm() -> None:
    global _installed, _previous_handler
    if _installed or threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread; pytest and the benchmarks run there
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_IGN:
        return  # the process chose to outlive SIGTERM; its clusters go with its normal end
    _previous_handler = previous
    signal.signal(signal.SIGTERM, _on_sigterm)
    _installed = True


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    for cluster in [c for c in _LIVE if c._owner == os.getpid()]:
        with contextlib.suppress(Exception):  # stop the others; the process is ending anyway
            cluster.stop()
    if callable(_previous_handler):
        _previous_handler(signum, frame)
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _nobody() -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid
