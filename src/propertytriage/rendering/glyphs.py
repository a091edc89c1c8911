"""Which characters the bundled form fonts can draw, and the error raised for the others.

Why a check of our own: WeasyPrint does not fail on a character its fonts lack. It draws the
font's ``.notdef`` box and still maps that box to the character in the PDF's text layer, so the
PDF *looks* complete to text extraction while a party's name is printed as a blank box. A court
form with a wrong name is worse than no form, so we refuse to render instead, naming the character
so that a clerk can fix the input (or we can add the glyph).

The covered code points come from ``forms/fonts/manifest.json``, written by
``tools/build_fonts.py`` from the fonts' own cmaps; they are loaded once per process into a
frozenset, so checking a two-page form costs well under a millisecond.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel

from propertytriage.errors import InputError, Problem, RenderError
from propertytriage.ruledata.paths import forms_dir

#: Unicode categories that need no glyph of their own: controls, format characters (ZWJ, soft
#: hyphen), line/paragraph separators (Pango draws nothing), and space separators — HarfBuzz
#: draws a space the font lacks (thin space U+2009, U+202F…) with the font's U+0020 glyph at the
#: right width. The after-layout check in ``pdf.py`` would still catch a ``.notdef`` here.
_NOT_DRAWN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})


class MissingGlyphError(RenderError, ValueError):
    """A character of the form text has no glyph in the bundled form fonts.

    A court form with a blank box in a party's name is wrong, so rendering stops instead. Also a
    ValueError: the text to render is what is at fault. ``char`` and ``codepoint`` name the first
    offending character in the order of the text; ``missing`` lists every one of them.
    """

    code = "missing_glyph"

    def __init__(self, char: str, *, missing: Iterable[str] = ()) -> None:
        self.remember(char, missing=tuple(missing))
        self.char = char
        self.codepoint = ord(char)
        self.missing: tuple[str, ...] = tuple(missing) or (char,)
        name = unicodedata.name(char, "")
        label = f"U+{self.codepoint:04X}" + (f" {name}" if name else "")
        self.zh = f"字符「{char}」({label}) 在表单字体中没有字形"
        self.en = f"character '{char}' ({label}) has no glyph in the form fonts"
        others = len(self.missing) - 1
        if others > 0:
            extra = " ".join(f"U+{ord(c):04X}" for c in self.missing[1:6])
            self.zh += f"（另有 {others} 个：{extra}）"
            self.en += f" (and {others} more: {extra})"
        RenderError.__init__(self, self.zh, self.en)


def fonts_dir() -> Path:
    """The folder of bundled fonts (``forms/fonts/``) in a checkout or an installed wheel."""
    return forms_dir() / "fonts"


@functools.cache
def font_manifest() -> dict[str, object]:
    """The parsed ``manifest.json`` of the bundled fonts (read once per process)."""
    path = fonts_dir() / "manifest.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _parse_ranges(text: str) -> Iterable[int]:
    for part in text.split():
        first, _, last = part.partition("-")
        yield from range(int(first, 16), int(last or first, 16) + 1)


@functools.cache
def covered_codepoints() -> frozenset[int]:
    """Every code point that some bundled font maps to a real (non-.notdef) glyph."""
    fonts = font_manifest()["fonts"]
    assert isinstance(fonts, list)
    covered: set[int] = set()
    for entry in fonts:
        covered.update(_parse_ranges(str(entry["ranges"])))
    return frozenset(covered)


def is_drawn(char: str) -> bool:
    """Whether the character needs a glyph at all (``False`` for controls and format chars)."""
    return unicodedata.category(char) not in _NOT_DRAWN_CATEGORIES


def missing_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` that need a glyph the fonts lack, in order of use."""
    covered = covered_codepoints()
    candidates = {c for c in set(text) if ord(c) not in covered and is_drawn(c)}
    if not candidates:
        return []
    seen: list[str] = []
    for char in text:
        if char in candidates and char not in seen:
            seen.append(char)
            if len(seen) == len(candidates):
                break
    return seen


def check_text(text: str) -> None:
    """Raise :class:`MissingGlyphError` if any drawn character of ``text`` has no glyph."""
    missing = missing_characters(text)
    if missing:
        raise MissingGlyphError(missing[0], missing=missing)


def _strings(value: object, location: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield location, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), f"{location}.{name}" if location else name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{location}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{location}[{index}]")


def check_model_text(model: BaseModel, *, subject: str = "") -> None:
    """Refuse, as invalid input naming the field, any text of ``model`` that the fonts cannot draw.

    Checking the input before rendering lets a batch fail before it writes anything and tells the
    clerk which field to correct; the check on the rendered page stays as a backstop.
    """
    problems: list[Problem] = []
    for location, text in _strings(model, ""):
        for char in missing_characters(text):
            label = f"U+{ord(char):04X}"
            name = unicodedata.name(char, "")
            named = f"{label} {name}".strip()
            problems.append(Problem(
                location, "missing_glyph",
                f"字符 {named} 在表单字体中没有字形，无法打印；请改用常用字或删除",
                f"character {named} has no glyph in the form fonts and cannot be printed; replace or remove it",
            ))
    if problems:
        raise InputError(problems, subject=subject)
