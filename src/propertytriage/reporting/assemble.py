"""From counts to the report: the seam between the ledger's aggregate queries and the document.

The queries only count (per stage and outcome, per track, per score band, per month and group); this
module turns those counts into a :class:`~propertytriage.reporting.model.Report`, deriving every
rate, the mediation center's figures and the number below the pass mark from the same counts, so
the query layer cannot make a table and a rate disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from propertytriage.models.vocabulary import Stage
from propertytriage.reporting import figures
from propertytriage.reporting.model import (
    Companies,
    Court,
    GroupBy,
    Month,
    Overdue,
    OverdueKind,
    Period,
    Report,
    StageFigures,
)
from propertytriage.reporting.parameters import statistics_parameters
from propertytriage.ruledata import default_rulebook


@dataclass(frozen=True)
class Outcomes:
    """Cases with an attempt at one stage dated in the period, by the attempt's outcome."""

    resolved: int = 0
    failed: int = 0


@dataclass(frozen=True)
class GroupCounts:
    """The counts of one breakdown row."""

    key: str
    label: str
    received: int
    out_of_scope: int
    mediation: Outcomes
    resolved_before_court: int
    sent_to_court: int


@dataclass(frozen=True)
class Counts:
    """Everything the report counts for one period, as the queries return it."""

    period_from: date
    period_to: date
    received: int
    out_of_scope: int
    resolved_before_court: int
    stages: Mapping[str, Outcomes]
    court_tracks: Mapping[str | None, int]
    score_bands: Mapping[int, int]
    notices_issued: int
    passed: int
    penalised: int
    days_to_pass: Sequence[int]
    overdue: Sequence[tuple[str, str, int]]
    months: Sequence[Month]
    groups: Sequence[GroupCounts] = field(default_factory=tuple)


def build_report(
    counts: Counts, *, title: str, office: str | None = None, grouped_by: GroupBy | None = None
) -> Report:
    """The report document from its counts, under the rules in force."""
    book = default_rulebook()
    ladder = [
        StageFigures(stage=cast(Stage, rung.stage), attempted=o.resolved + o.failed, resolved=o.resolved,
                     passed_on=o.failed)
        for rung in book.pipeline.ladder
        for o in [counts.stages.get(rung.stage, Outcomes())]
    ]
    at_center = counts.stages.get("mediation_center", Outcomes())
    tracks = {track: counts.court_tracks.get(track, 0) for track in ("small_claims", "fast_track", "ordinary")}
    undecided = counts.court_tracks.get(None, 0)
    pass_band = int(book.scoring.pass_mark) // statistics_parameters().score_band_width
    rows = [
        figures.group(g.key, g.label, received=g.received, mediated=g.mediation.resolved + g.mediation.failed,
                      mediation_resolved=g.mediation.resolved, property_received=g.received - g.out_of_scope,
                      resolved_before_court=g.resolved_before_court, sent_to_court=g.sent_to_court)
        for g in counts.groups
    ]
    return Report(
        title=title, office=office,
        period=Period.model_validate({"from": counts.period_from, "to": counts.period_to}),
        grouped_by=grouped_by, rules_version=book.rules_version,
        received=counts.received, out_of_scope=counts.out_of_scope,
        mediation_center=figures.mediation(at_center.resolved + at_center.failed, at_center.resolved),
        ladder=ladder,
        resolution=figures.resolution(counts.received - counts.out_of_scope, counts.resolved_before_court),
        court=Court(sent=sum(tracks.values()) + undecided, undecided=undecided, **tracks),
        companies=Companies(
            pass_mark=book.scoring.pass_mark, scored=sum(counts.score_bands.values()),
            below_pass_mark=sum(n for band, n in counts.score_bands.items() if band < pass_band),
            notices_issued=counts.notices_issued, passed=counts.passed, penalised=counts.penalised,
            days_to_pass=figures.days_to_pass(counts.days_to_pass),
            score_bands=figures.score_bands(counts.score_bands),
        ),
        overdue=Overdue(on=counts.period_to, deadlines=sum(n for _, _, n in counts.overdue),
                        by_kind=[OverdueKind(kind=k, title=t, deadlines=n) for k, t, n in counts.overdue]),
        months=list(counts.months),
        by=rows,
    )
