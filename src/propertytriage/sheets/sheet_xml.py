"""A large workbook's rows and shared strings read straight from its parsed XML, a row at a time.

The streamed import's extra cost over JSON lines was mostly per cell (docs/sheets.md): openpyxl's
sheet parser makes a dict for every cell and parses every coordinate with a regular expression, and
the pull parser's events reach Python once for every element (a cell is two or three). Here the XML is
still parsed by the standard library's expat through ElementTree (what openpyxl itself uses), but
nothing is reported per element: the tree builder is left to build each ``<row>`` in C, and a row is
looked at only once it is complete, its ``<c>`` elements turned into the values openpyxl's read-only
mode gives (``tests/sheets/test_sources.py`` compares the two on generated sheets). Whatever is rare
and intricate — rich text, ISO dates, a date serial's conversion — is still openpyxl's code.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, XMLPullParser

from openpyxl.cell.text import Text
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

_NS = f"{{{SHEET_MAIN_NS}}}"
DATA_TAG = _NS + "sheetData"
STRINGS_TAG = _NS + "sst"
_VALUE = _NS + "v"
_FORMULA = _NS + "f"
_INLINE = _NS + "is"
_TEXT = _NS + "t"
_DIGITS = "0123456789"
_CHUNK = 1 << 16
_CACHED_DATES = 1 << 14  # distinct date serials kept converted; a 台账's dates repeat across rows


def children_once_complete(source: IO[bytes], parent_tag: str) -> Iterator[Element]:
    """Each child of the first ``parent_tag`` element, once its closing tag has been parsed, then
    dropped from the tree (so reading a long sheet holds one row at a time).

    Events are asked for only until ``parent_tag`` opens; then the parser is told to report none (see
    ``_silenced``), and after each chunk fed every child but the last is complete — the last may still
    be open. A Python where events cannot be turned off gives the same children, more slowly.
    """
    pull = XMLPullParser(events=("start",))
    parent: Element | None = None
    while True:
        chunk = source.read(_CHUNK)
        if chunk:
            pull.feed(chunk)
        else:
            pull.close()
        for _event, element in pull.read_events():
            if parent is None and element.tag == parent_tag:
                parent = element
                _silenced(pull)
        if parent is not None:
            done = len(parent) if not chunk else len(parent) - 1
            if done > 0:
                finished = parent[:done]
                del parent[:done]
                yield from finished
        if not chunk:
            return


def _silenced(pull: XMLPullParser) -> None:
    """Have ``pull`` report no more events, if it can.

    ``_setevents`` is how ``XMLPullParser`` sets its events in CPython 3.11 and 3.12; a test holds that
    it still stops them. Without it nothing changes but speed.
    """
    setevents = getattr(getattr(pull, "_parser", None), "_setevents", None)
    queue = getattr(pull, "_events_queue", None)
    if setevents is not None and queue is not None:
        setevents(queue, ())


def shared_strings(source: IO[bytes]) -> list[str]:
    """The shared-strings table as openpyxl's ``read_string_table`` gives it (each entry's text, runs
    joined, phonetic guides left out, ``x005F_`` escapes dropped), a plain ``<si><t>`` taken directly:
    an Excel-saved 台账 of 100,000 rows holds half a million of them."""
    strings: list[str] = []
    append = strings.append
    for item in children_once_complete(source, STRINGS_TAG):
        if len(item) == 1 and item[0].tag == _TEXT:
            text = item[0].text or ""
        else:
            text = Text.from_tree(item).content
        append(text.replace("x005F_", ""))
    return strings


def sheet_rows(
    source: IO[bytes], strings: list[str], *, date_styles: set[int], timedelta_styles: set[int], epoch: Any,
    uncomputed: Callable[[str], Any],
) -> Iterator[tuple[int, list[Any]]]:
    """Each ``<row>``'s number and its values by column (index 0 is column A; a column the row leaves
    out is None), as openpyxl's read-only mode reads them with ``data_only``: numbers as int or float,
    a number in a date style as a datetime, shared and inline texts as str, booleans as bool, an
    error as its text (``#N/A``). A formula whose file holds no result becomes ``uncomputed(text)``.
    """
    columns: dict[str, int] = {}
    dated: dict[str | None, bool] = {None: False}
    days: dict[tuple[str, bool], Any] = {}
    number = 0
    for row in children_once_complete(source, DATA_TAG):
        at = row.get("r")
        number = _row_number(at) if at is not None else number + 1
        values: list[Any] = []
        column = 0
        pairs: list[tuple[int, Any]] | None = None
        for cell in row:
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                found = columns.get(letters)
                if found is None:
                    found = columns[letters] = _column_of(letters, ref)
                column = found
            else:
                column += 1
            kind = cell.get("t")
            if kind == "inlineStr":
                inline = cell.find(_INLINE)
                if inline is None:
                    value: Any = None
                elif len(inline) == 1 and inline[0].tag == _TEXT:
                    value = inline[0].text or ""
                else:
                    value = Text.from_tree(inline).content
            else:
                text = cell.findtext(_VALUE) or None
                if text is None:
                    formula = cell.find(_FORMULA)
                    value = None if formula is None else uncomputed(formula.text or "")
                elif kind is None or kind == "n":
                    style = cell.get("s")
                    is_date = dated.get(style)
                    if is_date is None:
                        is_date = dated[style] = (int(style) in date_styles) if style else False
                    if is_date and style:
                        span = int(style) in timedelta_styles
                        value = days.get((text, span))
                        if value is None:
                            value = _day(text, span, epoch, ref)
                            if len(days) >= _CACHED_DATES:
                                days.clear()
                            days[(text, span)] = value
                    elif "." in text or "E" in text or "e" in text:
                        value = float(text)
                    else:
                        value = int(text)
                elif kind == "s":
                    try:
                        value = strings[int(text)]
                    except IndexError:
                        raise ValueError(f"cell {ref} names shared string {text}, which the file lacks") from None
                elif kind == "b":
                    value = bool(int(text))
                elif kind == "d":
                    value = from_ISO8601(text)
                else:  # "str" (a formula's text), "e" (an error such as #N/A)
                    value = text
            if pairs is None and column == len(values) + 1:
                values.append(value)
            elif pairs is None and column > len(values):
                values.extend([None] * (column - 1 - len(values)))
                values.append(value)
            else:  # a cell out of order: placed as openpyxl's reader places it, below
                if pairs is None:
                    pairs = list(enumerate(values, start=1))
                pairs.append((column, value))
        if pairs is not None:
            values = _placed(pairs)
        yield number, values


def _placed(pairs: list[tuple[int, Any]]) -> list[Any]:
    """Cells out of column order, as openpyxl's read-only mode places them: the row is as wide as its
    last cell's column, a later cell of the same column wins, a cell past that width is dropped."""
    values: list[Any] = [None] * pairs[-1][0]
    width = len(values)
    for column, value in pairs:
        if 1 <= column <= width:
            values[column - 1] = value
    return values


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)  # openpyxl accepts "5.0"
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _column_of(letters: str, ref: str) -> int:
    if not letters or letters == ref:
        raise ValueError(f"{ref!r} is not a cell reference")
    return column_index_from_string(letters)


def _day(text: str, span: bool, epoch: Any, ref: str | None) -> Any:
    """A number in a date style as openpyxl gives it (a datetime; a duration in a time-span style; a
    serial outside the calendar as the error ``#VALUE!``, with openpyxl's warning)."""
    number: float | int = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
    try:
        return from_excel(number, epoch, timedelta=span)
    except (OverflowError, ValueError):
        warnings.warn(f"Cell {ref} is marked as a date but the serial value {number} is outside the limits for "
                      "dates. The cell will be treated as an error.", stacklevel=2)
        return "#VALUE!"
