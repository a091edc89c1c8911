"""Write the forms of many cases on all cores, with a one-line progress counter on stderr.

Why processes, not threads: WeasyPrint's layout is pure Python and Pango/fontconfig are not
thread-safe (``pdf.py`` renders under a lock), so only separate processes use more than one core.
Workers are *spawned*, not forked: a fork taken after the parent has set up fontconfig/Pango would
share their state; a fresh interpreter builds its own font configuration once and reuses it for
every form it gets. The unit of work is one form (not one case), so a case with four forms does not
hold up a core while others sit idle. Every case and form id is checked before the pool starts, so
a bad job fails fast and writes nothing. Each file is written whole or not at all
(:mod:`propertytriage.outputs`). Workers ignore Ctrl-C, which a terminal sends to the whole
process group: the parent alone answers it, once, instead of every worker printing a traceback. The
workers are started while SIGINT is blocked in the parent: the blocked mask is inherited across
``fork`` and ``exec``, so the workers never receive it, even during their start-up, while the parent
unblocks it right after and so still gets a Ctrl-C pressed in that instant.

The progress indicator is a carriage-return counter written only to a terminal, not ``tqdm``:
twenty lines of standard library do what the command needs (count, percent, rate), and a
dependency for them would be one more package for every court's installation to vet.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from propertytriage.models import Case
from propertytriage.models.validation import validate
from propertytriage.outputs import remove, remove_temporaries, write_bytes
from propertytriage.rendering.forms import FORM_IDS, check_form_id, file_name, render_checked
from propertytriage.rendering.glyphs import check_model_text


@dataclass(frozen=True)
class BatchJob:
    """The forms of one case, to be written into ``out_dir`` (like :func:`write_forms`)."""

    case: Case | dict[str, Any]
    form_ids: Sequence[str]
    out_dir: Path
    html: bool = False


JobInput = BatchJob | tuple[Case | dict[str, Any], Sequence[str], Path]


@dataclass(frozen=True)
class _Task:
    form_id: str
    case: Case
    path: Path
    fmt: str


def _tasks(jobs: Iterable[JobInput]) -> list[_Task]:
    tasks: list[_Task] = []
    for index, raw in enumerate(jobs):
        job = raw if isinstance(raw, BatchJob) else BatchJob(*raw)
        case = validate(Case, job.case, subject=f"jobs[{index}]")
        check_model_text(case, subject=f"jobs[{index}] {case.case_id}")
        fmt = "html" if job.html else "pdf"
        for form_id in (check_form_id(f) for f in job.form_ids):
            path = Path(job.out_dir) / file_name(case.case_id, form_id, fmt)
            tasks.append(_Task(form_id, case, path, fmt))
    return tasks


def _run(task: _Task) -> Path:
    data = render_checked(task.form_id, task.case, task.case.scorecard, task.fmt)  # checked in _tasks
    return write_bytes(task.path, data, private=True)  # see write_forms


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Block SIGINT while the worker processes start (see the module's docstring)."""
    if not hasattr(signal, "pthread_sigmask"):  # not on a POSIX system
        yield
        return
    # multiprocessing starts its resource tracker with the first worker and, when it does, unblocks
    # SIGINT itself: start the tracker first, so the workers start with the signal still blocked
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a Ctrl-C held meanwhile arrives now


def cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def form_files(case_id: str, out_dir: Path) -> list[Path]:
    """Every file name the forms of ``case_id`` can have in ``out_dir`` (PDF and HTML)."""
    return [Path(out_dir) / file_name(case_id, form_id, fmt) for form_id in FORM_IDS for fmt in ("pdf", "html")]


def remove_stale_forms(case_id: str, out_dir: Path, keep: Iterable[Path]) -> list[Path]:
    """Remove the forms of ``case_id`` in ``out_dir`` that are not in ``keep``; return them.

    Why: after a second run into the same folder, a form the new decision no longer calls for
    would otherwise lie beside the new ones as if it were current. Only the names this package
    gives a case's forms are touched, never another file of the folder.
    """
    kept = {Path(p) for p in keep}
    removed: list[Path] = []
    for path in form_files(case_id, out_dir):
        if path not in kept and path.is_file():
            remove(path)
            removed.append(path)
    return removed


class _Progress:
    """``forms: 120/1000 (12%) 8.3/s`` rewritten in place, at most every 0.2 s."""

    def __init__(self, total: int, stream: TextIO, enabled: bool) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled
        self.start = self.last = time.perf_counter()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        now = time.perf_counter()
        if self.enabled and (now - self.last >= 0.2 or self.done == self.total):
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            percent = 100 * self.done // max(self.total, 1)
            self.stream.write(f"\rforms: {self.done}/{self.total} ({percent}%) {rate:.1f}/s")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()

    def stop(self) -> None:
        """End the line if the batch stopped early, so the next message starts on its own."""
        if self.enabled and 0 < self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()


def render_batch(
    jobs: Iterable[JobInput],
    *,
    processes: int | None = None,
    progress: bool = True,
    stream: TextIO | None = None,
) -> list[Path]:
    """Write every job's forms (a :class:`BatchJob` or ``(case, form_ids, out_dir)``).

    Returns the paths written, in job order then form order. ``processes`` defaults to every
    core; ``1`` renders in this process. The first failing form's error is raised, and the forms
    not yet finished are not written.
    """
    tasks = _tasks(jobs)
    workers = max(1, processes or cores())
    bar = _Progress(len(tasks), stream or sys.stderr, progress)
    written: list[Path] = []
    if workers == 1 or len(tasks) <= 1:
        try:
            for task in tasks:
                written.append(_run(task))
                bar.step()
        finally:
            bar.stop()
        return written
    # small chunks keep both cores busy to the end of the batch
    chunk = 2 if len(tasks) >= 8 * workers else 1
    with _interrupts_held():  # the pool starts every worker here
        pool = multiprocessing.get_context("spawn").Pool(min(workers, len(tasks)))
    try:
        for path in pool.imap(_run, tasks, chunksize=chunk):
            written.append(path)
            bar.step()
    except BaseException:
        # Ctrl-C or a failed form: stop at once; a form cut short leaves only its hidden temporary
        # file, removed here, never a file under its name
        bar.stop()
        pool.terminate()
        pool.join()
        done = set(written)
        for task in tasks:
            if task.path not in done:
                remove_temporaries(task.path)
        raise
    pool.close()
    pool.join()
    return written
