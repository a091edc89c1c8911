""""Today" is China Standard Time everywhere: validation, lists, the report and the pages.

Validation judged a filing date against today in Beijing while ``due``, ``cases --overdue`` and the
report took the server's own day: between 16:00 and 24:00 UTC a case filed that Beijing morning was
accepted, and its deadline falling due that day showed as not yet due. One seam, ``models.clock``,
answers the question for every part of the product.
"""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

from propertytriage.models import clock

SRC = Path(__file__).resolve().parents[1] / "src" / "propertytriage"


def _calls_of_the_servers_day(path: Path) -> list[int]:
    """Lines calling ``date.today()``, ``datetime.today()``, a naive ``datetime.now()`` or a bare
    ``.astimezone()`` (the server's own zone: the ledger dated its events by it until 1 December 2026)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        bare = not node.args and not node.keywords
        servers_zone = node.func.attr == "astimezone" and bare
        servers_day = isinstance(node.func.value, ast.Name) and node.func.value.id in {"date", "datetime"} \
            and (node.func.attr == "today" or (node.func.attr == "now" and bare))
        if servers_zone or servers_day:
            lines.append(node.lineno)
    return lines


def test_no_module_but_the_clock_asks_the_server_for_its_day() -> None:
    found = {str(path.relative_to(SRC)): lines for path in sorted(SRC.rglob("*.py"))
             if path.name != "clock.py" and (lines := _calls_of_the_servers_day(path))}
    assert found == {}


def test_the_check_finds_the_calls_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from datetime import date, datetime, UTC\nA = date.today()\nB = datetime.now()\n"
                      "C = datetime.now(UTC)\nD = datetime.today()\nE = C.astimezone()\nF = C.astimezone(UTC)\n",
                      encoding="utf-8")
    assert _calls_of_the_servers_day(sample) == [2, 3, 5, 6]


def test_an_event_recorded_at_0700_in_beijing_is_dated_that_beijing_day() -> None:
    from datetime import UTC

    from propertytriage.ledger.recorder import today_of

    assert today_of(datetime(2026, 11, 30, 23, 0, tzinfo=UTC)) == date(2026, 12, 1)
    assert today_of(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == date(2026, 11, 30)


def test_the_reports_default_end_is_the_clocks_day() -> None:
    from propertytriage.ledger.statistics import check_request

    with clock.today_is(date(2026, 12, 1)):
        start, end, _ = check_request(None, None, None)
    assert (start, end) == (date(2026, 1, 1), date(2026, 12, 1))
    assert clock.today() == datetime.now(clock.CHINA_STANDARD_TIME).date()
