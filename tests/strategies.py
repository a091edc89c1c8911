"""Hypothesis strategies shared by the tests: valid cases as plain JSON-like dicts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from propertytriage.models.clock import today

# A filing date after today is refused: generated cases are filed on or before it, whatever day the
# suite runs (the 2023 figure, published 2024-06-24, is in force from then on).
_FIRST_FILED, _LAST_FILED = date(2024, 7, 1), today()

STAGES = ["owners_committee", "community", "mediation_center", "court"]
PROPERTY_TYPES = [
    "fee_arrears", "service_quality", "common_revenue", "parking", "renovation",
    "maintenance_fund", "other_property",
]
PROVINCE = "内蒙古自治区"

amounts = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400000"), places=2),
    # the neighbourhood of the 2023 figure's limits: 54,428 and 217,712 yuan
    st.sampled_from([Decimal(x) for x in
                     ["54427.99", "54428", "54428.01", "217711.99", "217712", "217712.01"]]),
)
scores = st.one_of(
    st.none(),
    st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=1),
    st.sampled_from([Decimal("59.9"), Decimal("59.99"), Decimal(60), Decimal("60.01")]),
)


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
    """A valid case; filed after the 2023 figure's publication so the province always has one."""
    has_committee = draw(st.booleans())
    case: dict[str, Any] = {
        "case_id": draw(st.text(alphabet="ABCKBS-0123456789", min_size=1, max_size=12)),
        "filed_on": draw(st.dates(min_value=_FIRST_FILED, max_value=_LAST_FILED)).isoformat(),
        "province": PROVINCE,
        "dispute_type": draw(st.sampled_from(dispute_types or [*PROPERTY_TYPES, "neighbor"])),
        "claimant": draw(st.sampled_from(["property_company", "owner"])),
        "claim_amount": str(draw(amounts)),
        "has_owners_committee": has_committee,
        "attempts": draw(attempts(has_committee)),
    }
    score = draw(scores)
    if score is not None:
        case["company_score"] = str(score)
    for flag in ["needs_appraisal", "counterclaim", "whereabouts_unknown", "foreign_related",
                 "parties_agree_small_claims", "contentious"]:
        case[flag] = draw(st.booleans())
    return case


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
    case: dict[str, Any] = {
        "case_id": f"R-{index:07d}",
        "filed_on": date.fromordinal(
            rng.randint(_FIRST_FILED.toordinal(), _LAST_FILED.toordinal())
        ).isoformat(),
        "province": PROVINCE,
        "dispute_type": rng.choice([*PROPERTY_TYPES, "neighbor"]),
        "claimant": rng.choice(["property_company", "owner"]),
        "claim_amount": f"{rng.randint(0, 30000000) / 100:.2f}",
        "has_owners_committee": has_committee,
        "attempts": attempts,
    }
    if rng.random() < 0.8:
        case["company_score"] = f"{rng.randint(300, 1000) / 10:.1f}"
    for flag in ["needs_appraisal", "counterclaim", "whereabouts_unknown", "foreign_related",
                 "parties_agree_small_claims", "contentious"]:
        case[flag] = rng.random() < 0.1
    return case
