"""The ledger's commands: where the database lives, exit codes, what each prints."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from propertytriage.cli.main import main
from tests.ledger.test_import import fee_case


def _at_court(case_id: str, **changes: object) -> dict:
    case = fee_case(case_id, **changes)
    case["attempts"].append({"stage": "mediation_center", "outcome": "failed", "on": "2026-03-01"})
    return case


def test_the_default_ledger_is_a_file_in_the_current_folder_readable_by_its_owner_only(tmp_path, monkeypatch,
                                                                                      write_json, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROPERTYTRIAGE_DB", raising=False)
    old = os.umask(0o022)
    try:
        assert main(["import", write_json("a.json", fee_case())]) == 0
    finally:
        os.umask(old)
    files = sorted(p.name for p in tmp_path.glob("propertytriage.db*"))
    assert "propertytriage.db" in files
    for name in files:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
    assert "new 1" in capsys.readouterr().out


def test_the_environment_names_the_ledger_when_no_db_is_given(tmp_path, monkeypatch, write_json, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PROPERTYTRIAGE_DB", f"sqlite:///{tmp_path / 'district.db'}")
    assert main(["import", write_json("a.json", fee_case())]) == 0
    assert (tmp_path / "district.db").exists() and not (tmp_path / "propertytriage.db").exists()
    capsys.readouterr()
    assert main(["show", "A-1"]) == 0
    assert json.loads(capsys.readouterr().out)["case"]["case_id"] == "A-1"


def test_import_exits_2_naming_each_refusal_and_still_records_the_rest(database_url, write_json, capsys) -> None:
    path = write_json("a.jsonl", [fee_case("A-1"), fee_case("A-2", dispute_type="noise")])
    assert main(["import", path, "--db", database_url]) == 2
    captured = capsys.readouterr()
    assert f"{path} line 2 A-2: dispute_type" in captured.err
    assert "new 1" in captured.out and "refused 1" in captured.out
    assert main(["show", "A-1", "--db", database_url]) == 0
    capsys.readouterr()
    assert main(["show", "A-2", "--db", database_url]) == 2
    assert "unknown_case" in capsys.readouterr().err


def test_show_prints_case_decision_events_and_deadlines(database_url, write_json, capsys) -> None:
    main(["import", write_json("a.json", _at_court("A-1")), "--db", database_url])
    capsys.readouterr()
    assert main(["show", "A-1", "--db", database_url]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"case", "decision", "events", "deadlines"}
    assert shown["decision"]["next_stage"] == "court"
    assert shown["deadlines"][0]["kind"] == "pre_litigation_mediation"
    assert shown["case"]["owners"][0]["id_number"] == "150602199001011234"


def test_cases_filters_by_stage_and_overdue_and_masks(database_url, write_json, capsys) -> None:
    main(["import", write_json("a.json", [_at_court("A-1"), fee_case("A-2")]), "--db", database_url])
    capsys.readouterr()
    assert main(["cases", "--db", database_url, "--stage", "court", "--json"]) == 0
    assert [c["case_id"] for c in json.loads(capsys.readouterr().out)] == ["A-1"]
    assert main(["cases", "--db", database_url, "--overdue", "--on", "2026-03-20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["cases", "--db", database_url, "--overdue", "--on", "2026-05-01"]) == 0
    table = capsys.readouterr().out
    assert "A-1" in table and "A-2" not in table and "139****5678" in table and "13912345678" not in table


def test_cases_prints_chinese_labels_and_takes_them_as_filters(database_url, write_json, capsys) -> None:
    main(["import", write_json("a.json", [_at_court("A-1"), fee_case("A-2")]), "--db", database_url])
    capsys.readouterr()
    assert main(["cases", "--db", database_url, "--stage", "人民法院"]) == 0
    table = capsys.readouterr().out
    assert "A-1" in table and "A-2" not in table
    assert "人民法院" in table and "court" not in table.split("\n", 2)[2]  # the rows, not the bilingual header
    with pytest.raises(SystemExit) as refused:
        main(["cases", "--db", database_url, "--stage", "法院"])
    assert refused.value.code == 2
    assert "人民法院" in capsys.readouterr().err  # the choices are listed as the table prints them


@pytest.mark.parametrize("days", ["-1", "367", "many"])
def test_due_refuses_a_window_the_api_refuses(database_url, days, capsys) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["due", "--db", database_url, "--days", days])
    assert refused.value.code == 2
    assert "--days" in capsys.readouterr().err


def test_due_on_the_calendars_last_day_lists_everything_overdue(database_url, write_json, capsys) -> None:
    main(["import", write_json("a.json", [_at_court("A-1")]), "--db", database_url])
    capsys.readouterr()
    assert main(["due", "--db", database_url, "--on", "9999-12-31", "--days", "366", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items and all(i["overdue"] for i in items)


def test_due_writes_a_calendar_and_lists_overdue_first(database_url, write_json, tmp_path, capsys) -> None:
    main(["import", write_json("a.json", [_at_court("A-1"), _at_court("A-2", attempts=[
        {"stage": "owners_committee", "outcome": "failed", "on": "2026-04-01"},
        {"stage": "community", "outcome": "failed", "on": "2026-04-10"},
        {"stage": "mediation_center", "outcome": "failed", "on": "2026-04-20"}])]), "--db", database_url])
    capsys.readouterr()
    ics = tmp_path / "due.ics"
    assert main(["due", "--db", database_url, "--on", "2026-05-18", "--ics", str(ics), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [(i["subject_id"], i["overdue"]) for i in items] == [("A-1", True), ("A-2", False)]
    assert ics.read_bytes().count(b"BEGIN:VEVENT") == 2


@pytest.mark.parametrize("url", ["mysql://x/y", "not a url"])
def test_an_unusable_database_url_is_a_clear_error(url, capsys) -> None:
    assert main(["cases", "--db", url]) == 1
    assert "ledger" in capsys.readouterr().err


def test_a_path_is_not_a_document(tmp_path: Path, capsys) -> None:
    assert main(["import", str(tmp_path / "missing.json"), "--db", f"sqlite:///{tmp_path / 'l.db'}"]) == 2
    assert "missing.json: " in capsys.readouterr().err


def test_a_ledger_file_that_cannot_be_created_is_a_ledger_error(tmp_path, capsys) -> None:
    """Exit 1 and the code ``ledger`` (docs/errors.md), not an output error: nothing was being written."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    cases = tmp_path / "cases.json"  # a document that can be read: a ledger is made only for one
    cases.write_text(json.dumps([fee_case()], ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(cases), "--db", f"sqlite:///{blocker / 'ledger.db'}"]) == 1
    err = capsys.readouterr().err
    assert "[ledger]" in err and "无法创建台账数据库" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["cases"], ["due"], ["show", "X-1"], ["export", "--out", "x.csv"],
                                     ["report", "--out", "r.json"]])
