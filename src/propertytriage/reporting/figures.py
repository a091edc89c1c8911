"""Report parts built from counts, with their rates derived here and nowhere else.

The query layer counts; these functions turn counts into the document's parts, so the rounding rule
of ``rules/parameters/statistics.yaml`` is applied in one place and a rate always matches its counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from propertytriage.reporting.model import DaysToPass, Group, Mediation, Resolution, ScoreBand
from propertytriage.reporting.parameters import StatisticsFile, statistics_parameters
from propertytriage.reporting.rates import report_rate
from propertytriage.ruledata import default_rulebook


def mediation(mediated: int, resolved: int, parameters: StatisticsFile | None = None) -> Mediation:
    """The mediation center's figures; success rate = resolved ÷ mediated."""
    return Mediation(mediated=mediated, resolved=resolved, success_rate=report_rate(resolved, mediated, parameters))


def resolution(received: int, resolved_before_court: int, parameters: StatisticsFile | None = None) -> Resolution:
    """化解率 with the definition and rounding rule it was computed under."""
    rule = parameters or statistics_parameters()
    return Resolution(
        received=received,
        resolved_before_court=resolved_before_court,
        rate=report_rate(resolved_before_court, received, rule),
        definition=" ".join(rule.resolution_rate_definition.split()),
        rounding=f"{rule.rounding}, {rule.percent_places} percent places",
    )


def group(
    key: str, label: str, *, received: int, mediated: int, mediation_resolved: int,
    property_received: int, resolved_before_court: int, sent_to_court: int,
    parameters: StatisticsFile | None = None,
) -> Group:
    """One breakdown row; its 化解率 has the same basis as the whole report's."""
    return Group(
        key=key, label=label, received=received,
        mediation_center=mediation(mediated, mediation_resolved, parameters),
        resolved_before_court=resolved_before_court,
        resolution_rate=report_rate(resolved_before_court, property_received, parameters),
        sent_to_court=sent_to_court,
    )


def days_to_pass(days: Sequence[int]) -> DaysToPass:
    """Median, mean (to 0.1 day, half up) and longest of the rounds' durations; None when none passed."""
    if not days:
        return DaysToPass(rounds=0, median=None, mean=None, longest=None)
    tenth = Decimal("0.1")
    middle = Decimal(str(median(days))).quantize(tenth, rounding=ROUND_HALF_UP)
    mean = (Decimal(sum(days)) / len(days)).quantize(tenth, rounding=ROUND_HALF_UP)
    return DaysToPass(rounds=len(days), median=middle, mean=mean, longest=max(days))


def band_of(score: Decimal, parameters: StatisticsFile | None = None) -> int:
    """The index of the band a score falls in (100 joins the top band)."""
    width = (parameters or statistics_parameters()).score_band_width
    top = (100 + width - 1) // width - 1
    return min(int(score // width), top)


def score_bands(counts: Mapping[int, int], parameters: StatisticsFile | None = None) -> list[ScoreBand]:
    """Every band from 0 to 100 with its count of companies (missing bands count 0)."""
    width = (parameters or statistics_parameters()).score_band_width
    pass_mark = default_rulebook().scoring.pass_mark
    bands = []
    for index in range((100 + width - 1) // width):
        lower = Decimal(index * width)
        upper = min(Decimal((index + 1) * width), Decimal(100))
        bands.append(ScoreBand(lower=lower, upper=upper, companies=counts.get(index, 0),
                               below_pass_mark=upper <= pass_mark))
    return bands
