"""Collect the example cases that mediators and clerks write as YAML in ``rules/tests/``.

Each file holds ``defaults`` (a case that every example starts from) and ``examples``: a name, the
keys of the case that differ, and what the decision must be. A failure names the file and the
example, so the person who wrote it can read it without knowing Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    in_rule_tests = "rules" in file_path.parts and "tests" in file_path.parts
    if file_path.suffix == ".yaml" and in_rule_tests and file_path.parent.name == "triage":
        return TriageExamples.from_parent(parent, path=file_path)
    return None


class TriageExamples(pytest.File):
    def collect(self) -> Any:
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        defaults = data.get("defaults", {})
        for example in data["examples"]:
            case = {**defaults, **example.get("case", {})}
            yield TriageExample.from_parent(
                self, name=example["name"], case=case, expect=example["expect"]
            )


class TriageExample(pytest.Item):
    def __init__(self, *, case: dict[str, Any], expect: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.expect = expect

    def runtest(self) -> None:
        from propertytriage import Decision, InputError, Triage

        allowed = set(Decision.model_fields) | {"rules", "error", "reasons_mention", "reasons_never_mention"}
        unknown = set(self.expect) - allowed
        if not self.expect or unknown:
            raise ExampleMismatchError("expect", f"one or more of {sorted(allowed)}", sorted(unknown) or "nothing")
        if "error" in self.expect:
            try:
                Triage().decide(self.case)
            except InputError as error:
                located = [p.location for p in error.problems]
                if self.expect["error"] not in located:
                    raise ExampleMismatchError("error", self.expect["error"], located) from None
                return
            raise ExampleMismatchError("error", self.expect["error"], "no error")
        decision = Triage().decide(self.case).model_dump(mode="json")
        decision["rules"] = [r["rule"] for r in decision["reasons"]]
        told = "\n".join(r["text"] for r in decision["reasons"])
        for phrase in self.expect.get("reasons_mention", []):
            if phrase not in told:
                raise ExampleMismatchError("reasons_mention", phrase, told)
        for phrase in self.expect.get("reasons_never_mention", []):
            if phrase in told:
                raise ExampleMismatchError("reasons_never_mention", phrase, told)
        for key, wanted in self.expect.items():
            if key in ("reasons_mention", "reasons_never_mention"):
                continue
            if decision.get(key) != wanted:
                raise ExampleMismatchError(key, wanted, decision.get(key))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleMismatchError):
            key, wanted, got = excinfo.value.args
            return (f"{self.path.name} «{self.name}»\n  {key}: expected {wanted!r}\n"
                    f"  {' ' * len(key)}  got      {got!r}")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"example: {self.name}"


class ExampleMismatchError(Exception):
    """An example's expectation did not hold."""
