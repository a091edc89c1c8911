"""The charts: every character drawn with a real glyph of the bundled fonts, readable in black and white."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from propertytriage.rendering.glyphs import MissingGlyphError, fallback_fonts, font_manifest, fonts_dir
from propertytriage.reporting import charts, figures
from propertytriage.reporting.model import Month
from propertytriage.ruledata import default_rulebook
from tests.reporting.sample import sample_report

_GLYPH = re.compile(r'<path id="([^"]+)-([0-9a-f]+)" d="([^"]*)"')
_COLOUR = re.compile(r"(?:fill|stroke)[:=]\s*\"?(#[0-9a-fA-F]{6})")


@cache
def _files() -> dict[str, Path]:
    """Each font the forms use (bundled slices, installed fallbacks) by its PostScript name, which
    matplotlib puts in front of every glyph id of the SVG."""
    fonts = font_manifest()["fonts"]
    assert isinstance(fonts, list)
    paths = [fonts_dir() / str(e["file"]) for e in fonts] + [f.path for f in fallback_fonts()]
    names = {}
    for path in paths:
        with TTFont(path, lazy=True) as ttf:
            names[ttf["name"].getDebugName(6)] = path
    return names


@cache
def _glyph_ids(font: str) -> dict[int, int]:
    """Code point → glyph id, from the font file's own cmap."""
    with TTFont(_files()[font]) as ttf:
        return {code: ttf.getGlyphID(name) for code, name in ttf.getBestCmap().items()}


def _defined(svg: str) -> dict[tuple[str, int], str]:
    return {(font, int(index, 16)): outline for font, index, outline in _GLYPH.findall(svg)}


def _assert_drawn_with_real_glyphs(svg: str, text: str) -> None:
    """Each character of ``text`` is defined in the SVG by the glyph its font's cmap gives it, with an outline."""
    defined = _defined(svg)
    assert defined and all(index != 0 for _, index in defined), "a .notdef glyph was drawn"
    for char in {c for c in text if not c.isspace()}:
        found = []
        for (font, index), outline in defined.items():
            if _glyph_ids(font).get(ord(char)) == index:
                found.append(outline)
        assert found, f"{char!r} (U+{ord(char):04X}) is not drawn from a bundled font"
        assert all(len(o) > 20 for o in found), f"{char!r} has an empty outline"


def test_the_ladder_funnel_draws_every_stage_name_from_the_bundled_fonts() -> None:
    report = sample_report()
    svg = charts.ladder_funnel(report.ladder)
    _assert_drawn_with_real_glyphs(svg, "业委会协商街道社区协调调解中心调解法院诉前调解化解上移件")


def test_the_glyph_check_notices_a_character_that_was_not_drawn() -> None:
    svg = charts.ladder_funnel(sample_report().ladder)
    with pytest.raises(AssertionError, match="龘"):
        _assert_drawn_with_real_glyphs(svg, "龘")


def test_rare_characters_in_community_names_get_their_own_glyphs() -> None:
    report = sample_report()
    groups = [figures.group(name, name, received=10, mediated=5, mediation_resolved=3, property_received=10,
                            resolved_before_court=6, sent_to_court=1)
              for name in ("喆园社区", "堃安社区", "𠮷祥社区", "䶮城社区")]
    svg = charts.success_rate_by_group(groups, report.mediation_center.success_rate, title="各社区调解成功率")
    _assert_drawn_with_real_glyphs(svg, "喆堃𠮷䶮园安祥城社区各调解成功率")


def test_an_ideograph_only_the_installed_fallback_has_is_drawn_from_it() -> None:
    fallbacks = fallback_fonts()
    if not fallbacks:
        pytest.skip("no fallback font installed (scripts/setup.sh installs fonts-hanazono)")
    rare = chr(min(fallbacks[-1].codepoints))
    groups = [figures.group("x", f"{rare}园社区", received=3, mediated=2, mediation_resolved=1, property_received=3,
                            resolved_before_court=2, sent_to_court=0)]
    svg = charts.success_rate_by_group(groups, None, title="各社区调解成功率")
    _assert_drawn_with_real_glyphs(svg, rare + "园社区")
    assert any(name == fallbacks[-1].path for name in [_files()[f] for f, _ in _defined(svg)])


