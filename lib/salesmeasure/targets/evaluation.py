"""Periodic evaluation: each KPI over the last periods against its targets, real changes
told from noise, and whether last period's target adjustments worked.

Every KPI's series gets a **Shewhart control chart** whose limits are the centre line
+/- 3 standard errors of each period's own measurement: for a share (retention, CSAT)
this is the p-chart, for complaints per 100 customers the u-chart, for counts (new
customers) the c-chart, for NPS the same on its multinomial standard error; revenue,
which is not sampled, gets the individuals (XmR) chart, sigma = mean moving range /
1.128. Two Western Electric rules signal a real change: a point beyond the limits, and
eight periods in a row on one side of the centre line.

A **change-point test** asks whether the series is better described by two levels than
one: the statistic is the largest, over every split leaving two periods or more on each
side, of the weighted squared difference
between the means before and after, ``(m1 - m2)^2 / (1/W1 + 1/W2)`` (``W`` the sum of
``1 / se^2``); its p-value comes from 999 parametric-bootstrap series of one level with
the same standard errors (the maximum over splits has no chi-square distribution).

References
----------
Montgomery, D. C. (2013). Introduction to Statistical Quality Control (7th ed.), Wiley,
ch. 6-7 (XmR, p, u and c charts; d2 = 1.128).
Western Electric (1956). Statistical Quality Control Handbook (the run rules).
Hinkley, D. V. (1970). Inference about the change-point in a sequence of random
variables. Biometrika 57(1), 1-17.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.data import Dataset
from salesmeasure.errors import InsufficientData
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.results import FrameResult
from salesmeasure.targets.inputs import is_blank, period_targets, selection_total
from salesmeasure.targets.kpi_targets import DOWN, period_stats, standard_error

#: The KPIs of the evaluation and the chart each gets.
CHARTS = {
    "revenue": "XmR",
    "nps": "NPS chart (3 multinomial SE)",
    "csat": "p-chart",
    "retention": "p-chart",
    "complaint_rate": "u-chart",
    "new_customers": "c-chart",
}
#: Charts of KPIs that can be given targets but are not charted by default.
CHARTS_EXTRA = {"ces": "individuals chart (3 SE of the mean)"}
RUN = 8  # Western Electric: eight in a row on one side of the centre line


@dataclass(frozen=True)
class ControlChart:
    """A control chart of one series: per-point ``center, lcl, ucl`` and ``signal``
    ("above", "below" beyond the limits; "run above"/"run below" for the eighth and later
    of a run on one side; "" otherwise)."""

    table: pd.DataFrame
    kind: str


def chart_limits(metric: str, stats: list[dict]) -> tuple[float, np.ndarray]:
    """Centre line and per-period sigma of the chart of ``metric`` from each period's
    :func:`~salesmeasure.targets.kpi_targets.period_stats` (the textbook charts: the
    centre pooled over the periods, sigma from the centre and each period's n)."""
    n = np.array([s["n"] for s in stats], float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if metric in ("csat", "retention"):  # p-chart
            pbar = sum(s["k"] for s in stats) / n.sum()
            return pbar, np.sqrt(pbar * (1 - pbar) / n)
        if metric == "complaint_rate":  # u-chart, per 100
            ubar = sum(s["k"] for s in stats) / sum(s["exposure"] for s in stats)
            return 100 * ubar, 100 * np.sqrt(ubar / n)
        if metric == "new_customers":  # c-chart
            cbar = float(np.mean([s["k"] for s in stats]))
            return cbar, np.full(n.size, math.sqrt(cbar))
        if metric == "nps":
            pr = sum(s["promoters"] for s in stats) / n.sum()
            de = sum(s["detractors"] for s in stats) / n.sum()
            return 100 * (pr - de), 100 * np.sqrt((pr + de - (pr - de) ** 2) / n)
        if metric == "ces":
            x = np.concatenate([np.asarray(s["values"], float) for s in stats])
            return float(x.mean()), x.std(ddof=1) / np.sqrt(n)
    raise ValueError(f"no chart for metric {metric!r}")


def control_chart(values, sigma=None, *, center=None, kind: str = "") -> ControlChart:
    """Shewhart chart of ``values``: limits ``center`` +/- 3 ``sigma`` (per point; see
    :func:`chart_limits`), the centre the mean when not given; without ``sigma`` the
    XmR chart (sigma the mean moving range / 1.128)."""
    v = np.asarray(values, float)
    ok = np.isfinite(v)
    if ok.sum() < 2:
        raise InsufficientData(_("A control chart needs at least two periods."))
    center = float(v[ok].mean()) if center is None else float(center)
    if sigma is None:
        mr = np.abs(np.diff(v[ok]))
        sigma = np.full(v.size, mr.mean() / 1.128)
        kind = kind or "XmR"
    else:
        sigma = np.broadcast_to(np.asarray(sigma, float), v.shape).copy()
    lcl, ucl = center - 3 * sigma, center + 3 * sigma
    signal = np.where(ok & (v > ucl), "above", np.where(ok & (v < lcl), "below", "")).astype(object)
    side = np.sign(np.where(ok, v - center, 0))
    run = 0
    for i in range(v.size):
        run = run + 1 if i and side[i] != 0 and side[i] == side[i - 1] else (1 if side[i] else 0)
        if run >= RUN and signal[i] == "":
            signal[i] = "run above" if side[i] > 0 else "run below"
    t = pd.DataFrame(
        {"value": v, "center": center, "sigma": sigma, "lcl": lcl, "ucl": ucl, "signal": signal}
    )
    return ControlChart(t, kind)


@dataclass(frozen=True)
class ChangePoint:
    """The most likely change of level: the first period of the new level (``index``),
    the means before and after, the statistic and its bootstrap p-value."""

    index: int
    before: float
    after: float
    statistic: float
    p_value: float


#: Fewest periods on each side of a change point.
MIN_SEGMENT = 2


def _split_stats(v: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The best split of each row of ``v`` (periods along the last axis, weights ``w``):
    the largest weighted squared difference of the means before and after, and the first
    period after it. All splits of all rows at once, from cumulative sums."""
    cw = np.cumsum(w)[:-1]
    cwv = np.cumsum(w * v, axis=-1)[..., :-1]
    ks = np.arange(MIN_SEGMENT, v.shape[-1] - MIN_SEGMENT + 1)
    w1, wv1 = cw[ks - 1], cwv[..., ks - 1]
    w2, wv2 = w.sum() - w1, (w * v).sum(axis=-1)[..., None] - wv1
    stat = (wv1 / w1 - wv2 / w2) ** 2 / (1 / w1 + 1 / w2)
    best = stat.argmax(axis=-1)  # the first of equal maxima, as a scan from the left
    return np.take_along_axis(stat, best[..., None], -1)[..., 0], ks[best]


def change_point(values, se, *, n_boot: int = 999, seed: int = 0) -> ChangePoint:
    """The change-point test of the module text on ``values`` with standard errors ``se``."""
    v, s = np.asarray(values, float), np.asarray(se, float)
    ok = np.isfinite(v) & np.isfinite(s) & (s > 0)
    v, s = v[ok], s[ok]
    if v.size < 4:
        raise InsufficientData(_("A change-point test needs at least four periods."))
    w = 1.0 / s**2
    stat, k = (float(x) for x in _split_stats(v, w))
    k = int(k)
    rng = np.random.default_rng(seed)
    m = (w * v).sum() / w.sum()
    # n_boot series drawn at once: the same draws, in the same order, as one at a time
    boot, _k = _split_stats(rng.normal(m, s, size=(n_boot, s.size)), w)
    p = float((1 + (boot >= stat).sum()) / (n_boot + 1))
    before = float((w[:k] * v[:k]).sum() / w[:k].sum())
    after = float((w[k:] * v[k:]).sum() / w[k:].sum())
    idx = int(np.flatnonzero(ok)[k])
    return ChangePoint(idx, before, after, stat, p)


# ---------------------------------------------------------------- the section
@dataclass(frozen=True)
class Evaluation(FrameResult):
    """Each KPI over the last periods against its targets.

    Attributes
    ----------
    table : DataFrame
        One row per KPI and period: ``metric, period, value, n, se, target, attained,
        center, lcl, ucl, signal``.
    summary : DataFrame
        One row per KPI: ``metric, chart, periods, last, signals`` (count of signalling
        periods), ``change_period`` (first period of the new level, "" when the test is
        not significant), ``change_before, change_after, change_p``, ``targets``
        (periods with a target), ``attained``.
    adjustments : DataFrame
        Each target changed for the last period: ``metric, period, old_target,
        new_target, before`` (value of the period before), ``after`` (value of the last
        period), ``before_charted, after_charted`` (on the chart's scale: attainment for
        revenue), ``change_se, real`` (the charted change beyond 1.96 standard errors),
        ``met``.
    region : str
    alpha : float
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    adjustments: pd.DataFrame
    region: str
    last: str
    alpha: float = 0.05

    @property
    def frame(self) -> pd.DataFrame:
        return self.summary


def _target_of(dataset: Dataset, metric: str, p: Period, region: str) -> float:
    if metric == "revenue":
        t = period_targets(dataset.targets, p)
        if region != "all":
            t = t[t["region"] == region]
        return selection_total(t)
    t = dataset.targets
    if t.empty or "metric" not in t.columns:
        return math.nan
    t = t[(t["period"] == p.label) & (t["metric"] == metric) & is_blank(t["rep_id"])]
    t = t[t["region"].astype(str).str.lower() == region.lower()]
    return float(t["target_amount"].iloc[-1]) if len(t) else math.nan


def evaluate(
    dataset: Dataset,
    last: str | Period,
    *,
    region: str = "all",
    n_periods: int = 8,
    metrics=tuple(CHARTS),
    alpha: float = 0.05,
    seed: int = 0,
) -> Evaluation:
    """Control chart, change-point test and target record of each KPI over the
    ``n_periods`` periods ending with ``last`` (a complete period), and whether the
    targets changed for ``last`` were followed by a real change."""
    p = Period.parse(last, fiscal_start_month=dataset.fiscal_start_month)
    region = dataset.resolve_region(region) if region != "all" else "all"
    view = dataset.until(p.end) if region == "all" else dataset.slice(period=p, region=region)
    first = view.orders["order_date"].min() if not view.orders.empty else p.start
    periods = [p.shift(-i) for i in range(n_periods - 1, -1, -1)]
    periods = [q for q in periods if q.start >= first - pd.Timedelta(days=1)]
    if len(periods) < 4:
        raise InsufficientData(
            _("The data covers {n} complete periods up to {period}; a trend needs four.").format(
                n=len(periods), period=p.label
            )
        )
    rows, summary, adjust = [], [], []
    for metric in metrics:
        vals, ses, ns, tg, stats = [], [], [], [], []
        for q in periods:
            if metric == "revenue":
                o = (
                    view.in_period("orders", q)
                    if region == "all"
                    else view.orders[view.orders["order_date"].between(q.start, q.end)]
                )
                v, n, se = float(o["amount"].sum()), len(o), math.nan
            else:
                st = period_stats(view, metric, q)
                stats.append(st)
                v, n = st["value"], st["n"]
                se = standard_error(metric, st) if n > 0 else math.nan
            vals.append(v)
            ses.append(se)
            ns.append(n)
            tg.append(_target_of(dataset, metric, q, region))
        v = np.array(vals, float)
        if np.isfinite(v).sum() < 4:
            continue
        t = np.array(tg, float)
        if metric == "revenue":
            # revenue is charted as attainment when every period has a target (targets
            # carry the season; raw quarterly revenue would signal every fourth quarter)
            with np.errstate(divide="ignore", invalid="ignore"):
                a = v / t
            if np.isfinite(a).all():
                chart = control_chart(a, kind="XmR (attainment)")
            else:
                chart = control_chart(v, kind="XmR")
        elif min(ns) > 0:
            center, sigma = chart_limits(metric, stats)
            chart = control_chart(v, sigma, center=center, kind={**CHARTS, **CHARTS_EXTRA}[metric])
        else:
            continue
        se_cp = chart.table["sigma"].to_numpy(float)
        try:
            cp = change_point(chart.table["value"].to_numpy(float), se_cp, seed=seed)
        except InsufficientData:
            cp = None
        down = metric in DOWN
        att = np.where(np.isfinite(t), (v <= t) if down else (v >= t), np.nan)
        for i, q in enumerate(periods):
            c = chart.table.iloc[i]
            rows.append(
                {
                    "metric": metric, "period": q.label, "value": v[i], "n": ns[i], "se": ses[i],
                    "target": t[i], "attained": att[i], "center": c["center"], "lcl": c["lcl"],
                    "ucl": c["ucl"], "signal": c["signal"],
                }
            )  # fmt: skip
        real_cp = cp is not None and cp.p_value < alpha
        summary.append(
            {
                "metric": metric,
                "chart": chart.kind,
                "periods": len(periods),
                "last": v[-1],
                "signals": int((chart.table["signal"] != "").sum()),
                "change_period": periods[cp.index].label if real_cp else "",
                "change_before": cp.before if real_cp else math.nan,
                "change_after": cp.after if real_cp else math.nan,
                "change_p": cp.p_value if cp is not None else math.nan,
                "targets": int(np.isfinite(t).sum()),
                "attained": int(np.nansum(att)),
            }
        )
        # did last period's adjustment work: a target changed for the last period
        if len(periods) >= 2 and np.isfinite(t[-1]) and np.isfinite(t[-2]) and t[-1] != t[-2]:
            # the change on the chart's scale (attainment for revenue) against two
            # periods' sigma
            cv = chart.table["value"].to_numpy(float)
            se_d = math.hypot(se_cp[-1], se_cp[-2])
            diff = cv[-1] - cv[-2]
            adjust.append(
                {
                    "metric": metric,
                    "period": periods[-1].label,
                    "old_target": t[-2],
                    "new_target": t[-1],
                    "before": v[-2],
                    "after": v[-1],
                    "change_se": se_d,
                    "before_charted": cv[-2],
                    "after_charted": cv[-1],
                    "real": bool(math.isfinite(se_d) and abs(diff) > 1.96 * se_d),
                    "met": bool(att[-1]) if np.isfinite(att[-1]) else False,
                }
            )
    adj_cols = [
        "metric", "period", "old_target", "new_target", "before", "after", "change_se",
        "before_charted", "after_charted", "real", "met",
    ]  # fmt: skip
    return Evaluation(
        pd.DataFrame(rows),
        pd.DataFrame(summary),
        pd.DataFrame(adjust, columns=adj_cols),
        region,
        p.label,
        alpha,
    )
