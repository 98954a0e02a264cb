"""The suite's one seaborn theme.

The library never chooses a matplotlib backend: a notebook kernel uses its inline
backend, a script or test without a display gets matplotlib's own default (Agg).
Choosing one at import (``matplotlib.use``) would win over the kernel's inline backend
wherever the library is imported before a notebook runs, and the charts would vanish.
"""

from __future__ import annotations

import os
import re

import matplotlib.pyplot as plt
import seaborn as sns

from salesmeasure.plots.palette import QUALITATIVE, STATUS_COLOURS  # noqa: F401 (re-export)

#: Colour-blind-safe qualitative palette used by every chart (:mod:`.palette` is the
#: single source of colours; category colours are looked up there by code).
PALETTE = sns.color_palette(QUALITATIVE)
#: CJK-capable font families, first for Chinese charts (Debian ``fonts-noto-cjk`` provides
#: the first; the others are the Windows and macOS equivalents).
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC"]
#: Font file names of those families, for systems without fontconfig's ``fc-list``.
_CJK_FILES = re.compile(r"notosanscjk|notosanssc|msyh|pingfang", re.IGNORECASE)
#: The fontManager already checked for a CJK family (id), and the family it found.
_cjk_checked: tuple[int, str | None] | None = None


def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` that matplotlib can draw with, or None.

    matplotlib lists the system fonts once, in its cache (``fontlist-v*.json`` under
    ``matplotlib.get_cachedir()``), and never looks again: a CJK font installed after
    that (the README's order: ``make reports``, then ``apt-get install fonts-noto-cjk``)
    is unknown to it and every Chinese chart draws empty boxes. So when none of the
    families is known, the CJK font files the system has (``fc-list :lang=zh``, else
    matplotlib's own file search) are added to the font manager, and the cache is
    rewritten with them, so that the next process (a notebook kernel) reads them from
    the cache. Checked once per process; a font already known costs a set lookup.
    """
    global _cjk_checked
    from matplotlib import font_manager as fm

    manager = fm.fontManager
    if _cjk_checked is not None and _cjk_checked[0] == id(manager):
        return _cjk_checked[1]
    found = _known_cjk_family(manager)
    if found is None:
        added = False
        for path in _cjk_font_files():
            try:
                manager.addfont(path)
                added = True
            except (OSError, RuntimeError, ValueError):  # unreadable or not a font
                continue
        found = _known_cjk_family(manager)
        if added and found is not None:
            _save_font_cache(manager)
    _cjk_checked = (id(manager), found)
    return found


def _known_cjk_family(manager) -> str | None:
    names = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _cjk_font_files() -> list[str]:
    """The files of :data:`CJK_FONTS` on this system, without duplicates."""
    import shutil
    import subprocess

    files: dict[str, None] = {}
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", "--format", "%{family}\t%{file}\n", ":lang=zh"],
                capture_output=True, text=True, timeout=30, check=False,
            ).stdout  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            out = ""
        for line in out.splitlines():
            family, _, path = line.partition("\t")
            if path and any(name in family.split(",") for name in CJK_FONTS):
                files[path] = None
    if not files:
        from matplotlib import font_manager as fm

        for path in fm.findSystemFonts():
            if _CJK_FILES.search(os.path.basename(path)):
                files[path] = None
    return list(files)


def _save_font_cache(manager) -> None:
    """Rewrite matplotlib's font cache with ``manager`` (as a rebuild would)."""
    import matplotlib
    from matplotlib import font_manager as fm

    path = os.path.join(matplotlib.get_cachedir(), f"fontlist-v{fm.FontManager.__version__}.json")
    part = f"{path}.{os.getpid()}.part"  # written aside, then swapped in: a process reading
    try:  # the cache meanwhile sees the old list or the new one, never half of one
        fm.json_dump(manager, part)  # (it logs and skips an unwritable cache itself)
        if os.path.exists(part):
            os.replace(part, path)
    except OSError:  # a read-only cache: this process still has the fonts
        pass


def set_theme() -> None:
    """Apply the suite's theme (idempotent), with a CJK font first in Chinese reports."""
    from salesmeasure.i18n import get_language

    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    if get_language() == "zh-CN":  # matplotlib falls back per glyph to the later families
        cjk_font()  # a CJK font installed after matplotlib built its font cache
        plt.rcParams["font.sans-serif"] = [*CJK_FONTS, *plt.rcParams["font.sans-serif"]]
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            # titles just above the axes, where matplotlib's automatic placement puts
            # them unless ticks or a label sit above the axes (none of ours: tested on
            # every chart of the four reports); the automatic one measures the y axis of every
            # titled axes again at each of a chart's three draws (~5% of a report's time)
            "axes.titley": 1.0,
            "axes.labelsize": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            # charts are SVG (issue 20): text stays text, drawn by the browser in the
            # fonts above (Chromium has them through fontconfig); no random ids
            "svg.fonttype": "none",
            "svg.hashsalt": "salesmeasure",
        }
    )
    use_svg()


#: The figure format a report's charts are shown in (the inline backend's
#: ``figure_formats``): vector, sharp when zoomed or printed.
FIGURE_FORMATS = {"svg"}


def use_svg() -> None:
    """Show charts as SVG in a notebook kernel: the inline backend's figure format (also
    for a backend that loads later) and the display formatter of the running shell; every
    SVG goes through :mod:`salesmeasure.plots.svg_canvas` (dense artists rasterized). A
    no-op outside IPython."""
    from matplotlib.backend_bases import register_backend

    register_backend("svg", "salesmeasure.plots.svg_canvas", "Scalable Vector Graphics")
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    try:
        from matplotlib_inline.config import InlineBackend

        cfg = InlineBackend.instance()
        if set(cfg.figure_formats) != FIGURE_FORMATS:
            cfg.figure_formats = set(FIGURE_FORMATS)
        kwargs = cfg.print_figure_kwargs
    except ImportError:
        kwargs = {"bbox_inches": "tight"}
    from functools import partial

    from IPython.core.pylabtools import select_figure_formats
    from matplotlib.figure import Figure

    from salesmeasure.plots.svg_canvas import inline_svg

    select_figure_formats(shell, FIGURE_FORMATS, **kwargs)
    # the same SVG, one draw instead of two (svg_canvas.inline_svg)
    svg = shell.display_formatter.formatters["image/svg+xml"]
    svg.for_type(Figure, partial(inline_svg, **kwargs))


def get_ax(ax=None, *, figsize=None):
    """Return ``ax`` or a fresh Axes on a new figure."""
    if ax is not None:
        return ax
    set_theme()
    _, ax = plt.subplots(figsize=figsize)
    return ax


def date_formatter(locator):
    """Date ticks for ``locator`` in the report language: matplotlib's
    :class:`~matplotlib.dates.ConciseDateFormatter` (``Sep``, ``2026``, ``2027-Jan``) in
    English; in Chinese the CLDR forms ``9月``, ``2026年``, ``2027年1月`` (matplotlib's
    month names are English whatever the locale)."""
    import matplotlib.dates as mdates

    from salesmeasure.i18n import get_language

    if get_language() != "zh-CN":
        return mdates.ConciseDateFormatter(locator)
    m, d = ("%#m", "%#d") if os.name == "nt" else ("%-m", "%-d")  # no leading zero
    return mdates.ConciseDateFormatter(
        locator,
        formats=["%Y年", f"{m}月", f"{d}日", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y年", f"{m}月", f"{m}月{d}日", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y年", f"%Y年{m}月", f"%Y年{m}月{d}日", f"%Y年{m}月{d}日",
                        f"%Y年{m}月{d}日 %H:%M"],
    )  # fmt: skip
