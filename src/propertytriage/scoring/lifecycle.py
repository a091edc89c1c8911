"""Replay a company's history through the lifecycle rules of ``rules/scoring/lifecycle.yaml``.

The rules are compiled onto the same durable-rules engine as triage (:class:`PhaseEngine` on its own
quiet host); Python only derives the facts of each event and applies the effects the fired rule
names. A plain first-match reading of the same rules (``evaluator="reference"``) exists so the tests
can check that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from propertytriage.errors import InputError, Problem, echoed
from propertytriage.models.history import Event, NoticeEvent, RectificationHistory, ScoreEvent
from propertytriage.models.validation import validate
from propertytriage.ruledata.schema import Effects, PhaseFile, RuleSpec, ScoringFile
from propertytriage.rulehost.conditions import FactValue, RuleEvaluator, first_match
from propertytriage.rulehost.phase import PhaseEngine
from propertytriage.scoring.combine import score_with
from propertytriage.scoring.deadline import Deadline, deadline_after
from propertytriage.scoring.rubric import ScoringRules, default_scoring_rules
from propertytriage.scoring.schema import LifecycleRule
from propertytriage.scoring.state import (
    FixItem,
    PenaltyRecommendation,
    RectificationState,
    Status,
    Step,
)

Evaluator = RuleEvaluator  # the name this module's callers already use


@lru_cache(maxsize=4)
def _engine(rules: ScoringRules) -> PhaseEngine:
    """The lifecycle rules as a durable-rules phase (rule order is priority, as in triage)."""
    phase = PhaseFile(
        phase="lifecycle", title="整改流程", decides=["status"],
        rules=[RuleSpec(id=r.id, when=r.when, then=Effects(), basis=r.basis, text=r.text)
               for r in rules.lifecycle.rules],
    )
    return PhaseEngine(phase)


@dataclass
class _Run:
    """The state being built while the events are replayed."""

    rules: ScoringRules
    pass_line: ScoringFile
    location: str
    status: Status = "unscored"
    latest: Decimal | None = None
    latest_on: date | None = None
    round: int = 0
    deadline: Deadline | None = None
    failures: int = 0
    fix: list[FixItem] = field(default_factory=list)
    penalties: list[PenaltyRecommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def where(self, index: int, tail: str = "") -> str:
        base = f"{self.location}.events[{index}]" if self.location else f"events[{index}]"
        return base + tail


def _fix_items(rules: ScoringRules, event: ScoreEvent, where: str) -> tuple[Decimal, list[FixItem]]:
    """The event's total and, from a scorecard, the items below the fix fraction, weakest first."""
    if event.scorecard is None:
        assert event.total is not None  # the model requires one of the two
        return event.total, []
    result = score_with(event.scorecard, rules, location=where)
    cut = Fraction(rules.lifecycle.fix_below_fraction)
    low = [i for i in result.items if Fraction(i.points) < cut * Fraction(i.max_points)]
    low.sort(key=lambda i: Fraction(i.points) / Fraction(i.max_points))
    return result.total, [FixItem(id=i.id, title=i.title, points=i.points,
                                  max_points=i.max_points) for i in low]


def _facts(run: _Run, event: Event) -> dict[str, FactValue]:
    if isinstance(event, ScoreEvent):
        passed = run.latest is not None and run.pass_line.passes(run.latest)
        kind = "score_pass" if passed else "score_below"
    elif isinstance(event, NoticeEvent):
        kind = "notice"
    else:
        kind = f"inspection_{event.result}"
    before = run.deadline is not None and event.on <= run.deadline.due_on
    threshold = run.rules.lifecycle.penalty_after_failures
    return {"status": run.status, "event": kind, "before_deadline": before,
            "reaches_penalty": run.failures + 1 >= threshold}


def _choose(
    rules: ScoringRules, facts: dict[str, FactValue], evaluator: Evaluator
) -> LifecycleRule:
    by_id = {r.id: r for r in rules.lifecycle.rules}
    if evaluator == "durable":
        return by_id[_engine(rules).fire(facts).id]
    return first_match(rules.lifecycle.rules, facts)


def _new_deadline(run: _Run, event: Event) -> Deadline:
    """A stated deadline is a period's last day too, so it moves off a holiday (民法典 第二百零三条)."""
    if isinstance(event, NoticeEvent) and event.deadline is not None:
        return deadline_after(event.on, (event.deadline - event.on).days)
    return deadline_after(event.on, run.rules.lifecycle.deadline_days)


