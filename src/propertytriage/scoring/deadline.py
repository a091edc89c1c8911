"""Rectification deadlines: count the days, then move off statutory holidays and rest days.

A rectification deadline is a civil period set by the administration, not a litigation period, so
the Civil Code's rules on periods apply: the day a period starts is not counted (民法典 第二百零一条),
and a period whose last day is a statutory holiday (法定休假日) ends on the day after it
(第二百零三条). Which days are holidays, rest
days and adjusted working days (调休上班) comes from the ``chinese_calendar`` data, which stops at
the last year the State Council has announced. Beyond it we do not guess silently: only Saturdays
and Sundays and the fixed-date holidays of ``rules/parameters/holidays.yaml`` are skipped, and the
result carries a warning that the date must be checked by hand (and that an entry it used is
unverified, where one is).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from pydantic import BaseModel, ConfigDict

from propertytriage.ruledata.loader import load_holidays
from propertytriage.ruledata.schema import FixedHoliday


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
    unverified_holidays: tuple[str, ...] = ()
    """Fixed-date holidays (MM-DD) skipped on the strength of an entry marked ``verified: false``."""


_FIRST_YEAR = 2004  # the first year of the chinese_calendar data


def _calendar_says(day: date) -> bool | None:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@functools.cache
def _first_year_without_data() -> int:
    """The first year after ``_FIRST_YEAR`` the installed chinese_calendar has no schedule for."""
    year = _FIRST_YEAR
    while _calendar_says(date(year, 1, 1)) is not None:
        year += 1
    return year


@dataclass(frozen=True)
class HolidayCalendar:
    """Which days are working days: the State Council's schedules while known, the law's fixed dates after.

    ``last_year`` bounds the schedules used (years after it count as not covered): a court that has
    not checked a newly shipped year's data, or a test that must not depend on the installed data,
    sets it.
    """

    fixed_dates: tuple[FixedHoliday, ...]
    last_year: int | None = None

    def first_uncovered_year(self) -> int:
        """The first year whose schedule is not used: deadlines in it carry a warning."""
        first = _first_year_without_data()
        return first if self.last_year is None else min(first, self.last_year + 1)

    def covers(self, year: int) -> bool:
        return _FIRST_YEAR <= year < self.first_uncovered_year()

    def fixed_holiday(self, day: date) -> FixedHoliday | None:
        """The fixed-date statutory holiday on ``day``, if the law makes it one by then."""
        return next((h for h in self.fixed_dates if h.falls_on(day)), None)

    def is_working_day(self, day: date) -> bool | None:
        """Whether ``day`` is a working day, or None if the schedule of its year is not used."""
        return _calendar_says(day) if self.covers(day.year) else None

    def holiday_name(self, day: date) -> str:
        if not self.covers(day.year):
            fixed = self.fixed_holiday(day)
            return fixed.holiday if fixed else ""
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
        return str(name) if name else ""

    @property
    def version(self) -> str:
        bound = "" if self.last_year is None else f", used to {self.last_year}"
        return f"{chinese_calendar.__version__}{bound}"


@functools.cache
def default_calendar() -> HolidayCalendar:
    """The installed schedules and ``rules/parameters/holidays.yaml`` (through the rule loader)."""
    return HolidayCalendar(tuple(load_holidays().fixed_dates))


def is_working_day(day: date, calendar: HolidayCalendar | None = None) -> bool | None:
    """Whether ``day`` is a working day, or None if the calendar data does not cover its year."""
    return (calendar or default_calendar()).is_working_day(day)


def next_working_day(
    day: date, calendar: HolidayCalendar | None = None
) -> tuple[date, bool, tuple[str, ...]]:
    """The first working day on or after ``day``; whether the schedules covered every day looked at;
    the unverified fixed-date entries it relied on.

    For a year the schedules do not cover, weekends and the fixed-date statutory holidays (元旦,
    劳动节, 国庆节) are skipped; the lunar holidays and adjusted working days are unknown.
    """
    calendar = calendar or default_calendar()
    covered = True
    unverified: list[str] = []
    while True:
        working = calendar.is_working_day(day)
        if working is None:
            covered = False
            fixed = calendar.fixed_holiday(day)
            if fixed is not None and not fixed.verified:
                unverified.append(fixed.day)
            working = day.weekday() < 5 and fixed is None
        if working:
            return day, covered, tuple(unverified)
        day += timedelta(days=1)


def deadline_after(start: date, days: int, calendar: HolidayCalendar | None = None) -> Deadline:
    """The deadline ``days`` after ``start`` (start not counted), rolled to a working day."""
    calendar = calendar or default_calendar()
    nominal = start + timedelta(days=days)
    due, covered, unverified = next_working_day(nominal, calendar)
    rolled = due != nominal
    if rolled:
        name = calendar.holiday_name(nominal)
        why = f"（{name}）" if name else ""
        note = f"期限末日 {nominal.isoformat()} 为法定休假日或休息日{why}，顺延至 {due.isoformat()}"
    elif covered:
        note = f"期限末日 {due.isoformat()} 为工作日"
    else:
        note = f"期限末日 {due.isoformat()} 不是周末或固定日期的法定节假日"
    if not covered:
        note += (f"；节假日数据未覆盖 {nominal.year} 年（chinese_calendar {calendar.version}），"
                 "仅按周末及元旦、劳动节、国庆节顺延，春节、清明、端午、中秋及调休须人工核对国务院公布的放假安排"
                 f" / holiday data does not cover {nominal.year}: only weekends and the fixed-date holidays "
                 "were skipped; check the State Council's holiday schedule by hand")
    if unverified:
        days_off = "、".join(sorted(set(unverified)))
        note += (f"；顺延所依据的固定节假日 {days_off} 出处待核实（rules/parameters/holidays.yaml）"
                 f" / the holiday entry {days_off} used to roll this deadline is not verified")
    return Deadline(starts_on=start, days=days, nominal=nominal, due_on=due, rolled=rolled,
                    calendar_covered=covered, calendar_version=calendar.version, note=note,
                    unverified_holidays=tuple(sorted(set(unverified))))
