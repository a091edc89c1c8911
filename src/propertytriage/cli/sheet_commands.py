"""``import`` of spreadsheets beside JSON, with ``--errors``, and ``export``: the ledger and the office's
台账 (SPEC §3, §4).

The import itself (sheet rows and the ledger's refusals matched to their rows) is
``ledger.file_import``, which ``POST /v1/import`` runs too; here are the command's options, its
messages and the ``--errors`` workbook.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from propertytriage.cli.ledger_url import check_ledger_url
from propertytriage.errors import InputError, Problem, printable, shown

if TYPE_CHECKING:
    from propertytriage.engine import Triage
    from propertytriage.ledger.ledger import ImportSummary
    from propertytriage.sheets.importing import SheetImport


def add_import_options(parser: argparse.ArgumentParser) -> None:
    """The spreadsheet options of ``import``."""
    parser.add_argument("--sheet", metavar="NAME",
                        help="the sheet of each .xlsx to read (default: the first) / 工作表名")
    parser.add_argument("--errors", metavar="FILE.xlsx",
                        help="write the refused rows of the sheet, with 错误说明, for correction / 拒收行另存")
    parser.add_argument("--reason", metavar="TEXT",
                        help="why these documents correct the ledger, kept on every event the import records; "
                             "a document's own correction_reason (a sheet's 更正原因 column) wins / 更正原因")


def add_export_parser(sub: Any, db: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[db], help="the ledger as a 台账 (.xlsx or .csv), one row per case / 导出台账")
    p.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.csv")
    p.add_argument("--full", action="store_true",
                   help="write ID and phone numbers in full (default: masked) / 不隐去身份证号、电话")


def _is_sheet(path: str) -> bool:
    from propertytriage.ledger.file_import import is_sheet

    return is_sheet(path)


def _checked_import_options(files: list[str], errors: str | None) -> None:
    if errors is None:
        return
    if Path(errors).suffix.lower() != ".xlsx":
        raise InputError([Problem("--errors", "not_a_workbook", "--errors 的文件名须以 .xlsx 结尾",
                                  "the --errors file name must end in .xlsx")])
    sheets = [f for f in files if _is_sheet(f)]
    if len(sheets) != 1:
        raise InputError([Problem(
            "--errors", "one_sheet_for_errors",
            f"--errors 须与恰好一个 .xlsx 或 .csv 文件同用（现有 {len(sheets)} 个）",
            f"--errors goes with exactly one .xlsx or .csv file ({len(sheets)} given)",
        )])
    if any(Path(errors).resolve() == Path(f).resolve() for f in files):
        raise InputError([Problem("--errors", "would_overwrite_input", "--errors 不能是正在导入的文件",
                                  "--errors must not be a file being imported")])


def import_files(ledger: Any, files: list[str], *, sheet: str | None = None,
                 reason: str | None = None, batch_size: int | None = None) -> tuple[Any, list[Any]]:
    """Import ``files`` into ``ledger`` (``ledger.file_import``, shared with ``POST /v1/import``)."""
    from propertytriage.ledger.file_import import import_files as shared

    return shared(ledger, files, sheet=sheet, reason=reason, batch_size=batch_size)


def _not_there_yet(given: str | None) -> bool:
    """Whether ``--db`` names a SQLite file that does not exist: the ledger ``import`` would create."""
    from propertytriage.ledger.location import resolve_url
    from propertytriage.ledger.reading import sqlite_file

    path = sqlite_file(resolve_url(given))
    return path is not None and not os.path.exists(path)


def _none_can_be_opened(files: list[str]) -> ImportSummary | None:
    """Each file's refusal when not one of them can be opened, else None.

    A mistyped file name must not leave a new, empty ledger behind (in the current folder, by
    default) for the clerk to find later and wonder about.
    """
    from propertytriage.ledger.documents import unreadable
    from propertytriage.ledger.ledger import ImportSummary
    from propertytriage.ledger.recording import Outcome

    summary = ImportSummary()
    for path in files:
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            summary.add(Outcome("refused", path, problems=list(unreadable(path, error).problems)))
        else:
            return None
    return summary


def counts_line(summary: ImportSummary) -> str:
    """The import's counts in both languages; cases and company records apart when both were imported.

    A clerk compares the count with the cases listed: "新立 23" beside 22 cases looks like a lost
    case when the 23rd document was a company's scorecard.
    """
    refused = len(summary.refused)
    if not summary.companies:
        return (f"新立 {summary.new}，变更 {summary.changed}，未变 {summary.unchanged}，拒收 {refused} / "
                f"new {summary.new}, changed {summary.changed}, unchanged {summary.unchanged}, refused {refused}")
    companies = summary.companies
    cases = {status: getattr(summary, status) - companies[status] for status in ("new", "changed", "unchanged")}
    return (f"案件：新立 {cases['new']}，变更 {cases['changed']}，未变 {cases['unchanged']}；"
            f"企业记录：新立 {companies['new']}，变更 {companies['changed']}，未变 {companies['unchanged']}；"
            f"拒收 {refused} / cases: new {cases['new']}, changed {cases['changed']}, unchanged {cases['unchanged']}; "
            f"company records: new {companies['new']}, changed {companies['changed']}, "
            f"unchanged {companies['unchanged']}; refused {refused}")


def import_command(args: argparse.Namespace) -> int:
    """``propertytriage import FILE… [--sheet NAME] [--errors FILE.xlsx] [--reason TEXT]``: exit 2 if anything
    was refused."""
    from propertytriage.ledger import Ledger
    from propertytriage.ruledata.corrections import checked_reason

    _checked_import_options(args.files, args.errors)
    reason = checked_reason(args.reason, "--reason")  # before anything is opened or recorded
    check_ledger_url(args.db, args.command)
    unopened = _none_can_be_opened(args.files)
    jobs: list[SheetImport] = []
    if unopened is not None:  # nothing to record: no ledger is created or opened for it
        summary = unopened
    else:
        batch_size = max(1, args.batch_size)
        with contextlib.ExitStack() as opened:
            def ledger(triage: Triage | None = None) -> Ledger:
                return opened.enter_context(Ledger(args.db, batch_size=batch_size, triage=triage))

            # a new ledger is created only once a document would be recorded in it (file_import.py); one
            # that exists is opened (and migrated) first, as always
            summary, jobs = import_files(ledger if _not_there_yet(args.db) else ledger(), args.files,
                                         sheet=args.sheet, reason=reason, batch_size=batch_size)
    for outcome in summary.refused:
        # the case id and the file name are the input's own text: an escape sequence in either would
        # rewrite the clerk's terminal, and a pasted paragraph would bury the problem
        subject = f" {shown(outcome.subject, 120, quote=False)}" if outcome.subject else ""
        for problem in outcome.problems:
            print(printable(f"拒收 refused: {outcome.source}{subject}: {problem.render()}"), file=sys.stderr)
    print(counts_line(summary))
    if summary.unchanged_with_reason:
        print(f"其中 {summary.unchanged_with_reason} 份与台账相同，没有可记录的更正，其更正原因未记录 / "
              f"{summary.unchanged_with_reason} of the unchanged documents gave a reason; nothing changed, so no "
              "event was recorded and neither was their reason", file=sys.stderr)
    if args.errors is not None:
        refused_rows = sum(len(job.refused) for job in jobs)
        if refused_rows:
            jobs[0].write_errors(args.errors)
            print(f"拒收的 {refused_rows} 行已写入 {args.errors}，改正后可直接再导入 / "
                  f"{refused_rows} refused rows written to {args.errors}; fix them and import that file",
                  file=sys.stderr)
        else:
            print(f"没有拒收的行，未写出 {args.errors} / no row was refused; {args.errors} not written",
                  file=sys.stderr)
    return 2 if summary.refused else 0


def export_command(args: argparse.Namespace) -> int:
    """``propertytriage export --out FILE.xlsx|.csv [--full]``: the ledger's cases as a 台账."""
    from propertytriage.cli.ledger_export import case_count, export_slots, ledger_rows
    from propertytriage.ledger import Ledger
    from propertytriage.sheets.export import export_rows

    target = Path(args.out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        raise InputError([Problem("--out", "not_a_sheet", "--out 的文件名须以 .xlsx 或 .csv 结尾",
                                  "the --out file name must end in .xlsx or .csv")])
    check_ledger_url(args.db, args.command)
    with Ledger(args.db) as ledger, ledger.engine.connect() as connection:
        slots = export_slots(connection)
        export_rows(ledger_rows(connection), target, full=args.full, slots=slots)
        count = case_count(connection)
    masked = "" if args.full else "（身份证号、电话已隐去部分 / ID and phone numbers masked）"
    print(f"已导出 {count} 件案件到 {target}{masked} / {count} cases exported to {target}", file=sys.stderr)
    return 0
