"""``cases`` and ``due`` print as they read: the same bytes as building the whole list first.

The references below are the list-based code the commands used before they streamed (the whole
snapshot and decision read per case, the table measured from a list, ``jsonio.dumps`` of the list,
the calendar built as icalendar objects); the streamed output must equal them byte for byte, on
SQLite and on PostgreSQL, with parties masked the same way.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event
from sqlalchemy import select

from propertytriage.cli.ledger_commands import _CASES_HEADER, _DUE_HEADER, _case_row, _due_row
from propertytriage.cli.listing import write_json_list, write_table
from propertytriage.cli.main import main
from propertytriage.ledger import Ledger
from propertytriage.ledger.calendar_file import calendar_bytes, written_to_calendar
from propertytriage.ledger.masking import parties
from propertytriage.ledger.queries import due, iter_cases, iter_due, list_cases
from propertytriage.ledger.schema import CASES, DEADLINES
from tests.ledger.test_import import COMPANY, fee_case

# --- the list-based references ----------------------------------------------------------------


def _reference_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _reference_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_reference_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c + " " * (widths[i] - _reference_width(c)) for i, c in enumerate(r)).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _reference_cases(connection: Any, stage: str | None = None, overdue_on: date | None = None) -> list[dict]:
    """list_cases as it was: every case's whole snapshot and decision."""
    query = select(CASES.c.case_id, CASES.c.filed_on, CASES.c.next_stage, CASES.c.court_track, CASES.c.decision,
                   CASES.c.snapshot).order_by(CASES.c.filed_on, CASES.c.case_id)
    if stage is not None:
        query = query.where(CASES.c.next_stage == stage)
    rows = []
    for row in connection.execute(query):
        if overdue_on is not None and not _overdue(connection, row, overdue_on):
            continue
        rows.append({
            "case_id": row.case_id, "filed_on": row.filed_on.isoformat(), "next_stage": row.next_stage,
            "court_track": row.court_track, "awaiting": row.decision.get("awaiting", []),
            "forms": row.decision.get("forms", []), "community": row.snapshot.get("estate", {}).get("community"),
            **parties(row.snapshot),
        })
    return rows


def _overdue(connection: Any, case: Any, on: date) -> bool:
    late = [d for d in connection.execute(select(DEADLINES)) if d.due_on < on]
    company = connection.execute(select(CASES.c.company_key, CASES.c.is_open)
                                 .where(CASES.c.case_id == case.case_id)).one()
    return any(d.subject_type == "case" and d.subject_id == case.case_id for d in late) or (
        company.is_open and any(d.subject_type == "company" and d.subject_id == company.company_key for d in late))


def _reference_due(connection: Any, on: date, within_days: int = 7) -> list[dict]:
    """due as it was: whole rows, dates parsed, each item built from them."""
    query = (select(DEADLINES).where(DEADLINES.c.due_on <= on + timedelta(days=within_days))
             .order_by(DEADLINES.c.due_on, DEADLINES.c.subject_type, DEADLINES.c.subject_id, DEADLINES.c.kind))
    items = []
    for row in connection.execute(query):
        item = {"kind": row.kind, "title": row.title, "subject_type": row.subject_type,
                "subject_id": row.subject_id, "starts_on": row.starts_on.isoformat(),
                "due_on": row.due_on.isoformat(), "basis": row.basis, "note": row.note,
                "overdue": row.due_on < on, "days_left": (row.due_on - on).days}
        if row.subject_type == "case":
            item["next_stage"] = row.next_stage
            item.update(row.parties or {})
        elif row.company_name:
            item["company"] = row.company_name
        items.append(item)
    return items


_SUBJECT_ZH = {"case": "案件", "company": "物业企业"}


def _reference_calendar(items: list[dict[str, Any]], stamp: datetime) -> bytes:
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


