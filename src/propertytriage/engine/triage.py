"""Triage: run the phases of ``rules/triage/`` over a case and assemble the Decision.

The phases run in the order ``pipeline.yaml`` lists them, each only when its ``applies_when`` holds
for the facts so far (the stage decided by the first phase is itself a fact for the later ones). In
each phase exactly one rule fires; its effects are merged into the decision and its id, basis and
explanation become one of the decision's reasons.

Two evaluators read the same rules: ``durable`` (the production path, durable-rules' Rete engine) and
``reference`` (a plain-Python reading, first match wins). They must agree on every case; the tests
and the benchmark check that they do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

from propertytriage.engine.conditions import FactValue, holds
from propertytriage.engine.facts import CaseFacts, add_court_facts, base_facts
from propertytriage.engine.host import PhaseEngine
from propertytriage.errors import InputError
from propertytriage.models.case import Case
from propertytriage.models.decision import Decision, Reason
from propertytriage.models.validation import validate
from propertytriage.ruledata.loader import RuleBook, default_rulebook
from propertytriage.ruledata.schema import PhaseFile, RuleSpec

Evaluator = Literal["durable", "reference"]

_FORM_ORDER = ("scorecard", "rectification_notice", "focus_table", "inquiry_form")
_AWAIT_ORDER = ("company_score", "rectification_acceptance")


def _first_match(phase: PhaseFile, facts: dict[str, FactValue]) -> RuleSpec:
    for rule in phase.rules:
        if holds(rule.when, facts):
            return rule
    raise AssertionError("the loader guarantees a fallback rule")  # pragma: no cover


class Triage:
    """A reusable triage engine over one rule book. Thread-safe; cheap to call per case."""

    def __init__(
        self,
        book: RuleBook | None = None,
        *,
        evaluator: Evaluator = "durable",
        cache_size: int = 4096,
    ) -> None:
        self.book = book or default_rulebook()
        self.evaluator = evaluator
        self._engines = (
            {p.phase: PhaseEngine(p, cache_size=cache_size) for p in self.book.phases}
            if evaluator == "durable"
            else {}
        )

    def _choose(self, phase: PhaseFile, facts: dict[str, FactValue]) -> RuleSpec:
        if self.evaluator == "durable":
            return self._engines[phase.phase].fire(facts)
        return _first_match(phase, facts)

    def decide(self, case: Case | dict[str, Any], *, subject: str = "") -> Decision:
        """The decision for one case; InputError (naming ``subject``) if the case is invalid."""
        valid = validate(Case, case, subject=subject)
        try:
            return self._decide(valid)
        except InputError as error:
            raise error.within(subject) if subject else error from None

    def decide_many(self, cases: Iterable[Case | dict[str, Any]]) -> Iterator[Decision]:
        """Decisions one by one, so a large batch streams in constant memory."""
        for index, case in enumerate(cases):
            case_id = case.get("case_id") if isinstance(case, dict) else getattr(case, "case_id", None)
            label = f" {case_id}" if isinstance(case_id, str) else ""
            yield self.decide(case, subject=f"case[{index}]{label}")

    def _decide(self, case: Case) -> Decision:
        facts = base_facts(case, self.book)
        outcome: dict[str, Any] = {"next_stage": None, "court_track": None,
                                   "rectification_required": None}
        forms: set[str] = set()
        awaiting: set[str] = set()
        reasons: list[Reason] = []
        for phase in self.book.phases:
            if not holds(phase.applies_when, facts.values):
                continue
            if phase.phase == "court":
                add_court_facts(facts, case, self.book)
            rule = self._choose(phase, facts.values)
            if facts.pending_error is not None and (not rule.when or "amount_band" in rule.when):
                raise facts.pending_error  # the track turns on the amount, which could not be placed
            effects = rule.then
            for key in ("next_stage", "court_track", "rectification_required"):
                if key in effects.model_fields_set:
                    outcome[key] = getattr(effects, key)
            forms.update(effects.forms)
            awaiting.update(effects.awaiting)
            if outcome["next_stage"] is not None:
                facts.values["next_stage"] = outcome["next_stage"]
            reasons.append(self._reason(rule, facts))
        return Decision(
            case_id=case.case_id,
            next_stage=outcome["next_stage"],
            court_track=outcome["court_track"],
            rectification_required=outcome["rectification_required"],
            awaiting=[a for a in _AWAIT_ORDER if a in awaiting],  # type: ignore[misc]
            forms=[f for f in _FORM_ORDER if f in forms],  # type: ignore[misc]
            reasons=reasons,
            rules_version=self.book.rules_version,
        )

    def _reason(self, rule: RuleSpec, facts: CaseFacts) -> Reason:
        text = rule.explain(facts.explain, unknown="（未知）")
        return Reason(rule=rule.id, basis=self.book.basis_label(rule.basis), text=text)


_DEFAULT: Triage | None = None


def triage(case: Case | dict[str, Any]) -> Decision:
    """Decide one case with the rules in force (the engine is built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Triage()
    return _DEFAULT.decide(case)
