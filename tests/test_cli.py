"""The command line: shapes in and out, exit codes, and nothing half-written."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from propertytriage.cli.main import main

CASE: dict[str, Any] = {
    "case_id": "C-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
    "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "3600",
}


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_one_case_in_gives_one_decision_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", _write(tmp_path, "c.json", CASE)]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["case_id"] == "C-1" and decision["next_stage"] == "owners_committee"


def test_a_list_in_gives_a_list_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [CASE, {**CASE, "case_id": "C-2", "dispute_type": "neighbor"}]
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [d["next_stage"] for d in out] == ["owners_committee", "out_of_scope"]


def test_one_bad_case_in_a_list_gives_no_output_and_names_case_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [CASE, {**CASE, "case_id": "C-2", "claim_amount": "-5"}]
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "case[1] C-2" in captured.err and "claim_amount" in captured.err
    assert "不能为负数" in captured.err and "must not be negative" in captured.err
    assert "Traceback" not in captured.err


def test_unknown_key_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", _write(tmp_path, "c.json", {**CASE, "claim_amout": "5"})]) == 2
    assert "claim_amout" in capsys.readouterr().err


def test_malformed_json_names_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"case_id": "C-1",\n "filed_on": }', encoding="utf-8")
    assert main(["triage", str(path)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_json_lines_stream_one_decision_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps({**CASE, "case_id": f"L-{i}"}) for i in range(50)) + "\n",
                    encoding="utf-8")
    assert main(["triage", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["case_id"] for line in lines] == [f"L-{i}" for i in range(50)]


def test_json_lines_with_out_file_write_nothing_when_a_line_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(CASE) + "\n" + json.dumps({**CASE, "filed_on": "2025/03/01"}) + "\n",
                    encoding="utf-8")
    target = tmp_path / "out" / "decisions.jsonl"
    assert main(["triage", str(path), "--out", str(target)]) == 2
    assert not target.exists() and list(target.parent.iterdir()) == []
    assert "line 2" in capsys.readouterr().err


def test_standard_input_is_read_with_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(CASE)))
    assert main(["triage", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["case_id"] == "C-1"


def test_schema_of_the_case_lists_every_contract_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "case"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"case_id", "filed_on", "province", "dispute_type", "claimant", "claim_amount",
            "has_owners_committee", "attempts", "company_score", "scorecard"} <= set(
        schema["properties"])
    assert schema["additionalProperties"] is False


def test_run_decides_every_sample_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--out", str(tmp_path), "--no-forms"]) == 0
    decisions = json.loads((tmp_path / "decisions.json").read_text(encoding="utf-8"))
    assert len(decisions) >= 20
    stages = {d["next_stage"] for d in decisions}
    tracks = {d["court_track"] for d in decisions}
    assert stages == {"owners_committee", "community", "mediation_center", "court", "closed",
                      "out_of_scope"}
    assert tracks >= {"small_claims", "fast_track", "ordinary"}
    assert "KBS-2025-011" in capsys.readouterr().out


def test_rubric_lists_items_adding_up_to_one_hundred(capsys: pytest.CaptureFixture[str]) -> None:
    from decimal import Decimal

    assert main(["rubric"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert all({"id", "category", "title", "max_points"} <= set(item) for item in items)
    assert sum(Decimal(item["max_points"]) for item in items) == 100


def test_score_prints_total_rectification_and_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    from propertytriage.ruledata import examples_dir

    assert main(["score", str(examples_dir() / "scorecard.json")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert 0 <= float(result["total"]) <= 100
    assert result["rectification_required"] == (float(result["total"]) < 60)
    assert result["by_category"]


def test_a_bad_scorecard_names_evaluator_and_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = {"evaluated_on": "2026-03-02",
            "evaluations": [{"evaluator": "mediation_center", "items": {"no_such_item": 1}}]}
    assert main(["score", _write(tmp_path, "s.json", card)]) == 2
    assert "no_such_item" in capsys.readouterr().err


def test_a_single_bad_case_is_named_by_its_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", _write(tmp_path, "c.json", {**CASE, "case_id": "S1", "claim_amount": "-5"})]) == 2
    assert "S1" in capsys.readouterr().err


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text("\ufeff" + json.dumps(CASE, ensure_ascii=False), encoding="utf-8")
    assert main(["triage", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["case_id"] == "C-1"


def test_a_key_given_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    text = json.dumps(CASE, ensure_ascii=False)[:-1] + ', "claimant": "owner"}'
    path.write_text(text, encoding="utf-8")
    assert main(["triage", str(path)]) == 2
    assert "claimant" in capsys.readouterr().err


def test_an_absurdly_large_amount_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({**CASE, "claim_amount": "X"}).replace('"X"', "1e30"), encoding="utf-8")
    assert main(["triage", str(path)]) == 2
    err = capsys.readouterr().err
    assert "claim_amount" in err and "Traceback" not in err


def test_forms_never_write_outside_the_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    at_mediation = {**CASE, "attempts": [{"stage": "owners_committee", "outcome": "failed"},
                                         {"stage": "community", "outcome": "failed"}]}
    cases = [{**at_mediation, "case_id": "../escape"}, {**at_mediation, "case_id": "C-2"}]
    out = tmp_path / "nested" / "out"
    assert main(["forms", _write(tmp_path, "c.json", cases), "--out", str(out)]) == 0
    written = [Path(line) for line in capsys.readouterr().out.splitlines()]
    assert written and all(path.resolve().is_relative_to(out.resolve()) for path in written)
    assert not (tmp_path / "nested" / "escape").exists()


def test_two_cases_with_one_id_are_refused_before_any_form_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["forms", _write(tmp_path, "c.json", [CASE, CASE]), "--out", str(out)]) == 2
    assert "case_id" in capsys.readouterr().err and not out.exists()


def test_every_bad_case_in_a_list_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [{**CASE, "case_id": "B-1", "claim_amount": "-1"}, CASE,
             {**CASE, "case_id": "B-3", "filed_on": "2025/03/01"}]
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 2
    err = capsys.readouterr().err
    assert "case[0] B-1: claim_amount" in err and "case[2] B-3: filed_on" in err


def test_two_cases_with_one_id_in_a_triage_list_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["triage", _write(tmp_path, "c.json", [CASE, CASE])]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "case[1] C-1: case_id" in captured.err


def test_json_lines_given_as_json_get_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cases.txt"
    path.write_text(json.dumps(CASE) + "\n" + json.dumps(CASE) + "\n", encoding="utf-8")
    assert main(["triage", str(path)]) == 2
    assert "--jsonl" in capsys.readouterr().err


@pytest.mark.parametrize(("first", "second"), [("A1", "A1 "), ("a/b", "a_b"), ("KBS-1", "kbs-1")])
def test_ids_that_would_share_a_folder_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: str, second: str
) -> None:
    cases = [{**CASE, "case_id": first}, {**CASE, "case_id": second}]
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 2
    assert "duplicate_case_id" in capsys.readouterr().err
