"""Nothing half-written: a file appears whole under its name or not at all, with the usual permissions."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from propertytriage import outputs
from propertytriage.cli.main import main
from propertytriage.errors import OutputError

CASE: dict[str, Any] = {
    "case_id": "C-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
    "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "3600",
}
AT_COURT = {**CASE, "company_score": 70, "attempts": [
    {"stage": s, "outcome": "failed"} for s in ("owners_committee", "community", "mediation_center")]}


@pytest.fixture
def umask() -> Iterator[Any]:
    """Set the process umask for one test and put the old one back."""
    old = os.umask(0o022)
    os.umask(old)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(old)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_written_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask: Any, mask: int, mode: int) -> None:
    umask(mask)
    path = outputs.write_bytes(tmp_path / "a.pdf", b"%PDF-1.7")
    assert path.stat().st_mode & 0o777 == mode
    assert path.read_bytes() == b"%PDF-1.7"


def test_the_command_output_file_is_0644_under_umask_022(tmp_path: Path, umask: Any) -> None:
    umask(0o022)
    source = tmp_path / "c.json"
    source.write_text(json.dumps([CASE]), encoding="utf-8")
    target = tmp_path / "out" / "decisions.json"
    assert main(["triage", str(source), "--out", str(target)]) == 0
    assert target.stat().st_mode & 0o777 == 0o644
    assert _leftovers(target.parent) == ["decisions.json"]


def test_umask_is_read_without_being_changed(umask: Any) -> None:
    umask(0o027)
    assert outputs.current_umask() == 0o027
    assert outputs.file_mode() == 0o640


def test_a_full_disk_at_the_end_leaves_the_old_file_and_names_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "decisions.json"
    target.write_text("old and complete", encoding="utf-8")

    def full(fd: int) -> None:  # delayed allocation: many file systems report ENOSPC only here
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as raised:
        outputs.write_text(target, "new " * 1000)
    assert str(target) in str(raised.value) and "磁盘空间已满" in str(raised.value)
    assert raised.value.errno == errno.ENOSPC and isinstance(raised.value, OSError)
    assert target.read_text(encoding="utf-8") == "old and complete"
    assert _leftovers(tmp_path) == ["decisions.json"]


def test_a_failure_inside_the_block_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), outputs.atomic(tmp_path / "x.jsonl") as handle:
        handle.write("{}\n")
        raise RuntimeError("bad input found midway")
    assert _leftovers(tmp_path) == []


def test_an_output_folder_that_is_a_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "c.json").write_text(json.dumps(CASE), encoding="utf-8")
    (tmp_path / "blocker").write_text("", encoding="utf-8")
    target = tmp_path / "blocker" / "d.json"
    assert main(["triage", str(tmp_path / "c.json"), "--out", str(target)]) == 4
    err = capsys.readouterr().err
    assert "blocker" in err and "cannot write" in err and "Traceback" not in err


def _limited(limit: int) -> Any:
    def apply() -> None:  # in the child: a file-size limit, as a quota or `ulimit -f` would set
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead

    return apply


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from propertytriage.cli.main import main; sys.exit(main())", *args]


def test_a_size_limit_midway_through_a_list_leaves_no_file(tmp_path: Path) -> None:
    source = tmp_path / "c.json"
    source.write_text(json.dumps([{**CASE, "case_id": f"C-{i}"} for i in range(300)]), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "decisions.json"
    done = subprocess.run(_command("triage", str(source), "--out", str(target)), capture_output=True,
                          text=True, preexec_fn=_limited(64 * 1024), timeout=120)
    assert done.returncode == 4, done.stderr
    assert str(target) in done.stderr and "EFBIG" in done.stderr and "Traceback" not in done.stderr
    assert _leftovers(out) == []


def test_a_size_limit_while_writing_a_pdf_leaves_no_pdf(tmp_path: Path) -> None:
    source = tmp_path / "c.json"
    source.write_text(json.dumps(AT_COURT), encoding="utf-8")
    out = tmp_path / "forms"
    done = subprocess.run(_command("forms", str(source), "--out", str(out)), capture_output=True,
                          text=True, preexec_fn=_limited(20 * 1024), timeout=300)
    assert done.returncode == 4, done.stderr
    assert "inquiry_form.pdf" in done.stderr and "Traceback" not in done.stderr
    assert _leftovers(out / "C-1") == []


def test_kill_9_while_writing_leaves_no_file_under_the_final_name(tmp_path: Path) -> None:
    target = tmp_path / "big.pdf"
    code = (
        "import sys, time; from propertytriage import outputs\n"
        f"with outputs.atomic({str(target)!r}, binary=True) as f:\n"
        "    f.write(b'%PDF' + b'x' * 100000); f.flush(); print('half', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "half"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert not target.exists()
    [temporary] = list(tmp_path.iterdir())  # the hidden part file is all a kill -9 can leave
    assert outputs.is_temporary(temporary.name) and temporary.stat().st_size > 100000


def test_kill_9_of_a_streaming_triage_leaves_no_output_file(tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    line = json.dumps(CASE, ensure_ascii=False)
    with source.open("w", encoding="utf-8") as handle:
        for i in range(200_000):
            handle.write(line.replace('"C-1"', f'"L-{i}"') + "\n")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "decisions.jsonl"
    child = subprocess.Popen(_command("triage", str(source), "--out", str(target)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            parts = [p for p in out.iterdir() if outputs.is_temporary(p.name)]
            if parts and parts[0].stat().st_size > 0:  # decisions are being written
                break
            time.sleep(0.02)
        assert child.poll() is None, "the batch ended before it could be interrupted"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert not target.exists()
    assert all(outputs.is_temporary(p.name) for p in out.iterdir())
