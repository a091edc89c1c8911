"""The command line is consistent: one case or many give the same layout, and a second run into
the same folder leaves only what the new decisions call for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from propertytriage import triage
from propertytriage.cli.main import main

CASE: dict[str, Any] = {
    "case_id": "C-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
    "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "3600",
}
ALL_FAILED = [{"stage": s, "outcome": "failed"} for s in ("owners_committee", "community", "mediation_center")]
# at the mediation center with a failing score: the scorecard and the rectification notice
AT_MEDIATION_FAILING = {**CASE, "company_score": 50, "attempts": ALL_FAILED[:2]}
# the same dispute later, at court with a passing score: the inquiry form only
AT_COURT = {**CASE, "company_score": 70, "attempts": ALL_FAILED}


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_second_forms_run_removes_only_the_forms_the_new_decision_drops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert triage(AT_MEDIATION_FAILING).forms == ["scorecard", "rectification_notice"]
    assert main(["forms", _write(tmp_path, "a.json", AT_MEDIATION_FAILING), "--out", str(out), "--html"]) == 0
    folder = out / "C-1"
    assert _names(folder) == {"C-1-scorecard.pdf", "C-1-scorecard.html",
                              "C-1-rectification_notice.pdf", "C-1-rectification_notice.html"}
    # the clerk's own files and another case's form in the folder are not ours to remove
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "C-2-scorecard.pdf").write_bytes(b"%PDF other case")
    capsys.readouterr()

    assert triage(AT_COURT).forms == ["inquiry_form"]
    assert main(["forms", _write(tmp_path, "b.json", AT_COURT), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert _names(folder) == {"C-1-inquiry_form.pdf", "notes.txt", "C-2-scorecard.pdf"}
    assert captured.out.splitlines() == [str(folder / "C-1-inquiry_form.pdf")]
    assert "forms: " not in captured.err  # no progress line when standard error is not a terminal
    for gone in ("C-1-scorecard.pdf", "C-1-scorecard.html", "C-1-rectification_notice.pdf",
                 "C-1-rectification_notice.html"):
        assert str(folder / gone) in captured.err


def test_forms_says_when_a_case_needs_none_and_clears_its_old_forms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (out / "C-1").mkdir(parents=True)
    (out / "C-1" / "C-1-scorecard.pdf").write_bytes(b"%PDF from an earlier decision")
    assert triage(CASE).forms == []
    assert main(["forms", _write(tmp_path, "c.json", CASE), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "C-1：当前无需表格" in captured.err and "no forms needed" in captured.err
    assert "C-1-scorecard.pdf" in captured.err and _names(out / "C-1") == set()


def test_one_case_and_a_list_of_one_give_the_same_forms_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, many = tmp_path / "one", tmp_path / "many"
    assert main(["forms", _write(tmp_path, "a.json", AT_COURT), "--out", str(one)]) == 0
    assert main(["forms", _write(tmp_path, "b.json", [AT_COURT]), "--out", str(many)]) == 0
    layout = [sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) for root in (one, many)]
    assert layout[0] == layout[1] == ["C-1", "C-1/C-1-inquiry_form.pdf"]


def test_run_takes_a_single_case_and_writes_a_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", "--cases", _write(tmp_path, "c.json", CASE), "--out", str(out), "--no-forms"]) == 0
    decisions = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    assert [d["case_id"] for d in decisions] == ["C-1"]
    assert decisions[0]["rules_version"] == triage(CASE).rules_version != ""


def test_a_list_is_written_as_the_list_of_each_case_decided_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [{**CASE, "case_id": f"C-{i}", "claim_amount": str(100 * i)} for i in range(30)] + [AT_COURT]
    cases[-1] = {**AT_COURT, "case_id": "COURT"}
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 0
    out = capsys.readouterr().out
    expected = [triage(c).model_dump(mode="json") for c in cases]
    assert json.loads(out) == expected
    # the same text as the whole list written at once, indented like a single decision
    assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


def test_an_empty_list_gives_an_empty_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", _write(tmp_path, "c.json", [])]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_bad_case_after_many_good_ones_still_gives_no_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [{**CASE, "case_id": f"C-{i}"} for i in range(500)] + [{**CASE, "case_id": "BAD", "filed_on": "x"}]
    target = tmp_path / "out" / "d.json"
    assert main(["triage", _write(tmp_path, "c.json", cases), "--out", str(target)]) == 2
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "case[500] BAD: filed_on" in captured.err
    assert not target.exists() and list(target.parent.iterdir()) == []


def test_a_batch_of_bad_cases_lists_two_hundred_problems_and_counts_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [{**CASE, "case_id": f"B-{i}", "claim_amount": "-1"} for i in range(1000)]
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 2
    err = capsys.readouterr().err
    assert "case[199] B-199: claim_amount" in err and "case[200]" not in err
    assert "and 800 more problems" in err


def test_a_json_lines_hint_is_not_given_for_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    two = json.dumps(CASE) + " " + json.dumps(CASE) + "\n"
    (tmp_path / "c.jsonl").write_text(two, encoding="utf-8")
    assert main(["triage", str(tmp_path / "c.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "line 1" in err and "--jsonl" not in err and ".jsonl" not in err
    (tmp_path / "c.json").write_text(two, encoding="utf-8")
    assert main(["triage", str(tmp_path / "c.json")]) == 2
    assert "--jsonl" in capsys.readouterr().err


def test_a_json_lines_error_names_its_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "c.jsonl").write_text(json.dumps(CASE) + "\n\n" + '{"case_id": }\n', encoding="utf-8")
    assert main(["triage", str(tmp_path / "c.jsonl")]) == 2
    assert "line 3 column 13" in capsys.readouterr().err


def test_every_decision_the_command_prints_carries_the_rules_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(CASE) + "\n", encoding="utf-8")
    assert main(["triage", str(path)]) == 0
    assert main(["triage", _write(tmp_path, "c.json", [CASE])]) == 0
    first, second = capsys.readouterr().out.split("\n", 1)
    versions = {json.loads(first)["rules_version"], json.loads(second)[0]["rules_version"]}
    assert versions == {triage(CASE).rules_version} and "" not in versions
