"""Step 3 of a batch: export an executed notebook to a self-contained HTML report.

In-process ``nbconvert.HTMLExporter`` with the ``salesmeasure`` template folder
(``templates/salesmeasure``, extending JupyterLab's ``lab`` template): code hidden, a
header (title, period, region, generation time, parameters), a table of contents, a
provenance footer and A4 print CSS. Output is self-contained: images are embedded and
the template drops the CDN ``<script>`` tags (require.js, MathJax, mermaid).

Strings from data are escaped: before export every ``text/html`` and ``text/markdown``
output is rendered and cleaned with bleach (``<script>``, event handlers, ``javascript:``
URLs become text or are removed), and script/widget outputs are dropped. Markdown cells
are authored content and are kept as written.
"""

from __future__ import annotations

import copy
import hashlib
import html
import os
import re
from functools import lru_cache
from pathlib import Path

from salesmeasure.i18n import translate_markdown

__all__ = [
    "HEADLINE_MIME",
    "template_dir",
    "template_hash",
    "prepare",
    "export_html",
    "title_of",
    "navigation",
    "finish_page",
    "ascii_anchor",
    "ascii_anchors",
]

#: Mime type of the small headline JSON a notebook may display for the index page.
HEADLINE_MIME = "application/vnd.salesmeasure.headline+json"
_SCRAP_MIME = "application/scrapbook.scrap.json+json"
_DROP_MIMES = re.compile(
    r"javascript|ecmascript|widget|vnd\.plotly|vnd\.bokeh|vnd\.vega|vnd\.holoviews"
)

_TAGS = frozenset(
    {
        "a",
        "abbr",
        "acronym",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "var",
    }
)
_COMMON_ATTRS = frozenset(
    {
        "class",
        "id",
        "title",
        "style",
        "align",
        "valign",
        "colspan",
        "rowspan",
        "scope",
        "border",
        "width",
        "height",
        "lang",
        "dir",
    }
)


