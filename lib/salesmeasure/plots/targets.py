"""Charts of the target-setting report (notebook 01).

Every function takes the result of a :mod:`salesmeasure.targets` function, draws on
``ax`` (or a new Axes) and returns the Axes. Amounts are labelled in ``currency`` (the
data carries no currency code, so the default says "currency units").
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _
from salesmeasure.plots.theme import PALETTE, STATUS_COLOURS, date_formatter, get_ax
from salesmeasure.targets.build import AttainmentSection, ForecastSection, ProposalSection
from salesmeasure.targets.pvm import PVMSection
from salesmeasure.targets.text.pvm import _pvm_labels
from salesmeasure.targets.text.sections import scope_label
from salesmeasure.targets.tracking import PacingView

__all__ = [
    "plot_forecast_fan",
    "plot_backtest",
    "plot_attainability_curve",
    "plot_pacing",
    "plot_attainment_distribution",
    "plot_pvm_waterfall",
    "plot_proposed_targets",
]

DEFAULT_CURRENCY = N_("currency units")


def _unit(currency: str) -> str:
    """The axis unit: the report currency (:func:`salesmeasure.format.currency_unit`)
    unless a chart was given one of its own."""
    from salesmeasure import format as fmt

    return fmt.currency_unit() if currency in ("", DEFAULT_CURRENCY) else _(currency)


def _money_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(fmt.money_tick))


_TARGET_SOURCES = {
    "recorded target": N_("recorded target"),
    "proposed target": N_("proposed target"),
}


_STEP_NAMES = {
    "volume": N_("Volume"),
    "mix": N_("Mix"),
    "price": N_("Price"),
    "new": N_("New"),
    "lost": N_("Lost"),
}


def _ts(index: pd.PeriodIndex):
    return index.to_timestamp(how="start")


def plot_forecast_fan(
    history,
    forecast=None,
    *,
    target: pd.Series | None = None,
    ax=None,
    currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
    levels=(0.5, 0.8),
):
    """Monthly revenue history, the forecast median with 50%/80% bands and the target.

    Parameters
    ----------
    history : Series
        Revenue per month (PeriodIndex).
    forecast : Forecast
        From :func:`salesmeasure.targets.baseline_forecast`.
    target : Series, optional
        Target per forecast month (e.g. from :func:`~salesmeasure.targets.phase`), drawn
        as a dashed step line.

    ``history`` may instead be a :class:`~salesmeasure.targets.build.ForecastSection`: the
    last 36 months, the forecast and the phased proposal are then taken from it.
    """
    if isinstance(history, ForecastSection):
        sec = history
        history, forecast, target = sec.history.iloc[-36:], sec.forecast, sec.phased
        title = title or _("Monthly revenue and the {period} forecast, {scope}").format(
            period=fmt.period(sec.period), scope=scope_label(sec.region)
        )
    ax = get_ax(ax, figsize=(9, 4.5))
    ax.plot(
        _ts(history.index), history.to_numpy(), color=PALETTE[0], lw=1.8, label=_("Actual revenue")
    )
    x = _ts(forecast.index)
    # join the fan to the last actual so the chart reads as one line
    x_join = np.concatenate([[_ts(history.index)[-1]], x])
    last = float(history.iloc[-1])
    for lv, alpha in zip(sorted(levels, reverse=True), (0.18, 0.32), strict=False):
        iv = forecast.interval(lv)
        ax.fill_between(
            x_join,
            np.concatenate([[last], iv["low"].to_numpy()]),
            np.concatenate([[last], iv["high"].to_numpy()]),
            color=PALETTE[1],
            alpha=alpha,
            lw=0,
            label=_("{level} forecast interval").format(level=fmt.pct(lv, decimals=0)),
        )
    med = forecast.quantile(0.5).to_numpy()
    ax.plot(
        x_join,
        np.concatenate([[last], med]),
        color=PALETTE[1],
        lw=1.8,
        ls="-",
        label=_("Forecast median"),
    )
    if target is not None:
        t = pd.Series(target)
        ax.plot(
            _ts(t.index),
            t.to_numpy(),
            color=STATUS_COLOURS["bad"],
            ls="--",
            lw=1.4,
            marker="s",
            ms=6,
            label=_("Target (phased by month)"),
        )
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(date_formatter(locator))
    ax.set_xlabel(_("Month"))
    ax.set_ylabel(_("Revenue per month ({currency})").format(currency=_unit(currency)))
    _money_axis(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.set_title(title or _("Revenue history and forecast ({model})").format(model=forecast.model))
    ax.legend(loc="upper left", fontsize=9)
    return ax


def plot_backtest(backtest, *, ax=None, currency: str = DEFAULT_CURRENCY, title: str | None = None):
    """Backtest: each origin's forecast of the horizon total with its 50%/80% intervals
    against the actual total; misses outside the 80% interval are marked."""
    ax = get_ax(ax, figsize=(9, 4))
    t = backtest.totals.reset_index(drop=True)
    if t.empty:
        ax.text(
            0.5,
            0.5,
            _("History too short to backtest"),
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        ax.set_title(title or _("Backtest"))
        return ax
    labels = [_("after {origin}").format(origin=fmt.period(o)) for o in t["origin"].astype(str)]
    x = np.arange(len(t))
    ax.vlines(
        x, t["low_80"], t["high_80"], color=PALETTE[1], lw=6, alpha=0.35, label=_("80% interval")
    )
    ax.vlines(
        x, t["low_50"], t["high_50"], color=PALETTE[1], lw=6, alpha=0.8, label=_("50% interval")
    )
    ax.scatter(
        x, t["mean"], color=PALETTE[1], marker="_", s=200, zorder=3, label=_("Forecast mean")
    )
    inside = t["in_80"].to_numpy(bool)
    ax.scatter(
        x[inside],
        t.loc[inside, "actual"],
        color=STATUS_COLOURS["good"],
        zorder=4,
        label=_("Actual, inside 80%"),
    )
    ax.scatter(
        x[~inside],
        t.loc[~inside, "actual"],
        color=STATUS_COLOURS["bad"],
        marker="X",
        s=70,
        zorder=4,
        label=_("Actual, outside 80%"),
    )
    ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=9)
    ax.set_xlabel(_("Forecast origin (last month of data used)"))
    ax.set_ylabel(
        _("Revenue over {n} months ({currency})").format(
            n=backtest.horizon, currency=_unit(currency)
        )
    )
    _money_axis(ax.yaxis)
    s = backtest.summary().loc["horizon total"]
    ax.set_title(
        title
        or _("Backtest: 80% intervals covered {share} of actuals").format(
            share=fmt.pct(s["coverage_80"], decimals=0)
        )
    )
    ax.legend(fontsize=8, loc="best")
    return ax


def plot_attainability_curve(
    curve: pd.DataFrame,
    *,
    proposal=None,
    ax=None,
    currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
):
    """P(attain) against the target amount (from :func:`attainability_curve`)."""
    ax = get_ax(ax, figsize=(7, 4))
    ax.plot(curve["target"], curve["p_attain"], color=PALETTE[0], marker="o", ms=4)
    if proposal is not None:
        ax.axvline(proposal.target, color=STATUS_COLOURS["bad"], ls="--", lw=1.2)
        ax.annotate(
            _("proposed: {p}").format(p=fmt.pct(proposal.p_attain, decimals=0)),
            (proposal.target, proposal.p_attain),
            xytext=(8, 8),
            textcoords="offset points",
            fontsize=9,
        )
    ax.set_xlabel(_("Target for the period ({currency})").format(currency=_unit(currency)))
    ax.set_ylabel(_("Probability of attaining"))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    _money_axis(ax.xaxis)
    ax.set_ylim(0, 1)
    ax.set_title(title or _("How the chance of attaining falls as the target rises"))
    return ax


def plot_pacing(
    curve,
    pacing=None,
    *,
    ax=None,
    currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
):
    """Cumulative booked revenue against the linear and seasonal target paths, with the
    80% projection range at period end (from :func:`pacing_curve` and :func:`pacing`), or
    of a :class:`~salesmeasure.targets.tracking.PacingView`."""
    if isinstance(curve, PacingView):
        view = curve
        curve, pacing = view.curve, view.pacing
        source = _(_TARGET_SOURCES.get(view.target_source, view.target_source))
        title = title or _("Pacing of {period} ({source})").format(
            period=fmt.period(view.period), source=source
        )
    ax = get_ax(ax, figsize=(9, 4.5))
    ax.plot(curve.index, curve["booked"], color=PALETTE[0], lw=2.2, label=_("Booked to date"))
    ax.plot(
        curve.index,
        curve["linear_target"],
        color=PALETTE[7],
        ls=":",
        lw=1.4,
        label=_("Target path, even days"),
    )
    ax.plot(
        curve.index,
        curve["seasonal_target"],
        color=STATUS_COLOURS["bad"],
        ls="--",
        lw=1.4,
        label=_("Target path, seasonal"),
    )
    if np.isfinite(pacing.projection_low):
        ax.vlines(
            curve.index[-1],
            pacing.projection_low,
            pacing.projection_high,
            color=PALETTE[1],
            lw=8,
            alpha=0.5,
            label=_("Projected total, 80% range"),
        )
    ax.axvline(pacing.as_of, color="grey", lw=0.8)
    ax.annotate(
        _("data to {date}").format(date=fmt.date(pacing.as_of, short=True)),
        (pacing.as_of, 0),
        xytext=(4, 6),
        textcoords="offset points",
        fontsize=8,
    )
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(date_formatter(locator))
    ax.set_xlabel(_("Date"))
    ax.set_ylabel(_("Cumulative revenue ({currency})").format(currency=_unit(currency)))
    _money_axis(ax.yaxis)
    ax.set_ylim(bottom=0)
    ax.set_title(title or _("Pacing: booked revenue against the target path"))
    ax.legend(loc="upper left", fontsize=9)
    return ax


def plot_attainment_distribution(
    att,
    *,
    share=None,
    ax=None,
    title: str | None = None,
):
    """Reps sorted by attainment (% of target), with the 100% line; the title gives the
    share at or above target against the 60-70% benchmark."""
    if isinstance(att, AttainmentSection):
        att, share = att.table, att.share
    ax = get_ax(ax, figsize=(9, 4.5))
    reps = att[(att["level"] == "rep") & (att["target"] > 0)].sort_values("attainment")
    if reps.empty:
        ax.text(
            0.5,
            0.5,
            _("No rep targets recorded for this period"),
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        ax.set_title(title or _("Rep attainment"))
        return ax
    colours = [STATUS_COLOURS["good"] if a else STATUS_COLOURS["bad"] for a in reps["attained"]]
    hatches = ["" if a else "//" for a in reps["attained"]]
    label = reps["name"] if "name" in reps.columns else reps["rep_id"]
    bars = ax.barh(label.astype(str), reps["attainment"], color=colours)
    for b, h in zip(bars, hatches, strict=True):
        b.set_hatch(h)
    ax.axvline(1.0, color="black", lw=1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(_("Attainment (actual revenue as % of target)"))
    ax.set_ylabel(_("Rep"))
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(
        handles=[
            Patch(color=STATUS_COLOURS["good"], label=_("At or above target")),
            Patch(facecolor=STATUS_COLOURS["bad"], hatch="//", label=_("Below target")),
        ],
        loc="lower right",
        fontsize=9,
    )
    if title is None and share is not None:
        lo, hi = share.benchmark
        title = _("{share} of reps at or above target (benchmark {lo}-{hi})").format(
            share=fmt.pct(share.share, decimals=0),
            lo=fmt.pct(lo, decimals=0),
            hi=fmt.pct(hi, decimals=0),
        )
    ax.set_title(title or _("Rep attainment"))
    return ax


def plot_pvm_waterfall(
    bridge, *, ax=None, currency: str = DEFAULT_CURRENCY, title: str | None = None, labels=None
):
    """Waterfall from base to current revenue through volume, mix, price, new and lost.

    Bars are labelled with :func:`salesmeasure.format.money` (``2.15M``, ``215.46万``), as
    in :func:`~salesmeasure.targets.pvm_table` beside the chart, and the axis with
    :func:`~salesmeasure.format.money_tick`."""
    if isinstance(bridge, PVMSection):
        base, current = _pvm_labels(bridge)
        labels = labels or {"base": base, "current": current}
        bridge = bridge.bridge
    ax = get_ax(ax, figsize=(9, 4.5))
    e = bridge.effects
    steps = ["volume", "mix", "price"] + [k for k in ("new", "lost") if abs(e[k]) > 0]
    names = labels or {}
    xt = (
        [names.get("base", _("Base"))]
        + [_(_STEP_NAMES[s]) for s in steps]
        + [names.get("current", _("Current"))]
    )
    ax.bar(0, e["base"], color=PALETTE[7])
    running = e["base"]
    for i, s in enumerate(steps, start=1):
        v = e[s]
        ax.bar(
            i,
            v,
            bottom=running,
            color=STATUS_COLOURS["good"] if v >= 0 else STATUS_COLOURS["bad"],
            hatch="" if v >= 0 else "//",
        )
        ax.annotate(
            fmt.money(v, signed=True),
            (i, running + max(v, 0)),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
        running += v
    ax.bar(len(steps) + 1, e["current"], color=PALETTE[0])
    for i, v in ((0, e["base"]), (len(steps) + 1, e["current"])):
        ax.annotate(
            fmt.money(v),
            (i, v),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    ax.set_xticks(range(len(xt)), xt)
    ax.set_ylabel(_("Revenue ({currency})").format(currency=_unit(currency)))
    ax.set_xlabel(_("Revenue of each period and the effects between them"))
    _money_axis(ax.yaxis)
    lo = max(0.0, min(e["base"], e["current"], running) * 0.8)
    ax.set_ylim(bottom=lo)
    if lo > 0:  # said beside the axis, where no bar can be under it
        ax.set_ylabel(
            ax.get_ylabel() + "\n" + _("axis starts at {value}").format(value=fmt.money(lo))
        )
        ax.yaxis.label.set_linespacing(1.5)  # CJK glyphs touch at matplotlib's 1.2
    ax.set_title(title or _("Revenue bridge: price, volume and mix"))
    return ax


def _owner_labels(df) -> list[str]:
    """Owner names, with their region when the chart shows reps of several regions (the
    rows come grouped by region, and rep ids alone do not say which group is which)."""
    owners = (df["name"] if "name" in df.columns else df["owner"]).astype(str).tolist()
    if "region" not in df or df["region"].nunique() < 2:
        return owners
    return [
        _("{owner} ({region})").format(owner=o, region=r) if isinstance(r, str) and r else o
        for o, r in zip(owners, df["region"], strict=True)
    ]


def plot_proposed_targets(
    proposals,
    *,
    ax=None,
    currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
):
    """Proposed target against the forecast of each owner, labelled with P(attain).

    A :class:`~salesmeasure.targets.build.ProposalSection` shows its reps (its regions
    when it has no reps)."""
    if isinstance(proposals, ProposalSection):
        reps = proposals.reps
        proposals = reps if not reps.empty else proposals.smart
    ax = get_ax(ax, figsize=(9, max(3.5, 0.3 * len(proposals) + 1)))
    df = proposals.reset_index(drop=True)
    y = np.arange(len(df))[::-1]
    ax.barh(y, df["amount"], color=PALETTE[0], alpha=0.85, label=_("Proposed target"))
    ax.scatter(
        df["expected"], y, color=PALETTE[1], marker="D", zorder=3, label=_("Forecast (mean)")
    )
    for yi, amt, exp, p in zip(y, df["amount"], df["expected"], df["p_attain"], strict=True):
        ax.annotate(
            _("P={p}").format(p=fmt.pct(p, decimals=0)),
            (max(amt, exp), yi),
            xytext=(8, -3),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_xlim(right=float(max(df["amount"].max(), df["expected"].max())) * 1.12)
    ax.set_yticks(y, _owner_labels(df), fontsize=8)
    ax.set_xlabel(_("Revenue for the period ({currency})").format(currency=_unit(currency)))
    ax.set_ylabel(_("Owner"))
    _money_axis(ax.xaxis)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9)
    ax.set_title(title or _("Proposed targets and their chance of being attained"), pad=28)
    return ax
