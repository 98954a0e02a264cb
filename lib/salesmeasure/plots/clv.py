"""Charts of the retention and customer-lifetime-value report (notebook 03).

Each function takes the output of a :mod:`salesmeasure.retention` or
:mod:`salesmeasure.clv` function and returns the Axes it drew on.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _
from salesmeasure.plots import palette
from salesmeasure.plots.theme import PALETTE, get_ax


def _fmt_unit() -> str:
    from salesmeasure import format as fmt

    return fmt.currency_unit()


__all__ = [
    "plot_cohort_retention",
    "plot_retention_trend",
    "plot_survival_curves",
    "plot_holdout_by_frequency",
    "plot_prob_alive_map",
    "plot_clv_distribution",
    "plot_value_at_risk",
    "plot_recoverable_value",
    "plot_retention_section",
    "plot_survival_section",
    "plot_prob_alive_section",
    "plot_value_section",
    "plot_risk_section",
]

_UNITS = {"M": N_("months"), "Q": N_("quarters"), "Y": N_("years"), "W": N_("weeks"),
          "D": N_("days")}  # fmt: skip
#: Groups a chart can be split by, as an axis label.
_GROUPS = {"region": N_("Region"), "segment": N_("Segment"), "tier": N_("Value tier")}


def _group_label(group: str) -> str:
    return _(_GROUPS[group]) if group in _GROUPS else group.replace("_", " ").capitalize()


def plot_cohort_retention(matrix, *, ax=None, max_periods: int | None = 12, annotate=True):
    """Heatmap of the share of each acquisition cohort active k periods later.

    ``matrix`` is a :class:`salesmeasure.retention.CohortMatrix`.
    """
    shares = matrix.shares
    if max_periods is not None:
        shares = shares.loc[:, shares.columns[: max_periods + 1]]
    from salesmeasure import format as fmt

    shares = shares.rename(index=lambda p: fmt.period(str(p)))  # 2023年第一季度 in Chinese
    ax = get_ax(ax, figsize=(10, max(3.5, 0.32 * len(shares) + 1.5)))
    sns.heatmap(
        shares * 100,
        ax=ax,
        cmap="Blues",
        vmin=0,
        vmax=100,
        annot=annotate and shares.size <= 400,
        fmt=".0f",
        annot_kws={"fontsize": 7},
        cbar_kws={"label": _("Active customers (% of cohort)")},
        linewidths=0.3,
        linecolor="white",
    )
    unit = _(_UNITS.get(matrix.freq, N_("periods")))
    ax.set_xlabel(_("Time since acquisition ({unit})").format(unit=unit))
    ax.set_ylabel(_("Acquisition cohort"))
    ax.set_title(_("Cohort retention: share of each cohort still buying"))
    return ax


def plot_retention_trend(
    rates: pd.DataFrame, *, by: str | None = None, ax=None, value: str = "retention_rate"
):
    """Retention (or churn) rate per period with its interval, one line per group.

    ``rates`` comes from :func:`salesmeasure.retention.retention_rate` or
    ``churn_rate`` (pass ``value="churn_rate"``).
    """
    ax = get_ax(ax)
    groups = [(None, rates)] if by is None else list(rates.groupby(by, sort=True))
    codes = [str(n) for n, _g in groups]
    from salesmeasure import format as fmt

    for name, g in groups:
        colour = PALETTE[0] if by is None else palette.group_colour(by, name, codes)
        ax.plot(
            g["period"].astype(str).map(fmt.period),
            g[value] * 100,
            marker="o",
            color=colour,
            label=str(name) if name is not None else _("All customers"),
        )
        ax.fill_between(
            g["period"].astype(str).map(fmt.period),
            g["ci_low"] * 100,
            g["ci_high"] * 100,
            color=colour,
            alpha=0.15,
            linewidth=0,
        )
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(decimals=0))
    retention = value == "retention_rate"
    ax.set_ylabel(_("Retention rate (%)") if retention else _("Churn rate (%)"))
    ax.set_xlabel(_("Period"))
    if by:
        title = (
            _("Retention rate by period and {by} (95% interval)")
            if retention
            else _("Churn rate by period and {by} (95% interval)")
        ).format(by=_(by))
    else:
        title = (
            _("Retention rate by period (95% interval)")
            if retention
            else _("Churn rate by period (95% interval)")
        )
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(title=_group_label(by) if by else None, loc="best", fontsize=8)
    return ax


def plot_retention_small_multiples(rates: pd.DataFrame, *, by: str, value: str = "retention_rate"):
    """Retention (or churn) rate per period, one small panel per group: the group's line
    and 95% band in colour against the other groups in light grey, on a shared y axis.

    Five overlapping bands on one axes cannot be read; side by side each group's path is
    clear and the grey lines still show where it stands among the rest. Returns the Figure.
    """
    import math

    import matplotlib.pyplot as plt

    from salesmeasure import format as fmt
    from salesmeasure.plots.theme import set_theme

    set_theme()
    groups = list(rates.groupby(by, sort=True))
    periods = sorted(rates["period"].astype(str).unique())
    pos = {p: i for i, p in enumerate(periods)}
    ncols = min(len(groups), 3)
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.7 * ncols, 2.6 * nrows + 0.8), sharex=True, sharey=True,
        squeeze=False,
    )  # fmt: skip
    step = max(1, math.ceil(len(periods) / 5))
    for k, (name, g) in enumerate(groups):
        ax = axes.flat[k]
        for other, o in groups:
            if other != name:
                x = o["period"].astype(str).map(pos)
                ax.plot(x, o[value] * 100, color="#b8b8b8", linewidth=0.9)
        x = g["period"].astype(str).map(pos)
        colour = palette.group_colour(by, name, [str(n) for n, _g in groups])
        ax.fill_between(x, g["ci_low"] * 100, g["ci_high"] * 100, color=colour, alpha=0.2,
                        linewidth=0)  # fmt: skip
        ax.plot(x, g[value] * 100, color=colour, marker="o", markersize=3, linewidth=1.8)
        ax.set_title(str(name), fontsize=11)
        ax.set_xticks(range(0, len(periods), step), [fmt.period(p) for p in periods[::step]])
        ax.tick_params(axis="x", rotation=45, labelsize=8)
        ax.yaxis.set_major_formatter(mticker.PercentFormatter(decimals=0))
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    what = _("Retention rate (%)") if value == "retention_rate" else _("Churn rate (%)")
    for ax in axes[:, 0]:
        ax.set_ylabel(what)
    last = len(groups) - 1  # the lowest visible panel of each column carries the labels
    for k in range(ncols):
        low = max(i for i in range(k, last + 1, ncols))
        axes.flat[low].set_xlabel(_("Quarter"))
        axes.flat[low].xaxis.set_tick_params(labelbottom=True)
    title = (
        _("Retention rate by quarter and {by} (95% interval; grey lines: the others)")
        if value == "retention_rate"
        else _("Churn rate by quarter and {by} (95% interval; grey lines: the others)")
    )
    fig.suptitle(title.format(by=_(by)), fontsize=13, fontweight="bold")
    fig.tight_layout()
    return fig


def plot_survival_curves(
    survival,
    *,
    ax=None,
    title: str | None = None,
    start: float | None = None,
    by: str | None = None,
    labels=None,
):
    """Kaplan-Meier curves of time to lapse with pointwise 95 % bands.

    ``survival`` is a :class:`salesmeasure.retention.SurvivalCurves`; its ``group``
    column holds codes, coloured by :func:`salesmeasure.plots.palette.group_colour` for
    the split ``by`` (``"nps_group"``, ``"region"``, ...) and named by ``labels`` (a
    callable code -> label; the code itself without one).
    """
    ax = get_ax(ax)
    groups = list(survival.curves.groupby("group", sort=True))
    codes = [str(n) for n, _g in groups]
    for name, g in groups:
        colour = palette.group_colour(by, name, codes)
        label = labels(name) if labels is not None else str(name)
        ax.step(g["time"], g["survival"] * 100, where="post", color=colour, label=label)
        ax.fill_between(
            g["time"],
            g["ci_low"] * 100,
            g["ci_high"] * 100,
            step="post",
            color=colour,
            alpha=0.15,
            linewidth=0,
        )
    ax.axhline(50, color="grey", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 101)
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(decimals=0))
    if start:  # nobody can lapse before ``start`` days: the flat stretch is not shown
        ax.set_xlim(left=start * 0.9)  # the drop at day ``start`` stays in view
        ax.set_xlabel(
            _("Days since first order (from day {days}, the first a customer can lapse)").format(
                days=f"{start:.0f}"
            )
        )
    else:
        ax.set_xlabel(_("Days since first order"))
    ax.set_ylabel(_("Customers not yet lapsed (%)"))
    ax.set_title(title or _("Time to lapse (Kaplan-Meier, 95% band)"))
    ax.legend(fontsize=8)
    return ax


def plot_holdout_by_frequency(comparison, *, ax=None):
    """Actual vs predicted mean holdout purchases by calibration frequency.

    ``comparison`` is a :class:`salesmeasure.clv.HoldoutComparison`.
    """
    ax = get_ax(ax)
    t = comparison.by_frequency
    x = np.arange(len(t))
    ax.plot(x, t["actual"], color="black", marker="o", linewidth=2, label=_("Actual"))
    models = [c for c in t.columns if c not in ("customers", "actual")]
    for i, m in enumerate(models):
        ax.plot(
            x,
            t[m],
            marker="s",
            linestyle="--",
            color=PALETTE[i % len(PALETTE)],
            label=_("{model} (predicted)").format(model=m),
        )
    ax.set_xticks(x, [str(v) for v in t.index])
    ax.set_xlabel(_("Repeat purchases in the calibration period"))
    ax.set_ylabel(_("Mean purchases in the holdout period"))
    ax.set_title(_("Holdout check: predicted vs actual purchases"))
    ax.legend(fontsize=8)
    return ax


#: Orientation of the probability-alive map: frequency rises upwards, recency to the
#: right. The sentence under the map takes its corner from these (see
#: :func:`prob_alive_corner`), and a test reads them back off the drawn chart.
PROB_ALIVE_FREQUENCY_UP = True
PROB_ALIVE_RECENCY_RIGHT = True


def prob_alive_corner(*, frequency_high: bool, recency_high: bool) -> str:
    """Where on :func:`plot_prob_alive_map` the customers with high (or low) frequency and
    recency are, in the report's language (``"top left"``, 左上方)."""
    from salesmeasure.plots.directions import corner

    return corner(
        recency_high,
        frequency_high,
        x_rises=PROB_ALIVE_RECENCY_RIGHT,
        y_rises=PROB_ALIVE_FREQUENCY_UP,
    )


