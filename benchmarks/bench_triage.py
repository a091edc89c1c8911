"""Batch triage throughput: durable-rules engine vs a plain-Python reading of the same rules.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_triage.py            # 10k and 100k cases
    .venv/bin/python benchmarks/bench_triage.py --sizes 10000

Each figure includes validation (dict → Case) and building the Decision. Peak memory is measured
in a separate pass with tracemalloc (which slows Python down, so it is not timed). Streaming is
measured by running ``propertytriage triage`` on JSON-lines files of two sizes in subprocesses and
comparing their peak resident memory: it should not grow with the batch.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from propertytriage import Triage  # noqa: E402
from tests.strategies import random_case  # noqa: E402


def _throughput(engine: Triage, cases: list[dict[str, object]]) -> float:
    start = time.perf_counter()
    count = sum(1 for _ in engine.decide_many(cases))
    elapsed = time.perf_counter() - start
    assert count == len(cases)
    return len(cases) / elapsed


def _peak_mib(engine: Triage, cases: list[dict[str, object]]) -> float:
    tracemalloc.start()
    for _ in engine.decide_many(cases):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _stream_rss_mib(n: int, folder: Path) -> float:
    rng = random.Random(n)
    path = folder / f"cases-{n}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps(random_case(rng, i), ensure_ascii=False) + "\n")
    # VmHWM, not ru_maxrss: a child keeps the parent's ru_maxrss across fork and exec on Linux,
    # so ru_maxrss would report this (large) benchmark process instead of the command.
    code = (
        "import re, sys; from propertytriage.cli.main import main; "
        f"rc = main(['triage', {str(path)!r}, '--out', {str(folder / 'out.jsonl')!r}]); "
        "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--no-stream", action="store_true")
    args = parser.parse_args()

    engines = {
        "durable-rules (memo)": Triage(),
        "durable-rules (no memo)": Triage(cache_size=0),
        "plain Python": Triage(evaluator="reference"),
    }
    print(f"python {sys.version.split()[0]}, one process, one core")
    for n in args.sizes:
        rng = random.Random(args.seed)
        cases = [random_case(rng, i) for i in range(n)]
        rates = {name: _throughput(engine, cases) for name, engine in engines.items()}
        baseline = rates["plain Python"]
        print(f"\n{n:,} distinct cases (validation and decision included)")
        for name, rate in rates.items():
            print(f"  {name:<26} {rate:>10,.0f} cases/s   {rate / baseline:5.2f}× plain Python")
        peak = _peak_mib(engines["durable-rules (memo)"], cases)
        print(f"  peak traced memory while deciding (durable-rules, memo): {peak:,.1f} MiB")
        same = list(engines["durable-rules (no memo)"].decide_many(cases[:5000])) == list(
            engines["plain Python"].decide_many(cases[:5000]))
        print(f"  engine agrees with plain Python on the first 5,000: {same}")
    if not args.no_stream:
        with tempfile.TemporaryDirectory() as tmp:
            small, large = (_stream_rss_mib(n, Path(tmp)) for n in (10_000, 100_000))
        print("\nstreaming `propertytriage triage cases.jsonl` (peak RSS of the process)")
        print(f"  10,000 lines: {small:,.1f} MiB   100,000 lines: {large:,.1f} MiB   "
              f"ratio {large / small:.2f}")
    print(f"\nthis process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
