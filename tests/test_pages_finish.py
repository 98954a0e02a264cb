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

NOTEBOOKS = ("00_executive_summary", "01_target_setting", "02_satisfaction_survey",
             "03_retention_clv")  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]

#: ``du -b`` of each report's HTML before issue 20's page work (rendered 2026-12-03 from
#: main 4ba8633): ~265 KB of JupyterLab CSS and base64 PNG charts in each. After (branch
#: pages): en all 93,845 / 246,985 / 155,588 / 461,919 (0.18 / 0.29 / 0.23 / 0.47).
HTML_BEFORE = {
    ("en", "all"): (520966, 853697, 678840, 991032),
    ("en", "North"): (448905, 700365, 603066, 866301),
    ("zh-CN", "all"): (571259, 905839, 695377, 1047630),
    ("zh-CN", "North"): (483599, 746156, 624257, 920260),
}
#: PDFs before (``du -b``, same render): en all 204,592 / 378,642 / 297,958 / 474,689, zh-CN
#: all 786,033 / 1,189,519 / 1,021,525 / 1,133,501 (Chinese 3-4x the English).
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


@pytest.mark.slow
def test_html_links_are_relative_and_reports_link_their_html_siblings(default_pack):
    for path in [*(p for *_k, p in every(default_pack, "html")),
                 default_pack / "2026Q3" / "index.html"]:  # fmt: skip
        for href in hrefs(path.read_text(encoding="utf-8")):
            assert not href.startswith(("file:", "/")), (path, href)
            assert str(default_pack) not in href and not re.match(r"[A-Za-z]:[\\/]", href)
    summary = report(default_pack, "00_executive_summary").read_text(encoding="utf-8")
    siblings = [h for h in hrefs(summary) if re.match(r"0[1-3]_\w+\.(html|pdf)", h)]
    assert siblings and all(".html" in h for h in siblings), siblings


@pytest.mark.slow
def test_pdf_links_are_relative_and_point_at_the_sibling_pdf(default_pack):
    cross = 0
    for _lang, _region, _nb, path in every(default_pack, "pdf"):
        for uri in pdf_uris(path):
            assert not uri.startswith(("file:", "/")), (path, uri)
            assert str(default_pack) not in uri
            if re.match(r"0[0-3]_\w+\.", uri):
                cross += 1
                assert re.fullmatch(r"0[0-3]_\w+\.pdf(#[\w-]*)?", uri), (path, uri)
                assert (path.parent / uri.split("#")[0]).exists(), (path, uri)
    assert cross >= 4  # the director's page links the other reports, in each language


@pytest.mark.slow
def test_provenance_is_collapsed_and_no_page_shows_a_local_path(default_pack):
    local = [str(default_pack), str(default_pack.resolve()), str(ROOT), "/tmp/", "/home/"]
    internals = ("reused, reset", "fresh kernel", "Cache key", "papermill", "nbconvert",
                 "Python 3", "缓存键")  # fmt: skip
    for _lang, _region, _nb, path in every(default_pack, "html"):
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_no_notebook_link_on_a_managers_page(default_pack):
    pages = [p for *_k, p in every(default_pack, "html")]
    pages += [default_pack / "2026Q3" / "index.html", default_pack / "zh-CN/2026Q3/index.html"]
    for path in pages:
        assert not [h for h in hrefs(path.read_text(encoding="utf-8")) if ".ipynb" in h], path
    # still written beside the report for analysts
    assert report(default_pack, "00_executive_summary", "North", "zh-CN", "ipynb").exists()


@pytest.mark.slow
def test_html_is_at_most_half_its_size_before(default_pack):
    for lang, region, nb, path in every(default_pack, "html"):
        before = HTML_BEFORE[(lang, region)][NOTEBOOKS.index(nb)]
        size = path.stat().st_size
        assert size <= before / 2, f"{path}: {size:,} B, before {before:,} B"


