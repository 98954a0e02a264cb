"""Step 4 of a batch: print exported HTML to A4 PDF with one reused headless Chromium.

The browser is the system's Chromium or Chrome (found on ``PATH``, or given with
``--chromium`` / ``SALESMEASURE_CHROMIUM``), driven by Playwright's
``chromium.launch(executable_path=...)``: Playwright's own browser download is not needed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["INSTALL_HINT", "ChromiumNotFound", "find_chromium", "PdfPrinter"]

INSTALL_HINT = (
    "PDF needs a Chromium or Chrome browser: install one with `apt-get install -y chromium` "
    "(Debian/Ubuntu), or point --chromium / SALESMEASURE_CHROMIUM at its executable."
)
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_FOOTER = (
    '<div style="font-size:7.5pt;color:#52606d;width:100%;padding:0 12mm;'
    'display:flex;justify-content:space-between;font-family:sans-serif">'
    '<span class="title"></span><span><span class="pageNumber"></span> / '
    '<span class="totalPages"></span></span></div>'
)


_HEADER = (
    '<div style="font-size:7.5pt;color:#52606d;width:100%;padding:0 12mm;'
    'font-family:sans-serif;white-space:nowrap;overflow:hidden">{text}</div>'
)


#: The page's text, script and style left out.
_TEXT = """() => {
  const seen = new Set();
  const walk = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || /^(script|style|noscript|template)$/i.test(el.tagName)) continue;
    for (const ch of n.data) seen.add(ch);
  }
  return [...seen].join('');
}"""
#: Wait for the subset faces (a face loads when the layout first needs it).
_LOAD_FONTS = """async () => {
  await Promise.all([...document.fonts]
    .filter(f => f.family.includes('Noto Sans CJK SC') && f.status !== 'loaded')
    .map(f => f.load().catch(() => null)));
  await document.fonts.ready;
}"""


#: The font of the header and footer's CJK text (:meth:`PdfPrinter._use_cjk_subset`).
_MARGIN_FAMILY = "SM Noto Sans CJK SC"


def _with_font(template: str, style: str) -> str:
    """A header or footer template with its CJK text in :data:`_MARGIN_FAMILY` (defined
    by ``style``); unchanged without one."""
    if not style:
        return template
    return style + template.replace(
        "font-family:sans-serif", f"font-family:'{_MARGIN_FAMILY}',sans-serif"
    )


def _header_template(text: str) -> str:
    """The page header: the report, region and period (from the report's
    ``data-print-header``), escaped; an empty header when the page has none."""
    import html

    return _HEADER.format(text=html.escape(text)) if text else "<div></div>"


from salesmeasure.errors import ChromiumNotFound  # noqa: E402  (defined with every error)

from .store import atomic_write  # noqa: E402


def _is_closed_error(exc: BaseException) -> bool:
    """A Playwright error that means the page, browser or driver is gone."""
    name = type(exc).__name__
    text = str(exc).lower()
    return name == "TargetClosedError" or any(
        w in text
        for w in ("has been closed", "target closed", "browser closed", "connection closed")
    )


def find_chromium(explicit: str | os.PathLike | None = None) -> str | None:
    """The browser executable: ``explicit``, else ``$SALESMEASURE_CHROMIUM``, else ``PATH``.

    Raises
    ------
    ChromiumNotFound
        An explicit or configured path does not exist (a typo should not silently
        fall back to another browser).
    """
    for given, source in (
        (explicit, "--chromium"),
        (os.environ.get("SALESMEASURE_CHROMIUM"), "SALESMEASURE_CHROMIUM"),
    ):
        if given:
            path = shutil.which(str(given))
            if path is None:
                raise ChromiumNotFound(f"{source}={given!s} is not an executable. {INSTALL_HINT}")
            return path
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class PdfPrinter:
    """One headless browser for a whole batch; ``print(html_path, pdf_path)`` per report.

    Use as a context manager (or call :meth:`close`); the browser starts on the first
    :meth:`print`. PDF files are written atomically.
    """

    def __init__(self, executable: str, *, timeout_s: float = 60):
        self.executable = executable
        self.timeout_ms = timeout_s * 1000
        self._pw = self._browser = self._page = None

    def __enter__(self) -> PdfPrinter:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=self.executable,
                headless=True,
                chromium_sandbox=False,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    "--disable-sync",
                ],
                timeout=self.timeout_ms,
            )
            self._page = self._browser.new_page()
            self._page.set_default_timeout(self.timeout_ms)
        except Exception as exc:
            self.close()
            raise ChromiumNotFound(
                f"could not start {self.executable}: {exc}. {INSTALL_HINT}"
            ) from exc
        return self

    def healthy(self) -> bool:
        """Whether the browser is running and connected with its page open."""
        try:
            return (
                self._browser is not None
                and self._page is not None
                and self._browser.is_connected()
                and not self._page.is_closed()
            )
        except Exception:  # the driver itself is gone
            return False

    def restart(self) -> None:
        """Close what is left of the browser (and its driver) and start a new one."""
        import logging

        # a dead driver leaves futures that asyncio would report when they are collected
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        self.close()
        self.__enter__()

    def print(self, html_path: str | Path, pdf_path: str | Path) -> Path:
        """Print one HTML file to an A4 PDF (page size from the report's ``@page`` CSS).

        A browser that was closed or crashed under the printer (a Ctrl-C the browser saw,
        an out-of-memory kill) is restarted once and the export tried again.
        """
        pdf_path = Path(pdf_path)
        if self._page is None:  # started lazily: the batch need not wait for the browser
            self.__enter__()
        elif not self.healthy():
            self.restart()
        try:
            data = self._print_bytes(html_path)
        except Exception as exc:
            if self.healthy() and not _is_closed_error(exc):
                raise  # a problem of this report (e.g. a timeout), not of the browser
            self.restart()
            data = self._print_bytes(html_path)
        from .pdfpost import finish_pdf

        atomic_write(pdf_path, finish_pdf(data, pdf_path))  # relative links, packed
        return pdf_path

    def _print_bytes(self, html_path) -> bytes:
        self._page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
        self._page.emulate_media(media="print")
        # the provenance, collapsed on screen, closes the printed report (its last page)
        self._page.evaluate(
            "() => document.querySelectorAll('details.sm-provenance')"
            ".forEach(d => { d.open = true; })"
        )
        header = self._page.evaluate(
            "() => (document.querySelector('[data-print-header]') || {dataset: {}})"
            ".dataset.printHeader || ''"
        )
        style = self._use_cjk_subset(header)
        return self._page.pdf(
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
            display_header_footer=True,
            header_template=_with_font(_header_template(header), style),
            footer_template=_with_font(_FOOTER, style),
        )

    def _use_cjk_subset(self, header: str) -> str:
        """A Chinese page: its CJK text in a TrueType subset of Noto Sans CJK SC (see
        :mod:`.cjkfont`), embedded as CID TrueType, not Chromium's Type 3 glyphs; one
        weight, its bold CJK text drawn twice from it (:mod:`.cjkbold`).
        Returns the ``<style>`` for the header and footer (they show the header text and
        the page's title; they load no font but one given inline), or ""."""
        if not self._page.evaluate("() => document.documentElement.lang || ''").startswith("zh"):
            return ""
        from .cjkbold import CLASS, CSS, OFFSET_EM, SCRIPT
        from .cjkfont import RANGES, font_faces, inline_face

        page_faces = font_faces(self._page.evaluate(_TEXT))
        # the margins' face is loaded by the page too: the templates draw with it then
        face = inline_face(_MARGIN_FAMILY, header + self._page.title())
        css = "\n".join(x for x in (page_faces, CSS if page_faces else "", face) if x)
        if css:
            self._page.add_style_tag(content=css)
            if page_faces:  # one weight embedded: bold CJK drawn from the regular face
                self._page.evaluate(SCRIPT, [CLASS, OFFSET_EM, [list(r) for r in RANGES]])
            self._page.evaluate(_LOAD_FONTS)
        return f"<style>{face}</style>" if face else ""

    def close(self) -> None:
        for obj in (self._browser, self._pw):
            try:
                if obj is self._pw and obj is not None:
                    obj.stop()
                elif obj is not None:
                    obj.close()
            except Exception:
                pass
        self._pw = self._browser = self._page = None

    def __exit__(self, *exc) -> None:
        self.close()
