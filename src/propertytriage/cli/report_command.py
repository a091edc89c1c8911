"""``report``: the statistics an office sends upward, counted in the ledger (SPEC §5).

The period and the grouping are checked, and the output's format read from ``--out``'s suffix,
before the ledger is opened, so a mistyped argument neither touches the database nor leaves a file.
The file is written atomically: a report interrupted half-way leaves no partial file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from propertytriage.cli.ledger_commands import _day

COMMAND = "report"


_GROUPINGS = {"month": "按月", "street": "按街道", "community": "按社区", "company": "按物业企业"}


def _grouping(text: str) -> str:
    """``--by``, refused in both languages (argparse's own choice check speaks English only)."""
    if text in _GROUPINGS:
        return text
    listed = "、".join(f"{key}（{zh}）" for key, zh in _GROUPINGS.items())
    raise argparse.ArgumentTypeError(f"没有这种分组 / no such grouping: {text}；可选 / one of: {listed}")


def add_parser(sub: Any) -> None:
    """Register ``report`` on the CLI's subparsers."""
    p = sub.add_parser(COMMAND, help="statistics with charts from the ledger / 统计报表")
    p.add_argument("--from", dest="period_from", type=_day, metavar="DATE",
                   help="first day counted (default: 1 January of --to's year)")
    p.add_argument("--to", dest="period_to", type=_day, metavar="DATE", help="last day counted (default: today)")
    p.add_argument("--by", type=_grouping, metavar="{month,street,community,company}", help="one row per group")
    p.add_argument("--title", help="the report's title (default: 物业纠纷化解工作统计)")
    p.add_argument("--office", help="the office that sends the report, printed under the title")
    p.add_argument("--out", required=True, metavar="FILE", help="FILE.json, FILE.html or FILE.pdf")
    p.add_argument("--db", help="ledger database URL (default: $PROPERTYTRIAGE_DB or sqlite:///propertytriage.db)")


def report_command(args: argparse.Namespace) -> int:
    from propertytriage.cli.ledger_url import check_ledger_url
    from propertytriage.ledger import Ledger
    from propertytriage.ledger.statistics import check_request, period_notes, report
    from propertytriage.outputs import write_bytes
    from propertytriage.reporting.render import format_of, render_report

    target = Path(args.out)
    fmt = format_of(target)
    start, end, by = check_request(args.period_from, args.period_to, args.by)
    check_ledger_url(args.db, args.command)
    with Ledger(args.db) as ledger, ledger.engine.connect() as connection:
        document = report(connection, start, end, by, title=args.title, office=args.office)
        notes = period_notes(connection, start, end, asked_from=args.period_from, asked_to=args.period_to,
                             received=document.received)
    write_bytes(target, render_report(document, fmt))
    for note in notes:
        print(note)
    print(f"报表 report → {target}")
    return 0