@pytest.mark.slow
def test_only_the_css_the_reports_use(default_pack):
    for _lang, _region, _nb, path in every(default_pack, "html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        head_css = "".join(s.get_text() for s in soup.head.find_all("style"))
        assert len(head_css.encode()) < 16_000, (path, len(head_css))  # was ~265 KB
        assert "--jp-layout-color0" not in head_css  # no JupyterLab theme


@pytest.mark.slow
def test_charts_are_svg_with_their_words_as_text(default_pack):
    for lang, _region, _nb, path in every(default_pack, "html"):
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_chinese_pdf_stays_within_its_measured_weight(default_pack):
    """Packed objects (pdfpost), vector charts, hatches as small images and the CJK text in
    a TrueType subset of Noto Sans CJK SC (render/cjkfont.py: CID TrueType, not Type 3): a
    Chinese PDF was 3-4x its English twin before them, 2.7-4.4x with Type 3 glyphs, and
    1.46-1.98x after (2026-12-03, branch zhfont). The ratio is held at its measured
    ceiling; the issue's 1.5x is the xfail below."""
    for region in REGIONS:
        for nb in NOTEBOOKS:
            en = report(default_pack, nb, region, "en", "pdf").stat().st_size
            zh = report(default_pack, nb, region, "zh-CN", "pdf").stat().st_size
            assert zh <= 2.1 * en, f"{nb} {region}: zh {zh:,} B, en {en:,} B ({zh / en:.2f}x)"


@pytest.mark.slow
@needs_pdftools
def test_chinese_pdf_has_no_type3_font(default_pack):
    """Every font of a Chinese PDF is a real (CID TrueType) font, the CJK text in the
    Noto Sans CJK SC subset: no Type 3 glyph programs (render/cjkfont.py)."""
    from salesmeasure.render.cjkfont import cjk_sources

    if set(cjk_sources()) != {400, 700}:
        pytest.skip("needs Noto Sans CJK Regular and Bold (fonts-noto-cjk)")
    for region in REGIONS:
        for nb in NOTEBOOKS:
            pdf = report(default_pack, nb, region, "zh-CN", "pdf")
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True)
            rows = fonts.stdout.splitlines()[2:]
            assert not [x for x in rows if "Type 3" in x], (pdf, fonts.stdout)
            cjk = [x for x in rows if "NotoSansCJKsc-" in x]
            assert cjk and all("CID TrueType" in x for x in cjk), (pdf, fonts.stdout)


@pytest.mark.slow
def test_chinese_pdf_at_most_one_and_a_half_times_english(default_pack):
    for region in REGIONS:
        for nb in NOTEBOOKS:
            en = report(default_pack, nb, region, "en", "pdf").stat().st_size
            zh = report(default_pack, nb, region, "zh-CN", "pdf").stat().st_size
            assert zh <= 1.5 * en, f"{nb} {region}: zh {zh:,} B, en {en:,} B ({zh / en:.2f}x)"


@pytest.mark.slow
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


@pytest.mark.slow
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
        assert revenue.startswith("¥215.3万"), revenue
    finally:
        fmt.set_currency(None)
        set_language("en")


# ---------------------------------------------------------------- the pieces, without a pack