def _printed(value: Any) -> str:
    """What ``print(jsonio.dumps(value))`` wrote."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"


# --- a ledger whose lists mask something in every way ------------------------------------------

_OWNERS = [
    [{"name": "李喆", "phone": "13912345678", "id_number": "150602199001011234", "unit": "3-2-501"}],
    [{"name": "王芳", "phone": "1391234"}, {"name": "Zhang Wei", "id_number": "15060219900101123X"}],
    [{"name": "赵某", "phone": "123", "id_number": "1506021990"}],
]


def _ledger_cases() -> list[dict[str, Any]]:
    court = [{"stage": "owners_committee", "outcome": "failed", "on": "2025-08-01"},
             {"stage": "community", "outcome": "failed", "on": "2025-08-20"},
             {"stage": "mediation_center", "outcome": "failed", "on": "2025-09-05"}]
    cases = []
    for i in range(12):
        owners = _OWNERS[i % len(_OWNERS)]
        attempts = court[: i % 4]
        if i % 5 == 4:
            attempts = [*court, {"stage": "court", "outcome": "failed", "on": "2025-10-13"}]
        company = dict(COMPANY, phone="04773456789") if i % 2 else dict(COMPANY)
        case = fee_case(f"S-{i:02d}", filed_on=f"2025-07-{1 + i % 3:02d}", owners=owners, attempts=attempts,
                        property_company=company)
        if i == 0:
            case["company_score"] = "50"
        if i % 3 == 0:
            case["estate"] = {"community": "铁西社区", "street": "交通街道"}
        cases.append(case)
    return cases


@pytest.fixture
def listed_ledger(database_url, clock, write_json) -> str:
    history = {"company": COMPANY, "events": [{"kind": "notice", "on": "2026-03-02"}]}
    with Ledger(database_url, clock=clock) as ledger:
        summary = ledger.import_files([write_json("cases.json", _ledger_cases()), write_json("h.json", history)])
    assert not summary.refused
    return database_url


_ON = date(2026, 3, 25)


def test_the_lists_equal_the_list_based_ones_whole_rows_and_all(listed_ledger) -> None:
    with Ledger(listed_ledger) as ledger, ledger.engine.connect() as connection:
        for stage, overdue_on in ((None, None), ("court", None), (None, _ON), ("mediation_center", _ON)):
            expected = _reference_cases(connection, stage, overdue_on)
            assert list_cases(connection, stage=stage, overdue_on=overdue_on) == expected
            assert list(iter_cases(connection, stage=stage, overdue_on=overdue_on)) == expected
        items = _reference_due(connection, _ON, 30)
        assert due(connection, _ON, within_days=30) == list(iter_due(connection, _ON, within_days=30)) == items
        brief = list(iter_due(connection, _ON, within_days=30, brief=True))
    assert [{k: v for k, v in i.items() if k not in ("starts_on", "basis", "note")} for i in items] == brief
    assert {i["subject_type"] for i in items} == {"case", "company"} and any(i["overdue"] for i in items)
    listed = json.dumps(expected + items, ensure_ascii=False)
    assert "139****5678" in listed and "150602********1234" in listed and "047****6789" in listed
    assert "13912345678" not in listed and "150602199001011234" not in listed and "04773456789" not in listed


@pytest.mark.parametrize("options", [[], ["--json"], ["--stage", "court"], ["--overdue"],
                                     ["--overdue", "--json", "--stage", "mediation_center"]])
def test_cases_prints_what_the_list_based_command_printed(listed_ledger, capsys, options) -> None:
    stage = options[options.index("--stage") + 1] if "--stage" in options else None
    with Ledger(listed_ledger) as ledger, ledger.engine.connect() as connection:
        rows = _reference_cases(connection, stage, _ON if "--overdue" in options else None)
    expected = _printed(rows) if "--json" in options else _reference_table(_CASES_HEADER, [_case_row(r) for r in rows]) + "\n"
    assert main(["cases", "--db", listed_ledger, "--on", _ON.isoformat(), *options]) == 0
    assert capsys.readouterr().out == expected
    assert rows or options == ["--overdue", "--json", "--stage", "mediation_center"]


@pytest.mark.parametrize("options", [[], ["--json"], ["--days", "0"], ["--days", "60", "--json"]])
def test_due_prints_what_the_list_based_command_printed(listed_ledger, capsys, options) -> None:
    days = int(options[options.index("--days") + 1]) if "--days" in options else 7
    with Ledger(listed_ledger) as ledger, ledger.engine.connect() as connection:
        items = _reference_due(connection, _ON, days)
    expected = _printed(items) if "--json" in options else _reference_table(_DUE_HEADER, [_due_row(i) for i in items]) + "\n"
    assert main(["due", "--db", listed_ledger, "--on", _ON.isoformat(), *options]) == 0
    assert capsys.readouterr().out == expected
    assert items


_STAMP_LINE = re.compile(rb"DTSTAMP:[0-9TZ]+\r\n")


@pytest.mark.parametrize("as_json", [False, True])
def test_due_with_a_calendar_writes_the_list_based_calendar_and_prints_the_same_list(listed_ledger, tmp_path,
                                                                                    capsys, as_json) -> None:
    with Ledger(listed_ledger) as ledger, ledger.engine.connect() as connection:
        items = _reference_due(connection, _ON, 60)
    ics = tmp_path / "due.ics"
    assert main(["due", "--db", listed_ledger, "--on", _ON.isoformat(), "--days", "60", "--ics", str(ics),
                 *(["--json"] if as_json else [])]) == 0
    printed = _printed(items) if as_json else _reference_table(_DUE_HEADER, [_due_row(i) for i in items]) + "\n"
    assert capsys.readouterr().out == printed
    written = ics.read_bytes()
    stamp = _STAMP_LINE.search(written)
    assert stamp is not None and written.count(stamp.group()) == len(items) > 0
    moment = datetime.strptime(stamp.group()[8:-2].decode(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert written == _reference_calendar(items, moment)


def test_a_calendar_that_cannot_be_written_prints_nothing(listed_ledger, tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["due", "--db", listed_ledger, "--on", _ON.isoformat(), "--ics", str(blocker / "due.ics")]) != 0
    assert capsys.readouterr().out == ""


# --- the printing itself, on any text ----------------------------------------------------------

_CELL = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "人民法院", "—", "逾期 overdue", "ＡＢ", "e\u0301", "\t", "李喆 139****5678"])


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=6).flatmap(
    lambda n: st.tuples(st.lists(_CELL, min_size=n, max_size=n),
                        st.lists(st.lists(_CELL, min_size=n, max_size=n), max_size=40))))
def test_a_streamed_table_is_the_list_based_table(table: tuple[list[str], list[list[str]]]) -> None:
    header, rows = table
    out = io.StringIO()
    write_table(header, iter(rows), out.write)
    assert out.getvalue() == _reference_table(header, rows) + "\n"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=6), _JSON, max_size=5) | _JSON, max_size=8))
def test_a_streamed_json_list_is_the_list_based_json(items: list[Any]) -> None:
    out = io.StringIO()
    write_json_list(iter(items), out.write)
    assert out.getvalue() == _printed(items)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=90) | st.sampled_from(
    ["自 2025-03-22 起 2 个月，末日 2025-05-22", "a\\b;c,d\ne\r\nf\rg\\N", "\\" * 80, "^" * 80, "中" * 40 + "\\,"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "kind": st.sampled_from(["pre_litigation_mediation", "trial.small_claims", "rectification_inspection"]),
    "title": _TEXT, "subject_type": st.sampled_from(["case", "company", "other"]),
    "subject_id": st.sampled_from(["credit:91150602MA0N0XXXX1", "name:恒安物业", "A-1"]) | _TEXT,
    "due_on": st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 30)).map(date.isoformat),
    "note": _TEXT, "basis": _TEXT}), max_size=6),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(lambda d: d.replace(tzinfo=UTC)))
def test_the_calendar_written_line_by_line_is_the_one_icalendar_builds(items: list[dict[str, Any]],
                                                                       stamp: datetime) -> None:
    chunks: list[bytes] = []
    passed = list(written_to_calendar(iter(items), chunks.append, stamp=stamp))
    assert passed == items
    assert b"".join(chunks) == calendar_bytes(items, stamp=stamp) == _reference_calendar(items, stamp)
    assert len(Calendar.from_ical(b"".join(chunks)).walk("VEVENT")) == len(items)
