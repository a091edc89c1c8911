"""``import``, ``show``, ``cases``, ``due`` and ``export``: the ledger from the command line (SPEC §3, §4).

Every command takes ``--db URL`` (else ``PROPERTYTRIAGE_DB``, else ``sqlite:///propertytriage.db``).
``import`` exits 2 when it refused a document (each refusal names the file, the case or row and the
field on stderr) but still records the others; spreadsheets and ``export`` are cli/sheet_commands.py.
"""

from __future__ import annotations

import argparse
import functools
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from propertytriage.cli import sheet_commands
from propertytriage.cli.ledger_url import check_ledger_url
from propertytriage.cli.listing import SPOOL_IN_MEMORY, write_json_list, write_table
from propertytriage.errors import InputError, Problem, echoed
from propertytriage.gcpause import collector_paused
from propertytriage.models import clock

COMMANDS = ("import", "show", "cases", "due", "export")
_STAGES = ("owners_committee", "community", "mediation_center", "court", "closed", "out_of_scope")
_MAX_DAYS = 366  # as the API's /v1/due: a year ahead is the longest look a clerk needs


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text: str) -> date:
    """The day as the message asks for it: Python's ISO reading also takes ``20260325`` and ``2026-W13-3``,
    which a clerk who mistyped a date should be told about, not given another day's list."""
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"须为 YYYY-MM-DD 格式的日期 / must be a date YYYY-MM-DD: {text}") from None


def _stage(text: str) -> str:
    """A stage as the contract names it (``court``) or as a clerk reads it (``人民法院``)."""
    from propertytriage.models.labels import STAGE_ZH

    by_label = {label: key for key, label in STAGE_ZH.items()}
    if text in _STAGES:
        return text
    if text in by_label:
        return by_label[text]
    choices = "、".join(f"{key}（{STAGE_ZH[key]}）" for key in _STAGES)  # type: ignore[index]
    raise argparse.ArgumentTypeError(f"没有这个环节 / no such stage: {text}；可选 / one of: {choices}")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = -1
    if not 0 <= days <= _MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"须为 0 至 {_MAX_DAYS} 的整数 / must be a whole number from 0 to {_MAX_DAYS}: {text}")
    return days


