"""The due list as an iCalendar file (RFC 5545) that clerks subscribe to in their calendar.

Each item is an all-day event on its due date, identified by its subject and kind so that a
calendar refreshing the file updates an event instead of adding a second one. The calendar carries
case ids and titles only, never a party's name or number: it leaves the office on phones.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

_SUBJECT_ZH = {"case": "案件", "company": "物业企业"}


def calendar_bytes(items: list[dict[str, Any]], *, stamp: datetime) -> bytes:
    """The items of ``due`` as an iCalendar file."""
    calendar = Calendar()
    calendar.add("prodid", "-//propertytriage//ledger//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "物业纠纷台账 到期事项")
    for item in items:
        day = date.fromisoformat(item["due_on"])
        subject = item["subject_id"].removeprefix("credit:").removeprefix("name:")
        uid = hashlib.sha256(f"{item['subject_type']}\0{item['subject_id']}\0{item['kind']}".encode()).hexdigest()
        event = Event()
        event.add("uid", f"{uid[:32]}@propertytriage")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"{item['title']}｜{_SUBJECT_ZH.get(item['subject_type'], '')} {subject}")
        event.add("description", f"{item['note']}\n依据：{item['basis']}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
