"""Tracking a period: attainment against recorded targets, the share of reps attaining,
and pacing of a period in progress."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.stats import Estimate, proportion
from salesmeasure.targets.forecast import Forecast, baseline_forecast
from salesmeasure.targets.inputs import (
    is_blank,
    monthly_revenue,
    period_targets,
    revenue_targets,
    seasonal_index,
    selection_total,
)

#: Practitioner benchmark for the share of reps that should attain a well-set target.

BENCHMARK_ATTAINING = (0.60, 0.70)


def attainment(
    actuals: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    amount: str = "amount",
    target: str = "target_amount",
) -> pd.DataFrame:
    """Actual against target per region (region-total rows) and per rep.

    Parameters
    ----------
    actuals : DataFrame
        Order rows of the period with ``region``, ``rep_id`` and ``amount``.
    targets : DataFrame
        Target rows of the same period with ``region``, ``rep_id`` (empty = region total)
        and ``target_amount``.

    Returns
    -------
    DataFrame
        Columns level ("region" or "rep"), region, rep_id, target, actual, attainment
        (actual / target), gap (actual - target), attained (actual >= target). Reps with
        orders but no target appear with NaN target so nothing is silently dropped.
    """
    require_columns(actuals, ["region", "rep_id", amount], "actuals")
    require_columns(targets, ["region", "rep_id", target], "targets")
    t = revenue_targets(targets).copy()
    t[target] = pd.to_numeric(t[target], errors="raise").astype(float)
    if t[target].isna().any() or (t[target] < 0).any():
        raise ValueError(f"targets.{target} has missing or negative values")
    blank = is_blank(t["rep_id"])
    reg_t = t[blank]
    rep_t = t[~blank]
    if reg_t["region"].duplicated().any():
        raise ValueError(
            f"targets has duplicate region-total rows for {sorted(reg_t['region'][reg_t['region'].duplicated()])}"
        )
    if rep_t["rep_id"].duplicated().any():
        raise ValueError(
            f"targets has duplicate rep rows for {sorted(rep_t['rep_id'][rep_t['rep_id'].duplicated()])}"
        )
    amt = actuals[amount].astype(float)
    by_region = amt.groupby(actuals["region"]).sum()
    by_pair = amt.groupby([actuals["rep_id"], actuals["region"]]).sum()
    by_rep = by_pair.groupby(level=0).sum()

    rows = []
    for reg, tgt in zip(reg_t["region"], reg_t[target], strict=True):
        rows.append(("region", reg, None, tgt, float(by_region.get(reg, 0.0))))
    for reg, rep, tgt in zip(rep_t["region"], rep_t["rep_id"], rep_t[target], strict=True):
        rows.append(("rep", reg, rep, tgt, float(by_rep.get(rep, 0.0))))
    untargeted = by_rep.index.difference(pd.Index(rep_t["rep_id"]))
    if len(untargeted):
        # a rep without a target is listed under the region of most of its revenue
        main_region = (
            by_pair.loc[untargeted]
            .reset_index()
            .sort_values(amount)
            .drop_duplicates("rep_id", keep="last")
            .set_index("rep_id")["region"]
        )
        for rep in untargeted:
            rows.append(("rep", main_region[rep], rep, math.nan, float(by_rep[rep])))
    out = pd.DataFrame(rows, columns=["level", "region", "rep_id", "target", "actual"])
    out["attainment"] = np.where(
        out["target"] > 0, out["actual"] / out["target"].where(out["target"] > 0), np.nan
    )
    out["gap"] = out["actual"] - out["target"]
    out["attained"] = out["actual"] >= out["target"]
    out.loc[out["target"].isna(), "attained"] = False
    return out.sort_values(["level", "region", "rep_id"], na_position="first").reset_index(
        drop=True
    )


@dataclass(frozen=True)
class AttainingShare:
    """Share of reps at or above target, against the 60-70% benchmark."""

    estimate: Estimate
    attained: int
    n_reps: int
    benchmark: tuple[float, float]
    position: str  # "below", "within" or "above" the benchmark range

    @property
    def share(self) -> float:
        return self.estimate.value


def share_attaining(att: pd.DataFrame, *, benchmark=BENCHMARK_ATTAINING) -> AttainingShare:
    """Share of reps whose actual is at or above a positive target (Wilson interval).

    ``position`` says whether the share is below, within or above the benchmark range.
    A share well above it suggests targets set too low; well below, too high.

    References
    ----------
    Practitioner benchmark that 60-70% of reps should attain a well-set quota; see e.g.
    Zoltners, A. A., Sinha, P. & Lorimer, S. E. (2006). The Complete Guide to Sales
    Force Incentive Compensation, ch. 11; https://www.b2blead.io/blog/b2b-quota-attainment.
    Wilson, E. B. (1927) for the interval.
    """
    require_columns(att, ["level", "target", "attained"], "attainment table")
    reps = att[(att["level"] == "rep") & (att["target"] > 0)]
    k, n = int(reps["attained"].sum()), len(reps)
    est = proportion(k, n)
    lo, hi = benchmark
    if n == 0:
        pos = "n/a"
    elif est.value < lo:
        pos = "below"
    elif est.value > hi:
        pos = "above"
    else:
        pos = "within"
    return AttainingShare(est, k, n, (float(lo), float(hi)), pos)


# ---------------------------------------------------------------------------------------
# pacing
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pacing:
    """Where a period in progress stands against its target.

    Rates are per day. ``expected_share`` is the share of the period's revenue that the
    seasonal pattern expects by ``as_of`` (equal to ``time_elapsed`` without seasonality).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp
    target: float
    achieved: float
    days_total: int
    days_elapsed: int
    time_elapsed: float
    expected_share: float
    linear_pace: float
    seasonal_pace: float
    run_rate: float
    required_run_rate: float
    run_rate_projection: float
    seasonal_projection: float
    p_attain: float = math.nan
    projection_low: float = math.nan
    projection_high: float = math.nan
    notes: tuple[str, ...] = field(default=())  # codes: "complete" (period over, final position)

    @property
    def days_remaining(self) -> int:
        return self.days_total - self.days_elapsed

    @property
    def attainment_to_date(self) -> float:
        return self.achieved / self.target if self.target else math.nan