def plot_prob_alive_map(model, *, T: float, max_frequency: int = 20, ax=None, unit: str = "weeks"):
    """Probability alive for every (frequency, recency) at customer age ``T``.

    ``model`` is a fitted :class:`salesmeasure.clv.BetaGeo` or ``ParetoNBD``.
    """
    ax = get_ax(ax, figsize=(9, 5))
    n_rec = int(np.floor(T)) + 1
    f = np.repeat(np.arange(max_frequency + 1), n_rec).astype(float)
    r = np.tile(np.arange(n_rec), max_frequency + 1).astype(float)
    valid = (f > 0) | (r == 0)
    p = np.full(len(f), np.nan)
    p[valid] = model.prob_alive(f[valid], r[valid], np.full(valid.sum(), float(T)))
    grid = pd.DataFrame(
        p.reshape(max_frequency + 1, n_rec) * 100, index=np.arange(max_frequency + 1)
    )
    if PROB_ALIVE_FREQUENCY_UP:  # heatmap rows run downwards: reverse for frequency upwards
        grid = grid.iloc[::-1]
    if not PROB_ALIVE_RECENCY_RIGHT:
        grid = grid.iloc[:, ::-1]
    sns.heatmap(
        grid,
        ax=ax,
        cmap="RdYlGn",
        vmin=0,
        vmax=100,
        cbar_kws={"label": _("Probability still active (%)")},
        xticklabels=max(n_rec // 10, 1),
        yticklabels=max(max_frequency // 10, 1),
    )
    units = _(unit)  # one of the _UNITS words
    ax.set_xlabel(_("Recency: age at last purchase ({unit})").format(unit=units))
    ax.set_ylabel(_("Frequency: repeat purchases"))
    ax.set_title(
        _("Probability a customer is still active (customer age {age} {unit})").format(
            age=f"{T:.0f}", unit=units
        )
    )
    return ax


def plot_clv_distribution(
    values: pd.DataFrame,
    *,
    tiers=None,
    months: int | None = None,
    ax=None,
    currency: str = "",
):
    """Histogram of customer lifetime value (log scale) with tier boundaries.

    ``values`` comes from :func:`salesmeasure.clv.customer_value`, ``tiers`` from
    ``clv_tiers``; ``months`` (the horizon) is named in the axis label.
    """
    from salesmeasure import format as fmt

    ax = get_ax(ax)
    v = values["clv"].to_numpy(float)
    # Customers worth under one currency unit are the ones the purchase model believes
    # have gone (P(active) near 0): a spike of several hundred in the first bar of a log
    # axis. They are counted apart, in words, instead of drawn as a bar.
    floor = 1.0
    worthless = v < floor
    kept = v[~worthless]
    top = max(kept.max(), floor * 10) if len(kept) else floor * 10
    bins = np.logspace(np.log10(floor), np.log10(top), 40)
    # 10**log10(top) can round below top, and hist drops what lies past the last edge:
    # the most valuable customer went missing from the chart.
    bins[0], bins[-1] = floor, top
    ax.hist(kept, bins=bins, color=PALETTE[0], edgecolor="white")
    ax.set_xscale("log")
    if tiers is not None:
        for name, row in tiers.iloc[:-1].iterrows():
            ax.axvline(
                row["min_clv"],
                color=palette.tier_colour(name, list(getattr(tiers, "frame", tiers).index)[::-1]),
                linestyle="--",
                label=_("{tier} from {amount}").format(
                    tier=_(name), amount=fmt.money_full(row["min_clv"])
                ),
            )
        ax.set_ylim(top=ax.get_ylim()[1] * 1.25)  # room for the legend above the bars
        ax.legend(fontsize=8, loc="upper right")
    unit = currency or _fmt_unit()
    ax.set_xlabel(
        _("Customer lifetime value over {months} months ({unit}, log scale)").format(
            months=months, unit=unit
        )
        if months
        else _("Customer lifetime value ({unit}, log scale)").format(unit=unit)
    )
    if worthless.any():  # said under the axis, where it covers no bar
        alive = values.loc[worthless, "prob_alive"] if "prob_alive" in values else None
        note = _(
            "Not shown: {n} customers worth under {floor} (P(active) at most {p}: almost "
            "certainly lapsed)"
        ).format(
            n=fmt.count(int(worthless.sum())),
            floor=fmt.number(floor),
            p=fmt.pct(float(alive.max()) if alive is not None else 0.0, decimals=1),
        )
        ax.set_xlabel(ax.get_xlabel() + "\n" + note)
    ax.set_ylabel(_("Customers"))
    ax.set_title(_("Distribution of customer lifetime value"))
    return ax


def plot_value_at_risk(table: pd.DataFrame, *, group: str, ax=None, currency: str = ""):
    """Bars of expected value (``clv``) and value at risk per group.

    ``table`` has one row per group with ``clv`` and ``value_at_risk`` columns (e.g. the
    output of ``clv_tiers`` or a groupby sum of ``clv`` output by region).
    """
    ax = get_ax(ax)
    table = getattr(table, "frame", table)  # a CLVTiers reads as its table
    t = table.reset_index() if group not in table.columns else table
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["clv"], width=0.4, color=PALETTE[0], label=_("Expected value (CLV)"))
    ax.bar(
        x + 0.2,
        t["value_at_risk"],
        width=0.4,
        color=PALETTE[3],
        hatch="//",
        label=_("Value at risk if lapsed"),
    )
    from salesmeasure import format as fmt

    ax.set_xticks(x, [_(v) if group == "tier" else v for v in t[group].astype(str)])
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(fmt.money_tick))
    ax.set_ylabel(_("Value ({unit})").format(unit=currency or _fmt_unit()))
    ax.set_xlabel(_group_label(group))
    ax.set_title(
        _("Customer value and value at risk by {group}").format(
            group=_(group) if group in _GROUPS else group.replace("_", " ")
        )
    )
    ax.legend(fontsize=8)
    return ax