_STATUS_ZH = {"unscored": "尚未评分", "passing": "评分达到及格线", "notice_due": "评分低于及格线、尚未下发整改建议书",
              "rectifying": "整改期内", "rectified": "整改已验收合格"}
_EVENT_ZH = {"score": "评分", "notice": "下发整改建议书", "inspection": "整改验收"}


def _apply(run: _Run, index: int, event: Event, rule: LifecycleRule) -> None:
    effects = rule.then
    if effects.reject:
        raise InputError([Problem(
            run.where(index), "event_not_allowed",
            f"{rule.text}（当前状态：{_STATUS_ZH.get(run.status, run.status)}，"
            f"事件：{_EVENT_ZH.get(event.kind, event.kind)}）",
            f"this {event.kind} event is not possible while the company is {run.status}",
        )])
    if effects.status == "notice_due" or effects.status == "passing":
        run.round, run.deadline, run.failures = 0, None, 0
    if effects.count_failure:
        run.failures += 1
    if effects.start_round:
        run.round += 1
        run.deadline = _new_deadline(run, event)
        if not run.deadline.calendar_covered:
            run.warnings.append(run.deadline.note)
    assert effects.status is not None  # every rule but the fallback names the new status
    run.status = effects.status
    values = {"pass_mark": str(run.pass_line.pass_mark), "failures": str(run.failures),
              "deadline": run.deadline.due_on.isoformat() if run.deadline else "（无）"}
    text = rule.explain(values)
    if effects.penalty:
        run.penalties.append(PenaltyRecommendation(on=event.on, round=run.round - 1,
                                                   failures=run.failures, text=text))
    run.steps.append(Step(event=index, on=event.on, kind=event.kind, rule=rule.id,
                          basis=run.rules.basis_label(rule.basis), text=text))


def replay_with(
    history: RectificationHistory | dict[str, Any],
    rules: ScoringRules,
    *,
    pass_mark: Decimal | None = None,
    location: str = "",
    evaluator: Evaluator = "durable",
) -> RectificationState:
    """Replay ``history`` under explicit ``rules``; errors name ``location``.events[i]."""
    try:
        valid = validate(RectificationHistory, history)
    except InputError as error:
        raise InputError(error.problems).under(location) from None
    line = rules.pass_line
    if pass_mark is not None and pass_mark != line.pass_mark:
        line = line.model_copy(update={"pass_mark": pass_mark})
    run = _Run(rules, line, location)
    known = {item.id for item in rules.rubric.items}
    for index, event in enumerate(valid.events):
        if isinstance(event, ScoreEvent):
            run.latest, fix = _fix_items(rules, event, run.where(index, ".scorecard"))
            run.latest_on, run.fix = event.on, fix
        if isinstance(event, NoticeEvent):
            unknown = [i for i in event.items if i not in known]
            if unknown:
                listed = "、".join(echoed(i, quote=False) for i in unknown)
                raise InputError([Problem(run.where(index, ".items"), "unknown_item",
                                          f"评分细则中没有这些评分项：{listed}",
                                          f"no rubric items with ids [{', '.join(echoed(i) for i in unknown)}]")])
        _apply(run, index, event, _choose(rules, _facts(run, event), evaluator))
    return _state(run, valid)


def _state(run: _Run, history: RectificationHistory) -> RectificationState:
    from propertytriage.scoring.advice import next_action, proposed_notice

    proposal = proposed_notice(run.status, run.latest_on, run.fix, run.rules)
    if proposal is not None and not proposal.deadline.calendar_covered:
        run.warnings.append(proposal.deadline.note)
    action, action_text = next_action(run.status, run.deadline)
    required = {"unscored": None, "passing": False, "rectified": False}.get(run.status, True)
    return RectificationState(
        company=history.company, status=run.status, rectification_required=required,
        mediation_may_proceed=run.status in ("passing", "rectified"),
        latest_score=run.latest, latest_score_on=run.latest_on, round=run.round,
        deadline=run.deadline, failed_inspections=run.failures,
        penalty_recommendations=run.penalties,
        items_to_fix=run.fix if required else [], proposed_notice=proposal,
        next_action=action, next_action_text=action_text,
        calendar_warnings=run.warnings, steps=run.steps,
    )


def replay(history: RectificationHistory | dict[str, Any]) -> RectificationState:
    """The company's state after its history, under the rules in force (docs/scoring.md)."""
    return replay_with(history, default_scoring_rules())