def test_clean_svg_is_ready_to_sit_inline_and_says_its_fonts_once():
    from salesmeasure.render.export import _svg_is_tall, clean_svg

    svg = (
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<svg width="400pt" height="300pt" viewBox="0 0 400 300" xmlns="http://www.w3.org/2000/svg">\n'
        " <metadata><rdf:RDF><dc:date>2026-12-03</dc:date></rdf:RDF></metadata>\n"
        "<text style=\"font-size: 10px; font-family: 'Noto Sans CJK SC', 'DejaVu Sans', sans-serif; "
        'text-anchor: middle">收入</text>\n'
        "<text style=\"font-size: 12px; font-family: 'Noto Sans CJK SC', 'DejaVu Sans', sans-serif\">"
        "区域</text>\n"
        "<text style=\"font-family: 'DejaVu Sans Mono', monospace\">R01</text></svg>"
    )
    out = clean_svg(svg)
    assert out.startswith("<svg ") and "<!DOCTYPE" not in out and "<metadata>" not in out
    assert out.count("Noto Sans CJK SC") == 1  # on the root, inherited by the texts
    root = out[: out.index(">") + 1]
    assert "style=\"font-family: 'Noto Sans CJK SC', 'DejaVu Sans', sans-serif\"" in root
    assert '<text style="font-size: 10px; text-anchor: middle">收入</text>' in out
    assert '<text style="font-size: 12px">区域</text>' in out
    assert "'DejaVu Sans Mono', monospace" in out  # a different font stays where it is
    assert not _svg_is_tall(out)
    assert _svg_is_tall(out.replace('height="300pt"', 'height="320pt"'))  # 0.8 of 400


def test_short_cells_stay_on_one_line():
    from salesmeasure.render.export import SHORT_CELL, nowrap_short_cells

    html = (
        '<td class="data row0 col1" >需行动</td><th>是否达成</th>'
        "<td>" + "长" * (SHORT_CELL + 1) + "</td><td><b>x</b></td><td></td>"
    )
    out = nowrap_short_cells(html)
    assert '<td class="sm-nw data row0 col1" >需行动</td>' in out
    assert '<th class="sm-nw">是否达成</th>' in out
    assert "<td>" + "长" * (SHORT_CELL + 1) + "</td>" in out  # a sentence may wrap
    assert "<td><b>x</b></td><td></td>" in out


def test_pdf_links_relative_to_the_pdfs_folder(tmp_path):
    from salesmeasure.render.pdfpost import relative_link

    here = tmp_path / "2026Q3" / "all"
    base = here.as_uri()
    assert relative_link(f"{base}/01_target_setting.html#targets-to-reset", here) == (
        "01_target_setting.pdf#targets-to-reset"
    )
    assert relative_link(f"{tmp_path.as_uri()}/2026Q3/north/02_x.html", here) == "../north/02_x.pdf"
    assert relative_link(f"{tmp_path.as_uri()}/2026Q3/index.html", here) == "../index.html"
    assert relative_link("https://example.org/a.html", here) is None


def test_finish_pdf_rewrites_links_and_packs_objects(tmp_path):
    """A PDF written as Chromium writes them (classic xref), finished: the link is
    relative, the small objects are in a compressed object stream, the file still reads
    (pdftotext when poppler is there)."""
    from salesmeasure.render.pdfpost import finish_pdf

    here = tmp_path / "all"
    here.mkdir()
    uri = f"{here.as_uri()}/01_target_setting.html".encode()
    objs = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R"
        b" /Resources <</Font <</F1 5 0 R>>>> /Annots [6 0 R]>>",
        None,  # the content stream
        b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>",
        b"<</Type /Annot /Subtype /Link /Rect [0 0 100 100] /A <</S /URI /URI (" + uri + b")>>>>",
    ]
    content = b"BT /F1 12 Tf 20 100 Td (Hello) Tj ET"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        if body is None:
            body = b"<</Length %d>> stream\n" % len(content) + content + b"\nendstream"
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF" % (len(objs) + 1, xref)
    pdf = tmp_path / "all" / "00.pdf"
    done = finish_pdf(bytes(out), pdf)
    assert done.startswith(b"%PDF-1.5") and b"/Type /ObjStm" in done and b"/Type /XRef" in done
    assert uri not in done
    pdf.write_bytes(done)
    assert pdf_uris(pdf) == ["01_target_setting.pdf"]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
        assert "Hello" in text.stdout and "Error" not in text.stderr, text.stderr
    assert finish_pdf(b"not a pdf", pdf) == b"not a pdf"


