"""Where a clerk looks for a bad cell: sheet, row number, column letter and header."""

from __future__ import annotations

from dataclasses import dataclass

from propertytriage.errors import Problem


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``: the letters above a column in Excel and WPS."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class CellProblem:
    """One thing wrong in a sheet; ``column`` is None when the row as a whole is at fault."""

    sheet: str
    row: int
    column: int | None
    header: str
    key: str
    code: str
    zh: str
    en: str

    @property
    def letter(self) -> str:
        return "" if self.column is None else column_letter(self.column)

    @property
    def location(self) -> str:
        """``台账!C5「登记日期」``; ``台账 第5行`` for a whole row."""
        if self.column is None:
            return f"{self.sheet} 第{self.row}行 (row {self.row})"
        return f"{self.sheet}!{self.letter}{self.row}「{self.header}」"

    def problem(self) -> Problem:
        """The same, as the package's errors carry it (location, code, Chinese, English)."""
        return Problem(self.location, self.code, self.zh, self.en)

    def render(self) -> str:
        return self.problem().render()

    def note(self) -> str:
        """The text of the cell's comment and of the 错误说明 column."""
        where = f"{self.letter}列「{self.header}」：" if self.column is not None else ""
        return f"{where}{self.zh} / {self.en}"
