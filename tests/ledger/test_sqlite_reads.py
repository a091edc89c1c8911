"""``cases`` and ``due`` on a current SQLite ledger: read through ``sqlite3`` (ledger/reading.py,
ledger/listed.py), printed the same as through SQLAlchemy, and started without the machinery that
decides, renders or migrates (the models, the engine, WeasyPrint, SQLAlchemy, Alembic).

The reference is the general path the same commands take on PostgreSQL: ``Ledger`` and queries.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

import propertytriage.ledger.reading as reading
from propertytriage.cli.main import main
from propertytriage.ledger import Ledger, listed
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import current_revision, head_revision, upgrade
from propertytriage.ledger.queries import iter_cases, iter_due
from tests.ledger.conftest import Clock
from tests.ledger.test_import import COMPANY, fee_case

_ON = date(2026, 3, 25)

_OWNERS: list[list[dict[str, str]]] = [
    [{"name": "李喆", "phone": "13912345678", "id_number": "150602199001011234", "unit": "3-2-501"}],
    [{"name": "王芳", "phone": "1391234"}, {"name": "Zhang Wei", "id_number": "15060219900101123X"}],
    [{"name": "赵某", "phone": "123", "id_number": "1506021990"}],
    [],
    [{"name": "ＡＢ公司", "phone": "04773456789"}, {"name": "e\u0301"}],
]
_COURT = [{"stage": "owners_committee", "outcome": "failed", "on": "2025-08-01"},
          {"stage": "community", "outcome": "failed", "on": "2025-08-20"},
          {"stage": "mediation_center", "outcome": "failed", "on": "2025-09-05"}]


def _cases() -> list[dict[str, Any]]:
    """Cases at every stage, with and without a company, with owners masked in every way."""
    cases = []
    for i in range(15):
        attempts = _COURT[: i % 4]
        if i % 5 == 4:
            attempts = [*_COURT, {"stage": "court", "outcome": "failed", "on": "2025-10-13"}]
        changes: dict[str, Any] = {"filed_on": f"2025-07-{1 + i % 3:02d}", "owners": _OWNERS[i % len(_OWNERS)],
                                   "attempts": attempts}
        if i % 3 == 1:
            changes["property_company"] = dict(COMPANY, phone="04773456789")
        case = fee_case(f"R-{i:02d}", **changes)
        if i % 3 == 2:
            del case["property_company"]
        if i == 0:
            case["company_score"] = "50"
        cases.append(case)
    return cases


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("sqlite-reads")
    cases, history = folder / "cases.json", folder / "history.json"
    cases.write_text(json.dumps(_cases(), ensure_ascii=False), encoding="utf-8")
    history.write_text(json.dumps({"company": COMPANY, "events": [{"kind": "notice", "on": "2026-03-02"}]},
                                  ensure_ascii=False), encoding="utf-8")
    url = f"sqlite:///{folder / 'ledger.db'}"
    with Ledger(url, clock=Clock()) as ledger:  # the score recorded before the notice
        summary = ledger.import_files([str(cases), str(history)])
    assert not summary.refused
    return url


def _direct(url: str) -> sqlite3.Connection:
    connection = reading.open_current(url)
    assert connection is not None
    return connection


# --- the same items as through SQLAlchemy -------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(on=st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 12, 31)),
       within_days=st.integers(min_value=0, max_value=366), brief=st.booleans())
def test_the_due_items_read_through_sqlite3_are_those_read_through_sqlalchemy(ledger_url, on, within_days,
                                                                              brief) -> None:
    direct = _direct(ledger_url)
    with direct, Ledger(ledger_url) as ledger, ledger.engine.connect() as connection:
        expected = list(iter_due(connection, on, within_days=within_days, brief=brief))
        assert list(listed.sqlite_due(direct, on, within_days=within_days, brief=brief)) == expected
    direct.close()


@pytest.mark.parametrize("stage", [None, "court", "mediation_center", "community", "closed"])
@pytest.mark.parametrize("overdue_on", [None, _ON, date(2025, 1, 1), date(2027, 1, 1)])
def test_the_cases_read_through_sqlite3_are_those_read_through_sqlalchemy(ledger_url, stage, overdue_on) -> None:
    direct = _direct(ledger_url)
    with Ledger(ledger_url) as ledger, ledger.engine.connect() as connection:
        expected = list(iter_cases(connection, stage=stage, overdue_on=overdue_on))
    assert list(listed.sqlite_cases(direct, stage=stage, overdue_on=overdue_on)) == expected
    direct.close()
    if stage is None and overdue_on is None:  # the ledger masks something in every way
        shown = json.dumps(expected, ensure_ascii=False)
        assert "139****5678" in shown and "150602********1234" in shown and "047****6789" in shown
        assert "13912345678" not in shown and "04773456789" not in shown
        assert any("company" not in c for c in expected) and any(not c["owners"] for c in expected)


# --- the same bytes as the general path -----------------------------------------------------------


@pytest.mark.parametrize("options", [
    ["due"], ["due", "--json"], ["due", "--days", "0"], ["due", "--days", "366"], ["due", "--days", "120", "--json"],
    ["cases"], ["cases", "--json"], ["cases", "--stage", "court"], ["cases", "--overdue"],
    ["cases", "--overdue", "--json", "--stage", "court"], ["cases", "--stage", "人民法院"],
])
def test_a_command_read_through_sqlite3_prints_what_the_general_path_prints(ledger_url, options, capsys,
                                                                           monkeypatch) -> None:
    argv = [*options, "--db", ledger_url, "--on", _ON.isoformat()]
    opened: list[str] = []
    real = reading.open_current
    monkeypatch.setattr(reading, "open_current", lambda url: opened.append(url) or real(url))
    assert main(argv) == 0
    direct = capsys.readouterr().out
    assert opened == [ledger_url]
    monkeypatch.setattr(reading, "open_current", lambda url: None)  # as on PostgreSQL
    assert main(argv) == 0
    assert capsys.readouterr().out == direct
    assert direct.count("\n") > 3


def test_the_due_table_lists_a_party_without_a_company_by_its_masked_owners(ledger_url, capsys) -> None:
    assert main(["due", "--db", ledger_url, "--on", _ON.isoformat(), "--days", "366"]) == 0
    printed = capsys.readouterr().out
    assert "王芳 *******、Zhang Wei" in printed and "ＡＢ公司 047****6789、e\u0301" in printed
    assert "1391234" not in printed and "04773456789" not in printed
    assert "150602********" not in printed and "1506021990" not in printed  # no ID number, even masked


def test_a_calendar_written_from_the_sqlite3_rows_is_the_general_paths(ledger_url, tmp_path, monkeypatch,
                                                                        capsys) -> None:
    written = []
    for name, opener in (("direct", reading.open_current), ("general", lambda url: None)):
        monkeypatch.setattr(reading, "open_current", opener)
        ics = tmp_path / f"{name}.ics"
        assert main(["due", "--db", ledger_url, "--on", _ON.isoformat(), "--days", "366", "--ics", str(ics)]) == 0
        written.append((capsys.readouterr().out, _without_stamps(ics.read_bytes())))
    assert written[0] == written[1] and written[0][1].count(b"BEGIN:VEVENT") > 3


def _without_stamps(calendar: bytes) -> bytes:
    return b"".join(line for line in calendar.splitlines(keepends=True) if not line.startswith(b"DTSTAMP:"))


# --- which ledgers are read directly --------------------------------------------------------------


def test_the_newest_schema_read_from_the_migration_files_is_alembics() -> None:
    assert reading.head_revision() == head_revision()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "postgresql://localhost/x",
                                 "sqlite:///ledger.db?mode=ro", "sqlite:///le%20dger.db"])
def test_only_a_plain_sqlite_file_is_read_directly(url: str) -> None:
    assert reading.sqlite_file(url) is None and reading.open_current(url) is None


def test_a_missing_file_is_not_read_directly_and_the_command_refuses_it(tmp_path, capsys) -> None:
    path = tmp_path / "new.db"
    assert reading.open_current(f"sqlite:///{path}") is None and not path.exists()
    assert main(["due", "--db", f"sqlite:///{path}", "--on", _ON.isoformat()]) == 2
    assert not path.exists() and "[ledger_not_found]" in capsys.readouterr().err


def test_a_file_that_is_not_a_ledger_is_refused_as_before(tmp_path, capsys) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"not a database, only notes" * 100)
    assert reading.open_current(f"sqlite:///{path}") is None
    assert main(["due", "--db", f"sqlite:///{path}"]) == 1
    assert "无法打开台账数据库" in capsys.readouterr().err


def test_a_ledger_of_an_older_schema_is_migrated_before_it_is_read(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        upgrade(connection, "0001")
    engine.dispose()
    assert reading.open_current(url) is None
    assert main(["cases", "--db", url]) == 0
    assert "案件 case" in capsys.readouterr().out
    engine = make_engine(url)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    engine.dispose()
    direct = reading.open_current(url)
    assert direct is not None
    direct.close()


def test_a_ledger_whose_schema_is_newer_or_unknown_is_left_to_the_ledger(ledger_url, tmp_path) -> None:
    copy = tmp_path / "copy.db"
    source = sqlite3.connect(ledger_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("UPDATE alembic_version SET version_num = 'elsewhere'")
    target.commit()
    target.close()
    assert reading.open_current(f"sqlite:///{copy}") is None
    engine = make_engine(f"sqlite:///{copy}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "elsewhere"
    engine.dispose()


# --- what a reading command loads -------------------------------------------------------------------

_HEAVY = ("durable", "weasyprint", "matplotlib", "openpyxl", "jinja2", "pydantic", "sqlalchemy", "alembic",
          "propertytriage.engine", "propertytriage.rendering", "propertytriage.models.case")
_PROBE = """import json, sys
from propertytriage.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as end:  # --help
    code = end.code
