"""The command line on big batches: peak memory of ``triage`` on a JSON list vs JSON lines, and the
rate of ``forms`` on a batch, on every core vs one.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_cli.py                  # both parts
    .venv/bin/python benchmarks/bench_cli.py --memory-mb 40 --forms 0
    .venv/bin/python benchmarks/bench_cli.py --memory-mb 0 --forms 200
    .venv/bin/python benchmarks/bench_cli.py --compare /work/main/src   # also an older source tree

Memory is the command process's own peak resident set (``VmHWM`` from ``/proc/self/status``, read
by the command process as it ends), not ``ru_maxrss``: a child keeps the parent's ``ru_maxrss``
across fork and exec on Linux. The forms rate includes starting the worker processes. "One core"
runs the same command under ``taskset -c 0``, where it renders in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.strategies import random_case  # noqa: E402

_PEAK = (
    "import re, sys\n"
    "from propertytriage.cli.main import main\n"
    "try:\n"
    "    rc = main(sys.argv[1:])\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    print('VmHWM', re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def _command(args: list[str], source: Path | None = None) -> tuple[float, float, int]:
    """(peak MiB, seconds, exit status) of one ``propertytriage`` run in a fresh process."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("VmHWM"))
    return peak / 1024, elapsed, done.returncode


def _write_batches(folder: Path, megabytes: float, seed: int) -> tuple[Path, Path, int, int]:
    """A JSON list and the same cases as JSON lines, about ``megabytes`` each."""
    rng = random.Random(seed)
    as_list, as_lines = folder / "cases.json", folder / "cases.jsonl"
    size = count = largest = 0
    with as_list.open("w", encoding="utf-8") as listed, as_lines.open("w", encoding="utf-8") as lined:
        listed.write("[\n")
        while size < megabytes * 2**20:
            text = json.dumps(random_case(rng, count), ensure_ascii=False)
            listed.write((",\n" if count else "") + text)
            lined.write(text + "\n")
            size += len(text.encode()) + 2
            largest = max(largest, len(text.encode()))
            count += 1
        listed.write("\n]\n")
    return as_list, as_lines, count, largest


def memory(megabytes: float, seed: int, compare: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder, small = Path(tmp), Path(tmp) / "small"
        small.mkdir()
        as_list, as_lines, count, largest = _write_batches(folder, megabytes, seed)
        small_list, _, small_count, _ = _write_batches(small, megabytes / 10, seed)
        print(f"triage: {count:,} cases, JSON list {as_list.stat().st_size / 2**20:.1f} MiB, "
              f"largest case {largest:,} bytes")
        runs = [
            ("JSON list", as_list, count, None),
            (f"JSON list, {small_count:,} cases", small_list, small_count, None),
            ("JSON lines", as_lines, count, None),
        ]
        if compare is not None:
            runs.append((f"JSON list, source {compare}", as_list, count, compare))
        peaks = {}
        for label, source_file, cases, tree in runs:
            peak, elapsed, status = _command(["triage", str(source_file), "--out", str(folder / "out")], tree)
            peaks[label] = peak
            print(f"  {label:<40} peak {peak:8,.1f} MiB   {elapsed:6.1f} s   "
                  f"{cases / elapsed:8,.0f} cases/s   exit {status}")
        print(f"  JSON list / JSON lines peak: {peaks['JSON list'] / peaks['JSON lines']:.2f}; "
              f"10x the cases: {peaks['JSON list'] / peaks[runs[1][0]]:.2f}x the peak")


def forms(count: int) -> None:
    # cases at court (inquiry form) and at the mediation center (scorecard, notice, focus table)
    base = json.loads((ROOT / "examples" / "cases.json").read_text(encoding="utf-8"))
    with_forms = [case for case in base if _forms_of(case)]
    cases = [{**with_forms[i % len(with_forms)], "case_id": f"F-{i:05d}"} for i in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.json"
        source.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
        total = sum(len(_forms_of(c)) for c in cases)
        print(f"\nforms: {count} cases, {total} PDFs (the sample cases' forms, repeated)")
        results = {}
        for label, prefix in (("every core", []), ("one core (taskset -c 0)", ["taskset", "-c", "0"])):
            out = Path(tmp) / label.split()[0]
            started = time.perf_counter()
            subprocess.run([*prefix, sys.executable, "-c", _PEAK, "forms", str(source), "--out", str(out)],
                           check=True, capture_output=True)
            elapsed = time.perf_counter() - started
            written = sum(1 for _ in out.rglob("*.pdf"))
            results[label] = written / elapsed
            print(f"  {label:<26} {written} PDFs in {elapsed:6.1f} s = {written / elapsed:5.1f} forms/s")
            shutil.rmtree(out)
        print(f"  speed-up on {os.cpu_count()} cores: "
              f"{results['every core'] / results['one core (taskset -c 0)']:.2f}x")


def _forms_of(case: dict[str, object]) -> list[str]:
    from propertytriage import triage

    return list(triage(case).forms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--memory-mb", type=float, default=40, help="size of the JSON list (0: skip)")
    parser.add_argument("--forms", type=int, default=200, help="cases for the forms batch (0: skip)")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--compare", type=Path, help="another source tree (its src/) to measure the same list")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if args.memory_mb > 0:
        memory(args.memory_mb, args.seed, args.compare)
    if args.forms > 0:
        forms(args.forms)


if __name__ == "__main__":
    main()
