"""``export --out FILE.xlsx|.csv``: the ledger as a 台账, one row per case.

The case columns are the ones the reader reads (columns.yaml), written as a clerk would type them:
Chinese names for enumerations, 是/否, dates as real dates, amounts as numbers, ID and phone numbers
as text, so that export then import gives back the same cases. After them come the ledger's view of
the case (decision, company score and rectification state, next deadline), which import reads past.
ID and phone numbers are masked unless ``full``: an export travels by e-mail and chat.

Not exported: a case's ``scorecard`` and ``rectification_history`` (they are the company's record, shown
in the company columns), and more than one attempt at the same stage (the latest is kept).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from propertytriage.models import Case
from propertytriage.models.validation import validate
from propertytriage.sheets.cells import as_inert_text, number_text
from propertytriage.sheets.columns import Catalogue, Column, ExportColumn, catalogue
from propertytriage.sheets.files import csv_writer, save_workbook
from propertytriage.sheets.styles import DATE_FORMAT, TEXT_FORMAT, display_width, style_header

_WIDTH_SAMPLE = 200
_MAX_WIDTH = 60
_EXACT_DIGITS = 15  # what a spreadsheet number keeps exactly; longer amounts are written as text
_OUTCOME_NAMES = {"resolved": "成功", "failed": "未成功"}


@dataclass(frozen=True)
class ExportRow:
    """One case with what the ledger knows about it."""

    case: Case | Mapping[str, Any]
    decision: Mapping[str, Any] | None = None
    company_score: Decimal | float | str | None = None
    rectification: str | None = None
    next_deadline: Mapping[str, Any] | None = None
    """``{"due_on": date or "YYYY-MM-DD", "title": ...}`` as the ledger lists deadlines."""


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """``150602********1234``: the ends kept, enough to tell parties apart."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def _masked(key: str, value: str) -> str:
    if key.endswith("id_number"):
        return mask(value, 6, 4)
    if key.endswith("phone"):
        return mask(value, 3, 4)
    return value


def _lookup(case: Case, column: Column) -> Any:
    parts = column.key.split(".")
    if parts[0] == "attempt":
        found = [a for a in case.attempts if a.stage == parts[1]]
        if not found:
            return None
        return found[-1].on if len(parts) == 3 else found[-1].outcome
    if column.n is not None:
        items = getattr(case, parts[0])
        return getattr(items[column.n - 1], parts[2]) if column.n <= len(items) else None
    value: Any = case
    for part in parts:
        value = getattr(value, part)
    return value


def case_cells(case: Case, columns: list[Column], *, full: bool) -> list[Any]:
    """The case's values as typed cells: names for choices, 是/否, dates, exact amounts."""
    cells: list[Any] = []
    for column in columns:
        value = _lookup(case, column)
        if value is None:
            cells.append(None)
        elif column.kind == "flag":
            cells.append("是" if value else "否")
        elif column.kind == "choice":
            cells.append(column.spec.choices.get(value, value))
        elif column.kind == "outcome":
            cells.append(_OUTCOME_NAMES[value])
        elif column.kind in ("amount", "score"):
            cells.append(value if _reads_back(value, column.kind) else str(value))
        elif column.kind == "code":
            cells.append(value if full else _masked(column.key, value))
        else:
            cells.append(value)
    return cells


def _reads_back(value: Decimal, kind: str) -> bool:
    """Whether a number cell gives back this exact text on import (cells.to_decimal_text): a number
    keeps 15 digits and no places of its own, and an amount is read with two places. Anything else is
    written as the text it is (``3912.5`` stays ``3912.5``), so the ledger sees no change."""
    text = str(value)
    if len(value.as_tuple().digits) > _EXACT_DIGITS or "E" in text:
        return False
    places = len(text.partition(".")[2])
    return places == 2 if kind == "amount" else number_text(float(value)) == text


def _names(column: ExportColumn, values: Iterable[str]) -> str:
    return "、".join(column.names.get(v, v) for v in values)


