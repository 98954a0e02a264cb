"""The TrueType subset of Noto Sans CJK SC a Chinese PDF is printed with (issue 20,
render/cjkfont.py): glyf outlines, not CFF (Chromium embeds CFF as Type 3 glyphs); the
requested characters; outlines where the source's are; cached by content; nothing when
the system has no Noto Sans CJK."""

from __future__ import annotations

import time

import pytest

from salesmeasure.render import cjkfont

SOURCES = cjkfont.cjk_sources()
needs_noto = pytest.mark.skipif(400 not in SOURCES, reason="needs fonts-noto-cjk")
TEXT = "管理层摘要区域全部汇总，（）：。销售额达成率"


@pytest.fixture(scope="module")
def subset(tmp_path_factory):
    out = tmp_path_factory.mktemp("cjk") / "sc.ttf"
    t0 = time.perf_counter()
    cjkfont.subset_ttf(SOURCES[400], TEXT, out)
    return out, time.perf_counter() - t0


def _source_face():
    return cjkfont._sc_face(SOURCES[400])


@needs_noto
def test_subset_has_truetype_outlines_and_the_requested_characters(subset):
    from fontTools.ttLib import TTFont

    path, seconds = subset
    font = TTFont(path)
    assert font.sfntVersion == "\x00\x01\x00\x00"
    assert "glyf" in font and "loca" in font and "CFF " not in font
    assert font["maxp"].tableVersion == 0x00010000
    assert font["post"].formatType == 3.0
    assert font["head"].glyphDataFormat == 0
    cmap = font.getBestCmap()
    assert {ord(c) for c in TEXT} <= set(cmap)
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    assert len(font.getGlyphOrder()) < 60  # the characters asked for, not the face's 65k
    assert seconds < 10  # a few seconds at most, even on a loaded machine


@needs_noto
def test_subset_outlines_lie_where_the_source_cff_ones_do(subset):
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    path, _ = subset
    font = TTFont(path)
    source = _source_face()
    src_cmap, cmap = source.getBestCmap(), font.getBestCmap()
    src_glyphs, glyphs = source.getGlyphSet(), font.getGlyphSet()
    for ch in "管理层，销":
        pens = []
        for gs, cm in ((src_glyphs, src_cmap), (glyphs, cmap)):
            pen = BoundsPen(gs)
            gs[cm[ord(ch)]].draw(pen)
            pens.append(pen.bounds)
        assert pens[0] is not None
        k = cjkfont.UPEM / source["head"].unitsPerEm  # the subset's grid is coarser
        assert all(abs(a * k - b) <= 1 for a, b in zip(*pens, strict=True)), (ch, pens)
        assert glyphs[cmap[ord(ch)]].width == round(src_glyphs[src_cmap[ord(ch)]].width * k)


@needs_noto
def test_subsets_are_cached_by_content(tmp_path):
    first = cjkfont.subset_for(400, "管理层摘要 abc", tmp_path)
    assert first is not None and first.parent == tmp_path
    stamp = first.stat().st_mtime_ns
    again = cjkfont.subset_for(400, "cba要摘层理管  \n", tmp_path)  # the same characters
    assert again == first
    assert again.read_bytes() == first.read_bytes() and first.stat().st_mtime_ns >= stamp
    assert cjkfont.subset_for(400, "管理层摘要区 abc", tmp_path) != first
    assert cjkfont.subset_for(400, "管理层摘要 xyz", tmp_path, cjk_only=True) == (
        cjkfont.subset_for(400, "管理层摘要", tmp_path, cjk_only=True)
    )
    assert cjkfont.subset_for(400, "only Latin 123", tmp_path) is None  # nothing to do


@needs_noto
def test_font_faces_name_the_suite_family(tmp_path):
    from fontTools.ttLib import TTFont

    css = cjkfont.font_faces("管理 text 12摘要", tmp_path)
    assert css.count("@font-face") == 1  # one weight: bold CJK is drawn from it (cjkbold)
    assert 'font-family: "Noto Sans CJK SC"' in css and "font-weight: 400" in css
    assert "file://" in css and "unicode-range" not in css
    regular = TTFont(sorted(tmp_path.glob("NotoSansCJKsc-400-*.ttf"))[0]).getBestCmap()
    assert set(map(ord, "管理text12")) <= set(regular)  # a chart's Latin text keeps its font
    assert set(map(ord, cjkfont.BASE)) <= set(regular)
    assert cjkfont.font_faces("only Latin", tmp_path) == ""
    inline = cjkfont.inline_face("SM margins", "管理 North", tmp_path)
    assert "data:font/ttf;base64," in inline and '"SM margins"' in inline
    assert "unicode-range: U+2E80-2FDF" in inline and "U+4E00-9FFF" in inline


def test_no_noto_cjk_means_no_font_faces(monkeypatch, tmp_path):
    monkeypatch.setattr(cjkfont, "cjk_sources", lambda: {})
    assert cjkfont.font_faces("管理摘要", tmp_path) == ""
    assert cjkfont.inline_face("x", "管理", tmp_path) == ""
    assert not list(tmp_path.iterdir())


def test_an_unreadable_font_falls_back(monkeypatch, tmp_path):
    bad = tmp_path / "NotoSansCJK-Regular.ttc"
    bad.write_bytes(b"not a font")
    monkeypatch.setattr(cjkfont, "cjk_sources", lambda: {400: bad})
    cache = tmp_path / "cache"
    cache.mkdir()
    assert cjkfont.subset_for(400, "管理", cache) is None
    assert not list(cache.iterdir())  # no half-written file left


def test_cjk_code_points():
    assert all(cjkfont.is_cjk(c) for c in "管（），。：、ａ")
    assert not any(cjkfont.is_cjk(c) for c in "aZ9 ,.%€–“")
