"""The entry point for the ledger's ``import`` of a sheet, with ``--errors``.

The ledger records the rows that read well and may refuse some of those itself (a score that
contradicts the company's record); ``--errors FILE.xlsx`` must hold both kinds, so the reading and the
refusals meet here and the workbook is written once the import is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from propertytriage.errors import Problem
from propertytriage.sheets.problems import CellProblem
from propertytriage.sheets.reader import SheetReader, SheetRow
from propertytriage.sheets.refused import write_refused


class SheetImport:
    """Rows of a sheet for the ledger, remembering the refused ones for ``--errors``."""

    def __init__(self, path: str | Path, sheet: str | None = None) -> None:
        self.reader = SheetReader(path, sheet)
        self.refused: list[SheetRow] = []

    def rows(self) -> Iterator[SheetRow]:
        """Every data row; a row with problems is refused already and is not to be recorded."""
        for row in self.reader:
            if row.refused:
                self.refused.append(row)
            yield row

    def refuse(self, row: SheetRow, problems: list[Problem]) -> None:
        """Record that the ledger refused a row that read well, for the reasons given."""
        found = tuple(self._at_cell(row, p) for p in problems)
        self.refused.append(replace(row, document=None, case=None, problems=row.problems + found))

    def _at_cell(self, row: SheetRow, problem: Problem) -> CellProblem:
        """The ledger's problem at the cell its field came from, else on the row as a whole."""
        reader = self.reader
        try:
            index = reader._index_of(problem.location, row.document or {}, {}) if problem.location else None
        except (KeyError, IndexError, TypeError):  # an item of a list: its slot is not known here
            index = None
        if index is None:
            return CellProblem(row.sheet, row.number, None, "", "", problem.code, problem.zh, problem.en)
        column = reader.header.columns[index]
        return CellProblem(row.sheet, row.number, index, reader.header.texts[index],
                           column.key if column is not None else "", problem.code, problem.zh, problem.en)

    def write_errors(self, path: str | Path) -> int:
        """Write the refused rows (see ``refused.write_refused``); returns how many."""
        return write_refused(path, self.reader.header, self.refused)
