"""Opening a ledger that needs migrating says so on standard error, with what it holds, and when it is
done; standard output stays the command's own, so ``show`` still prints nothing but its JSON."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import text

from propertytriage.cli.main import main
from propertytriage.ledger import Ledger
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import _config, current_revision, head_revision
from tests.ledger.test_import import fee_case


def _held(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        held = tuple(int(connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one())
                     for t in ("cases", "companies", "events"))
    engine.dispose()
    return held  # type: ignore[return-value]


def _back_to(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        command.downgrade(_config(connection), revision)
        assert current_revision(connection) == revision
    engine.dispose()


def test_migrating_an_old_ledger_says_what_it_rebuilds_on_stderr_and_keeps_stdout_for_json(
        database_url, write_json, capsys) -> None:
    cases = [fee_case(f"A-{i}") for i in range(1, 4)]
    assert main(["import", write_json("a.jsonl", cases), "--db", database_url]) == 0
    held_cases, held_companies, held_events = _held(database_url)
    assert (held_cases, held_companies) == (3, 1) and held_events > 3
    _back_to(database_url, "0005")
    capsys.readouterr()

    assert main(["show", "A-2", "--db", database_url]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["case"]["case_id"] == "A-2"  # nothing but the JSON on stdout
    head = head_revision()
    lines = captured.err.splitlines()
    assert lines[0] == (f"迁移台账数据库：架构 0005 → {head}，并由 {held_events} 条事件重建 3 件纠纷、1 家物业企业的投影"
                        "（大的台账需要几分钟，请勿中断）……")
    assert lines[1].startswith(f"migrating the ledger from schema 0005 to {head} and rebuilding the projections of "
                               f"3 cases and 1 companies from {held_events} events")
    assert lines[2].startswith(f"台账数据库已迁移到架构 {head}，用时 ") and lines[2].endswith(" s).")
    assert len(lines) == 3

    # migrated once: opening it again says nothing
    assert main(["show", "A-2", "--db", database_url]) == 0
    assert capsys.readouterr().err == ""


def test_a_new_ledger_is_made_without_a_word(tmp_path, capsys) -> None:
    with Ledger(f"sqlite:///{tmp_path / 'new.db'}") as ledger, ledger.engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def test_large_counts_are_grouped_by_thousands(tmp_path, capsys, monkeypatch) -> None:
    from propertytriage.ledger import migrate

    url = f"sqlite:///{tmp_path / 'l.db'}"
    Ledger(url).close()
    _back_to(url, "0005")
    real = migrate._count
    monkeypatch.setattr(migrate, "_count", lambda c, table: 1_234_567 if table == "events" else real(c, table))
    Ledger(url).close()
    err = capsys.readouterr().err
    assert "由 1,234,567 条事件重建 0 件纠纷" in err and "from 1,234,567 events" in err
