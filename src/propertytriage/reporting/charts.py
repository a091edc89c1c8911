"""The report's charts as self-contained SVG, every character drawn from the forms' own fonts.

Why matplotlib with text as outlines (``svg.fonttype: path``): the SVG then carries the shape of
every glyph it prints, so it looks the same in a browser without Chinese fonts, in a saved HTML file
and in the PDF (WeasyPrint draws SVG paths without fonts), and nothing is fetched. matplotlib only
sees the fonts the forms use — the slices in ``forms/fonts/``, by slice family in the manifest's
order, then the installed fallback (HanaMin, for rare ideographs) — so a character is drawn from
those fonts or not at all. docs/statistics.md compares the alternatives.

How a missing glyph is kept out, the way the forms keep it out: every label is checked against the
fonts' coverage before drawing (:func:`~propertytriage.rendering.glyphs.check_text`, raising
:class:`~propertytriage.rendering.glyphs.MissingGlyphError`); while drawing, matplotlib's own
"Glyph … missing from font(s)" warning is an error; after drawing, every glyph outline the SVG
defines must come from one of our fonts and none may be ``.notdef`` (glyph 0).

``outlines=False`` leaves the text as SVG text in our slice families, for the PDF only: WeasyPrint
then draws it with the same bundled fonts (and checks every glyph after layout, as for the forms) in
about half the time it takes to parse the outlines.

Black and white first: series differ by hatching and edge, never by colour alone; the pass mark is
a labelled dashed line.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import re
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unicodedata import east_asian_width

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: the report is made on servers

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy
from PIL import Image

from propertytriage.errors import RenderError
from propertytriage.rendering.glyphs import (
    MissingGlyphError,
    check_text,
    fallback_fonts,
    font_manifest,
    fonts_dir,
)
from propertytriage.reporting.model import Group, Month, ScoreBand, StageFigures
from propertytriage.reporting.rates import percent_text

#: Short names of the ladder's rungs, as a chart's axis has room for.
STAGE_LABELS = {
    "owners_committee": "业委会协商",
    "community": "街道社区协调",
    "mediation_center": "调解中心调解",
    "court": "法院诉前调解",
}

PNG_DPI = 200
"""Resolution of the PDF's charts: sharp in print, and a PNG WeasyPrint places in a fraction of the
time it takes to lay out the same chart's SVG (docs/statistics.md, "Speed")."""
NO_MONTHS = "统计期内各月均没有登记、化解或移送法院的纠纷"
NO_RATES = "统计期内各组均没有调解中心调解的纠纷，没有调解成功率可作比较"
MAX_GROUP_BARS = 30
"""Above this many groups the success-rate chart shows the lowest and the highest half of this number
(the table beside it lists every group): 60 bars do not fit a page, and the extremes are what a
reader looks for."""

_PNG_TEXT: dict[Any, Any] = {"text.hinting": "none"}
"""How the PDF's charts rasterise their text. The bundled fonts carry no hinting instructions, so
FreeType's default ran its automatic hinter on every glyph of every label, each time a label was
measured and drawn (a sixth of a chart's time); at 200 dpi the unhinted outlines print the same."""

_LABEL_GAP_PT = 5.0
"""Space between an axis and a label written beside it (matplotlib's tick pad and half a tick)."""
_INK = "#000000"
_GREY = "#8c8c8c"
_LIGHT = "#d9d9d9"
_WHITE = "#ffffff"
# matplotlib's font handling is process-global and not thread-safe: one chart at a time.
_LOCK = threading.Lock()
_GLYPH_DEF = re.compile(r'<path id="([^"]+)-([0-9a-f]+)"')


@dataclass(frozen=True)
class _ChartFont:
    family: str  # as matplotlib (and, for the PDF, fontconfig) knows it
    postscript: str  # how matplotlib names its glyphs in SVG ids
    codepoints: frozenset[int]


