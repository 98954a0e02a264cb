"""Targets for every KPI: P(attain) from the KPI's own sampling distribution, proposals,
the minimum detectable change and the SMART check; scorecard thresholds.

A revenue target is judged on a forecast of revenue (:mod:`.forecast`). A target for a
KPI measured on a sample -- NPS, CSAT, CES on survey responses, retention on the
customers active last period, the complaint rate on complaints per active customer -- is
decided by two things: where the KPI is heading (its trend over the last periods) and the
sampling noise of the period's own measurement. :func:`simulate_next` draws the next
period's measured value from both:

1. the KPI's true level now, from its posterior given the latest period's counts
   (Dirichlet over promoter/passive/detractor shares for NPS, Beta for CSAT and
   retention, Gamma for the complaint rate, a bootstrap of the answers for CES);
2. plus one period of trend, drawn from the least-squares slope over the last periods
   and its standard error (no trend with fewer than four periods);
3. then the measurement itself: a multinomial draw of the next period's responses for
   NPS, binomial for shares, Poisson for complaints, the mean of resampled answers for CES.

P(attain) is the share of draws that reach the target (at or above; at or below for the
complaint rate). A target whose change from today's value is smaller than the minimum
detectable change (:func:`minimum_detectable_change`: two-sided 5% test, 80% power,
between two independent periods) is one that sampling noise alone would decide: the
SMART check marks it not measurable.

Average CLV (the scorecard's ``avg_clv``) is judged on the customers' values from the one
set of books (:func:`salesmeasure.books.region_value`, valued at the base period's end as
the scorecard does): a Bayesian bootstrap of the mean over these customers, with no trend
and without the CLV models' own parameter uncertainty.

References
----------
Rubin, D. B. (1981). The Bayesian bootstrap. Annals of Statistics 9(1), 130-134.
Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.),
Erlbaum (minimum detectable difference for two independent samples).
Doran, G. T. (1981). There's a S.M.A.R.T. way to write management's goals and
objectives. Management Review 70(11), 35-36.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from salesmeasure import books
from salesmeasure.clv.pipeline import DEFAULT_DISCOUNT_RATE, DEFAULT_MARGIN, DEFAULT_MONTHS
from salesmeasure.data import Dataset
from salesmeasure.data.schemas import TARGET_METRICS
from salesmeasure.errors import DataError, InsufficientData
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.results import FrameResult
from salesmeasure.targets.inputs import is_blank

#: Target metric -> the scorecard's KPI key.
METRIC_KPI = {
    "revenue": "revenue",
    "nps": "nps",
    "csat": "csat",
    "ces": "ces",
    "retention": "retention_rate",
    "complaint_rate": "complaint_rate",
    "new_customers": "new_customers",
    "clv": "avg_clv",
}
#: Metrics where lower is better.
DOWN = frozenset({"complaint_rate"})
#: Metrics measured on a sample (P(attain) from the sampling distribution).
SAMPLED = ("nps", "csat", "ces", "retention", "complaint_rate", "new_customers")
#: Every KPI :func:`kpi_targets` judges: the sampled ones and average CLV.
METRICS = (*SAMPLED, "clv")
#: Bootstrap draws of average CLV made at a time (draws x customers weights in memory).
CLV_CHUNK = 500

#: Documented default scorecard thresholds, overridable in ``salesmeasure.toml``
#: ``[kpi.thresholds]`` (``nps = { good = 30, watch = 0 }``) and, per period and region,
#: by a recorded target of the KPI (then good = the target).
DEFAULT_THRESHOLDS: dict[str, dict] = {
    "revenue": {"basis": "target"},
    "attainment": {"good": 1.0, "watch": 0.9, "direction": "up"},
    "p_attain": {"good": 0.6, "watch": 0.4, "direction": "up"},
    "active_customers": {"basis": "last year", "good": 0.0, "watch": -0.05},
    "new_customers": {"basis": "last year", "good": 0.0, "watch": -0.10},
    "retention_rate": {"good": 0.60, "watch": 0.50, "direction": "up"},
    "nps": {"good": 30.0, "watch": 0.0, "direction": "up"},
    "csat": {"good": 0.80, "watch": 0.70, "direction": "up"},
    "complaint_rate": {"good": 5.0, "watch": 10.0, "direction": "down"},
    "avg_clv": {"basis": "last year", "good": 0.0, "watch": -0.05},
}


# ------------------------------------------------------------- thresholds
def config_thresholds(settings: Mapping | None) -> dict[str, dict]:
    """The scorecard thresholds: :data:`DEFAULT_THRESHOLDS` with ``[kpi.thresholds]``.

    ``settings`` is :attr:`salesmeasure.config.Config.settings` (or None). Each entry is
    ``kpi = { good = X, watch = Y }``; a KPI judged against last year takes relative
    changes (``-0.05`` = 5% below last year).

    Raises
    ------
    DataError
        Naming the key: an unknown KPI or key, a value that is not a number, or a
        "watch" on the wrong side of "good".
    """
    out = {k: dict(v) for k, v in DEFAULT_THRESHOLDS.items()}
    raw = (settings or {}).get("kpi", {})
    if not isinstance(raw, Mapping):
        raise DataError("salesmeasure.toml: [kpi] must be a table")
    for key in raw:
        if key != "thresholds":
            raise DataError(f"salesmeasure.toml: unknown key {key!r} in [kpi]; valid: thresholds")
    for kpi, spec in raw.get("thresholds", {}).items():
        where = f"salesmeasure.toml: [kpi.thresholds] {kpi}"
        if kpi not in out or kpi == "revenue":
            valid = ", ".join(k for k in out if k != "revenue")
            raise DataError(f"{where}: not a KPI with a threshold; valid: {valid}")
        if not isinstance(spec, Mapping) or set(spec) - {"good", "watch"}:
            raise DataError(f"{where} must be written {{ good = 30, watch = 0 }}, got {spec!r}")
        th = out[kpi]
        for part in ("good", "watch"):
            if part in spec:
                v = spec[part]
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    raise DataError(f"{where}.{part} must be a number, got {v!r}")
                th[part] = float(v)
        up = th.get("direction", "up") == "up"
        if (up and th["watch"] > th["good"]) or (not up and th["watch"] < th["good"]):
            side = "below" if up else "above"
            raise DataError(
                f"{where}: watch ({th['watch']:g}) must be at or {side} good ({th['good']:g})"
            )
    return out


def kpi_target_rows(targets: pd.DataFrame, period: Period, region: str = "all") -> pd.DataFrame:
    """Recorded non-revenue targets of ``period``: region-total rows of ``region`` (for
    ``"all"``, rows whose region is ``all``), one per metric (the last when repeated)."""
    if targets.empty or "metric" not in targets.columns:
        return targets.iloc[0:0]
    t = targets[(targets["period"] == period.label) & (targets["metric"] != "revenue")]
    t = t[is_blank(t["rep_id"])]
    t = t[t["region"].astype("str").str.lower() == region.lower()]
    return t.drop_duplicates("metric", keep="last")


def resolve_thresholds(
    thresholds: Mapping[str, dict], targets: pd.DataFrame, period: Period, region: str = "all"
) -> dict[str, dict]:
    """Thresholds for one period and region: a recorded target of a KPI sets its "good"
    (the "watch" keeps its distance from "good"; 90% of the target for KPIs otherwise
    judged against last year). Entries so set carry ``"basis": "kpi target"``."""
    out = {k: dict(v) for k, v in thresholds.items()}
    for metric, amount in zip(
        *[kpi_target_rows(targets, period, region)[c] for c in ("metric", "target_amount")],
        strict=True,
    ):
        kpi = METRIC_KPI.get(metric)
        if kpi not in out:
            continue
        th = out[kpi]
        amount = float(amount)
        if th.get("basis") == "last year":
            watch = 0.9 * amount
        else:
            watch = amount - (th["good"] - th["watch"])
        direction = "down" if metric in DOWN else "up"
        out[kpi] = {"good": amount, "watch": watch, "direction": direction, "basis": "kpi target"}
    return out


# ----------------------------------------------------------- KPI series
def _customers_of(dataset: Dataset, rep_id: str | None) -> pd.Index | None:
    if rep_id is None:
        return None
    c = dataset.customers
    return pd.Index(c.loc[c["rep_id"].astype("string") == rep_id, "customer_id"])


def _rows(df: pd.DataFrame, ids: pd.Index | None) -> pd.DataFrame:
    return df if ids is None else df[df["customer_id"].isin(ids)]


def period_stats(
    dataset: Dataset, metric: str, period: Period, *, rep_id: str | None = None
) -> dict:
    """The sufficient statistics of ``metric`` in ``period`` (on the dataset as given: slice
    it for a region; ``rep_id`` keeps that rep's customers).

    Keys: ``value`` and ``n`` always; NPS ``promoters, passives, detractors``; CSAT and
    retention ``k`` (successes); CES ``values`` (the answers); complaint rate ``k``
    (complaints) and ``exposure`` (active customers); new customers ``n`` (the count).
    """
    ids = _customers_of(dataset, rep_id)
    s, e = period.start, period.end
    if metric in ("nps", "csat", "ces"):
        sv = _rows(dataset.surveys, ids)
        x = sv.loc[sv["survey_date"].between(s, e), metric].dropna().to_numpy(float)
        n = int(x.size)
        if metric == "nps":
            pr, de = int((x >= 9).sum()), int((x <= 6).sum())
            v = 100.0 * (pr - de) / n if n else math.nan
            return {"value": v, "n": n, "promoters": pr, "passives": n - pr - de, "detractors": de}
        if metric == "csat":
            k = int((x >= 4).sum())
            return {"value": k / n if n else math.nan, "n": n, "k": k}
        return {"value": float(x.mean()) if n else math.nan, "n": n, "values": x}
    orders = _rows(dataset.orders, ids)
    d = orders["order_date"]
    now = pd.Index(orders.loc[d.between(s, e), "customer_id"].unique())
    if metric == "retention":
        prev = period.previous()
        before = pd.Index(orders.loc[d.between(prev.start, prev.end), "customer_id"].unique())
        k = int(before.isin(now).sum())
        return {"value": k / len(before) if len(before) else math.nan, "n": len(before), "k": k}
    if metric == "complaint_rate":
        cp = _rows(dataset.complaints, ids)
        k = int(cp["opened_date"].between(s, e).sum())
        ex = len(now)
        return {"value": 100.0 * k / ex if ex else math.nan, "n": ex, "k": k, "exposure": ex}
    if metric == "new_customers":
        c = (
            dataset.customers
            if ids is None
            else dataset.customers[dataset.customers["customer_id"].isin(ids)]
        )
        k = int(c["signup_date"].between(s, e).sum())
        return {"value": float(k), "n": k, "k": k}
    raise ValueError(f"no sampling model for metric {metric!r}; sampled: {', '.join(SAMPLED)}")


def clv_stats(values) -> dict:
    """The sufficient statistics of average CLV (the scorecard's ``avg_clv``: the plain
    mean of the customers' ``clv`` column of a valued base, e.g. ``books.region_value(...)
    .values["clv"]``): ``value`` (the mean), ``n`` (customers), ``values``."""
    x = np.asarray(values, float)
    x = x[np.isfinite(x)]
    return {"value": float(x.mean()) if x.size else math.nan, "n": int(x.size), "values": x}


def clv_values(
    dataset: Dataset, region: str, period: Period, *, rep_id: str | None = None, **clv
) -> np.ndarray:
    """The customers' CLV behind the scorecard's ``avg_clv`` of ``region`` in ``period``:
    the company's valued base at the period's end (capped at ``as_of``, as the scorecard's
    figures are), sliced to the region and, with ``rep_id``, to that rep's customers.
    ``dataset`` is the whole data set; ``clv`` the settings (``months``, ``discount_rate``,
    ``margin``, ``holdout_weeks``). Raises ``InsufficientData`` when it cannot be valued."""
    end = min(period.end, dataset.as_of) if dataset.as_of is not None else period.end
    v = books.region_value(dataset, region, end, **clv).values["clv"]
    ids = _customers_of(dataset, rep_id)
    return (v if ids is None else v[v.index.isin(ids)]).to_numpy(float)


def kpi_series(
    dataset: Dataset, metric: str, last: Period, *, n_periods: int = 8, rep_id: str | None = None
) -> pd.DataFrame:
    """``metric`` per period for the ``n_periods`` periods ending with ``last``.

    Columns ``period`` (label), ``start``, ``value``, ``n``; periods before the data
    starts are left out.
    """
    rows = []
    first = dataset.orders["order_date"].min() if not dataset.orders.empty else last.start
    for i in range(n_periods - 1, -1, -1):
        p = last.shift(-i)
        if p.end < first:
            continue
        st = period_stats(dataset, metric, p, rep_id=rep_id)
        rows.append({"period": p.label, "start": p.start, "value": st["value"], "n": st["n"]})
    return pd.DataFrame(rows, columns=["period", "start", "value", "n"])


def trend(series: pd.DataFrame, *, min_periods: int = 4) -> tuple[float, float]:
    """Least-squares slope per period of ``series.value`` and its standard error;
    ``(0, 0)`` with fewer than ``min_periods`` finite values."""
    v = series["value"].to_numpy(float)
    t = np.arange(v.size, dtype=float)
    ok = np.isfinite(v)
    if ok.sum() < min_periods:
        return 0.0, 0.0
    t, v = t[ok], v[ok]
    tc = t - t.mean()
    slope = float((tc * (v - v.mean())).sum() / (tc**2).sum())
    resid = v - v.mean() - slope * tc
    se = float(math.sqrt((resid**2).sum() / (v.size - 2) / (tc**2).sum()))
    return slope, se


# ----------------------------------------------------- the sampling model
def simulate_next(
    metric: str,
    stats: Mapping,
    *,
    n_next: int | None = None,
    slope: float = 0.0,
    slope_se: float = 0.0,
    draws: int = 20_000,
    seed: int = 0,
    parameter_uncertainty: bool = True,
) -> np.ndarray:
    """Draws of the value ``metric`` will measure next period (see the module text).

    ``stats`` from :func:`period_stats`; ``n_next`` the next period's sample size
    (responses, customers active last period, active customers; default today's).
    ``parameter_uncertainty=False`` takes today's shares as the true ones (used to check
    the sampling step against its exact distribution).
    """
    rng = np.random.default_rng(seed)
    n_next = int(stats["n"] if n_next is None else n_next)
    if metric != "new_customers" and (stats["n"] <= 0 or n_next <= 0):
        raise InsufficientData(_("No measurement of this KPI in the last period."))
    shift = rng.normal(slope, slope_se, size=draws) if slope_se > 0 else np.full(draws, slope)
    if metric == "nps":
        c = np.array([stats["promoters"], stats["passives"], stats["detractors"]], float)
        if parameter_uncertainty:
            p = rng.dirichlet(c + 1.0, size=draws)
        else:
            p = np.tile(c / c.sum(), (draws, 1))
        # one period of trend (NPS points) moves half its size from detractors to promoters
        m = np.clip(shift / 200.0, -p[:, 0], p[:, 2])
        p[:, 0] += m
        p[:, 2] -= m
        p = np.clip(p, 0, None)
        p /= p.sum(axis=1, keepdims=True)
        k = rng.multinomial(n_next, p)
        return 100.0 * (k[:, 0] - k[:, 2]) / n_next
    if metric in ("csat", "retention"):
        k, n = stats["k"], stats["n"]
        p = (
            rng.beta(k + 1, n - k + 1, size=draws)
            if parameter_uncertainty
            else np.full(draws, k / n)
        )
        p = np.clip(p + shift, 0, 1)
        return rng.binomial(n_next, p) / n_next
    if metric == "complaint_rate":
        k, ex = stats["k"], stats["exposure"]
        lam = (
            rng.gamma(k + 0.5, 1.0 / ex, size=draws)
            if parameter_uncertainty
            else np.full(draws, k / ex)
        )
        lam = np.clip(lam + shift / 100.0, 0, None)
        return 100.0 * rng.poisson(lam * n_next) / n_next
    if metric == "ces":
        x = np.asarray(stats["values"], float)
        values, counts = np.unique(x, return_counts=True)
        w = (
            rng.dirichlet(counts.astype(float), size=draws)
            if parameter_uncertainty
            else np.tile(counts / counts.sum(), (draws, 1))
        )
        k = rng.multinomial(n_next, w)
        return np.clip(k @ values / n_next + shift, 1, 7)
    if metric == "clv":
        # the average of the customers' expected values (scorecard avg_clv): a Bayesian
        # bootstrap of the per-customer values (Rubin 1981) -- the noise of averaging over
        # these customers only; the CLV models' parameter uncertainty is not included, and
        # no trend is added (no cheap CLV series over past periods): slope is ignored.
        # Dirichlet weights CLV_CHUNK draws at a time: the same stream as one big draw
        x = np.asarray(stats["values"], float)
        if not parameter_uncertainty:
            return np.full(draws, float(x.mean()))
        a = np.ones(x.size)
        sizes = [min(CLV_CHUNK, draws - i) for i in range(0, draws, CLV_CHUNK)]
        return np.concatenate([rng.dirichlet(a, size=k) @ x for k in sizes] or [np.empty(0)])
    if metric == "new_customers":
        k = stats["k"]
        lam = rng.gamma(k + 0.5, 1.0, size=draws) if parameter_uncertainty else np.full(draws, k)
        return rng.poisson(np.clip(lam + shift, 0, None)).astype(float)
    raise ValueError(f"no sampling model for metric {metric!r}; sampled: {', '.join(SAMPLED)}")


def p_attain(draws: np.ndarray, target: float, metric: str) -> float:
    """Share of ``draws`` at or beyond ``target`` (at or below for a lower-is-better KPI)."""
    d = np.asarray(draws, float)
    hit = d <= target + 1e-9 if metric in DOWN else d >= target - 1e-9
    return float(hit.mean())


def propose(draws: np.ndarray, p: float, metric: str) -> float:
    """The target reached with probability ``p``: the (1 - p) quantile of ``draws``
    (the p quantile for a lower-is-better KPI)."""
    q = p if metric in DOWN else 1.0 - p
    return float(np.quantile(np.asarray(draws, float), q, method="inverted_cdf"))


def standard_error(metric: str, stats: Mapping, n: int | None = None) -> float:
    """Sampling standard error of one period's measurement of ``metric`` at sample size
    ``n`` (default ``stats['n']``), from today's level."""
    n = int(stats["n"] if n is None else n)
    if n <= 0:
        return math.nan
    if metric == "nps":
        t = stats["promoters"] + stats["passives"] + stats["detractors"]
        pp, pd_ = stats["promoters"] / t, stats["detractors"] / t
        return 100.0 * math.sqrt(max((pp + pd_) - (pp - pd_) ** 2, 0.0) / n)
    if metric in ("csat", "retention"):
        p = stats["k"] / stats["n"]
        return math.sqrt(p * (1 - p) / n)
    if metric == "complaint_rate":
        lam = stats["k"] / stats["exposure"]
        return 100.0 * math.sqrt(lam / n)
    if metric == "ces":
        x = np.asarray(stats["values"], float)
        return float(x.std(ddof=1) / math.sqrt(n)) if x.size > 1 else math.nan
    if metric == "clv":
        x = np.asarray(stats["values"], float)
        return float(x.std(ddof=1) / math.sqrt(n)) if x.size > 1 else math.nan
    if metric == "new_customers":
        return math.sqrt(max(stats["k"], 1))
    raise ValueError(f"no sampling model for metric {metric!r}")


def minimum_detectable_change(
    metric: str, stats: Mapping, n_next: int | None = None, *, alpha=0.05, power=0.8
) -> float:
    """Smallest change between this period and the next that a two-sided test at
    ``alpha`` detects with probability ``power``:
    ``(z[1-alpha/2] + z[power]) * sqrt(se_now^2 + se_next^2)`` (Cohen 1988)."""
    se1 = standard_error(metric, stats)
    se2 = standard_error(metric, stats, n_next)
    return float((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * math.hypot(se1, se2))


# ------------------------------------------------------------- the section
@dataclass(frozen=True)
class KPITargets(FrameResult):
    """Targets for the KPIs other than revenue, for one period and scope.

    Attributes
    ----------
    table : DataFrame
        One row per KPI of the region (``level`` "region"), then per recorded rep target
        (``level`` "rep", owner the rep id, measured on the rep's customers):
        ``metric, level, owner, current`` (last period's value), ``n``,
        ``n_next``, ``slope`` (per period; 0 for clv), ``target`` (recorded; NaN if none),
        ``p_attain`` (of the recorded target), ``proposed`` (reached with probability
        ``p_propose``), ``p_proposed``, ``mde`` (minimum detectable change), ``change``
        (target - current), ``specific, measurable, attainable, relevant, time_bound,
        smart`` (of the recorded target; of the proposal when there is none).
    period, base : str
        The target period and the last complete period the level is taken from.
    p_propose : float
    p_band : tuple
    skipped : dict
        metric -> reason, for KPIs that could not be judged.
    """

    table: pd.DataFrame
    period: str
    base: str
    p_propose: float
    p_band: tuple
    skipped: dict

    @property
    def frame(self) -> pd.DataFrame:
        return self.table


def kpi_targets(
    dataset: Dataset,
    period: str | Period,
    *,
    region: str = "all",
    metrics=METRICS,
    p_propose: float = 0.6,
    p_band: tuple[float, float] = (0.5, 0.9),
    n_periods: int = 8,
    draws: int = 20_000,
    seed: int = 0,
    clv_months: int = DEFAULT_MONTHS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    margin: float = DEFAULT_MARGIN,
    holdout_weeks: int = 0,
) -> KPITargets:
    """P(attain), proposal, minimum detectable change and SMART check of each KPI target.

    Parameters
    ----------
    dataset : Dataset
        The whole validated data set (sliced here to ``region``).
    period : str or Period
        The period the targets are for; the level is the period before it, the trend the
        ``n_periods`` before that.
    region : str
        ``"all"`` or a region; recorded targets are the region-total rows of the region
        (``all`` rows for the company).
    metrics : sequence of str
        The KPIs with a region row (default :data:`METRICS`; leave out ``"clv"`` to skip
        valuing the customers); recorded rep targets of these metrics get a row each.
    p_propose, p_band
        The probability proposals are set at; the attainable band of the SMART check.
    clv_months, discount_rate, margin, holdout_weeks
        CLV settings of average CLV, the scorecard's (same defaults, same values).
    """
    p = Period.parse(period, fiscal_start_month=dataset.fiscal_start_month)
    region = dataset.resolve_region(region) if region != "all" else "all"
    base = p.previous()
    view = dataset.slice(period=base, region=region) if region != "all" else dataset.until(base.end)
    recorded = kpi_target_rows(dataset.targets, p, region)
    rec = dict(zip(recorded["metric"], recorded["target_amount"].astype(float), strict=True))
    rows, skipped = [], {}
    names = dict(
        zip(
            dataset.reps["rep_id"].astype(str),
            dataset.reps["name"].astype("string").fillna(dataset.reps["rep_id"]).astype(str),
            strict=True,
        )
    )

    clv = {"months": clv_months, "discount_rate": discount_rate, "margin": margin,
           "holdout_weeks": holdout_weeks}  # fmt: skip

    def judge(metric, target, owner, rep_id, seed_i):
        key = metric if rep_id is None else f"{metric} {rep_id}"
        if metric == "clv":
            try:  # the scorecard's avg_clv: values at the base period's end, no series
                st = clv_stats(clv_values(dataset, region, base, rep_id=rep_id, **clv))
            except InsufficientData as exc:
                skipped[key] = str(exc)
                return
        else:
            st = period_stats(view, metric, base, rep_id=rep_id)
        if st["n"] <= 0 and metric != "new_customers":
            skipped[key] = _("no measurement in {period}").format(period=base.label)
            return
        if metric == "clv":  # the same customers next period; no trend (module text)
            slope, se, n_next = 0.0, 0.0, st["n"]
        else:
            series = kpi_series(view, metric, base, n_periods=n_periods, rep_id=rep_id)
            slope, se = trend(series)
            recent = series["n"].tail(4)
            n_next = max(int(round(recent.mean())), 1) if len(recent) else st["n"]
        sims = simulate_next(
            metric, st, n_next=n_next, slope=slope, slope_se=se, draws=draws, seed=seed_i
        )
        proposed = propose(sims, p_propose, metric)
        mde = minimum_detectable_change(metric, st, n_next)
        judged = target if math.isfinite(target) else proposed
        p_t = p_attain(sims, target, metric) if math.isfinite(target) else math.nan
        p_j = p_t if math.isfinite(target) else p_attain(sims, proposed, metric)
        change = judged - st["value"]
        rows.append(
            {
                "metric": metric,
                "level": "region" if rep_id is None else "rep",
                "owner": owner,
                "owner_name": names.get(owner, owner),
                "current": st["value"],
                "n": st["n"],
                "n_next": n_next,
                "slope": slope,
                "target": target,
                "p_attain": p_t,
                "proposed": proposed,
                "p_proposed": p_attain(sims, proposed, metric),
                "mde": mde,
                "change": change,
                "specific": True,
                "measurable": bool(math.isfinite(mde) and abs(change) >= mde),
                "attainable": bool(p_band[0] <= round(p_j, 2) <= p_band[1]),
                "relevant": True,  # every KPI here is a link of the scorecard's chain
                "time_bound": True,
            }
        )

    for i, metric in enumerate(metrics):
        if metric not in TARGET_METRICS or metric not in METRICS:
            raise ValueError(f"metric {metric!r}: KPI target metrics are {', '.join(METRICS)}")
        judge(metric, rec.get(metric, math.nan), region, None, seed + i)
    # recorded targets of reps (a rep's customers are measured)
    t = dataset.targets
    if "metric" in t.columns and not t.empty:
        reps = t[(t["period"] == p.label) & t["metric"].isin(metrics) & ~is_blank(t["rep_id"])]
        if region != "all":
            reps = reps[reps["region"] == region]
        reps = reps.drop_duplicates(["metric", "rep_id"], keep="last")
        for j, (metric, rep, amount) in enumerate(
            zip(reps["metric"], reps["rep_id"], reps["target_amount"].astype(float), strict=True)
        ):
            judge(metric, amount, str(rep), str(rep), seed + len(metrics) + j)
    cols = [
        "metric", "level", "owner", "owner_name", "current", "n", "n_next", "slope", "target", "p_attain", "proposed",
        "p_proposed", "mde", "change", "specific", "measurable", "attainable", "relevant",
        "time_bound",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=cols)
    checks = ["specific", "measurable", "attainable", "relevant", "time_bound"]
    table["smart"] = table[checks].all(axis=1) if len(table) else pd.Series(dtype=bool)
    return KPITargets(table, p.label, base.label, p_propose, tuple(p_band), skipped)


def settings_for(ctx) -> Mapping:
    """The analysis sections of the ``salesmeasure.toml`` that goes with a report context's
    data (``--config`` / ``$SALESMEASURE_CONFIG`` first, as the loader reads it)."""
    from salesmeasure import config as sm_config

    return sm_config.find(ctx.data_path).settings
