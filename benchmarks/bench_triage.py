"""Batch triage throughput on two workloads, through the durable-rules engine and a plain-Python
reading of the same rules.

Run on demand (not part of the tests):

    .venv/bin/python benchmarks/bench_triage.py                   # 10k and 100k cases
    .venv/bin/python benchmarks/bench_triage.py --sizes 10000 --no-stream
    .venv/bin/python benchmarks/bench_triage.py --sizes 10000 --compare /path/to/older/checkout

Why two workloads: a case's cost depends on how the company's score is given. *plain* cases
(``tests.strategies.random_case``: a bare ``company_score`` or none, every province with a wage
figure, filed on any day its limits are known) are what earlier versions of this benchmark
measured; *scored* cases are the same cases where a quarter each carry no score, a bare score, the
evaluators' ``scorecard`` (scored by the rubric) and a ``rectification_history`` (replayed). A
figure is comparable across versions only on the same workload, so both are printed.

Each figure includes validation (dict → Case) and building the Decision, and is given as CPU time
of this process (the machine is shared, so wall time mostly measures the other work) and as wall
time. ``--compare`` runs an older checkout's engine and this one, alternately in fresh processes,
on the plain cases that older one accepts (it may know fewer provinces or refuse later dates), and
prints the ratio. Peak memory is measured in a separate pass with tracemalloc (which slows Python
down, so it is not timed). Streaming is measured by running ``propertytriage triage`` on JSON-lines
files of two sizes in subprocesses and comparing their peak resident memory: it should not grow
with the batch.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from propertytriage import Triage  # noqa: E402
from tests.scoring.helpers import EVALUATORS, sheet_totalling  # noqa: E402
from tests.strategies import PASS_MARK, random_case  # noqa: E402

_SCORED_BY = ("none", "company_score", "scorecard", "history")


def _score(rng: random.Random) -> Decimal:
    """Any score, or one a hair from the pass mark (where the outcome turns)."""
    if rng.random() < 0.3:
        return PASS_MARK + rng.choice([Decimal("-0.1"), Decimal("-0.01"), Decimal(0), Decimal("0.01")])
    return Decimal(rng.randint(0, 1000)) / 10


def _history(rng: random.Random, before: date) -> list[dict[str, Any]]:
    """A score, then perhaps a notice and up to two inspections, all before ``before``."""
    day = before - timedelta(days=rng.randint(1, 400))
    total = _score(rng)
    events: list[dict[str, Any]] = [{"kind": "score", "on": day.isoformat(), "total": str(total)}]
    if total < PASS_MARK and rng.random() < 0.5:
        day += timedelta(days=rng.randint(0, 10))
        events.append({"kind": "notice", "on": day.isoformat()})
        for _round in range(rng.randint(0, 2)):
            day += timedelta(days=rng.randint(1, 90))
            result = rng.choice(["passed", "failed"])
            events.append({"kind": "inspection", "on": day.isoformat(), "result": result})
            if result == "passed":
                break
    return [e for e in events if date.fromisoformat(e["on"]) < before]


def scored_case(rng: random.Random, index: int) -> dict[str, Any]:
    """A plain case whose company is scored one of the four ways, a quarter each."""
    case = random_case(rng, index)
    case.pop("company_score", None)
    filed_on = date.fromisoformat(case["filed_on"])
    scored_by = _SCORED_BY[index % 4]
    if scored_by == "company_score":
        case["company_score"] = str(_score(rng))
    elif scored_by == "scorecard":
        others = rng.sample(EVALUATORS[1:], rng.randint(0, len(EVALUATORS) - 1))
        case["scorecard"] = {
            "company": {"name": "某物业服务有限公司"},
            "evaluated_on": (filed_on - timedelta(days=rng.randint(0, 60))).isoformat(),
            "evaluations": [sheet_totalling(_score(rng), e) for e in ["mediation_center", *others]],
        }
    elif scored_by == "history":
        events = _history(rng, filed_on)
        if events:
            case["rectification_history"] = {"company": {"name": "某物业服务有限公司"}, "events": events}
    return case


def workloads(n: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    plain = [random_case(rng, i) for i in range(n)]
    rng = random.Random(seed)
    scored = [scored_case(rng, i) for i in range(n)]
    return {"plain": plain, "scored": scored}


def _throughput(engine: Triage, cases: list[dict[str, Any]]) -> tuple[float, float]:
    """(cases per CPU second, cases per wall second) of one pass."""
    wall, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in engine.decide_many(cases))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert count == len(cases)
    return len(cases) / cpu, len(cases) / wall


def _peak_mib(engine: Triage, cases: list[dict[str, Any]]) -> float:
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


# Run in a fresh process with an older (or this) checkout's src/ first on the path: the cases of
# argv[1] it accepts (argv[2] is where to write them), then the CPU rate of the memo engine and of
# the engine without memo on those, best of two passes each.
_TIMER = """
import json, sys, time
from propertytriage import Triage
cases = json.load(open(sys.argv[1], encoding="utf-8"))
if sys.argv[2] != "-":
    engine, accepted = Triage(), []
    for case in cases:
        try:
            engine.decide(case)
        except Exception:
            continue
        accepted.append(case)
    json.dump(accepted, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
    cases = accepted
rates = []
for options in ({}, {"cache_size": 0}):
    best = 0.0
    for _ in range(2):
        engine = Triage(**options)
        started = time.process_time()
        for _ in engine.decide_many(cases):
            pass
        best = max(best, len(cases) / (time.process_time() - started))
    rates.append(best)
print(len(cases), *rates)
"""


def _timed_tree(source: Path, cases: Path, keep: Path | None) -> tuple[int, float, float]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, "-c", _TIMER, str(cases), str(keep or "-")],
                          capture_output=True, text=True, env=env, check=True, cwd=tempfile.gettempdir())
    count, memo, no_memo = done.stdout.split()
    return int(count), float(memo), float(no_memo)


def compare(other: Path, cases: list[dict[str, Any]], rounds: int) -> None:
    """This checkout against ``other`` on the plain cases both accept, alternating processes."""
    source = other / "src" if (other / "src").is_dir() else other
    with tempfile.TemporaryDirectory() as tmp:
        everything, accepted = Path(tmp) / "all.json", Path(tmp) / "accepted.json"
        everything.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
        count, *_ = _timed_tree(source, everything, accepted)
        print(f"\n{source} against this checkout: {count:,} of {len(cases):,} plain cases that both "
              f"accept, CPU cases/s, best of 2 passes, {rounds} alternating rounds")
        ratios: dict[str, list[float]] = {"memo": [], "no memo": []}
        for round_ in range(rounds):
            _, old_memo, old_plain = _timed_tree(source, accepted, None)
            _, new_memo, new_plain = _timed_tree(ROOT / "src", accepted, None)
            ratios["memo"].append(new_memo / old_memo)
            ratios["no memo"].append(new_plain / old_plain)
            print(f"  round {round_ + 1}: memo {old_memo:8,.0f} → {new_memo:8,.0f}   "
                  f"no memo {old_plain:8,.0f} → {new_plain:8,.0f}")
        for label, values in ratios.items():
            print(f"  this / older, {label}: median {statistics.median(values):.2f} "
                  f"(range {min(values):.2f}–{max(values):.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--no-stream", action="store_true")
    parser.add_argument("--compare", type=Path, help="an older checkout (or its src/) to time on the same cases")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds for --compare")
    args = parser.parse_args()

    engines = {
        "durable-rules (memo)": Triage(),
        "durable-rules (no memo)": Triage(cache_size=0),
        "plain Python": Triage(evaluator="reference"),
    }
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, one process, one core; load average {load:.1f} "
          f"on {os.cpu_count()} cores at the start")
    for n in args.sizes:
        for name, cases in workloads(n, args.seed).items():
            list(engines["durable-rules (memo)"].decide_many(cases[:200]))  # warm up the imports
            rates = {label: _throughput(engine, cases) for label, engine in engines.items()}
            baseline = rates["plain Python"][0]
            print(f"\n{n:,} distinct {name} cases (validation and decision included)")
            for label, (cpu, wall) in rates.items():
                print(f"  {label:<26} {cpu:>9,.0f} cases/CPU s  {wall:>9,.0f} cases/s wall   "
                      f"{cpu / baseline:5.2f}× plain Python")
            peak = _peak_mib(engines["durable-rules (memo)"], cases)
            print(f"  peak traced memory while deciding (durable-rules, memo): {peak:,.1f} MiB")
            same = list(engines["durable-rules (no memo)"].decide_many(cases[:5000])) == list(
                engines["plain Python"].decide_many(cases[:5000]))
            print(f"  engine agrees with plain Python on the first 5,000: {same}")
    if args.compare is not None:
        compare(args.compare, workloads(args.sizes[0], args.seed)["plain"], args.rounds)
    if not args.no_stream:
        with tempfile.TemporaryDirectory() as tmp:
            small, large = (_stream_rss_mib(n, Path(tmp)) for n in (10_000, 100_000))
        print("\nstreaming `propertytriage triage cases.jsonl` (peak RSS of the process)")
        print(f"  10,000 lines: {small:,.1f} MiB   100,000 lines: {large:,.1f} MiB   "
              f"ratio {large / small:.2f}")
    print(f"\nthis process: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB; "
          f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
