"""Run the mediators' YAML examples in ``rules/tests/scoring/`` (one test per example, named by it)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from propertytriage import InputError
from propertytriage.ruledata import rules_dir
from propertytriage.scoring import replay, score

from .helpers import card, sheet_totalling, uniform

FOLDER = rules_dir() / "tests" / "scoring"


def _examples(file: str) -> list[Any]:
    path = FOLDER / file
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [pytest.param(e, id=f"{file}::{e['name']}") for e in data["examples"]]


def _sheet(evaluator: str, spec: dict[str, Any]) -> dict[str, Any]:
    if "all" in spec:
        sheet = uniform(str(spec["all"]), evaluator)
    else:
        sheet = sheet_totalling(Decimal(str(spec["total"])), evaluator)
    sheet["items"].update({k: str(v) for k, v in spec.get("items", {}).items()})
    return sheet


def _first_problem(call: Any) -> str:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.problems[0].location


@pytest.mark.parametrize("example", _examples("scoring.yaml"))
def test_scoring_example(example: dict[str, Any]) -> None:
    data = card(*[_sheet(e, spec) for e, spec in example["sheets"].items()])
    if "problem" in example:
        assert _first_problem(lambda: score(data)) == example["problem"]
        return
    result = score(data)
    expect = example["expect"]
    known = {"total", "rectification_required", "missing_evaluators", "weakest_items"}
    assert expect and set(expect) <= known, f"expect must name some of {sorted(known)}, got {sorted(expect)}"
    if "total" in expect:
        assert result.total == Decimal(expect["total"])
    if "rectification_required" in expect:
        assert result.rectification_required is expect["rectification_required"]
    if "missing_evaluators" in expect:
        assert result.missing_evaluators == expect["missing_evaluators"]
    if "weakest_items" in expect:
        assert [i.id for i in result.weakest_items] == expect["weakest_items"]


@pytest.mark.parametrize("example", _examples("lifecycle.yaml"))
def test_lifecycle_example(example: dict[str, Any]) -> None:
    # YAML 1.1 reads a bare `on:` key as true; the history format (JSON) has no such trap.
    events = [{("on" if k is True else k): v for k, v in e.items()} for e in example["events"]]
    if "problem" in example:
        assert _first_problem(lambda: replay({"events": events})) == example["problem"]
        return
    state = replay({"events": events})
    assert example["expect"], "an example must expect something"
    for key, wanted in example["expect"].items():
        assert key in {"deadline", "penalties"} or hasattr(state, key), f"unknown expectation {key!r}"
        if key == "deadline":
            assert state.deadline is not None and state.deadline.due_on == wanted
        elif key == "penalties":
            assert len(state.penalty_recommendations) == wanted
        else:
            assert getattr(state, key) == wanted, key