@functools.cache
def _fonts() -> tuple[_ChartFont, ...]:
    """Register with matplotlib, once, the fonts the forms use: the serif slices and the symbols in
    the manifest's order, then the installed fallback fonts (HanaMin) for the ideographs they lack."""
    fonts = font_manifest()["fonts"]
    assert isinstance(fonts, list)
    found = []
    for wanted in ("PT Form Serif", "PT Form Symbols"):
        for entry in (e for e in fonts if e["family"] == wanted):
            path = str(fonts_dir() / str(entry["file"]))
            font_manager.fontManager.addfont(path)
            found.append(_ChartFont(str(entry["slice_family"]), font_manager.get_font(path).postscript_name,
                                    frozenset(_ranges(str(entry["ranges"])))))
    if fallback_fonts():
        # HanaMin has only a Medium face; matplotlib logs a warning each time it stands in for "normal".
        logging.getLogger("matplotlib.font_manager").addFilter(_NotAboutWeight())
    for fallback in fallback_fonts():
        font_manager.fontManager.addfont(str(fallback.path))
        found.append(_ChartFont(fallback.family, font_manager.get_font(str(fallback.path)).postscript_name,
                                fallback.codepoints))
    return tuple(found)


class _NotAboutWeight(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


def _ranges(text: str) -> Iterator[int]:
    for part in text.split():
        first, _, last = part.partition("-")
        yield from range(int(first, 16), int(last or first, 16) + 1)


def chart_families(text: str = "") -> tuple[str, ...]:
    """The families that draw ``text``: the first slice (digits, Latin, common hanzi) and each font
    holding one of its other characters. Every family matplotlib is given is searched for every
    character, so offering all the rare-character fonts to every label would cost seconds."""
    fonts = _fonts()
    rest = {ord(c) for c in text} - fonts[0].codepoints
    return (fonts[0].family, *(font.family for font in fonts[1:] if rest & font.codepoints))


@contextmanager
def _style(texts: str, outlines: bool) -> Iterator[None]:
    rc: dict[Any, Any] = {
        "svg.fonttype": "path" if outlines else "none",
        "font.enable_last_resort": False,  # a glyph is ours or an error, never a stand-in
        "svg.hashsalt": "propertytriage",  # the same report gives the same SVG
        "font.family": list(chart_families(texts)),
        "font.size": 9,
        "axes.unicode_minus": False,  # U+2212 is in the fonts, but "-" reads the same in print
        "axes.edgecolor": _INK,
        "axes.labelcolor": _INK,
        "xtick.color": _INK,
        "ytick.color": _INK,
        "hatch.color": _INK,
        "hatch.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with _LOCK, matplotlib.rc_context(rc):
        yield


def _check_glyph_defs(svg: str, labels: str) -> None:
    """Every glyph outline in the SVG is a real glyph (not 0, .notdef) of one of our fonts."""
    ours = {font.postscript for font in _fonts()}
    for name, glyph in _GLYPH_DEF.findall(svg):
        if name not in ours:
            raise RenderError(f"图表使用了非随附字体 {name} 的字形",
                              f"a chart drew a glyph from {name}, not a bundled font")
        if int(glyph, 16) == 0:  # .notdef: matplotlib's fallback could not place a character
            raise MissingGlyphError(next((c for c in labels if not c.isascii()), "?"))


_FONT_FAMILY = re.compile(r"font-family: '([^']+)'")


def _check_font_families(svg: str) -> None:
    """Text left as text names only the forms' fonts (the PDF renderer has no other fonts)."""
    ours = {font.family for font in _fonts()}
    for family in set(_FONT_FAMILY.findall(svg)) - ours:
        raise RenderError(f"图表文字使用了非随附字体 {family}", f"a chart's text asks for {family}, not a bundled font")


def _to_svg(figure: Figure, label: str, drawn: str, outlines: bool, png: bool = False) -> str:
    """Draw, refusing any glyph matplotlib cannot find in our fonts; return inline-ready SVG (or,
    with ``png``, an ``<img>`` holding the chart as a PNG data URI, for the PDF)."""
    buffer = io.StringIO()
    picture = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if png:  # drawn by Agg, stored as 8-bit grey: no alpha mask for the PDF to carry, a third the size
            figure.set_dpi(PNG_DPI)
            canvas = FigureCanvasAgg(figure)
            with matplotlib.rc_context(_PNG_TEXT):
                canvas.draw()  # type: ignore[no-untyped-call]
            rgba = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
            Image.frombuffer("RGBA", canvas.get_width_height(), rgba).convert("L").save(
                picture, format="PNG", compress_level=1)
        else:
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    for warning in caught:
        match = re.search(r"Glyph (\d+) .*missing from font", str(warning.message))
        if match:
            char = chr(int(match.group(1)))
            raise MissingGlyphError(char)
    if png:
        width_mm = figure.get_figwidth() * 25.4
        data = base64.b64encode(picture.getvalue()).decode("ascii")
        return (f'<img role="img" alt="{_attr(label)}" style="width:{width_mm:.0f}mm;max-width:100%;height:auto" '
                f'src="data:image/png;base64,{data}">')
    svg = buffer.getvalue()
    if outlines:
        _check_glyph_defs(svg, drawn)
    else:
        _check_font_families(svg)
    start = svg.index("<svg")
    root = svg[start:].replace("<svg ", f'<svg role="img" aria-label="{_attr(label)}" ', 1)
    return root


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _checked(*texts: str) -> str:
    """Every text the chart will draw, refused before drawing if a character has no glyph."""
    joined = "\n".join(texts)
    check_text(joined)
    return joined


def _figure(width_cm: float, height_cm: float, *, left: float, right: float, bottom: float,
            top: float) -> tuple[Figure, Any]:
    """A figure with one axes placed by fixed margins in cm. Why fixed: matplotlib's constrained
    layout measures every label twice, which cost a third of a chart's time (docs/statistics.md)."""
    figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54))
    axes = figure.add_axes((left / width_cm, bottom / height_cm, 1 - (left + right) / width_cm,
                            1 - (bottom + top) / height_cm))
    # axis labels at fixed places too (a chart that has one moves it): matplotlib otherwise measures
    # every tick label to place even an empty one
    axes.xaxis.set_label_coords(0.5, -0.5 / (height_cm - bottom - top))
    axes.yaxis.set_label_coords(0, 1.02)
    return figure, axes


