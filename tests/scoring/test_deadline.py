"""Deadlines: counted from the day after issue, never ending on a statutory holiday or rest day.

Expected dates come from the law and the State Council's schedules, not from the code: the fixed
holidays of 《全国年节及纪念日放假办法》第二条 (2024 text, in force 2025-01-01) and the days off of the
notices for 2025 (国办发明电〔2024〕12号) and 2026 (国务院办公厅, 2025年11月4日). Nothing here assumes
which year the installed calendar data stops at: that year is asked of the calendar, and the
fixed-date behaviour is checked on a calendar bounded to stop before a year whose notice we know.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import RuleDataError
from propertytriage.ruledata import load_rulebook, rules_dir
from propertytriage.ruledata.loader import load_holidays
from propertytriage.scoring import deadline_after
from propertytriage.scoring.deadline import HolidayCalendar, default_calendar

#: 全国年节及纪念日放假办法 第二条 (2024年修订): 元旦（1月1日）；劳动节（5月1日、2日）；国庆节（10月1日、2日、3日）.
LAW_FIXED_DAYS = [(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)]

#: Days off around the fixed holidays in the State Council's notices, and the day work resumes.
NOTICES = {
    # 国办发明电〔2024〕12号: 元旦 1月1日放假1天；劳动节 5月1日至5日；国庆节、中秋节 10月1日至8日.
    2025: {"元旦": (date(2025, 1, 1), date(2025, 1, 1)),
           "劳动节": (date(2025, 5, 1), date(2025, 5, 5)),
           "国庆节": (date(2025, 10, 1), date(2025, 10, 8))},
    # 国务院办公厅关于2026年部分节假日安排的通知: 元旦 1月1日至3日；劳动节 5月1日至5日；国庆节 10月1日至7日.
    2026: {"元旦": (date(2026, 1, 1), date(2026, 1, 3)),
           "劳动节": (date(2026, 5, 1), date(2026, 5, 5)),
           "国庆节": (date(2026, 10, 1), date(2026, 10, 7))},
}
#: Adjusted working days (调休上班) the same notices name.
WORKED_WEEKENDS = [date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11),
                   date(2026, 1, 4), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)]

CALENDAR = default_calendar()
FIRST_UNCOVERED = CALENDAR.first_uncovered_year()


def _bounded_before(year: int) -> HolidayCalendar:
    """The calendar in force, told that its schedules stop the year before ``year``."""
    return HolidayCalendar(CALENDAR.fixed_dates, last_year=year - 1)


def _law_holiday(day: date) -> bool:
    return (day.month, day.day) in LAW_FIXED_DAYS


@settings(deadline=None)  # no timed assertions
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(FIRST_UNCOVERED - 1, 10, 1)),
       st.integers(1, 60))
def test_a_deadline_never_lands_on_a_holiday_or_rest_day(start: date, days: int) -> None:
    deadline = deadline_after(start, days)
    assert deadline.calendar_covered
    assert chinese_calendar.is_workday(deadline.due_on)
    assert deadline.nominal == start + timedelta(days=days)
    day = deadline.nominal
    while day < deadline.due_on:  # every day skipped was a day off
        assert not chinese_calendar.is_workday(day)
        day += timedelta(days=1)


@pytest.mark.parametrize("year", sorted(NOTICES))
@pytest.mark.parametrize("holiday", ["元旦", "劳动节", "国庆节"])
def test_a_deadline_on_a_holiday_moves_to_the_day_work_resumes_under_the_notice(
    year: int, holiday: str
) -> None:
    if year >= FIRST_UNCOVERED:
        pytest.skip(f"the installed calendar data stops before {year}")
    first_off, last_off = NOTICES[year][holiday]
    for nominal in (first_off + timedelta(days=n) for n in range((last_off - first_off).days + 1)):
        deadline = deadline_after(nominal - timedelta(days=30), 30)
        assert deadline.nominal == nominal
        assert deadline.due_on == last_off + timedelta(days=1), nominal
        assert deadline.rolled and f"顺延至 {deadline.due_on.isoformat()}" in deadline.note


@pytest.mark.parametrize("worked", WORKED_WEEKENDS)
def test_an_adjusted_working_weekend_day_is_a_working_day(worked: date) -> None:
    if worked.year >= FIRST_UNCOVERED:
        pytest.skip(f"the installed calendar data stops before {worked.year}")
    assert worked.weekday() >= 5
    deadline = deadline_after(worked - timedelta(days=30), 30)
    assert (deadline.due_on, deadline.rolled) == (worked, False)


def test_the_law_s_fixed_holidays_are_days_off_in_every_notice() -> None:
    """The test's own reading of the law agrees with the notices it is checked against."""
    for year, holidays in NOTICES.items():
        for month, day in LAW_FIXED_DAYS:
            assert any(a <= date(year, month, day) <= b for a, b in holidays.values()), (year, month, day)


