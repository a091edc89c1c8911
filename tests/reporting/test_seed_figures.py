"""The mechanism's own figures, reproduced through the real import path and counted in the database
(SQLite and PostgreSQL): 413 of 542 mediated is 76.2%; 3,232 of 3,413 registered is 94.70%."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from propertytriage.ledger import Ledger
from propertytriage.ledger.statistics import build, report

COMMUNITIES = ("丽水社区", "喆园社区", "堃安社区")


def _case(index: int, attempts: list[tuple[str, str]]) -> dict[str, Any]:
    filed = date(2025, 1 + index % 12, 1 + index % 28)
    return {
        "case_id": f"S-{index:05d}", "filed_on": filed.isoformat(), "province": "内蒙古自治区",
        "dispute_type": "fee_arrears", "claimant": "property_company", "claim_amount": "1200.00",
        "company_score": "85", "property_company": {"name": f"第{index % 7}物业服务有限公司",
                                                    "credit_code": f"91150602MA{index % 7:08d}"},
        "estate": {"street": "天骄街道", "community": COMMUNITIES[index % len(COMMUNITIES)]},
        "attempts": [{"stage": stage, "outcome": outcome, "on": filed.isoformat()} for stage, outcome in attempts],
    }


def district() -> list[dict[str, Any]]:
    """3,413 disputes: 2,000 settled by owners' committees, 819 by communities, 413 of the 542 the
    mediation center took; the 129 it failed go to court, 52 have not been tried yet."""
    up_to_center = [("owners_committee", "failed"), ("community", "failed")]
    plan = ([[("owners_committee", "resolved")]] * 2000
            + [[("owners_committee", "failed"), ("community", "resolved")]] * 819
            + [[*up_to_center, ("mediation_center", "resolved")]] * 413
            + [[*up_to_center, ("mediation_center", "failed")]] * 129
            + [[]] * 52)
    return [_case(i, attempts) for i, attempts in enumerate(plan)]


def test_the_banner_court_and_the_district_figures_come_out_of_the_ledger(database_url, clock, tmp_path) -> None:
    path = tmp_path / "district.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in district()), encoding="utf-8")
    with Ledger(database_url, clock=clock) as ledger:
        summary = ledger.import_files([str(path)])
        assert (summary.new, len(summary.refused)) == (3413, 0)
        with ledger.engine.connect() as connection:
            document = report(connection, date(2025, 1, 1), date(2025, 12, 31), "community")
        as_json = build(ledger, date(2025, 1, 1), date(2025, 12, 31))
    center = document.mediation_center
    assert (center.mediated, center.resolved) == (542, 413)
    assert str(center.success_rate) == "0.7620"
    assert (document.received, document.resolution.resolved_before_court) == (3413, 3232)
    assert str(document.resolution.rate) == "0.9470"
    assert as_json["mediation_center"] == {"mediated": 542, "resolved": 413, "success_rate": 0.762}
    assert as_json["resolution"]["rate"] == 0.947
    assert document.court.sent == 129
    ladder = {s.stage: (s.attempted, s.resolved, s.passed_on) for s in document.ladder}
    assert ladder == {"owners_committee": (3361, 2000, 1361), "community": (1361, 819, 542),
                      "mediation_center": (542, 413, 129), "court": (0, 0, 0)}
    assert sum(m.received for m in document.months) == 3413 and len(document.months) == 12
    assert sum(g.received for g in document.by) == 3413
    assert sum(g.mediation_center.mediated for g in document.by) == 542
    assert sorted(g.label for g in document.by) == sorted(COMMUNITIES)
