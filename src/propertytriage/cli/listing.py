"""Printing a list of any length in the memory of one item: the ledger's ``cases`` and ``due``.

A ledger of 100,000 cases lists 100,000 rows; building them all before printing took 300–600 MiB
and most of the time went into measuring each cell's width twice. Here the rows are read once from
the database cursor: a table's rows go to a temporary spool (in memory up to a few MiB, on disk
beyond) with their widths, because a column's width is known only once every row is seen; JSON
items are printed as they come. The text is exactly what the list-based printing gave.
"""

from __future__ import annotations

import json
import marshal
import operator
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any, cast

import orjson

SPOOL_IN_MEMORY = 4 << 20  # bytes of spooled rows kept in memory before the spool moves to a file
_BATCH = 1000  # rows marshalled at once


class _WideCharacters(dict[str, int]):
    """1 for a wide or full-width character (汉字), 0 for any other; each character asked of
    ``unicodedata`` once, then looked up in C (``map``)."""

    def __missing__(self, character: str) -> int:
        self[character] = wide = 1 if unicodedata.east_asian_width(character) in "WF" else 0
        return wide


_WIDE = _WideCharacters()
_MEASURED: dict[str, int] = {}  # cell → columns beyond its length: stage names, titles, companies recur
_MEASURED_AT_MOST = 1 << 16  # cells remembered (names and addresses would otherwise fill it)


def _extra(text: str) -> int:
    """Columns ``text`` takes beyond its length: one for each wide or full-width character (汉字)."""
    extra = _MEASURED.get(text)
    if extra is None:
        if len(_MEASURED) >= _MEASURED_AT_MOST:
            _MEASURED.clear()
        extra = _MEASURED[text] = sum(map(_WIDE.__getitem__, text))
    return extra


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (汉字) take two."""
    return len(text) if text.isascii() else len(text) + _extra(text)


def write_table(header: list[str], rows: Iterable[Sequence[str]], write: Callable[[str], Any]) -> None:
    """The rows under ``header``, each column as wide as its widest cell, then a newline."""
    widths = [width(h) for h in header]
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        batch: list[Sequence[str]] = []
        for cells in rows:
            batch.append(cells)
            if len(batch) == _BATCH:
                _spool(batch, widths, spool)
        _spool(batch, widths, spool)
        spool.seek(0)
        write("  ".join(h + " " * (w - width(h)) for h, w in zip(header, widths, strict=True)).rstrip() + "\n"
              + "  ".join("-" * w for w in widths))
        last = len(widths) - 1
        while size := int.from_bytes(spool.read(8), "little"):
            cells, extras = marshal.loads(spool.read(size))
            # column by column: each cell padded to its column's width (a wide character's extra column
            # counted); the last column is not padded, since the line's trailing spaces are cut anyway
            padded = [[c.ljust(w) for c in column] if column_extras is None
                      else [c.ljust(w - e) for c, e in zip(column, column_extras, strict=True)]
                      for column, column_extras, w in zip(cells[:last], extras[:last], widths[:last], strict=True)]
            padded.append(cells[last])
            write("".join("\n" + "  ".join(line).rstrip() for line in zip(*padded, strict=True)))
    write("\n")


def _spool(batch: list[Sequence[str]], widths: list[int], spool: IO[bytes]) -> None:
    """A batch of rows to the spool, by column, with each cell's columns beyond its length (None for a
    column of ASCII cells, the usual case), as one marshalled block after its length (reading row by row
    was slower than building the rows); ``widths`` grows to the widest cells."""
    if not batch:
        return
    columns = [list(column) for column in zip(*batch, strict=True)]
    extras: list[list[int] | None] = []
    for i, column in enumerate(columns):
        lengths = list(map(len, column))
        if "".join(column).isascii():
            extras.append(None)
        else:  # mostly stage names, titles and companies measured before: one dictionary lookup each
            known = list(map(_MEASURED.get, column))
            column_extras = [_extra(c) if e is None else e for c, e in zip(column, known, strict=True)] \
                if None in known else cast(list[int], known)
            extras.append(column_extras)
            lengths = list(map(operator.add, lengths, column_extras))
        widths[i] = max(widths[i], *lengths)
    block = marshal.dumps((columns, extras))
    spool.write(len(block).to_bytes(8, "little"))
    spool.write(block)
    batch.clear()


def _indented(item: Any) -> str:
    """``json.dumps(item, indent=2, ensure_ascii=False)``; orjson writes the same text ten times faster."""
    try:
        return orjson.dumps(item, option=orjson.OPT_INDENT_2).decode()
    except (TypeError, orjson.JSONEncodeError):  # what orjson refuses (a lone surrogate, a huge integer)
        return json.dumps(item, ensure_ascii=False, indent=2, default=str)


def write_json_list(items: Iterable[Any], write: Callable[[str], Any]) -> None:
    """The items as one indented JSON list (``jsonio.dumps`` of the whole list), then a newline."""
    first = True
    for item in items:
        write(("[\n  " if first else ",\n  ") + _indented(item).replace("\n", "\n  "))
        first = False
    write("[]\n" if first else "\n]\n")