@settings(deadline=None)  # no timed assertions
@given(st.dates(min_value=date(FIRST_UNCOVERED, 1, 1), max_value=date(FIRST_UNCOVERED + 8, 12, 31)),
       st.integers(1, 60))
def test_beyond_the_calendar_data_the_result_says_so(start: date, days: int) -> None:
    deadline = deadline_after(start, days)
    assert not deadline.calendar_covered
    assert deadline.due_on.weekday() < 5 and not _law_holiday(deadline.due_on)
    assert "未覆盖" in deadline.note and "does not cover" in deadline.note


@pytest.mark.parametrize("year", sorted(NOTICES))
@pytest.mark.parametrize(("month", "day"), LAW_FIXED_DAYS)
def test_where_the_schedule_stops_the_law_s_fixed_holidays_are_still_skipped(
    year: int, month: int, day: int
) -> None:
    """Without the year's schedule, a period ending on a statutory holiday still ends after it
    (民法典 第二百零三条), on the first weekday that is none of the law's fixed holidays."""
    calendar = _bounded_before(year)
    nominal = date(year, month, day)
    deadline = deadline_after(nominal - timedelta(days=30), 30, calendar)
    assert not deadline.calendar_covered and "人工核对" in deadline.note
    expected = nominal
    while expected.weekday() >= 5 or _law_holiday(expected):
        expected += timedelta(days=1)
    assert deadline.due_on == expected
    # never later than the day work resumes under the notice the bounded calendar did not use
    resumes = [b + timedelta(days=1) for a, b in NOTICES[year].values() if a <= nominal <= b]
    assert deadline.due_on <= resumes[0]


def test_the_first_uncovered_year_follows_the_installed_data_and_the_bound() -> None:
    assert not CALENDAR.covers(FIRST_UNCOVERED) and CALENDAR.covers(FIRST_UNCOVERED - 1)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(FIRST_UNCOVERED, 6, 1))
    chinese_calendar.is_workday(date(FIRST_UNCOVERED - 1, 6, 1))  # covered: no error
    assert _bounded_before(2025).first_uncovered_year() == 2025
    assert _bounded_before(FIRST_UNCOVERED + 5).first_uncovered_year() == FIRST_UNCOVERED


# --- holidays.yaml through the loader, with its verified flags -----------------------------------

def _entries_from_the_file() -> list[dict[str, object]]:
    path = rules_dir() / "parameters" / "holidays.yaml"
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["fixed_dates"])


@pytest.mark.parametrize("entry", _entries_from_the_file(), ids=lambda e: str(e["day"]))
def test_a_deadline_rolled_over_an_unverified_entry_says_so(entry: dict[str, object]) -> None:
    month, day = (int(part) for part in str(entry["day"]).split("-"))
    year = next(y for y in range(FIRST_UNCOVERED, FIRST_UNCOVERED + 30)
                if date(y, month, day).weekday() < 5 and date(y, month, day) >= entry["in_force_from"])
    nominal = date(year, month, day)
    deadline = deadline_after(nominal - timedelta(days=30), 30)
    assert deadline.rolled
    assert (entry["day"] in deadline.unverified_holidays) is (not entry["verified"])
    assert ("出处待核实" in deadline.note) is bool(deadline.unverified_holidays)


def test_every_fixed_holiday_of_the_law_is_in_the_rule_data() -> None:
    loaded = {h.day for h in load_holidays().fixed_dates}
    assert {f"{m:02d}-{d:02d}" for m, d in LAW_FIXED_DAYS} <= loaded


@pytest.fixture
def holidays_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


_EXTRA = '  - {day: "12-25", holiday: 圣诞节, in_force_from: 2008-01-01, verified: true}\n'
BROKEN_HOLIDAYS = [
    ("no such day", '{day: "01-01"', '{day: "02-30"', "fixed_dates.0.day"),
    ("month-day reversed", '{day: "01-01"', '{day: "31-01"', "fixed_dates.0.day"),
    ("day twice", "fixed_dates:\n", "fixed_dates:\n" + _EXTRA * 2, "fixed_dates[1].day"),
    ("verified missing", "in_force_from: 2008-01-01, verified: true}",
     "in_force_from: 2008-01-01}", "fixed_dates.0.verified"),
    ("misspelt key", "holiday: 元旦", "holliday: 元旦", "fixed_dates.0"),
]


@pytest.mark.parametrize(("label", "old", "new", "where"), BROKEN_HOLIDAYS,
                         ids=[b[0] for b in BROKEN_HOLIDAYS])
def test_a_broken_holidays_file_is_refused_by_file_and_field(
    holidays_copy: Path, label: str, old: str, new: str, where: str
) -> None:
    path = holidays_copy / "parameters" / "holidays.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for load in (load_holidays, load_rulebook):
        with pytest.raises(RuleDataError) as raised:
            load(holidays_copy)
        assert raised.value.file == "parameters/holidays.yaml"
        assert raised.value.path.startswith(where), raised.value.path
        assert raised.value.zh and raised.value.en
