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
from typing import Any

from propertytriage.engine.facts import (
    LAZY_PRODUCERS,
    PRODUCED_FACTS,
    PRODUCED_PLACEHOLDERS,
    CaseFacts,
    base_facts,
)
from propertytriage.errors import InputError, shown
from propertytriage.models.case import Case
from propertytriage.models.decision import Decision, Reason
from propertytriage.models.validation import validate
from propertytriage.models.vocabulary import AWAITING, COURT_TRACKS, FORM_IDS, NEXT_STAGES
from propertytriage.ruledata.loader import RuleBook, check_produced_facts, default_rulebook
from propertytriage.ruledata.schema import (
    PLACEHOLDER,  # the pattern explain() fills
    Effects,
    PhaseFile,
    RuleSpec,
)
from propertytriage.rulehost.conditions import (
    FactValue,
    RuleEvaluator,
    first_match,
    holds,
    referenced_facts,
)
from propertytriage.rulehost.phase import PhaseEngine

Evaluator = RuleEvaluator  # the name callers of Triage(evaluator=...) already use

_DECIDED = tuple(name for name, spec in Effects.model_fields.items()
                 if not isinstance(spec.default, list))
"""The single-valued outcomes a rule may decide (the lists, forms and awaiting, accumulate)."""
_TRACKS_OR_NONE = (*COURT_TRACKS, None)


class _PhasePlan:
    """What a phase reads, worked out once: which lazy facts it needs before it can be tested."""

    def __init__(self, phase: PhaseFile, lazy: set[str]) -> None:
        self.phase = phase
        self.lazy_for_applies = [f for f in referenced_facts([phase.applies_when]) if f in lazy]
        self.rule_facts = set(referenced_facts([r.when for r in phase.rules]))
        self.lazy_for_rules = [f for f in sorted(self.rule_facts) if f in lazy]


