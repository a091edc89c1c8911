"""Combine the evaluators' sheets into one joint score (rule: ``rules/scoring/combination.yaml``).

The arithmetic is exact (``Fraction``) until the single rounding of the total, so the verdict at the
pass mark can never hinge on a binary or decimal-precision artefact: equal weights renormalised over
three sheets are thirds, which no decimal holds exactly.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, InvalidOperation
from fractions import Fraction
from typing import Any

from propertytriage.errors import InputError, Problem, echoed
from propertytriage.models.scorecard import Scorecard
from propertytriage.models.validation import validate
from propertytriage.models.vocabulary import EVALUATOR_NAMES, Evaluator
from propertytriage.scoring.results import CategoryScore, EvaluatorWeight, ItemScore, ScoreResult
from propertytriage.scoring.rubric import ScoringRules, default_scoring_rules


def round_half_up(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half-up (四舍五入) to ``places`` decimals; never negative here."""
    scale = 10**places
    steps = (value * scale + Fraction(1, 2)).__floor__()
    return Decimal(steps).scaleb(-places)


def _item_problem(where: str, item_id: str, points: Decimal | None, maxima: dict[str, Decimal]) -> Problem | None:
    """What is wrong with one item of a sheet against the rubric (points None: not readable)."""
    if item_id not in maxima:
        return Problem(
            where, "unknown_item",
            f"评分细则中没有编号为「{echoed(item_id, quote=False)}」的评分项"
            "（运行 propertytriage rubric 查看全部编号）",
            f"no rubric item has id {echoed(item_id)} (run `propertytriage rubric` to list them)",
        )
    if points is not None and points > maxima[item_id]:
        return Problem(
            where, "points_out_of_range",
            f"得分 {points} 超出该项满分 {maxima[item_id]}，须在 0 到 {maxima[item_id]} 之间",
            f"{points} points exceed the item's max_points {maxima[item_id]}; give 0 to {maxima[item_id]}",
        )
    return None


def _problems(card: Scorecard, rules: ScoringRules) -> list[Problem]:
    """Everything wrong with the sheets against the rubric, so one run shows all of it."""
    maxima = {item.id: item.max_points for item in rules.rubric.items}
    combination = rules.combination
    problems: list[Problem] = []
    present = {sheet.evaluator for sheet in card.evaluations}
    for evaluator in combination.required:
        if evaluator not in present:
            problems.append(Problem(
                "evaluations", "missing_evaluator",
                f"缺少{EVALUATOR_NAMES[evaluator]}（{evaluator}）的评分表，该主体的评分为必备",
                f"the sheet of {evaluator} is required (scoring/combination.yaml)",
            ))
    for i, sheet in enumerate(card.evaluations):
        where = f"evaluations[{i}]"
        if sheet.evaluator not in combination.weights:
            problems.append(Problem(
                f"{where}.evaluator", "evaluator_without_weight",
                f"评分主体 {sheet.evaluator} 在评分合成规则中没有权重",
                f"evaluator {sheet.evaluator} has no weight in scoring/combination.yaml",
            ))
        for item_id, points in sheet.items.items():
            problem = _item_problem(f"{where}.items.{echoed(item_id, quote=False)}", item_id, points, maxima)
            if problem is not None:
                problems.append(problem)
        if sheet.evaluator in combination.complete_sheets:
            missing = [item_id for item_id in maxima if item_id not in sheet.items]
            if missing:
                problems.append(Problem(
                    f"{where}.items", "incomplete_sheet",
                    f"{EVALUATOR_NAMES[sheet.evaluator]}的评分表须对每一项评分，缺：{'、'.join(missing)}",
                    f"the {sheet.evaluator} sheet must score every item; "
                    f"missing: {', '.join(missing)}",
                ))
    return problems


def _raw_rubric_problems(scorecard: Any, rules: ScoringRules) -> list[Problem]:
    """Rubric problems of sheets that did not validate, item by item, as far as they can be read."""
    if not isinstance(scorecard, dict) or not isinstance(scorecard.get("evaluations"), list):
        return []
    maxima = {item.id: item.max_points for item in rules.rubric.items}
    problems: list[Problem] = []
    for i, sheet in enumerate(scorecard["evaluations"]):
        items = sheet.get("items") if isinstance(sheet, dict) else None
        if not isinstance(items, dict):
            continue
        for item_id, raw in items.items():
            try:
                points: Decimal | None = Decimal(str(raw))
            except (InvalidOperation, ValueError):
                points = None
            if points is not None and not points.is_finite():
                points = None
            problem = _item_problem(f"evaluations[{i}].items.{item_id}", item_id, points, maxima)
            if problem is not None:
                problems.append(problem)
    return problems


def score_with(
    scorecard: Scorecard | dict[str, Any], rules: ScoringRules, *, location: str = ""
) -> ScoreResult:
    """Score under explicit ``rules``; problem locations are prefixed with ``location``."""
    return _combine(_checked(scorecard, rules, location), rules)


def total_with(scorecard: Scorecard | dict[str, Any], rules: ScoringRules, *, location: str = "") -> Decimal:
    """The joint total alone, equal to ``score_with(...).total``, with the same refusals.

    Triage reads only the total of a case's scorecard; building the breakdown (a model per item,
    per category and per sheet, each validated) cost ten times the rest of a decision.
    """
    card = _checked(scorecard, rules, location)
    return round_half_up(_exact_total(card, rules), rules.combination.rounding.places)