_PT_CM = 2.54 / 72


def _text_cm(text: str, size_pt: float) -> float:
    """The width a line of text takes: a wide (CJK) character one em, any other about 0.6 em. An
    estimate for the margins, so that the figure is not laid out twice to measure it."""
    ems = sum(1.0 if east_asian_width(c) in "WF" else 0.6 for c in text)
    return ems * size_pt * _PT_CM


def _title(axes: Any, title: str) -> None:
    """The title above the axes at a fixed height: matplotlib otherwise measures the tick labels to
    lift it clear of them, which cost a tenth of a chart (there are none above the axes here)."""
    axes.set_title(title, y=1.0, pad=8)


def _count_margin(largest: int) -> float:
    """The left margin (cm) for a count axis up to ``largest``: its longest tick label, the tick and
    a little air."""
    return _text_cm(str(max(10, round(largest * 1.2))), 9) + 0.5


def _unit_label(axes: Any, unit: str) -> None:
    """The count axis' unit, upright above the axis (a rotated 件 is hard to read in Chinese)."""
    axes.set_ylabel(unit, rotation=0, ha="center", va="bottom")
    axes.yaxis.set_label_coords(0, 1.02)


def _month_label(month: str, years: int) -> str:
    year, number = month.split("-")
    return f"{int(number)}月" if years == 1 else f"{year[2:]}年{int(number)}月"


#: Most month labels a 16 cm axis holds legibly at 9 pt, rotated; a longer period labels every
#: second, third, sixth or twelfth month instead, always on the same calendar months (January
#: first), so a reader counts along the year rather than along the period.
MOST_MONTH_LABELS = 24


def _labelled_every(months: int) -> int:
    return next((step for step in (1, 2, 3, 6) if months <= MOST_MONTH_LABELS * step), 12)


