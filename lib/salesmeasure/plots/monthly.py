"""The monthly revenue chart: actual against target and last year, with the forecast
band for the months ahead (:class:`~salesmeasure.targets.monthly.MonthlyRevenue`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from salesmeasure import format as fmt
from salesmeasure.i18n import _, get_language
from salesmeasure.plots.palette import series_colour
from salesmeasure.plots.targets import DEFAULT_CURRENCY, _money_axis, _unit
from salesmeasure.plots.theme import get_ax
from salesmeasure.targets.monthly import MonthlyRevenue
from salesmeasure.targets.text.sections import scope_label

__all__ = ["plot_monthly_revenue"]

#: The target's marks: near-black, so they read apart from the series colours.
TARGET_COLOUR = "#222222"


def _month_labels(months) -> list[str]:
    """``Jan``/``1月`` with the year under the first month and each January."""
    zh = get_language() == "zh-CN"
    out = []
    for i, m in enumerate(months):
        name = f"{m.month}月" if zh else m.strftime("%b")
        if i == 0 or m.month == 1:
            name += f"\n{m.year}年" if zh else f"\n{m.year}"
        out.append(name)
    return out


def plot_monthly_revenue(
    m: MonthlyRevenue,
    *,
    ax=None,
    currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
):
    """Bars of each month's revenue (the as-of month hatched: booked so far), the
    target of each month as a black mark, last year's revenue of the same month as a grey
    line, and for the months ahead the forecast median (light bar) with its 80% range."""
    t = m.table
    ax = get_ax(ax, figsize=(9, 4.5))
    x = np.arange(len(t))
    actual_c, forecast_c, ref_c = (series_colour(r) for r in ("actual", "forecast", "reference"))
    has_fc = t["forecast"].notna()
    if has_fc.any():
        ax.bar(x[has_fc], t.loc[has_fc, "forecast"], width=0.7, color=forecast_c, alpha=0.35,
               lw=0, zorder=1)  # fmt: skip
        err = np.vstack(
            [
                (t.loc[has_fc, "forecast"] - t.loc[has_fc, "low"]).to_numpy(float),
                (t.loc[has_fc, "high"] - t.loc[has_fc, "forecast"]).to_numpy(float),
            ]
        )
        ax.errorbar(x[has_fc], t.loc[has_fc, "forecast"], yerr=err, fmt="none",
                    ecolor=forecast_c, elinewidth=2.2, capsize=5, zorder=3)  # fmt: skip
    partial = (t["month"] == m.partial) if m.partial is not None else pd.Series(False, t.index)
    full = t["actual"].notna() & ~partial
    ax.bar(x[full], t.loc[full, "actual"], width=0.7, color=actual_c, zorder=2)
    if partial.any():
        ax.bar(x[partial], t.loc[partial, "actual"], width=0.7, color="white",
               edgecolor=actual_c, hatch="///", lw=1.2, zorder=2)  # fmt: skip
    ly = t["last_year"]
    if ly.notna().any():
        ax.plot(x, ly, color=ref_c, marker="o", ms=4, lw=1.4, zorder=4)
    tg = t["target"]
    if tg.notna().any():
        ax.scatter(x, tg, marker="_", s=420, linewidths=2.6, color=TARGET_COLOUR, zorder=5)

    handles = [Patch(color=actual_c, label=_("Actual revenue"))]
    if partial.any():
        handles.append(
            Patch(facecolor="white", edgecolor=actual_c, hatch="///",
                  label=_("Booked to {date}").format(date=fmt.date(m.as_of, short=True)))
        )  # fmt: skip
    if tg.notna().any():
        handles.append(Line2D([], [], color=TARGET_COLOUR, marker="_", ms=16, mew=2.6, ls="",
                              label=_("Target")))  # fmt: skip
    if ly.notna().any():
        handles.append(Line2D([], [], color=ref_c, marker="o", ms=4, lw=1.4,
                              label=_("Same month last year")))  # fmt: skip
    if has_fc.any():
        handles.append(
            Patch(color=forecast_c, alpha=0.5, label=_("Forecast, median and 80% range"))
        )
    ax.legend(handles=handles, loc="upper left", fontsize=8, ncol=2 if len(handles) > 3 else 1)
    ax.set_xticks(x, _month_labels(list(t["month"])))
    ax.set_xlim(-0.6, len(t) - 0.4)
    ax.set_xlabel(_("Month"))
    ax.set_ylabel(_("Revenue ({currency})").format(currency=_unit(currency)))
    _money_axis(ax.yaxis)
    top = np.nanmax(
        np.concatenate([t[c].to_numpy(float) for c in ("actual", "target", "last_year", "high")])
    )
    if math.isfinite(top):
        ax.set_ylim(0, top * 1.28)  # room for the legend above the bars
    ax.set_title(
        title
        or _("Monthly revenue against target and last year, {scope}").format(
            scope=scope_label(m.region)
        )
    )
    return ax