def test_a_character_the_fonts_lack_is_refused_before_drawing_and_named() -> None:
    groups = [figures.group("x", "한빛마을", received=1, mediated=1, mediation_resolved=1, property_received=1,
                            resolved_before_court=1, sent_to_court=0)]
    with pytest.raises(MissingGlyphError) as caught:
        charts.success_rate_by_group(groups, None, title="各社区调解成功率")
    assert caught.value.char == "한"


def test_the_score_chart_draws_the_pass_mark_of_the_rule_book() -> None:
    report = sample_report()
    pass_mark = default_rulebook().scoring.pass_mark
    svg = charts.score_distribution(report.companies.score_bands, pass_mark)
    assert f"<!-- 及格线 {pass_mark:g} 分 -->" in svg
    # the dashed line sits at the pass mark: the band edges on the axis include it
    assert f"<!-- {pass_mark:g} -->" in svg


@pytest.mark.parametrize("name", ["months", "funnel", "scores", "groups"])
def test_every_chart_is_black_white_and_grey_and_tells_series_apart_by_hatching(name: str) -> None:
    report = sample_report()
    svg = {
        "months": lambda: charts.cases_by_month(report.months),
        "funnel": lambda: charts.ladder_funnel(report.ladder),
        "scores": lambda: charts.score_distribution(report.companies.score_bands, report.companies.pass_mark),
        "groups": lambda: charts.success_rate_by_group(report.by, report.mediation_center.success_rate, title="社区"),
    }[name]()
    colours = {c.lower() for c in _COLOUR.findall(svg)}
    assert colours, "no colour found: the pattern above no longer matches matplotlib's SVG"
    for colour in colours:
        red, green, blue = colour[1:3], colour[3:5], colour[5:7]
        assert red == green == blue, f"{colour} is a colour, not a grey"
    assert "<pattern" in svg  # hatching


def test_the_months_chart_spans_years_with_the_year_in_each_label() -> None:
    months = [Month(month="2024-12", received=3, resolved=2, sent_to_court=0),
              Month(month="2025-01", received=4, resolved=1, sent_to_court=1)]
    svg = charts.cases_by_month(months)
    assert "<!-- 24年12月 -->" in svg and "<!-- 25年1月 -->" in svg


@settings(max_examples=15, deadline=None)
@given(first=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 1)), count=st.integers(1, 84))
def test_a_long_period_labels_calendar_months_at_one_step_and_no_more_than_the_axis_holds(
        first: date, count: int) -> None:
    months = []
    year, month = first.year, first.month
    for _ in range(count):
        months.append(Month(month=f"{year}-{month:02d}", received=1, resolved=0, sent_to_court=0))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    svg = charts.cases_by_month(months, outlines=False)
    spans_years = len({m.month[:4] for m in months}) > 1
    shown = [m.month for m in months
             if f">{charts._month_label(m.month, 2 if spans_years else 1)}<" in svg]
    if count <= charts.MOST_MONTH_LABELS:
        assert len(shown) == count
        return
    assert 2 <= len(shown) <= charts.MOST_MONTH_LABELS + 1
    numbers = {int(m[5:]) for m in shown}
    step = min(abs(a - b) for a in numbers for b in numbers if a != b)
    assert step > 1 and all((n - 1) % step == 0 for n in numbers)  # the same calendar months each year


def test_a_chart_is_the_same_every_time_it_is_drawn() -> None:
    report = sample_report()
    assert charts.ladder_funnel(report.ladder) == charts.ladder_funnel(report.ladder)


def test_only_the_slices_a_text_needs_are_offered_to_matplotlib() -> None:
    assert charts.chart_families("调解成功率 76.20%") == ("PT Form Serif S00",)
    assert len(charts.chart_families("𠮷")) == 2


def test_no_rate_draws_no_bar_and_says_so() -> None:
    groups = [figures.group("a", "甲社区", received=1, mediated=0, mediation_resolved=0, property_received=1,
                            resolved_before_court=0, sent_to_court=0)]
    svg = charts.success_rate_by_group(groups, Decimal("0.5"), title="各社区调解成功率")
    assert "<!-- 甲社区 -->" not in svg  # a group with nothing mediated has no rate to rank


