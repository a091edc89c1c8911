"""The import's speed of two checkouts, compared in paired runs: both at the same time, one per core.

Run on demand (not part of the tests), from this checkout, naming the other:

    .venv/bin/python benchmarks/bench_paired.py /path/to/other/checkout
    .venv/bin/python benchmarks/bench_paired.py /path/to/other --cases 20000 --rounds 3 --pairs 4

Why paired: on the project's machines the same code imports 20 % faster or slower from one run to
the next, idle or not (docs/ledger.md "Measured"), so a change worth 5–10 % cannot be told from two
runs one after the other. Run side by side, each pinned to a core of its own and swapped between
cores on each repetition, the two versions share whatever slows the machine in those minutes; the
ratio of each pair is the figure, and the median of the pairs is printed.

Each side runs ``benchmarks/bench_ledger.py`` of its own checkout (``--no-commands``, few ``show``
calls) with that checkout's ``src`` first on ``sys.path``, in this interpreter: both import the same
documents (the benchmark's cases are generated from a fixed seed). Needs two cores.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_ROUND = re.compile(r"^import round (\d+): .*?, ([\d,]+) cases/s CPU", re.MULTILINE)


def _start(checkout: Path, core: int, args: argparse.Namespace) -> subprocess.Popen[str]:
    command = [sys.executable, str(checkout / "benchmarks" / "bench_ledger.py"), "--cases", str(args.cases),
               "--rounds", str(args.rounds), "--no-commands", "--shows", "10", "--round-triage", "1000",
               "--triage-sample", "1000"]
    environment = {**os.environ, "PYTHONPATH": str(checkout / "src")}
    return subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {core}))


def _rounds(output: str) -> list[float]:
    found = [(int(number), float(rate.replace(",", ""))) for number, rate in _ROUND.findall(output)]
    if not found:
        sys.exit(f"no import figures in the benchmark's output:\n{output[-2000:]}")
    return [rate for _number, rate in sorted(found)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the checkout to compare this one with")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=4, help="repetitions, swapping the cores each time")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        sys.exit("paired runs need two cores")
    other = args.other.resolve()
    if not (other / "benchmarks" / "bench_ledger.py").is_file():
        sys.exit(f"{other} is not a checkout with benchmarks/bench_ledger.py")
    print(f"this {ROOT} against other {other}; {args.cases:,} cases x {args.rounds} rounds, {args.pairs} pairs")
    ratios: list[list[float]] = [[] for _ in range(args.rounds)]
    for pair in range(args.pairs):
        mine, theirs = (cores[0], cores[1]) if pair % 2 == 0 else (cores[1], cores[0])
        runs = [_start(ROOT, mine, args), _start(other, theirs, args)]
        outputs = [run.communicate()[0] for run in runs]
        for run, output in zip(runs, outputs, strict=True):
            if run.returncode:
                sys.exit(f"a benchmark failed (exit {run.returncode}):\n{output[-2000:]}")
        this, that = (_rounds(output) for output in outputs)
        for number, (a, b) in enumerate(zip(this, that, strict=True)):
            ratios[number].append(a / b)
        print(f"pair {pair + 1} (this on core {mine}): "
              + "; ".join(f"round {n + 1} {a:,.0f} / {b:,.0f} cases/s CPU ({a / b:.2f})"
                          for n, (a, b) in enumerate(zip(this, that, strict=True))), flush=True)
    for number, values in enumerate(ratios):
        print(f"round {number + 1}: this / other, median of {len(values)} pairs {statistics.median(values):.3f} "
              f"(from {min(values):.3f} to {max(values):.3f})")


if __name__ == "__main__":
    main()
