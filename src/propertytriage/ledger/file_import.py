"""Files into the ledger, spreadsheets beside JSON: what ``propertytriage import`` and
``POST /v1/import`` of an uploaded sheet both run.

Why in the ledger's package: the reading of a sheet (``sheets``) sits below the ledger, and the rows
refused must hold both kinds of refusal — the rows that could not be read and the rows the ledger itself
refused (a score that contradicts the company's record) — so the two meet here, below the command
line and the web service alike. Documents go to :meth:`Ledger.import_documents` one batch at a time;
after each batch the ledger's refusals are matched to their rows and the rest of the batch is let go,
so a sheet of any length is imported in flat memory.

An upload is kept in a temporary file while it is read; ``names`` gives the name the clerk knows it by,
so that events and refusals never record the temporary path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, islice
from pathlib import Path
from typing import Any

from propertytriage.engine import Triage
from propertytriage.errors import InputError, Problem, echoed
from propertytriage.ledger.documents import Document, read_documents
from propertytriage.ledger.ledger import ImportSummary, Ledger
from propertytriage.ledger.recording import Outcome
from propertytriage.sheets import SHEET_SUFFIXES
from propertytriage.sheets.first_rows import FirstRows
from propertytriage.sheets.importing import SheetImport

Item = tuple[Document, Any, SheetImport | None]  # (document, SheetRow or None, its sheet or None)


def is_sheet(path: str | Path) -> bool:
    """A spreadsheet by its suffix (.xlsx, .xls, .csv …), read by ``sheets`` rather than as JSON."""
    return Path(path).suffix.lower() in SHEET_SUFFIXES


def _shown(source: str, path: str, name: str | None) -> str:
    return name + source[len(path):] if name is not None and source.startswith(path) else source


def _documents(files: list[str], sheet: str | None, jobs: list[SheetImport],
               names: Mapping[str, str]) -> Iterator[Item]:
    """Every document of every file, in order, each with the sheet row it came from."""
    for path in files:
        name = names.get(path)
        if not is_sheet(path):
            for document in read_documents(path):
                yield Document(_shown(document.source, path, name), document.body, document.problems), None, None
            continue
        try:
            job = SheetImport(path, None if Path(path).suffix.lower() == ".csv" else sheet)
        except InputError as error:  # the file as a whole: refused, the other files still recorded
            yield Document(name or path, problems=tuple(error.problems)), None, None
            continue
        jobs.append(job)
        with FirstRows() as first_row:  # a 台账 holds a case on one row (SPEC §4): a second is a mistake
            for row in job.rows():
                problems = tuple(p.problem() for p in row.problems)
                case_id = row.document.get("case_id") if row.document is not None else None
                if isinstance(case_id, str) and not problems:
                    first = first_row.setdefault(case_id, row.number)
                    if first != row.number:
                        said = echoed(case_id, quote=False)
                        problems = (Problem(
                            "case_id", "duplicate_case_id",
                            f"案件编号 {said} 已在第 {first} 行：一个案件在台账中只占一行，请合并这两行",
                            f"case_id {said} is already on row {first}: a case takes one row of the sheet; "
                            "merge the two rows"),)
                case = row.case if not problems else None  # validated by the reader: not again by the ledger
                yield Document(_shown(row.source, path, name), row.document, problems, case), row, job


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _matched(result: ImportSummary, batch: list[Item]) -> None:
    """The ledger's refusals of rows that read well, told to their sheets (for ``--errors`` and ``rows``)."""
    read_well = {document.source: (row, job) for document, row, job in batch
                 if row is not None and job is not None and not row.refused}
    for outcome in result.refused:
        found = read_well.get(outcome.source)
        if found is not None:
            found[1].refuse(found[0], outcome.problems)


def _until_recordable(opener: Callable[[Triage], Ledger], items: Iterator[Item], summary: ImportSummary,
                      reason: str | None) -> tuple[Ledger, Iterator[Item]] | None:
    """The ledger ``opener`` opens once a document would be recorded, and the items from that one on;
    None when not one would be, each refusal then in ``summary``.

    Whether a document would be recorded is asked of an empty ledger in memory: the ledger's own
    recording answers it (the contract, the company's lifecycle, triage), so a document refused there
    is refused as the new file, empty as well, would refuse it, in the same words, and is not tried
    again. The first one recorded there is recorded again in the ledger opened, with every item after
    it (the in-memory one is dropped). The rules engine is loaded only once a document could be read,
    and lent to the ledger opened."""
    trial: Ledger | None = None
    try:
        for item in items:
            document = item[0]
            if document.problems:  # refused by its reader: no ledger needed to say so
                summary.add(Outcome("refused", document.source, problems=list(document.problems)))
                continue
            if trial is None:
                trial = Ledger("sqlite://", triage=Triage(), batch_size=1)
            result = trial.import_documents([document], reason=reason)
            if not result.refused:
                return opener(trial.triage), chain([item], items)
            summary.merge(result)
            _matched(result, [item])
        return None
    finally:
        if trial is not None:
            trial.close()


def import_files(ledger: Ledger | Callable[[Triage], Ledger], files: list[str], *, sheet: str | None = None,
                 names: Mapping[str, str] | None = None, reason: str | None = None,
                 batch_size: int | None = None) -> tuple[ImportSummary, list[SheetImport]]:
    """Import ``files`` into ``ledger``; the summary and the sheets read (each knowing its refused rows).

    ``ledger``: the ledger, or what opens it, given the rules engine to decide with, once a document
    would be recorded (``import`` into a SQLite file not yet there): an empty file, ``[]``, broken JSON,
    or documents the contract refuses (``{}``, ``7``, a case without its filing date) would otherwise
    leave an empty ledger behind, made for nothing. Their refusals are then those the new ledger would
    have given (see :func:`_until_recordable`).
    ``reason``: the import's reason for its corrections (``--reason``), on every event it records but
    those of a document or row that gives its own."""
    summary = ImportSummary()
    jobs: list[SheetImport] = []
    items: Iterator[Item] = _documents(files, sheet, jobs, names or {})
    if not isinstance(ledger, Ledger):
        opened = _until_recordable(ledger, items, summary, reason)
        if opened is None:
            return summary, jobs
        ledger, items = opened
    for batch in _batches(items, batch_size or ledger.batch_size):
        result = ledger.import_documents([document for document, _, _ in batch], reason=reason)
        summary.merge(result)
        _matched(result, batch)
    return summary, jobs
