"""Control charts of the periodic evaluation (notebook 01, issue 22).

:func:`plot_control_chart` draws one KPI of a
:class:`~salesmeasure.targets.evaluation.Evaluation` on its Shewhart chart: the value of
each period, the centre line, the 3-sigma limits of each period (they vary with each
period's sample for the sampled KPIs, drawn as steps), the target of each period where one
is recorded, the signalling periods (beyond the limits or the eighth of a run on one side)
marked in the status colour of the direction (better or worse), and the change point when
the test finds one (p below the evaluation's alpha). :func:`plot_control_charts` draws one
panel per KPI that has data, with one legend for the figure.

Revenue is charted as attainment (revenue / target, the target being 100%) when every
period has a target, as the evaluation does; otherwise as revenue in the report currency.
Every artist carries a ``gid`` ``"<metric>-<part>"`` (``value``, ``center``, ``lcl``,
``ucl``, ``target``, ``signal-better``, ``signal-worse``, ``change``), so tests and
readers of the SVG find it.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from salesmeasure import format as fmt
from salesmeasure.i18n import _
from salesmeasure.plots.palette import series_colour, status_colour
from salesmeasure.plots.theme import get_ax, set_theme
from salesmeasure.targets.kpi_targets import DOWN  # higher is worse: above the limit is worse

__all__ = ["plot_control_chart", "plot_control_charts"]

_BAND_ALPHA = 0.12


def _attainment_chart(e, metric: str) -> bool:
    s = e.summary[e.summary["metric"] == metric]
    return metric == "revenue" and len(s) and s["chart"].iloc[0] == "XmR (attainment)"


def _axis_label(metric: str, attainment: bool) -> str:
    """The y axis: the KPI and its unit."""
    from salesmeasure.plots.targets import _unit

    if metric == "revenue":
        if attainment:
            return _("Revenue, % of the period's target")
        return _("Revenue per period ({currency})").format(currency=_unit(""))
    return {
        "nps": _("NPS (points, -100 to 100)"),
        "csat": _("CSAT (% answering 4 or 5)"),
        "ces": _("Customer effort (mean score, 1-7)"),
        "retention": _("Retention (% of customers retained)"),
        "complaint_rate": _("Complaints per 100 active customers"),
        "new_customers": _("New customers (customers per period)"),
    }[metric]


def _tick(v, _pos=None) -> str:
    """A tick in the report's digits: whole numbers bare, steps of 2.5 with a decimal."""
    return fmt.number(v, decimals=0 if float(v).is_integer() else 1)


def _format_axis(ax, metric: str, attainment: bool) -> None:
    if metric in ("csat", "retention") or attainment:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    elif metric == "revenue":
        ax.yaxis.set_major_formatter(FuncFormatter(fmt.money_tick))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(_tick))


def chart_series(e, metric: str) -> dict:
    """The numbers :func:`plot_control_chart` draws for ``metric``, on the chart's scale:
    ``periods`` (labels), ``value, center, lcl, ucl, target`` (arrays), ``signal`` (the
    evaluation's codes), ``attainment`` (revenue as attainment) and ``change`` (the index
    of the first period of the new level, or None)."""
    t = e.table[e.table["metric"] == metric]
    if t.empty:
        raise KeyError(f"the evaluation has no chart for {metric!r}")
    att = bool(_attainment_chart(e, metric))
    value = t["value"].to_numpy(float)
    target = t["target"].to_numpy(float)
    if att:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = value / target
        target = np.where(np.isfinite(target), 1.0, np.nan)
    s = e.summary[e.summary["metric"] == metric].iloc[0]
    periods = list(t["period"].astype(str))
    change = periods.index(s["change_period"]) if s["change_period"] in periods else None
    return {
        "periods": periods,
        "value": value,
        "center": t["center"].to_numpy(float),
        "lcl": t["lcl"].to_numpy(float),
        "ucl": t["ucl"].to_numpy(float),
        "target": target,
        "signal": list(t["signal"].astype(str)),
        "attainment": att,
        "change": change,
        "change_p": float(s["change_p"]),
        "kind": str(s["chart"]),
    }


def _legend_handles(kinds: set[str]) -> list:
    """The legend in plain words, for the parts ``kinds`` that some panel drew."""
    ref = series_colour("reference")
    items = [
        ("value", Line2D([], [], color=series_colour("actual"), marker="o", ms=5, lw=1.6),
         _("Value of the period")),
        ("center", Line2D([], [], color=ref, lw=1.2), _("Centre line (usual level)")),
        ("limits", Patch(facecolor=ref, alpha=0.3, edgecolor=ref, ls="--"),
         _("Control limits: the range of noise")),
        ("target", Line2D([], [], color=series_colour("target"), lw=1.6, ls="-."),
         _("Target of the period")),
        ("better", Line2D([], [], color=status_colour("good"), marker="^", ms=9, lw=0,
                          markeredgecolor="black"), _("Real change, better")),
        ("worse", Line2D([], [], color=status_colour("action"), marker="v", ms=9, lw=0,
                         markeredgecolor="black"), _("Real change, worse")),
        ("change", Line2D([], [], color="black", lw=1.2, ls=":"), _("Shift of level")),
    ]  # fmt: skip
    return [(h, label) for key, h, label in items if key in kinds]


