"""Hypothesis strategies shared by the tests: valid cases as plain JSON-like dicts.

Cases come from every province that has a wage figure in ``rules/parameters/wages/``, filed on any
day from the first on which its limits are known (a figure or a high court's notice) up to today
(in China Standard Time, as the product counts it: a later filing is refused), with the joint score given in any of
the ways a clerk gives it: not yet, a bare ``company_score``, the evaluators' ``scorecard`` or the
company's ``rectification_history``. Amounts cluster around the small-claims limits in force for the
case's province and filing day, computed from the YAML files (tests/rulefiles.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from propertytriage.models.clock import today
from tests import rulefiles
from tests.scoring.helpers import EVALUATORS, sheet_totalling

STAGES = ["owners_committee", "community", "mediation_center", "court"]
PROPERTY_TYPES = [
    "fee_arrears", "service_quality", "common_revenue", "parking", "renovation",
    "maintenance_fund", "other_property",
]
FLAGS = ["needs_appraisal", "counterclaim", "whereabouts_unknown", "foreign_related",
         "parties_agree_small_claims", "contentious"]
PROVINCES = rulefiles.provinces()
#: The first day of the current small-claims rule, and per province the first day its limits are known.
RULE_IN_FORCE = rulefiles.small_claims()["effective_from"]
FIRST_FILING_DAY = {p: max(RULE_IN_FORCE, rulefiles.first_day_with_limits(p)) for p in PROVINCES}
PASS_MARK = rulefiles.pass_mark()


def filing_days(province: str) -> st.SearchStrategy[date]:
    """Days a case of ``province`` may be filed on with its limits known (a notice may lapse)."""
    return st.dates(min_value=FIRST_FILING_DAY[province], max_value=today()).filter(
        lambda day: rulefiles.has_limits(province, day))


@st.composite
def amounts(draw: st.DrawFn, province: str, filed_on: date) -> Decimal:
    """No claim, any amount, or a cent either side of (or at) a limit in force for the case."""
    near = [limit + step for limit in rulefiles.limits(province, filed_on) if limit is not None
            for step in (Decimal("-0.01"), Decimal(0), Decimal("0.01"))]
    return draw(st.one_of(
        st.just(Decimal(0)),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400000"), places=2),
        st.sampled_from(near),
    ))


scores = st.one_of(
    st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=1),
    st.sampled_from([PASS_MARK - Decimal("0.1"), PASS_MARK - Decimal("0.01"), PASS_MARK,
                     PASS_MARK + Decimal("0.01")]),
)


@st.composite
def scorecards(draw: st.DrawFn, evaluated_on: date) -> dict[str, Any]:
    """The mediation center's sheet and any of the other three, each adding up to a drawn total
    (item-by-item sheets are drawn in tests/scoring; here the totals near the pass mark matter)."""
    others = draw(st.lists(st.sampled_from(EVALUATORS[1:]), unique=True))
    sheets = [sheet_totalling(draw(scores), e) for e in ["mediation_center", *others]]
    return {"company": {"name": "某物业服务有限公司"}, "evaluated_on": evaluated_on.isoformat(),
            "evaluations": sheets}


@st.composite
def histories(draw: st.DrawFn, before: date) -> dict[str, Any]:
    """A company's history ending before ``before``: a score, then perhaps a notice and inspections."""
    day = before - timedelta(days=draw(st.integers(1, 400)))
    total = draw(scores)
    events: list[dict[str, Any]] = [{"kind": "score", "on": day.isoformat(), "total": str(total)}]
    if total < PASS_MARK and draw(st.booleans()):
        day += timedelta(days=draw(st.integers(0, 10)))
        events.append({"kind": "notice", "on": day.isoformat()})
        for _round in range(draw(st.integers(0, 2))):
            day += timedelta(days=draw(st.integers(1, 90)))
            result = draw(st.sampled_from(["passed", "failed"]))
            events.append({"kind": "inspection", "on": day.isoformat(), "result": result})
            if result == "passed":
                break
    return {"company": {"name": "某物业服务有限公司"},
            "events": [e for e in events if date.fromisoformat(e["on"]) < before]}


