"""Rates from counts: the mechanism's own figures, and the rounding rule at its boundaries."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propertytriage.errors import RuleDataError
from propertytriage.reporting.parameters import load_statistics
from propertytriage.reporting.rates import percent_text, rate, report_rate

RULES = ("half_up", "down", "half_even")


def test_the_banner_courts_542_mediations_of_which_413_succeeded_are_76_point_2_percent() -> None:
    assert rate(413, 542, places=2, rounding="half_up") == Decimal("0.7620")
    assert percent_text(rate(413, 542, places=1, rounding="half_up"), 1) == "76.2%"
    assert percent_text(rate(413, 542, places=0, rounding="half_up"), 0) == "76%"


def test_the_districts_3232_of_3413_is_94_70_rounded_and_94_69_cut() -> None:
    assert percent_text(rate(3232, 3413, places=2, rounding="half_up"), 2) == "94.70%"
    assert percent_text(rate(3232, 3413, places=2, rounding="down"), 2) == "94.69%"
    assert percent_text(rate(3232, 3413, places=2, rounding="half_even"), 2) == "94.70%"


def test_the_rule_in_force_rounds_the_district_figure_to_94_70() -> None:
    assert percent_text(report_rate(3232, 3413)) == "94.70%"
    assert percent_text(report_rate(413, 542)) == "76.20%"


@pytest.mark.parametrize(("rounding", "expected"), [("half_up", "13%"), ("down", "12%"), ("half_even", "12%")])
def test_an_exact_half_follows_the_rule(rounding: str, expected: str) -> None:
    # 1 ÷ 8 = 12.5% exactly, the boundary where the three rules part
    assert percent_text(rate(1, 8, places=0, rounding=rounding), 0) == expected  # type: ignore[arg-type]


def test_an_exact_half_above_an_odd_digit_rounds_up_half_even() -> None:
    assert percent_text(rate(3, 8, places=0, rounding="half_even"), 0) == "38%"  # 37.5%


def test_nothing_counted_is_no_rate_rather_than_zero() -> None:
    assert rate(0, 0, places=2, rounding="half_up") is None
    assert percent_text(None) == "—"


@pytest.mark.parametrize(("numerator", "denominator"), [(5, 4), (-1, 3), (1, -3)])
def test_impossible_counts_are_refused(numerator: int, denominator: int) -> None:
    with pytest.raises(ValueError, match="numerator"):
        rate(numerator, denominator, places=2, rounding="half_up")


counts = st.integers(min_value=1, max_value=10**7).flatmap(
    lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d)))


@given(counts, st.integers(min_value=0, max_value=4), st.sampled_from(RULES))
def test_a_rate_lies_in_zero_to_one_within_one_last_place_of_the_exact_quotient(
    pair: tuple[int, int], places: int, rounding: str
) -> None:
    numerator, denominator = pair
    value = rate(numerator, denominator, places=places, rounding=rounding)  # type: ignore[arg-type]
    assert value is not None and Decimal(0) <= value <= Decimal(1)
    exact = Fraction(numerator, denominator)
    step = Fraction(1, 10 ** (places + 2))
    got = Fraction(value)
    assert got * 10 ** (places + 2) == int(got * 10 ** (places + 2))  # exactly places + 2 decimals
    if rounding == "down":
        assert got <= exact < got + step
    else:
        assert abs(got - exact) <= step / 2


@given(counts, st.integers(min_value=0, max_value=4))
def test_cutting_never_exceeds_rounding_and_they_differ_by_at_most_one_place(pair: tuple[int, int], places: int) -> None:
    cut = rate(*pair, places=places, rounding="down")
    rounded = rate(*pair, places=places, rounding="half_up")
    assert cut is not None and rounded is not None
    assert cut <= rounded <= cut + Decimal(1).scaleb(-(places + 2))


def _write(root: Path, text: str) -> None:
    (root / "parameters" / "statistics.yaml").write_text(text, encoding="utf-8")


def test_the_statistics_rules_in_force_load_and_cite_their_basis() -> None:
    loaded = load_statistics()
    assert loaded.rounding in RULES and loaded.basis


def test_an_unknown_rounding_rule_names_the_key(rules_copy: Path) -> None:
    _write(rules_copy, "percent_places: 2\nrounding: nearest\nscore_band_width: 10\nmax_period_months: 240\nresolution_rate_definition: x\nbasis: [report_district_resolution]\n")
    with pytest.raises(RuleDataError, match="rounding"):
        load_statistics(rules_copy)


def test_a_band_width_that_straddles_the_pass_mark_is_refused(rules_copy: Path) -> None:
    _write(rules_copy, "percent_places: 2\nrounding: down\nscore_band_width: 7\nmax_period_months: 240\nresolution_rate_definition: x\nbasis: [report_district_resolution]\n")
    with pytest.raises(RuleDataError, match="score_band_width"):
        load_statistics(rules_copy)


def test_an_uncited_basis_is_refused(rules_copy: Path) -> None:
    _write(rules_copy, "percent_places: 2\nrounding: down\nscore_band_width: 10\nmax_period_months: 240\nresolution_rate_definition: x\nbasis: [no_such_report]\n")
    with pytest.raises(RuleDataError, match="no_such_report"):
        load_statistics(rules_copy)
