"""Spreadsheets in and out (SPEC §4): the office's Excel 台账 read into cases, the template, the export."""

from propertytriage.sheets.reader import SheetReader, SheetRow, read_documents, read_sheet
from propertytriage.sheets.sources import SHEET_SUFFIXES

__all__ = ["SHEET_SUFFIXES", "SheetReader", "SheetRow", "read_documents", "read_sheet"]