def _month_elapsed_fractions(start, end, as_of) -> pd.Series:
    """Fraction of each month of [start, end] elapsed by as_of (inclusive days)."""
    months = pd.period_range(start, end, freq="M")
    fr = {}
    for m in months:
        m_start = max(m.start_time.normalize(), start)
        m_end = min(m.end_time.normalize(), end)
        days = (m_end - m_start).days + 1
        done = (min(as_of, m_end) - m_start).days + 1
        fr[m] = min(max(done, 0), days) / days
    return pd.Series(fr)


def _days_in_period_months(start, end) -> pd.Series:
    months = pd.period_range(start, end, freq="M")
    return pd.Series(
        {
            m: (min(m.end_time.normalize(), end) - max(m.start_time.normalize(), start)).days + 1
            for m in months
        }
    )


def _month_weight_vector(start, end, month_weights) -> pd.Series:
    """Expected revenue weight of each month of [start, end] (partial months pro rata)."""
    days_in = _days_in_period_months(start, end)
    if month_weights is None:
        return days_in.astype(float)
    mw = pd.Series(month_weights).astype(float)
    if isinstance(mw.index, pd.PeriodIndex):
        w = pd.Series([mw.get(m, np.nan) for m in days_in.index], index=days_in.index)
    else:
        w = pd.Series([mw.get(m.month, np.nan) for m in days_in.index], index=days_in.index)
    if w.isna().any() or (w < 0).any():
        raise ValueError(
            f"month_weights has no non-negative weight for {list(w.index[w.isna()].astype(str))}"
        )
    full_days = pd.Series({m: m.days_in_month for m in days_in.index})
    return w * days_in / full_days


