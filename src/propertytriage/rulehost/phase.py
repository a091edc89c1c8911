"""Rule phases compiled onto durable-rules' Rete engine, with its known pitfalls fenced off.

durable-rules is two layers: a native Rete engine (the ``durable_rules_engine`` extension, which
matches events against rulesets written as JSON) and a Python layer (``durable.engine.Host``,
``Closure``, ``Promise``) that schedules Python actions. Every pitfall we know of lives in the Python
layer, so each phase drives the native engine directly:

* ``Host`` starts two background threads that dispatch pending actions every 0.2 s and race the
  caller (why ``post_batch`` returned with 8,184 of 20,000 actions done). We start no threads: a rule
  fires inside the call that posts its event, and we read which rule it was from the engine.
* The module-level host refuses a ruleset name registered twice, so tests could not run in any order.
  Each :class:`PhaseEngine` owns its native ruleset handle (and frees it when collected).
* ``set_rulesets`` deletes ``run`` from the definitions it is given. Our definitions have no ``run``:
  no Python action executes at all, so none can raise.
* An exception inside an action is swallowed into the returned state. With no actions there is none
  to swallow; anything but exactly one rule firing raises :class:`EngineError`.
* ``MessageNotHandledException`` when nothing matches: every phase ends with a fallback rule (checked
  by the loader); a miss regardless is an :class:`EngineError`.
* Facts are de-duplicated by a 32-bit hash, which reports false duplicates at scale, and every new
  ``sid`` grows native state. We post *events* (consumed by the rule that fires, never
  de-duplicated) to a single ``sid``; one condition per rule leaves nothing pending.

A rule's place in its file becomes its priority (``pri``), so "first match wins" is the engine's own
conflict resolution. The Python layer measured 64k posts/s here; the native path about three times
that, which is what lets uncached triage stay near the throughput target.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from itertools import count
from typing import Any

import durable_rules_engine as native

from propertytriage.errors import EngineError
from propertytriage.ruledata.schema import PhaseFile, RuleSpec
from propertytriage.rulehost.conditions import FactValue, referenced_facts, to_durable

_SID = "0"
_HANDLED, _NOT_HANDLED = 0, 1
_serial = count()


class PhaseEngine:
    """One phase's rules as a native durable-rules ruleset; answers which rule fires for given facts."""

    def __init__(self, phase: PhaseFile, *, cache_size: int = 4096) -> None:
        self.phase = phase
        self.rules: dict[str, RuleSpec] = {r.id: r for r in phase.rules}
        self.fact_names = referenced_facts([r.when for r in phase.rules])
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[FactValue, ...], str] = OrderedDict()
        self._cache_size = cache_size
        name = f"{phase.phase}_{next(_serial)}"
        self._handle: int | None = native.create_ruleset(name, json.dumps(self.definition()))

    def definition(self) -> dict[str, Any]:
        """The ruleset in durable-rules' JSON form: one rule per rule of the phase, in priority order."""
        return {
            rule.id: {"all": [{"m": to_durable(rule.when)}], "pri": priority}
            for priority, rule in enumerate(self.phase.rules, start=1)
        }

    def __del__(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None:
            with contextlib.suppress(Exception):  # at interpreter shutdown there is nothing to free
                native.delete_ruleset(handle)

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

    def _fail(self, zh: str, en: str, event: Mapping[str, Any]) -> EngineError:
        return EngineError(
            f"阶段「{self.phase.phase}」{zh}：{dict(event)}",
            f"phase {self.phase.phase!r} {en}: {dict(event)}",
        )

    def _post(self, key: tuple[FactValue, ...]) -> str:
        event: dict[str, Any] = dict(zip(self.fact_names, key, strict=True))
        event["sid"] = _SID
        event["case"] = 1
        with self._lock:
            if self._handle is None:  # pragma: no cover - only after __del__
                raise self._fail("规则集已释放", "ruleset was freed", event)
            result = native.assert_event(self._handle, json.dumps(event))
            if result[0] == _NOT_HANDLED:
                raise self._fail("没有规则匹配", "no rule matched", event)
            if result[0] != _HANDLED:
                raise self._fail(f"引擎返回 {result[0]}", f"engine returned {result[0]}", event)
            started = native.start_action_for_state(self._handle, result[1])
            if not started:
                raise self._fail("没有规则生效", "fired no rule", event)
            fired = list(json.loads(started[1]))
            following = native.complete_and_start_action(self._handle, result[1])
            while following:
                fired.extend(json.loads(following))
                following = native.complete_and_start_action(self._handle, result[1])
            if len(fired) != 1:
                raise self._fail(f"应恰有一条规则生效，实际为 {fired}",
                                 f"must fire exactly one rule, fired {fired}", event)
            return str(fired[0])
