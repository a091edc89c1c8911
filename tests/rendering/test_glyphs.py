"""Chinese text in the court-form PDFs: every character gets a real glyph, or rendering fails.

The PDF text layer cannot prove a glyph was drawn (WeasyPrint maps ``.notdef`` to the intended
character), so these tests read the glyph ids per character from the embedded fonts (see
``pdfglyphs.py``).
"""

from __future__ import annotations

import io
import logging
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from propertytriage.rendering import pdf as pdf_module
from propertytriage.rendering.glyphs import (
    MissingGlyphError,
    check_text,
    covered_codepoints,
    fonts_dir,
    missing_characters,
)
from propertytriage.rendering.pdf import LocalOnlyURLFetcher, html_to_pdf

try:  # tests/rendering may or may not be a package
    from .pdfglyphs import char_glyph_ids, drawn_glyphs, font_names, pdf_text
except ImportError:  # pragma: no cover
    from pdfglyphs import char_glyph_ids, drawn_glyphs, font_names, pdf_text  # type: ignore

RARE = "喆堃昇𠮷龑䶮"  # U+5586 U+5803 U+6607 U+20BB7 U+9F91 U+4DAE


def page(body: str, style: str = "") -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<style>@page {{ size: A4; margin: 20mm }} {style}</style></head>"
        f"<body>{body}</body></html>"
    )


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any attempt to open a network connection fails the test."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_rare_characters_are_covered() -> None:
    assert all(ord(c) in covered_codepoints() for c in RARE)
    assert missing_characters(f"王{RARE}\n\t\u200b㎡①，。") == []


def test_rare_characters_render_with_real_glyphs(tmp_path: Path) -> None:
    body = (
        f"<h1>当事人 {RARE}</h1>"  # bold sans lacks most of these: falls back to the serif
        f"<p>原告：王喆、李堃、张昇、吉𠮷、刘龑、刘䶮。面积 89.5㎡，物业费①②。</p>"
        f"<table><tr><th>姓名</th><td>{RARE}</td></tr></table>"
    )
    pdf = html_to_pdf(page(body), base_dir=tmp_path)
    glyph_ids = char_glyph_ids(pdf)
    for char in RARE + "王原告㎡①，。":
        assert char in glyph_ids, f"{char!r} (U+{ord(char):04X}) not drawn"
        assert 0 not in glyph_ids[char], f"{char!r} (U+{ord(char):04X}) drawn as .notdef"
    assert all(g.has_outline for g in drawn_glyphs(pdf) if not g.text.isspace())
    text = pdf_text(pdf)
    for char in RARE:
        assert char in text
    assert all(name.startswith("PT-Form-") for name in font_names(pdf)), font_names(pdf)


def test_unknown_font_family_still_uses_the_form_fonts(tmp_path: Path) -> None:
    pdf = html_to_pdf(
        page("<p>宋体 SimSun 喆</p>", "p { font-family: SimSun, 'Times New Roman' }"),
        base_dir=tmp_path,
    )
    assert all(name.startswith("PT-Form-Serif") for name in font_names(pdf)), font_names(pdf)


@pytest.mark.parametrize(
    "char",
    ["\U0010fffd", "한", "😀"],  # private use plane 16, Hangul (not bundled), emoji
)
def test_character_without_glyph_is_refused(char: str, tmp_path: Path) -> None:
    code = f"U+{ord(char):04X}"
    with pytest.raises(MissingGlyphError) as info:
        html_to_pdf(page(f"<p>被申请人：张{char}三</p>"), base_dir=tmp_path)
    message = str(info.value)
    assert code in message
    assert f"字符「{char}」" in message and "没有字形" in message
    assert f"character '{char}'" in message and "has no glyph" in message
    assert info.value.char == char and info.value.codepoint == ord(char)
    assert isinstance(info.value, ValueError)


def test_every_missing_character_is_listed() -> None:
    with pytest.raises(MissingGlyphError) as info:
        check_text("甲😀乙한丙😀")
    assert info.value.missing == ("😀", "한")
    assert "1 more" in str(info.value)


def test_entity_is_checked(tmp_path: Path) -> None:
    with pytest.raises(MissingGlyphError, match=re.escape("U+10FFFD")):
        html_to_pdf(page("<p>&#x10FFFD;</p>"), base_dir=tmp_path)


def test_generated_content_is_checked_after_layout(tmp_path: Path) -> None:
    with pytest.raises(MissingGlyphError, match=re.escape("U+1F600")):
        html_to_pdf(page("<p>正文</p>", r'p::after { content: "\1F600" }'), base_dir=tmp_path)


def test_helper_sees_notdef_that_text_extraction_hides(tmp_path: Path) -> None:
    """The verification method itself: an unchecked render with a missing glyph shows glyph 0."""
    pdf = pdf_module._write_pdf(page("<p>张😀三</p>"), base_dir=tmp_path, verify=False)
    # The text layer (ToUnicode) still claims the emoji was printed...
    assert any(g.text == "😀" for g in drawn_glyphs(pdf))
    # ...the glyph ids show it was the .notdef box.
    assert char_glyph_ids(pdf)["😀"] == {0}
    assert 0 not in char_glyph_ids(pdf)["张"]


def test_remote_image_is_refused_without_network(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, no_network: list[Any]
) -> None:
    caplog.set_level(logging.WARNING)
    pdf = html_to_pdf(
        page('<p>图</p><img src="http://example.com/x"><img src="https://example.com/y">'),
        base_dir=tmp_path,
    )
    assert pdf.startswith(b"%PDF")
    refusals = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert any("http://example.com/x" in m for m in refusals), refusals
    assert any("https://example.com/y" in m for m in refusals), refusals
    assert no_network == []


