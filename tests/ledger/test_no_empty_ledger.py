"""``import`` of files that open but hold no readable document (an empty file, ``[]``, broken JSON, JSON lines
that are all bad), or only documents the contract refuses (``{}``, ``7``, a case without its filing date, a
case the rules cannot decide), creates no ledger, as a file that cannot be opened creates none: the clerk
would find an empty ``propertytriage.db`` later and wonder what it holds. A ledger that exists is still
opened (and migrated) as before, and a file with good and bad documents still records the good ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from propertytriage.cli.main import main
from propertytriage.ledger.database import make_engine
from propertytriage.ledger.migrate import current_revision, head_revision, upgrade
from tests.ledger.test_import import fee_case
from tests.sheets.books import GOOD, HEADER, csv_file

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


_UNDECIDABLE = fee_case("W-1", province="火星省", attempts=[
    {"stage": "owners_committee", "outcome": "failed", "on": "2026-01-20"},
    {"stage": "community", "outcome": "failed", "on": "2026-02-10"},
    {"stage": "mediation_center", "outcome": "failed", "on": "2026-02-20"}], company_score=80)
REFUSED = {  # each read well, each refused by the contract or the rules: (text, the refusal's field and code)
    "object.json": ("{}", "[unknown_document]"),
    "number.json": ("7", "[unknown_document]"),
    "text.json": ('"A-1"', "[unknown_document]"),
    "list.json": ("[{}, 7, null]", "[unknown_document]"),
    "no-date.json": (json.dumps({k: v for k, v in fee_case("N-1").items() if k != "filed_on"}), "filed_on:"),
    "no-sheets.json": (json.dumps({"evaluated_on": "2026-01-05", "evaluations": []}), "evaluations: "),
    "no-wages.json": (json.dumps(_UNDECIDABLE, ensure_ascii=False), "[missing_wage_figure]"),
    "objects.jsonl": ("{}\n7\n", "[unknown_document]"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_whose_every_document_is_refused_creates_no_ledger(tmp_path, monkeypatch, capsys, name) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROPERTYTRIAGE_DB", raising=False)
    text, said = REFUSED[name]
    path = _write(tmp_path, name, text)
    assert main(["import", path, "--db", f"sqlite:///{tmp_path / 'new.db'}"]) == 2
    captured = capsys.readouterr()
    assert "new 0" in captured.out
    assert f"refused: {path}" in captured.err and said in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert main(["import", path]) == 2  # nor the default ledger in the current folder
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_refusals_into_a_new_ledger_are_those_of_an_existing_one(tmp_path, capsys) -> None:
    """Judged before the file is made, a document is refused in the words the ledger itself uses."""
    files = [_write(tmp_path, name, REFUSED[name][0]) for name in sorted(REFUSED)]
    old = f"sqlite:///{tmp_path / 'old.db'}"
    good = _write(tmp_path, "good.json", json.dumps(fee_case("G-1"), ensure_ascii=False))
    assert main(["import", good, "--db", old]) == 0
    capsys.readouterr()
    assert main(["import", *files, "--db", old]) == 2
    existing = capsys.readouterr()
    assert main(["import", *files, "--db", f"sqlite:///{tmp_path / 'new.db'}"]) == 2
    new = capsys.readouterr()
    assert (new.out, new.err) == (existing.out, existing.err)
    assert "refused 11" in new.out
    assert not (tmp_path / "new.db").exists()


def test_refused_documents_before_a_good_one_are_refused_and_the_good_one_recorded(tmp_path, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'new.db'}"
    lines = tmp_path / "mixed.jsonl"
    lines.write_text("{}\n7\n" + json.dumps(fee_case("M-1"), ensure_ascii=False) + "\n{}\n"
                     + json.dumps(fee_case("M-2"), ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["import", str(lines), "--db", db]) == 2
    captured = capsys.readouterr()
    assert "new 2" in captured.out and "refused 3" in captured.out
    for number in (1, 2, 4):
        assert f"refused: {lines} line {number}: " in captured.err
    assert main(["import", str(lines), "--db", db]) == 2  # once: nothing recorded twice
    assert "new 0, changed 0, unchanged 2, refused 3" in capsys.readouterr().out
    assert main(["show", "M-1", "--db", db]) == 0


def test_an_existing_ledger_given_only_refused_documents_is_left_as_it_is(tmp_path, write_json, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'old.db'}"
    assert main(["import", write_json("a.json", fee_case("E-1")), "--db", db]) == 0
    capsys.readouterr()
    assert main(["show", "E-1", "--db", db]) == 0
    before = capsys.readouterr().out
    for name, (text, _) in REFUSED.items():
        assert main(["import", _write(tmp_path, name, text), "--db", db]) == 2
    capsys.readouterr()
    assert main(["show", "E-1", "--db", db]) == 0
    assert capsys.readouterr().out == before
    assert (tmp_path / "old.db").exists()


def test_a_sheet_whose_rows_the_rules_refuse_creates_no_ledger_and_errors_holds_the_rows(tmp_path, capsys) -> None:
    """A row that reads well but cannot be decided (no wage figure for its province) is refused by the
    ledger's recording: with no ledger made for it, ``--errors`` still holds it, at its cell."""
    header = [*HEADER, "街道社区协调结果", "调解中心调解结果"]
    rows = [[*GOOD[:2], "火星省", *GOOD[3:], "未成功", "未成功"]]
    rows.append([f"{GOOD[0]}-2", *rows[0][1:]])
    sheet = csv_file(tmp_path / "台账.csv", [header, *rows], encoding="utf-8")
    errors = tmp_path / "改正.xlsx"
    assert main(["import", str(sheet), "--errors", str(errors), "--db", f"sqlite:///{tmp_path / 'new.db'}"]) == 2
    captured = capsys.readouterr()
    assert "refused 2" in captured.out and captured.err.count("[missing_wage_figure]") == 2
    assert not (tmp_path / "new.db").exists()
    book = load_workbook(errors).active
    assert [book.cell(row, 1).value for row in range(2, book.max_row + 1)] == [GOOD[0], f"{GOOD[0]}-2"]
