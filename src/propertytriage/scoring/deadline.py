"""Rectification deadlines: count the days, then move off statutory holidays and rest days.

A rectification deadline is a civil period set by the administration, not a litigation period, so
the Civil Code's rules on periods apply: the day a period starts is not counted (民法典 第二百零一条),
and a period whose last day is a statutory holiday (法定休假日) ends on the day after it
(第二百零三条). Which days are holidays, rest
days and adjusted working days (调休上班) comes from the ``chinese_calendar`` data, which stops at
the last year the State Council has announced. Beyond it we do not guess silently: only Saturdays
and Sundays are skipped and the result carries a warning that the date must be checked by hand.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from pydantic import BaseModel, ConfigDict


class Deadline(BaseModel):
    """A computed deadline and how it was reached, for the notice and for review."""

    model_config = ConfigDict(frozen=True)

    starts_on: date
    days: int
    nominal: date
    due_on: date
    rolled: bool
    calendar_covered: bool
    calendar_version: str = ""
    """The holiday data used (chinese_calendar's version): a later release that adds a year's
    holidays can change a deadline in that year, so a replayed state says which data it used."""
    note: str


def is_working_day(day: date) -> bool | None:
    """Whether ``day`` is a working day, or None if the calendar data does not cover its year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _holiday_name(day: date) -> str:
    try:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    return str(name) if name else ""


def next_working_day(day: date) -> tuple[date, bool]:
    """The first working day on or after ``day``; False if the calendar missed a day looked at."""
    covered = True
    while True:
        working = is_working_day(day)
        if working is None:
            covered = False
            working = day.weekday() < 5
        if working:
            return day, covered
        day += timedelta(days=1)


def deadline_after(start: date, days: int) -> Deadline:
    """The deadline ``days`` after ``start`` (start not counted), rolled to a working day."""
    nominal = start + timedelta(days=days)
    due, covered = next_working_day(nominal)
    rolled = due != nominal
    if rolled:
        name = _holiday_name(nominal)
        why = f"（{name}）" if name else ""
        note = f"期限末日 {nominal.isoformat()} 为法定休假日或休息日{why}，顺延至 {due.isoformat()}"
    else:
        note = f"期限末日 {due.isoformat()} 为工作日"
    if not covered:
        version = chinese_calendar.__version__
        note += (f"；节假日数据未覆盖 {nominal.year} 年（chinese_calendar {version}），"
                 "仅按周六、周日顺延，请人工核对国务院公布的放假安排"
                 f" / holiday data does not cover {nominal.year}: only weekends were skipped; "
                 "check the State Council's holiday schedule by hand")
    return Deadline(starts_on=start, days=days, nominal=nominal, due_on=due, rolled=rolled,
                    calendar_covered=covered, calendar_version=str(chinese_calendar.__version__), note=note)