def add_parsers(sub: Any) -> None:
    """Register the ledger's subcommands on the CLI's subparsers."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", help="ledger database URL (default: $PROPERTYTRIAGE_DB or sqlite:///propertytriage.db)")

    p = sub.add_parser("import", parents=[db], help="record cases, scorecards, histories in the ledger / 导入台账")
    p.add_argument("files", nargs="+", metavar="FILE", help=".json (one document or a list), .jsonl, .xlsx or .csv")
    p.add_argument("--batch-size", type=int, default=500, help=argparse.SUPPRESS)
    sheet_commands.add_import_options(p)

    p = sub.add_parser("show", parents=[db], help="one case's full record as JSON / 案件详情")
    p.add_argument("case_id")

    p = sub.add_parser("cases", parents=[db], help="cases with their next step / 案件列表")
    p.add_argument("--stage", type=_stage, metavar="STAGE",
                   help="owners_committee, community, mediation_center, court, closed, out_of_scope, "
                        "or the Chinese name the table prints (人民法院…)")
    p.add_argument("--overdue", action="store_true", help="only cases with a deadline passed on --on")
    p.add_argument("--on", type=_day, help="the day to judge overdue by (default: today)")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")

    p = sub.add_parser("due", parents=[db], help="what falls due or is overdue / 到期事项")
    p.add_argument("--on", type=_day, help="the day (default: today)")
    p.add_argument("--days", type=_days, default=7,
                   help=f"also list what falls due this many days after --on (0–{_MAX_DAYS}, default 7)")
    p.add_argument("--ics", help="also write the list as an iCalendar file")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")

    sheet_commands.add_export_parser(sub, db)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines: list[str] = []
    write_table(header, rows, lines.append)
    return "".join(lines).removesuffix("\n")


def _owners(item: dict[str, Any]) -> str:
    return "、".join(" ".join(v for v in (o.get("name"), o.get("phone")) if v) for o in item.get("owners", [])) or "—"


_DUE_HEADER = ["状态 state", "期限 due", "剩余天数 days", "事项 item", "对象 subject", "当事人 parties"]
_CASES_HEADER = ["案件 case", "立案 filed", "下一环节 next", "程序 track", "待办 awaiting", "企业 company",
                 "业主 owners"]


def _due_row(i: dict[str, Any]) -> list[str]:
    return ["逾期 overdue" if i["overdue"] else "到期 due", i["due_on"], str(i["days_left"]), i["title"],
            i["subject_id"], i.get("company", "") or _owners(i)]


def _case_row(i: dict[str, Any]) -> list[str]:
    from propertytriage.cli.labels import AWAIT_ZH, STAGE_ZH, TRACK_ZH

    return [i["case_id"], i["filed_on"], STAGE_ZH.get(i["next_stage"], i["next_stage"]),
            TRACK_ZH.get(i["court_track"], i["court_track"]) if i["court_track"] else "—",
            "、".join(AWAIT_ZH.get(a, a) for a in i["awaiting"]) or "—", i.get("company", "—"), _owners(i)]


def _due_cells(rows: Iterable[Any], on: date, *, json_text: bool) -> Iterator[list[str]]:
    """:func:`_due_row` of each item ``listed.due_items`` would make of the rows, made from the rows."""
    import orjson

    days: dict[Any, tuple[str, str, str]] = {}  # a few hundred distinct days among 100,000 rows
    loads = orjson.loads
    for _kind, title, subject_type, subject_id, _starts_on, due_on, _basis, _note, _stage, listed, company_name \
            in rows:
        if (day := days.get(due_on)) is None:
            due_day = due_on if isinstance(due_on, date) else date.fromisoformat(due_on)
            day = days[due_on] = ("逾期 overdue" if due_day < on else "到期 due", due_day.isoformat(),
                                  str((due_day - on).days))
        if subject_type == "case":
            found = (loads(listed) if json_text else listed) if listed else {}
            yield [*day, title, subject_id, found.get("company", "") or _owners(found)]
        else:
            yield [*day, title, subject_id, company_name or "—"]


def _case_cells(rows: Iterable[Any]) -> Iterator[list[str]]:
    """:func:`_case_row` of each item ``listed.case_items`` would make of the rows, made from the rows
    (the owners' phones masked as ``masking.parties`` masks them; their ID numbers are not printed)."""
    from propertytriage.cli.labels import AWAIT_ZH, STAGE_ZH, TRACK_ZH
    from propertytriage.ledger.masking import mask_phone

    stages, tracks, waits = (cast(dict[str, str], labels) for labels in (STAGE_ZH, TRACK_ZH, AWAIT_ZH))
    for case_id, filed_on, next_stage, court_track, awaiting, _forms, _community, owners, name, _phone in rows:
        yield [case_id, filed_on if isinstance(filed_on, str) else filed_on.isoformat(),
               stages.get(next_stage, next_stage), tracks.get(court_track, court_track) if court_track else "—",
               "、".join(waits.get(a, a) for a in awaiting) if awaiting else "—", name or "—",
               "、".join(" ".join(v for v in (o.get("name"), mask_phone(o.get("phone"))) if v) for o in owners)
               if owners else "—"]


def due_table(items: list[dict[str, Any]]) -> str:
    """The due list as a table (parties masked)."""
    return _table(_DUE_HEADER, [_due_row(i) for i in items])


def record_run(paths: list[Path], out: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """``run``'s ledger: the documents recorded in ``out/ledger.db``; the current cases, the due list
    for today and a one-line summary. Each case's decision is the ledger's (its company's record)."""
    from propertytriage.ledger import Ledger, LedgerError, queries

    database = out / "ledger.db"
    with Ledger(f"sqlite:///{database}") as ledger:
        summary = ledger.import_files([str(p) for p in paths])
        if summary.refused:
            raise LedgerError("示例数据有文件未能导入台账", "some sample documents were refused by the ledger")
        with ledger.engine.connect() as connection:
            ids = [c["case_id"] for c in queries.list_cases(connection)]
            shown = [queries.show(connection, case_id) for case_id in ids]
            items = queries.due(connection, clock.today())
    line = f"ledger → {database}（{sheet_commands.counts_line(summary)}）"
    return [s for s in shown if s is not None], items, line


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "import":
        return sheet_commands.import_command(args)
    if args.command == "export":
        return sheet_commands.export_command(args)
    today = getattr(args, "on", None) or clock.today()
    check_ledger_url(args.db, args.command)
    if args.command in ("cases", "due"):
        from propertytriage.ledger.location import resolve_url
        from propertytriage.ledger.reading import open_current

        # a SQLite file at the newest schema is read without SQLAlchemy (ledger/reading.py)
        direct = open_current(resolve_url(args.db))
        if direct is not None:
            from propertytriage.ledger import listed

            with closing(direct), collector_paused():
                return _listed(args, today, functools.partial(listed.sqlite_case_rows, direct),
                               functools.partial(listed.sqlite_due_rows, direct), json_text=True)
    import propertytriage.jsonio as jsonio
    from propertytriage.ledger import Ledger, queries

    with Ledger(args.db) as ledger, ledger.engine.connect() as connection, collector_paused():
        if args.command == "show":
            # a case id typed in another encoding than UTF-8 names no case (queries.storable)
            record = queries.show(connection, args.case_id)
            if record is None:
                said = echoed(args.case_id, quote=False)
                raise InputError([Problem("case_id", "unknown_case", f"台账中没有案件 {said}",
                                          f"the ledger holds no case {said}")])
            print(jsonio.dumps(record))
            return 0
        return _listed(args, today, functools.partial(queries.case_rows, connection),
                       functools.partial(queries.due_rows, connection), json_text=False)


def _listed(args: argparse.Namespace, today: date, case_rows: Callable[..., Iterator[Any]],
            due_rows: Callable[..., Iterator[Any]], *, json_text: bool) -> int:
    """``cases`` or ``due`` printed from the rows the given readers give (``json_text``: the due rows'
    parties as JSON text, as ``sqlite3`` gives them)."""
    from propertytriage.ledger.listed import case_items, due_items

    if args.command == "cases":
        rows = case_rows(stage=args.stage, overdue_on=today if args.overdue else None)
        if args.json:
            write_json_list(case_items(rows), sys.stdout.write)
        else:  # the table's cells straight from the rows: no item is built
            write_table(_CASES_HEADER, _case_cells(rows), sys.stdout.write)
        return 0
    # a table without a calendar prints no basis or note: brief rows leave them in the database
    brief = not (args.json or args.ics)
    rows = due_rows(today, within_days=max(0, args.days), brief=brief)
    if brief:  # the table's cells straight from the rows: no item is built
        write_table(_DUE_HEADER, _due_cells(rows, today, json_text=json_text), sys.stdout.write)
        return 0
    items = due_items(rows, today, brief=brief, json_text=json_text)
    if not args.ics:
        write_json_list(items, sys.stdout.write)
        return 0
    from propertytriage.ledger.calendar_file import written_to_calendar
    from propertytriage.outputs import atomic

    # The calendar is whole or not at all (the usual mode: it carries case ids and titles, no
    # party), and the list is printed once it is in place: held in a spool until then.
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8") as printed:
        with atomic(Path(args.ics), binary=True) as handle:
            items = written_to_calendar(items, handle.write, stamp=datetime.now(UTC))
            _print_list(items, _DUE_HEADER, _due_row, as_json=args.json, write=printed.write)
        printed.seek(0)
        shutil.copyfileobj(printed, sys.stdout)
    return 0


def _print_list(items: Iterator[dict[str, Any]], header: list[str], row: Callable[[dict[str, Any]], list[str]], *,
                as_json: bool, write: Callable[[str], Any]) -> None:
    """The items as JSON or as a table, printed as they are read."""
    if as_json:
        write_json_list(items, write)
    else:
        write_table(header, (row(i) for i in items), write)
