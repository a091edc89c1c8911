"""A report as JSON, as one self-contained HTML file, or as a PDF an office can send upward.

The HTML carries its stylesheet and its charts inline (SVG with the glyphs as outlines), so the file
opens the same anywhere, offline, and fetches nothing. The PDF is that HTML through the forms' own
WeasyPrint path (bundled fonts only, every character checked before and after layout), with the
title, the period and page numbers in the page margins. The template receives plain data only.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from unicodedata import east_asian_width

from markupsafe import Markup

from propertytriage.errors import InputError, Problem
from propertytriage.gcpause import collector_paused
from propertytriage.rendering.templates import environment
from propertytriage.reporting import charts
from propertytriage.reporting.figure_lines import figure_line, pdf_style
from propertytriage.reporting.model import Report
from propertytriage.reporting.parameters import statistics_parameters
from propertytriage.reporting.rates import percent_text
from propertytriage.ruledata import default_rulebook, forms_dir

Format = Literal["json", "html", "pdf"]
FORMATS: tuple[Format, ...] = ("json", "html", "pdf")

GROUP_TITLES = {"month": "月份", "street": "街道", "community": "社区", "company": "物业企业"}
TRACK_TITLES = {
    "small_claims": "小额诉讼程序", "fast_track": "速裁团队（简易程序）",
    "ordinary": "普通程序（民事审判庭）", "undecided": "尚未确定程序",
}


def _date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _stage_titles() -> dict[str, str]:
    return {rung.stage: rung.title for rung in default_rulebook().pipeline.ladder}


def _charts(report: Report, outlines: bool, png: bool = False) -> dict[str, Markup]:
    """Each chart as inline SVG; the breakdown's chart only when there is a breakdown."""
    companies = report.companies
    drawn = {
        "months": charts.cases_by_month(report.months, outlines=outlines, png=png) if report.months else "",
        "funnel": charts.ladder_funnel(report.ladder, outlines=outlines, png=png) if report.ladder else "",
        "scores": charts.score_distribution(companies.score_bands, companies.pass_mark, outlines=outlines,
                                           png=png)
        if companies.scored else "",
        "groups": "",
    }
    if report.by and report.grouped_by:
        title = f"各{GROUP_TITLES[report.grouped_by]}调解中心调解成功率"
        drawn["groups"] = charts.success_rate_by_group(
            report.by, report.mediation_center.success_rate, title=title, outlines=outlines, png=png)
    # matplotlib escapes every text it writes into the SVG (comments, attributes); the SVG is ours.
    return {name: Markup(svg) for name, svg in drawn.items()}


GROUP_BLOCK = 5
"""Groups per ruled block of the PDF's breakdown table (see :func:`_group_blocks`)."""
LABEL_EMS = 12
"""What the PDF's group column holds on one line at the body's size (31% of the text width)."""
_GROUP_COLUMNS = ("received", "mediated", "mediation_resolved", "success_rate", "resolved_before_court",
                  "resolution_rate", "sent_to_court")


def _label_lines(label: str, ems: float = LABEL_EMS) -> list[str]:
    """A group's name cut into lines the column holds (a wide character one em, any other 0.6)."""
    lines, line, width = [], "", 0.0
    for char in label:
        step = 1.0 if east_asian_width(char) in "WF" else 0.6
        if line and width + step > ems:
            lines.append(line)
            line, width = "", 0.0
        line, width = line + char, width + step
    return [*lines, line]


