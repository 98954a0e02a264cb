"""Bold Chinese text of a printed page drawn from the regular Noto Sans CJK SC subset
(issue 20: a Chinese PDF at most 1.5x its English twin).

A bold face of its own doubled the CJK glyphs a Chinese PDF embeds (a report's headings,
table headers and chart titles share most of their characters with its body text: in the
survey report 224 of 242 bold characters): 30 KB of a 180 KB PDF. Chromium's own
synthetic bold is no way out: Skia prints emboldened glyphs as Type 3 outlines (700 KB).
So the printer embeds the regular face only and draws each bold CJK run of the page
twice, the second time shifted right by :data:`OFFSET_EM` of its size: the page's
``text-shadow`` (HTML), a copy of the ``<text>`` element (SVG charts, where Chromium draws
no text shadow; an underlined link gets a bottom border for its underline, whose shadow
Chromium would paint as an image). Both copies are text in the same embedded font: the PDF stays
searchable and its text extracts once (PDF readers drop an overprinted copy as the
boldface it is; :data:`SIZE_EM` makes sure they see it whole). Latin text keeps its real bold face (DejaVu Sans Bold): only the CJK runs
of an HTML element are wrapped.

This runs on the page being printed, after it loaded: the HTML files are not changed.
"""

from __future__ import annotations

__all__ = ["ALT_EM", "CSS", "CLASS", "OFFSET_EM", "SCRIPT", "SIZE_EM"]

#: The shift of the second copy: Noto Sans CJK SC Bold's stems are 0.05 em thicker than
#: the Regular's (丨: 131 against 81 units of 1000).
OFFSET_EM = 0.05
CLASS = "sm-cjk-bold"
#: The size of a wrapped run against its text's: a PDF reader ends a word where the type
#: size changes, so the run and its copy are two equal words, one on the other, and the
#: copy is dropped as the overprinted boldface it is (poppler's ``pdftotext``). Without
#: it an inline bold run and the regular text after it (Chinese has no spaces) were one
#: word and the copy another: the run was extracted twice. Half a percent: invisible.
SIZE_EM = 1.005
#: Every other run is a further half percent larger: two runs that touch (a bold phrase
#: holding a link, "优先致电<a>致电名单</a>上的…") would otherwise be one word in the
#: reader, run and copy interleaved ("优先致电致电名单" extracted twice, then "上的" twice).
ALT_EM = 1.005
#: The page's rules: the wrapped runs in the regular weight, drawn twice (their line
#: height no taller than the line's); no synthetic bold anywhere (a CJK run this missed
#: prints in the regular weight, not as Type 3 outlines).
CSS = (
    f".{CLASS} {{ font-weight: 400; font-size: {SIZE_EM}em; line-height: 1;"
    f" text-shadow: {OFFSET_EM}em 0 0 currentColor; }}\n"
    f".{CLASS}.{CLASS}-alt {{ font-size: {SIZE_EM * ALT_EM:.5f}em; }}\n"
    "html { font-synthesis-weight: none; }"
)
#: Wrap the CJK runs of every bold (600 or more) HTML text in ``<span class="CLASS">``;
#: print every bold SVG ``<text>`` holding CJK in the regular weight, twice. Returns
#: ``[HTML runs wrapped, SVG texts doubled]``. The character classes are those of
#: :data:`salesmeasure.render.cjkfont.RANGES`.
SCRIPT = """(args) => {
  const [cls, offset, ranges] = args;
  const set = ranges.map(([a, b]) => `\\\\u{${a.toString(16)}}-\\\\u{${b.toString(16)}}`).join('');
  const hasCjk = new RegExp(`[${set}]`, 'u'), run = new RegExp(`([${set}]+)`, 'u');
  const walk = document.createTreeWalker(document.body || document.documentElement,
                                         NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || /^(script|style|noscript|template|title)$/i.test(el.tagName)) continue;
    if (!hasCjk.test(n.data) || el.classList.contains(cls)) continue;
    if (parseInt(getComputedStyle(el).fontWeight, 10) < 600) continue;
    nodes.push(n);
  }
  const texts = new Set();
  let wrapped = 0;
  // Chromium rasterises the shadow of a text decoration (a page-sized image): an
  // underlined inline ancestor is underlined with a bottom border instead, and a run
  // under any other decoration keeps its single copy.
  const undecorated = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const st = getComputedStyle(a);
      if (st.textDecorationLine === 'none') {
        if (st.display !== 'inline') return true;
        continue;
      }
      if (st.display !== 'inline' || st.textDecorationLine !== 'underline') return false;
      a.style.borderBottom = `max(1px, 0.06em) solid ${st.textDecorationColor}`;
      a.style.textDecorationLine = 'none';
    }
    return true;
  };
  for (const n of nodes) {
    const el = n.parentElement;
    if (el instanceof SVGElement) {
      const text = el.closest('text');
      if (text) texts.add(text);
      continue;
    }
    if (!undecorated(el)) continue;
    const frag = document.createDocumentFragment();
    n.data.split(run).forEach((part, i) => {
      if (!part) return;
      if (i % 2) {
        const span = document.createElement('span');
        span.className = wrapped % 2 ? `${cls} ${cls}-alt` : cls;
        span.textContent = part;
        frag.append(span);
        wrapped++;
      } else frag.append(part);
    });
    n.replaceWith(frag);
  }
  for (const text of texts) {
    const size = parseFloat(getComputedStyle(text).fontSize) || 0;
    text.style.fontWeight = '400';
    text.querySelectorAll('*').forEach(t => { t.style.fontWeight = '400'; });
    const copy = text.cloneNode(true);
    const move = `translate(${(offset * size).toFixed(3)} 0)`;
    copy.setAttribute('transform', `${text.getAttribute('transform') || ''} ${move}`.trim());
    copy.setAttribute('aria-hidden', 'true');
    copy.classList.add(cls);
    text.after(copy);
  }
  return [wrapped, texts.size];
}"""
