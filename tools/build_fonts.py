#!/usr/bin/env python3
"""Build the bundled form fonts in ``forms/fonts/`` from Debian's Noto CJK fonts.

Why this exists: WeasyPrint subsets every font it embeds. Given a whole system CJK font (a 20-26 MB
TrueType collection with 65,535 CFF glyphs) that costs seconds per form when HarfBuzz-subset is
missing (fontTools path), and even with HarfBuzz the retained glyph-id space bloats each PDF. So we
ship the fonts pre-processed:

* only the Simplified-Chinese face of the collection, Hangul dropped (never needed in our forms);
* CFF outlines converted to TrueType ``glyf`` (cu2qu, max error 1 unit of 1000): subsetting glyf is
  cheap for both HarfBuzz and fontTools, and the embedded size is about the same as CFF;
* hinting, vertical metrics and every OpenType feature but ``kern`` dropped (PDFs never use
  them);
* split into *slices* by how common a character is: slice 00 holds ASCII, punctuation, the symbols
  forms use and the 3,755 GB 2312 level-1 hanzi (≈99.7 % of running Chinese text), slice 01 the
  GB 2312 level-2 hanzi, and the rest (rare name characters, CJK Ext A/B…) follows in code-point
  order in slices of ``--chunk`` characters. A typical form therefore touches one or two small
  fonts, plus one small slice per rare character, and every embedded subset has a small glyph-id
  space (WeasyPrint keeps glyph ids, so the id space is paid for in every PDF).

Every slice gets its own family name ("PT Form Serif S00", ...): WeasyPrint keys embedded fonts by
their Pango description, so two files with the same family/weight would be merged into one. The
renderer (``propertytriage.rendering.pdf``) maps the public families "PT Form Serif" / "PT Form
Sans" onto the slices with a fontconfig alias generated from ``manifest.json``.

Noto CJK has the empty box □ but no ballot boxes (☐ ☑ ☒) and not every tick/cross, which court
forms print for their check boxes. Those few glyphs come from DejaVu Sans (Bitstream Vera / Arev
licence, redistribution allowed with renaming) into a one-slice family "PT Form Symbols": each
outline is scaled and shifted so that the ballot box ☐ of ☑/☒ lands exactly on Noto Serif's □
(same baseline, same size), full-width (1 em) like the CJK symbols, with Noto Serif's vertical
metrics so line heights do not change. Code points Noto already has (✓, □, ○…) are left to Noto.

Noto CJK SC lacks most of CJK Extensions B–F (it has ~2,200 of their ~60,000 ideographs), which a
legal name may hold. Those come from *fallback* fonts that are not bundled (30-50 MB each) but
installed by ``scripts/setup.sh`` from a Debian package: HanaMinA/HanaMinB of ``fonts-hanazono``
(GlyphWiki; SIL OFL 1.1 or the Hanazono Font License). The renderer loads them as they are; this
script only records, in the manifest's ``fallbacks``, where each is, its size and SHA-256, and the
ideographs it draws that no bundled slice (and no earlier fallback) has — glyphs without an
outline left out — so the glyph check knows them without opening a 30 MB font.

Outputs in the target folder: ``*.ttf``, ``manifest.json`` (files, families, coverage as code-point
ranges, fallbacks), ``LICENSE-OFL.txt``, ``LICENSE-DejaVu.txt``. The build is deterministic for a
given source font and fontTools version. Usage::

    apt-get install fonts-noto-cjk fonts-dejavu-core fonts-hanazono   # source fonts
    python tools/build_fonts.py                        # writes forms/fonts/
    python tools/build_fonts.py --fallbacks-only       # only the manifest's fallbacks (seconds)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
COPYRIGHT_FILE = Path("/usr/share/doc/fonts-noto-cjk/copyright")
SC_FACE = "SC"  # which face of the TTC to take
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class FontSpec:
    """One bundled family: where it comes from and how much of it we keep."""

    family: str  # public family name used in CSS
    file_stem: str
    source: str  # file name in NOTO_DIR
    weight: str  # "Regular" / "Bold"
    tiers: int | None  # None = every tier; 2 = only slices 00 and 01 (GB 2312)


SPECS = (
    FontSpec("PT Form Serif", "PTFormSerif", "NotoSerifCJK-Regular.ttc", "Regular", None),
    FontSpec("PT Form Sans", "PTFormSans", "NotoSansCJK-Bold.ttc", "Bold", 2),
)

# Non-hanzi code points a form may need; kept in slice 00 when the font has them.
CORE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A/B (pinyin tone marks)
    (0x02B0, 0x02FF),  # spacing modifiers
    (0x0370, 0x03FF),  # Greek (α, β, Ω in specifications)
    (0x0400, 0x04FF),  # Cyrillic (GB 2312 has it)
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x209F),  # super/subscripts (m²)
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x214F),  # letterlike (℃, №, ℡)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ, ½)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # math operators
    (0x2300, 0x23FF),  # misc technical
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ②)
    (0x2500, 0x257F),  # box drawing
    (0x2580, 0x259F),  # block elements
    (0x25A0, 0x25FF),  # geometric shapes (□ ■ ○ ●)
    (0x2600, 0x26FF),  # misc symbols (★ ☆ ☑)
    (0x2700, 0x27BF),  # dingbats (✓ ✗)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # kana (Japanese names)
    (0x3100, 0x312F),  # bopomofo
    (0x3200, 0x32FF),  # enclosed CJK (㈠ ㊣)
    (0x3300, 0x33FF),  # CJK compatibility (㎡ ㎏)
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFE50, 0xFE6F),  # small forms
    (0xFF00, 0xFFEF),  # half/full-width forms
    (0xFFFC, 0xFFFD),  # replacement characters
)

@dataclass(frozen=True)
class SymbolSpec:
    """The symbol family: a few check-box glyphs from DejaVu Sans, fitted to Noto's □."""

    family: str
    file_stem: str
    source: str  # file name in DEJAVU_DIR
    codepoints: tuple[int, ...]  # wanted; those the Serif already has are left out
    box: int  # the source's empty ballot box, fitted onto reference_box of the Serif
    reference_box: int


