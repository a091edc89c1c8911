"""The report as JSON, self-contained HTML and PDF."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from propertytriage.errors import InputError
from propertytriage.reporting import figures
from propertytriage.reporting.render import format_of, render_report, render_report_html
from tests.reporting.sample import sample_report

try:
    from tests.rendering.pdfglyphs import drawn_glyphs, font_names, pdf_text
except ImportError:  # pragma: no cover - run from another folder
    from pdfglyphs import drawn_glyphs, font_names, pdf_text  # type: ignore


class _References(HTMLParser):
    """Every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "data", "poster", "srcset", "action"} and value:
                self.references.append(value)


def test_the_html_is_one_self_contained_file() -> None:
    html = render_report_html(sample_report())
    parser = _References()
    parser.feed(html)
    assert all(ref.startswith("#") for ref in parser.references), parser.references  # only links inside the SVGs
    assert not {"script", "link", "img", "iframe", "object"} & parser.tags
    css = "".join(re.findall(r"<style>(.*?)</style>", html, re.S)) + " ".join(re.findall(r'style="([^"]*)"', html))
    assert "@import" not in css and "@font-face" not in css
    assert all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", css))
    assert html.count("<svg") == 4


def test_the_html_shows_the_seed_figures_and_the_definition_of_the_resolution_rate() -> None:
    html = render_report_html(sample_report())
    assert "76.20%" in html and "542 件" in html and "413 件" in html
    assert "化解率口径" in html and "四舍五入" in html


def test_the_report_states_its_counting_rules_itself_rather_than_citing_a_file_its_reader_lacks() -> None:
    text = re.sub(r"<[^>]+>", "", render_report_html(sample_report()).split('class="footer">', 1)[1])
    assert "docs/" not in text and ".md" not in text
    assert "按登记日期计入" in text and "只计一件" in text and "未记日期的按录入台账之日" in text


def test_names_are_printed_as_text_never_as_markup() -> None:
    report = sample_report(title="<script>alert(1)</script>统计")
    hostile = "--><script>alert(2)</script>社区"
    row = figures.group(hostile, hostile, received=5, mediated=2, mediation_resolved=1, property_received=5,
                        resolved_before_court=3, sent_to_court=0)
    report = report.model_copy(update={"by": [*report.by[:-1], row]})
    html = render_report_html(report)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;统计" in html


def test_the_json_output_is_the_documents_json() -> None:
    data = json.loads(render_report(sample_report(), "json"))
    assert data["period"]["from"] == "2025-01-01" and data["mediation_center"]["success_rate"] == 0.762


@pytest.mark.parametrize(("name", "fmt"), [("r.json", "json"), ("R.HTML", "html"), ("out/r.pdf", "pdf")])
def test_the_output_format_follows_the_file_name(name: str, fmt: str) -> None:
    assert format_of(Path(name)) == fmt


def test_an_unknown_output_format_names_the_option() -> None:
    with pytest.raises(InputError, match="--out"):
        format_of(Path("report.xlsx"))


@pytest.mark.slow
def test_the_pdf_has_title_period_office_page_numbers_tables_and_charts_with_real_glyphs() -> None:
    pdf = render_report(sample_report(), "pdf")
    text = pdf_text(pdf)
    compact = re.sub(r"\s+", "", text)
    assert "物业纠纷化解工作统计" in compact and "某旗物业纠纷调解中心" in compact
    assert "2025年1月1日至2025年12月31日" in compact
    assert "第1页" in compact and "共" in compact
    assert "76.20%" in compact and "化解阶梯" in compact
    # the four charts are pictures (PNG, their glyphs checked as matplotlib draws them: test_charts.py);
    # the tables beside them carry the same names and figures as text
    assert len(re.findall(rb"/Subtype\s*/Image", pdf)) == 4
    assert "昇平社区" in compact and "80.00%" in compact
    glyphs = drawn_glyphs(pdf)
    assert glyphs and all(g.glyph_id != 0 and g.has_outline for g in glyphs if not g.text.isspace())
    assert all("PT-Form" in name or "PTForm" in name for name in font_names(pdf)), font_names(pdf)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.mark.parametrize("enabled", [True, False])
def test_the_pdf_is_made_with_the_cyclic_collector_paused_and_its_cycles_collected_after(
        enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import weakref

    from propertytriage.rendering import pdf

    seen: dict[str, Any] = {}

    def fake_html_to_pdf(html: str, *, base_dir: Path) -> bytes:
        seen["enabled"] = gc.isenabled()
        cycle = _Cycle()  # garbage only the cyclic collector can free
        seen["cycle"] = weakref.ref(cycle)
        return b"%PDF"

    monkeypatch.setattr(pdf, "html_to_pdf", fake_html_to_pdf)
    (gc.enable if enabled else gc.disable)()
    try:
        assert render_report(sample_report(), "pdf") == b"%PDF"
        assert seen["enabled"] is False
        assert gc.isenabled() is enabled  # left as it was found
        assert (seen["cycle"]() is None) is enabled  # collected after the report, unless held off by the caller
    finally:
        gc.enable()


def test_the_schema_command_prints_the_reports_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from propertytriage.cli.main import main

    assert main(["schema", "report"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"period", "received", "mediation_center", "by"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def _running_header(title: str) -> dict[str, tuple[float, float, list[tuple[str, float]], Any]]:
    """The first page's top margin boxes: (left edge, right edge, their lines (text, width), style)."""
    from weasyprint.formatting_structure import boxes

    from propertytriage.rendering.pdf import layout
    from propertytriage.ruledata import forms_dir

    page = layout(render_report_html(sample_report(title=title), png=True), base_dir=forms_dir()).pages[0]
    found = {}
    for box in page._page_box.children:
        if isinstance(box, boxes.MarginBox) and box.at_keyword in ("@top-left", "@top-right"):
            lines = [("".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox)), line.width)
                     for line in box.descendants() if isinstance(line, boxes.LineBox)]
            found[box.at_keyword] = (box.border_box_x(), box.border_box_x() + box.border_width(),
                                     [line for line in lines if line[0].strip()], box.style)
    return found


@pytest.mark.slow
def test_a_long_title_keeps_the_running_header_on_one_line_beside_the_period() -> None:
    title = "某某自治区某某盟某某旗人民法院与某某街道办事处物业服务纠纷诉源治理五联合三要素工作机制二〇二五年度统计报告"
    header = _running_header(title)
    (left_start, left_end, left, style), (right_start, _, right, _) = header["@top-left"], header["@top-right"]
    assert len(left) == 1 and len(right) == 1 and "2025年1月1日" in right[0][0]  # one line each
    assert left_end <= right_start  # the title's box ends before the period's begins
    # the line is longer than its box, which cuts it there with an ellipsis (seen in the page's picture)
    assert left[0][1] > left_end - left_start
    assert style["overflow"] == "hidden" and style["text_overflow"] == "ellipsis"
    (short, width), = _running_header("物业纠纷化解工作统计")["@top-left"][2]
    assert short == "物业纠纷化解工作统计" and width < left_end - left_start  # a title that fits is printed whole