#: The risk statuses as drawn: (column, label, status colour code, hatch).
_STATUS_BARS = (
    ("secure_value", N_("Likely still buying (80% or more)"), "good", ""),
    ("recoverable_value", N_("Recoverable: can still be saved"), "watch", ""),
    ("lapsed_value", N_("Already lapsed (below 20%)"), "n/a", "//"),
)


def plot_recoverable_value(table: pd.DataFrame, *, group: str, ax=None, currency: str = ""):
    """Horizontal stacked bars per group of the expected value (``clv``) split into the
    customers likely still buying, the recoverable and the already lapsed (columns
    ``secure_value``, ``recoverable_value``, ``lapsed_value``; the three add up to
    ``clv``), the recoverable amount written beside each bar."""
    from salesmeasure import format as fmt
    from salesmeasure.clv.text import group_value

    table = getattr(table, "table", table)
    t = table.sort_values("clv")
    y = np.arange(len(t))
    height = 0.6 if len(t) > 1 else 0.4
    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=(8, max(2.2, 0.6 * len(t) + 1.4)))
    left = np.zeros(len(t))
    for col, label, status, hatch in _STATUS_BARS:
        vals = t[col].to_numpy(float) if col in t.columns else np.zeros(len(t))
        ax.barh(
            y, vals, left=left, height=height, color=palette.status_colour(status),
            hatch=hatch, edgecolor="white", label=_(label),
        )  # fmt: skip
        left += vals
    top = float(left.max()) if len(left) else 0.0
    for yi, (rec, total) in enumerate(zip(t["recoverable_value"], left, strict=True)):
        ax.text(
            total + top * 0.01, yi,
            _("{amount} recoverable").format(amount=fmt.money(rec)), va="center", fontsize=8,
        )  # fmt: skip
    ax.set_xlim(0, top * 1.25 if top > 0 else 1)
    ax.set_yticks(y, [group_value(v) for v in t.index])
    ax.set_ylabel(_group_label(group) if group else "")
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(fmt.money_tick))
    ax.set_xlabel(_("Expected value over the horizon ({unit})").format(
        unit=currency or _fmt_unit()))  # fmt: skip
    ax.set_title(_("Expected value by customers' chance of still being active"))
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3,
              frameon=False)  # fmt: skip
    return ax