SYMBOLS = SymbolSpec(
    family="PT Form Symbols",
    file_stem="PTFormSymbols",
    source="DejaVuSans.ttf",
    # ☐ ☑ ☒ ✓ ✔ ✗ ✘ (✓ is in Noto, so it stays Noto's)
    codepoints=(0x2610, 0x2611, 0x2612, 0x2713, 0x2714, 0x2717, 0x2718),
    box=0x2610,  # BALLOT BOX: the box of ☑ and ☒
    reference_box=0x25A1,  # WHITE SQUARE □ of Noto Serif CJK, printed for an empty check box
)

SPACES = (0x0020, 0x00A0, 0x3000)  # space, no-break space, ideographic space


@dataclass(frozen=True)
class FallbackSpec:
    """A font of a Debian package that the renderer uses, unchanged, after the bundled slices."""

    family: str  # the font's own family name
    path: Path  # where the package installs it
    package: str
    licence: str


FALLBACKS = (
    FallbackSpec("HanaMinA", Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
                 "fonts-hanazono", "SIL OFL 1.1 or Hanazono Font License"),
    FallbackSpec("HanaMinB", Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
                 "fonts-hanazono", "SIL OFL 1.1 or Hanazono Font License"),
)

#: What a fallback may draw: CJK ideographs only (same list as rendering/glyphs.py).
IDEOGRAPH_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)

HANGUL_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),
    (0x3130, 0x318F),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
)