def _draw(ax, e, metric: str, *, xlabel: bool = True) -> set[str]:
    """Draw ``metric``'s chart on ``ax``; the legend parts drawn."""
    from salesmeasure.targets.text.review import metric_label

    d = chart_series(e, metric)
    x = np.arange(len(d["periods"]))
    ref = series_colour("reference")
    drawn = {"value", "center", "limits"}
    ax.fill_between(
        x, d["lcl"], d["ucl"], step="mid", color=ref, alpha=_BAND_ALPHA, lw=0,
        gid=f"{metric}-band",
    )  # fmt: skip
    for part in ("lcl", "ucl"):
        ax.plot(x, d[part], drawstyle="steps-mid", color=ref, ls="--", lw=1, gid=f"{metric}-{part}")
    ax.plot(x, d["center"], color=ref, lw=1.2, gid=f"{metric}-center")
    if np.isfinite(d["target"]).any():
        ax.plot(
            x, d["target"], drawstyle="steps-mid", color=series_colour("target"), ls="-.",
            lw=1.6, gid=f"{metric}-target",
        )  # fmt: skip
        drawn.add("target")
    ax.plot(
        x, d["value"], color=series_colour("actual"), marker="o", ms=5, lw=1.6, zorder=3,
        gid=f"{metric}-value",
    )  # fmt: skip
    sig = np.array(d["signal"], dtype=object)
    up = np.array([s.endswith("above") for s in sig], bool)
    down = np.array([s.endswith("below") for s in sig], bool)
    better, worse = (down, up) if metric in DOWN else (up, down)
    for key, mask in (("better", better), ("worse", worse)):
        if not mask.any():
            continue
        code = "good" if key == "better" else "action"
        ax.scatter(
            x[mask], d["value"][mask], s=90, zorder=4, color=status_colour(code),
            marker="^" if key == "better" else "v",  # as the tables' ▲ / ▼
            edgecolors="black", linewidths=0.6, gid=f"{metric}-signal-{key}", clip_on=False,
        )  # fmt: skip
        drawn.add(key)
    if d["change"] is not None:
        at = d["change"] - 0.5
        ax.axvline(at, color="black", ls=":", lw=1.2, gid=f"{metric}-change")
        ax.annotate(
            _("shift from {period} ({p})").format(
                period=fmt.period(d["periods"][d["change"]]), p=fmt.pvalue(d["change_p"])
            ),
            (at, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -12),
            textcoords="offset points", fontsize=8,
        )  # fmt: skip
        drawn.add("change")
    ax.set_xticks(x, [fmt.period(p) for p in d["periods"]], rotation=35, ha="right", fontsize=8)
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_xlabel(_("Period") if xlabel else "")
    ax.set_ylabel(_axis_label(metric, d["attainment"]), fontsize=9)
    _format_axis(ax, metric, d["attainment"])
    ax.set_title(metric_label(metric), fontsize=11)
    return drawn


def _no_chart(ax, text: str, title: str):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_axis_off()
    ax.set_title(title)
    return ax


def plot_control_chart(evaluation, metric: str, *, ax=None, title: str | None = None):
    """One KPI of an :class:`~salesmeasure.targets.evaluation.Evaluation` on its control
    chart (see the module text), with its legend; returns the Axes."""
    ax = get_ax(ax, figsize=(8, 4.2))
    if metric not in set(evaluation.summary.get("metric", [])):
        return _no_chart(
            ax,
            _("Fewer than four periods with data: no control chart."),
            title or _("Control chart"),
        )
    drawn = _draw(ax, evaluation, metric)
    handles = _legend_handles(drawn)
    ax.legend(
        [h for h, _l in handles], [lab for _h, lab in handles], fontsize=8, ncol=2,
        loc="upper center", bbox_to_anchor=(0.5, -0.32),
    )  # fmt: skip
    if title:
        ax.set_title(title)
    return ax


def plot_control_charts(evaluation, metrics=None, *, title: str | None = None):
    """One panel per KPI of the evaluation that has a chart (or of ``metrics``), two
    panels a row, one legend for the figure; returns the Figure."""
    import matplotlib.pyplot as plt

    from salesmeasure.targets.text.sections import scope_label

    have = list(evaluation.summary.get("metric", []))
    metrics = [m for m in (metrics or have) if m in have]
    set_theme()
    if not metrics:
        fig, ax = plt.subplots(figsize=(8, 2.5))
        _no_chart(ax, _("Fewer than four periods with data: no control chart."), _("Control chart"))
        return fig
    cols = 1 if len(metrics) == 1 else 2
    rows = math.ceil(len(metrics) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.6 * cols, 3.3 * rows + 1.2), squeeze=False)
    drawn: set[str] = set()
    for i, (ax, metric) in enumerate(zip(axes.flat, metrics, strict=False)):
        drawn |= _draw(ax, evaluation, metric, xlabel=i + cols >= len(metrics))
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    handles = _legend_handles(drawn)
    fig.suptitle(
        title
        or _("KPIs over the last {n} periods up to {period}, {scope}").format(
            n=len(chart_series(evaluation, metrics[0])["periods"]),
            period=fmt.period(evaluation.last),
            scope=scope_label(evaluation.region),
        ),
        fontsize=13,
        fontweight="bold",
        y=1 - 0.08 / fig.get_figheight(),
        va="top",
    )
    inch = 1 / fig.get_figheight()  # the title, then the legend (two rows), then the panels
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.85 * inch))
    fig.legend(
        [h for h, _l in handles], [lab for _h, lab in handles], fontsize=9, ncol=4,
        loc="upper center", bbox_to_anchor=(0.5, 1 - 0.45 * inch),
    )  # fmt: skip
    return fig
