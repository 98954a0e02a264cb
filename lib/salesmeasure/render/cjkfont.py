"""A TrueType-outline subset of Noto Sans CJK SC for a Chinese report's PDF (issue 20).

Chromium (Skia) embeds a CFF-outline font, such as the ``.ttc`` of Debian's
``fonts-noto-cjk``, as Type 3 fonts: ~300 B per glyph plus per-font overhead, which made
a Chinese PDF 2.4-4.4x its English twin. A TrueType (``glyf``) font it embeds as a
subset CID TrueType font instead. :func:`font_faces` builds, for the characters a page
shows, such a font from the installed Noto Sans CJK SC Regular and Bold (fontTools:
subset, then the cubic CFF outlines converted to quadratic ``glyf`` ones), cached on disk
by content hash, and returns the ``@font-face`` rules that make the page use it: they
keep the family name ``Noto Sans CJK SC`` (the suite's CSS and its charts' SVG name it),
so whatever the page set in it, Latin text of a chart too, keeps its glyphs. The header
and footer (Chromium's templates) get a face of their own in a ``data:`` URL, limited to
CJK code points (:data:`UNICODE_RANGE`): their Latin text keeps ``sans-serif``.

No Noto Sans CJK on the machine (or fontTools failing on it): no rules, and the PDF is
printed as before.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = [
    "FAMILY",
    "UNICODE_RANGE",
    "cjk_sources",
    "font_faces",
    "inline_face",
    "is_cjk",
    "subset_ttf",
]

FAMILY = "Noto Sans CJK SC"
#: CJK code points: radicals, punctuation, kana, ideographs
#: (extension A, the unified block, compatibility, extension B and on), CJK compatibility
#: forms and full-width forms.
RANGES = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x2FFFF),
)
UNICODE_RANGE = ", ".join(f"U+{a:X}-{b:X}" for a, b in RANGES)
#: Changes to the conversion change this, and with it every cache key.
VERSION = "3"
#: Units per em of the subset (the source's are 1000): its outlines are scaled to this grid
#: before they are converted, a unit 1/256 em, 0.04 pt at 10 pt type, 0.1 pt at a 24 pt
#: heading. Coarser coordinates are smaller deltas, fewer distinct bytes: the glyphs
#: compress ~25 % better than at 1000 (issue 20).
UPEM = 256
#: Largest distance (font units of the source's 1000-unit em) between a CFF curve and its
#: quadratic replacement: half a unit of :data:`UPEM`, as much as the rounding to its grid
#: moves a point (0.02 pt at 10 pt type).
MAX_ERR = 2.0
#: GPOS features kept (none add glyphs): Chromium's text-spacing-trim uses halt/chws.
FEATURES = ["kern", "palt", "halt", "chws", "vhal", "vchw"]
_DIRS = (
    "/usr/share/fonts/opentype/noto",  # Debian, Ubuntu (fonts-noto-cjk)
    "/usr/share/fonts/noto-cjk",  # Arch, openSUSE
    "/usr/share/fonts/google-noto-cjk",  # Fedora
    "/usr/share/fonts/opentype/noto-cjk",
)
_FILES = {400: "NotoSansCJK-Regular.ttc", 700: "NotoSansCJK-Bold.ttc"}
#: Subset fonts kept in the cache folder (the oldest go first).
KEEP = 400


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(a <= code <= b for a, b in RANGES)


def _drawn(ch: str) -> bool:
    """A character that may have a glyph: not a control or format one, not a line or
    paragraph separator (spaces are kept: U+00A0, U+3000 have advances)."""
    import unicodedata

    return unicodedata.category(ch)[0] != "C" and unicodedata.category(ch) not in ("Zl", "Zp")


def cjk_sources() -> dict[int, Path]:
    """``{400: Regular .ttc, 700: Bold .ttc}`` of the installed Noto Sans CJK (either may
    be missing; ``$SALESMEASURE_CJK_FONTS``, a folder, is looked in first)."""
    dirs = [os.environ.get("SALESMEASURE_CJK_FONTS") or "", *_DIRS]
    found = {}
    for weight, name in _FILES.items():
        for d in dirs:
            if d and (Path(d) / name).is_file():
                found[weight] = Path(d) / name
                break
    return found


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/salesmeasure/fonts`` (``~/.cache/...``), else a temporary one."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "salesmeasure" / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        folder = Path(tempfile.gettempdir()) / f"salesmeasure-fonts-{os.getuid()}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def _sc_face(source: Path):
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() in (".ttc", ".otc"):
        faces = TTCollection(str(source), lazy=True).fonts
        for face in faces:
            if face["name"].getDebugName(1) == FAMILY:
                return face
        raise ValueError(f"{source} has no {FAMILY} face")
    return TTFont(str(source), lazy=True)


def subset_ttf(source: str | os.PathLike, chars, out: str | os.PathLike) -> Path:
    """Write to ``out`` the ``Noto Sans CJK SC`` face of ``source`` (a ``.ttc`` or one
    font) cut to ``chars`` (a string or code points) with TrueType outlines: ``glyf`` and
    ``loca`` instead of ``CFF``, ``maxp`` 1.0, ``post`` format 3, no hinting (the
    outlines are drawn through :class:`~fontTools.pens.cu2quPen.Cu2QuPen` into
    :class:`~fontTools.pens.ttGlyphPen.TTGlyphPen`, which writes no instructions)."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    codes = {c if isinstance(c, int) else ord(c) for c in chars}
    font = _sc_face(Path(source))
    opts = subset.Options()
    opts.layout_features = FEATURES
    opts.desubroutinize = True
    opts.hinting = True  # CFF hints, dropped with the CFF: keeping them saves 15 % of the time
    opts.notdef_outline = True
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=codes)
    sub.subset(font)
    if "CFF " in font:
        order = font.getGlyphOrder()
        glyph_set = font.getGlyphSet()
        glyphs = {}
        for name in order:
            pen = TTGlyphPen(None)
            glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
            glyphs[name] = pen.glyph(dropImpliedOnCurves=True)
        font["loca"] = newTable("loca")
        glyf = font["glyf"] = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = glyphs
        del font["CFF "]
        for tag in ("VORG", "CFF2"):
            if tag in font:
                del font[tag]
        glyf.compile(font)  # bounds, for the left side bearings below
        hmtx = font["hmtx"]
        for name, g in glyphs.items():
            if hasattr(g, "xMin"):
                hmtx[name] = (hmtx[name][0], g.xMin)
        maxp = font["maxp"] = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                     "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                     "maxComponentElements"):  # fmt: skip
            setattr(maxp, attr, 0)
        maxp.maxZones = 1
        post = font["post"]
        post.formatType = 3.0
        font["head"].glyphDataFormat = 0
        font.sfntVersion = "\x00\x01\x00\x00"
        if font["head"].unitsPerEm != UPEM:
            from fontTools.ttLib.scaleUpem import scale_upem

            scale_upem(font, UPEM)  # outlines, advances, bearings, kerning, line metrics
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        font.save(str(tmp))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _key(source: Path, chars: str) -> str:
    st = source.stat()
    raw = f"{VERSION}\0{source}\0{st.st_size}\0{st.st_mtime_ns}\0{chars}"
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _prune(folder: Path) -> None:
    try:
        files = sorted(folder.glob("*.ttf"), key=lambda p: p.stat().st_mtime)
        for p in files[:-KEEP]:
            p.unlink(missing_ok=True)
    except OSError:
        pass


