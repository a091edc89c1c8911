"""Read back which glyph each character was drawn with in a WeasyPrint PDF.

Why: WeasyPrint maps a missing glyph's ``.notdef`` (glyph 0) to the intended character in the
text layer, so ``extract_text`` alone cannot tell a real glyph from a blank box. This helper walks
every Type0 font of every page, reads its ToUnicode CMap (code → text) and, when the font has an
explicit encoding CMap (WeasyPrint writes one exactly when something was missing), the code → glyph
map; then it opens the embedded font program with fontTools to check the glyph has an outline.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader

_HEX = r"<([0-9A-Fa-f]+)>"
_BFCHAR = re.compile(rf"{_HEX}\s*{_HEX}")
_BFRANGE = re.compile(rf"{_HEX}\s*{_HEX}\s*{_HEX}")
_CIDCHAR = re.compile(rf"{_HEX}\s*(\d+)")


@dataclass(frozen=True)
class DrawnGlyph:
    """One glyph used by a font of the PDF."""

    font: str  # BaseFont, e.g. "ABCDEF+PT-Form-Serif-S00"
    code: int  # 2-byte code in the content stream
    glyph_id: int  # glyph id in the embedded font program (0 = .notdef)
    text: str  # what the ToUnicode map says the glyph stands for
    has_outline: bool  # the embedded glyph draws something


def _sections(cmap: str, begin: str, end: str) -> Iterator[str]:
    for match in re.finditer(rf"{begin}(.*?){end}", cmap, re.S):
        yield match.group(1)


def parse_to_unicode(cmap: str) -> dict[int, str]:
    """Code → text from a ToUnicode CMap (bfchar and bfrange sections)."""
    result: dict[int, str] = {}
    for body in _sections(cmap, "beginbfchar", "endbfchar"):
        for code, text in _BFCHAR.findall(body):
            result[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for body in _sections(cmap, "beginbfrange", "endbfrange"):
        for first, last, start in _BFRANGE.findall(body):
            base = bytes.fromhex(start).decode("utf-16-be")
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                result[code] = base[:-1] + chr(ord(base[-1]) + offset)
    return result


def parse_cid_map(cmap: str) -> dict[int, int]:
    """Code → glyph id from an encoding CMap's cidchar sections."""
    result: dict[int, int] = {}
    for body in _sections(cmap, "begincidchar", "endcidchar"):
        for code, cid in _CIDCHAR.findall(body):
            result[int(code, 16)] = int(cid)
    return result


def _outline_checker(descendant: Any) -> Any:
    descriptor = descendant["/FontDescriptor"].get_object()
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if program is None:
        return lambda _gid: False
    font = TTFont(io.BytesIO(program.get_object().get_data()))
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()

    def has_outline(gid: int) -> bool:
        if gid >= len(order):
            return False
        from fontTools.pens.recordingPen import RecordingPen

        pen = RecordingPen()
        glyph_set[order[gid]].draw(pen)
        return bool(pen.value)

    return has_outline


def drawn_glyphs(pdf: bytes) -> list[DrawnGlyph]:
    """Every (font, code, glyph id, text) the PDF's fonts declare, with an outline check."""
    reader = PdfReader(io.BytesIO(pdf))
    seen: set[int] = set()
    glyphs: list[DrawnGlyph] = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts = resources.get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            key = ref.idnum if hasattr(ref, "idnum") else id(font)
            if key in seen or font.get("/Subtype") != "/Type0":
                continue
            seen.add(key)
            to_unicode = parse_to_unicode(font["/ToUnicode"].get_object().get_data().decode())
            encoding = font.get("/Encoding")
            cid_map: dict[int, int] | None = None
            if encoding is not None and not isinstance(encoding.get_object(), str):
                cid_map = parse_cid_map(encoding.get_object().get_data().decode())
            descendant = font["/DescendantFonts"][0].get_object()
            has_outline = _outline_checker(descendant)
            for code, text in to_unicode.items():
                gid = cid_map.get(code, 0) if cid_map is not None else code
                glyphs.append(DrawnGlyph(str(font["/BaseFont"]), code, gid, text, has_outline(gid)))
    return glyphs


def char_glyph_ids(pdf: bytes) -> dict[str, set[int]]:
    """Character → the glyph ids drawn for it (a character may be drawn by several fonts)."""
    result: dict[str, set[int]] = {}
    for glyph in drawn_glyphs(pdf):
        for char in glyph.text:
            result.setdefault(char, set()).add(glyph.glyph_id)
    return result


def font_names(pdf: bytes) -> set[str]:
    """BaseFont names without the subset tag (``PT-Form-Serif-S00``)."""
    return {glyph.font.split("+", 1)[-1] for glyph in drawn_glyphs(pdf)}


def pdf_text(pdf: bytes) -> str:
    """The text layer, as pypdf extracts it."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)
