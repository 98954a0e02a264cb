"""Every page finished (issue 12, part 2): the report header a manager reads, the index
dashboard and the printed PDF pages, on a tiny batch rendered by the real ``render``."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from test_render import CHROMIUM, good_notebook

from salesmeasure.render import render
from salesmeasure.report import data_location, data_name


@pytest.fixture(scope="module")
def pages(tmp_path_factory, sample_dir):
    d = tmp_path_factory.mktemp("pages")
    nbs = d / "notebooks"
    nbs.mkdir()
    good_notebook(nbs)
    out = d / "reports"
    render(
        "2026Q3",
        data=sample_dir,
        out=out,
        regions="all,North",
        notebooks_dir=nbs,
        formats="html,pdf" if CHROMIUM else "html",
        jobs=1,
        progress=False,
    )
    return out / "2026Q3"


def test_data_name_and_location():
    assert data_name("/home/ann/sales data/sample") == "sample"
    assert data_name("C:/exports/Orders export.xlsx") == "Orders export"
    assert data_name("postgresql://ann:secret@db.example:5432/sales") == "sales (db.example)"
    loc = data_location("postgresql://ann:secret@db.example:5432/sales")
    assert "secret" not in loc and "db.example" in loc
    assert data_location("/home/ann/sample") == "/home/ann/sample"


@pytest.mark.slow
def test_header_names_the_data_set_and_the_footer_keeps_no_path(pages, sample_dir):
    html = (pages / "north" / "a_orders.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    header = soup.find("header").get_text(" ", strip=True)
    assert "sample, as of 15 Nov 2026" in header
    assert str(sample_dir) not in header and "data_path" not in header
    footer = soup.find("footer")
    assert footer.find("details") is not None  # collapsed (issue 20)
    text = footer.get_text(" ", strip=True)
    for kept in ("sample", "Data fingerprint", "salesmeasure"):
        assert kept in text
    assert str(sample_dir.resolve()) not in html  # no local path anywhere (issue 20)


@pytest.mark.slow
def test_index_is_a_dashboard(pages):
    """A legend for the status symbols, the KPIs in aligned columns (named once in the
    table head, the same number per region) and a change arrow per KPI."""
    from salesmeasure.format import STATUS_SYMBOLS, STATUS_WORDS

    soup = BeautifulSoup((pages / "index.html").read_text(), "html.parser")
    legend = soup.select_one(".ix-legend").get_text(" ", strip=True)
    for key, symbol in STATUS_SYMBOLS.items():
        assert f"{symbol} {STATUS_WORDS[key]}" in legend
    assert "↑ ↓ →" in legend
    heads = [s.get_text(strip=True) for s in soup.select(".ix-kpi-heads span")]
    assert heads == ["Revenue", "Target attainment", "Retention rate", "NPS"]
    rows = soup.select("tbody tr")
    assert len(rows) == 2  # all regions, North
    for row in rows:
        kpis = row.select("dl.ix-kpis > div")
        assert [k.dt.get_text(strip=True) for k in kpis] == heads  # same columns, same order
        for k in kpis:
            trend = k.select_one(".ix-trend")
            assert trend is not None and trend.get_text()[0] in "↑↓→", k.get_text()


@pytest.mark.slow
@pytest.mark.pdf
@pytest.mark.skipif(not CHROMIUM, reason="no Chromium to print PDFs")
def test_pdf_pages_have_a_header_with_report_region_and_period_and_numbers(pages):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pages / "north" / "a_orders.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sheets = [p for p in text.split("\f") if p.strip()]
    assert sheets
    for n, sheet in enumerate(sheets, start=1):
        assert "Orders report · North · 2026Q3" in sheet
        assert re.search(rf"\b{n}\s*/\s*{len(sheets)}\s*$", sheet.rstrip())


def test_print_css_keeps_figures_tables_and_headings_whole():
    from salesmeasure.render.export import template_dir

    css = (template_dir() / "salesmeasure" / "static" / "salesmeasure.css").read_text()
    print_css = css[css.index("@media print") :]
    for rule in ("img", "table", ".jp-MarkdownCell"):
        assert rule in print_css
    assert "break-inside: avoid" in print_css and "break-after: avoid" in print_css


def test_links_to_sibling_notebooks_point_at_reports_when_published():
    from salesmeasure.render.export import notebook_links_to_html

    assert notebook_links_to_html('<a href="01_target_setting.ipynb">x</a>') == (
        '<a href="01_target_setting.html">x</a>'
    )
    assert notebook_links_to_html("See the [report](03_retention_clv.ipynb#Revenue-at-risk).") == (
        "See the [report](03_retention_clv.html#Revenue-at-risk)."
    )
    for kept in ('<a href="../x/a.ipynb">', '<a href="https://example.org/a.ipynb">'):
        assert notebook_links_to_html(kept) == kept


def test_summary_findings_link_the_notebook_and_the_export_the_report():
    """In JupyterLab the executive summary's 'See the target report' opens the notebook
    beside it; in the rendered report the same link opens the HTML report beside it."""
    import nbformat

    from salesmeasure.kpi.text import describe_findings
    from salesmeasure.render.export import prepare

    md = describe_findings([{"text": "Revenue beat the target.", "report": "01_target_setting"}])
    assert "(01_target_setting.ipynb)" in md
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data={"text/markdown": md})
    ]))  # fmt: skip
    out, _headline, _toc = prepare(nb)
    html = out.cells[0].outputs[0]["data"]["text/html"]
    assert 'href="01_target_setting.html"' in html and ".ipynb" not in html


def _png_b64(width: int, height: int) -> str:
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_a_tall_chart_gets_more_of_the_printed_page():
    """A chart with a bar per rep (773 x 776 px) printed at 85 mm high had 4-point words
    (seen in the zh-CN target report's PDF); a chart at least 0.8 as tall as wide is
    marked so the print CSS lets it take up to 190 mm. A wide chart keeps 85 mm."""
    import nbformat

    from salesmeasure.render.export import export_html

    nb = nbformat.v4.new_notebook()
    for w, h in ((773, 776), (795, 438)):
        nb.cells.append(nbformat.v4.new_code_cell(outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": _png_b64(w, h)})
        ]))  # fmt: skip
    html, _headline, _toc = export_html(nb, {"title": "t"})
    assert html.count('class="sm-tall"') == 1
    tall = html.index('class="sm-tall"')
    images = [m.start() for m in re.finditer(r"<img ", html)]
    assert len(images) == 2 and tall < images[0] < images[1]
    css = html[html.index("@media print") :]
    assert re.search(r"\.sm-tall \.jp-OutputArea-output img \{ max-height: 190mm; \}", css)
