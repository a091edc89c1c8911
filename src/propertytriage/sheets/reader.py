"""A 台账 sheet read into case documents (SPEC §4), one row at a time, every bad cell named.

The header row holds English keys or the template's Chinese labels; rows above it (a title, a date
line) are skipped. Each row becomes the document SPEC §2.1 takes, built from the cells that are not
blank, and is checked by the Case model; the model's complaints are mapped back to the cell they came
from, so a clerk sees ``台账!C5「登记日期」`` rather than ``filed_on``. A row is refused with all of its
problems at once; the rows around it are still read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from propertytriage.errors import InputError, Problem, echoed
from propertytriage.models import Case
from propertytriage.models.validation import problems_of
from propertytriage.ruledata.corrections import KEY as REASON_KEY
from propertytriage.ruledata.corrections import checked_reason
from propertytriage.sheets.cells import CellError, converter, is_blank, to_text
from propertytriage.sheets.columns import STAGES, Catalogue, Column, catalogue
from propertytriage.sheets.first_rows import FirstRows
from propertytriage.sheets.problems import CellProblem, column_letter
from propertytriage.sheets.sources import CsvFile, RawRow, SourceError, UncomputedFormula, open_source

_HEADER_SEARCH = 10  # rows scanned for the header: a title and a line or two of notes above it
_MODEL_PATH = re.compile(r"(?P<list>owners|attempts|focus_points)\[(?P<index>\d+)\](?:\.(?P<rest>.+))?")


@dataclass(frozen=True)
class Header:
    """The header row: where it is and which column each cell names (None: unknown)."""

    sheet: str
    row: int
    texts: list[str]
    columns: list[Column | None]
    by_key: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetRow:
    """One data row: its case document, or the problems that refuse it, and the values as read.

    ``document`` also holds the row's 更正原因 as ``correction_reason``, beside the case's keys (the
    ledger takes it off); ``case`` is the case alone."""

    source: str
    sheet: str
    number: int
    values: list[Any]
    document: dict[str, Any] | None
    case: Case | None
    problems: tuple[CellProblem, ...] = ()

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def _file_error(name: str, code: str, zh: str, en: str) -> InputError:
    return InputError([Problem("", code, zh, en)], subject=name)


def _find_header(rows: Iterator[RawRow], sheet: str, book: Catalogue,
                 encoding: tuple[str, str] | None = None) -> Header:
    seen = 0
    for raw in rows:
        if not raw.own:
            continue
        seen += 1
        texts = ["" if is_blank(v) else str(to_text(v)) for v in raw.values]
        filled = [t for t in texts if t]
        columns = [book.column(t) if t else None for t in texts]
        known = sum(1 for t, c in zip(texts, columns, strict=True) if t and (c is not None or book.ignored(t)))
        if known >= 2 and known * 2 >= len(filled):
            return _checked_header(Header(sheet, raw.number, texts, columns), book)
        if seen >= _HEADER_SEARCH:
            break
    if encoding is not None:  # a CSV file read in an encoding it was found in, not UTF-8
        raise _file_error(sheet, "no_header", f"{sheet} 前 {_HEADER_SEARCH} 行中找不到表头行。{encoding[0]}",
                          f"{sheet}: no header row in the first {_HEADER_SEARCH} rows. {encoding[1]}")
    raise _file_error(
        sheet, "no_header",
        f"{sheet} 前 {_HEADER_SEARCH} 行中找不到表头行；"
        "表头应为模板的列名（如 案件编号、登记日期）或英文键（如 case_id、filed_on）",
        f"{sheet}: no header row in the first {_HEADER_SEARCH} rows; the header holds the template's labels "
        "(such as 案件编号) or the English keys (such as case_id, filed_on)",
    )


def _checked_header(header: Header, book: Catalogue) -> Header:
    problems: list[Problem] = []
    for index, column in enumerate(header.columns):
        if column is None:
            continue
        if column.key in header.by_key:
            first = column_letter(header.by_key[column.key])
            problems.append(Problem(
                f"{header.sheet}!{column_letter(index)}{header.row}", "duplicate_column",
                f"「{header.texts[index]}」与 {first} 列是同一列（{column.key}），请删去其一",
                f"{header.texts[index]!r} is the same column as column {first} ({column.key}); remove one",
            ))
        else:
            header.by_key[column.key] = index
    for spec in book.specs:
        if spec.required and spec.key not in header.by_key:
            problems.append(Problem(
                f"{header.sheet} 第{header.row}行", "missing_column",
                f"缺少必填列「{spec.label}」（{spec.key}）",
                f"the required column {spec.label} ({spec.key}) is missing",
            ))
    if problems:
        raise InputError(problems)
    return header


class SheetReader:
    """Reads a sheet's header at once, then its rows as they are asked for.

    File-level faults (unreadable file, no header row, a required column missing, a column twice)
    raise ``InputError`` from the constructor; a bad row is a ``SheetRow`` with problems.
    """

    def __init__(self, path: str | Path, sheet: str | None = None, *, book: Catalogue | None = None) -> None:
        self.path = Path(path)
        self.book = book or catalogue()
        try:
            source = open_source(self.path, sheet)
            self.sheet = source.name
            self._rows = source.rows()
            note = source.encoding_note() if isinstance(source, CsvFile) else None
            self.header = _find_header(self._rows, self.sheet, self.book, note)
        except SourceError as error:
            raise InputError([error.problem], subject=str(self.path)) from None
        self._steps: list[_Step | None] = [
            None if column is None else (converter(column, self.book), *_placement(column),
                                         {} if column.kind in _REPEATING else None)
            for column in self.header.columns]
        self._unknown = [index for index, (text, column) in enumerate(zip(self.header.texts, self.header.columns,
                                                                          strict=True))
                         if column is None and text and not self.book.ignored(text)]
        self._unnamed = [index for index, text in enumerate(self.header.texts) if not text]

    def __iter__(self) -> Iterator[SheetRow]:
        try:
            with FirstRows() as first_rows:
                for raw in self._rows:
                    if raw.own:
                        yield self._once(self._row(raw), first_rows)
        except SourceError as error:
            raise InputError([error.problem], subject=str(self.path)) from None

    def _once(self, row: SheetRow, first_rows: FirstRows) -> SheetRow:
        """The row, refused at its case number's cell if an earlier row of the sheet holds the same
        case: a 台账 holds a case on one row (SPEC §4), and two rows would otherwise be two snapshots
        with the later silently winning."""
        case_id = row.document.get("case_id") if row.document is not None else None
        if not isinstance(case_id, str):
            return row
        first = first_rows.setdefault(case_id, row.number)
        if first == row.number:
            return row
        said = echoed(case_id, quote=False)  # an id of up to 300 characters: the message needs its start
        problem = self._problem(
            row.number, self.header.by_key.get("case_id"), "duplicate_case_id",
            f"案件编号 {said} 已在第 {first} 行：一个案件在台账中只占一行，请合并这两行",
            f"case_id {said} is already on row {first}: a case takes one row of the sheet; merge the two rows")
        return SheetRow(row.source, row.sheet, row.number, row.values, None, None, (problem,))

    def _problem(self, row: int, index: int | None, code: str, zh: str, en: str) -> CellProblem:
        if index is None:
            return CellProblem(self.sheet, row, None, "", "", code, zh, en)
        column = self.header.columns[index]
        key = column.key if column is not None else ""
        return CellProblem(self.sheet, row, index, self.header.texts[index], key, code, zh, en)

    def _row(self, raw: RawRow) -> SheetRow:
        problems: list[CellProblem] = []
        document: dict[str, Any] = {}
        attempts: dict[str, dict[str, Any]] = {}
        items: dict[str, dict[int, dict[str, Any]]] = {}
        values = raw.values
        width = len(values)
        for index in self._unknown:
            if index < width and not is_blank(values[index]):
                text = self.header.texts[index]
                problems.append(self._problem(
                    raw.number, index, "unknown_column",
                    f"不认识的列「{text}」，请改用模板的列名，或清空这一列",
                    f"unknown column {text!r}; use a column name of the template or leave the column empty",
                ))
        for index in self._unnamed:
            if index < width and not is_blank(values[index]):
                problems.append(self._problem(
                    raw.number, index, "unnamed_column",
                    f"{column_letter(index)} 列没有列名却填了值：请在表头填上模板的列名，或清空这一格",
                    f"column {column_letter(index)} has a value but no header: give it a column name of the "
                    "template, or clear the cell",
                ))
        if width > len(self.header.texts):
            for index in range(len(self.header.texts), width):
                if not is_blank(values[index]):
                    problems.append(self._problem(
                        raw.number, None, "unnamed_column",
                        f"{column_letter(index)} 列在表头之外却填了值：请在表头填上模板的列名，或清空这一格",
                        f"column {column_letter(index)} lies past the header but has a value: give it a column "
                        "name of the template, or clear the cell",
                    ))
        for index, value, step in zip(range(width), values, self._steps, strict=False):
            if step is None or value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value or value.isspace():
                    continue
            elif kind is UncomputedFormula:
                problems.append(self._problem(
                    raw.number, index, "formula_without_value",
                    f"「{value}」是公式，但文件里没有保存它的计算结果：请用 Excel 或 WPS 打开这个文件、保存后再导入",
                    f"{str(value)!r} is a formula whose result the file does not hold: open the file in Excel "
                    "or WPS, save it, and import it again",
                ))
                continue
            convert, where, first, second, slot, seen = step
            try:
                if seen is not None and (kind is str or kind is datetime):
                    converted = seen.get(value, _UNSEEN)
                    if converted is _UNSEEN:
                        converted = convert(value)
                        if len(seen) >= _SEEN_AT_MOST:
                            seen.clear()
                        seen[value] = converted
                else:
                    converted = convert(value)
            except CellError as error:
                problems.append(self._problem(raw.number, index, error.code, error.zh, error.en))
                continue
            if where == _TOP:
                document[first] = converted
            elif where == _DETAIL:
                document.setdefault(first, {})[second] = converted
            elif where == _ITEM:
                items.setdefault(first, {}).setdefault(slot, {})[second] = converted
            else:
                attempts.setdefault(first, {})[second] = converted
        self._attempts(document, attempts, raw.number, problems)
        slots = {name: sorted(by_n) for name, by_n in items.items()}
        for name, by_n in items.items():
            document[name] = [by_n[n] for n in slots[name]]
        reason = self._reason(document.pop(REASON_KEY, None), raw.number, problems)  # beside the case, not in it
        case = self._validated(document, slots, raw.number, problems)
        sheet = "" if self.sheet == self.path.name else f" {self.sheet}"  # a CSV file's "sheet" is its name
        source = f"{self.path}{sheet} 第{raw.number}行"
        if problems:
            return SheetRow(source, self.sheet, raw.number, raw.values, None, None, tuple(problems))
        if reason is not None:  # the document as the ledger takes it: the case and, beside it, its reason
            document[REASON_KEY] = reason
        return SheetRow(source, self.sheet, raw.number, raw.values, document, case)

    def _reason(self, value: Any, row: int, problems: list[CellProblem]) -> str | None:
        """The row's 更正原因, checked as the ledger checks a document's, its problems put at its cell."""
        try:
            return checked_reason(value)
        except InputError as error:
            at = self.header.by_key.get(REASON_KEY)
            problems.extend(self._problem(row, at, p.code, p.zh, p.en) for p in error.problems)
            return None

    def _validated(
        self, document: dict[str, Any], slots: dict[str, list[int]], row: int, problems: list[CellProblem]
    ) -> Case | None:
        """The case, or None with the model's problems added at their cells.

        pydantic checks the case as a whole (an owners' committee attempt where there is none) only
        once every field is valid; so the fields at fault are set aside and the rest checked again,
        and the clerk sees all of the row's problems in one import.
        """
        candidate = document
        for _ in range(2):
            try:
                case = Case.model_validate(candidate)
            except ValidationError as error:
                bad = {p.column for p in problems}
                faulty = set()
                for found in problems_of(error):
                    faulty.add(re.split(r"[.\[]", found.location, maxsplit=1)[0])
                    at = self._index_of(found.location, document, slots)
                    if at is not None and at in bad:
                        continue  # already reported as the cell's own problem
                    problems.append(self._problem(row, at, found.code, found.zh, found.en))
                candidate = {k: v for k, v in candidate.items() if k not in faulty}
                continue
            return None if problems else case
        return None

    def _attempts(
        self, document: dict[str, Any], attempts: dict[str, dict[str, Any]], row: int, problems: list[CellProblem]
    ) -> None:
        ladder = []
        for stage in STAGES:
            attempt = attempts.get(stage)
            if attempt is None:
                continue
            if "outcome" not in attempt:
                if self.header.by_key.get(f"attempt.{stage}") in {p.column for p in problems}:
                    continue  # the outcome cell is bad and already reported
                problems.append(self._problem(
                    row, self.header.by_key.get(f"attempt.{stage}.on"), "date_without_outcome",
                    "填了日期但没有填结果（成功或未成功）", "a date is given but no outcome (resolved or failed)",
                ))
                continue
            ladder.append({"stage": stage, **attempt})
        if ladder:
            document["attempts"] = ladder

    def _index_of(self, location: str, document: dict[str, Any], slots: dict[str, list[int]]) -> int | None:
        """The column a model problem's path (``owners[0].id_number``) came from, if any."""
        key = location
        match = _MODEL_PATH.fullmatch(location)
        if match:
            name, position, rest = match["list"], int(match["index"]), match["rest"]
            if name == "attempts":
                stage = document["attempts"][position]["stage"]
                key = f"attempt.{stage}.on" if rest == "on" else f"attempt.{stage}"
            elif rest is not None:
                key = f"{name}.{slots[name][position]}.{rest.split('.')[0]}"
            else:
                prefix = f"{name}.{slots[name][position]}."
                return next((i for k, i in self.header.by_key.items() if k.startswith(prefix)), None)
        while key:
            if key in self.header.by_key:
                return self.header.by_key[key]
            key = key.rpartition(".")[0]
        return None


_TOP, _DETAIL, _ITEM, _ATTEMPT = range(4)

_Step = tuple[Callable[[Any], Any], int, str, str, int, dict[Any, Any] | None]
"""A header column's converter, where its value goes (``_placement``) and, for a kind whose cells
repeat down a sheet (dates, yes/no, choices), the values already converted."""

_REPEATING = frozenset({"date", "flag", "choice", "outcome"})
_SEEN_AT_MOST = 4096  # converted values kept per column: a date column of a large sheet, not more
_UNSEEN = object()


def _placement(column: Column) -> tuple[int, str, str, int]:
    """Where a column's value goes in the document: ``(kind, name, field, slot)``."""
    parts = column.key.split(".")
    if parts[0] == "attempt":
        return _ATTEMPT, parts[1], "on" if len(parts) == 3 else "outcome", 0
    if column.n is not None:
        return _ITEM, parts[0], parts[2], column.n
    if len(parts) == 2:
        return _DETAIL, parts[0], parts[1], 0
    return _TOP, column.key, "", 0


def read_sheet(path: str | Path, sheet: str | None = None) -> Iterator[SheetRow]:
    """Every data row of a sheet (first sheet unless named), checked; see ``SheetReader``."""
    yield from SheetReader(path, sheet)


def read_documents(path: str | Path, sheet: str | None = None) -> Iterator[tuple[str, dict[str, Any] | None,
                                                                                 tuple[Problem, ...]]]:
    """What the ledger's import takes: ``(source, document, problems)`` per row, a refused row with
    ``None`` and its problems. A file that cannot be read at all raises ``InputError``."""
    for row in read_sheet(path, sheet):
        yield row.source, row.document, tuple(p.problem() for p in row.problems)