def _in_ranges(cp: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def gb2312_levels() -> tuple[set[int], set[int], set[int]]:
    """GB 2312 split into (symbols, level-1 hanzi, level-2 hanzi), from Python's codec."""
    symbols: set[int] = set()
    level1: set[int] = set()
    level2: set[int] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                ch = bytes((row, cell)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if row < 0xB0:
                symbols.add(ord(ch))
            elif row < 0xD8:
                level1.add(ord(ch))
            else:
                level2.add(ord(ch))
    return symbols, level1, level2


def face_index(path: Path, region: str) -> int:
    """Index of the 'Noto … CJK <region>' face (not the Mono one) in a TTC."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for index, font in enumerate(collection):
        name = font["name"].getDebugName(1) or ""
        if name.endswith(f"CJK {region}") and "Mono" not in name:
            return index
    raise SystemExit(f"no CJK {region} face in {path}")


def plan_slices(cmap: dict[int, str], chunk: int, tiers: int | None) -> list[list[int]]:
    """Assign every kept code point of the font to a slice (see module docstring)."""
    symbols, level1, level2 = gb2312_levels()
    kept = sorted(cp for cp in cmap if not _in_ranges(cp, HANGUL_RANGES))
    core = [cp for cp in kept if cp in level1 or cp in symbols or _in_ranges(cp, CORE_RANGES)]
    core_set = set(core)
    second = [cp for cp in kept if cp in level2 and cp not in core_set]
    slices = [core, second]
    if tiers is None:
        taken = core_set | set(second)
        rest = [cp for cp in kept if cp not in taken]
        slices.extend(rest[i : i + chunk] for i in range(0, len(rest), chunk))
    else:
        slices = slices[:tiers]  # the bold face covers the first tiers only
    # Pango keeps a space between two characters of one slice in that slice's run, so every slice
    # needs the spaces too (a name like "淼 堃" otherwise draws its space as a missing glyph).
    spaces = [cp for cp in SPACES if cp in cmap]
    return [slices[0]] + [sorted(set(s) | set(spaces)) for s in slices[1:]]


def cff_to_glyf(font: TTFont, max_err: float = 1.0) -> None:
    """Replace the CFF table by TrueType glyf/loca (quadratic curves via cu2qu)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and CID names mean nothing
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\0\1\0\0"


def rename(font: TTFont, family: str, weight: str, version_note: str) -> None:
    """Give the slice its own family (see module docstring), keeping copyright/licence records."""
    name = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}  # copyright, trademark, vendor, designer, URLs, licence
    name.names = [rec for rec in name.names if rec.nameID in keep]
    ps_family = family.replace(" ", "")
    for name_id, text in (
        (1, family),
        (2, weight),
        (3, f"{ps_family}-{weight};{version_note}"),
        (4, f"{family} {weight}"),
        (5, version_note),
        (6, f"{ps_family}-{weight}"),
        (10, "Subset of Noto CJK SC converted to TrueType for propertytriage court forms."),
    ):
        name.setName(text, name_id, 3, 1, 0x409)
        name.setName(text, name_id, 1, 0, 0)


def save_atomically(font: TTFont, path: Path) -> bytes:
    """Save next to ``path`` and rename over it: a reader (or a ``git commit -a`` running
    meanwhile) never sees the bundled font missing or half written. Returns the bytes."""
    partial = path.with_name(path.name + ".partial")
    font.save(str(partial))
    data = partial.read_bytes()
    os.replace(partial, path)
    return data


def build_slice(job: tuple[str, int, list[int], str, str, str, str]) -> tuple[str, int, str]:
    """Subset one slice out of the source face, convert it, rename it and save it."""
    source, index, codepoints, family, weight, out_path, version_note = job
    font = TTFont(source, fontNumber=index, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["kern"]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "DSIG", "GSUB", "meta"]
    options.prune_unicode_ranges = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    cff_to_glyf(font)
    rename(font, family, weight, version_note)
    data = save_atomically(font, Path(out_path))
    return out_path, len(data), hashlib.sha256(data).hexdigest()


def _bounds(glyph_set: Any, name: str) -> tuple[float, float, float, float]:
    pen = BoundsPen(glyph_set)
    glyph_set[name].draw(pen)
    assert pen.bounds is not None, name
    x_min, y_min, x_max, y_max = pen.bounds
    return float(x_min), float(y_min), float(x_max), float(y_max)


def build_symbols(
    spec: SymbolSpec, source: Path, serif: TTFont, out_path: Path
) -> tuple[list[int], int, str]:
    """Build the symbol slice; returns (code points, size, sha256).

    One affine map for every glyph: scale so the source's ballot box ☐ has the height of the
    Serif's □ and sits on the same bottom edge; each glyph is centred on a 1 em advance (the
    source's advance centre goes to 500), as full-width CJK symbols are.
    """
    dejavu = TTFont(str(source), recalcTimestamp=False)
    cmap = dejavu.getBestCmap()
    glyph_set = dejavu.getGlyphSet()
    serif_cmap = serif.getBestCmap()
    codepoints = [cp for cp in spec.codepoints if cp not in serif_cmap and cp in cmap]
    # Pango keeps a space between two symbols in the symbols' run, so the font needs spaces
    # (empty, with the Serif's advance) or WeasyPrint draws them as .notdef.
    spaces = [cp for cp in SPACES if cp in serif_cmap]
    ref = _bounds(serif.getGlyphSet(), serif_cmap[spec.reference_box])
    box = _bounds(glyph_set, cmap[spec.box])
    upm = int(serif["head"].unitsPerEm)
    scale = (ref[3] - ref[1]) / (box[3] - box[1])
    dy = ref[1] - box[1] * scale

    space_names = [f"uni{cp:04X}" for cp in spaces]
    order = [".notdef"] + space_names + [f"uni{cp:04X}" for cp in codepoints]
    glyphs = {".notdef": TTGlyphPen(None).glyph()}
    metrics = {".notdef": (upm, 0)}
    for cp, name in zip(spaces, space_names, strict=True):
        glyphs[name] = TTGlyphPen(None).glyph()
        metrics[name] = (serif["hmtx"][serif_cmap[cp]][0], 0)
    for cp, name in zip(codepoints, order[1 + len(spaces) :], strict=True):
        source_name = cmap[cp]
        advance = dejavu["hmtx"][source_name][0]
        dx = upm / 2 - advance / 2 * scale
        pen = TTGlyphPen(None)
        glyph_set[source_name].draw(TransformPen(pen, (scale, 0, 0, scale, dx, dy)))
        glyph = pen.glyph()
        glyphs[name] = glyph
        glyph.recalcBounds(None)
        metrics[name] = (upm, int(glyph.xMin))

    source_head = dejavu["head"]
    builder = FontBuilder(upm, isTTF=True)
    builder.font.recalcTimestamp = False
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(dict(zip(spaces + codepoints, order[1:], strict=True)))
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics(metrics)
    hhea = serif["hhea"]
    builder.setupHorizontalHeader(
        ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap
    )
    version = dejavu["name"].getDebugName(5) or "?"
    ps_family = f"{spec.family} S00".replace(" ", "")
    names = {
        "copyright": (dejavu["name"].getDebugName(0) or "").strip(),
        "familyName": f"{spec.family} S00",
        "styleName": "Regular",
        "uniqueFontIdentifier": f"{ps_family}-Regular;{version}; propertytriage build_fonts.py",
        "fullName": f"{spec.family} S00 Regular",
        "version": f"{version}; propertytriage build_fonts.py",
        "psName": f"{ps_family}-Regular",
        "description": "Check-box symbols of DejaVu Sans, scaled to Noto Serif CJK for "
        "propertytriage court forms.",
        "licenseDescription": dejavu["name"].getDebugName(13) or "",
        "licenseInfoURL": dejavu["name"].getDebugName(14) or "",
    }
    builder.setupNameTable(names, mac=False)  # Windows names only: the licence text is long
    serif_os2 = serif["OS/2"]
    builder.setupOS2(
        usWeightClass=400,
        fsType=dejavu["OS/2"].fsType,
        achVendID=dejavu["OS/2"].achVendID,
        sTypoAscender=serif_os2.sTypoAscender,
        sTypoDescender=serif_os2.sTypoDescender,
        sTypoLineGap=serif_os2.sTypoLineGap,
        usWinAscent=serif_os2.usWinAscent,
        usWinDescent=serif_os2.usWinDescent,
        fsSelection=0x40,  # REGULAR
    )
    builder.setupPost(keepGlyphNames=False)
    builder.updateHead(
        created=source_head.created,
        modified=source_head.modified,
        fontRevision=source_head.fontRevision,
    )
    font = builder.font
    font["OS/2"].recalcAvgCharWidth(font)
    font["OS/2"].recalcUnicodeRanges(font)
    font["OS/2"].recalcCodePageRanges(font)
    data = save_atomically(font, out_path)
    return sorted(spaces + codepoints), len(data), hashlib.sha256(data).hexdigest()


def dejavu_licence_text(source: Path) -> str:
    """The licence of the symbol font, as DejaVu Sans carries it in its name table (ID 13)."""
    name = TTFont(str(source), lazy=True)["name"]
    body = (name.getDebugName(13) or "").strip()
    return (
        f"{(name.getDebugName(0) or '').strip()}\n\n"
        f"{SYMBOLS.file_stem}-*.ttf (\"{SYMBOLS.family}\") is a Modified Version (a few glyphs,\n"
        f"scaled, renamed) of {name.getDebugName(4)} {name.getDebugName(5)} from the DejaVu fonts,\n"
        "released under the licence below (Bitstream Vera licence with the Arev fonts licence).\n"
        "It does not use the names \"Bitstream\", \"Vera\", \"Arev\" or \"Tavmjong Bah\".\n\n"
        f"{body}\n"
    )


def to_ranges(codepoints: Sequence[int]) -> str:
    """Compress sorted code points into "4e00-4e0b 4e0d ..." (hex, inclusive ranges)."""
    ranges: list[list[int]] = []
    for cp in codepoints:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return " ".join(f"{lo:x}" if lo == hi else f"{lo:x}-{hi:x}" for lo, hi in ranges)


def parse_ranges(text: str) -> set[int]:
    """The inverse of :func:`to_ranges`."""
    result: set[int] = set()
    for part in text.split():
        first, _, last = part.partition("-")
        result.update(range(int(first, 16), int(last or first, 16) + 1))
    return result


def fallback_entries(bundled: set[int]) -> list[dict[str, Any]]:
    """Manifest entries of the installed fallback fonts: what each adds to the bundled ones."""
    entries = []
    taken = set(bundled)
    for spec in FALLBACKS:
        if not spec.path.is_file():
            raise SystemExit(f"{spec.path} missing: apt-get install {spec.package}")
        data = spec.path.read_bytes()
        font = TTFont(str(spec.path), lazy=True)
        glyf = font["glyf"]
        codepoints = sorted(
            cp for cp, name in (font.getBestCmap() or {}).items()
            if _in_ranges(cp, IDEOGRAPH_RANGES) and cp not in taken
            and glyf[name].numberOfContours != 0  # an empty glyph would print a blank
        )
        taken.update(codepoints)
        entries.append({
            "family": spec.family,
            "path": str(spec.path),
            "package": spec.package,
            "licence": spec.licence,
            "version": font["name"].getDebugName(5) or "?",
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "codepoints": len(codepoints),
            "ranges": to_ranges(codepoints),
        })
    return entries


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )


