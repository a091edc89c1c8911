"""Fast paths give what the general code gives.

Text cleaning (models/types.py) lets text without any suspect character through after one
regular-expression search; every other text goes through the replacements and checks that existed
before. Triage (engine/triage.py) fills a reason's text from pieces cut once instead of the rule's
``explain``, and gives the ledger its decision as JSON without building the model
(``decide_json``). Each is compared here with the general code on drawn inputs.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propertytriage.engine import Triage
from propertytriage.engine.facts import CaseFacts
from propertytriage.errors import InputError
from propertytriage.models import types
from tests.strategies import cases

SUSPECT = "\r\n\t\x0b\x0c\u2028\u2029\u200c\u200d\u200e\u200f\x00\x1b\x1f\x7f\x85\x9f\xad\u061c\u115f\u1160\u200b" \
          "\u202a\u202e\u2060\u2064\u2066\u2069\u3164\ufeff\U000e0001\U000e007f"
ORDINARY = " \u3000\xa0ab1-张三物业（）\u1820\u180b"  # spaces, CJK, Mongolian with a variation selector

text = st.text(alphabet=st.sampled_from(SUSPECT + ORDINARY), max_size=12)


def _full(value: str, limit: int, multiline: bool) -> str:
    """The checks of _clean without its fast path (as they were before it)."""
    value = types._PARAGRAPH_BREAKS.sub("\n", value) if multiline else types._BREAKS.sub(" ", value).strip()
    if len(value) > limit:
        raise ValueError(f"too long {len(value)}")
    bad = types._INVISIBLE.search(value) or (None if multiline else types._JOINERS.search(value))
    if bad is not None:
        raise ValueError(f"bad {bad.start()}")
    return value


def _outcome(function: object, value: str, limit: int, multiline: bool) -> tuple[str, str]:
    try:
        return "ok", function(value, limit=limit, multiline=multiline)  # type: ignore[operator]
    except ValueError as error:
        return "refused", str(error)


@pytest.mark.parametrize("multiline", [False, True])
@given(value=text, limit=st.integers(min_value=0, max_value=12))
def test_the_fast_path_accepts_and_refuses_what_the_full_checks_do(value: str, limit: int, multiline: bool) -> None:
    fast = _outcome(types._clean, value, limit, multiline)
    full = _outcome(lambda v, limit, multiline: _full(v, limit, multiline), value, limit, multiline)
    assert fast[0] == full[0]
    if fast[0] == "ok":
        assert fast[1] == full[1]


def test_ordinary_text_takes_the_fast_path() -> None:
    assert types._SUSPECT_ONE_LINE.search(" 第12物业服务有限公司 ") is None
    assert types._SUSPECT_ONE_LINE.search("a\u200bb") is not None


_ENGINE = Triage()
_RULES = [rule for phase in _ENGINE.book.phases for rule in phase.rules]
_NAMES = sorted({name for rule in _RULES for name in rule.placeholders()})


@given(rule=st.sampled_from(_RULES),
       values=st.dictionaries(st.sampled_from(_NAMES), st.text(alphabet="{}0123456789,.元分年月日张", max_size=6)))
def test_a_reason_reads_as_the_rule_explains_it(rule: object, values: dict[str, str]) -> None:
    reason = _ENGINE._reason(rule, CaseFacts({}, values))  # type: ignore[arg-type]
    assert reason.text == rule.explain(values, unknown="（未知）")  # type: ignore[attr-defined]


def _decided(function: Any, case: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", function(case)
    except InputError as error:
        return "refused", error.problems


@given(case=cases())
def test_the_decision_as_json_is_the_decision_dumped(case: dict[str, Any]) -> None:
    fast = _decided(lambda c: _ENGINE.decide_json(c, subject="case[0]"), case)
    slow = _decided(lambda c: _ENGINE.decide(c, subject="case[0]").model_dump(), case)
    assert fast == slow
    if fast[0] == "ok":
        assert list(fast[1]) == list(slow[1])  # the same keys in the same order: the same stored JSON


@given(case=cases(), name=st.sampled_from(["next_stage", "court_track"]),
       value=st.sampled_from([None, "nowhere", "court"]))
def test_an_outcome_the_model_refuses_is_refused_by_the_json_path_too(case: dict[str, Any], name: str,
                                                                      value: Any) -> None:
    engine = Triage()
    engine._sets = {rule: {**sets, name: value} for rule, sets in engine._sets.items()}
    fast = _outcome_of(lambda: engine.decide_json(case))
    slow = _outcome_of(lambda: engine.decide(case).model_dump())
    assert fast == slow


def _outcome_of(action: Any) -> tuple[str, Any]:
    try:
        return "ok", action()
    except InputError as error:
        return "refused", error.problems
    except ValueError as error:  # pydantic's ValidationError: the model refuses the outcome
        return "invalid", str(error)
