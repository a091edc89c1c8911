"""The due list as an iCalendar file (RFC 5545) that clerks subscribe to in their calendar.

Each item is an all-day event on its due date, identified by its subject and kind so that a
calendar refreshing the file updates an event instead of adding a second one. The calendar carries
case ids and titles only, never a party's name or number: it leaves the office on phones.

The events are written line by line as they are read, in the text the ``icalendar`` library gives
(its escaping of TEXT values and its folding of lines at 75 octets; the header and the stamp are
its own output): building 82,000 of its ``Event`` objects took 40 s of CPU and 800 MiB, writing
their lines takes well under a second in the memory of one event. tests/ledger/test_calendar_file.py
holds the two to the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from icalendar import Calendar, Event

_SUBJECT_ZH = {"case": "案件", "company": "物业企业"}
_FOLD_AT = 74  # octets of a content line before a fold; the fold's leading space makes it 75 (RFC 5545 §3.1)
_CONTINUATION = 0b1000_0000  # a UTF-8 byte that continues a character: 10xxxxxx


def _escape(text: str) -> str:
    """A TEXT value escaped as RFC 5545 §3.3.11 asks, in icalendar's order of replacements."""
    return (text.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
            .replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n"))


def _fold(line: str) -> bytes:
    """The content line in UTF-8, folded before any character that would take it past 75 octets,
    never right after a backslash or a caret that starts an escape (as icalendar folds)."""
    data = line.encode()
    if len(data) <= _FOLD_AT:
        return data
    parts, start = [], 0
    while len(data) - start > _FOLD_AT:
        cut = start + _FOLD_AT
        while data[cut] & 0b1100_0000 == _CONTINUATION:
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > start:  # keep an escape's two characters together
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts)


@lru_cache(maxsize=4096)  # a description is its kind's note and basis: the same few thousand texts recur
def _text_line(name: str, value: str) -> bytes:
    return _fold(f"{name}:{_escape(value)}") + b"\r\n"


def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _frame(stamp: datetime) -> tuple[bytes, bytes, bytes]:
    """(the calendar's header, its footer, the DTSTAMP line of every event), as icalendar writes them."""
    calendar = Calendar()
    calendar.add("prodid", "-//propertytriage//ledger//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "物业纠纷台账 到期事项")
    whole = bytes(calendar.to_ical())
    footer = b"END:VCALENDAR\r\n"
    event = Event()
    event.add("dtstamp", stamp)
    stamp_line = bytes(event.to_ical()).removeprefix(b"BEGIN:VEVENT\r\n").removesuffix(b"END:VEVENT\r\n")
    return whole.removesuffix(footer), footer, stamp_line


@lru_cache(maxsize=4096)  # a few hundred distinct days among 100,000 items
def _dates(due_on: str) -> bytes:
    """The DTSTART and DTEND lines of an all-day event on ``due_on``."""
    day = date.fromisoformat(due_on)
    return f"DTSTART;VALUE=DATE:{_day(day)}\r\nDTEND;VALUE=DATE:{_day(day + timedelta(days=1))}\r\n".encode()


def _event(item: dict[str, Any], stamp_line: bytes) -> bytes:
    subject = item["subject_id"].removeprefix("credit:").removeprefix("name:")
    uid = hashlib.sha256(f"{item['subject_type']}\0{item['subject_id']}\0{item['kind']}".encode()).hexdigest()
    summary = f"{item['title']}｜{_SUBJECT_ZH.get(item['subject_type'], '')} {subject}"
    return b"".join((
        b"BEGIN:VEVENT\r\n",
        _fold(f"SUMMARY:{_escape(summary)}"), b"\r\n",  # a summary names its subject: none alike, no cache
        _dates(item["due_on"]),
        stamp_line,
        b"UID:", uid[:32].encode(), b"@propertytriage\r\n",  # 51 octets of hex and ASCII: nothing to escape or fold
        _text_line("DESCRIPTION", f"{item['note']}\n依据：{item['basis']}"),
        b"END:VEVENT\r\n",
    ))


_EVENTS_PER_WRITE = 500


def written_to_calendar(items: Iterable[dict[str, Any]], write: Callable[[bytes], Any], *,
                        stamp: datetime) -> Iterator[dict[str, Any]]:
    """Each item of ``due`` passed on once its event is made; the events are written with ``write`` a
    few hundred at a time, and the calendar is whole (its last line written) when the items are
    exhausted."""
    header, footer, stamp_line = _frame(stamp)
    write(header)
    events: list[bytes] = []
    for item in items:
        events.append(_event(item, stamp_line))
        if len(events) == _EVENTS_PER_WRITE:
            write(b"".join(events))
            events.clear()
        yield item
    write(b"".join(events) + footer)


def calendar_bytes(items: Iterable[dict[str, Any]], *, stamp: datetime) -> bytes:
    """The items of ``due`` as an iCalendar file."""
    chunks: list[bytes] = []
    for _item in written_to_calendar(items, chunks.append, stamp=stamp):
        pass
    return b"".join(chunks)