def test_dense_and_hatched_artists_are_images_inside_the_svg():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import io

    import matplotlib.pyplot as plt
    import numpy as np

    from salesmeasure.plots import svg_canvas
    from salesmeasure.plots.theme import set_theme

    set_theme()
    fig, (a, b) = plt.subplots(1, 2)
    rng = np.random.default_rng(1)
    a.scatter(rng.random(svg_canvas.DENSE_POINTS + 1), rng.random(svg_canvas.DENSE_POINTS + 1))
    a.scatter([0.5], [0.5])  # one mark: vector
    bars = b.bar([1, 2], [3, 4])
    bars[1].set_hatch("//")
    assert len(svg_canvas.dense_artists(fig)) == 2
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    plt.close(fig)
    assert svg.count("<image") == 2 and "<pattern" not in svg
    assert "<text" in svg and "<dc:date>" not in svg  # words are text; no date in the file
    assert svg.count("<use") < 10  # not one element per mark


def _page_lines(pdf: Path, page: int, header: str) -> list[str]:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True).stdout  # fmt: skip
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return [ln for ln in lines if ln != header and not re.fullmatch(r"\d+ ?/ ?\d+", ln)]


@pytest.mark.slow
@needs_pdftools
def test_no_printed_page_ends_with_a_heading(default_pack):
    """A section heading never ends a printed page while its section goes on on the next
    (its chart or table there): no heading among the last three lines of a page unless
    the next page opens with the next heading (before: 区域比较 and its one-line intro
    closed page 2 of the Chinese summary, its chart on page 3)."""
    for *_key, pdf in every(default_pack, "pdf"):
        html = pdf.with_suffix(".html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        headings = {h.get_text(strip=True) for h in soup.select("main h1, main h2, main h3")}
        header = soup.select_one("[data-print-header]")["data-print-header"]
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        text = [_page_lines(pdf, page, header) for page in range(1, pages + 1)]
        for page, lines in enumerate(text[:-1], start=1):
            assert lines, (pdf, page)
            section_ends = text[page] and text[page][0] in headings
            orphan = headings & set(lines[-3:])
            assert not orphan or section_ends, (pdf, page, lines[-3:], text[page][:2])


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_methods_appendix_opens_a_printed_page(lang):
    """The "How these numbers are made" heading cell is tagged so that print starts it on
    a new page (a heading pair at a page's foot, its section on the next, found by the
    test above on the Chinese retention report); other headings are not."""
    import nbformat

    from salesmeasure.glossary import METHODS_HEADING
    from salesmeasure.i18n import _, language
    from salesmeasure.render.export import prepare

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Headline"),
        nbformat.v4.new_markdown_cell("## How these numbers are made"),
        nbformat.v4.new_markdown_cell("### Data quality"),
    ]
    with language(lang):
        out, _headline, _toc = prepare(nb)
        assert out.cells[1].source.lstrip("# ").strip() == _(METHODS_HEADING)
    tags = [c.metadata.get("tags", []) for c in out.cells]
    assert tags == [[], ["sm-methods"], []]
    css = (ROOT / "templates" / "salesmeasure" / "static" / "salesmeasure.css").read_text()
    assert re.search(r"\.celltag_sm-methods\s*\{\s*break-before:\s*page", css)


def test_the_first_screen_is_not_spent_on_the_title_twice_and_a_long_contents_list():
    """Seen at 1280 x 800 in Chinese: the report title twice (the header's and the
    notebook's own first heading) and a two-column contents list of every sub-heading
    pushed the last actions of the executive summary below the fold. The notebook's
    leading h1 is hidden (the header carries the title), the contents list only sections
    (h1, h2), in three columns."""
    css = (ROOT / "templates" / "salesmeasure" / "static" / "salesmeasure.css").read_text()
    screen = css.split("@media print")[0]
    assert re.search(
        r"main > \.jp-MarkdownCell:first-child [^{]*h1:first-child\s*\{\s*display:\s*none", screen
    )
    assert re.search(r"\.sm-toc-l3\s*\{\s*display:\s*none", screen)
    assert re.search(r"\.sm-toc ol\s*\{[^}]*columns:\s*3", screen)
