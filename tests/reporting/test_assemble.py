"""From the queries' counts to the report: the seed figures through the seam the ledger will use."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from propertytriage.reporting.assemble import Counts, GroupCounts, Outcomes, build_report


def _counts(**changes: object) -> Counts:
    base = dict(
        period_from=date(2025, 1, 1), period_to=date(2025, 12, 31), received=3413, out_of_scope=0,
        resolved_before_court=3232,
        stages={"owners_committee": Outcomes(2000, 1300), "community": Outcomes(700, 600),
                "mediation_center": Outcomes(413, 129), "court": Outcomes(40, 60)},
        court_tracks={"small_claims": 70, "fast_track": 25, "ordinary": 4, None: 1},
        score_bands={3: 2, 5: 1, 6: 4, 8: 3}, notices_issued=3, passed=2, penalised=1, days_to_pass=[30, 45],
        overdue=[("rectification", "限期整改", 1), ("small_claims", "小额诉讼审理期限", 2)], months=[],
    )
    base.update(changes)
    return Counts(**base)  # type: ignore[arg-type]


def test_542_attempts_at_the_mediation_center_of_which_413_resolved_report_76_2_percent() -> None:
    data = json.loads(build_report(_counts(), title="统计").to_json())
    assert data["mediation_center"] == {"mediated": 542, "resolved": 413, "success_rate": 0.762}
    assert [s["attempted"] for s in data["ladder"]] == [3300, 1300, 542, 100]


def test_3413_received_of_which_3232_resolved_before_court_report_94_70_percent() -> None:
    data = json.loads(build_report(_counts(), title="统计").to_json())
    assert (data["resolution"]["received"], data["resolution"]["resolved_before_court"]) == (3413, 3232)
    assert data["resolution"]["rate"] == 0.947


def test_companies_below_the_pass_mark_are_the_bands_below_it() -> None:
    report = build_report(_counts(), title="统计")
    assert (report.companies.scored, report.companies.below_pass_mark) == (10, 3)


def test_court_tracks_and_overdue_deadlines_add_up() -> None:
    report = build_report(_counts(), title="统计")
    assert (report.court.sent, report.court.undecided) == (100, 1)
    assert report.overdue.deadlines == 3 and report.overdue.on == date(2025, 12, 31)


def test_out_of_scope_disputes_leave_the_resolution_rates_denominator() -> None:
    report = build_report(_counts(received=3443, out_of_scope=30), title="统计")
    assert report.resolution.received == 3413 and report.received == 3443


def test_a_group_row_gets_its_own_rates() -> None:
    group = GroupCounts("丽水社区", "丽水社区", received=100, out_of_scope=4, mediation=Outcomes(30, 10),
                        resolved_before_court=72, sent_to_court=5)
    report = build_report(_counts(groups=[group]), title="统计", grouped_by="community")
    row = json.loads(report.to_json())["by"][0]
    assert row["mediation_center"] == {"mediated": 40, "resolved": 30, "success_rate": 0.75}
    assert row["resolution_rate"] == 0.75  # 72 of the 96 property disputes


@given(st.integers(0, 5000), st.integers(0, 5000))
def test_any_outcome_counts_make_a_consistent_report(resolved: int, failed: int) -> None:
    report = build_report(_counts(stages={"mediation_center": Outcomes(resolved, failed)}), title="统计")
    rate = report.mediation_center.success_rate
    assert report.mediation_center.mediated == resolved + failed
    assert (rate is None) == (resolved + failed == 0)
    assert rate is None or 0 <= rate <= 1
