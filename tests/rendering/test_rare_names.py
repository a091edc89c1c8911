"""Every name prints: ideographs of CJK Extensions B–F come from the fallback font (HanaMin of
Debian's fonts-hanazono, installed by scripts/setup.sh) with a real outline, and only a character
that no font draws is refused, naming the field.

The Unicode 10.0 extent of each block is what the fonts cover (Noto CJK for the unified block and
Extension A, HanaMin 2017 for Extensions B–F); ideographs added by Unicode 11–14 have no glyph in
either and are refused like any other character without one.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propertytriage import InputError, render_form
from propertytriage.rendering import glyphs
from propertytriage.rendering.glyphs import covered_codepoints, fallback_fonts
from propertytriage.rendering.pdf import html_to_pdf

try:
    from .pdfglyphs import drawn_glyphs
    from .test_forms import FULL
except ImportError:  # pragma: no cover - run as a top-level module
    from pdfglyphs import drawn_glyphs  # type: ignore[no-redef]
    from test_forms import FULL  # type: ignore[no-redef]

#: The CJK ideograph blocks as Unicode 10.0 (2017) assigned them.
UNICODE_10_BLOCKS = {
    "unified": (0x4E00, 0x9FEA),
    "Ext A": (0x3400, 0x4DB5),
    "Ext B": (0x20000, 0x2A6D6),
    "Ext C": (0x2A700, 0x2B734),
    "Ext D": (0x2B740, 0x2B81D),
    "Ext E": (0x2B820, 0x2CEA1),
    "Ext F": (0x2CEB0, 0x2EBE0),
}
#: One of each extension the bundled fonts lack: 𠀀 (B), 𪜀 (C), 𫠠 (E), 𬺰 (F), 𫝀 (D).
SAMPLES = "\U00020000\U0002A700\U0002B820\U0002CEB0\U0002B740"


def real_glyphs(pdf: bytes) -> dict[str, set[tuple[str, bool]]]:
    """Character → {(font, drawn with an outline and not .notdef)} over the PDF's fonts."""
    result: dict[str, set[tuple[str, bool]]] = {}
    for glyph in drawn_glyphs(pdf):
        for char in glyph.text:
            result.setdefault(char, set()).add(
                (glyph.font.split("+", 1)[-1], glyph.glyph_id != 0 and glyph.has_outline))
    return result


def test_setup_installs_the_fallback_font() -> None:
    families = [font.family for font in fallback_fonts()]
    assert families == ["HanaMinA", "HanaMinB"], "run scripts/setup.sh (fonts-hanazono)"


@pytest.mark.parametrize("block", sorted(UNICODE_10_BLOCKS))
def test_every_ideograph_of_unicode_10_is_covered(block: str) -> None:
    first, last = UNICODE_10_BLOCKS[block]
    covered = covered_codepoints()
    missing = [f"U+{cp:04X}" for cp in range(first, last + 1) if cp not in covered]
    assert missing == []


def test_names_from_extensions_b_to_f_print_with_real_glyphs() -> None:
    case = copy.deepcopy(FULL)
    case["owners"] = [{**FULL["owners"][0], "name": f"李{SAMPLES[:2]}"},
                      {**FULL["owners"][0], "name": f"王{SAMPLES[2:]}"}]
    case["property_company"]["name"] = f"{SAMPLES[0]}物业服务有限公司"
    for form_id in ("inquiry_form", "focus_table"):
        drawn = real_glyphs(render_form(form_id, case))
        for char in SAMPLES:
            assert char in drawn, f"U+{ord(char):04X} not in {form_id}"
            assert all(ok for _, ok in drawn[char]), (f"U+{ord(char):04X}", drawn[char])
            assert all(font.startswith("HanaMin") for font, _ in drawn[char]), drawn[char]


