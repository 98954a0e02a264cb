"""Charts of the satisfaction survey report (notebook 02).

Every function takes the output of a :mod:`salesmeasure.survey` function and returns
the Axes it drew on. Estimates flagged ``suppressed`` are never drawn as points: their
place is labelled "too few responses".
"""

from __future__ import annotations

import math

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from salesmeasure import format as fmt_
from salesmeasure.i18n import N_, _
from salesmeasure.plots import palette
from salesmeasure.plots.labels import marker_boxes, place_labels
from salesmeasure.plots.theme import PALETTE, get_ax
from salesmeasure.stats import MIN_N
from salesmeasure.survey.build import Complaints, Regions, Trend
from salesmeasure.survey.scores import TOO_FEW

__all__ = [
    "item_label",
    "plot_likert",
    "plot_importance_performance",
    "plot_estimates",
    "plot_trend",
    "plot_complaints",
    "plot_retention_by_nps",
    "plot_nps_distribution",
    "plot_driver_priority",
    "plot_response_history",
]

_ITEM_LABELS = {
    "q_product_quality": N_("Product quality"),
    "q_service_level": N_("Service level"),
    "q_after_sales": N_("After-sales support"),
    "nps": N_("NPS"),
    "csat": N_("CSAT"),
    "ces": N_("Customer effort (CES)"),
}


def _signed(v: float) -> str:
    return fmt_.number(v, decimals=0, signed=True)


def _percent(v: float) -> str:
    return fmt_.pct(v / 100, decimals=0)


def _mean(v: float) -> str:
    return fmt_.number(v, decimals=2)


#: Axis label, scale and value text of each measure; values are written as the survey
#: tables write them (``+25``, ``72%``, ``4.12``), through :mod:`salesmeasure.format`.
_METRIC_AXIS = {
    "nps": (N_("NPS (points, -100 to 100)"), 1.0, _signed),
    "csat": (N_("CSAT (% answering 4 or 5)"), 100.0, _percent),
    "ces": (N_("CES (mean, 1-7, 7 = very easy)"), 1.0, _mean),
}

#: Titles of the key-driver chart by the outcome the drivers explain.
_DRIVER_TITLES = {
    "nps": N_("What drives loyalty (NPS), and how we perform"),
    "csat": N_("What drives satisfaction, and how we perform"),
}

_GROUP_NAMES = {
    "promoter": N_("Promoters"),
    "passive": N_("Passives"),
    "detractor": N_("Detractors"),
}


def _too_few() -> str:
    return _(TOO_FEW)


#: Group columns in words: (as an axis label, inside a sentence).
_GROUP_WORDS = {
    "group": (N_("Group"), N_("group")),
    "region": (N_("Region"), N_("region")),
    "segment": (N_("Segment"), N_("segment")),
    "category": (N_("Category"), N_("category")),
}


def _group_word(column: str, *, label: bool = False) -> str:
    """A group column (``region``) in words: ``Region`` as an axis label, else ``region``."""
    if column in _GROUP_WORDS:
        return _(_GROUP_WORDS[column][0 if label else 1])
    word = str(column).replace("_", " ")
    return word.capitalize() if label else word


def item_label(name: str) -> str:
    """Reader-facing name of a survey column."""
    if name in _ITEM_LABELS:
        return _(_ITEM_LABELS[name])
    return str(name).replace("_", " ").capitalize()


def _metric_axis(metric: str):
    """(axis label, scale, value -> text) of a measure."""
    if metric in _METRIC_AXIS:
        label, scale, show = _METRIC_AXIS[metric]
        return _(label), scale, show
    return _("{item} (mean, 1-5)").format(item=item_label(metric)), 1.0, _mean