def expected_share(start, end, as_of, month_weights=None) -> float:
    """Share of a period's revenue expected by the end of day ``as_of``.

    Each month carries its seasonal weight (``month_weights`` by month number 1-12 or
    by monthly Period; default: every day the same) spread evenly over its days.

    References
    ----------
    Hyndman, R. J. & Athanasopoulos, G. (2021). Forecasting: Principles and Practice,
    3rd ed., section 3.4 (seasonal indices from classical decomposition).
    """
    start, end, as_of = (pd.Timestamp(x).normalize() for x in (start, end, as_of))
    if as_of < start:
        return 0.0
    w = _month_weight_vector(start, end, month_weights)
    fr = _month_elapsed_fractions(start, end, min(as_of, end))
    return float((w * fr).sum() / w.sum())


def _seasonal_day_shares(start, end, days, month_weights) -> np.ndarray:
    """``expected_share`` at the end of each of ``days`` (the whole period), in one pass.

    A month's weight is spread evenly over its days in the period, so the share expected
    by a day is the cumulative sum of the day weights up to it over the total.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    w = _month_weight_vector(start, end, month_weights)
    per_day = w / _days_in_period_months(start, end)
    months = pd.PeriodIndex(days, freq="M")
    day_w = per_day.reindex(months).to_numpy(dtype=float)
    return np.cumsum(day_w) / float(w.sum())


def pacing_curve(
    orders: pd.DataFrame,
    p: Pacing,
    *,
    month_weights=None,
    date: str = "order_date",
    amount: str = "amount",
) -> pd.DataFrame:
    """Day-by-day cumulative booked revenue against linear and seasonal target paths.

    Returns a DataFrame indexed by day over the whole period with ``booked`` (cumulative,
    NaN after ``as_of``), ``linear_target`` and ``seasonal_target`` (the target times the
    share of time elapsed / of seasonal revenue expected by each day).
    """
    require_columns(orders, [date, amount], "orders")
    days = pd.date_range(p.start, p.end, freq="D")
    d = pd.to_datetime(orders[date]).dt.normalize()
    m = (d >= p.start) & (d <= p.as_of)
    daily = orders.loc[m, amount].astype(float).groupby(d[m]).sum().reindex(days, fill_value=0.0)
    booked = daily.cumsum().where(days <= p.as_of)
    lin = p.target * np.arange(1, len(days) + 1) / len(days)
    seas = p.target * _seasonal_day_shares(p.start, p.end, days, month_weights)
    out = pd.DataFrame(
        {"booked": booked, "linear_target": lin, "seasonal_target": seas}, index=days
    )
    out.index.name = "date"
    return out


def pacing(
    achieved: float,
    target: float,
    *,
    start,
    end,
    as_of,
    month_weights=None,
    forecast: Forecast | None = None,
) -> Pacing:
    """Pacing of a period in progress.

    Parameters
    ----------
    achieved : float
        Revenue booked from ``start`` to ``as_of`` (inclusive).
    target : float
        Target for the whole period.
    start, end, as_of : date-like
        Period start and end (inclusive days) and the date the data runs to.
    month_weights : Series, optional
        Expected revenue weight per month, indexed by month number 1-12 (a seasonal
        index) or by monthly Period. Within a month revenue is spread evenly over days.
        Default: every day weighs the same.
    forecast : Forecast, optional
        Monthly forecast covering at least the months from the one containing ``as_of``
        to ``end``. P(attain) is P(achieved + remaining >= target), where remaining is
        the simulated revenue of the later months plus the not-yet-elapsed day share of
        the current month.

    Returns
    -------
    Pacing
        ``linear_pace`` = achieved / (target x time elapsed); ``seasonal_pace`` =
        achieved / (target x expected share); ``run_rate_projection`` = achieved / time
        elapsed; ``seasonal_projection`` = achieved / expected share;
        ``required_run_rate`` = (target - achieved) / days remaining.

    References
    ----------
    Hyndman, R. J. & Athanasopoulos, G. (2021). Forecasting: Principles and Practice,
    3rd ed., section 3.4 (classical seasonal indices used to seasonally adjust).
    """
    start, end, as_of = (pd.Timestamp(x).normalize() for x in (start, end, as_of))
    if end < start:
        raise ValueError(f"period end {end.date()} is before its start {start.date()}")
    if as_of < start:
        raise ValueError(f"as_of {as_of.date()} is before the period start {start.date()}")
    achieved, target = float(achieved), float(target)
    if achieved < 0 or not math.isfinite(achieved):
        raise ValueError(f"achieved must be a non-negative amount, got {achieved!r}")
    if target <= 0 or not math.isfinite(target):
        raise ValueError(f"target must be a positive amount, got {target!r}")
    notes = []
    as_of_c = min(as_of, end)
    days_total = (end - start).days + 1
    days_elapsed = (as_of_c - start).days + 1
    time_elapsed = days_elapsed / days_total

    fr = _month_elapsed_fractions(start, end, as_of_c)
    days_in = _days_in_period_months(start, end)
    w = _month_weight_vector(start, end, month_weights)
    exp_share = float((w * fr).sum() / w.sum())

    run_rate = achieved / days_elapsed
    days_remaining = days_total - days_elapsed
    required = max(target - achieved, 0.0) / days_remaining if days_remaining else math.nan
    p_attain = lo = hi = math.nan
    if forecast is not None:
        remaining = np.zeros(forecast.repetitions)
        steps = {p: i for i, p in enumerate(forecast.index)}
        for m, f in fr.items():
            if f >= 1:
                continue
            if m not in steps:
                raise ValueError(f"forecast does not cover month {m}, still to come in the period")
            remaining += forecast.samples[steps[m]] * (1 - f) * days_in[m] / m.days_in_month
        totals = achieved + remaining
        p_attain = float(np.mean(totals >= target))
        lo, hi = (float(v) for v in np.quantile(totals, [0.1, 0.9]))
    if as_of > end:
        notes.append("complete")  # the period is over: pacing shows the final position
    return Pacing(
        start=start,
        end=end,
        as_of=as_of_c,
        target=target,
        achieved=achieved,
        days_total=days_total,
        days_elapsed=days_elapsed,
        time_elapsed=time_elapsed,
        expected_share=exp_share,
        linear_pace=achieved / (target * time_elapsed),
        seasonal_pace=achieved / (target * exp_share) if exp_share > 0 else math.nan,
        run_rate=run_rate,
        required_run_rate=required,
        run_rate_projection=achieved / time_elapsed,
        seasonal_projection=achieved / exp_share if exp_share > 0 else math.nan,
        p_attain=p_attain,
        projection_low=lo,
        projection_high=hi,
        notes=tuple(notes),
    )


def pace_period(
    orders: pd.DataFrame,
    *,
    target: float,
    start,
    end,
    as_of,
    seed: int = 0,
    repetitions: int = 1000,
    models="auto",
) -> tuple[Pacing, Forecast, pd.Series]:
    """Pacing of a period in progress from order rows, in one call.

    Fits the baseline forecast to monthly revenue up to the last complete month before
    ``as_of``, uses the months still to come for P(attain), and a seasonal index of the
    history (uniform days when the history is under two years) for seasonal pacing.

    Returns
    -------
    (Pacing, Forecast, month_weights)
    """
    require_columns(orders, ["order_date", "amount"], "orders")
    start, end, as_of = (pd.Timestamp(x).normalize() for x in (start, end, as_of))
    as_of_m = as_of.to_period("M")
    last_full = as_of_m if as_of == as_of_m.end_time.normalize() else as_of_m - 1
    hist = monthly_revenue(orders, end=last_full)
    try:
        weights = seasonal_index(hist)
    except ValueError:
        weights = None
    booked = orders[(orders["order_date"] >= start) & (orders["order_date"] <= as_of)][
        "amount"
    ].sum()
    horizon = max((end.to_period("M") - last_full).n, 1)
    fc = baseline_forecast(hist, horizon, seed=seed, repetitions=repetitions, models=models)
    p = pacing(
        float(booked), target, start=start, end=end, as_of=as_of, month_weights=weights, forecast=fc
    )
    return p, fc, weights


@dataclass(frozen=True, eq=False)
class PeriodOutcome:
    """The period at a glance: target, actual (or projection), attainment, P(attain)."""

    period: str
    target: float
    actual: float
    complete: bool
    expected_ex_ante: float
    p_attain_ex_ante: float
    projection: float = math.nan
    p_attain_now: float = math.nan
    model: str = ""
    region: str = ""

    @property
    def attainment(self) -> float:
        """Actual (complete period) or projection (in progress) as a share of target."""
        if not (self.target > 0):
            return math.nan
        return (self.actual if self.complete else self.projection) / self.target


def period_outcome(
    orders: pd.DataFrame,
    target_rows: pd.DataFrame,
    period,
    *,
    as_of,
    seed: int = 0,
    repetitions: int = 1000,
    region: str = "",
) -> PeriodOutcome:
    """The outcome of a report period (a :class:`salesmeasure.periods.Period`): its target,
    actual revenue (or projection while it runs), attainment and chance of attaining.

    ``p_attain_ex_ante`` is the probability the baseline forecast made at the start of
    the period (history up to the month before it) gave the recorded target; for a
    period in progress ``projection`` and ``p_attain_now`` come from :func:`pace_period`.
    """
    start, end, as_of = period.start, period.end, pd.Timestamp(as_of)
    target = selection_total(target_rows)
    in_p = orders[(orders["order_date"] >= start) & (orders["order_date"] <= min(end, as_of))]
    actual = float(in_p["amount"].sum())
    complete = bool(as_of >= end)
    months = [pd.Period(m.label, "M") for m in period.months()]
    before = orders[orders["order_date"] < start]
    expected = p_ex = math.nan
    model = ""
    if not before.empty:
        hist = monthly_revenue(before, end=months[0] - 1)
        fc = baseline_forecast(hist, len(months), seed=seed, repetitions=repetitions)
        expected, model = fc.total_mean, fc.model
        if target > 0:
            p_ex = fc.prob_at_least(target, total=True)
    projection = p_now = math.nan
    if not complete and target > 0:
        pc, _, _ = pace_period(
            orders,
            target=target,
            start=start,
            end=end,
            as_of=as_of,
            seed=seed,
            repetitions=repetitions,
        )
        projection, p_now = pc.seasonal_projection, pc.p_attain
    return PeriodOutcome(
        period.label, target, actual, complete, expected, p_ex, projection, p_now, model, region
    )


@dataclass(frozen=True, eq=False)
class PacingView:
    """Pacing of the period in progress, ready for the report."""

    period: str
    pacing: Pacing
    curve: pd.DataFrame
    target_source: str  # "recorded target" or "proposed target"
    region: str = "all"


def current_period_pacing(
    orders: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    as_of,
    kind: str = "Q",
    fiscal_start_month: int = 1,
    fallback: tuple[str, float] | None = None,
    seed: int = 0,
    repetitions: int = 1000,
    models="auto",
    region: str = "all",
) -> PacingView | None:
    """Pacing of the period of ``kind`` that contains ``as_of``.

    The target is the recorded one (:func:`period_targets`, :func:`selection_total`);
    failing that ``fallback = (period label, amount)`` when its label matches (e.g. the
    report's proposal for that period). Returns None when ``as_of`` is the last day of a
    period (nothing in progress) or no target is available.
    """
    from salesmeasure.periods import Period

    as_of = pd.Timestamp(as_of).normalize()
    cur = Period.from_timestamp(as_of, kind, fiscal_start_month=fiscal_start_month)
    if as_of >= cur.end:
        return None
    total = selection_total(period_targets(targets, cur))
    source = "recorded target"
    if not total > 0 and fallback is not None and fallback[0] == cur.label:
        total, source = float(fallback[1]), "proposed target"
    if not total > 0:
        return None
    p, _, weights = pace_period(
        orders,
        target=total,
        start=cur.start,
        end=cur.end,
        as_of=as_of,
        seed=seed,
        repetitions=repetitions,
        models=models,
    )
    return PacingView(cur.label, p, pacing_curve(orders, p, month_weights=weights), source, region)
