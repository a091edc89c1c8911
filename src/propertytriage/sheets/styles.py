"""Looks shared by every workbook this package writes: the header, the cell formats of each kind."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
"""The fill of a refused cell (Excel's own light red for bad values)."""

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
NUMBER_FORMATS = {"date": DATE_FORMAT, "code": TEXT_FORMAT, "text": TEXT_FORMAT, "prose": TEXT_FORMAT,
                  "amount": "#,##0.00", "choice": TEXT_FORMAT, "outcome": TEXT_FORMAT}
"""Number format of each kind of column: ID and phone numbers as text so Excel never rounds them."""


def style_header(cell: Any) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT


def display_width(text: str) -> int:
    """Columns a text takes in Excel: a Chinese character is about two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