print(json.dumps([code, sorted(m for m in sys.modules if m.split(".")[0] in {heavy} or m in {heavy})]),
      file=sys.stderr)
"""


def _loaded(argv: list[str], cwd: Path) -> tuple[int, list[str]]:
    heavy = {m for m in _HEAVY}
    result = subprocess.run([sys.executable, "-c", _PROBE.format(heavy=heavy), *argv], cwd=cwd,
                            capture_output=True, text=True, env={**os.environ, "PROPERTYTRIAGE_DB": ""}, check=False)
    code, loaded = json.loads(result.stderr.strip().splitlines()[-1])
    return code, loaded


@pytest.mark.parametrize("options", [["due"], ["due", "--json"], ["due", "--ics", "due.ics"], ["cases"],
                                     ["cases", "--overdue", "--stage", "court"], ["cases", "--json"]])
def test_a_reading_command_loads_no_engine_no_models_no_rendering_and_no_sqlalchemy(ledger_url, tmp_path,
                                                                                   options) -> None:
    code, loaded = _loaded([*options, "--db", ledger_url, "--on", _ON.isoformat()], tmp_path)
    assert code == 0
    assert loaded == []


def test_show_loads_neither_the_rules_engine_nor_the_rendering(ledger_url, tmp_path) -> None:
    code, loaded = _loaded(["show", "R-01", "--db", ledger_url], tmp_path)
    assert code == 0
    assert "sqlalchemy" in loaded  # show reads through the ledger as before
    assert not {"durable", "weasyprint", "matplotlib", "openpyxl", "jinja2", "propertytriage.rendering"} & set(loaded)


def test_the_help_loads_nothing_heavy(tmp_path) -> None:
    code, loaded = _loaded(["--help"], tmp_path)
    assert code == 0 and loaded == []
