"""Cut a JSON list into the text of its items as it is read, so a list of any length runs in
the memory of its largest item.

Why a splitter rather than an incremental parser: each item is then parsed by the same
``json.loads`` call (exact decimals, a key given twice refused, the same messages) as a single case
or a line of JSON lines, so a case means the same however it arrives, and no dependency is added.
The splitter only has to find where each item ends: it skips strings (escapes included) and counts
brackets; it does not judge the item, ``json.loads`` does. What lies between items (commas, white
space, the closing bracket) it checks itself, naming line and column like ``json`` would.

For speed, an object or list item is first handed to the same parser's ``raw_decode`` where it
starts in the text read so far: a complete, valid item comes back parsed at C speed. Anything else
(the item goes on past what was read, or is invalid) takes the careful path above, so the outcome
never depends on where a read happened to end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

#: Deeper than the parser can go anyway (it overflows Python's stack near 1,000 levels): a deeper
#: item is refused where it becomes too deep, instead of being held in memory whole first.
MAX_DEPTH = 1000

Decode = Callable[[str, int], tuple[Any, int]]
"""``json.JSONDecoder.raw_decode``: the value starting at an offset, and where it ends."""

_CHUNK = 1 << 20
_WHITESPACE = " \t\n\r"
_BRACKET_OR_QUOTE = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # after the opening quote
_SCALAR = re.compile(r'[^\s,\]\[{}"]*')


class SplitError(ValueError):
    """The text between the items is not JSON; ``line`` and ``column`` count from 1, like json's."""

    def __init__(self, msg: str, line: int, column: int) -> None:
        super().__init__(f"{msg}: line {line} column {column}")
        self.msg, self.line, self.column = msg, line, column


@dataclass(frozen=True)
class Item:
    """One item: its text and where it starts in the file (line and column from 1), or, when
    ``decode`` parsed it on the fast path, its value (``parsed`` true, no text kept)."""

    text: str
    line: int
    column: int
    value: Any = None
    parsed: bool = False


class _Reader:
    """A window on the text: ``buf[pos:]`` not yet consumed.

    Lines are counted once, as the reading moves on: ``mark`` is the offset in ``buf`` up to which
    they are counted, ``line`` the line number there and ``line_start`` where that line starts
    (negative when it started in text already dropped).
    """

    def __init__(self, handle: IO[str], start: str) -> None:
        self.handle = handle
        self.buf = start
        self.pos = 0
        self.eof = False
        self.mark = 0
        self.line = 1
        self.line_start = 0

    def more(self) -> bool:
        """Read another chunk, dropping consumed text; False at the end of the input."""
        if self.eof:
            return False
        chunk = self.handle.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        dropped = self.pos
        self._count_to(dropped)
        self.buf = self.buf[dropped:] + chunk
        self.pos = 0
        self.mark -= dropped
        self.line_start -= dropped
        return True

    def _count_to(self, offset: int) -> None:
        if offset > self.mark:
            newlines = self.buf.count("\n", self.mark, offset)
            if newlines:
                self.line += newlines
                self.line_start = self.buf.rfind("\n", self.mark, offset) + 1
            self.mark = offset

    def where(self, offset: int) -> tuple[int, int]:
        """Line and column (from 1) of ``buf[offset]``; offsets asked for never go back."""
        self._count_to(offset)
        return self.line, offset - self.line_start + 1

    def fail(self, msg: str, offset: int) -> SplitError:
        return SplitError(msg, *self.where(offset))

    def skip_space(self) -> str:
        """The next character that is not white space ('' at the end), left unconsumed."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self.more():
                return ""


def items(handle: IO[str], start: str, decode: Decode | None = None) -> Iterator[Item]:
    """The items of the JSON list whose text begins with ``start`` (the opening ``[`` first)
    and continues in ``handle``; with ``decode``, complete object and list items come parsed."""
    reader = _Reader(handle, start)
    reader.skip_space()
    reader.pos += 1  # the opening bracket, checked by the caller
    first = True
    while True:
        char = reader.skip_space()
        if char == "]":
            reader.pos += 1
            break
        if not first:
            if char != ",":
                raise reader.fail("Expecting ',' delimiter", reader.pos)
            reader.pos += 1
            char = reader.skip_space()
            if char in ("", "]"):
                raise reader.fail("Expecting value", reader.pos)
        elif char == "":
            raise reader.fail("Expecting value", reader.pos)
        yield _item(reader, decode)
        first = False
    if reader.skip_space() != "":
        raise reader.fail("Extra data", reader.pos)


def _item(reader: _Reader, decode: Decode | None) -> Item:
    """Consume one item starting at ``reader.pos``; its end is found without judging its content."""
    start = reader.pos
    if decode is not None and reader.buf[start] in "[{":
        try:
            value, parsed_to = decode(reader.buf, start)
        except Exception:  # cut short by the end of the text read so far, or invalid: the careful path
            pass
        else:
            reader.pos = parsed_to
            return Item("", 0, 0, value, parsed=True)
    scan = start
    depth = 0
    while True:
        buf = reader.buf
        if depth == 0 and buf[scan] not in "[{":
            end: int | None
            if buf[scan] == '"':
                end = _string_end(buf, scan + 1)
            else:
                match = _SCALAR.match(buf, scan)
                end = match.end() if match is not None and match.end() < len(buf) else None
                if end is not None and end == scan:  # a stray '}' or similar: one bad character
                    end = scan + 1
            if end is not None or reader.eof:
                return _take(reader, start, len(buf) if end is None else end)
        else:
            found = _scan_brackets(buf, scan, depth)
            if isinstance(found, int):  # the item ends here
                return _take(reader, start, found)
            scan, depth = found
            if depth > MAX_DEPTH:
                raise reader.fail(f"nested more than {MAX_DEPTH} levels deep", scan - 1)
            if reader.eof:  # unterminated: json.loads names the problem
                return _take(reader, start, len(buf))
        # the item goes on past what was read: read more (which drops the text before the item)
        if reader.more():
            scan -= start
            start = 0


def _take(reader: _Reader, start: int, end: int) -> Item:
    line, column = reader.where(start)
    reader.pos = end
    return Item(reader.buf[start:end], line, column)


def _string_end(buf: str, after_quote: int) -> int | None:
    match = _STRING_REST.match(buf, after_quote)
    return match.end() if match is not None else None


def _scan_brackets(buf: str, scan: int, depth: int) -> int | tuple[int, int]:
    """The end of the item if it closes within ``buf``, else where to resume and the depth there."""
    while True:
        match = _BRACKET_OR_QUOTE.search(buf, scan)
        if match is None:
            return len(buf), depth
        at = match.start()
        char = buf[at]
        if char == '"':
            end = _string_end(buf, at + 1)
            if end is None:
                return at, depth  # resume at the quote once more text is read
            scan = end
            continue
        scan = at + 1
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return scan, depth
        else:
            depth -= 1
            if depth == 0:
                return scan
            if depth < 0:  # cannot happen from an item's start; json.loads reports it
                return scan
