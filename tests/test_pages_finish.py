"""The finished page layout (issue 20), read from the real default pack (``default_pack``:
2026Q3, all + North, en + zh-CN, HTML + PDF): links portable and pointing at the sibling
of the same format, provenance collapsed and free of local paths, no notebook links for
managers, charts as SVG with their words as text, light pages, a Chinese PDF not much
heavier than its English twin, printed tables and pages laid out as a reader expects."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from packs import LANGS, REGIONS, report

pytestmark = pytest.mark.slow

NOTEBOOKS = ("00_executive_summary", "01_target_setting", "02_satisfaction_survey",
             "03_retention_clv")  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]

#: ``du -b`` of each report's HTML before issue 20's page work (rendered 2026-12-03 from
#: main 4ba8633): ~265 KB of JupyterLab CSS and base64 PNG charts in each.
HTML_BEFORE = {
    ("en", "all"): (520966, 853697, 678840, 991032),
    ("en", "North"): (448905, 700365, 603066, 866301),
    ("zh-CN", "all"): (571259, 905839, 695377, 1047630),
    ("zh-CN", "North"): (483599, 746156, 624257, 920260),
}
CJK = re.compile(r"[\u4e00-\u9fff]")
needs_pdftools = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")), reason="poppler-utils"
)


def every(pack, ext):
    for lang in LANGS:
        for region in REGIONS:
            for nb in NOTEBOOKS:
                yield lang, region, nb, report(pack, nb, region, lang, ext)


def pdf_uris(path: Path) -> list[str]:
    """Every link target (``/URI``) of a PDF, also those inside compressed object streams
    (read independently of the code that wrote them: every Flate stream is inflated)."""
    data = path.read_bytes()
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            chunks.append(zlib.decompressobj().decompress(data[m.end() : m.end() + 4_000_000]))
        except zlib.error:
            continue
    uris = []
    for chunk in chunks:
        uris += [u.decode("latin-1") for u in re.findall(rb"/URI\s*\(((?:[^()\\]|\\.)*)\)", chunk)]
    return uris


def hrefs(html: str) -> list[str]:
    return [a.get("href", "") for a in BeautifulSoup(html, "html.parser").find_all("a")]


def test_html_links_are_relative_and_reports_link_their_html_siblings(default_pack):
    for path in [*(p for *_k, p in every(default_pack, "html")),
                 default_pack / "2026Q3" / "index.html"]:  # fmt: skip
        for href in hrefs(path.read_text(encoding="utf-8")):
            assert not href.startswith(("file:", "/")), (path, href)
            assert str(default_pack) not in href and not re.match(r"[A-Za-z]:[\\/]", href)
    summary = report(default_pack, "00_executive_summary").read_text(encoding="utf-8")
    siblings = [h for h in hrefs(summary) if re.match(r"0[1-3]_\w+\.(html|pdf)", h)]
    assert siblings and all(".html" in h for h in siblings), siblings


def test_pdf_links_are_relative_and_point_at_the_sibling_pdf(default_pack):
    cross = 0
    for lang, region, nb, path in every(default_pack, "pdf"):
        for uri in pdf_uris(path):
            assert not uri.startswith(("file:", "/")), (path, uri)
            assert str(default_pack) not in uri
            if re.match(r"0[0-3]_\w+\.", uri):
                cross += 1
                assert re.fullmatch(r"0[0-3]_\w+\.pdf(#[\w-]*)?", uri), (path, uri)
                assert (path.parent / uri.split("#")[0]).exists(), (path, uri)
    assert cross >= 4  # the director's page links the other reports, in each language


def test_provenance_is_collapsed_and_no_page_shows_a_local_path(default_pack):
    local = [str(default_pack), str(default_pack.resolve()), str(ROOT), "/tmp/", "/home/"]
    internals = ("reused, reset", "fresh kernel", "Cache key", "papermill", "nbconvert",
                 "Python 3", "缓存键")  # fmt: skip
    for lang, region, nb, path in every(default_pack, "html"):
        html = path.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        details = soup.select("footer.sm-footer details.sm-provenance")
        assert len(details) == 1 and not details[0].has_attr("open"), path
        rows = {th.get_text(strip=True): td.get_text(strip=True)
                for th, td in zip(details[0].find_all("th"), details[0].find_all("td"), strict=True)}  # fmt: skip
        assert len(rows) >= 4 and "sample" in rows.values(), rows
        for bad in local:
            assert bad not in html, (path, bad)
        for word in internals:
            assert word not in html, (path, word)
    # the index too
    for index in (default_pack / "2026Q3" / "index.html", default_pack / "zh-CN/2026Q3/index.html"):
        html = index.read_text(encoding="utf-8")
        assert not any(bad in html for bad in local), index
        assert not re.search(r"\d+\.\d s\b", html)  # no render seconds


@needs_pdftools
def test_pdf_ends_with_the_provenance(default_pack):
    for lang in LANGS:
        path = report(default_pack, "00_executive_summary", "all", lang, "pdf")
        pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True).stdout).group(1))  # fmt: skip
        last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(path), "-"],
                              capture_output=True, text=True).stdout  # fmt: skip
        assert ("Provenance" if lang == "en" else "数据来源") in last or "salesmeasure" in last
        assert "Data fingerprint" in last or "数据指纹" in last, last[-400:]


def test_no_notebook_link_on_a_managers_page(default_pack):
    pages = [p for *_k, p in every(default_pack, "html")]
    pages += [default_pack / "2026Q3" / "index.html", default_pack / "zh-CN/2026Q3/index.html"]
    for path in pages:
        assert not [h for h in hrefs(path.read_text(encoding="utf-8")) if ".ipynb" in h], path
    # still written beside the report for analysts
    assert report(default_pack, "00_executive_summary", "North", "zh-CN", "ipynb").exists()


def test_html_is_at_most_half_its_size_before(default_pack):
    for lang, region, nb, path in every(default_pack, "html"):
        before = HTML_BEFORE[(lang, region)][NOTEBOOKS.index(nb)]
        size = path.stat().st_size
        assert size <= before / 2, f"{path}: {size:,} B, before {before:,} B"


def test_only_the_css_the_reports_use(default_pack):
    for lang, region, nb, path in every(default_pack, "html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        head_css = "".join(s.get_text() for s in soup.head.find_all("style"))
        assert len(head_css.encode()) < 16_000, (path, len(head_css))  # was ~265 KB
        assert "--jp-layout-color0" not in head_css  # no JupyterLab theme


def test_charts_are_svg_with_their_words_as_text(default_pack):
    for lang, region, nb, path in every(default_pack, "html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert not soup.find("img", src=re.compile("^data:image/png")), path  # no PNG chart
        charts = soup.select("div.jp-RenderedSVG > svg")
        assert len(charts) >= 2, (path, len(charts))
        for svg in charts:
            words = " ".join(t.get_text() for t in svg.find_all("text"))
            assert words.strip(), path
        if lang == "zh-CN":  # Chinese axis titles and labels stay text
            words = "".join(t.get_text() for svg in charts for t in svg.find_all("text"))
            assert len(CJK.findall(words)) > 20, (path, words[:200])


@needs_pdftools
def test_pdf_charts_are_vector(default_pack):
    """Chart words are text in the PDF: the printed report's text includes a chart's
    axis words, and the English summary holds no full-page raster chart."""
    path = report(default_pack, "00_executive_summary", "all", "en", "pdf")
    html = report(default_pack, "00_executive_summary", "all", "en", "html").read_text()
    svg_words = {t.get_text().strip() for t in BeautifulSoup(html, "html.parser").select(
        "div.jp-RenderedSVG svg text") if len(t.get_text().strip()) > 6}  # fmt: skip
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    found = [w for w in svg_words if w in text]
    assert len(found) >= max(3, len(svg_words) // 2), (len(found), len(svg_words))


def test_chinese_pdf_at_most_one_and_a_half_times_english(default_pack):
    for region in REGIONS:
        for nb in NOTEBOOKS:
            en = report(default_pack, nb, region, "en", "pdf").stat().st_size
            zh = report(default_pack, nb, region, "zh-CN", "pdf").stat().st_size
            assert zh <= 1.5 * en, f"{nb} {region}: zh {zh:,} B, en {en:,} B ({zh / en:.2f}x)"


@needs_pdftools
def test_printed_chinese_table_cells_keep_short_words_whole(default_pack):
    """Every short Chinese cell (two to four characters: 需行动, 是否达成) of a report's
    tables appears whole on one line of the printed page (before: 需行/动, 是否达/成)."""
    for region in REGIONS:
        for nb in NOTEBOOKS:
            html = report(default_pack, nb, region, "zh-CN", "html").read_text(encoding="utf-8")
            soup = BeautifulSoup(html, "html.parser")
            short = {c.get_text(strip=True) for c in soup.select("main table td, main table th")}
            short = {w for w in short if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w)}
            pdf = report(default_pack, nb, region, "zh-CN", "pdf")
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                  capture_output=True, text=True).stdout  # fmt: skip
            broken = sorted(w for w in short if w not in text)
            assert not broken, (pdf, broken)


@needs_pdftools
def test_executive_summary_first_page_is_full(default_pack, tmp_path):
    """Printed content reaches the bottom of page 1 (before: the last third was empty)."""
    from PIL import Image

    for lang in LANGS:
        for region in REGIONS:
            pdf = report(default_pack, "00_executive_summary", region, lang, "pdf")
            stem = tmp_path / f"p1-{lang}-{region}"
            subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1",
                            "-singlefile", str(pdf), str(stem)], check=True)  # fmt: skip
            im = Image.open(f"{stem}.pgm")
            w, h = im.size
            px = im.load()
            inked = [y for y in range(int(h * 0.92)) if any(px[x, y] < 200 for x in range(w))]
            assert max(inked) / h >= 0.85, (pdf, max(inked) / h)


def test_index_shows_amounts_in_the_currency(sample_dir):
    """The batch words the index's scorecards as the reports do: with the ``currency``
    parameter, revenue is in that currency (before: a bare 2.15M)."""
    from salesmeasure import data as sm_data
    from salesmeasure import format as fmt
    from salesmeasure.i18n import set_language
    from salesmeasure.render.batch import _scorecards

    ds = sm_data.load(sample_dir)
    try:
        set_language("en")
        cards = _scorecards(ds, "2026Q3", ["all"], "CNY", sample_dir)
        revenue = next(v for k, v in cards["all"].items() if k.startswith("Revenue"))
        assert revenue.startswith("CN¥2.15M"), revenue
        set_language("zh-CN")
        cards = _scorecards(ds, "2026Q3", ["all"], "CNY", sample_dir)
        revenue = next(iter(cards["all"].values()))
        assert revenue.startswith("¥215.5万"), revenue
    finally:
        fmt.set_currency(None)
        set_language("en")