def ledger_cells(row: ExportRow, book: Catalogue) -> list[Any]:
    """The ledger's columns (export_only in columns.yaml, before 错误说明 and 序号)."""
    decision = row.decision or {}
    deadline = row.next_deadline or {}
    due = deadline.get("due_on")
    score = row.company_score
    by_key: dict[str, Any] = {
        "decision.next_stage": decision.get("next_stage"),
        "decision.court_track": decision.get("court_track"),
        "decision.awaiting": decision.get("awaiting") or [],
        "decision.forms": decision.get("forms") or [],
        "decision.rules": "；".join(str(r.get("rule", "")) for r in decision.get("reasons") or []) or None,
        "company.score": Decimal(str(score)) if score is not None else None,
        "company.rectification": row.rectification,
        "deadline.due_on": date.fromisoformat(due) if isinstance(due, str) else due,
        "deadline.title": deadline.get("title"),
    }
    cells: list[Any] = []
    for column in _ledger_columns(book):
        value = by_key[column.key]
        if isinstance(value, list):
            value = _names(column, value) or None
        elif isinstance(value, str) and column.names:
            value = column.names.get(value, value)
        cells.append(value)
    return cells


def _ledger_columns(book: Catalogue) -> list[ExportColumn]:
    return [c for c in book.export_only if c.key not in ("errors", "row_number")]


def _checked(rows: Iterable[ExportRow]) -> Iterator[tuple[ExportRow, Case]]:
    for row in rows:
        case = row.case if isinstance(row.case, Case) else validate(Case, dict(row.case))
        yield row, case


def _slots(pairs: list[tuple[ExportRow, Case]]) -> dict[str, int]:
    return {"owners": max((len(c.owners) for _, c in pairs), default=0),
            "focus_points": max((len(c.focus_points) for _, c in pairs), default=0)}


def export_rows(
    rows: Iterable[ExportRow], path: str | Path, *, full: bool = False, slots: dict[str, int] | None = None
) -> Path:
    """Write the 台账 as ``.xlsx`` or ``.csv`` (by the suffix of ``path``).

    ``slots`` says how many owners and focus points to make room for (``{"owners": 2}``); without it the
    rows are read once to count them, which holds them all in memory. With it, rows are streamed.
    """
    book = catalogue()
    target = Path(path)
    pairs: Iterable[tuple[ExportRow, Case]] = _checked(rows)
    if slots is None:
        pairs = list(pairs)
        slots = _slots(pairs)
    columns = book.export_columns(slots)
    headers = [c.label for c in columns] + [c.label for c in _ledger_columns(book)]
    lines = ((case_cells(case, columns, full=full) + ledger_cells(row, book)) for row, case in pairs)
    if target.suffix.lower() == ".csv":
        _write_csv(target, headers, lines)
    else:
        _write_xlsx(target, headers, columns, book, lines)
    return target


_FIRST_EXCEL_DAY = date(1900, 3, 1)  # before it Excel's serials count a 29 February 1900 that never was


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return as_inert_text(value)
    return str(value)


def _write_csv(target: Path, headers: list[str], lines: Iterable[list[Any]]) -> None:
    with csv_writer(target, private=True) as writer:  # parties' names, ID numbers (masked or not)
        writer.writerow(headers)
        for line in lines:
            writer.writerow([_csv_text(v) for v in line])


def _write_xlsx(
    target: Path, headers: list[str], columns: list[Column], book: Catalogue, lines: Iterator[list[Any]]
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sample = list(itertools.islice(lines, _WIDTH_SAMPLE))
    floors = [c.spec.width for c in columns] + [c.width for c in _ledger_columns(book)]
    for index, header in enumerate(headers):
        fit = max([display_width(header) + 2, floors[index]]
                  + [display_width(_csv_text(line[index])) + 2 for line in sample])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(fit, _MAX_WIDTH)
    sheet.freeze_panes = "B2"
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        style_header(cell)
        head.append(cell)
    sheet.append(head)
    kinds = [c.kind for c in columns]
    for line in itertools.chain(sample, lines):
        cells = []
        for index, value in enumerate(line):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text a clerk typed, never a formula to run
            if isinstance(value, date) and value < _FIRST_EXCEL_DAY:  # Excel shows it as #####
                cell.value = value.isoformat()
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str) and index < len(kinds) and kinds[index] in ("code", "text", "prose"):
                cell.number_format = TEXT_FORMAT
            cells.append(cell)
        sheet.append(cells)
    save_workbook(workbook, target, private=True)
