"""The PDF's breakdown prints a group's seven figures as one line: every figure must still end under
its own column, as it did in a cell of its own, and every group and figure must be in the text."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propertytriage.reporting import figures
from propertytriage.reporting.figure_lines import COLUMN_MM, FONT_PT, SPACE_UNITS, _advances, _units, figure_line
from propertytriage.reporting.render import render_report
from tests.reporting.sample import sample_report

counts = st.integers(0, 999_999).map(str)
rates = st.one_of(st.just("—"), st.integers(0, 10_000).map(lambda n: f"{n // 100}.{n % 100:02d}%"))
lines_of_figures = st.tuples(counts, counts, counts, rates, counts, rates, counts)


def _ends_from_line_end(line: str) -> list[float]:
    """Where each figure ends, in thousandths of an em from the line's end, as the font advances it."""
    width = {**_advances(), " ": SPACE_UNITS}
    ends, position = [], 0.0
    for token in reversed(re.split(r"([\u2002\u2003 ]+)", line)):
        if token and not token.isspace():
            ends.append(position)
        position += sum(width[c] for c in token)
    return ends[::-1]


@given(figs=lines_of_figures)
def test_each_figure_ends_where_its_column_ends(figs: tuple[str, ...]) -> None:
    line = figure_line(figs)
    assert line.split() == list(figs)
    columns = [_units(mm) for mm in COLUMN_MM]
    wanted = [sum(columns[k + 1:]) for k in range(len(figs))]
    for end, target in zip(_ends_from_line_end(line), wanted, strict=True):
        assert abs(end - target) <= SPACE_UNITS / 2 + 1e-6


def test_a_group_without_figures_is_a_blank_line() -> None:
    assert figure_line([""] * 7) == ""


def _pages(pdf: bytes) -> list[list[tuple[float, float, float, str]]]:
    """Per page, (xMin, xMax, yMin, text) of every word pdftotext finds."""
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "report.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                             check=True).stdout
    finally:
        shutil.rmtree(folder)
    return [[(float(x0), float(x1), float(y0), word) for x0, y0, x1, word in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', page)]
            for page in out.split("<page ")[1:]]


HEADINGS = ["登记", "调解", "调解成功", "调解成功率", "诉前化解", "化解率", "移送法院"]


def _breakdown_rows(pdf: bytes) -> tuple[dict[str, tuple[float, float]], list[list[tuple[float, float, str]]]]:
    """The breakdown's headings (x extents) and its rows (words left to right), from every page it
    is printed on."""
    headings: dict[str, tuple[float, float]] = {}
    rows = []
    for words in _pages(pdf):
        lines: dict[float, list[tuple[float, float, str]]] = {}
        for x0, x1, y, w in words:
            lines.setdefault(round(y, 1), []).append((x0, x1, w))
        top = next((y for y, line in sorted(lines.items()) if [w for *_, w in sorted(line)][1:] == HEADINGS), None)
        if top is None:
            continue
        headings = {w: (x0, x1) for x0, x1, w in sorted(lines[top])[1:]}
        rows += [sorted(line) for y, line in sorted(lines.items()) if y > top + 1 and len(line) == 8]
    return headings, rows


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_printed_figures_end_under_their_headings_and_every_group_is_there() -> None:
    report = sample_report()
    odd = [  # widths that differ: narrow ones, six digits, no rate, a full rate, a name on two lines
        figures.group("甲", "第1物业服务有限公司", received=111111, mediated=1, mediation_resolved=1,
                      property_received=111111, resolved_before_court=11, sent_to_court=1),
        figures.group("乙", "第88物业服务有限公司", received=88, mediated=0, mediation_resolved=0,
                      property_received=0, resolved_before_court=0, sent_to_court=999999),
        figures.group("丙", "呼和浩特市新城区某某物业服务有限责任公司", received=7, mediated=7, mediation_resolved=3,
                      property_received=7, resolved_before_court=3, sent_to_court=4),
    ]
    report = report.model_copy(update={"by": [*report.by, *odd]})
    headings, rows = _breakdown_rows(render_report(report, "pdf"))
    assert headings, "the breakdown's headings are not in the PDF's text"
    printed = {}
    for group in report.by:
        row = next(r for r in rows if r[0][2].startswith(group.label[:12]))
        printed[group.label] = [w for *_, w in row[1:]]
        for k, (_, right, _) in enumerate(row[1:]):
            left_bound = sum(headings[HEADINGS[k]]) / 2  # right of its heading's middle
            right_bound = headings[HEADINGS[k + 1]][0] if k + 1 < len(HEADINGS) else headings[HEADINGS[k]][1] + 20
            assert left_bound < right < right_bound, (group.label, HEADINGS[k], right)
    assert len(rows) == len(report.by)
    for k in range(len(HEADINGS)):  # one right edge per column, within a narrow space (0.2 pt)
        ends = [row[k + 1][1] for row in rows]
        assert max(ends) - min(ends) < SPACE_UNITS / 1000 * FONT_PT + 0.02, (HEADINGS[k], ends)
    assert printed["第1物业服务有限公司"] == ["111111", "1", "1", "100.00%", "11", "0.01%", "1"]
    assert printed["第88物业服务有限公司"][3] == "—" and printed["第88物业服务有限公司"][6] == "999999"
