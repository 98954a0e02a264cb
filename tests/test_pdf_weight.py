"""Issue 20: the CJK subset on a 256-unit grid, one CJK weight embedded, ASCII anchors
(no over-long PDF names)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from packs import REGIONS, report

from salesmeasure.render import cjkfont
from salesmeasure.render.export import ascii_anchor, ascii_anchors

NOTEBOOKS = ("00_executive_summary", "01_target_setting", "02_satisfaction_survey",
             "03_retention_clv")  # fmt: skip
needs_noto = pytest.mark.skipif(400 not in cjkfont.cjk_sources(), reason="fonts-noto-cjk")


@needs_noto
def test_subset_is_on_a_256_unit_grid_with_the_source_advances(tmp_path):
    from fontTools.ttLib import TTFont

    out = cjkfont.subset_ttf(cjkfont.cjk_sources()[400], "管理层", tmp_path / "s.ttf")
    font = TTFont(out)
    assert font["head"].unitsPerEm == 256  # was 1000
    cmap = font.getBestCmap()
    assert font["hmtx"][cmap[ord("管")]][0] == 256  # a full-width advance: one em


@needs_noto
def test_font_faces_embed_one_weight(tmp_path):
    css = cjkfont.font_faces("管理 摘要", tmp_path)
    assert css.count("@font-face") == 1 and "font-weight: 400" in css
    assert not list(tmp_path.glob("NotoSansCJKsc-700-*"))


def test_percent_encoded_heading_ids_become_ascii_and_links_follow():
    body = ('<a href="#%E8%A6%81%E7%82%B9">x</a><h2 id="%E8%A6%81%E7%82%B9">要点</h2>'
            '<h2 id="Region-North">N</h2><a href="#Region-North">n</a>')  # fmt: skip
    out = ascii_anchors(body)
    new = ascii_anchor("%E8%A6%81%E7%82%B9")
    assert new.startswith("s-") and len(new) == 12 and new.isascii()
    assert f'id="{new}"' in out and f'href="#{new}"' in out and "%E8" not in out
    assert 'id="Region-North"' in out and 'href="#Region-North"' in out
    assert ascii_anchor("%E8%A6%81%E7%82%B9") == new  # stable


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")
def test_no_chinese_pdf_has_an_over_long_name(default_pack):
    for region in REGIONS:
        for nb in NOTEBOOKS:
            pdf = report(default_pack, nb, region, "zh-CN", "pdf")
            run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
            assert "name token is longer" not in run.stderr, (pdf, run.stderr[:300])
            assert "客户" in run.stdout or "销售" in run.stdout


def _squash(text: str) -> str:
    import re

    return re.sub(r"\s+", "", text)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")
def test_bold_chinese_drawn_twice_extracts_once(default_pack):
    """A bold Chinese run is printed twice (cjkbold); a reader copying it, or a search,
    gets it once. Every bold run of four or more CJK characters in a paragraph or list item
    of the HTML is in the PDF's text, and never twice in a row."""
    import re

    from bs4 import BeautifulSoup

    cjk = re.compile(r"[\u4e00-\u9fff]{4,}")
    checked = 0
    for nb in NOTEBOOKS:
        html = report(default_pack, nb, "North", "zh-CN", "html")
        pdf = report(default_pack, nb, "North", "zh-CN", "pdf")
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        runs = {
            _squash(b.get_text())
            for b in soup.select("p strong, li strong, p b, li b")
            if cjk.search(b.get_text()) and not b.find_parent("details")
        }
        text = _squash(
            subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        )
        for r in sorted(runs):
            if len(r) > 60:  # a whole bold sentence may wrap around a figure or a page
                continue
            assert r in text, (nb, r)
            assert r + r not in text, (nb, r)
            checked += 1
    assert checked >= 4, checked  # the reports' bold phrases were found and read
