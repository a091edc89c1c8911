"""Every workbook and CSV file this package writes appears whole, with the project's permissions.

A clerk files what is in the folder: a killed export must not leave half a 台账 under its name, so
each file goes through ``outputs.atomic`` (a hidden temporary name, flushed, renamed). A file that
holds personal data — an export (parties' names, ID and phone numbers, masked or not) and the refused
rows of an import (as the clerk typed them) — is readable by its owner only, as the ledger's
database is; the blank template holds none and gets the usual permissions.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from propertytriage.outputs import atomic


def save_workbook(workbook: Any, path: str | Path, *, private: bool) -> Path:
    """Save an openpyxl workbook whole or not at all."""
    target = Path(path)
    with atomic(target, binary=True, private=private) as handle:
        workbook.save(handle)
    return target


@contextmanager
def csv_writer(path: str | Path, *, private: bool) -> Iterator[Any]:
    """A CSV writer on a UTF-8 file with a byte-order mark (Excel and WPS read UTF-8 only with it)."""
    with atomic(path, binary=True, private=private) as raw:
        raw.write(b"\xef\xbb\xbf")
        text = _TextOut(raw)
        yield csv.writer(text)


class _TextOut:
    """Text written as UTF-8 to a binary handle (``outputs.atomic`` opens text without ``newline=''``,
    which the csv module needs)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def write(self, text: str) -> int:
        self._raw.write(text.encode("utf-8"))
        return len(text)