def test_chart_text_left_as_text_for_the_pdf_names_only_the_bundled_slices() -> None:
    report = sample_report()
    svg = charts.ladder_funnel(report.ladder, outlines=False)
    families = set(re.findall(r"font-family: '([^']+)'", svg))
    assert families and all(f.startswith("PT Form Serif S") for f in families)
    assert "<text" in svg and "业委会协商" in svg
    assert not _defined(svg)  # no outlines: WeasyPrint draws these with the same fonts


@pytest.mark.parametrize("png", [False, True])
def test_a_glyph_matplotlib_cannot_find_while_drawing_stops_the_chart(
        png: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # the check before drawing is switched off, to reach the one while drawing (SVG and PNG alike)
    monkeypatch.setattr(charts, "check_text", lambda text: None)
    groups = [figures.group("x", "한빛마을", received=1, mediated=1, mediation_resolved=1, property_received=1,
                            resolved_before_court=1, sent_to_court=0)]
    with pytest.raises(MissingGlyphError):
        charts.success_rate_by_group(groups, None, title="各社区调解成功率", png=png)


def _png_pixels(markup: str) -> list[tuple[int, ...]]:
    import base64
    import io

    from PIL import Image

    data = re.search(r'src="data:image/png;base64,([^"]+)"', markup)
    assert data and markup.startswith("<img ")
    with Image.open(io.BytesIO(base64.b64decode(data.group(1)))) as image:
        assert image.width >= 16 / 2.54 * charts.PNG_DPI * 0.99  # printed sharp at the chart's width
        assert image.mode == "L"  # grey levels only: prints the same in black and white
        return list(image.convert("RGB").get_flattened_data())


def test_the_pdfs_png_charts_are_grey_only_and_carry_the_same_drawing() -> None:
    report = sample_report()
    for markup in (charts.ladder_funnel(report.ladder, png=True), charts.cases_by_month(report.months, png=True)):
        pixels = set(_png_pixels(markup))
        assert all(r == g == b for r, g, b in pixels)
        assert (0, 0, 0) in pixels and (255, 255, 255) in pixels


def test_many_groups_chart_the_lowest_and_highest_rates_only() -> None:
    groups = [figures.group(f"g{i}", f"第{i}社区", received=100, mediated=100, mediation_resolved=i,
                            property_received=100, resolved_before_court=i, sent_to_court=0) for i in range(1, 41)]
    svg = charts.success_rate_by_group(groups, Decimal("0.5"), title="各社区调解成功率", outlines=False)
    shown = {int(n) for n in re.findall(r"第(\d+)社区", svg)}
    half = charts.MAX_GROUP_BARS // 2
    assert shown == set(range(1, half + 1)) | set(range(41 - half, 41))
    assert f"共 {len(groups)} 个" in svg


def test_a_months_chart_with_nothing_counted_has_a_count_axis_from_zero_and_says_why_it_is_empty() -> None:
    months = [Month(month=f"2025-{i:02d}", received=0, resolved=0, sent_to_court=0) for i in range(1, 13)]
    svg = charts.cases_by_month(months, outlines=False)
    assert "均没有登记" in svg
    ticks = [float(t) for t in re.findall(r"<text[^>]*>(-?[0-9.]+)</text>", svg)]
    assert ticks and min(ticks) == 0 and all(t == int(t) for t in ticks)  # no -0.06 … 0.06 axis


def test_a_group_chart_with_no_rate_at_all_says_so_instead_of_drawing_empty_axes() -> None:
    groups = [figures.group(n, n, received=3, mediated=0, mediation_resolved=0, property_received=3,
                            resolved_before_court=0, sent_to_court=0) for n in ("甲社区", "乙社区")]
    svg = charts.success_rate_by_group(groups, None, title="各社区调解中心调解成功率", outlines=False)
    assert "各社区调解中心调解成功率" in svg and "没有调解成功率" in svg
    assert not re.findall(r"<text[^>]*>[0-9]+%</text>", svg)  # no rate axis
