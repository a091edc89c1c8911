"""``import`` of files that open but hold no readable document (an empty file, ``[]``, broken JSON, JSON lines
that are all bad) creates no ledger, as a file that cannot be opened creates none: the clerk would find an
empty ``propertytriage.db`` later and wonder what it holds. A ledger that exists is still opened (and
migrated) as before, and a file with good and bad documents still records the good ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propertytriage.cli.main import main
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import current_revision, head_revision, upgrade
from tests.ledger.test_import import fee_case

UNREADABLE = {
    "empty.json": "",
    "spaces.json": "  \n",
    "list.json": "[]",
    "broken.json": '{"case_id": "A-1", ',
    "bom-only.json": "\ufeff",
    "nested.json": "[" * 5000,
    "bad-lines.jsonl": '{"case_id": \n[1,\n',
    "empty.jsonl": "",
    "twice.json": '{"case_id": "A-1", "case_id": "A-2"}',
}


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_file_with_no_readable_document_creates_no_ledger(tmp_path, monkeypatch, capsys, name) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROPERTYTRIAGE_DB", raising=False)
    path = _write(tmp_path, name, UNREADABLE[name])
    status = main(["import", path, "--db", f"sqlite:///{tmp_path / 'new.db'}"])
    captured = capsys.readouterr()
    assert status == (0 if name in ("list.json", "empty.jsonl") else 2), captured.err
    assert "new 0" in captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert main(["import", path]) == status  # the default ledger in the current folder neither
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_several_files_none_readable_create_no_ledger_and_each_is_refused(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    files = [_write(tmp_path, name, UNREADABLE[name]) for name in ("empty.json", "broken.json", "bad-lines.jsonl")]
    assert main(["import", *files, "no-such-file.json", "--db", "sqlite:///new.db"]) == 2
    err = capsys.readouterr().err
    for path in files:
        assert f"refused: {path}" in err
    assert "no-such-file.json" in err and "[json_invalid]" in err
    assert not (tmp_path / "new.db").exists()


def test_one_readable_document_among_bad_ones_creates_the_ledger_and_is_recorded(tmp_path, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'new.db'}"
    bad = _write(tmp_path, "broken.json", UNREADABLE["broken.json"])
    lines = tmp_path / "mixed.jsonl"
    lines.write_text("{bad\n" * 3 + json.dumps(fee_case("M-1"), ensure_ascii=False) + "\n[1,\n", encoding="utf-8")
    assert main(["import", bad, str(lines), "--db", db]) == 2
    captured = capsys.readouterr()
    assert "new 1" in captured.out and "refused 5" in captured.out
    assert f"{lines} line 5" in captured.err and f"{lines} line 1" in captured.err
    assert main(["show", "M-1", "--db", db]) == 0


def test_an_existing_ledger_is_still_opened_and_migrated_and_loses_nothing(tmp_path, write_json, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(db)
    with engine.connect().execution_options(write=True) as connection, connection.begin():
        upgrade(connection, "0007")
    engine.dispose()
    empty = _write(tmp_path, "empty.json", "")
    assert main(["import", empty, "--db", db]) == 2
    engine = make_engine(db)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision() != "0007"
    engine.dispose()
    assert main(["import", write_json("a.json", fee_case("E-1")), "--db", db]) == 0
    capsys.readouterr()
    assert main(["show", "E-1", "--db", db]) == 0
    before = capsys.readouterr().out
    for name, text in UNREADABLE.items():
        main(["import", _write(tmp_path, name, text), "--db", db])
    capsys.readouterr()
    assert main(["show", "E-1", "--db", db]) == 0
    assert capsys.readouterr().out == before
