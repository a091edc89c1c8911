"""The engine over durable-rules: isolation, scale, and its pitfalls fenced off."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage import EngineError, Triage
from propertytriage.engine.host import PhaseEngine
from propertytriage.ruledata import default_rulebook
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


def test_an_exception_inside_an_action_is_not_swallowed() -> None:
    phase = default_rulebook().phases[0]
    engine = PhaseEngine(phase, cache_size=0)

    def explode(_closure: Any) -> None:
        raise RuntimeError("boom")

    engine._recorder = lambda rule_id: explode  # type: ignore[method-assign]
    engine._host = type(engine._host)()
    engine._host.register_rulesets(engine._definition())
    facts = {name: False for name in engine.fact_names}
    with pytest.raises(EngineError, match="boom"):
        engine.fire(facts)
