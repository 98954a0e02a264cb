"""The suite's one seaborn theme.

The library never chooses a matplotlib backend: a notebook kernel uses its inline
backend, a script or test without a display gets matplotlib's own default (Agg).
Choosing one at import (``matplotlib.use``) would win over the kernel's inline backend
wherever the library is imported before a notebook runs, and the charts would vanish.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import seaborn as sns

from salesmeasure.plots.palette import QUALITATIVE, STATUS_COLOURS  # noqa: F401 (re-export)

#: Colour-blind-safe qualitative palette used by every chart (:mod:`.palette` is the
#: single source of colours; category colours are looked up there by code).
PALETTE = sns.color_palette(QUALITATIVE)
#: CJK-capable font families, first for Chinese charts (Debian ``fonts-noto-cjk`` provides
#: the first; the others are the Windows and macOS equivalents).
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC"]


def set_theme() -> None:
    """Apply the suite's theme (idempotent), with a CJK font first in Chinese reports."""
    from salesmeasure.i18n import get_language

    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    if get_language() == "zh-CN":  # matplotlib falls back per glyph to the later families
        plt.rcParams["font.sans-serif"] = [*CJK_FONTS, *plt.rcParams["font.sans-serif"]]
    plt.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.labelsize": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
        }
    )


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
    import os

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
