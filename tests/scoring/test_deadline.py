"""Deadlines: counted from the day after issue, never ending on a statutory holiday or rest day."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage.scoring import deadline_after

COVERED = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 1))


@settings(deadline=None)  # no timed assertions
@given(COVERED, st.integers(1, 60))
def test_a_deadline_never_lands_on_a_holiday_or_rest_day(start: date, days: int) -> None:
    deadline = deadline_after(start, days)
    assert deadline.calendar_covered
    assert chinese_calendar.is_workday(deadline.due_on)
    assert deadline.nominal == start + timedelta(days=days)
    day = deadline.nominal
    while day < deadline.due_on:  # every day skipped was a day off
        assert not chinese_calendar.is_workday(day)
        day += timedelta(days=1)


def test_a_deadline_on_national_day_moves_past_the_whole_holiday() -> None:
    deadline = deadline_after(date(2025, 9, 1), 30)
    assert (deadline.nominal, deadline.due_on, deadline.rolled) == (
        date(2025, 10, 1), date(2025, 10, 9), True)
    assert "顺延至 2025-10-09" in deadline.note


def test_an_adjusted_working_sunday_is_a_working_day() -> None:
    # 2025-09-28 is a Sunday worked in exchange for the National Day holiday (调休上班).
    deadline = deadline_after(date(2025, 8, 29), 30)
    assert (deadline.due_on, deadline.rolled) == (date(2025, 9, 28), False)


@settings(deadline=None)  # no timed assertions
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2035, 12, 31)), st.integers(1, 60))
def test_beyond_the_calendar_data_the_result_says_so(start: date, days: int) -> None:
    deadline = deadline_after(start, days)
    assert not deadline.calendar_covered
    assert deadline.due_on.weekday() < 5
    assert "未覆盖" in deadline.note and "does not cover" in deadline.note


def test_fixed_date_holidays_are_skipped_even_where_the_calendar_stops() -> None:
    from datetime import date

    from propertytriage.scoring.deadline import deadline_after

    new_year = deadline_after(date(2026, 12, 2), 30)  # nominal 2027-01-01, a Friday, 元旦
    assert new_year.due_on == date(2027, 1, 4) and not new_year.calendar_covered
    assert "人工核对" in new_year.note
    national_day = deadline_after(date(2027, 9, 1), 30)  # nominal 2027-10-01, a Friday, 国庆节
    assert national_day.due_on == date(2027, 10, 4)
