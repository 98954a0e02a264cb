"""Charts of the executive summary: scorecard changes, the value chain, regions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _
from salesmeasure.plots import palette
from salesmeasure.plots.labels import marker_boxes, place_labels
from salesmeasure.plots.theme import get_ax


def _fmt_unit() -> str:
    from salesmeasure import format as fmt

    return fmt.currency_unit()


__all__ = [
    "STATUS_HATCH",
    "plot_scorecard_changes",
    "sparkline_svg",
    "change_is_good",
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


#: The KPIs of the change chart, in order, and whether lower is better.
CHANGE_KPIS = (
    "revenue", "attainment", "nps", "csat", "retention_rate", "complaint_rate",
    "active_customers", "new_customers", "avg_clv",
)  # fmt: skip
LOWER_IS_BETTER = frozenset({"complaint_rate"})


def _unit_axis(unit: str, kpi: str) -> str:
    """The x-axis name of a change in ``unit`` (the KPI's own unit)."""
    if kpi == "complaint_rate":
        return _("Change (complaints per 100 active customers)")
    return {
        "currency": _("Change ({currency})").format(currency=fmt.currency_unit()),
        "share": _("Change (percentage points)"),
        "points": _("Change (NPS points)"),
        "count": _("Change (customers)"),
    }.get(unit, _("Change"))


def _scaled(unit: str, d: float) -> float:
    return d * 100 if unit == "share" else d


def _change_label(unit: str, d: float) -> str:
    if unit == "currency":
        return fmt.money(d, signed=True)
    if unit == "share":
        return fmt.points(d * 100)
    if unit == "count":
        return fmt.number(d, signed=True)
    if unit == "points":
        return fmt.points(d)
    return fmt.number(d, decimals=1, signed=True)


def change_is_good(kpi: str, d: float) -> bool:
    """Whether a change ``d`` of ``kpi`` is good for it (complaints down = good)."""
    return (d < 0) if kpi in LOWER_IS_BETTER else (d > 0)


def plot_scorecard_changes(card, *, labels: dict | None = None, ax=None):
    """Each KPI's change against the previous period and the same period last year, in
    the KPI's own unit: one small panel per KPI (an amount for money, NPS points,
    percentage points for shares, complaints per 100 active customers, customers),
    its bars green when the change is good for that KPI and red when it is bad
    (complaints down is good); a hatched, lighter bar where a test says the change is
    not significant. KPIs without a comparable value, or suppressed, are left out.

    ``card`` is a :class:`salesmeasure.kpi.scorecard.Scorecard`; ``labels`` maps its KPI
    keys to the names shown (``kpi.text.kpi_labels``). Returns the Figure (``ax`` is
    accepted for the interface and ignored: the chart needs one panel per KPI).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    from salesmeasure.plots.theme import set_theme

    set_theme()
    labels = labels or {}
    comps = [("prev", card.previous), ("ly", card.last_year)]
    rows = []
    for kpi in CHANGE_KPIS:
        if kpi not in card.table.index:
            continue
        r = card.table.loc[kpi]
        if bool(r["suppressed"]) or not fmt.is_number(r["value"]):
            continue
        vals = [r[f"change_{k}"] for k, _p in comps]
        if not any(fmt.is_number(v) for v in vals):
            continue
        rows.append((kpi, r))
    n = max(len(rows), 1)
    ticks = [_("vs {period}").format(period=fmt.period(p)) for _k, p in comps]
    # three panels a row; two where the comparison labels are long (Chinese period names)
    ncols = min(3 if max(len(t) for t in ticks) <= 10 else 2, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(10, 2.2 * nrows + 0.9), squeeze=False)
    for i, (kpi, r) in enumerate(rows):
        a = axes[i // ncols][i % ncols]
        unit = str(r["unit"])
        ys, xs, cols, hatches, texts = [], [], [], [], []
        for j, (key, _period) in enumerate(comps):
            d = r[f"change_{key}"]
            if not fmt.is_number(d):
                continue
            sig = r[f"significant_{key}"]
            good = change_is_good(kpi, float(d)) if float(d) != 0 else None
            colour = palette.status_colour("n/a" if good is None else "good" if good else "bad")
            ys.append(j)
            xs.append(_scaled(unit, float(d)))
            cols.append(colour)
            hatches.append("//" if sig is False else "")
            texts.append(_change_label(unit, float(d)))
        for y, x, c, h, t in zip(ys, xs, cols, hatches, texts, strict=True):
            a.barh(y, x, color=c, alpha=0.45 if h else 1.0, hatch=h, edgecolor="black",
                   linewidth=0.6, height=0.6)  # fmt: skip
            a.annotate(t, (x, y), xytext=(4 if x >= 0 else -4, 0), textcoords="offset points",
                       ha="left" if x >= 0 else "right", va="center", fontsize=10)  # fmt: skip
        lim = max([abs(x) for x in xs] + [1e-9]) * 2.4
        a.set_xlim(-lim, lim)
        a.axvline(0, color="black", linewidth=0.8)
        a.set_yticks(range(len(comps)), ticks, fontsize=9.5)
        a.set_ylim(len(comps) - 0.4, -0.6)
        if i % ncols == 0:  # the rows are the periods compared with
            a.set_ylabel(_("Compared with"), fontsize=9)
        a.tick_params(axis="x", labelsize=8.5)
        a.xaxis.set_major_locator(MaxNLocator(nbins=4, symmetric=True))
        if unit == "currency":
            a.xaxis.set_major_formatter(lambda v, _p: fmt.money(v))
        a.set_xlabel(_unit_axis(unit, kpi), fontsize=9.5)
        a.set_title(labels.get(kpi, kpi), fontsize=11, loc="left", fontweight="bold")
    for k in range(len(rows), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    handles = [
        Patch(facecolor=palette.status_colour("good"), edgecolor="black",
              label=_("better for the KPI")),
        Patch(facecolor=palette.status_colour("bad"), edgecolor="black",
              label=_("worse for the KPI")),
        Patch(facecolor="white", hatch="//", edgecolor="black", label=_("not significant")),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=10, frameon=False)
    fig.suptitle(
        _("Change of each KPI in its own unit, {period}").format(period=fmt.period(card.period)),
        fontsize=13,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    return fig


def sparkline_svg(values, *, colour: str = "#333333", width: int = 120, height: int = 28) -> str:
    """A small trend line of ``values`` (oldest first; NaN gaps skipped) as an SVG data URI
    for an ``<img>``: the line, and a dot on the latest value. Empty string with fewer
    than two finite values."""
    import base64

    pts = [(i, float(v)) for i, v in enumerate(values) if fmt.is_number(v)]
    if len(pts) < 2:
        return ""
    n = max(len(values) - 1, 1)
    lo, hi = min(v for _i, v in pts), max(v for _i, v in pts)
    span = hi - lo or 1.0
    pad = 3

    def xy(i, v):
        x = pad + (width - 2 * pad) * i / n
        y = pad + (height - 2 * pad) * (1 - (v - lo) / span)
        return f"{x:.1f},{y:.1f}"

    line = " ".join(xy(i, v) for i, v in pts)
    lx, ly = xy(*pts[-1]).split(",")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><polyline fill="none" stroke="{colour}" '
        f'stroke-width="1.6" stroke-linejoin="round" points="{line}"/>'
        f'<circle cx="{lx}" cy="{ly}" r="2.4" fill="{colour}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


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
