"""Rule phases compiled onto durable-rules, with its known pitfalls fenced off.

durable-rules 2.0.28 has traits that would silently give wrong decisions if used naively:

* ``engine.Host`` starts two background threads that dispatch pending actions every 0.2 s. They race
  the synchronous caller, which is why ``post_batch`` can return with only part of its actions done.
  :class:`QuietHost` starts no threads: every action runs inside the ``post`` that caused it.
* The module-level host refuses a ruleset name registered twice, so tests could not run in any order.
  Each :class:`PhaseEngine` owns its host.
* ``set_rulesets`` deletes ``run`` from the definitions it is given; we give it a deep copy.
* An exception inside an action is swallowed into the returned state. Our action only records the
  rule's id; if the engine reports an exception anyway, :class:`EngineError` is raised.
* ``MessageNotHandledException`` when no rule matches: every phase ends with a fallback rule (checked
  by the loader), and the exception is turned into :class:`EngineError` if it happens regardless.
* Facts are de-duplicated by a 32-bit hash, which reports false duplicates at scale; many ``sid``s
  grow native state without bound. We post *events* (consumed by the rule that fires, never
  de-duplicated) to a single ``sid``, and rules have one condition each, so nothing is left pending.

A rule's place in its file becomes its durable-rules priority (``pri``), so "first match wins" is the
engine's own conflict resolution, not Python's.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from durable import engine as durable_engine

from propertytriage.engine.conditions import FactValue, referenced_facts, to_durable
from propertytriage.errors import EngineError
from propertytriage.ruledata.schema import PhaseFile, RuleSpec

_SID = "0"


class QuietHost(durable_engine.Host):  # type: ignore[misc]  # durable ships no type hints
    """A durable-rules host that never dispatches actions from background threads."""

    def _run(self) -> None:
        return None


class PhaseEngine:
    """One phase's rules on its own durable-rules host; answers which rule fires for given facts."""

    def __init__(self, phase: PhaseFile, *, cache_size: int = 4096) -> None:
        self.phase = phase
        self.rules: dict[str, RuleSpec] = {r.id: r for r in phase.rules}
        self.fact_names = referenced_facts([r.when for r in phase.rules])
        self._fired: list[str] = []
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[FactValue, ...], str] = OrderedDict()
        self._cache_size = cache_size
        self._host = QuietHost()
        self._host.register_rulesets(copy.deepcopy(self._definition()))

    def _definition(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        for priority, rule in enumerate(self.phase.rules, start=1):
            rules[rule.id] = {
                "all": [{"m": to_durable(rule.when)}],
                "pri": priority,
                "run": self._recorder(rule.id),
            }
        return {self.phase.phase: rules}

    def _recorder(self, rule_id: str) -> Any:
        def record(_closure: Any) -> None:
            self._fired.append(rule_id)

        return record

    def fire(self, facts: Mapping[str, FactValue]) -> RuleSpec:
        """The rule that decides for ``facts``: the first in file order whose conditions hold."""
        key = tuple(facts[name] for name in self.fact_names)
        if self._cache_size:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return self.rules[cached]
        rule_id = self._post(key)
        if self._cache_size:
            self._cache[key] = rule_id
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return self.rules[rule_id]

    def _post(self, key: tuple[FactValue, ...]) -> str:
        event: dict[str, Any] = dict(zip(self.fact_names, key, strict=True))
        event["sid"] = _SID
        event["case"] = 1
        with self._lock:
            self._fired.clear()
            try:
                state = self._host.post(self.phase.phase, event)
            except durable_engine.MessageNotHandledException:
                raise EngineError(
                    f"阶段「{self.phase.phase}」没有规则匹配事实 {event}",
                    f"no rule of phase {self.phase.phase!r} matched facts {event}",
                ) from None
            if isinstance(state, dict) and "exception" in state:
                message = str(state.pop("exception"))
                self._host.update_state(self.phase.phase, {"sid": _SID})
                raise EngineError(
                    f"规则引擎执行动作时出错：{message}", f"rules engine action failed: {message}"
                )
            if len(self._fired) != 1:
                raise EngineError(
                    f"阶段「{self.phase.phase}」应恰有一条规则生效，实际为 {self._fired}",
                    f"phase {self.phase.phase!r} must fire exactly one rule, fired {self._fired}",
                )
            return self._fired[0]
