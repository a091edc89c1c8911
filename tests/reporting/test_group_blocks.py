"""The PDF's breakdown table: five groups to a ruled row, each name's first line level with its
group's line of figures, even when the name is too long for its column; the HTML keeps one row per
group."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propertytriage.reporting import figures
from propertytriage.reporting.render import (
    GROUP_BLOCK,
    LABEL_EMS,
    _group_blocks,
    _label_lines,
    render_report,
    render_report_html,
    report_context,
)
from tests.reporting.sample import sample_report

try:
    from tests.rendering.pdfglyphs import pdf_text
except ImportError:  # pragma: no cover
    from pdfglyphs import pdf_text  # type: ignore

LONG = "呼和浩特市新城区某某物业服务有限责任公司"  # 20 characters: two lines in the column


def _ems(text: str) -> float:
    return sum(1.0 if "\u4e00" <= c <= "\u9fff" or c in "（）" else 0.6 for c in text)


names = st.text(st.sampled_from("喆园社区第物业服务有限公司ABC12（）- "), min_size=1, max_size=40)


@given(name=names)
def test_a_name_is_cut_into_lines_the_column_holds_and_nothing_is_lost(name: str) -> None:
    lines = _label_lines(name)
    assert "".join(lines) == name
    assert all(line and _ems(line) <= LABEL_EMS for line in lines)


@given(labels=st.lists(names, max_size=13))
def test_every_column_of_a_block_has_as_many_lines_as_its_names(labels: list[str]) -> None:
    groups = [{"label": label, "received": i, "mediated": i, "mediation_resolved": 0, "success_rate": "—",
               "resolved_before_court": 0, "resolution_rate": "—", "sent_to_court": i}
              for i, label in enumerate(labels)]
    blocks = _group_blocks(groups)
    assert len(blocks) == -(-len(labels) // GROUP_BLOCK)
    for number, block in enumerate(blocks):
        height = block["label"].count("\n")
        assert all(text.count("\n") == height for text in block.values())
        first = number * GROUP_BLOCK
        figures = [line.split() for line in block["figures"].split("\n") if line]
        numbers = range(first, min(first + GROUP_BLOCK, len(labels)))
        assert figures == [[str(i), str(i), "0", "—", "0", "—", str(i)] for i in numbers]
        # each group's figures on the line of its name's first line
        starts = [i for i, line in enumerate(block["figures"].split("\n")) if line]
        firsts = [sum(len(_label_lines(label)) for label in labels[first:first + k]) for k in range(len(starts))]
        assert starts == firsts


def _long_report():  # type: ignore[no-untyped-def]
    report = sample_report()
    names = [f"{LONG}{i}" if i % 4 == 0 else f"第{i}社区" for i in range(12)]
    extra = [figures.group(names[i], names[i], received=10 + i,
                           mediated=5, mediation_resolved=4, property_received=10 + i, resolved_before_court=9,
                           sent_to_court=1) for i in range(12)]
    return report.model_copy(update={"by": [*report.by, *extra]})


def test_the_html_keeps_one_row_per_group_and_the_pdf_blocks_them() -> None:
    report = _long_report()
    html = render_report_html(report)
    assert len(re.findall(r"<tr>", html.split('class="figures groups"')[1].split("</table>")[0])) == 1 + 16
    context = report_context(report, outlines=False, png=True)
    assert len(context["group_blocks"]) == 4 and context["groups"][0]["label"] == "丽水社区"


@pytest.mark.slow
def test_the_pdf_prints_every_group_with_its_figures_on_its_line() -> None:
    text = pdf_text(render_report(_long_report(), "pdf"))
    compact = re.sub(r"\s+", "", text)
    for name in ("丽水社区", "喆园社区", "堃安社区", "昇平社区", "第11社区", f"{LONG}8"):
        assert name in compact
    # the long name's second line stands alone beside blank figures, not merged into the next row's
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.startswith(LONG[:12]) for line in lines)
