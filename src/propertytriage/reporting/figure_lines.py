"""The PDF breakdown's seven figures of a group set as one line of text, each figure right-aligned
under its column.

Why: WeasyPrint's cost is per line of text (about half a millisecond each to lay out and draw,
whatever the cell, table or block it sits in), and a breakdown by company printed one line per
figure: 200 companies were 1,600 lines, most of WeasyPrint's time. Set as one line per group the
same table is 200 lines of figures beside 200 of names.

How each figure stays right-aligned without a cell of its own: the line is right-aligned in a cell
spanning the seven columns, and between two figures goes blank space exactly as wide as the next
column less the next figure. The figures are drawn from the bundled serif's first slice, whose
advance widths are read from the font file (digits, point, percent sign, dash: no kerning between
them), and the blank is made of em and en spaces and narrow spaces (an ordinary space narrowed by
``word-spacing`` to :data:`SPACE_UNITS`). Each figure's distance from the line's end is rounded once,
not added up, so every right edge lies within half a narrow space (0.1 pt) of where its column ends.
``tests/reporting/test_figure_lines.py`` measures the printed right edges in the PDF.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence

from propertytriage.rendering.glyphs import font_manifest, fonts_dir

COLUMN_MM = (14.8, 13.1, 16.4, 19.7, 16.4, 16.4, 16.4)
"""The seven figure columns (登记 … 移送法院), each wide enough for its bold heading of two to five
characters at 9 pt on one line and for six-digit counts; the group's name takes the rest of the
width (50.8 mm on A4 with the report's margins: 12 ems of the body text, ``render.LABEL_EMS``)."""
FONT_PT = 10.5
"""The figures' size (the body's)."""
SPACE_UNITS = 20
"""The narrow space, in thousandths of an em: an ordinary space (256) with negative word spacing."""
RULE_PT = 0.75
"""The tables' rule (report.css: ``border: 0.75pt``)."""
_EM, _EN = "\u2003", "\u2002"
_PT_PER_MM = 72 / 25.4


@functools.cache
def _advances() -> dict[str, int]:
    """Advance widths, in thousandths of an em, of what the figures are written with, from the font
    that draws them (the serif's first slice: every request for these characters finds them there)."""
    from fontTools.ttLib import TTFont

    fonts = font_manifest()["fonts"]
    assert isinstance(fonts, list)
    first = next(e for e in fonts if e["family"] == "PT Form Serif")
    font = TTFont(fonts_dir() / str(first["file"]), lazy=True)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    scale = 1000 / font["head"].unitsPerEm
    return {c: round(metrics[cmap[ord(c)]][0] * scale) for c in "0123456789.%—- \u2002\u2003"}


def _units(mm: float) -> float:
    return mm * _PT_PER_MM / FONT_PT * 1000


def _width(text: str) -> int:
    advances = _advances()
    return sum(advances[c] for c in text)


def _blank(units: float) -> tuple[str, int]:
    """Blank space as close to ``units`` wide as the spaces allow, and how wide it is."""
    advances = _advances()
    units = max(units, SPACE_UNITS)
    ems, rest = divmod(units, advances[_EM])
    ens, rest = divmod(rest, advances[_EN])
    narrow = round(rest / SPACE_UNITS)
    return (_EM * int(ems) + _EN * int(ens) + " " * narrow,
            int(ems) * advances[_EM] + int(ens) * advances[_EN] + narrow * SPACE_UNITS)


def figure_line(figures: Sequence[str]) -> str:
    """The group's figures as one line; right-aligned in the cell, each ends under its column."""
    if not any(figures):
        return ""
    widths = [_units(mm) for mm in COLUMN_MM]
    parts, from_end = [figures[-1]], float(_width(figures[-1]))
    for column in range(len(figures) - 2, -1, -1):
        # where this figure must end: the columns after it, measured from the line's end
        target = sum(widths[column + 1:])
        blank, width = _blank(target - from_end)
        parts.append(blank)
        from_end += width
        parts.append(figures[column])
        from_end += _width(figures[column])
    return "".join(reversed(parts))


def _rules_picture(pt: list[float]) -> str:
    """The six rules between the figure columns as one SVG picture the width of the cell's padding
    box (which starts half a collapsed rule right of the first column's edge), stretched to the
    cell's height: drawn as lines, as the table's own rules are. (An empty box per rule cost a
    quarter of the table's time; a one-colour gradient WeasyPrint spreads over the whole cell, and a
    stretched pixel or a hard-stopped gradient prints rules of uneven weight on screen.)"""
    width = sum(pt) - RULE_PT
    # one path, not six lines: WeasyPrint styles and draws the picture's nodes again for every cell
    rules = " ".join(f"M{x:.3f} 0V10" for x in (sum(pt[:k]) - RULE_PT / 2 for k in range(1, len(pt))))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.3f}pt" height="10pt" '
           f'viewBox="0 0 {width:.3f} 10" preserveAspectRatio="none">'
           f'<path d="{rules}" stroke="#000" stroke-width="{RULE_PT}" fill="none"/></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pdf_style() -> str:
    """The PDF's stylesheet for the breakdown: the columns' widths (the name takes what is left, so
    the figures' cell is exactly their sum), the narrow space, and the rules between the columns."""
    pt = [mm * _PT_PER_MM for mm in COLUMN_MM]
    columns = "".join(f"table.groups col.c{k} {{ width: {mm}mm; }}\n" for k, mm in enumerate(COLUMN_MM))
    return (
        "table.groups col.label { width: auto; }\n" + columns
        + "table.groups td.figures { white-space: pre; text-align: right; font-variant-numeric: normal; "
        f"font-size: {FONT_PT}pt; word-spacing: {(SPACE_UNITS - _advances()[' ']) / 1000:.4f}em; "
        f"background-image: url({_rules_picture(pt)}); background-size: 100% 100%; background-repeat: no-repeat; }}\n"
    )