def update_fallbacks(out: Path) -> int:
    """Rewrite only the manifest's fallbacks, from the bundled coverage it already lists."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    bundled: set[int] = set()
    for entry in manifest["fonts"]:
        bundled |= parse_ranges(entry["ranges"])
    manifest["fallbacks"] = fallback_entries(bundled)
    write_manifest(out, manifest)
    added = sum(int(e["codepoints"]) for e in manifest["fallbacks"])
    print(f"fallbacks: {added} ideographs beyond the bundled fonts", file=sys.stderr)
    return 0


def licence_text(copyright_notice: str) -> str:
    """OFL 1.1 text from Debian's copyright file, headed by the fonts' copyright notice."""
    raw = COPYRIGHT_FILE.read_text(encoding="utf-8")
    block = raw.split("License: SIL-1.1\n", 2)[-1].split("\nLicense:", 1)[0]
    lines = []
    for line in block.splitlines():
        line = line[1:] if line.startswith(" ") else line
        lines.append("" if line == "." else line)
    body = "\n".join(lines).strip()
    return (
        f"{copyright_notice}\n\n"
        "The fonts in this folder are Modified Versions (subset, converted to TrueType and\n"
        "renamed) of Noto Serif CJK SC Regular and Noto Sans CJK SC Bold, released under the\n"
        "SIL Open Font License 1.1, reproduced below.\n\n"
        f"{body}\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "forms" / "fonts")
    parser.add_argument("--source-dir", type=Path, default=NOTO_DIR)
    parser.add_argument("--symbol-dir", type=Path, default=DEJAVU_DIR)
    parser.add_argument("--chunk", type=int, default=2000, help="code points per rare slice")
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--fallbacks-only", action="store_true",
                        help="only record the installed fallback fonts in the manifest")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if args.fallbacks_only:
        return update_fallbacks(out)

    jobs = []
    manifest_fonts = []
    copyright_lines: list[str] = []
    sources = {}
    for spec in SPECS:
        source = args.source_dir / spec.source
        if not source.is_file():
            raise SystemExit(f"{source} missing: apt-get install fonts-noto-cjk")
        index = face_index(source, SC_FACE)
        head = TTFont(str(source), fontNumber=index, lazy=True)
        cmap = head.getBestCmap()
        version = head["name"].getDebugName(5) or "?"
        notice = f"{head['name'].getDebugName(4)}: {head['name'].getDebugName(0)}"
        copyright_lines.append(notice)
        sources[spec.family] = {
            "file": spec.source,
            "face": head["name"].getDebugName(4),
            "version": version,
            "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        }
        note = f"{version}; propertytriage build_fonts.py"
        for number, codepoints in enumerate(plan_slices(cmap, args.chunk, spec.tiers)):
            slice_family = f"{spec.family} S{number:02d}"
            file_name = f"{spec.file_stem}-{number:02d}.ttf"
            target = str(out / file_name)
            jobs.append((str(source), index, codepoints, slice_family, spec.weight, target, note))
            manifest_fonts.append(
                {
                    "file": file_name,
                    "family": spec.family,
                    "slice_family": slice_family,
                    "weight": spec.weight,
                    "codepoints": len(codepoints),
                    "ranges": to_ranges(codepoints),
                }
            )

    with multiprocessing.Pool(max(1, args.jobs)) as pool:
        results = {path: (size, digest) for path, size, digest in pool.imap(build_slice, jobs)}
    for entry in manifest_fonts:
        size, digest = results[str(out / str(entry["file"]))]
        entry["bytes"] = size
        entry["sha256"] = digest

    symbol_source = args.symbol_dir / SYMBOLS.source
    if not symbol_source.is_file():
        raise SystemExit(f"{symbol_source} missing: apt-get install fonts-dejavu-core")
    serif_source = args.source_dir / SPECS[0].source
    serif = TTFont(str(serif_source), fontNumber=face_index(serif_source, SC_FACE), lazy=True)
    symbol_file = f"{SYMBOLS.file_stem}-00.ttf"
    symbol_cps, symbol_size, symbol_digest = build_symbols(
        SYMBOLS, symbol_source, serif, out / symbol_file
    )
    symbol_font = TTFont(str(symbol_source), lazy=True)
    sources[SYMBOLS.family] = {
        "file": SYMBOLS.source,
        "face": symbol_font["name"].getDebugName(4),
        "version": symbol_font["name"].getDebugName(5) or "?",
        "sha256": hashlib.sha256(symbol_source.read_bytes()).hexdigest(),
    }
    manifest_fonts.append(
        {
            "file": symbol_file,
            "family": SYMBOLS.family,
            "slice_family": f"{SYMBOLS.family} S00",
            "weight": "Regular",
            "codepoints": len(symbol_cps),
            "ranges": to_ranges(symbol_cps),
            "bytes": symbol_size,
            "sha256": symbol_digest,
        }
    )

    # Fonts are replaced in place (never deleted first); only files no longer built go.
    built = {str(entry["file"]) for entry in manifest_fonts}
    for stale in sorted(out.glob("*.ttf")):
        if stale.name not in built:
            stale.unlink()

    bundled: set[int] = set()
    for entry in manifest_fonts:
        bundled |= parse_ranges(str(entry["ranges"]))
    manifest = {
        "comment": "Generated by tools/build_fonts.py; do not edit by hand.",
        "families": [spec.family for spec in SPECS] + [SYMBOLS.family],
        "sources": sources,
        "fonts": manifest_fonts,
        "fallbacks": fallback_entries(bundled),
    }
    write_manifest(out, manifest)
    (out / "LICENSE-OFL.txt").write_text(licence_text("\n".join(copyright_lines)), encoding="utf-8")
    (out / "LICENSE-DejaVu.txt").write_text(dejavu_licence_text(symbol_source), encoding="utf-8")
    total = sum(int(str(f["bytes"])) for f in manifest_fonts)
    elapsed = time.perf_counter() - started
    print(
        f"{len(manifest_fonts)} fonts, {total / 1e6:.1f} MB, in {elapsed:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