def test_fetcher_allows_only_files_under_base_dir(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "seal.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    fetcher = LocalOnlyURLFetcher(forms)

    assert fetcher.fetch((forms / "seal.css").as_uri()).read() == b"p { color: red }"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in (
        "http://example.com/x",
        "https://example.com/x",
        "ftp://example.com/x",
        (tmp_path / "secret.txt").as_uri(),
        (forms / ".." / "secret.txt").as_uri(),
        "file:///etc/passwd",
        "file://example.com/share/x",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
        assert fetcher.refused[-1] == url


def test_local_stylesheet_is_used(tmp_path: Path) -> None:
    (tmp_path / "form.css").write_text("h1 { font-family: 'PT Form Sans' }", encoding="utf-8")
    pdf = html_to_pdf(
        page('<link rel="stylesheet" href="form.css"><h1>标题</h1><p>正文</p>'),
        base_dir=tmp_path,
    )
    names = font_names(pdf)
    assert any(n.startswith("PT-Form-Sans") for n in names), names
    assert any(n.startswith("PT-Form-Serif") for n in names), names


CHECK_BOXES = "☐☑☒✔✗✘"  # not in Noto CJK: the bundled "PT Form Symbols" slice (DejaVu Sans)


def test_check_box_symbols_are_covered() -> None:
    assert missing_characters(CHECK_BOXES + "□✓") == []


def test_ticked_box_is_a_real_glyph(tmp_path: Path) -> None:
    body = (
        "<p>性别：男☑　女□　是否：是☒ 否☐ ✔ ✗ ✘</p>"
        "<h2>是否同意调解：是☑　否□</h2>"  # bold sans text falls back to the symbol slice too
    )
    pdf = html_to_pdf(page(body), base_dir=tmp_path)
    glyph_ids = char_glyph_ids(pdf)
    for char in CHECK_BOXES + "□":
        assert char in glyph_ids, f"{char!r} (U+{ord(char):04X}) not drawn"
        assert 0 not in glyph_ids[char], f"{char!r} (U+{ord(char):04X}) drawn as .notdef"
    drawn = [g for g in drawn_glyphs(pdf) if g.text in CHECK_BOXES]
    assert drawn and all(g.has_outline for g in drawn)
    assert {g.font.split("+", 1)[-1] for g in drawn} == {"PT-Form-Symbols-S00"}
    text = pdf_text(pdf)
    assert "男☑" in text and "女□" in text and "是☑" in text
    assert "✓" not in text  # no tick drawn over a box any more


def test_ticked_box_has_the_size_and_baseline_of_the_empty_box() -> None:
    """☐ of ☑ (DejaVu Sans, scaled by build_fonts.py) lands on Noto Serif's □."""

    def box(file: str, char: str) -> tuple[float, ...]:
        font = TTFont(str(fonts_dir() / file))
        name = font.getBestCmap()[ord(char)]
        pen = BoundsPen(font.getGlyphSet())
        font.getGlyphSet()[name].draw(pen)
        assert pen.bounds is not None
        return (font["hmtx"][name][0], *pen.bounds)

    advance, x0, y0, x1, y1 = box("PTFormSerif-00.ttf", "□")
    for char in "☐☑☒":
        s_advance, s_x0, s_y0, s_x1, s_y1 = box("PTFormSymbols-00.ttf", char)
        assert s_advance == advance
        assert abs(s_y0 - y0) <= 1 and abs(s_y1 - y1) <= 1  # same baseline offset and height
        assert abs((s_x0 + s_x1) / 2 - (x0 + x1) / 2) <= 2  # centred alike
        assert abs((s_x1 - s_x0) - (x1 - x0)) <= 0.03 * (x1 - x0)


def test_linked_stylesheet_is_applied(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "x.css").write_text(
        '@page { size: 100mm 50mm } p::after { content: "（样式已应用）" }', encoding="utf-8"
    )
    caplog.set_level(logging.WARNING)
    pdf = html_to_pdf(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="x.css"></head><body><p>正文</p></body></html>',
        base_dir=tmp_path,
    )
    assert "正文（样式已应用）" in pdf_text(pdf)
    width, height = PdfReader(io.BytesIO(pdf)).pages[0].mediabox[2:]
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (100, 50)
    assert not [r for r in caplog.records if "Unsupported stylesheet" in r.getMessage()]


def test_remote_stylesheet_is_refused_without_network(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, no_network: list[Any]
) -> None:
    caplog.set_level(logging.WARNING)
    pdf = html_to_pdf(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="http://example.com/x.css"></head>'
        "<body><p>正文</p></body></html>",
        base_dir=tmp_path,
    )
    assert "正文" in pdf_text(pdf)
    refusals = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert any("http://example.com/x.css" in m for m in refusals), refusals
    assert no_network == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("forms.css", "text/css"),
        ("seal.PNG", "image/png"),
        ("seal.svg", "image/svg+xml"),
        ("seal.jpg", "image/jpeg"),
        ("font.ttf", "font/ttf"),
        ("font.woff2", "font/woff2"),
        ("notes.unknownext", "application/octet-stream"),
    ],
)
def test_fetcher_returns_the_mime_type(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / name).write_bytes(b"x")
    response = LocalOnlyURLFetcher(tmp_path).fetch((tmp_path / name).as_uri())
    assert response.content_type == expected
