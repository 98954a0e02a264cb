"""The sentences under the review's charts: what the control charts of the periodic
evaluation show (:func:`salesmeasure.plots.plot_control_charts`) and which reps the
assessment's interval plot sets apart from the company
(:func:`salesmeasure.plots.plot_assessment`)."""

from __future__ import annotations

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import _, ngettext
from salesmeasure.targets.assessment import Assessment
from salesmeasure.targets.evaluation import CHARTS, Evaluation
from salesmeasure.targets.kpi_targets import DOWN
from salesmeasure.targets.text.review import _value, metric_label

__all__ = ["describe_assessment_chart", "describe_control_charts"]


def _level(e: Evaluation, metric: str, v) -> str:
    """A level on the chart's scale: attainment for revenue charted as attainment."""
    s = e.summary[e.summary["metric"] == metric]
    if metric == "revenue" and len(s) and s["chart"].iloc[0] == "XmR (attainment)":
        return fmt.pct(v, decimals=0)
    return _value(metric, v)


def _events(e: Evaluation, metric: str, rows: pd.DataFrame, summary) -> list[str]:
    sig = rows["signal"].astype(str)
    periods = lambda m: fmt.join([fmt.period(p) for p in rows.loc[m, "period"]], kind="and")  # noqa: E731
    down = metric in DOWN
    out = []
    above, below = sig == "above", sig == "below"
    worse, better = _("worse than usual"), _("better than usual")
    if above.any():
        out.append(
            _("{how} in {periods} (above the upper control limit)").format(
                how=worse if down else better, periods=periods(above)
            )
        )
    if below.any():
        out.append(
            _("{how} in {periods} (below the lower control limit)").format(
                how=better if down else worse, periods=periods(below)
            )
        )
    run = sig.str.startswith("run")
    if run.any():
        out.append(
            _("on one side of its centre line eight periods in a row up to {period}").format(
                period=fmt.period(rows.loc[run, "period"].iloc[-1])
            )
        )
    if summary["change_period"]:
        out.append(
            _("a shift of level from {before} to {after} starting {period} ({p})").format(
                period=fmt.period(summary["change_period"]),
                before=_level(e, metric, summary["change_before"]),
                after=_level(e, metric, summary["change_after"]),
                p=fmt.pvalue(summary["change_p"]),
            )
        )
    return out


def describe_control_charts(e: Evaluation) -> str:
    """What the control charts show, from the numbers: per KPI the periods beyond its
    limits (better or worse), a run of eight and the change point; the KPIs not charted."""
    out = []
    for s in e.summary.to_dict("records"):
        rows = e.table[e.table["metric"] == s["metric"]]
        ev = _events(e, s["metric"], rows, s)
        if ev:
            out.append(
                _("{kpi}: {events}.").format(
                    kpi=metric_label(s["metric"]), events=fmt.join(ev, kind="clauses")
                )
            )
    if not out and len(e.summary):
        out.append(
            _(
                "Every period of every chart lies within its control limits, with no run of "
                "eight and no shift of level: the movements are noise."
            )
        )
    elif out:
        quiet = [
            metric_label(s["metric"])
            for s in e.summary.to_dict("records")
            if not _events(e, s["metric"], e.table[e.table["metric"] == s["metric"]], s)
        ]
        if quiet:
            out.append(_("Within noise: {names}.").format(names=fmt.join(quiet, kind="and")))
    missing = [m for m in CHARTS if m not in set(e.summary.get("metric", []))]
    if missing:
        out.append(
            _("Not charted, with fewer than four periods of data: {names}.").format(
                names=fmt.join([metric_label(m) for m in missing], kind="and")
            )
        )
    return " ".join(out)


def describe_assessment_chart(a: Assessment) -> str:
    """Which reps the interval plot sets apart from the company, from the numbers."""
    t = a.table
    scored = t[t["score"].notna()]
    parts = [
        (_("{name} above ({score})") if f == "above" else _("{name} below ({score})")).format(
            name=n, score=fmt.number(v, decimals=1, signed=True)
        )
        for n, v, f in zip(scored["name"].astype(str), scored["score"], scored["score_flag"],
                           strict=True)
        if f in ("above", "below")
    ]  # fmt: skip
    if not len(scored):
        out = _("No rep has a score for {period}.").format(period=fmt.period(a.period))
    elif parts:
        out = ngettext(
            "{n} of {m} reps differs from the company beyond noise (the interval clears the "
            "company line): {list}.",
            "{n} of {m} reps differ from the company beyond noise (the interval clears the "
            "company line): {list}.",
            len(parts),
        ).format(n=len(parts), m=len(scored), list=fmt.join(parts, kind="and"))
    else:
        out = _(
            "Every rep's 95% interval crosses the company line: no score differs from the "
            "company beyond noise."
        )
    unscored = t[t["score"].isna()]
    if len(unscored):
        out += " " + _("Not scored (no revenue target and too few customers): {names}.").format(
            names=fmt.join(list(unscored["name"].astype(str)), kind="and")
        )
    return out
