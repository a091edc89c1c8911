"""A report of one year for a district, built from counts the way the query layer will build it.

The mediation center's figures are the banner court's (542 mediated, 413 resolved); the other counts
are made up but consistent, with Chinese names that exercise rare characters in the charts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from propertytriage.reporting import figures
from propertytriage.reporting.model import Companies, Court, Month, Overdue, OverdueKind, Period, Report, StageFigures
from propertytriage.ruledata import default_rulebook

COMMUNITIES = [  # (community, received, mediated, mediation resolved, resolved before court, sent to court)
    ("丽水社区", 420, 160, 128, 380, 20),
    ("喆园社区", 310, 120, 84, 262, 30),
    ("堃安社区", 280, 140, 111, 240, 25),
    ("昇平社区", 160, 122, 90, 120, 38),
]

MONTHS = [  # received, resolved, sent to court
    (90, 70, 8), (64, 60, 6), (101, 88, 9), (98, 90, 10), (110, 97, 12), (95, 91, 9),
    (87, 80, 10), (120, 104, 12), (102, 95, 10), (88, 82, 8), (120, 100, 10), (95, 84, 9),
]


def sample_report(*, grouped_by: str | None = "community", title: str = "物业纠纷化解工作统计") -> Report:
    received = sum(c[1] for c in COMMUNITIES) + 30
    out_of_scope = 30
    mediated = sum(c[2] for c in COMMUNITIES)
    mediation_resolved = sum(c[3] for c in COMMUNITIES)
    before_court = sum(c[4] for c in COMMUNITIES)
    sent = sum(c[5] for c in COMMUNITIES)
    ladder = [
        StageFigures(stage="owners_committee", attempted=700, resolved=430, passed_on=270),
        StageFigures(stage="community", attempted=640, resolved=259, passed_on=381),
        StageFigures(stage="mediation_center", attempted=mediated, resolved=mediation_resolved,
                     passed_on=mediated - mediation_resolved),
        StageFigures(stage="court", attempted=113, resolved=61, passed_on=52),
    ]
    rows = [
        figures.group(name, name, received=r, mediated=m, mediation_resolved=mr, property_received=r,
                      resolved_before_court=b, sent_to_court=s)
        for name, r, m, mr, b, s in COMMUNITIES
    ]
    bands = {2: 1, 3: 1, 4: 3, 5: 6, 6: 9, 7: 14, 8: 11, 9: 4}
    return Report(
        title=title, office="某旗物业纠纷调解中心",
        period=Period.model_validate({"from": date(2025, 1, 1), "to": date(2025, 12, 31)}),
        grouped_by=grouped_by if rows and grouped_by else None,  # type: ignore[arg-type]
        rules_version=default_rulebook().rules_version,
        received=received, out_of_scope=out_of_scope,
        mediation_center=figures.mediation(mediated, mediation_resolved),
        ladder=ladder,
        resolution=figures.resolution(received - out_of_scope, before_court),
        court=Court(sent=sent, small_claims=61, fast_track=40, ordinary=10, undecided=2),
        companies=Companies(
            pass_mark=default_rulebook().scoring.pass_mark, scored=sum(bands.values()),
            below_pass_mark=sum(n for i, n in bands.items() if i < 6), notices_issued=11, passed=8, penalised=2,
            days_to_pass=figures.days_to_pass([21, 30, 28, 45, 33, 60, 25, 30]),
            score_bands=figures.score_bands(bands),
        ),
        overdue=Overdue(on=date(2025, 12, 31), deadlines=7, by_kind=[
            OverdueKind(kind="rectification", title="限期整改", deadlines=2),
            OverdueKind(kind="pre_litigation_mediation", title="诉前委派调解期限（30日）", deadlines=3),
            OverdueKind(kind="small_claims", title="小额诉讼审理期限（2个月）", deadlines=2),
        ]),
        months=[Month(month=f"2025-{i + 1:02d}", received=r, resolved=v, sent_to_court=s)
                for i, (r, v, s) in enumerate(MONTHS)],
        by=rows if grouped_by else [],
    )


def pass_mark() -> Decimal:
    return default_rulebook().scoring.pass_mark
