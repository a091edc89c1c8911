"""The condition language of ``rules/`` and its two readings.

A ``when`` is a mapping of fact → wanted, all of which must hold: a value (equality), ``{in: [...]}``
or ``{not: value}``. It is compiled to durable-rules' JSON expressions for the engine, and read
directly by :func:`holds` for routing (``applies_when``) and for the plain-Python reference evaluator
that the tests and the benchmark compare the engine against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, Protocol, TypeVar

from propertytriage.ruledata.schema import FactValue

__all__ = ["FactValue", "RuleEvaluator", "first_match", "holds", "referenced_facts", "to_durable"]

RuleEvaluator = Literal["durable", "reference"]
"""The two readings of the same rules: durable-rules' Rete engine, and plain first-match Python."""


class _Conditional(Protocol):
    @property
    def when(self) -> Mapping[str, Any]: ...


R = TypeVar("R", bound=_Conditional)


def holds(when: Mapping[str, Any], facts: Mapping[str, FactValue]) -> bool:
    """Whether every condition in ``when`` holds for ``facts``."""
    for name, wanted in when.items():
        value = facts.get(name)
        if isinstance(wanted, dict):
            if "in" in wanted and value not in wanted["in"]:
                return False
            if "not" in wanted and value == wanted["not"]:
                return False
        elif value != wanted or type(value) is not type(wanted):
            return False
    return True


def to_durable(when: Mapping[str, Any]) -> dict[str, Any]:
    """The durable-rules expression for ``when``; an empty ``when`` matches every case event."""
    terms: list[dict[str, Any]] = [{"$ex": {"case": 1}}]
    for name, wanted in when.items():
        if isinstance(wanted, dict):
            if "in" in wanted:
                terms.append({"$or": [{name: v} for v in wanted["in"]]})
            if "not" in wanted:
                terms.append({"$neq": {name: wanted["not"]}})
        else:
            terms.append({name: wanted})
    return {"$and": terms}


def referenced_facts(whens: list[Mapping[str, Any]]) -> tuple[str, ...]:
    """The facts a group of conditions reads, in a stable order (the engine is posted only these)."""
    names: set[str] = set()
    for when in whens:
        names.update(when)
    return tuple(sorted(names))


def first_match(rules: Iterable[R], facts: Mapping[str, FactValue]) -> R:
    """The reference reading: the first rule in file order whose conditions hold.

    Every rule list the loaders accept ends with a fallback (``when: {}``), so one always matches.
    """
    for rule in rules:
        if holds(rule.when, facts):
            return rule
    raise AssertionError("the loaders guarantee a fallback rule")  # pragma: no cover
