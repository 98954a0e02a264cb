"""The report's print CSS keeps a heading with what follows it.

A synthetic report with the real stylesheets and the exported HTML's cell structure (code
cells with table outputs, markdown cells holding a heading and its one-line intro), loaded
in the PDF printer's browser with print media. Before the fix, ``.jp-Cell { break-inside: auto }`` overrode the one-class
``.jp-MarkdownCell { break-inside: avoid }``: a heading closed page 5 of the Chinese North
survey report, its intro and section on page 6 (a synthetic layout did not reproduce
the break, so the computed style is what is checked; the pack's PDFs are checked by
tests/test_pages_finish.py::test_no_printed_page_ends_with_a_heading).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "templates" / "salesmeasure" / "static"

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed"
)


def _report(sections: list[int]) -> str:
    css = "".join(
        p.read_text(encoding="utf-8") for p in (STATIC / "page.css", STATIC / "salesmeasure.css")
    )
    cells = []
    for i, rows in enumerate(sections):
        body = "".join(f"<tr><td>row {r}</td><td>{r * 7}</td></tr>" for r in range(rows))
        table = f"<table><thead><tr><th>Item</th><th>Value</th></tr></thead><tbody>{body}</tbody></table>"
        outputs = [f"<p>Intro of table {i}.</p>", table, table.replace("row", "line")]
        cells.append(
            '<div class="jp-Cell jp-CodeCell jp-Notebook-cell jp-mod-noInput">'
            '<div class="jp-Cell-outputWrapper"><div class="jp-OutputArea jp-Cell-outputArea">'
            + "".join(
                '<div class="jp-OutputArea-child"><div class="jp-RenderedHTMLCommon '
                f'jp-RenderedHTML jp-OutputArea-output">{o}</div></div>'
                for o in outputs
            )
            + "</div></div></div>"
        )
        cells.append(
            '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><div class="jp-Cell-inputWrapper">'
            '<div class="jp-InputArea jp-Cell-inputArea"><div class="jp-RenderedHTMLCommon '
            f'jp-RenderedMarkdown jp-MarkdownOutput"><h2 id="h{i}">Heading number {i}'
            f'<a class="anchor-link" href="#h{i}"></a></h2><p>Intro sentence of section {i}.</p>'
            "</div></div></div></div>"
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{css}</style></head>'
        f'<body class="sm-report"><main>{"".join(cells)}</main></body></html>'
    )


def test_printed_markdown_cells_and_headings_avoid_breaks(tmp_path):
    """The computed print style of the exported cell structure: a markdown cell (heading
    and intro) is not broken inside, a heading not after (fails with the one-class
    ``.jp-MarkdownCell`` rule, which ``.jp-Cell { break-inside: auto }`` overrode)."""
    from salesmeasure.render.pdf import PdfPrinter, find_chromium

    chromium = find_chromium()
    if not chromium:
        pytest.skip("no Chromium to print with")
    html = tmp_path / "r.html"
    html.write_text(_report([5, 6]), encoding="utf-8")
    with PdfPrinter(chromium) as printer:
        printer.print(html, tmp_path / "r.pdf")  # starts the browser
        page = printer._page
        page.goto(html.resolve().as_uri())
        page.emulate_media(media="print")
        style = page.evaluate(
            """() => [...document.querySelectorAll('.jp-MarkdownCell')].map(c => [
                getComputedStyle(c).breakInside,
                getComputedStyle(c.querySelector('h2')).breakAfter])"""
        )
    assert style == [["avoid", "avoid"]] * 2, style