def test_the_fallback_draws_only_what_the_bundled_fonts_lack(tmp_path: Path) -> None:
    # ☑ and あ are in HanaMin too, but they come from the bundled fonts, as before.
    html = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
            f"<h1>标题{SAMPLES[0]}</h1><p>☑ □ あ 喆 䶮 𠮷 {SAMPLES}</p></body></html>")
    glyph_list = drawn_glyphs(html_to_pdf(html, base_dir=tmp_path))
    from_fallback = {g.text for g in glyph_list if "HanaMin" in g.font and not g.text.isspace()}
    assert from_fallback == set(SAMPLES)


name_chars = st.sampled_from(sorted(UNICODE_10_BLOCKS)).flatmap(
    lambda block: st.integers(*UNICODE_10_BLOCKS[block])).map(chr)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(name_chars, min_size=1, max_size=4).map("".join))
def test_any_unicode_10_ideograph_name_prints(tmp_path_factory: pytest.TempPathFactory,
                                               name: str) -> None:
    html = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
            f"<p>被告：{name}</p><h2>{name}</h2></body></html>")
    drawn = real_glyphs(html_to_pdf(html, base_dir=tmp_path_factory.getbasetemp()))
    for char in name:
        assert char in drawn and all(ok for _, ok in drawn[char]), (f"U+{ord(char):04X}", drawn.get(char))


@pytest.mark.parametrize("char", [
    "\U0002A6FF",  # unassigned, between Extensions B and C
    "\U0002A6D7",  # Extension B, added by Unicode 13: no font has it
    "\U0002EBE1",  # unassigned, after Extension F
    "\ue000",      # private use
])
def test_a_character_no_font_draws_is_refused_naming_the_field(char: str) -> None:
    case = {**FULL, "owners": [{"name": f"张{SAMPLES[0]}{char}"}]}
    with pytest.raises(InputError) as raised:
        render_form("inquiry_form", case)
    problems = raised.value.problems
    assert [p.location for p in problems] == ["owners[0].name"]
    assert f"U+{ord(char):04X}" in problems[0].en and f"U+{ord(char):04X}" in problems[0].zh
    assert "fonts-hanazono" not in problems[0].en  # installing it would not help


@pytest.fixture
def fresh_coverage() -> Iterator[None]:
    """Recompute the fallback coverage for the test and again after it."""
    def clear() -> None:
        for cached in (glyphs.fallback_fonts, glyphs.covered_codepoints):
            cached.cache_clear()
    clear()
    yield
    clear()


def _manifest_with(change: dict[str, Any]) -> dict[str, object]:
    manifest = dict(glyphs.font_manifest())
    entries = manifest["fallbacks"]
    assert isinstance(entries, list)
    manifest["fallbacks"] = [{**entry, **change} for entry in entries]
    return manifest


def test_without_the_package_the_name_is_refused_with_the_package_named(
    monkeypatch: pytest.MonkeyPatch, fresh_coverage: None, tmp_path: Path
) -> None:
    manifest = _manifest_with({"path": str(tmp_path / "absent.ttf")})
    monkeypatch.setattr(glyphs, "font_manifest", functools.cache(lambda: manifest))
    assert fallback_fonts() == ()
    with pytest.raises(InputError) as raised:
        render_form("focus_table", {**FULL, "owners": [{"name": f"李{SAMPLES[0]}"}]})
    problem = raised.value.problems[0]
    assert problem.location == "owners[0].name" and "U+20000" in problem.en
    assert "fonts-hanazono" in problem.en and "fonts-hanazono" in problem.zh


def test_another_version_of_the_package_is_read_from_its_own_cmap(
    monkeypatch: pytest.MonkeyPatch, fresh_coverage: None
) -> None:
    manifest = _manifest_with({"bytes": 1, "ranges": ""})  # as if the file had changed
    monkeypatch.setattr(glyphs, "font_manifest", functools.cache(lambda: manifest))
    assert all(ord(c) in covered_codepoints() for c in SAMPLES)
    assert 0x4E00 not in {cp for f in fallback_fonts() for cp in f.codepoints}  # Noto keeps 一