def _group_blocks(groups: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The breakdown for the PDF: five groups to a table row, the names one text of five lines and
    the seven figures another, one line per group (:mod:`.figure_lines`).

    WeasyPrint's cost is per line of text, and a breakdown by company has hundreds of groups: on a
    million-event ledger with 200 companies, one line per figure was most of WeasyPrint's time. Five
    groups a row and a rule under every fifth, as in a printed statistical table, keep the rows easy
    to follow. A name too long for its column is cut into lines here and its figures' line is
    followed by blank ones, so every name's first line stays level with its figures (the renderer
    is never left to wrap it).
    """
    blocks = []
    for first in range(0, len(groups), GROUP_BLOCK):
        labels: list[str] = []
        figures: list[str] = []
        for group in groups[first:first + GROUP_BLOCK]:
            lines = _label_lines(group["label"])
            labels += lines
            figures += [figure_line([str(group[name]) for name in _GROUP_COLUMNS]), *[""] * (len(lines) - 1)]
        blocks.append({"label": "\n".join(labels), "figures": "\n".join(figures)})
    return blocks


def report_context(report: Report, *, outlines: bool = True, png: bool = False) -> dict[str, Any]:
    """The plain data the template prints: texts and numbers, already formatted; with ``png`` (the
    PDF) the breakdown also in blocks of five groups (:func:`_group_blocks`)."""
    stage_titles = _stage_titles()
    rule = statistics_parameters()
    days = report.companies.days_to_pass
    groups = [
        {"label": g.label, "received": g.received, "mediated": g.mediation_center.mediated,
         "mediation_resolved": g.mediation_center.resolved,
         "success_rate": percent_text(g.mediation_center.success_rate),
         "resolved_before_court": g.resolved_before_court, "resolution_rate": percent_text(g.resolution_rate),
         "sent_to_court": g.sent_to_court}
        for g in report.by
    ]
    return {
        "title": report.title,
        "office": report.office,
        "period": f"{_date(report.period.from_)}至{_date(report.period.to)}",
        "period_short": f"{report.period.from_.isoformat()} — {report.period.to.isoformat()}",
        "rules_version": report.rules_version,
        "summary": [
            ("登记纠纷", f"{report.received} 件", "统计期内登记（filed_on 在期内）的全部纠纷"),
            ("其中：不属物业服务纠纷", f"{report.out_of_scope} 件", "邻里纠纷等，引导至人民调解，不计入化解率"),
            ("诉前化解", f"{report.resolution.resolved_before_court} 件", "在业委会、街道社区或调解中心化解"),
            ("化解率", percent_text(report.resolution.rate), "见下方口径说明"),
            ("调解中心调解", f"{report.mediation_center.mediated} 件", "期内有调解中心调解记录的案件"),
            ("调解成功", f"{report.mediation_center.resolved} 件", ""),
            ("调解成功率", percent_text(report.mediation_center.success_rate), "调解成功 ÷ 调解"),
            ("移送法院", f"{report.court.sent} 件", "调解未成功、期内进入法院的案件"),
        ],
        "resolution_definition": report.resolution.definition,
        "rounding": {"half_up": "四舍五入", "down": "截尾（舍去）", "half_even": "四舍六入五成双"}[rule.rounding],
        "percent_places": rule.percent_places,
        "ladder": [
            {"title": stage_titles.get(s.stage, s.stage), "attempted": s.attempted, "resolved": s.resolved,
             "passed_on": s.passed_on,
             "share": percent_text(Decimal(s.resolved) / s.attempted if s.attempted else None, 1)}
            for s in report.ladder
        ],
        "court": [(TRACK_TITLES[t], getattr(report.court, t))
                  for t in ("small_claims", "fast_track", "ordinary", "undecided")],
        "court_sent": report.court.sent,
        "companies": [
            ("参加联合评分的企业", report.companies.scored),
            (f"低于 {report.companies.pass_mark:g} 分（须限期整改）", report.companies.below_pass_mark),
            ("发出限期整改建议书", report.companies.notices_issued),
            ("整改验收通过", report.companies.passed),
            ("行政处罚", report.companies.penalised),
        ],
        "days_to_pass": {
            "rounds": days.rounds,
            "median": "—" if days.median is None else f"{days.median} 天",
            "mean": "—" if days.mean is None else f"{days.mean} 天",
            "longest": "—" if days.longest is None else f"{days.longest} 天",
        },
        "overdue_on": _date(report.overdue.on),
        "overdue": report.overdue.deadlines,
        "overdue_by_kind": [(k.title, k.deadlines) for k in report.overdue.by_kind],
        "months": [{"month": m.month, "received": m.received, "resolved": m.resolved,
                    "sent_to_court": m.sent_to_court} for m in report.months],
        "group_title": GROUP_TITLES.get(report.grouped_by or "", ""),
        "group_rates": any(g.mediation_center.success_rate is not None for g in report.by),
        "groups": groups,
        "group_blocks": _group_blocks(groups) if png else [],
        "pdf": png,
        "pdf_style": Markup(pdf_style()) if png else "",
        "charts": _charts(report, outlines, png),
    }


def render_report_html(report: Report, *, outlines: bool = True, png: bool = False) -> str:
    """The report as one self-contained HTML document; with ``outlines=False`` the charts' text
    stays SVG text in the bundled fonts; with ``png`` (for the PDF) each chart is a PNG data URI."""
    return environment().get_template("report.html.j2").render(report_context(report, outlines=outlines, png=png))


def render_report_pdf(report: Report) -> bytes:
    """The report as a PDF with the bundled fonts (WeasyPrint is imported only here, lazily)."""
    from propertytriage.rendering.pdf import html_to_pdf

    with collector_paused():  # gcpause.py: the render's objects make no cycles worth the walks
        # Charts as PNG: WeasyPrint lays out an SVG chart node by node, which cost more than the rest
        # of the report; their glyphs are checked while matplotlib draws them (charts.py).
        pdf = html_to_pdf(render_report_html(report, png=True), base_dir=forms_dir())
    if gc.isenabled():  # the cycles the report left, all young: the old generation need not be walked
        gc.collect(1)
    return pdf


_RENDERERS: dict[str, Callable[[Report], bytes]] = {
    "json": lambda report: (report.to_json() + "\n").encode(),
    "html": lambda report: render_report_html(report).encode(),
    "pdf": render_report_pdf,
}


def format_of(path: Path) -> Format:
    """The output format a file name asks for; an InputError naming ``--out`` otherwise."""
    suffix = path.suffix.lower().lstrip(".")
    for fmt in FORMATS:
        if suffix == fmt:
            return fmt
    raise InputError([Problem("--out", "unknown_format", f"报表只能写成 .json、.html 或 .pdf：{path.name}",
                              f"a report is written as .json, .html or .pdf, not {path.name}")])


def render_report(report: Report, fmt: Format) -> bytes:
    """The report's bytes in ``fmt``."""
    return _RENDERERS[fmt](report)