def plot_likert(dist: pd.DataFrame, *, ax=None, min_n: int = MIN_N, title: str | None = None):
    """Diverging stacked bars of Likert answers, centred on the neutral level.

    Parameters
    ----------
    dist : output of :func:`salesmeasure.survey.likert_distribution` (one row per item,
        level columns 1..5 holding shares, plus ``n``).

    The negative levels extend left of zero, the positive ones right, and the neutral
    share straddles zero, so the balance of opinion reads off the bar's position. Items
    answered fewer than ``min_n`` times are not drawn but labelled "too few responses".

    References
    ----------
    Robbins, N. B., & Heiberger, R. M. (2011). Plotting Likert and other rating scales.
    Proceedings of the 2011 Joint Statistical Meeting, 1058-1066.
    """
    levels = [c for c in dist.columns if isinstance(c, int | np.integer)]
    if len(levels) < 3 or len(levels) % 2 == 0:
        raise ValueError(f"plot_likert needs an odd number of levels (>= 3), got {levels}")
    ax = get_ax(ax, figsize=(9, 0.8 + 0.7 * len(dist)))
    mid = len(levels) // 2
    colours = sns.color_palette("RdBu", len(levels))
    colours[mid] = (0.78, 0.78, 0.78)
    labels = {1: _("very poor"), 2: _("poor"), 3: _("neutral"), 4: _("good"), 5: _("very good")}
    rows = dist.iloc[::-1]
    y = np.arange(len(rows))
    small = (rows["n"] < min_n).to_numpy()
    shares = np.where(small[:, None], 0.0, rows[levels].to_numpy(float) * 100)
    # left edge: minus (negatives + half of neutral)
    left = -(shares[:, :mid].sum(axis=1) + shares[:, mid] / 2)
    for j, lv in enumerate(levels):
        w = shares[:, j]
        ax.barh(
            y,
            w,
            left=left,
            color=colours[j],
            edgecolor="white",
            height=0.65,
            label=f"{lv} {labels.get(int(lv), '')}".strip(),
        )
        for yi, (le, wi) in enumerate(zip(left, w, strict=True)):
            if wi >= 6:
                ax.text(
                    le + wi / 2,
                    yi,
                    fmt_.number(wi),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if j in (0, len(levels) - 1) else "black",
                )
        left = left + w
    for yi in np.flatnonzero(small):
        ax.text(0, yi, _too_few(), ha="center", va="center", fontsize=9, color="dimgrey",
                style="italic")  # fmt: skip
    ax.axvline(0, color="black", linewidth=0.8)
    names = [
        f"{item_label(i)}\n(n={fmt_.count(n)})" for i, n in zip(rows.index, rows["n"], strict=True)
    ]
    ax.set_yticks(y, names)
    lim = max(60.0, float(np.nanmax(np.abs(np.c_[left, left - shares.sum(axis=1)]))) + 5)
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{abs(v):.0f}%"))
    ax.set_xlabel(_("Share of answers (%) -- negative to the left, positive to the right"))
    ax.set_ylabel(_("Survey item (answers)"))
    ax.set_title(title or _("How customers rate each area"))
    ax.legend(ncol=len(levels), loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=8)
    ax.grid(axis="y", visible=False)
    return ax


