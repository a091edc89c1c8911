"""No traceback, ever: every input and every failure ends in a short message and a documented exit code."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propertytriage.cli.main import main
from propertytriage.errors import EngineError
from propertytriage.ruledata import rules_dir

ROOT = Path(__file__).resolve().parent.parent
CASE: dict[str, Any] = {
    "case_id": "C-1", "filed_on": "2025-03-01", "province": "内蒙古自治区",
    "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "3600",
}


def documented_exit_codes() -> dict[int, str]:
    """The exit-status table of docs/errors.md, as {status: meaning}."""
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    table = text.split("| exit status | meaning |", 1)[1]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", table, re.M)
    return {int(code): meaning for code, meaning in rows}


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from propertytriage.cli.main import main; sys.exit(main())", *args]


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


# --- each documented exit status, reached the way a user would reach it -----------------------

def _success(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    code = main(["triage", _write(tmp_path, "c.json", CASE)])
    return code, ""


def _internal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    # a fact the rules name but the code does not produce: what a rules/ and code mismatch looks like
    def broken(self: Any, case: Any, **kwargs: Any) -> Any:
        raise KeyError("amount_band")

    monkeypatch.setattr("propertytriage.engine.Triage.decide", broken)
    return main(["triage", _write(tmp_path, "c.json", CASE)]), "internal error"


def _invalid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    return main(["triage", _write(tmp_path, "c.json", {**CASE, "claim_amount": "-1"})]), "claim_amount"


def _rule_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    pipeline = rules / "triage" / "pipeline.yaml"
    pipeline.write_text(pipeline.read_text(encoding="utf-8") + "\n  - : [unclosed\n", encoding="utf-8")
    done = subprocess.run(_command("triage", _write(tmp_path, "c.json", CASE)), capture_output=True, text=True,
                          env={**os.environ, "PROPERTYTRIAGE_RULES": str(rules)}, timeout=120)
    assert "Traceback" not in done.stderr
    return done.returncode, "pipeline.yaml"


def _output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    target = str(tmp_path / "a-file" / "out.json")
    return main(["triage", _write(tmp_path, "c.json", CASE), "--out", target]), "a-file"


def _interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    # a real Ctrl-C: the command is waiting for the next JSON line on its standard input
    child = subprocess.Popen(_command("triage", "-", "--jsonl"), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(json.dumps(CASE) + "\n")
    child.stdin.flush()
    assert json.loads(child.stdout.readline())["case_id"] == "C-1"  # it is past start-up, reading
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert err == "", err  # quiet
    return child.returncode, ""


PATHS = {0: _success, 1: _internal, 2: _invalid, 3: _rule_data, 4: _output, 130: _interrupted}


def test_every_documented_exit_status_has_a_path_and_no_other_exists() -> None:
    assert set(documented_exit_codes()) == set(PATHS)


@pytest.mark.parametrize("status", sorted(PATHS))
def test_each_exit_status_is_reached_as_documented(
    status: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert status in documented_exit_codes()
    code, named = PATHS[status](tmp_path, monkeypatch)
    err = capsys.readouterr().err
    assert code == status
    assert "Traceback" not in err
    if status in (1, 2, 4):
        assert named in err


def test_an_engine_error_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: Any, case: Any, **kwargs: Any) -> Any:
        raise EngineError("规则引擎未作出判定", "no rule fired")

    monkeypatch.setattr("propertytriage.engine.Triage.decide", broken)
    assert main(["triage", _write(tmp_path, "c.json", CASE)]) == 1
    assert "no rule fired" in capsys.readouterr().err


def test_arguments_a_command_does_not_take_are_invalid_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["triage"])
    assert raised.value.code == 2


def test_version_names_the_package_and_the_rules_every_decision_carries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as raised:
        main(["--version"])
    assert raised.value.code == 0
    printed = capsys.readouterr().out
    assert main(["triage", _write(tmp_path, "c.json", CASE)]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["rules_version"] and f"rules {decision['rules_version']}" in printed
    assert printed.startswith(f"propertytriage {version('propertytriage')}\n")


# --- inputs that used to escape as tracebacks ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 100_000 + "1" + "}" * 100_000,
    "[" + '{"a":' * 5_000 + "1" + "}" * 5_000 + "]",
])
def test_deeply_nested_json_is_invalid_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    assert main(["triage", _write(tmp_path, "c.json", text)]) == 2
    err = capsys.readouterr().err
    assert "nested too deeply" in err and "Traceback" not in err


@pytest.mark.parametrize("field", ["claim_amount", "company_score"])
def test_a_five_thousand_digit_number_is_refused_by_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str
) -> None:
    text = json.dumps({**CASE, field: "X"}).replace('"X"', "9" * 5000)
    assert main(["triage", _write(tmp_path, "c.json", text)]) == 2
    err = capsys.readouterr().err
    assert field in err and "Traceback" not in err and len(err) < 2000


def test_a_five_thousand_digit_phone_number_is_refused_by_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = json.dumps({**CASE, "owners": [{"phone": "X"}]}).replace('"X"', "1" * 5000)
    assert main(["triage", _write(tmp_path, "c.json", text)]) == 2
    err = capsys.readouterr().err
    assert "owners[0].phone" in err and len(err) < 2000


def test_an_echoed_value_is_cut_and_its_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "\x1b[2J\u202e" + "k" * 10_000
    path = tmp_path / "c.json"
    path.write_text(json.dumps({**CASE, key: 1, "dispute_type": "x" * 5000}), encoding="utf-8")
    assert main(["triage", str(path)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    assert "\\x1b[2J\\u202e" in err
    assert max(len(line) for line in err.splitlines()) < 600  # the input held 10,000 and 5,000


def test_a_case_id_with_control_characters_is_shown_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [{**CASE, "case_id": "A\x1b]0;pwned\x07" + "9" * 500, "claim_amount": "-1"}]
    assert main(["triage", _write(tmp_path, "c.json", cases)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b]0;pwned\\x07" in err
    assert max(len(line) for line in err.splitlines()) < 400


# --- fuzz: whatever the bytes, a documented answer ---------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.decimals(allow_nan=False, allow_infinity=False).map(str)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
_case_like = st.fixed_dictionaries(
    {}, optional={key: _json for key in CASE} | {"attempts": _json, "company_score": _json, "owners": _json}
).map(lambda extra: {**CASE, **extra})


def _run_fuzz(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, data: bytes) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(data)
    code = main([command, str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 2), err  # random input is never an internal error
    assert "Traceback" not in err
    if code == 0:
        json.loads(out)
    else:
        assert out == "" and "invalid input" in err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["triage", "score", "history"]), data=st.binary(max_size=200))
def test_random_bytes_give_a_documented_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, data: bytes
) -> None:
    _run_fuzz(tmp_path, capsys, command, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["triage", "score", "history"]), value=_json | _case_like | st.lists(_case_like, max_size=3))
def test_random_json_gives_a_documented_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, value: Any
) -> None:
    _run_fuzz(tmp_path, capsys, command, json.dumps(value, ensure_ascii=False).encode())


def test_a_full_standard_output_is_named_and_nothing_else_is_said(tmp_path: Path) -> None:
    source = _write(tmp_path, "c.json", [CASE])
    with open("/dev/full", "w") as full:
        done = subprocess.run(_command("triage", source), stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    assert done.returncode == 4
    assert "stdout" in done.stderr and "ENOSPC" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    child = subprocess.Popen(_command("rubric"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the command writes: its first write meets a closed pipe
    err = child.stderr.read()
    assert child.wait(timeout=120) == 0
    assert err == ""


def _children(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()


@pytest.mark.parametrize("when", ["workers starting", "forms being written"])
def test_ctrl_c_during_a_forms_batch_is_quiet_and_leaves_only_whole_forms(tmp_path: Path, when: str) -> None:
    import time

    examples = json.loads((ROOT / "examples" / "cases.json").read_text(encoding="utf-8"))
    cases = [{**case, "case_id": f"K-{i}"} for i, case in enumerate(examples * 3)]
    out = tmp_path / "out"
    # a terminal's Ctrl-C goes to the whole process group: the command and its workers
    child = subprocess.Popen(_command("forms", _write(tmp_path, "c.json", cases), "--out", str(out)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and child.poll() is None:
        ready = (len(_children(child.pid)) >= 2 if when == "workers starting"
                 else any(out.rglob("*.pdf")))
        if ready:
            break
        time.sleep(0.005)
    assert child.poll() is None, "the batch ended before it could be interrupted"
    os.killpg(child.pid, signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130
    assert err == "", err
    for path in out.rglob("*"):
        assert not path.name.startswith("."), path  # no temporary file left
        if path.is_file():
            data = path.read_bytes()
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), path
