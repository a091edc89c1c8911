"""Exit statuses of the installed command, as a shell or a scheduler sees them.

SPEC §2.4: invalid input exits 2 with a clear message on stderr naming the case and the field, and a
list with one bad case prints nothing. docs/errors.md: malformed rule data exits 3. These run the
console script in its own process where the status the operating system reports is the point, and
``main`` in this process for the many kinds of bad input.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from propertytriage.cli.main import main
from propertytriage.ruledata import rules_dir

SCRIPT = Path(sys.executable).with_name("propertytriage")
GOOD = {"case_id": "G-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": "property_company"}


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert SCRIPT.exists(), f"the console script is not installed at {SCRIPT}"
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=False, env={**os.environ, **(env or {})})


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_a_good_case_exits_0(tmp_path: Path) -> None:
    result = _run("triage", _write(tmp_path, "c.json", GOOD))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["next_stage"] == "owners_committee"


@pytest.mark.parametrize(("label", "command", "data", "named"), [
    ("case missing a field", "triage", {**GOOD, "province": None}, "province"),
    ("one bad case in a list", "triage", [GOOD, {**GOOD, "case_id": "B-2", "claim_amount": "-1"}],
     "claim_amount"),
    ("misspelt key", "triage", {**GOOD, "claimnat": "owner"}, "claimnat"),
    ("scorecard without sheets", "score", {"evaluated_on": "2026-03-02"}, "evaluations"),
    ("impossible history", "history",
     {"events": [{"kind": "inspection", "on": "2026-03-02", "result": "passed"}]}, "events[0]"),
])
def test_invalid_input_exits_2_naming_the_field_and_printing_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, command: str, data: Any, named: str
) -> None:
    assert main([command, _write(tmp_path, "in.json", data)]) == 2, label
    printed = capsys.readouterr()
    assert named in printed.err
    assert printed.out == ""


def test_the_installed_command_exits_2_for_invalid_input(tmp_path: Path) -> None:
    result = _run("triage", _write(tmp_path, "c.json", [GOOD, {**GOOD, "case_id": "B-2", "claim_amount": "-1"}]))
    assert result.returncode == 2, result.stderr
    assert "B-2" in result.stderr and "claim_amount" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_input_that_is_not_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json", encoding="utf-8")
    assert main(["triage", str(path)]) == 2
    assert capsys.readouterr().out == ""


def test_a_missing_input_file_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", str(tmp_path / "absent.json")]) == 2
    assert "absent.json" in capsys.readouterr().err


def test_forms_for_an_invalid_case_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["forms", _write(tmp_path, "c.json", {**GOOD, "filed_on": "2025-02-30"}), "--out", str(out)]) == 2
    assert "filed_on" in capsys.readouterr().err
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_malformed_rule_data_exits_3(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    scoring = rules / "parameters" / "scoring.yaml"
    scoring.write_text(scoring.read_text(encoding="utf-8").replace("pass_mark:", "pass_marc:"),
                       encoding="utf-8")
    result = _run("triage", _write(tmp_path, "c.json", GOOD), env={"PROPERTYTRIAGE_RULES": str(rules)})
    assert result.returncode == 3, result.stderr
    assert "scoring.yaml" in result.stderr and "Traceback" not in result.stderr
