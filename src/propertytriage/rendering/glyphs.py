"""Which characters the bundled form fonts can draw, and the error raised for the others.

Why a check of our own: WeasyPrint does not fail on a character its fonts lack. It draws the
font's ``.notdef`` box and still maps that box to the character in the PDF's text layer, so the
PDF *looks* complete to text extraction while a party's name is printed as a blank box. A court
form with a wrong name is worse than no form, so we refuse to render instead, naming the character
so that a clerk can fix the input (or we can add the glyph).

The covered code points come from ``forms/fonts/manifest.json``, written by
``tools/build_fonts.py`` from the fonts' own cmaps; they are loaded once per process into a
frozenset, so checking a two-page form costs well under a millisecond.

Two kinds of font count. The bundled slices (Noto CJK SC, always there) and the *fallback* fonts
of a Debian package that ``scripts/setup.sh`` installs (HanaMin of ``fonts-hanazono``: the CJK
ideographs of Extensions B–F that Noto lacks, 30-50 MB, too big to bundle). A fallback counts only
where it is installed: elsewhere its characters are refused like any other, with a hint naming the
package. Its coverage is read from the manifest when the installed file is the one the manifest
describes (same size), and from the file's own cmap otherwise (another package version).
"""

from __future__ import annotations

import functools
import json
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from propertytriage.errors import InputError, Problem, RenderError
from propertytriage.ruledata.paths import forms_dir

#: Unicode categories that need no glyph of their own: controls, format characters (ZWJ, soft
#: hyphen), line/paragraph separators (Pango draws nothing), and space separators — HarfBuzz
#: draws a space the font lacks (thin space U+2009, U+202F…) with the font's U+0020 glyph at the
#: right width. The after-layout check in ``pdf.py`` would still catch a ``.notdef`` here.
_NOT_DRAWN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})

#: What a fallback font may draw: CJK ideographs (unified, Extensions A–I, compatibility). Its
#: Latin, kana and punctuation never replace the bundled ones, so a form keeps one look.
IDEOGRAPH_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2FA1F),  # plane 2: Extensions B–F and I, compatibility supplement
    (0x30000, 0x323AF),  # plane 3: Extensions G and H
)

LOGGER = logging.getLogger(__name__)


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
        hint = install_hint(self.missing)
        if hint:
            self.zh += hint[0]
            self.en += hint[1]
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
def bundled_codepoints() -> frozenset[int]:
    """Every code point that some bundled font maps to a real (non-.notdef) glyph."""
    fonts = font_manifest()["fonts"]
    assert isinstance(fonts, list)
    covered: set[int] = set()
    for entry in fonts:
        covered.update(_parse_ranges(str(entry["ranges"])))
    return frozenset(covered)


def is_ideograph(codepoint: int) -> bool:
    """Whether a fallback font may draw this code point (see :data:`IDEOGRAPH_RANGES`)."""
    return any(lo <= codepoint <= hi for lo, hi in IDEOGRAPH_RANGES)


@dataclass(frozen=True)
class FallbackFont:
    """A font of a Debian package used after the bundled ones, for what they lack."""

    family: str  # the font's own family name, as fontconfig knows it
    path: Path
    package: str  # the Debian package that installs it
    codepoints: frozenset[int]  # what it draws for the forms (never what an earlier font has)


def _manifest_fallbacks() -> list[dict[str, object]]:
    entries = font_manifest().get("fallbacks", [])
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _cmap_coverage(path: Path, taken: set[int]) -> frozenset[int]:
    """Ideographs the font file maps, less those an earlier font draws (slow: reads the cmap)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path), lazy=True).getBestCmap() or {}
    return frozenset(cp for cp in cmap if is_ideograph(cp) and cp not in taken)


@functools.cache
def fallback_fonts() -> tuple[FallbackFont, ...]:
    """The fallback fonts of the manifest that are installed here, in the order they are tried."""
    taken = set(bundled_codepoints())
    found: list[FallbackFont] = []
    for entry in _manifest_fallbacks():
        path = Path(str(entry["path"]))
        if not path.is_file():
            continue
        if path.stat().st_size == entry.get("bytes"):
            codepoints = frozenset(_parse_ranges(str(entry["ranges"]))) - taken
        else:  # another version of the package: trust the file, not the manifest
            LOGGER.info("%s differs from forms/fonts/manifest.json; reading its coverage", path)
            codepoints = _cmap_coverage(path, taken)
        taken |= codepoints
        found.append(FallbackFont(str(entry["family"]), path, str(entry["package"]), codepoints))
    return tuple(found)


@functools.cache
def covered_codepoints() -> frozenset[int]:
    """Every code point the forms can print: the bundled fonts' and the installed fallbacks'."""
    covered = set(bundled_codepoints())
    for font in fallback_fonts():
        covered |= font.codepoints
    return frozenset(covered)


def install_hint(chars: Iterable[str]) -> tuple[str, str] | None:
    """(zh, en) naming the font package that would draw these characters, if one would."""
    installed = {font.family for font in fallback_fonts()}
    packages: list[str] = []
    for entry in _manifest_fallbacks():
        if str(entry["family"]) in installed:
            continue
        ranges = frozenset(_parse_ranges(str(entry["ranges"])))
        if any(ord(c) in ranges for c in chars) and str(entry["package"]) not in packages:
            packages.append(str(entry["package"]))
    if not packages:
        return None
    names = "、".join(packages)
    return (f"；安装字体包 {names}（scripts/setup.sh）后即可打印",
            f"; installing the font package {', '.join(packages)} (scripts/setup.sh) would print it")


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
            hint = install_hint(char) or ("；请改用常用字或删除", "; replace or remove it")
            problems.append(Problem(
                location, "missing_glyph",
                f"字符 {named} 在表单字体中没有字形，无法打印{hint[0]}",
                f"character {named} has no glyph in the form fonts and cannot be printed{hint[1]}",
            ))
    if problems:
        raise InputError(problems, subject=subject)
