"""The YAML example format of ``rules/tests/`` is strict and every file under it is collected.

The plugin lives in the repository's ``conftest.py``; these tests run it on example files written in
a scratch folder, as a mediator would write them, in a separate pytest process.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GOOD_CASE = """
  - name: 有业委会的小区先由业委会协商
    input: {case_id: F-1, filed_on: 2025-03-01, province: 内蒙古自治区, dispute_type: fee_arrears,
            claimant: property_company}
    output: {next_stage: owners_committee}
"""


def _run_examples(tmp_path: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    shutil.copytree(ROOT / "tests", tmp_path / "tests",
                    ignore=shutil.ignore_patterns("__pycache__", "test_*.py"))
    for name, text in files.items():
        path = tmp_path / "rules" / "tests" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "rules/tests", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), "-o", "addopts="],
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)


@pytest.mark.slow
def test_a_failing_example_is_reported_by_file_and_name_wherever_the_file_is(tmp_path: Path) -> None:
    wrong = GOOD_CASE.replace("有业委会的小区先由业委会协商", "错误的期望").replace(
        "owners_committee}", "court}")
    result = _run_examples(tmp_path, {
        "triage/good.yaml": "kind: triage\nexamples:" + GOOD_CASE,
        "deep/er/folder/bad.yml": "kind: triage\nexamples:" + wrong,
        "scoring/s.yaml": "kind: scoring\nexamples:\n  - name: 满分\n"
                          "    input: {sheets: {mediation_center: {all: '1'}}}\n"
                          "    output: {total: '100'}\n",
    })
    assert result.returncode == 1, result.stdout + result.stderr
    assert "bad.yml «错误的期望»" in result.stdout
    assert "next_stage: expected 'court'" in result.stdout
    assert "2 passed" in result.stdout and "1 failed" in result.stdout


MISTAKES = {
    "misspelt output": ("kind: triage\nexamples:" + GOOD_CASE.replace("output:", "outptu:"), "outptu"),
    "unknown output key": ("kind: triage\nexamples:" + GOOD_CASE.replace("next_stage", "nxt_stage"),
                           "nxt_stage"),
    "key given twice": ("kind: triage\nexamples:" + GOOD_CASE.replace(
        "{next_stage: owners_committee}", "{next_stage: owners_committee, next_stage: court}"),
        "given twice"),
    "no kind": ("examples:" + GOOD_CASE, "kind"),
    "unknown kind": ("kind: triaj\nexamples:" + GOOD_CASE, "kind"),
    "lifecycle without events": ("kind: lifecycle\nexamples:\n  - name: x\n    input: {evnts: []}\n"
                                 "    output: {status: notice_due}\n", "events"),
    "nothing expected": ("kind: triage\nexamples:" + GOOD_CASE.replace(
        "output: {next_stage: owners_committee}", "output: {}"), "output"),
}


@pytest.mark.slow
def test_a_mistake_in_the_format_fails_by_file_instead_of_being_skipped(tmp_path: Path) -> None:
    files = {f"triage/mistake-{i}.yaml": text for i, (text, _named) in enumerate(MISTAKES.values())}
    result = _run_examples(tmp_path, files)
    assert result.returncode != 0, result.stdout
    reports = result.stdout.split("ERROR collecting")
    for i, (label, (_text, named)) in enumerate(MISTAKES.items()):
        report = next((r for r in reports if f"mistake-{i}.yaml: not a valid example file" in r), "")
        assert report and named in report, (label, result.stdout)


def test_every_example_file_under_rules_tests_declares_a_known_kind() -> None:
    files = sorted((ROOT / "rules" / "tests").rglob("*.y*ml"))
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["kind"] in {"triage", "scoring", "lifecycle"}, path
        assert all({"name", "output"} <= set(e) for e in data["examples"]), path
