#!/usr/bin/env python3
"""Benchmark: a 台账 of 100,000 rows imported into the ledger (SQLite) from .xlsx and .csv, next to JSON lines.

Why: SPEC §4 and issue 9 ask that importing a spreadsheet cost no more than twice the JSON-lines path
and that memory stay flat however many rows. The same cases are written as ``.jsonl``, ``.xlsx`` (by
the export writer) and ``.csv``; each is then imported whole — read, validated, decided, written to a
new SQLite ledger, by the code ``propertytriage import`` runs — in a fresh process, so its peak memory
(VmHWM) is its own. The workbook is imported both ways the reader has: loaded whole by python-calamine
(the default below ``sources.STREAM_ABOVE_BYTES``) and streamed by openpyxl's read-only mode (the
default above it). The raw row readers alone (no conversion, no ledger) are timed too, which is how
the choice was made, and the readers alone (cells converted, cases validated, no ledger: the
``read-*`` kinds), which is what differs between the formats.

Usage::

    .venv/bin/python benchmarks/bench_sheets.py [--rows 100000] [--dir /tmp/bench-sheets] [--jobs 2]

Prints rows/s per second of CPU time (the machine is shared, so wall time says little; SQLite runs in
the process, so its work counts) and wall time, peak memory, and the ratio of each path's CPU time to
the JSON-lines import's.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

STAGES = ["owners_committee", "community", "mediation_center", "court"]
TYPES = ["fee_arrears", "service_quality", "common_revenue", "parking", "renovation", "maintenance_fund",
         "other_property", "neighbor"]


def make_case(rng: random.Random, index: int) -> dict:
    """A case as an office registers it: parties, estate, contract and arrears filled in."""
    filed = date(2024, 7, 1) + timedelta(days=rng.randrange(700))
    ladder = STAGES[: rng.randrange(5)]
    return {
        "case_id": f"KBS-{filed.year}-{index:06d}", "filed_on": filed.isoformat(),
        "province": rng.choice(["内蒙古自治区", "上海市", "浙江省"]), "dispute_type": rng.choice(TYPES),
        "claimant": rng.choice(["property_company", "owner"]),
        "claim_amount": f"{rng.randrange(0, 20000000) / 100:.2f}",
        "attempts": [{"stage": s, "outcome": "failed", "on": (filed - timedelta(days=40 - 10 * i)).isoformat()}
                     for i, s in enumerate(ladder)],
        "company_score": str(rng.randrange(40, 100)) if rng.random() < 0.5 else None,
        "contentious": rng.random() < 0.1,
        "property_company": {"name": f"某某物业服务有限公司{index % 97}", "credit_code": f"91150602MA0N{index:06d}",
                             "phone": f"0477{index % 10000000:07d}"},
        "owners": [{"name": "张某", "gender": "男", "born_on": "1980-05-06", "id_number": f"150602198005{index:06d}",
                    "phone": f"138{index:08d}", "unit": f"{index % 30}号楼2单元501室", "area_sqm": "89.50"}],
        "estate": {"name": f"某某小区{index % 50}", "street": "某某街道", "community": "某某社区"},
        "contract": {"kind": "物业服务合同", "signed_on": "2020-01-01", "fee_standard": "1.20元/平方米·月"},
        "arrears": {"period_from": "2023-01-01", "period_to": "2024-12-31", "amount": "2148.00",
                    "computation": "89.50平方米×1.20元×20个月"},
    }


def write_inputs(folder: Path, rows: int) -> dict[str, Path]:
    from propertytriage.sheets.export import ExportRow, export_rows

    rng = random.Random(9)
    cases = [{k: v for k, v in make_case(rng, i).items() if v is not None} for i in range(rows)]
    paths = {"jsonl": folder / f"cases-{rows}.jsonl", "xlsx": folder / f"cases-{rows}.xlsx",
             "csv": folder / f"cases-{rows}.csv"}
    if not all(p.exists() for p in paths.values()):
        with open(paths["jsonl"], "w", encoding="utf-8") as handle:
            for case in cases:
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
        slots = {"owners": 1, "focus_points": 0}
        export_rows((ExportRow(c) for c in cases), paths["xlsx"], full=True, slots=slots)
        export_rows((ExportRow(c) for c in cases), paths["csv"], full=True, slots=slots)
    return paths


def child(kind: str, path: str) -> None:
    """Import or read one file in this process and print rows, seconds and peak memory as JSON."""
    import tempfile

    from propertytriage.sheets import sources

    if kind.endswith("xlsx-loaded"):
        sources.STREAM_ABOVE_BYTES = 1 << 40
    elif kind.endswith("xlsx-streamed"):
        sources.STREAM_ABOVE_BYTES = 0
    started, cpu = time.perf_counter(), time.process_time()
    count = refused = 0
    if kind in ("jsonl", "xlsx", "xlsx-loaded", "xlsx-streamed", "csv"):
        from propertytriage.cli.sheet_commands import import_files
        from propertytriage.ledger import Ledger

        with tempfile.TemporaryDirectory() as folder, Ledger(f"sqlite:///{folder}/ledger.db") as ledger:
            summary, _ = import_files(ledger, [path])
        count, refused = summary.new + summary.changed + summary.unchanged, len(summary.refused)
    elif kind.startswith("read-"):  # the reader alone, cells converted and cases validated, no ledger
        from propertytriage.sheets import read_sheet

        if kind == "read-jsonl":
            from propertytriage.models import Case
            from propertytriage.models.validation import validate

            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    validate(Case, json.loads(line))
                    count += 1
        else:
            for row in read_sheet(path):
                count += 1
                refused += row.refused
    elif kind == "calamine-raw":
        from python_calamine import CalamineWorkbook

        for _ in CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows():
            count += 1
    elif kind == "openpyxl-raw":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        for _ in book.worksheets[0].iter_rows(values_only=True):
            count += 1
        book.close()
    wall, seconds = time.perf_counter() - started, time.process_time() - cpu
    peak = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmHWM:"))
    print(json.dumps({"rows": count, "refused": refused, "seconds": seconds, "wall": wall, "peak_mib": peak / 1024}))


def measure(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], check=True,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    return json.loads(out.stdout)


PATHS = [("JSON lines -> ledger", "jsonl", "jsonl"),
         (".xlsx -> ledger (default reader)", "xlsx", "xlsx"),
         (".xlsx -> ledger, calamine (loaded)", "xlsx-loaded", "xlsx"),
         (".xlsx -> ledger, openpyxl (streamed)", "xlsx-streamed", "xlsx"),
         (".csv -> ledger", "csv", "csv"),
         ("read only: JSON lines, validated", "read-jsonl", "jsonl"),
         ("read only: .xlsx, calamine (loaded)", "read-xlsx-loaded", "xlsx"),
         ("read only: .xlsx, openpyxl (streamed)", "read-xlsx-streamed", "xlsx"),
         ("read only: .csv", "read-csv", "csv"),
         (".xlsx raw rows, python-calamine", "calamine-raw", "xlsx"),
         (".xlsx raw rows, openpyxl read-only", "openpyxl-raw", "xlsx")]


def main() -> None:
    from concurrent.futures import ThreadPoolExecutor

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", default="/tmp/bench-sheets")
    parser.add_argument("--jobs", type=int, default=1, help="children run at once (CPU time is each one's own)")
    parser.add_argument("--only", nargs="*", help="kinds to run (default: all): " + " ".join(k for _, k, _ in PATHS))
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_inputs(folder, args.rows)
    first = "read-jsonl" if args.only and all(k.startswith("read-") for k in args.only) else "jsonl"
    chosen = [p for p in PATHS if p[1] == first] + [p for p in PATHS if p[1] != first and (
        not args.only or p[1] in args.only)]
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(lambda p: measure(p[1], paths[p[2]]), chosen))
    baseline = results[0]
    print(f"{args.rows} rows; .xlsx {paths['xlsx'].stat().st_size / 2**20:.1f} MiB, "
          f".csv {paths['csv'].stat().st_size / 2**20:.1f} MiB, .jsonl {paths['jsonl'].stat().st_size / 2**20:.1f} MiB")
    print(f"{'path':<40}{'rows/s CPU':>11}{'wall s':>9}{'peak MiB':>10}{'CPU vs jsonl':>14}")
    if first == "jsonl":
        print(f"(each import: {baseline['rows']} recorded, {baseline['refused']} refused by triage)")
    for (label, _kind, _), result in zip(chosen, results, strict=True):
        if _kind.endswith("-raw"):
            assert result["rows"] > args.rows, result  # the header too
        elif _kind.startswith("read-"):
            assert result["rows"] == args.rows, result
        else:  # the generator makes a few cases triage refuses (a claim below the arrears), alike in every format
            assert (result["rows"], result["refused"]) == (baseline["rows"], baseline["refused"]), result
        if _kind.startswith("read-") and first == "jsonl":
            ratio = float("nan")  # a reader is not compared with a whole import
        else:
            ratio = result["seconds"] / baseline["seconds"]
        print(f"{label:<40}{result['rows'] / result['seconds']:>11.0f}{result['wall']:>9.1f}"
              f"{result['peak_mib']:>10.1f}{ratio:>13.2f}x")


if __name__ == "__main__":
    main()
