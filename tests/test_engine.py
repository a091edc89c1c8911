"""The engine over durable-rules: isolation, scale, and its pitfalls fenced off."""

from __future__ import annotations

import json
import random
from typing import Any

import durable_rules_engine as native
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import EngineError, Triage
from propertytriage.ruledata import default_rulebook
from propertytriage.ruledata.schema import PhaseFile
from propertytriage.rulehost.phase import PhaseEngine
from tests.strategies import random_case


def test_many_engines_coexist_in_one_process() -> None:
    first, second = Triage(), Triage()
    case = {"case_id": "X", "filed_on": "2025-01-01", "province": "内蒙古自治区",
            "dispute_type": "parking", "claimant": "owner"}
    assert first.decide(case) == second.decide(case)


@settings(max_examples=3, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_thousands_of_distinct_cases_through_the_uncached_engine_match_the_rules(
    seed: int,
) -> None:
    rng = random.Random(seed)
    batch = [random_case(rng, i) for i in range(3000)]
    engine, reference = Triage(cache_size=0), Triage(evaluator="reference")
    decisions = list(engine.decide_many(batch))
    assert len(decisions) == len(batch)
    assert [d.case_id for d in decisions] == [c["case_id"] for c in batch]
    assert decisions == list(reference.decide_many(batch))


def _phase(rules: list[dict[str, Any]]) -> PhaseFile:
    return PhaseFile.model_validate({"phase": "probe", "title": "probe", "decides": ["court_track"],
                                     "rules": rules})


def _rule(rule_id: str, when: dict[str, Any]) -> dict[str, Any]:
    return {"id": rule_id, "when": when, "then": {}, "basis": ["cpl_165"], "text": "测试"}


def test_the_engine_itself_lets_the_first_matching_rule_win() -> None:
    engine = PhaseEngine(_phase([_rule("probe.specific", {"contentious": True, "counterclaim": True}),
                                 _rule("probe.general", {"contentious": True}),
                                 _rule("probe.fallback", {})]), cache_size=0)
    assert engine.fire({"contentious": True, "counterclaim": True}).id == "probe.specific"
    assert engine.fire({"contentious": True, "counterclaim": False}).id == "probe.general"
    assert engine.fire({"contentious": False, "counterclaim": True}).id == "probe.fallback"


def test_a_miss_is_an_engine_error_not_a_silent_default() -> None:
    engine = PhaseEngine(_phase([_rule("probe.only", {"contentious": True})]), cache_size=0)
    with pytest.raises(EngineError, match="no rule matched"):
        engine.fire({"contentious": False})


def test_nothing_is_left_pending_in_the_engine_after_many_posts() -> None:
    phase = default_rulebook().phases[-1]
    engine = PhaseEngine(phase, cache_size=0)
    rng = random.Random(7)
    for _ in range(5000):
        engine.fire({name: rng.choice(default_rulebook().facts[name].values) for name in engine.fact_names})
    assert engine._handle is not None
    assert json.loads(native.get_events(engine._handle, "0")) == []
    assert json.loads(native.get_facts(engine._handle, "0")) == []


@pytest.mark.slow
def test_one_hundred_thousand_distinct_cases_give_one_hundred_thousand_right_decisions() -> None:
    rng = random.Random(20261123)
    batch = [random_case(rng, i) for i in range(100_000)]
    decisions = list(Triage().decide_many(batch))
    assert len(decisions) == 100_000
    assert len({d.case_id for d in decisions}) == 100_000
    assert decisions == list(Triage(evaluator="reference").decide_many(batch))
