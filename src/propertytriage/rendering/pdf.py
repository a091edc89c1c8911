"""HTML → PDF with WeasyPrint and only the bundled form fonts; the one module importing WeasyPrint.

Why it is built this way (measurements in ``forms/fonts/README.md``):

* **Fonts.** WeasyPrint's default font configuration is the whole system fontconfig set. A
  character our fonts lack would then silently fall back to whatever system font has it (a Noto
  CJK fallback cost 4-6 s per form), or to a ``.notdef`` box. We give WeasyPrint a fontconfig
  configuration that contains *only* the fonts in ``forms/fonts/`` (pre-sliced TrueType subsets of
  Noto CJK SC, see ``tools/build_fonts.py``), so there is nothing to fall back to, and we check
  every character against the fonts' coverage before rendering (:mod:`.glyphs`) and every glyph
  actually drawn after layout (generated content, entities).
* **Families.** Each slice has its own family ("PT Form Serif S00" …) because WeasyPrint merges
  fonts with the same Pango description. A fontconfig alias maps the public families
  :data:`SERIF_FAMILY` ("PT Form Serif", 宋体-like, regular) and :data:`SANS_FAMILY` ("PT Form
  Sans", 黑体-like, bold only, GB 2312 coverage) and the generic ``serif``/``sans-serif``/
  ``monospace`` onto the slices, and appends the serif family to every request, so rare
  characters in a bold heading still get a real (regular-weight) glyph. Both also fall back to
  :data:`SYMBOL_FAMILY` ("PT Form Symbols"), a few check-box glyphs (☐ ☑ ☒ ✔ ✗ ✘) from DejaVu
  Sans fitted to the serif's □, which Noto CJK lacks. The serif ends with the installed
  *fallback* fonts (:func:`~.glyphs.fallback_fonts`: HanaMin of Debian's ``fonts-hanazono``),
  which draw the ideographs of Extensions B–F that Noto lacks. Pango tries fonts in order, so a
  fallback is opened only for a character no bundled slice has; a form without one costs the same.
* **Speed.** The configuration is built once per process (scanning 17 small fonts) and reused;
  WeasyPrint then only subsets the one or two small slices a form touches. With Debian's
  ``libharfbuzz-subset0`` subsetting is done by HarfBuzz; without it WeasyPrint falls back to
  fontTools, which is ~4× slower on CJK — we log a warning once in that case.
* **No fetching.** Templates may reference files in the forms folder (stylesheets, a court seal
  image). Anything else — http(s), ftp, ``file:`` outside ``base_dir`` — is refused by
  :class:`LocalOnlyURLFetcher`, so rendering never touches the network or the rest of the disk.
  Local files are returned with their MIME type (WeasyPrint ignores a linked stylesheet that is
  not ``text/css``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import html as html_module
import logging
import mimetypes
import pathlib
import threading
import urllib.parse
import urllib.request
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import weasyprint
from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from propertytriage.rendering.glyphs import (
    FallbackFont,
    MissingGlyphError,
    check_text,
    fallback_fonts,
    font_manifest,
    fonts_dir,
)

LOGGER = logging.getLogger(__name__)

#: Public family of the body font (Noto Serif CJK SC Regular, every character we bundle).
SERIF_FAMILY = "PT Form Serif"
#: Public family of the heading font (Noto Sans CJK SC Bold, GB 2312 + symbols only).
SANS_FAMILY = "PT Form Sans"
#: Check-box symbols (☐ ☑ ☒ ✔ ✗ ✘) that Noto CJK lacks, from DejaVu Sans; a fallback of both.
SYMBOL_FAMILY = "PT Form Symbols"

#: Default font families, given to WeasyPrint as a *user* stylesheet so any template CSS
#: (author origin) overrides it. Bold text falls back to the serif for characters outside
#: GB 2312; the serif has no bold face, so such characters print in regular weight.
BASE_CSS = f"""
html {{ font-family: "{SERIF_FAMILY}", serif; }}
h1, h2, h3, h4, h5, h6, th, b, strong {{ font-family: "{SANS_FAMILY}", "{SERIF_FAMILY}"; }}
"""

# Pango and fontconfig objects are not thread-safe; one render at a time per process.
_RENDER_LOCK = threading.Lock()


class ProjectFontsOnlyError(RuntimeError):
    """A font other than the bundled ones was used: the restricted configuration leaked."""


def _fontconfig_xml(fonts: list[dict[str, Any]], fallbacks: tuple[FallbackFont, ...] = ()) -> bytes:
    """A fontconfig configuration mapping public and generic families onto the slices."""
    by_family: dict[str, list[str]] = {}
    for entry in fonts:
        by_family.setdefault(str(entry["family"]), []).append(str(entry["slice_family"]))

    symbols = by_family.get(SYMBOL_FAMILY, [])
    extra = [font.family for font in fallbacks]

    def chain(family: str, slices: list[str]) -> list[str]:
        if family == SYMBOL_FAMILY:
            return slices
        return slices + symbols + (extra if family == SERIF_FAMILY else [])

    def alias(family: str, prefer: list[str]) -> str:
        items = "".join(f"<family>{xml_escape(name)}</family>" for name in prefer)
        return f'<alias binding="strong"><family>{xml_escape(family)}</family><prefer>{items}</prefer></alias>'

    parts = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        # A fallback font draws exactly what the manifest grants it: its charset is replaced when
        # it is scanned, so Pango never takes a box, a kana or a common hanzi from it (fontconfig
        # may sort it before a slice, e.g. for its language coverage).
        *(_restrict_charset(font) for font in fallbacks),
        # Every request ends with the serif family: the last resort is always our full font.
        '<match target="pattern"><edit name="family" mode="append_last">'
        f"<string>{xml_escape(SERIF_FAMILY)}</string></edit></match>",
        alias("serif", [SERIF_FAMILY]),
        alias("monospace", [SERIF_FAMILY]),
        alias("sans-serif", [SANS_FAMILY, SERIF_FAMILY]),
        # The symbol slices follow each public family's own slices (they only add code points
        # the CJK fonts lack, so the order only matters for speed); the serif ends with the
        # fallback fonts, which only draw what every slice lacks.
        *(alias(family, chain(family, slices)) for family, slices in by_family.items()),
        "</fontconfig>",
    ]
    return "\n".join(parts).encode()


def _restrict_charset(font: FallbackFont) -> str:
    """A scan rule giving ``font`` the charset of its granted code points only."""
    ranges: list[list[int]] = []
    for cp in sorted(font.codepoints):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(
        f"<int>{lo}</int>" if lo == hi else f"<range><int>{lo}</int><int>{hi}</int></range>"
        for lo, hi in ranges)
    return (f'<match target="scan"><test name="family"><string>{xml_escape(font.family)}</string>'
            f'</test><edit name="charset" mode="assign"><charset>{body}</charset></edit></match>')


@functools.cache
def _libfontconfig() -> ctypes.CDLL:
    """The same libfontconfig WeasyPrint uses, for the one call its cffi binding lacks."""
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    lib = ctypes.CDLL(name)
    lib.FcConfigCreate.restype = ctypes.c_void_p
    lib.FcConfigCreate.argtypes = []
    return lib


class ProjectFontConfiguration(FontConfiguration):  # type: ignore[misc]
    """A WeasyPrint font configuration holding the bundled form fonts and nothing else.

    WeasyPrint's own ``FontConfiguration`` loads the system fontconfig set; we build it normally
    (so WeasyPrint's attributes are set up) and then swap the Pango font map's configuration for
    an empty fontconfig config to which only our files are added.
    """

    def __init__(self) -> None:
        super().__init__()
        manifest = font_manifest()
        fonts = manifest["fonts"]
        assert isinstance(fonts, list)
        config = ffi.cast("FcConfig *", _libfontconfig().FcConfigCreate())
        if config == ffi.NULL:  # pragma: no cover - out of memory
            raise RuntimeError("FcConfigCreate failed")
        fallbacks = fallback_fonts()
        if not fontconfig.FcConfigParseAndLoadFromMemory(config, _fontconfig_xml(fonts, fallbacks), True):
            raise RuntimeError("cannot load the form fonts' fontconfig rules")
        directory = fonts_dir()
        for entry in fonts:
            path = directory / str(entry["file"])
            if not fontconfig.FcConfigAppFontAddFile(config, str(path).encode()):
                raise FileNotFoundError(f"cannot load form font {path}; run tools/build_fonts.py")
        for fallback in fallbacks:
            if not fontconfig.FcConfigAppFontAddFile(config, str(fallback.path).encode()):
                raise FileNotFoundError(f"cannot load fallback font {fallback.path}")
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", self.font_map), config)
        # The font map holds its own reference now (as in WeasyPrint's __init__).
        fontconfig.FcConfigDestroy(config)
        self._config = config
        self.families = frozenset([str(e["slice_family"]) for e in fonts] + [str(f) for f in _families(manifest)])
        #: What each fallback family may draw (checked after layout).
        self.fallback_coverage = {font.family: font.codepoints for font in fallbacks}


def _families(manifest: dict[str, object]) -> list[object]:
    families = manifest.get("families", [])
    return list(families) if isinstance(families, list) else []


@functools.cache
def font_configuration() -> ProjectFontConfiguration:
    """The process-wide font configuration (built on first use, ~50 ms)."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset is None:
        LOGGER.warning(
            "libharfbuzz-subset is not installed: WeasyPrint will subset fonts with fontTools, "
            "which is several times slower for Chinese forms (apt-get install libharfbuzz-subset0)"
        )
    return ProjectFontConfiguration()


#: MIME types of the files a form may link, whatever the machine's mime.types says.
_MIME_TYPES = {
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


def mime_type(path: pathlib.Path) -> str:
    """The MIME type of a local file from its name (``application/octet-stream`` if unknown)."""
    known = _MIME_TYPES.get(path.suffix.lower())
    if known is not None:
        return known
    guessed, _encoding = mimetypes.guess_type(path.name, strict=False)
    return guessed or "application/octet-stream"


class LocalOnlyURLFetcher(URLFetcher):  # type: ignore[misc]
    """Fetch ``file:`` URLs under ``base_dir`` and ``data:`` URLs; refuse everything else.

    Files are returned with a ``Content-Type`` guessed from their name (:func:`mime_type`):
    WeasyPrint drops a linked stylesheet whose type is not ``text/css``. A refusal is a
    ``ValueError`` that WeasyPrint turns into a warning (the resource is left out), and is logged
    here at WARNING with the URL. ``refused`` lists the refused URLs, so a
    caller or a test can tell that something was asked for.
    """

    def __init__(self, base_dir: pathlib.Path) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.base_dir = base_dir.resolve()
        self.refused: list[str] = []

    def _refuse(self, url: str, why: str) -> ValueError:
        self.refused.append(url)
        LOGGER.warning("refused to fetch %s: %s", url, why)
        return ValueError(f"refused to fetch {url}: {why}")

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the resource if it is a data: URL or a file under ``base_dir``."""
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise self._refuse(url, "only files in the forms folder may be used")
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "remote file URL")
        path = pathlib.Path(urllib.request.url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.base_dir):
            raise self._refuse(url, f"outside {self.base_dir}")
        if not path.is_file():
            raise self._refuse(url, "no such file")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": mime_type(path)})


def _check_drawn_glyphs(document: Any, config: ProjectFontConfiguration) -> None:
    """After drawing: no ``.notdef`` was drawn, no foreign font was used, and a fallback font
    drew only the ideographs it is there for (and the spaces Pango keeps in its runs)."""
    for font in document.fonts.values():
        if font.missing:
            codepoints = sorted(font.missing)
            raise MissingGlyphError(chr(codepoints[0]), missing=[chr(c) for c in codepoints])
        allowed = config.fallback_coverage.get(font.family)
        if allowed is not None:
            strays = sorted({c for text in font.to_unicode.values() for c in text
                             if ord(c) not in allowed and not c.isspace()})
            if strays:
                raise ProjectFontsOnlyError(
                    f"fallback font {font.family!r} drew {''.join(strays)!r}, which the form fonts cover")
        elif font.family not in config.families:
            raise ProjectFontsOnlyError(f"font {font.family!r} is not one of the form fonts")


def html_to_pdf(html: str, *, base_dir: pathlib.Path) -> bytes:
    """Render ``html`` to PDF bytes with the bundled fonts, fetching only files under ``base_dir``.

    Raises :class:`~propertytriage.rendering.glyphs.MissingGlyphError` (before any layout work)
    if a character of the document has no glyph in the form fonts, and again after layout if
    generated content (CSS ``content``, counters) drew one.
    """
    # Entities (&#x5586;) would hide characters from the check; unescaping covers them. Markup
    # is ASCII, so checking the whole document only costs false alarms for odd characters in
    # comments or attributes, which is the safe side.
    check_text(html_module.unescape(html))
    return _write_pdf(html, base_dir=base_dir, verify=True)


def _write_pdf(html: str, *, base_dir: pathlib.Path, verify: bool) -> bytes:
    """The rendering itself; ``verify=False`` (tests only) lets a ``.notdef`` through."""
    config = font_configuration()
    fetcher = LocalOnlyURLFetcher(base_dir)
    base_url = base_dir.resolve().as_uri() + "/"

    def finisher(document: Any, _pdf: Any) -> None:
        if verify:
            _check_drawn_glyphs(document, config)

    with _RENDER_LOCK:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        stylesheet = weasyprint.CSS(string=BASE_CSS, font_config=config, url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=[stylesheet], font_config=config, finisher=finisher)
    assert isinstance(pdf, bytes)
    return pdf


def layout(html: str, *, base_dir: pathlib.Path) -> Any:
    """The laid-out WeasyPrint document (pages of boxes) exactly as :func:`html_to_pdf` draws it.

    For checking geometry that the PDF's text layer cannot show reliably: where each box sits on
    its page (a header that runs off the page, a signature block that starts a page).
    """
    check_text(html_module.unescape(html))
    config = font_configuration()
    fetcher = LocalOnlyURLFetcher(base_dir)
    with _RENDER_LOCK:
        document = weasyprint.HTML(string=html, base_url=base_dir.resolve().as_uri() + "/",
                                   url_fetcher=fetcher)
        stylesheet = weasyprint.CSS(string=BASE_CSS, font_config=config, url_fetcher=fetcher)
        return document.render(stylesheets=[stylesheet], font_config=config)