def plot_importance_performance(drivers, *, ax=None, title: str | None = None):
    """Importance-performance quadrant of the key drivers.

    Parameters
    ----------
    drivers : :class:`salesmeasure.survey.KeyDrivers` (or its ``table``): importance is
        the driver's share of the explained variance (relative weight / R^2, with its
        bootstrap interval as a horizontal bar), performance its current mean score.

    References
    ----------
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. Journal of
    Marketing 41(1), 77-79.

    The title names what the drivers explain: loyalty for NPS, satisfaction for CSAT.
    """
    table = getattr(drivers, "table", drivers)
    outcome = getattr(drivers, "outcome", None)
    if title is None:
        title = (
            _(_DRIVER_TITLES[outcome])
            if outcome in _DRIVER_TITLES
            else _("What drives {outcome}, and how we perform").format(
                outcome=item_label(outcome) if outcome else _("the outcome")
            )
        )
    r2 = float(getattr(getattr(drivers, "r_squared", None), "value", table["weight"].sum()))
    ax = get_ax(ax, figsize=(8, 5.5))
    k = len(table)
    x = 100 * table["weight"] / r2
    xlo = 100 * table["ci_low"] / r2
    xhi = 100 * table["ci_high"] / r2
    y = table["mean"]
    bars = []
    for i in range(k):
        c = PALETTE[i % len(PALETTE)]
        bars.append(
            ax.errorbar(
                x.iloc[i],
                y.iloc[i],
                xerr=[[x.iloc[i] - xlo.iloc[i]], [xhi.iloc[i] - x.iloc[i]]],
                fmt="o",
                color=c,
                markersize=9,
                capsize=4,
            )
        )
    x_ref, y_ref = 100.0 / k, float(y.mean())
    refs = [
        ax.axvline(x_ref, color="grey", linestyle="--", linewidth=0.9),
        ax.axhline(y_ref, color="grey", linestyle="--", linewidth=0.9),
    ]
    xmax = max(float(xhi.max()) * 1.1, x_ref * 2)
    ylo, yhi = min(float(y.min()), y_ref) - 0.3, max(float(y.max()), y_ref) + 0.3
    ax.set_xlim(0, xmax)
    ax.set_ylim(ylo, yhi)
    corners = [
        (0.98, 0.98, "right", "top", _("Keep up the good work")),
        (0.98, 0.02, "right", "bottom", _("Concentrate here")),
        (0.02, 0.98, "left", "top", _("Possible overkill")),
        (0.02, 0.02, "left", "bottom", _("Low priority")),
    ]
    for cx, cy, ha, va, text in corners:
        ax.text(cx, cy, text, transform=ax.transAxes, ha=ha, va=va, fontsize=9, color="dimgrey",
                style="italic")  # fmt: skip
    ax.set_xlabel(_("Importance: share of explained variance (%, relative weight)"))
    ax.set_ylabel(_("Performance: mean score (1-5)"))
    ax.set_title(title)
    texts = [
        ax.text(x.iloc[i], y.iloc[i], item_label(name), fontsize=10, ha="left", va="bottom")
        for i, name in enumerate(table.index)
    ]
    # each label clear of every marker (its own too), error bar, reference line and
    # corner word
    markers = [box for b in bars for box in marker_boxes(b.lines[0])]
    whiskers = [a for b in bars for a in (*b.lines[1], *b.lines[2])]
    place_labels(ax, texts, x=x, y=y, objects=[*whiskers, *refs], markers=markers)
    return ax


