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

import functools
from datetime import date, timedelta

import chinese_calendar
import yaml
from pydantic import BaseModel, ConfigDict

from propertytriage.ruledata.paths import rules_dir


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


@functools.cache
def fixed_date_holidays() -> frozenset[tuple[int, int]]:
    """(month, day) of the statutory holidays with fixed dates (rules/parameters/holidays.yaml)."""
    data = yaml.safe_load((rules_dir() / "parameters" / "holidays.yaml").read_text(encoding="utf-8"))
    return frozenset((int(md[:2]), int(md[3:])) for md in data["fixed_dates"])


def next_working_day(day: date) -> tuple[date, bool]:
    """The first working day on or after ``day``; False if the calendar missed a day looked at.

    For a year the calendar does not cover, weekends and the fixed-date statutory holidays (元旦,
    劳动节, 国庆节) are skipped; the lunar holidays and adjusted working days are unknown.
    """
    covered = True
    while True:
        working = is_working_day(day)
        if working is None:
            covered = False
            working = day.weekday() < 5 and (day.month, day.day) not in fixed_date_holidays()
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
    elif covered:
        note = f"期限末日 {due.isoformat()} 为工作日"
    else:
        note = f"期限末日 {due.isoformat()} 不是周末或固定日期的法定节假日"
    if not covered:
        version = chinese_calendar.__version__
        note += (f"；节假日数据未覆盖 {nominal.year} 年（chinese_calendar {version}），"
                 "仅按周末及元旦、劳动节、国庆节顺延，春节、清明、端午、中秋及调休须人工核对国务院公布的放假安排"
                 f" / holiday data does not cover {nominal.year}: only weekends and the fixed-date holidays "
                 "were skipped; check the State Council's holiday schedule by hand")
    return Deadline(starts_on=start, days=days, nominal=nominal, due_on=due, rolled=rolled,
                    calendar_covered=covered, calendar_version=str(chinese_calendar.__version__), note=note)