class Triage:
    """A reusable triage engine over one rule book. Thread-safe; cheap to call per case.

    It names no phase and no fact: the phases, their order and the facts they read are the rule
    data's; the facts' computation is ``engine/facts.py``'s, checked against ``facts.yaml`` here.
    """

    def __init__(
        self,
        book: RuleBook | None = None,
        *,
        evaluator: Evaluator = "durable",
        cache_size: int = 4096,
    ) -> None:
        self.book = book or default_rulebook()
        check_produced_facts(self.book, PRODUCED_FACTS, PRODUCED_PLACEHOLDERS)
        self.evaluator = evaluator
        lazy = {name for name, spec in self.book.facts.items() if spec.lazy}
        self._plans = [_PhasePlan(p, lazy) for p in self.book.phases]
        self._decided_facts = [name for name, spec in self.book.facts.items() if spec.decided]
        rules = [rule for phase in self.book.phases for rule in phase.rules]
        # per rule, worked out once: the outcomes it sets and its basis as printed
        self._sets = {r.id: {k: getattr(r.then, k) for k in _DECIDED if k in r.then.model_fields_set}
                      for r in rules}
        self._basis = {r.id: self.book.basis_label(r.basis) for r in rules}
        # each explanation cut once at its placeholders: [text, name, text, name, ..., text]
        self._pieces = {r.id: PLACEHOLDER.split(r.text) for r in rules}
        self._engines = (
            {p.phase: PhaseEngine(p, cache_size=cache_size) for p in self.book.phases}
            if evaluator == "durable"
            else {}
        )

    def _choose(self, phase: PhaseFile, facts: dict[str, FactValue]) -> RuleSpec:
        if self.evaluator == "durable":
            return self._engines[phase.phase].fire(facts)
        return first_match(phase.rules, facts)

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
            label = f" {shown(case_id, 40, quote=False)}" if isinstance(case_id, str) else ""  # as engine/batch.py
            yield self.decide(case, subject=f"case[{index}]{label}")

    def _ensure(self, names: list[str], facts: CaseFacts, case: Case) -> None:
        for name in names:
            if name not in facts.values:
                LAZY_PRODUCERS[name](facts, case, self.book)

    def decide_json(self, case: Case | dict[str, Any], *, subject: str = "") -> dict[str, Any]:
        """:meth:`decide` as ``Decision.model_dump()`` gives it, without building the model.

        Why: the ledger stores the decision as JSON and never needs the model; building it (its
        reasons validated one by one) and dumping it again cost a sixth of deciding. The values are
        the rule book's, checked when it was loaded; an outcome the model would refuse (no stage
        decided) goes through the model, which says why.
        """
        valid = validate(Case, case, subject=subject)
        try:
            outcome, awaiting, forms, reasons = self._outcome(valid)
        except InputError as error:
            raise error.within(subject) if subject else error from None
        if outcome.get("next_stage") not in NEXT_STAGES or outcome.get("court_track") not in _TRACKS_OR_NONE:
            return self._decision(valid, outcome, awaiting, forms, reasons).model_dump()
        return {
            "case_id": valid.case_id,
            "next_stage": outcome["next_stage"],
            "court_track": outcome["court_track"],
            "rectification_required": outcome["rectification_required"],
            "awaiting": [a for a in AWAITING if a in awaiting],
            "forms": [f for f in FORM_IDS if f in forms],
            "reasons": [{"rule": rule.id, "basis": self._basis[rule.id], "text": text} for rule, text in reasons],
            "rules_version": self.book.rules_version,
        }

    def _decide(self, case: Case) -> Decision:
        return self._decision(case, *self._outcome(case))

    def _decision(self, case: Case, outcome: dict[str, Any], awaiting: set[str], forms: set[str],
                  reasons: list[tuple[RuleSpec, str]]) -> Decision:
        return Decision(
            case_id=case.case_id,
            **outcome,
            awaiting=[a for a in AWAITING if a in awaiting],
            forms=[f for f in FORM_IDS if f in forms],
            reasons=[Reason(rule=rule.id, basis=self._basis[rule.id], text=text) for rule, text in reasons],
            rules_version=self.book.rules_version,
        )

    def _outcome(self, case: Case) -> tuple[dict[str, Any], set[str], set[str], list[tuple[RuleSpec, str]]]:
        """The decided outcomes, the awaited things, the forms and each deciding rule with its text."""
        facts = base_facts(case, self.book)
        outcome: dict[str, Any] = dict.fromkeys(_DECIDED)
        forms: set[str] = set()
        awaiting: set[str] = set()
        reasons: list[tuple[RuleSpec, str]] = []
        for plan in self._plans:
            self._ensure(plan.lazy_for_applies, facts, case)
            if not holds(plan.phase.applies_when, facts.values):
                continue
            self._ensure(plan.lazy_for_rules, facts, case)
            rule = self._choose(plan.phase, facts.values)
            for name, error in facts.pending.items():
                # a fact that could not be determined matters only if the deciding rule reads it
                # (or is the fallback, reached because no rule reading it matched)
                if name in plan.rule_facts and (name in rule.when or not rule.when):
                    raise error
            outcome.update(self._sets[rule.id])
            forms.update(rule.then.forms)
            awaiting.update(rule.then.awaiting)
            for name in self._decided_facts:  # a decision is a fact for the phases after it
                if outcome.get(name) is not None:
                    facts.values[name] = outcome[name]
            reasons.append((rule, self._text(rule, facts)))
        return outcome, awaiting, forms, reasons

    def _reason(self, rule: RuleSpec, facts: CaseFacts) -> Reason:
        """The rule's reason (see :meth:`_text`)."""
        return Reason(rule=rule.id, basis=self._basis[rule.id], text=self._text(rule, facts))

    def _text(self, rule: RuleSpec, facts: CaseFacts) -> str:
        """The rule's text, filled as ``rule.explain(facts.explain, unknown="（未知）")`` fills it.

        Joined from the pieces cut at construction: filling by regular expression for every reason
        of every case was the largest part of a reason's cost.
        """
        pieces = self._pieces[rule.id]
        if len(pieces) == 1:
            return pieces[0]
        values = facts.explain
        return "".join([piece if index % 2 == 0 else values.get(piece, "（未知）")
                        for index, piece in enumerate(pieces)])


_DEFAULT: Triage | None = None


def triage(case: Case | dict[str, Any]) -> Decision:
    """Decide one case with the rules in force (the engine is built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Triage()
    return _DEFAULT.decide(case)
