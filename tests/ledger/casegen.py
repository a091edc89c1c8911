"""Seeded ledger data for tests and benchmarks: companies with scores, cases with parties and dates.

Every case of a company carries that company's one score, as a clerk would copy it, so a large batch
records each company's score once instead of flipping it from case to case.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

PROVINCE = "内蒙古自治区"
LADDER = ("owners_committee", "community", "mediation_center", "court")


def company(index: int) -> dict[str, Any]:
    return {"name": f"第{index}物业服务有限公司", "credit_code": f"91150602MA{index:08d}"}


def company_score(index: int) -> str:
    return f"{55 + (index * 7) % 40}.0"


def case(rng: random.Random, index: int, *, companies: int = 200, attempts: int | None = None) -> dict[str, Any]:
    """Case ``index``: filed in 2025, with ``attempts`` failed steps (random when None)."""
    which = rng.randrange(companies)
    filed = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
    depth = rng.randint(0, 3) if attempts is None else attempts
    steps = [{"stage": stage, "outcome": "failed", "on": (filed + timedelta(days=20 * (i + 1))).isoformat()}
             for i, stage in enumerate(LADDER[:depth])]
    return {
        "case_id": f"L-{index:07d}",
        "filed_on": filed.isoformat(),
        "province": PROVINCE,
        "dispute_type": rng.choice(["fee_arrears", "fee_arrears", "service_quality", "parking"]),
        "claimant": rng.choice(["property_company", "owner"]),
        "claim_amount": f"{rng.randint(100, 900000) / 100:.2f}",
        "attempts": steps,
        "company_score": company_score(which),
        "property_company": company(which),
        "owners": [{"name": f"业主{index}", "phone": f"139{index:08d}", "id_number": f"150602198{index % 10}0101{index % 10000:04d}"}],
    }


def cases(count: int, *, seed: int = 20261130, companies: int = 200) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [case(rng, i, companies=companies) for i in range(count)]


def next_snapshot(snapshot: dict[str, Any], step: int) -> dict[str, Any]:
    """The same case a week later: one more failed step while the ladder lasts, else a new claim amount."""
    result = {**snapshot, "attempts": list(snapshot["attempts"])}
    depth = len(result["attempts"])
    if depth < len(LADDER) and step % 2 == 0:
        on = date.fromisoformat(result["filed_on"]) + timedelta(days=20 * (depth + 1))
        result["attempts"].append({"stage": LADDER[depth], "outcome": "failed", "on": on.isoformat()})
    else:
        result["claim_amount"] = f"{float(result['claim_amount']) + 10:.2f}"
    return result
