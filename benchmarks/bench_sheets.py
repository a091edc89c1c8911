#!/usr/bin/env python3
"""Benchmark: a 台账 of 100,000 rows imported into the ledger (SQLite) from .xlsx and .csv, next to JSON lines.

Why: SPEC §4 and issue 9 ask that importing a spreadsheet cost no more than twice the JSON-lines path
and that memory stay flat however many rows. The same cases are written as ``.jsonl``, ``.xlsx`` (by
the export writer) and ``.csv``; each is then imported whole — read, validated, decided, written to a
new SQLite ledger, by the code ``propertytriage import`` runs — in a fresh process, so its peak memory
(VmHWM) is its own.

Two kinds of ``.xlsx`` are read, because a reader's cost depends on how the file was written: the
export's own (openpyxl's writer: every text inline in its cell, no ``<dimension>``), and the same sheet
as Excel and WPS save it (a shared-strings table, a ``<dimension>``), made by converting the export
with LibreOffice (``soffice --headless --convert-to xlsx``) when it is installed. Each is imported both
ways the reader has: loaded whole by python-calamine (the default below
``sources.STREAM_ABOVE_BYTES``) and streamed by openpyxl's sheet parser (the default above it). The
raw row readers alone (no conversion, no ledger) are timed too — python-calamine, openpyxl's public
read-only mode and the streamed reader's rows — and the readers alone (cells converted, cases
validated, no ledger: the ``read-*`` kinds), which is what differs between the formats. ``export``
writes the rows as an ``.xlsx`` (the export writer, rows streamed), for its time and peak memory.

Peak memory is read at a quarter, half and all of the rows: a flat path peaks at the same height at
each (the ``flat`` column: the peak at all rows over the peak at a quarter, 1.00 when flat).

Usage::

    .venv/bin/python benchmarks/bench_sheets.py [--rows 100000] [--dir /tmp/bench-sheets] [--jobs 2] [--only KIND ...]

Prints rows/s per second of CPU time (the machine is shared, so wall time says little; SQLite runs in
the process, so its work counts) and wall time, the peaks, and the ratio of each path's CPU time to
the JSON-lines import's.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
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


def cases(rows: int) -> Iterator[dict]:
    rng = random.Random(9)
    for index in range(rows):
        yield {k: v for k, v in make_case(rng, index).items() if v is not None}


SLOTS = {"owners": 1, "focus_points": 0}


def write_inputs(folder: Path, rows: int) -> dict[str, Path]:
    from propertytriage.sheets.export import ExportRow, export_rows

    paths = {"jsonl": folder / f"cases-{rows}.jsonl", "xlsx": folder / f"cases-{rows}.xlsx",
             "csv": folder / f"cases-{rows}.csv"}
    if not paths["jsonl"].exists():
        with open(paths["jsonl"], "w", encoding="utf-8") as handle:
            for case in cases(rows):
                handle.write(json.dumps(case, ensure_ascii=False) + "\n")
    for kind in ("xlsx", "csv"):
        if not paths[kind].exists():
            export_rows((ExportRow(c) for c in cases(rows)), paths[kind], full=True, slots=SLOTS)
    saved = saved_as_excel(paths["xlsx"], folder / f"cases-{rows}-saved.xlsx")
    if saved is not None:
        paths["saved"] = saved
    return paths


def saved_as_excel(source: Path, target: Path) -> Path | None:
    """The export's sheet as Excel and WPS save it (shared strings, a ``<dimension>``): converted by
    LibreOffice, which writes .xlsx that way too. None when LibreOffice is not installed."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not target.exists():
        if office is None:
            return None
        with tempfile.TemporaryDirectory() as work:
            subprocess.run([office, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to",
                            "xlsx:Calc MS Excel 2007 XML", "--outdir", work, str(source)],
                           check=True, capture_output=True, timeout=3600)
            shutil.move(Path(work) / source.name, target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        with archive.open("xl/worksheets/sheet1.xml") as sheet:
            start = sheet.read(4096)
    assert "xl/sharedStrings.xml" in names and b"<dimension " in start, "not saved as Excel saves"
    return target


def _peak_mib() -> float:
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


class Checkpoints:
    """Peak memory when a quarter, half and all of the rows have been read."""

    def __init__(self, rows: int) -> None:
        self.marks = [max(1, rows // 4), max(1, rows // 2), rows]
        self.peaks: list[float] = []

    def passed(self, count: int) -> None:
        while len(self.peaks) < len(self.marks) and count >= self.marks[len(self.peaks)]:
            self.peaks.append(_peak_mib())


def child(kind: str, path: str, rows: int) -> None:
    """Import, read or write one file in this process and print rows, seconds and peaks as JSON."""
    from propertytriage.sheets import sources

    if "-loaded" in kind:
        sources.STREAM_ABOVE_BYTES = 1 << 40
    elif "-streamed" in kind:
        sources.STREAM_ABOVE_BYTES = 0
    marks = Checkpoints(rows)
    started, cpu = time.perf_counter(), time.process_time()
    count = refused = 0
    if kind in ("jsonl", "csv") or kind.startswith("xlsx") or kind.startswith("saved"):
        from propertytriage.cli.sheet_commands import import_files
        from propertytriage.ledger import Ledger

        import_documents = Ledger.import_documents
        seen = [0]

        def counted(self, documents, *args, **kwargs):  # the peak as the rows reach the ledger
            result = import_documents(self, documents, *args, **kwargs)
            seen[0] += len(documents)
            marks.passed(seen[0])
            return result

        Ledger.import_documents = counted  # type: ignore[method-assign]
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
                    marks.passed(count)
        else:
            for row in read_sheet(path):
                count += 1
                refused += row.refused
                marks.passed(count)
    elif kind.startswith("calamine-raw"):
        from python_calamine import CalamineWorkbook

        for _ in CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows():
            count += 1
            marks.passed(count)
    elif kind.startswith("openpyxl-raw"):  # openpyxl's public read-only mode
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        for _ in book.worksheets[0].iter_rows(values_only=True):
            count += 1
            marks.passed(count)
        book.close()
    elif kind.startswith("streamed-raw"):  # the streamed reader's rows, nothing converted
        for _ in sources.StreamedWorkbook(Path(path)).rows():
            count += 1
            marks.passed(count)
    elif kind == "export":
        from propertytriage.sheets.export import ExportRow, export_rows

        def rows_counted() -> Iterator[ExportRow]:
            nonlocal count
            for case in cases(rows):
                count += 1
                marks.passed(count)
                yield ExportRow(case)

        with tempfile.TemporaryDirectory() as folder:
            export_rows(rows_counted(), Path(folder) / "out.xlsx", full=True, slots=SLOTS)
    wall, seconds = time.perf_counter() - started, time.process_time() - cpu
    marks.passed(rows)
    print(json.dumps({"rows": count, "refused": refused, "seconds": seconds, "wall": wall, "peak_mib": _peak_mib(),
                      "peaks": marks.peaks}))


def measure(kind: str, path: Path, rows: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(rows)], check=True,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    return json.loads(out.stdout)


PATHS = [("JSON lines -> ledger", "jsonl", "jsonl"),
         (".xlsx export's -> ledger (default)", "xlsx", "xlsx"),
         (".xlsx export's -> ledger, loaded", "xlsx-loaded", "xlsx"),
         (".xlsx export's -> ledger, streamed", "xlsx-streamed", "xlsx"),
         (".xlsx as saved -> ledger (default)", "saved", "saved"),
         (".xlsx as saved -> ledger, loaded", "saved-loaded", "saved"),
         (".xlsx as saved -> ledger, streamed", "saved-streamed", "saved"),
         (".csv -> ledger", "csv", "csv"),
         ("read only: JSON lines, validated", "read-jsonl", "jsonl"),
         ("read only: .xlsx export's, loaded", "read-xlsx-loaded", "xlsx"),
         ("read only: .xlsx export's, streamed", "read-xlsx-streamed", "xlsx"),
         ("read only: .xlsx as saved, streamed", "read-saved-streamed", "saved"),
         ("read only: .csv", "read-csv", "csv"),
         ("raw rows: export's, python-calamine", "calamine-raw", "xlsx"),
         ("raw rows: export's, openpyxl read-only", "openpyxl-raw", "xlsx"),
         ("raw rows: export's, streamed reader", "streamed-raw", "xlsx"),
         ("raw rows: as saved, python-calamine", "calamine-raw-saved", "saved"),
         ("raw rows: as saved, openpyxl read-only", "openpyxl-raw-saved", "saved"),
         ("raw rows: as saved, streamed reader", "streamed-raw-saved", "saved"),
         ("export: rows -> .xlsx (write-only)", "export", "xlsx")]


def main() -> None:
    from concurrent.futures import ThreadPoolExecutor

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", default="/tmp/bench-sheets")
    parser.add_argument("--jobs", type=int, default=1, help="children run at once (CPU time is each one's own)")
    parser.add_argument("--only", nargs="*", help="kinds to run (default: all): " + " ".join(k for _, k, _ in PATHS))
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_inputs(folder, args.rows)
    if "saved" not in paths:
        print("LibreOffice (soffice) is not installed: the .xlsx as Excel saves it is not measured")
    imports = [k for k in args.only or ["jsonl"] if not (k.startswith("read-") or "-raw" in k or k == "export")]
    reads = [k for k in args.only or [] if k.startswith("read-")]
    first = "jsonl" if imports else "read-jsonl" if reads else ""  # the baseline, run first
    chosen = [p for p in PATHS if p[1] == first] + [p for p in PATHS if p[1] != first and p[2] in paths and (
        not args.only or p[1] in args.only)]
    sizes = ", ".join(f"{name} {path.stat().st_size / 2**20:.1f} MiB" for name, path in paths.items())
    print(f"{args.rows} rows; {sizes}")
    quarters = f"peak MiB at {args.rows // 4}/{args.rows // 2}/{args.rows} rows"
    print(f"{'path':<40}{'rows/s CPU':>11}{'CPU s':>8}{'wall s':>8}{'CPU vs jsonl':>14}  {quarters:<28}{'flat':>6}",
          flush=True)
    pool = ThreadPoolExecutor(max(1, args.jobs))
    results = pool.map(lambda p: measure(p[1], paths[p[2]], args.rows), chosen)  # printed as each is done
    baseline: dict = {}
    for (label, kind, _), result in zip(chosen, results, strict=True):
        if not baseline:
            baseline = result
            if first == "jsonl":
                print(f"(each import: {baseline['rows']} recorded, {baseline['refused']} refused by triage)")
        if "-raw" in kind:
            assert result["rows"] > args.rows, result  # the header too
        elif kind.startswith("read-") or kind == "export":
            assert result["rows"] == args.rows, result
        elif first:  # the generator makes a few cases triage refuses (a claim below the arrears), alike in every format
            assert (result["rows"], result["refused"]) == (baseline["rows"], baseline["refused"]), result
        if (kind.startswith("read-") and first == "jsonl") or kind == "export" or not first:
            ratio = float("nan")  # a reader alone, or the writer, is not compared with a whole import
        else:
            ratio = result["seconds"] / baseline["seconds"]
        peaks = "/".join(f"{p:.1f}" for p in result["peaks"])
        flat = result["peaks"][-1] / result["peaks"][0]
        print(f"{label:<40}{result['rows'] / result['seconds']:>11.0f}{result['seconds']:>8.1f}{result['wall']:>8.1f}"
              f"{ratio:>13.2f}x  {peaks:<28}{flat:>6.2f}", flush=True)
    pool.shutdown()


if __name__ == "__main__":
    main()