#: Sums and products of the sheets' points and the weights, exact or an error: a precision far
#: beyond any rubric, and ``Inexact`` trapped, so nothing is ever silently rounded before the total.
_EXACT = Context(prec=1000, traps=[Inexact])


def _exact_total(card: Scorecard, rules: ScoringRules) -> Fraction:
    """The unrounded total: per item the weighted mean of the sheets that score it, summed.

    Items scored by the same sheets share the divisor (those sheets' weights), so their weighted
    points are added up first and divided once per set of sheets: the same sum as item by item.
    """
    weights = {s.evaluator: rules.combination.weights[s.evaluator] for s in card.evaluations}
    by_sheets: dict[tuple[Evaluator, ...], Decimal] = {}
    add, multiply = _EXACT.add, _EXACT.multiply
    for item in rules.rubric.items:
        given = [s for s in card.evaluations if item.id in s.items]
        key = tuple(s.evaluator for s in given)
        weighted = by_sheets.get(key, Decimal(0))
        for sheet in given:
            weighted = add(weighted, multiply(weights[sheet.evaluator], sheet.items[item.id]))
        by_sheets[key] = weighted
    total = Fraction(0)
    for key, weighted in by_sheets.items():
        divisor = Decimal(0)
        for evaluator in key:
            divisor = add(divisor, weights[evaluator])
        total += Fraction(weighted) / Fraction(divisor)
    return total


def _checked(scorecard: Scorecard | dict[str, Any], rules: ScoringRules, location: str) -> Scorecard:
    """The validated scorecard, or every problem of it against the model and the rubric."""
    try:
        card = validate(Scorecard, scorecard)
    except InputError as error:
        # One mistyped number must not hide the unknown items and over-max points elsewhere on the
        # sheets: check what can be read of them against the rubric and report everything at once.
        seen = {p.location for p in error.problems}
        extra = [p for p in _raw_rubric_problems(scorecard, rules) if p.location not in seen]
        raise InputError(error.problems + extra, subject=error.subject).under(location) from None
    problems = _problems(card, rules)
    if problems:
        raise InputError(problems).under(location)
    return card


def _combine(card: Scorecard, rules: ScoringRules) -> ScoreResult:
    combination = rules.combination
    places = combination.rounding.places
    weights: dict[Evaluator, Fraction] = {
        s.evaluator: Fraction(combination.weights[s.evaluator]) for s in card.evaluations
    }
    items: list[ItemScore] = []
    exact: dict[str, Fraction] = {}
    for item in rules.rubric.items:
        given = {s.evaluator: s.items[item.id] for s in card.evaluations if item.id in s.items}
        weight = sum((weights[e] for e in given), Fraction(0))
        value = sum((weights[e] * Fraction(p) for e, p in given.items()), Fraction(0)) / weight
        exact[item.id] = value
        items.append(ItemScore(
            id=item.id, category=item.category, title=item.title,
            points=round_half_up(value, places), max_points=item.max_points, by_evaluator=given,
        ))
    total = round_half_up(sum(exact.values(), Fraction(0)), places)
    categories = [
        CategoryScore(
            category=c.id, title=c.title,
            points=round_half_up(sum((exact[i.id] for i in rules.rubric.items
                                      if i.category == c.id), Fraction(0)), places),
            max_points=sum((i.max_points for i in rules.rubric.items if i.category == c.id),
                           Decimal(0)),
        )
        for c in rules.rubric.categories
    ]
    order = {item.id: n for n, item in enumerate(rules.rubric.items)}
    below_full = [i for i in items if exact[i.id] < Fraction(i.max_points)]
    weakest = sorted(below_full, key=lambda i: (exact[i.id] / Fraction(i.max_points), order[i.id]))
    missing = [e for e in combination.weights if e not in weights]
    required = not rules.passes(total)
    return ScoreResult(
        company=card.company, evaluated_on=card.evaluated_on, total=total,
        pass_mark=rules.pass_mark, rectification_required=required, by_category=categories,
        weakest_items=weakest[: combination.weakest_items], items=items,
        evaluators=[
            EvaluatorWeight(evaluator=s.evaluator, weight=combination.weights[s.evaluator],
                            sheet_total=sum(s.items.values(), Decimal(0)))
            for s in card.evaluations
        ],
        missing_evaluators=missing,
        basis=rules.basis_label(combination.basis),
        explanation=_explain(total, rules.pass_mark, required, [s.evaluator for s in
                                                                 card.evaluations], missing),
    )


def _explain(total: Decimal, mark: Decimal, required: bool, present: list[Evaluator],
             missing: list[Evaluator]) -> str:
    who = "、".join(EVALUATOR_NAMES[e] for e in present)
    text = f"由{who}联合评分，合计 {total} 分（各主体等权，四舍五入保留一位小数）"
    if missing:
        text += f"；{'、'.join(EVALUATOR_NAMES[e] for e in missing)}未评分，其权重按比例分配给已评分主体"
    if required:
        return text + f"。低于 {mark} 分，由物业管理行政主管部门下发限期整改建议书。"
    return text + f"。达到 {mark} 分及以上，无须整改，调解可以进行。"


def score(scorecard: Scorecard | dict[str, Any]) -> ScoreResult:
    """Score a company from the evaluators' sheets under the rules in force (SPEC §2.3)."""
    return score_with(scorecard, default_scoring_rules())