#: A link to another report in the same folder: a plain file name, no path or scheme.
_SIBLING = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\.html(#[A-Za-z0-9_-]*)?")


def _allow_attr(tag: str, name: str, value: str) -> bool:
    """bleach attribute filter: links only to the web or in-page, images only embedded."""
    if name in _COMMON_ATTRS:
        return True
    if tag == "a" and name == "href":
        v = value.strip()
        # the web, in-page, or a sibling report of the same batch ("01_target_setting.html")
        return v.lower().startswith(("http://", "https://", "mailto:", "#")) or bool(
            _SIBLING.fullmatch(v)
        )
    if tag == "img" and name == "src":  # embedded only: no tracking pixels, works offline
        return value.strip().lower().startswith("data:image/")
    return (tag, name) in {("a", "name"), ("img", "alt"), ("ol", "start"), ("ol", "type")}


#: A link to a notebook beside this one (``01_target_setting.ipynb#scorecard``), as a
#: notebook writes it so that JupyterLab opens it; published, it points at the sibling report.
_NOTEBOOK_LINK = re.compile(r"""(href=["']|\]\()([A-Za-z0-9_][A-Za-z0-9_.-]*)\.ipynb(?=[#"')])""")


def notebook_links_to_html(text: str) -> str:
    """Point links to sibling notebooks at their rendered reports: ``href="x.ipynb#a"``
    and Markdown ``](x.ipynb)`` become ``x.html``. Paths and URLs are left alone."""
    return _NOTEBOOK_LINK.sub(lambda m: f"{m.group(1)}{m.group(2)}.html", text)


_PROTOCOLS = frozenset({"http", "https", "mailto", "data"})
_HEADING = re.compile(r"<h([1-3])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def template_dir() -> Path:
    """The folder holding the nbconvert template folders (``templates/`` of the project).

    ``SALESMEASURE_TEMPLATES`` overrides it (e.g. for an installed, non-editable package).
    """
    env = os.environ.get("SALESMEASURE_TEMPLATES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "templates"


def _tree_hash(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if (
            p.is_file()
            and "__pycache__" not in p.parts
            and (suffixes is None or p.suffix in suffixes)
        ):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


def template_hash(root: Path | None = None) -> str:
    """Hash of every template file: a changed template invalidates the cache."""
    return _tree_hash(root or template_dir())


def library_hash() -> str:
    """Hash of the library's code and message catalogs: a changed chart, sentence or
    translation invalidates the cache even while the version number stays the same."""
    import salesmeasure

    return _tree_hash(Path(salesmeasure.__file__).parent, (".py", ".po"))


def sanitize_html(fragment: str) -> str:
    """Clean an HTML fragment: allow formatting and tables, escape everything else."""
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    return bleach.clean(
        fragment,
        tags=_TAGS,
        attributes=_allow_attr,
        protocols=_PROTOCOLS,
        css_sanitizer=CSSSanitizer(),
        strip=False,
        strip_comments=True,
    )


def _markdown_to_html(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def _headings(fragment: str) -> list[tuple[int, str, str]]:
    out = []
    for level, anchor, inner in _HEADING.findall(fragment):
        text = html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        if text:
            out.append((int(level), html.unescape(anchor), text))
    return out


def _join(src) -> str:
    return "".join(src) if isinstance(src, list) else str(src)


def _is_methods_heading(source: str) -> bool:
    """The cell opens with the "How these numbers are made" heading (in the report's
    language): the methods appendix of every report."""
    from salesmeasure.glossary import METHODS_HEADING
    from salesmeasure.i18n import _

    first = source.lstrip().split("\n", 1)[0]
    return first.lstrip("#").strip() == _(METHODS_HEADING) and first.startswith("#")


def prepare(nb):
    """Make an executed notebook ready to publish; return ``(nb, headline, toc)``.

    Works on a copy. Removes headline outputs (collected into ``headline``), stderr
    streams (warnings are for analysts, not managers), script/widget outputs and error
    outputs; renders ``text/markdown`` outputs to HTML and sanitizes all HTML outputs.
    ``toc`` lists ``(level, anchor, text)`` for the h1-h3 headings, in order.
    """
    nb = copy.deepcopy(nb)
    headline: dict = {}
    toc: list[tuple[int, str, str]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(_join(cell.source))  # the report language
            cell.source = notebook_links_to_html(cell.source)
            if _is_methods_heading(cell.source):  # the appendix starts a printed page
                tags = list(cell.metadata.get("tags", []))
                cell.metadata["tags"] = [*tags, "sm-methods"]
            toc += _headings(_markdown_to_html(_join(cell.source)))
            continue
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "error" or (kind == "stream" and out.get("name") == "stderr"):
                continue
            if kind in ("display_data", "execute_result"):
                data = out.get("data", {})
                if HEADLINE_MIME in data:
                    if isinstance(data[HEADLINE_MIME], dict):
                        headline.update(data[HEADLINE_MIME])
                    continue
                if _SCRAP_MIME in data:  # scrapbook-style glue
                    scrap = data[_SCRAP_MIME]
                    if isinstance(scrap, dict) and "name" in scrap:
                        headline[str(scrap["name"])] = scrap.get("data")
                    continue
                for mime in [m for m in data if _DROP_MIMES.search(m)]:
                    del data[mime]
                if "text/markdown" in data:
                    data["text/html"] = _markdown_to_html(_join(data.pop("text/markdown")))
                if "text/html" in data:
                    html_text = notebook_links_to_html(_join(data["text/html"]))
                    data["text/html"] = sanitize_html(html_text)
                    toc += _headings(data["text/html"])
                if not data:
                    continue
                if "image/svg+xml" in data:
                    data["image/svg+xml"] = clean_svg(_join(data["image/svg+xml"]))
                    data.pop("image/png", None)  # one chart, one form
                    if _svg_is_tall(data["image/svg+xml"]):
                        meta = out.setdefault("metadata", {}).setdefault("image/svg+xml", {})
                        meta["sm_tall"] = True
                elif _is_tall(data.get("image/png")):
                    out.setdefault("metadata", {}).setdefault("image/png", {})["sm_tall"] = True
            kept.append(out)
        cell.outputs = kept
    return nb, headline, toc


_SVG_PROLOG = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?")
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_ROOT = re.compile(r"<svg\b[^>]*>")
_SVG_FONT = re.compile(r"font-family: ?([^;\"]+?)(?:; ?|(?=\"))")
_SVG_SIZE = re.compile(r'\bwidth="([\d.]+)pt" height="([\d.]+)pt"')


def clean_svg(svg: str) -> str:
    """A matplotlib SVG ready to sit inline in the page: no XML prolog or DOCTYPE (not
    allowed inside HTML), no metadata block, and the font list that every text element
    repeats (``svg.fonttype = "none"``: text stays text) said once on the root element,
    whence the texts inherit it."""
    svg = _SVG_METADATA.sub("", _SVG_PROLOG.sub("", svg, count=1), count=1)
    fonts = _SVG_FONT.findall(svg)
    if not fonts:
        return svg
    common = max(set(fonts), key=fonts.count)
    svg = _SVG_FONT.sub(lambda m: "" if m.group(1) == common else m.group(0), svg)
    svg = re.sub(r'( style="[^"]*?);\s*"', r'\1"', svg).replace(' style=""', "")
    family = html.escape(common, quote=False)
    return _SVG_ROOT.sub(
        lambda m: m.group(0)[:-1] + f' style="font-family: {family}">', svg, count=1
    )


def _svg_is_tall(svg: str) -> bool:
    m = _SVG_SIZE.search(svg[:600])
    if not m:
        return False
    width, height = float(m.group(1)), float(m.group(2))
    return width > 0 and height >= TALL_RATIO * width


#: A chart at least this tall for its width (a bar per rep) gets more of a printed page.
TALL_RATIO = 0.8


def _is_tall(png_b64) -> bool:
    """Whether a base64 PNG is at least :data:`TALL_RATIO` as tall as it is wide (read
    from its header). Printed, such a chart may take up to 190 mm of the page instead of
    85 mm, so its words stay readable (the CSS's ``.sm-tall``)."""
    import base64
    import struct

    if not png_b64:
        return False
    try:
        head = base64.b64decode(_join(png_b64)[:64])
        width, height = struct.unpack(">II", head[16:24])
    except (ValueError, struct.error):
        return False
    return width > 0 and height >= TALL_RATIO * width


def title_of(nb, fallback: str) -> str:
    """The notebook's first level-1 heading, else ``fallback`` made readable."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in _join(cell.source).splitlines():
                if line.startswith("# "):
                    return translate_markdown(line)[2:].strip()
    return re.sub(r"^\d+[_-]", "", fallback).replace("_", " ").strip().capitalize()


@lru_cache(maxsize=4)
def _exporter(root: str):
    import logging

    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="salesmeasure",
        extra_template_basedirs=[root],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )
    exporter.log.setLevel(logging.ERROR)  # e.g. "alternative text is missing" per image
    from salesmeasure.i18n import _, ngettext

    # _() in the template: the report language at export time (see babel.cfg)
    exporter.environment.add_extension("jinja2.ext.i18n")
    exporter.environment.install_gettext_callables(_, ngettext, newstyle=False)
    return exporter


def export_html(nb, header: dict, *, templates: Path | None = None) -> tuple[str, dict, list]:
    """Export an executed notebook to one self-contained HTML string.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook.
    header : dict
        What the template shows: ``title, period, region, generated`` (str),
        ``parameters`` and ``provenance`` (lists of ``(label, value)`` pairs). Values are
        escaped by the template.

    Returns
    -------
    html, headline, toc
    """
    nb, headline, toc = prepare(nb)
    root = str((templates or template_dir()).resolve())
    exporter = _exporter(root)
    meta = dict(header)
    toc = [(lvl, ascii_anchor(a), t) for lvl, a, t in toc]  # as finish_page makes the ids
    meta["toc"] = [{"level": lvl, "anchor": a, "text": t} for lvl, a, t in toc]
    resources = {"metadata": {"name": header.get("title", "Report")}, "salesmeasure": meta}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return finish_page(body, header), headline, toc


def page_title(header: dict) -> str:
    """The browser tab's title: report, region and period (``Executive summary · North ·
    2026 Q3``)."""
    parts = [header.get("title") or "Report", header.get("region"), header.get("period")]
    return " · ".join(str(p) for p in parts if p)


#: A table cell of at most this many characters is kept on one line (class ``sm-nw``).
SHORT_CELL = 12
_CELL = re.compile(r"<(t[dh])\b([^>]*)>([^<]{1,80})</\1>")


def nowrap_short_cells(body: str) -> str:
    """Mark every table cell with a short text (at most :data:`SHORT_CELL` characters:
    a status word, a number, 需行动, 是否达成) ``sm-nw``, kept on one line: a narrow
    printed column breaks a Chinese word anywhere, one character a line (issue 20)."""

    def sub(m):
        text = html.unescape(m.group(3)).strip()
        if not text or len(text) > SHORT_CELL:
            return m.group(0)
        attrs = m.group(2)
        if 'class="' in attrs:
            attrs = attrs.replace('class="', 'class="sm-nw ', 1)
        else:
            attrs += ' class="sm-nw"'
        return f"<{m.group(1)}{attrs}>{m.group(3)}</{m.group(1)}>"

    return _CELL.sub(sub, body)


#: An ``id`` that nbconvert made of a heading's non-ASCII text, percent-encoded
#: (``%E8%A6%81%E7%82%B9...``), and a same-page link to one.
_ENCODED_ID = re.compile(r'\bid="([^"]*%[0-9A-Fa-f]{2}[^"]*)"')
_SAME_PAGE_HREF = re.compile(r'\bhref="#([^"]*)"')


def ascii_anchor(anchor: str) -> str:
    """The id of a heading whose nbconvert id is ``anchor``: unchanged when it is plain
    ASCII, else ``s-`` and a short hash of the heading's text (``s-3f9a0c41d2``), the same
    in every render of that text. A Chinese heading's id is its text percent-encoded,
    and Chromium writes it once more encoded (``#25E8#25A6...``) as the PDF's named
    destination: 200-700 characters, past the 127 a PDF name may have (poppler warns
    "name token is longer than what the specification says it can be")."""
    from urllib.parse import unquote

    text = html.unescape(anchor)
    if not re.search(r"%[0-9A-Fa-f]{2}", text):
        return anchor
    digest = hashlib.sha1(unquote(text).encode("utf-8", "surrogatepass")).hexdigest()
    return "s-" + digest[:10]


def ascii_anchors(body: str) -> str:
    """``body`` with every percent-encoded ``id`` made ASCII (:func:`ascii_anchor`) and
    the same-page links to it (the contents, the headings' own links) following it."""
    ids = {m.group(1) for m in _ENCODED_ID.finditer(body)}
    if not ids:
        return body
    new = {old: ascii_anchor(old) for old in ids}
    body = _ENCODED_ID.sub(lambda m: f'id="{new[m.group(1)]}"', body)
    return _SAME_PAGE_HREF.sub(
        lambda m: f'href="#{new[m.group(1)]}"' if m.group(1) in new else m.group(0), body
    )


def finish_page(body: str, header: dict) -> str:
    """Set the page's ``<title>`` (report, region, period) and ``<html lang>`` (the
    report's language, e.g. ``zh-CN``; nbconvert only knows ISO 639-1 codes); keep short
    table cells on one line (:func:`nowrap_short_cells`); give headings ASCII ids
    (:func:`ascii_anchors`)."""
    body = ascii_anchors(nowrap_short_cells(body))
    title = html.escape(page_title(header), quote=False)
    body = re.sub(r"<title>.*?</title>", lambda _m: f"<title>{title}</title>", body,
                  count=1, flags=re.S)  # fmt: skip
    lang = header.get("lang")
    if lang:
        body = re.sub(r"<html(\s[^>]*)?>", lambda _m: f'<html lang="{html.escape(lang)}">',
                      body, count=1)  # fmt: skip
    return body


def navigation(
    here: Path,
    *,
    index: Path,
    regions: list[tuple[str, Path]],
    languages: list[tuple[str, Path]],
) -> dict:
    """The navigation bar of a report at ``here`` (its HTML file), links relative to its
    folder: the index page, the same report for each region (``(name, path)``, the
    report's own included: it is shown as current) and the same report in each language.

    Returns ``{"index": href, "regions": [(name, href, current)], "languages": [...]}``
    for the template.
    """
    here = Path(here)
    folder = here.parent

    def rel(p: Path) -> str:
        return Path(os.path.relpath(Path(p), folder)).as_posix()

    return {
        "index": rel(index),
        "regions": [(name, rel(p), Path(p) == here) for name, p in regions],
        "languages": [(name, rel(p), Path(p) == here) for name, p in languages],
    }
