"""Rates from counts, exactly, under the rounding rule in ``rules/parameters/statistics.yaml``.

Why integer arithmetic: 3,232 of 3,413 is 94.6967…%; a report must print 94.70% (rounded) or
94.69% (cut) on purpose, never by the accident of a binary float or of a Decimal context's own
rounding before ours. The quotient is taken once, as integers, and the remainder decides the last
place, so every rule is exact at its boundary (12.5% is 13% half-up, 12% cut or half-even).
"""

from __future__ import annotations

from decimal import Decimal

from propertytriage.reporting.parameters import Rounding, StatisticsFile, statistics_parameters


def rate(numerator: int, denominator: int, *, places: int, rounding: Rounding) -> Decimal | None:
    """``numerator ÷ denominator`` as a fraction with ``places + 2`` decimals (percent ``places``).

    None when nothing was counted (0 ÷ 0 is no rate, not 0%). A numerator larger than the
    denominator or a negative count is a mistake in the query, not a rate above 100%.
    """
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(f"a rate needs 0 <= numerator <= denominator, got {numerator} / {denominator}")
    if denominator == 0:
        return None
    digits = places + 2
    quotient, remainder = divmod(numerator * 10**digits, denominator)
    twice = 2 * remainder
    if (rounding == "half_up" and twice >= denominator) or (
        rounding == "half_even" and (twice > denominator or (twice == denominator and quotient % 2 == 1))
    ):
        quotient += 1
    return Decimal(quotient).scaleb(-digits)


def report_rate(numerator: int, denominator: int, parameters: StatisticsFile | None = None) -> Decimal | None:
    """A rate under the rule in force (or the given parameters)."""
    rule = parameters or statistics_parameters()
    return rate(numerator, denominator, places=rule.percent_places, rounding=rule.rounding)


def percent_text(value: Decimal | None, places: int | None = None) -> str:
    """A rate as a reader sees it, "94.70%"; "—" when there is no rate (nothing was counted)."""
    if value is None:
        return "—"
    shown = statistics_parameters().percent_places if places is None else places
    return f"{(value * 100).quantize(Decimal(1).scaleb(-shown))}%"