@st.composite
def attempts(draw: st.DrawFn, has_committee: bool) -> list[dict[str, Any]]:
    stages = STAGES if has_committee else STAGES[1:]
    chosen = draw(st.lists(st.sampled_from(stages), max_size=5))
    return [
        {"stage": s, "outcome": draw(st.sampled_from(["failed", "failed", "resolved"]))}
        for s in chosen
    ]


@st.composite
def cases(draw: st.DrawFn, *, dispute_types: list[str] | None = None) -> dict[str, Any]:
    """A valid case from any province with a wage figure, scored in any of the ways a case can be."""
    has_committee = draw(st.booleans())
    province = draw(st.sampled_from(PROVINCES))
    filed_on = draw(filing_days(province))
    case: dict[str, Any] = {
        "case_id": draw(st.text(alphabet="ABCKBS-0123456789", min_size=1, max_size=12)),
        "filed_on": filed_on.isoformat(),
        "province": province,
        "dispute_type": draw(st.sampled_from(dispute_types or [*PROPERTY_TYPES, "neighbor"])),
        "claimant": draw(st.sampled_from(["property_company", "owner"])),
        "claim_amount": str(draw(amounts(province, filed_on))),
        "has_owners_committee": has_committee,
        "attempts": draw(attempts(has_committee)),
    }
    scored_by = draw(st.sampled_from(["none", "company_score", "scorecard", "history"]))
    if scored_by == "company_score":
        case["company_score"] = str(draw(scores))
    elif scored_by == "scorecard":
        case["scorecard"] = draw(scorecards(filed_on - timedelta(days=draw(st.integers(0, 60)))))
    elif scored_by == "history":
        history = draw(histories(filed_on))
        if history["events"]:
            case["rectification_history"] = history
    for flag in FLAGS:
        case[flag] = draw(st.booleans())
    return case


def has_score(case: dict[str, Any]) -> bool:
    """Whether the case gives the company's joint score in any form."""
    return "company_score" in case or "scorecard" in case or "rectification_history" in case


@st.composite
def failed_ladders(draw: st.DrawFn) -> dict[str, Any]:
    """A property dispute whose every rung has failed: it is at court."""
    case = draw(cases(dispute_types=PROPERTY_TYPES))
    stages = STAGES if case["has_owners_committee"] else STAGES[1:]
    case["attempts"] = [{"stage": s, "outcome": "failed"} for s in stages[:-1]]
    return case


def random_case(rng: Any, index: int) -> dict[str, Any]:
    """A valid case from a seeded ``random.Random``: for batches too large for hypothesis."""
    has_committee = rng.random() < 0.7
    stages = STAGES if has_committee else STAGES[1:]
    depth = rng.randint(0, len(stages))
    attempts = [{"stage": s, "outcome": "failed"} for s in stages[:depth]]
    if rng.random() < 0.1 and attempts:
        attempts[-1]["outcome"] = "resolved"
    province = rng.choice(PROVINCES)
    first = FIRST_FILING_DAY[province]
    filed_on = first + timedelta(days=rng.randint(0, (today() - first).days))
    while not rulefiles.has_limits(province, filed_on):
        filed_on += timedelta(days=1)
    case: dict[str, Any] = {
        "case_id": f"R-{index:07d}",
        "filed_on": filed_on.isoformat(),
        "province": province,
        "dispute_type": rng.choice([*PROPERTY_TYPES, "neighbor"]),
        "claimant": rng.choice(["property_company", "owner"]),
        "claim_amount": f"{rng.randint(0, 30000000) / 100:.2f}",
        "has_owners_committee": has_committee,
        "attempts": attempts,
    }
    if rng.random() < 0.8:
        case["company_score"] = f"{rng.randint(300, 1000) / 10:.1f}"
    for flag in FLAGS:
        case[flag] = rng.random() < 0.1
    return case
