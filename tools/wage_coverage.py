#!/usr/bin/env python3
"""The coverage table of ``rules/parameters/wages/`` in docs/rules.md, written from the data.

Why this exists: whoever adds a province or a year must not also have to count by hand, and the table
a clerk reads must never claim more than the files hold. A test compares the table in docs/rules.md
with what this script makes, so after editing any wage file run::

    .venv/bin/python tools/wage_coverage.py --write

(``--check`` only compares and fails if the table is stale; no option prints the table.)

The script reads the YAML files itself rather than through the loader, so the table says what the
files say even where the loader would ignore something (a year listed with no amount).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WAGES = ROOT / "rules" / "parameters" / "wages"
DOC = ROOT / "docs" / "rules.md"
BEGIN = "<!-- wage-coverage:begin (tools/wage_coverage.py --write) -->"
END = "<!-- wage-coverage:end -->"
NEEDED = range(2020, 2026)
"""Data years a case filed from 2022 to 2026 can need (docs/rules.md explains why)."""


@dataclass(frozen=True)
class Row:
    code: str
    province: str
    series: str
    years: list[int]
    verified_years: list[int]
    missing: list[int]
    notices: int
    verified_notices: int
    unread_notices: int
    """Entries of the earlier ``court_announcements`` list, which nothing reads: convert them."""


def _span(years: list[int]) -> str:
    """2020, 2021, 2022, 2024 → 2020–2022, 2024."""
    if not years:
        return "—"
    parts: list[str] = []
    start = prev = years[0]
    for year in [*years[1:], 0]:
        if year == prev + 1:
            prev = year
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = year
    return ", ".join(parts)


def read_rows(wages: Path = WAGES) -> list[Row]:
    """One row per province file, in code order."""
    rows: list[Row] = []
    for path in sorted(wages.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        values = [v for v in data["values"] if v.get("amount") is not None]
        years = sorted(v["data_year"] for v in values)
        notices = data.get("announcements") or []
        rows.append(Row(
            code=str(data["code"]),
            province=data["province"],
            series=data["series_title"],
            years=years,
            verified_years=sorted(v["data_year"] for v in values if v["verified"]),
            missing=[y for y in NEEDED if y not in years],
            notices=len(notices),
            verified_notices=sum(1 for n in notices if n["verified"]),
            unread_notices=len(data.get("court_announcements") or []),
        ))
    return sorted(rows, key=lambda r: r.code)


def table(rows: list[Row]) -> str:
    """The markdown table with its totals line."""
    lines = [
        "| code | province | data years with a figure | missing of 2020–2025 | series | limits | verified |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        limits = f"announced ({r.notices} notice{'s' if r.notices != 1 else ''}), else computed" if r.notices \
            else "computed (50% / 200%)"
        if r.unread_notices:
            limits += f"; {r.unread_notices} in the old court_announcements list, not read"
        verified = f"{len(r.verified_years)}/{len(r.years)} figures"
        if r.notices:
            verified += f", {r.verified_notices}/{r.notices} notices"
        lines.append(
            f"| {r.code} | {r.province} | {_span(r.years)} | {_span(r.missing)} | {r.series} | {limits} | {verified} |"
        )
    figures = sum(len(r.years) for r in rows)
    verified_figures = sum(len(r.verified_years) for r in rows)
    notices = sum(r.notices for r in rows)
    lines += [
        "",
        f"Totals: {len(rows)} provinces; {figures} province-years with a figure "
        f"({verified_figures} verified, {figures - verified_figures} unverified); "
        f"{sum(len(r.missing) for r in rows)} province-years of 2020–2025 without one; "
        f"{sum(1 for r in rows if r.notices)} provinces with announced limits "
        f"({notices} notices, {sum(r.verified_notices for r in rows)} verified).",
    ]
    return "\n".join(lines)


def render(doc: str, rows: list[Row]) -> str:
    """``doc`` with the text between the markers replaced by the current table."""
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"{DOC}: the markers {BEGIN!r} and {END!r} are missing")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table(rows)}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="rewrite the table in docs/rules.md")
    group.add_argument("--check", action="store_true", help="fail if docs/rules.md is stale")
    args = parser.parse_args(argv)
    rows = read_rows()
    if not (args.write or args.check):
        print(table(rows))
        return 0
    doc = DOC.read_text(encoding="utf-8")
    new = render(doc, rows)
    if args.check:
        if new != doc:
            print("docs/rules.md: the wage coverage table is stale; run tools/wage_coverage.py --write",
                  file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