def cases_by_month(
    months: Sequence[Month], *, title: str = "各月纠纷登记与化解", outlines: bool = True, png: bool = False
) -> str:
    """Grouped bars per month: received (white, hatched), resolved (grey), sent to court (black)."""
    years = len({m.month[:4] for m in months})
    step = _labelled_every(len(months))
    labels = [_month_label(m.month, years) if (int(m.month[5:]) - 1) % step == 0 else "" for m in months]
    series = [("登记", "received", _WHITE, "///"), ("化解", "resolved", _LIGHT, ""),
              ("移送法院", "sent_to_court", _INK, "")]
    highest = max((getattr(m, field) for m in months for _, field, _, _ in series), default=0)
    drawn = _checked(title, *filter(None, labels), *(s[0] for s in series), "件", NO_MONTHS)
    rotated = len(months) > 12
    longest = max((_text_cm(label, 9) for label in labels), default=0.0)
    with _style(drawn, outlines):
        figure, axes = _figure(16, 7, left=_count_margin(max((m.received for m in months), default=0)), right=0.3,
                               bottom=0.8 + (longest * 0.71 if rotated else 0), top=0.75)
        width = 0.27
        for offset, (name, field, colour, hatch) in enumerate(series):
            xs = [i + (offset - 1) * width for i in range(len(months))]
            axes.bar(xs, [getattr(m, field) for m in months], width, label=name, color=colour,
                     edgecolor=_INK, linewidth=0.6, hatch=hatch)
        axes.set_xticks(range(len(months)), labels, rotation=45 if rotated else 0)
        _unit_label(axes, "件")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _title(axes, title)
        axes.legend(frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, 1.0))
        # counts start at 0; with nothing to count the axis is 0 to 1 (not matplotlib's -0.06 to 0.06)
        axes.set_ylim(0, highest * 1.18 if highest else 1)
        if not highest:
            axes.text(0.5, 0.5, NO_MONTHS, transform=axes.transAxes, ha="center", va="center")
        return _to_svg(figure, title, drawn, outlines, png)


def ladder_funnel(
    ladder: Sequence[StageFigures], *, title: str = "化解阶梯：各环节化解与上移", outlines: bool = True,
    png: bool = False,
) -> str:
    """The ladder as a funnel: one centred bar per rung, its width the disputes it handled,
    split into those it resolved (grey, hatched) and those it passed on (white, ruled)."""
    labels = [STAGE_LABELS[s.stage] for s in ladder]
    notes = [f"化解 {s.resolved}　上移 {s.passed_on}" for s in ladder]
    drawn = _checked(title, *labels, *notes, "化解", "上移", "件")
    with _style(drawn, outlines):
        figure, axes = _figure(16, 7.5, left=max(_text_cm(label, 9) for label in labels) + 0.35, right=0.2,
                               bottom=0.9, top=0.7)
        ys = list(range(len(ladder)))[::-1]
        widest = max((s.attempted for s in ladder), default=0) or 1
        for y, stage, note in zip(ys, ladder, notes, strict=True):
            left = -stage.attempted / 2
            axes.barh(y, stage.resolved, left=left, height=0.62, color=_GREY, edgecolor=_INK, linewidth=0.6,
                      hatch="\\\\\\", label="化解" if y == ys[0] else None)
            axes.barh(y, stage.passed_on, left=left + stage.resolved, height=0.62, color=_WHITE, edgecolor=_INK,
                      linewidth=0.6, hatch="---", label="上移" if y == ys[0] else None)
            axes.text(widest / 2 + widest * 0.04, y, f"{stage.attempted} 件\n{note}", va="center", fontsize=8)
        axes.set_yticks(ys, labels)
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        axes.spines["left"].set_visible(False)
        axes.tick_params(axis="y", length=0)
        axes.set_xlim(-widest / 2 - widest * 0.02, widest / 2 + widest * 0.55)
        _title(axes, title)
        axes.legend(frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, 0.0))
        return _to_svg(figure, title, drawn, outlines, png)


def score_distribution(
    bands: Sequence[ScoreBand], pass_mark: Decimal, *, title: str = "物业企业联合评分分布", outlines: bool = True,
    png: bool = False,
) -> str:
    """Companies per score band; bands below the pass mark cross-hatched, the pass mark a dashed line."""
    line_label = f"及格线 {pass_mark:g} 分"
    drawn = _checked(title, line_label, "企业数", "分", "低于及格线", "及格及以上")
    top = max((b.companies for b in bands), default=0)
    with _style(drawn, outlines):
        figure, axes = _figure(16, 7, left=_count_margin(top), right=0.7, bottom=0.9, top=0.75)
        for band in bands:
            below = band.below_pass_mark
            axes.bar(float(band.lower), band.companies, float(band.upper - band.lower), align="edge",
                     color=_LIGHT if below else _WHITE, edgecolor=_INK, linewidth=0.6, hatch="xx" if below else "//")
            if band.companies:
                axes.text(float(band.lower + band.upper) / 2, band.companies, str(band.companies), ha="center",
                          va="bottom", fontsize=8)
        axes.axvline(float(pass_mark), color=_INK, linestyle="--", linewidth=1.2)
        axes.text(float(pass_mark) - 1, (top or 1) * 1.2, line_label, ha="right", va="center", fontsize=8)
        axes.bar(0, 0, color=_LIGHT, edgecolor=_INK, hatch="xx", label="低于及格线")
        axes.bar(0, 0, color=_WHITE, edgecolor=_INK, hatch="//", label="及格及以上")
        axes.set_xlim(0, 100)
        axes.set_xticks([float(b.lower) for b in bands] + [100])
        axes.set_xlabel("分", ha="left", va="center")
        axes.xaxis.set_label_coords(1.005, 0)  # at the axis' end, as 件 is on the other axis
        _unit_label(axes, "企业数")
        axes.set_ylim(0, (top or 1) * 1.3)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _title(axes, title)
        axes.legend(frameon=False, loc="upper left")
        return _to_svg(figure, title, drawn, outlines, png)


