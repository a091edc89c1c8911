#!/usr/bin/env python3
"""Benchmark: reading a 台账 of 100,000 rows from .xlsx and .csv into validated cases, next to JSON lines.

Why: SPEC §4 and issue 9 ask that importing a spreadsheet cost no more than twice the JSON-lines path
and that memory stay flat however many rows (rows are streamed). The same cases are written as
``.jsonl``, ``.xlsx`` (by the export writer) and ``.csv``; each is then read in a fresh process so its
peak memory (VmHWM) is its own. It also times the two workbook readers considered, python-calamine and
openpyxl's read-only mode, on raw rows (no conversion), which is how the reader was chosen.

Usage::

    PYTHONPATH=src python benchmarks/bench_sheets.py [--rows 100000] [--dir /tmp/bench-sheets]

Prints rows/s (per second of CPU time, so that other work on a shared machine does not count) and
peak memory for each path, and the ratio of each spreadsheet path to JSON lines; run it twice, with
--rows 10000 and 100000, to see whether memory grows with the file.
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
    """Read one file in this process and print rows, seconds and peak memory as JSON."""
    started, cpu = time.perf_counter(), time.process_time()
    count = refused = 0
    if kind == "jsonl":
        from propertytriage.models import Case
        from propertytriage.models.validation import validate

        with open(path, encoding="utf-8") as handle:
            for line in handle:
                validate(Case, json.loads(line))
                count += 1
    elif kind in ("xlsx", "csv"):
        from propertytriage.sheets import read_sheet

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", default="/tmp/bench-sheets")
    parser.add_argument("--no-openpyxl", action="store_true", help="skip openpyxl's raw read (slow at 100,000 rows)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_inputs(folder, args.rows)
    baseline = measure("jsonl", paths["jsonl"])
    print(f"{args.rows} rows; .xlsx {paths['xlsx'].stat().st_size / 2**20:.1f} MiB, "
          f".csv {paths['csv'].stat().st_size / 2**20:.1f} MiB, .jsonl {paths['jsonl'].stat().st_size / 2**20:.1f} MiB")
    print(f"{'path':<34}{'rows/s':>10}{'peak MiB':>10}{'CPU vs jsonl':>14}")
    for label, kind, path in [("JSON lines, parse + validate", "jsonl", paths["jsonl"]),
                              (".xlsx -> validated cases", "xlsx", paths["xlsx"]),
                              (".csv -> validated cases", "csv", paths["csv"]),
                              (".xlsx raw rows, python-calamine", "calamine-raw", paths["xlsx"]),
                              (".xlsx raw rows, openpyxl read-only", "openpyxl-raw", paths["xlsx"])]:
        if kind == "openpyxl-raw" and args.no_openpyxl:
            continue
        result = baseline if kind == "jsonl" else measure(kind, path)
        assert result["refused"] == 0, result
        ratio = result["seconds"] / baseline["seconds"]
        print(f"{label:<34}{result['rows'] / result['seconds']:>10.0f}{result['peak_mib']:>10.1f}{ratio:>14.2f}x")


if __name__ == "__main__":
    main()