# ------------------------------------------------ one chart per section of notebook 03
def plot_retention_section(section, *, ax=None):
    """Retention trend of a :class:`salesmeasure.clv.analysis.RetentionSection`."""
    if section.by and ax is None and section.rates[section.by].nunique() > 1:
        return plot_retention_small_multiples(section.rates, by=section.by)
    return plot_retention_trend(section.rates, by=section.by, ax=ax)


def plot_survival_section(section, *, ax=None):
    """Time to lapse by latest NPS group (a ``SurvivalSection``), groups as shown."""
    from salesmeasure.clv.text import group_label

    return plot_survival_curves(
        section.by_nps,
        ax=ax,
        title=_("Time to lapse by latest NPS group"),
        start=section.lapse_days,
        by="nps_group",
        labels=group_label,
    )


def plot_prob_alive_section(value, *, ax=None):
    """P(alive) map of the chosen purchase model (a ``CustomerValue``), drawn at the median
    customer age and up to the 95th percentile of repeat purchases (5 to 40)."""
    s = value.summary
    age = float(np.median(s["T"]))
    top_f = int(min(max(s["frequency"].quantile(0.95), 5), 40))
    split = getattr(value, "purchase_segments", None)
    if ax is not None or split is None or not split.segmented:
        return plot_prob_alive_map(value.purchase_model, T=age, max_frequency=top_f, ax=ax)
    # Purchases modelled per segment: one map per segment's model (the values and the
    # sentence under the chart use each customer's own segment's model too).
    import matplotlib.pyplot as plt

    groups = list(split.groups)
    value_unit = "weeks"  # the unit plot_prob_alive_map labels by default
    fig, axes = plt.subplots(len(groups), 1, figsize=(9, 4.2 * len(groups)), squeeze=False)
    for g, a in zip(groups, axes[:, 0], strict=True):
        plot_prob_alive_map(split.models[g], T=age, max_frequency=top_f, ax=a)
        a.set_title(
            _(
                "{segment}: probability a customer is still active (customer age {age} {unit})"
            ).format(segment=fmt.label("segment", g), age=f"{age:.0f}", unit=_(value_unit))
        )
    fig.tight_layout()
    return axes[0, 0]


def plot_value_section(section, *, ax=None):
    """CLV distribution with tier boundaries of a ``ValueSection``."""
    return plot_clv_distribution(
        section.value.values, tiers=section.tiers, months=section.value.months, ax=ax
    )


def plot_risk_section(risk, *, ax=None):
    """Expected value per group of a ``RiskByGroup`` split into likely still buying,
    recoverable and already lapsed (the recoverable amount named per bar)."""
    return plot_recoverable_value(risk.table, group=risk.by, ax=ax)
