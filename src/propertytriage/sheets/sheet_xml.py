"""A large workbook's rows and shared strings read straight from the XML as expat parses it.

The streamed import's extra cost over JSON lines was mostly per cell (docs/sheets.md): openpyxl's
sheet parser builds an element for every XML node, then a dict for every cell, and parses every
coordinate with a regular expression; its shared strings become a rich-text object each. Here the
standard library's expat (the parser under ElementTree, which openpyxl uses) calls back for each tag
and text, and a cell is kept only as its attributes and texts until its end tag: the values are those
openpyxl's read-only mode gives (``tests/sheets/test_sources.py`` compares the two on generated
sheets, both writers' ways). A date serial's conversion and an ISO date stay openpyxl's code.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

_NS = f"{SHEET_MAIN_NS}}}"  # how expat names an element of the sheet's namespace: "<uri>}c"
_ROW, _C, _V, _T, _FORMULA, _INLINE, _PHONETIC, _ITEM = (
    _NS + local for local in ("row", "c", "v", "t", "f", "is", "rPh", "si"))
_DIGITS = "0123456789"
_CHUNK = 1 << 16
_CACHED_DATES = 1 << 14  # distinct date serials kept converted; a 台账's dates repeat across rows


def shared_strings(source: IO[bytes]) -> list[str]:
    """The shared-strings table as openpyxl's ``read_string_table`` gives it: each entry's text, its
    runs joined and its phonetic guide left out, ``x005F_`` escapes dropped. An Excel-saved 台账 of
    100,000 rows holds half a million entries, which openpyxl builds a rich-text object for each."""
    strings: list[str] = []
    parts: list[str] = []
    sink: list[str] | None = None
    phonetic = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal sink, phonetic
        if name == _T:
            if not phonetic:
                sink = parts
        elif name == _ITEM:
            parts.clear()
            phonetic = False
        elif name == _PHONETIC:
            phonetic = True

    def end(name: str) -> None:
        nonlocal sink, phonetic
        sink = None
        if name == _ITEM:
            strings.append("".join(parts).replace("x005F_", ""))
        elif name == _PHONETIC:
            phonetic = False

    def characters(data: str) -> None:
        if sink is not None:
            sink.append(data)

    parser = _expat(start, end, characters)
    while chunk := source.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return strings


def _expat(start: Callable[[str, dict[str, str]], None], end: Callable[[str], None],
           characters: Callable[[str], None]) -> Any:
    """An expat parser calling back ``start``, ``end`` and ``characters`` (a text in one piece where
    expat's buffer allows), elements named ``<namespace>}<local name>``."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    return parser


def sheet_rows(
    source: IO[bytes], strings: list[str], *, date_styles: set[int], timedelta_styles: set[int], epoch: Any,
    uncomputed: Callable[[str], Any],
) -> Iterator[tuple[int, list[Any]]]:
    """Each ``<row>``'s number and its values by column (index 0 is column A; a column the row leaves
    out is None), as openpyxl's read-only mode reads them with ``data_only``: numbers as int or float,
    a number in a date style as a datetime, shared and inline texts as str (an inline text in runs of
    several fonts joined, its phonetic guide left out), booleans as bool, an error as its text
    (``#N/A``). A formula whose file holds no result becomes ``uncomputed(text)``.

    expat calls back for each start tag, end tag and text; a cell is kept as its attributes and texts
    until its end tag, and a row's values are handed on once the chunk that ends it is parsed.
    """
    columns: dict[str, int] = {}
    dated: dict[str | None, bool] = {None: False}
    days: dict[tuple[str, bool], Any] = {}
    done: list[tuple[int, list[Any]]] = []
    values: list[Any] = []
    pairs: list[tuple[int, Any]] | None = None
    number = column = 0
    ref: str | None = None
    kind: str | None = None
    style: str | None = None
    sink: list[str] | None = None
    texts: list[str] = []  # a <v>, or an inline text's <t>s
    formula: list[str] | None = None
    inline = phonetic = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal ref, kind, style, sink, formula, inline, phonetic, values, pairs, number, column
        if name == _C:
            ref, kind, style = attrs.get("r"), attrs.get("t"), attrs.get("s")
            texts.clear()
            formula = None
            inline = phonetic = False
        elif name == _V:
            if kind != "inlineStr":
                texts.clear()
                sink = texts
        elif name == _T:
            if inline and not phonetic:
                sink = texts
        elif name == _ROW:
            at = attrs.get("r")
            number = _row_number(at) if at is not None else number + 1
            values, pairs, column = [], None, 0
        elif name == _INLINE:
            inline = kind == "inlineStr"
        elif name == _FORMULA:
            formula = sink = []
        elif name == _PHONETIC:
            phonetic = True

    def end(name: str) -> None:
        nonlocal sink, column, pairs, phonetic
        sink = None
        if name == _C:
            if ref:
                letters = ref.rstrip(_DIGITS)
                found = columns.get(letters)
                if found is None:
                    found = columns[letters] = _column_of(letters, ref)
                column = found
            else:
                column += 1
            value: Any
            if kind == "inlineStr":
                value = "".join(texts) if inline else None
            else:
                text = "".join(texts) or None
                if text is None:
                    value = None if formula is None else uncomputed("".join(formula))
                elif kind is None or kind == "n":
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
            else:  # a cell out of order: placed as openpyxl's reader places it (_placed)
                if pairs is None:
                    pairs = list(enumerate(values, start=1))
                pairs.append((column, value))
        elif name == _ROW:
            done.append((number, values if pairs is None else _placed(pairs)))
        elif name == _PHONETIC:
            phonetic = False

    def characters(data: str) -> None:
        if sink is not None:
            sink.append(data)

    parser = _expat(start, end, characters)
    while True:
        chunk = source.read(_CHUNK)
        parser.Parse(chunk, not chunk)
        yield from done
        done.clear()
        if not chunk:
            return


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
    index: int = column_index_from_string(letters)
    return index


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
