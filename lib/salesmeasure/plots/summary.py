"""Charts of the executive summary: scorecard changes, the value chain, regions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _
from salesmeasure.plots import palette
from salesmeasure.plots.labels import marker_boxes, place_labels
from salesmeasure.plots.theme import STATUS_COLOURS, get_ax


def _fmt_unit() -> str:
    from salesmeasure import format as fmt

    return fmt.currency_unit()


__all__ = [
    "STATUS_HATCH",
    "plot_scorecard_changes",
    "plot_retention_by_nps_group",
    "plot_clv_by_nps_group",
    "plot_regions_chain",
    "plot_nps_chain",
]

#: Hatches that keep statuses apart in black-and-white print.
STATUS_HATCH = {"good": "", "watch": "//", "bad": "xx", "n/a": ".."}
_STATUS_WORD = {
    "good": N_("on track"),
    "watch": N_("watch"),
    "bad": N_("action needed"),
    "n/a": N_("no basis"),
}


def plot_scorecard_changes(card, *, labels: dict | None = None, ax=None):
    """Relative change of each KPI against the same period last year.

    ``card`` is a :class:`salesmeasure.kpi.scorecard.Scorecard`; ``labels`` maps its KPI
    keys to the names shown (``kpi.text.kpi_labels``). Bars are coloured *and* hatched by
    status (readable in greyscale) and labelled with the change; KPIs without a
    comparable value last year, or suppressed, are left out.
    """
    labels = labels or {}
    ax = get_ax(ax, figsize=(8, 4.8))
    rows = card[(card["last_year"].abs() > 0) & card["value"].notna() & ~card["suppressed"]]
    rows = rows[rows.index != "p_attain"]
    rel = (rows["value"] - rows["last_year"]) / rows["last_year"].abs() * 100
    rel = rel.replace([np.inf, -np.inf], np.nan).dropna()
    y = np.arange(len(rel))
    for i, (kpi, v) in enumerate(rel.items()):
        st = card.loc[kpi, "status"]
        ax.barh(
            i, v, color=STATUS_COLOURS[st], hatch=STATUS_HATCH[st], edgecolor="black", linewidth=0.6
        )
        ax.annotate(
            _("{change}  ({status})").format(
                change=fmt.pct(v / 100, signed=True), status=_(_STATUS_WORD[st])
            ),
            (v, i),
            xytext=(4 if v >= 0 else -4, 0),
            textcoords="offset points",
            ha="left" if v >= 0 else "right",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(y, [labels.get(k, k) for k in rel.index])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    lim = max(5.0, float(np.nanmax(np.abs(rel.to_numpy()))) * 1.6) if len(rel) else 5.0
    ax.set_xlim(-lim, lim)
    ax.set_xlabel(_("Change against {period} (%)").format(period=fmt.period(card.last_year)))
    ax.set_ylabel(_("KPI"))
    ax.set_title(
        _("KPIs against the same period last year ({period})").format(
            period=fmt.period(card.period)
        )
    )
    return ax


_NPS_GROUP_WORDS = {
    "promoter": N_("Promoters"),
    "passive": N_("Passives"),
    "detractor": N_("Detractors"),
}


def _group_bars(ax, by_nps, value, low, high, *, show, ylabel, title):
    groups = [g for g in ("promoter", "passive", "detractor") if g in by_nps.index]
    d = by_nps.loc[groups]
    x = np.arange(len(groups))
    vals = d[value].to_numpy(float)
    err = np.vstack([vals - d[low].to_numpy(float), d[high].to_numpy(float) - vals])
    colours = [palette.nps_colour(g) for g in groups]
    ax.bar(x, vals, color=colours, edgecolor="black", linewidth=0.6)
    ax.errorbar(x, vals, yerr=err, fmt="none", ecolor="black", capsize=5, linewidth=1)
    for i, v in enumerate(vals):
        if math.isfinite(v):
            ax.annotate(show(v), (i, v), xytext=(8, 4), textcoords="offset points", fontsize=9)
    ax.set_xticks(x, [_(_NPS_GROUP_WORDS[g]) for g in groups])
    ax.set_xlabel(_("NPS group (latest answer)"))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return ax


def plot_retention_by_nps_group(by_nps: pd.DataFrame, *, ax=None):
    """Repeat-purchase rate by NPS group with its 95% interval (from ``kpi.chain``)."""
    ax = get_ax(ax, figsize=(6, 4))
    _group_bars(
        ax, by_nps, "retention", "retention_low", "retention_high",
        show=lambda v: fmt.pct(v, decimals=0), ylabel=_("Bought again within 180 days (%)"),
        title=_("Repeat purchase by NPS group"),
    )  # fmt: skip
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_ylim(0, 1)
    return ax


def plot_clv_by_nps_group(
    by_nps: pd.DataFrame, *, ax=None, currency: str = "", clv_months: int = 12
):
    """Average CLV by NPS group with its 95% interval (from ``kpi.chain``)."""
    ax = get_ax(ax, figsize=(6, 4))
    _group_bars(
        ax, by_nps, "clv", "clv_low", "clv_high", show=lambda v: currency + fmt.money(v),
        ylabel=_("Average {months}-month CLV ({currency})").format(
            months=clv_months, currency=currency or _fmt_unit()
        ),
        title=_("Customer value by NPS group"),
    )  # fmt: skip
    ax.yaxis.set_major_formatter(lambda v, _: fmt.money(v))  # as the bars' labels
    ax.set_ylim(bottom=0)
    return ax


def plot_regions_chain(regions: pd.DataFrame, *, ax=None):
    """Regions by NPS (x) and target attainment (y); bubble area = revenue,
    shade = retention rate; each bubble labelled with region and retention."""
    ax = get_ax(ax, figsize=(8, 5))
    d = regions.dropna(subset=["nps", "attainment"])
    size = 2000 * d["revenue"] / d["revenue"].max()
    sc = ax.scatter(
        d["nps"], d["attainment"] * 100, s=size, c=d["retention_rate"] * 100, cmap="viridis",
        edgecolor="black", linewidth=0.6, alpha=0.85,
    )  # fmt: skip
    ax.axhline(100, color="black", linestyle="--", linewidth=0.8)
    cb = ax.figure.colorbar(sc, ax=ax)
    cb.set_label(_("Retention rate (%)"))
    ax.set_xlabel(_("NPS (points)"))
    ax.set_ylabel(_("Target attainment (%)"))
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo - 5, hi + 12)
    xlo, xhi = ax.get_xlim()
    pad = (xhi - xlo) * 0.08
    ax.set_xlim(xlo - pad, xhi + pad)
    ax.text(
        ax.get_xlim()[0], 100, " " + _("target"), fontsize=8, va="bottom", ha="left"
    )  # fmt: skip
    # each label starts just above its bubble, then is moved clear of the others
    boxes = marker_boxes(sc)
    to_data = ax.transData.inverted()
    tops = [to_data.transform((b.x0 + b.width / 2, b.y1 + 2))[1] for b in boxes]
    texts = [
        ax.text(
            r["nps"],
            top,
            _("{region}\nretention {rate}").format(
                region=region, rate=fmt.pct(r["retention_rate"], decimals=0)
            ),
            ha="center",
            va="bottom",
            fontsize=9,
        )  # fmt: skip
        for (region, r), top in zip(d.iterrows(), tops, strict=True)
    ]
    place_labels(ax, texts, x=d["nps"], y=d["attainment"] * 100, markers=boxes)
    ax.set_title(_("Regions: satisfaction, retention and attainment"))
    return ax


def plot_nps_chain(by_nps: pd.DataFrame, *, clv_months: int = 12):
    """Repeat purchase (left) and average CLV (right) by NPS group, in one figure.

    The CLV panel is left out when there is no customer value for the view.
    """
    import matplotlib.pyplot as plt

    from salesmeasure.plots.theme import set_theme

    set_theme()  # the CJK font in Chinese reports (a figure made here, not by get_ax)
    with_clv = "clv" in by_nps and by_nps["clv"].notna().any()
    fig, axes = plt.subplots(1, 2 if with_clv else 1, figsize=(11 if with_clv else 6, 4))
    axes = np.atleast_1d(axes)
    plot_retention_by_nps_group(by_nps, ax=axes[0])
    if with_clv:
        plot_clv_by_nps_group(by_nps, ax=axes[1], clv_months=clv_months)
    fig.tight_layout()
    return fig