def plot_estimates(
    table,
    *,
    metric: str = "nps",
    ax=None,
    reference: float | None = None,
    reference_label: str | None = None,
    significant: pd.Series | None = None,
    title: str | None = None,
):
    """Point estimates with intervals per group (e.g. NPS by region).

    Parameters
    ----------
    table : output of :func:`salesmeasure.survey.by_group` (``value, ci_low, ci_high, n,
        suppressed``), indexed by group.
    metric : ``"nps"``, ``"csat"``, ``"ces"`` or an item, for the axis label and scale.
    reference : a value to draw as a vertical line (e.g. the company figure).
    significant : optional boolean Series by group; significant groups are drawn filled
        and marked with an asterisk, the rest hollow.

    ``table`` may be a :class:`salesmeasure.survey.build.Regions`: NPS by region against
    all regions, significant regions marked.
    """
    if isinstance(table, Regions):
        regions = table
        comp = regions.comparison
        significant = comp[comp["metric"] == "nps"].set_index("group")["significant"]
        table, metric, reference = regions.nps, "nps", regions.reference
        reference_label = reference_label or _("all regions")
        title = title or _("NPS by region")
    reference_label = reference_label or _("overall")
    label, scale, fmt = _metric_axis(metric)
    ax = get_ax(ax, figsize=(8, 0.9 + 0.55 * len(table)))
    rows = table.iloc[::-1]
    ys = np.arange(len(rows))
    shown = rows[~rows["suppressed"].astype(bool)]
    lo_all = [float(v) * scale for v in shown["ci_low"]] + (
        [reference * scale] if reference is not None else []
    )
    hi_all = [float(v) * scale for v in shown["ci_high"]] + (
        [reference * scale] if reference is not None else []
    )
    for yi, (g, r) in zip(ys, rows.iterrows(), strict=True):
        if bool(r["suppressed"]):
            continue
        v, lo, hi = (
            float(r["value"]) * scale,
            float(r["ci_low"]) * scale,
            float(r["ci_high"]) * scale,
        )
        sig = bool(significant.get(g, False)) if significant is not None else True
        ax.errorbar(
            v, yi, xerr=[[v - lo], [hi - v]], fmt="o", color=PALETTE[0], capsize=4,
            markersize=8, markerfacecolor=PALETTE[0] if sig else "white",
        )  # fmt: skip
        ax.annotate(
            fmt(v) + (" *" if significant is not None and sig else ""),
            (hi, yi),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    if lo_all:
        span = max(hi_all) - min(lo_all)
        left = min(lo_all) - 0.08 * max(span, 1e-9)
        right = max(hi_all) + 0.25 * max(span, 1e-9)
        ax.set_xlim(left, right)
    else:
        left = 0.0
        ax.set_xlim(0, 1)
    for yi, (_g, r) in zip(ys, rows.iterrows(), strict=True):
        if bool(r["suppressed"]):
            ax.text(left, yi, f"  {_too_few()} (n={fmt_.count(r['n'])})", va="center", fontsize=9,
                    color="dimgrey", style="italic")  # fmt: skip
    if reference is not None and math.isfinite(reference):
        ax.axvline(reference * scale, color="grey", linestyle="--", linewidth=0.9,
                   label=f"{reference_label}: {fmt(reference * scale)}")  # fmt: skip
        ax.legend(loc="lower right", fontsize=8)
    ax.set_yticks(
        ys, [f"{g}\n(n={fmt_.count(n)})" for g, n in zip(rows.index, rows["n"], strict=True)]
    )
    note = "\n" + _("filled * = differs significantly from the rest (Holm-adjusted)")
    ax.set_xlabel(label + (note if significant is not None else ""))
    group = str(table.index.name or "group")
    ax.set_ylabel(_("{group} (responses)").format(group=_group_word(group, label=True)))
    ax.set_title(
        title
        or _("{measure} by {group}").format(measure=item_label(metric), group=_group_word(group))
    )
    ax.grid(axis="y", visible=False)
    return ax


def plot_trend(
    table, *, metric: str = "nps", ax=None, highlight: str | None = None,
    title: str | None = None,
):  # fmt: skip
    """A metric over periods with its interval band (output of
    :func:`salesmeasure.survey.by_period`, or a :class:`salesmeasure.survey.build.Trend`).
    Suppressed periods are left as gaps and labelled; ``highlight`` marks the report
    period."""
    if isinstance(table, Trend):
        trend = table
        table, metric, highlight = trend.table, trend.metric, trend.highlight
        title = title or _("{measure} over the last {years} years").format(
            measure=item_label(metric), years=trend.years
        )
    label, scale, fmt = _metric_axis(metric)
    ax = get_ax(ax, figsize=(9, 4))
    x = np.arange(len(table))
    sup = table["suppressed"].astype(bool).to_numpy()
    v = np.where(sup, np.nan, table["value"].to_numpy(float) * scale)
    lo = np.where(sup, np.nan, table["ci_low"].to_numpy(float) * scale)
    hi = np.where(sup, np.nan, table["ci_high"].to_numpy(float) * scale)
    ax.fill_between(
        x, lo, hi, color=PALETTE[0], alpha=0.2, linewidth=0, label=_("confidence interval")
    )
    ax.plot(x, v, marker="o", color=PALETTE[0], label=item_label(metric))
    # error bars as well, so a period between two suppressed ones still shows its interval
    ax.errorbar(x, v, yerr=[v - lo, hi - v], fmt="none", ecolor=PALETTE[0], alpha=0.6, capsize=2)
    if np.isfinite(lo).any():
        base = float(np.nanmin(lo))
    else:  # nothing to show: keep the metric's natural range
        rng = {"nps": (-100, 100), "csat": (0, 100), "ces": (1, 7)}.get(metric, (1, 5))
        ax.set_ylim(*rng)
        base = rng[0]
    for xi in np.flatnonzero(sup):
        ax.annotate(_too_few(), (xi, base), rotation=90, fontsize=8, color="dimgrey", ha="center",
                    va="bottom")  # fmt: skip
    if highlight is not None and highlight in list(table.index):
        i = list(table.index).index(highlight)
        ax.axvspan(i - 0.4, i + 0.4, color=PALETTE[1], alpha=0.12, label=_("report period"))
        if not sup[i]:
            ax.annotate(fmt(v[i]), (i, hi[i]), xytext=(0, 4), textcoords="offset points",
                        ha="center", fontsize=9)  # fmt: skip
    ax.margins(y=0.12)
    ax.set_xticks(x, [fmt_.period(p) for p in table.index], rotation=45 if len(x) > 8 else 0,
                  ha="right" if len(x) > 8 else "center")  # fmt: skip
    ax.set_xlabel(_("Period"))
    ax.set_ylabel(label)
    ax.set_title(title or _("{measure} over time").format(measure=item_label(metric)))
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_complaints(table, *, ax=None, title: str | None = None):
    """Complaints per 100 active customers by category, with exact Poisson intervals and
    the median days to resolve written beside each bar (output of
    :func:`salesmeasure.survey.complaint_metrics`; the ``All`` row is left out). Rows
    flagged ``suppressed`` get no resolution figures. ``table`` may be a
    :class:`salesmeasure.survey.build.Complaints`."""
    if isinstance(table, Complaints):
        table = table.table
    t = table.drop(index="All", errors="ignore").sort_values("per_100_active")
    ax = get_ax(ax, figsize=(8, 0.9 + 0.55 * max(len(t), 1)))
    y = np.arange(len(t))
    v = t["per_100_active"].to_numpy(float)
    err = np.vstack([v - t["rate_ci_low"].to_numpy(float), t["rate_ci_high"].to_numpy(float) - v])
    ax.barh(y, v, color=PALETTE[3], height=0.6)
    ax.errorbar(v, y, xerr=err, fmt="none", ecolor="black", capsize=3, linewidth=1)
    sup = t["suppressed"] if "suppressed" in t else pd.Series(False, index=t.index)
    for yi, (hi, med, res, small) in enumerate(
        zip(t["rate_ci_high"], t["median_days_to_resolve"], t["share_resolved"], sup, strict=True)
    ):
        med_txt = (
            _("median {days} days to resolve").format(days=fmt_.number(med))
            if math.isfinite(med)
            else _("median not reached")
        )
        res_txt = (
            _("{share} resolved").format(share=fmt_.pct(res, decimals=0))
            if math.isfinite(res)
            else ""
        )
        text = _("too few to time resolution") if small else f"{med_txt}; {res_txt}"
        ax.annotate(text, (hi, yi), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)  # fmt: skip
    ax.set_yticks(
        y, [f"{g}\n(n={fmt_.count(n)})" for g, n in zip(t.index, t["complaints"], strict=True)]
    )
    highs = t["rate_ci_high"].to_numpy(float)
    right = float(np.nanmax(highs)) if np.isfinite(highs).any() else 0.0
    ax.set_xlim(0, right * 1.9 if right > 0 else 1)
    ax.set_xlabel(_("Complaints per 100 active customers"))
    ax.set_ylabel(
        _("Complaint {group} (complaints)").format(group=_group_word(t.index.name or "group"))
    )
    ax.set_title(title or _("Complaints by category"))
    ax.grid(axis="y", visible=False)
    return ax


def plot_retention_by_nps(result, *, ax=None, title: str | None = None):
    """Repeat-purchase rate by NPS group with Wilson intervals (a
    :class:`salesmeasure.survey.RetentionByNPS` or its table). Groups flagged
    ``suppressed`` are labelled instead of drawn."""
    table = getattr(result, "table", result)
    window = getattr(result, "window_days", None)
    ax = get_ax(ax, figsize=(7, 4.5))
    x = np.arange(len(table))
    for xi, (g, r) in enumerate(table.iterrows()):
        if bool(r["suppressed"]):
            ax.text(xi, 2, f"{_too_few()}\n(n={fmt_.count(r['customers'])})", ha="center", va="bottom",
                    fontsize=8, color="dimgrey", rotation=90)  # fmt: skip
            continue
        v, lo, hi = 100 * r["rate"], 100 * r["ci_low"], 100 * r["ci_high"]
        ax.bar(xi, v, color=palette.nps_colour(g), width=0.6)
        ax.errorbar(xi, v, yerr=[[v - lo], [hi - v]], fmt="none", ecolor="black", capsize=4)
        ax.annotate(fmt_.pct(v / 100, decimals=0), (xi, hi), xytext=(0, 4), textcoords="offset points",
                    ha="center", fontsize=9)  # fmt: skip
    ax.set_xticks(
        x,
        [
            f"{_(_GROUP_NAMES.get(str(g), str(g)))}\n(n={fmt_.count(n)})"
            for g, n in zip(table.index, table["customers"], strict=True)
        ],
    )
    ax.set_ylim(0, 100)
    ax.set_xlabel(_("NPS group at the customer's survey"))
    ax.set_ylabel(
        _("Ordered again within {days} days (%)").format(days=window)
        if window
        else _("Ordered again afterwards (%)")
    )
    ax.set_title(title or _("Do promoters come back more often?"))
    ax.grid(axis="x", visible=False)
    return ax


def plot_nps_distribution(dist, *, ax=None, title: str | None = None):
    """Bars of the share of NPS answers at each score 0..10, coloured by NPS group
    (detractor red, passive grey, promoter green; :mod:`salesmeasure.plots.palette`),
    each labelled with its share; the previous period's shares as black ticks when
    ``dist`` has them (output of :func:`salesmeasure.survey.nps_distribution`)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax = get_ax(ax, figsize=(9, 4.2))
    x = dist.index.to_numpy(int)
    share = 100 * dist["share"].to_numpy(float)
    colours = [palette.nps_colour(g) for g in dist["group"]]
    ax.bar(x, share, color=colours, width=0.75, zorder=2)
    has_before = "share_before" in dist and dist["share_before"].notna().any()
    before = 100 * dist["share_before"].to_numpy(float) if has_before else np.full(len(x), np.nan)
    for xi, v, b in zip(x, share, before, strict=True):
        if np.isfinite(v):  # above the bar and the previous period's tick
            ax.annotate(fmt_.pct(v / 100, decimals=0), (xi, np.nanmax([v, b])), xytext=(0, 4),
                        textcoords="offset points", ha="center", fontsize=8)  # fmt: skip
    handles = []
    for g in ("detractor", "passive", "promoter"):
        part = dist[dist["group"] == g]
        total = float(part["share"].sum()) if len(part) else math.nan
        handles.append(Patch(color=palette.nps_colour(g),
                             label=f"{_(_GROUP_NAMES[g])} {fmt_.pct(total, decimals=0)}"))  # fmt: skip
    top = np.nanmax(share) if np.isfinite(share).any() else 10.0
    if has_before:
        ax.scatter(x, before, marker="_", s=420, color="black", linewidths=2, zorder=3)
        handles.append(Line2D([], [], marker="_", linestyle="none", color="black",
                              markersize=14, markeredgewidth=2, label=_("previous period")))  # fmt: skip
        top = max(top, float(np.nanmax(before)))
    ax.set_ylim(0, top * 1.18)
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_xlabel(
        _('Answer to "How likely are you to recommend us?" (0 = not at all, 10 = extremely)')
    )
    ax.set_ylabel(_("Share of answers (%)"))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    n = int(dist["count"].sum())
    ax.set_title(
        title or _("How customers score us, 0 to 10 ({n} answers)").format(n=fmt_.count(n))
    )
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    ax.grid(axis="x", visible=False)
    return ax


def plot_driver_priority(drivers, *, ax=None, title: str | None = None):
    """How much each area matters for NPS (share of what the areas explain, with its
    bootstrap interval) as horizontal bars, each labelled with the area's mean score;
    the priority area (:func:`salesmeasure.survey.driver_priority`) drawn in the action
    colour, the others grey. No quadrant labels: the verdict is said in words."""
    from salesmeasure.survey.page import driver_priority

    p = driver_priority(drivers)
    t = drivers.table.sort_values("weight")
    r2 = float(drivers.r_squared.value)
    ax = get_ax(ax, figsize=(8, 0.9 + 0.7 * len(t)))
    y = np.arange(len(t))
    v = 100 * t["weight"].to_numpy(float) / r2
    lo = 100 * t["ci_low"].to_numpy(float) / r2
    hi = 100 * t["ci_high"].to_numpy(float) / r2
    colours = [palette.status_colour("bad") if d == p.driver else PALETTE[0] for d in t.index]
    ax.barh(y, v, color=colours, height=0.6, alpha=0.85)
    ax.errorbar(v, y, xerr=[v - lo, hi - v], fmt="none", ecolor="black", capsize=4)
    for yi, (h, m) in enumerate(zip(hi, t["mean"], strict=True)):
        ax.annotate(_("rated {score} of 5").format(score=fmt_.number(m, decimals=1)), (h, yi),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=9)  # fmt: skip
    ax.set_yticks(y, [item_label(d) for d in t.index])
    ax.set_xlim(0, float(np.nanmax(hi)) * 1.45)
    ax.set_xlabel(_("How much the area matters for NPS (% of what the areas explain)"))
    ax.set_ylabel(_("Rated area"))
    ax.set_title(title or _("What matters for loyalty (NPS), with its range"))
    ax.grid(axis="y", visible=False)
    return ax


def plot_response_history(history, *, ax=None, title: str | None = None):
    """The share of active customers who answered, per period, with its Wilson band;
    each point labelled with the period's number of responses, n (output of
    :func:`salesmeasure.survey.response_history`)."""
    h = history
    ax = get_ax(ax, figsize=(9, 3.6))
    x = np.arange(len(h))
    v = 100 * h["rate"].to_numpy(float)
    lo = 100 * h["ci_low"].to_numpy(float)
    hi = 100 * h["ci_high"].to_numpy(float)
    ax.fill_between(x, lo, hi, color=PALETTE[0], alpha=0.2, linewidth=0)
    ax.plot(x, v, marker="o", color=PALETTE[0])
    for xi, top, n in zip(x, hi, h["responses"], strict=True):
        if np.isfinite(top):
            ax.annotate(
                f"n={fmt_.count(n)}", (xi, top), xytext=(0, 4),
                textcoords="offset points", ha="center", fontsize=8,
            )  # fmt: skip
    finite = hi[np.isfinite(hi)]
    ax.set_ylim(0, max(100.0, float(finite.max()) * 1.15) if finite.size else 100.0)
    ax.set_xticks(x, [fmt_.period(p) for p in h["period"]], rotation=30, ha="right")
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    ax.set_xlabel(_("Period"))
    ax.set_ylabel(_("Active customers who answered (%)"))
    ax.set_title(title or _("Response rate per period (n = responses)"))
    return ax
