"""Today's date as the contract reads it, with a seam for tests and replays.

A filing date after today cannot be right, but "today" depends on where it is asked: the courts
using this product keep China Standard Time (UTC+8), and a server kept on UTC would otherwise refuse
a case filed this morning in Beijing until 08:00. Tests and replays of old batches fix the day with
:func:`today_is` instead of patching ``date``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")

_FIXED: ContextVar[date | None] = ContextVar("propertytriage_today", default=None)


def today() -> date:
    """Today in China Standard Time, unless fixed by :func:`today_is`."""
    fixed = _FIXED.get()
    return fixed if fixed is not None else datetime.now(CHINA_STANDARD_TIME).date()


@contextmanager
def today_is(day: date) -> Iterator[None]:
    """Within the block (this thread or task only), today is ``day``."""
    token = _FIXED.set(day)
    try:
        yield
    finally:
        _FIXED.reset(token)