def test_a_reading_command_on_a_missing_ledger_file_names_it_and_creates_nothing(
        tmp_path, capsys, monkeypatch, command) -> None:
    """A mistyped --db made an empty ledger (and its folders) and printed an empty list, exit 0."""
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "typo" / "ledger.db"
    assert main([*command, "--db", f"sqlite:///{missing}"]) == 2
    err = capsys.readouterr().err
    assert "--db" in err and "台账文件不存在" in err and "no ledger file" in err and "[ledger_not_found]" in err
    assert not (tmp_path / "typo").exists() and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:",
                                 "sqlite:///file:x?mode=memory&uri=true"])
def test_an_in_memory_ledger_is_refused_before_an_import_claims_to_record(tmp_path, capsys, url) -> None:
    """An import into memory printed its documents recorded and exited 0, keeping nothing."""
    cases = tmp_path / "cases.json"
    cases.write_text("[]", encoding="utf-8")
    assert main(["import", str(cases), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "[in_memory_ledger]" in err and "内存数据库" in err and "in-memory" in err


def test_the_summary_counts_company_records_apart_from_cases(database_url, write_json, capsys) -> None:
    """A scorecard beside two cases: the clerk reads two cases and one company record, not "new 3"."""
    from propertytriage.ruledata.paths import examples_dir

    card = json.loads((examples_dir() / "scorecard.json").read_text(encoding="utf-8"))
    path = write_json("mixed.json", [fee_case("A-1"), fee_case("A-2"), card])
    assert main(["import", path, "--db", database_url]) == 0
    out = capsys.readouterr().out
    assert "案件：新立 2，变更 0，未变 0；企业记录：新立 1，变更 0，未变 0；拒收 0" in out
    assert "cases: new 2, changed 0, unchanged 0; company records: new 1, changed 0, unchanged 0; refused 0" in out
    assert main(["import", path, "--db", database_url]) == 0
    assert "cases: new 0, changed 0, unchanged 2; company records: new 0, changed 0, unchanged 1" in (
        capsys.readouterr().out)
    # cases alone: the line SPEC §3 describes, without a company part
    assert main(["import", write_json("one.json", fee_case("A-3")), "--db", database_url]) == 0
    assert "新立 1，变更 0，未变 0，拒收 0 / new 1, changed 0, unchanged 0, refused 0" in capsys.readouterr().out


def test_a_mistyped_file_name_leaves_no_empty_ledger_behind(tmp_path, monkeypatch, write_json, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROPERTYTRIAGE_DB", raising=False)
    assert main(["import", "三月台帐.xlsx", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "三月台帐.xlsx: 无法读取文件" in err and "No such file" in err and "Is a directory" in err
    assert list(tmp_path.glob("propertytriage.db*")) == []
    # one file that can be read: the ledger is made and the readable one recorded
    assert main(["import", "三月台帐.xlsx", write_json("a.json", fee_case())]) == 2
    assert (tmp_path / "propertytriage.db").exists() and "new 1" in capsys.readouterr().out