#: Characters every page subset holds besides the page's own (cheap, and only the glyphs
#: used are embedded): ASCII, full-width forms, CJK punctuation and a few symbols.
BASE = (
    "".join(map(chr, range(0x20, 0x7F)))
    + "".join(map(chr, range(0xFF01, 0xFF5F)))
    + "\u3000\u3001\u3002\u300a\u300b\u300c\u300d\u3010\u3011"
    + "\u00a0\u00b7\u00d7\u00f7\u00b1\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022"
    + "\u2264\u2265\u2192\u25b2\u25bc\u25a0\u25cf"
)


def subset_for(
    weight: int, chars: str, folder: Path | None = None, *, cjk_only: bool = False
) -> Path | None:
    """The cached subset of the installed face of ``weight`` (400 or 700) for ``chars``
    (only the CJK ones with ``cjk_only``; built on a miss), or None: no such face, no CJK
    character among ``chars``, or a failed build."""
    if not any(is_cjk(c) for c in chars):
        return None
    keep = is_cjk if cjk_only else _drawn
    chars = "".join(sorted({c for c in chars if keep(c)}))
    source = cjk_sources().get(weight)
    if source is None:
        return None
    try:
        folder = folder or cache_folder()
    except OSError:  # no writable cache anywhere: print with the installed fonts
        return None
    path = folder / f"NotoSansCJKsc-{weight}-{_key(source, chars)}.ttf"
    if path.is_file():
        os.utime(path)  # recently used: kept by the pruning
        return path
    try:
        subset_ttf(source, chars, path)
    except Exception:  # a font fontTools cannot read: print with the installed fonts
        return None
    _prune(folder)
    return path


def font_faces(text: str, folder: Path | None = None) -> str:
    """The ``@font-face`` rule of a page that shows ``text``: its regular-weight subset
    (holding :data:`BASE` too), the one CJK face the page embeds, whatever the weight of
    the text (see :mod:`.cjkbold`); "" when there is nothing to do (no CJK text, or no
    Noto Sans CJK). Latin characters are in it too: text set in ``Noto Sans CJK SC`` (a
    chart's) keeps its glyphs."""
    if not any(is_cjk(c) for c in text):
        return ""
    path = subset_for(400, text + BASE, folder)
    if path is None:
        return ""
    return (
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}") '
        f'format("truetype"); font-weight: 400; font-style: normal; }}'
    )


def inline_face(family: str, chars: str, folder: Path | None = None) -> str:
    """An ``@font-face`` rule of ``family``, normal weight, for ``chars`` with the font in a
    ``data:`` URL (Chromium's header and footer templates load no other), or ""."""
    import base64

    path = subset_for(400, chars, folder, cjk_only=True)
    if path is None:
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{family}"; src: url(data:font/ttf;base64,{data}) '
        f'format("truetype"); unicode-range: {UNICODE_RANGE}; }}'
    )