def _nothing_to_draw(title: str, sentence: str, drawn: str, outlines: bool, png: bool) -> str:
    """A chart with nothing to draw says so in a line under its title, instead of showing empty axes."""
    with _style(drawn, outlines):
        figure = Figure(figsize=(16 / 2.54, 2.2 / 2.54))
        figure.text(0.5, 0.78, title, ha="center", va="center", fontsize=10.8)
        figure.text(0.5, 0.3, sentence, ha="center", va="center")
        return _to_svg(figure, title, drawn, outlines, png)


def success_rate_by_group(
    groups: Sequence[Group], overall: Decimal | None, *, title: str, outlines: bool = True, png: bool = False
) -> str:
    """The mediation center's success rate per group as horizontal bars, with the overall rate dotted."""
    ranked = sorted((g for g in groups if g.mediation_center.success_rate is not None),
                    key=lambda g: g.mediation_center.success_rate or 0)
    if len(ranked) > MAX_GROUP_BARS:
        half = MAX_GROUP_BARS // 2
        title = f"{title}（最低与最高各 {half} 个，共 {len(ranked)} 个）"
        ranked = ranked[:half] + ranked[-half:]
    labels = [g.label for g in ranked]
    notes = [f"{percent_text(g.mediation_center.success_rate)}（{g.mediation_center.resolved}/"
             f"{g.mediation_center.mediated}）" for g in ranked]
    overall_label = f"总体 {percent_text(overall)}"
    drawn = _checked(title, *labels, *notes, overall_label, "调解成功率", NO_RATES)
    if not ranked:
        return _nothing_to_draw(title, NO_RATES, drawn, outlines, png)
    with _style(drawn, outlines):
        figure, axes = _figure(16, max(4.0, (1.0 if len(ranked) <= 12 else 0.62) * len(ranked) + 2.5),
                               left=max((_text_cm(label, 9) for label in labels), default=0.0) + 0.45, right=0.3,
                               bottom=1.4 if overall is not None else 0.8, top=0.7)
        ys = range(len(ranked))
        rates = [float(g.mediation_center.success_rate or 0) * 100 for g in ranked]
        axes.barh(list(ys), rates, height=0.6, color=_LIGHT, edgecolor=_INK, linewidth=0.6, hatch="//")
        for y, note in zip(ys, notes, strict=True):
            # in a column right of 100%: clear of the bars and of the overall line without a white box
            axes.text(101.5, y, note, va="center", fontsize=8)
        if overall is not None:
            axes.axvline(float(overall) * 100, color=_INK, linestyle=":", linewidth=1.2, label=overall_label)
            figure.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 0.0))  # below the axis
        # the group names as plain texts beside the bars, not as tick labels: each tick is five
        # artists (two marks, a grid line, two labels) copied from the first, which cost a third of
        # this chart; the bars need no tick marks to be told apart
        axes.set_yticks([])
        beside = offset_copy(axes.get_yaxis_transform(), figure, x=-_LABEL_GAP_PT, units="points")
        for y, label in zip(ys, labels, strict=True):
            axes.text(0, y, label, transform=beside, ha="right", va="center_baseline")
        axes.set_xlim(0, 128)
        axes.set_ylim(-0.7, len(ranked) - 0.3)
        axes.set_xticks([0, 20, 40, 60, 80, 100], ["0%", "20%", "40%", "60%", "80%", "100%"])
        _title(axes, title)
        return _to_svg(figure, title, drawn, outlines, png)
