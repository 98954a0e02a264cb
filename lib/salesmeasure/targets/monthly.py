"""Revenue month by month: actual against target and against last year, and the forecast
for the months ahead (the executive summary's and the target report's monthly chart).

The months run from the start of the report period's fiscal year to the end of the
period in progress on the data's as-of date (or of the report period, when it is later),
24 months at most. Each month's target is its quarter's target (recorded, or the
proposal :func:`~salesmeasure.targets.inprogress.in_progress` uses for the period in
progress) spread over the quarter's months by the seasonal pattern that paces the
period in progress, so the months of a quarter add up to its target and the months
elapsed add up to the revenue the pacing expects by now. The months ahead (the rest of
the as-of month and the later months of the period in progress) carry the median and 80%
interval of the forecast behind the landing of the period in progress.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.periods import Period
from salesmeasure.targets.inprogress import InProgress, in_progress
from salesmeasure.targets.inputs import (
    monthly_revenue,
    period_targets,
    seasonal_index,
    selection_total,
)
from salesmeasure.targets.tracking import _month_weight_vector

#: Columns of :attr:`MonthlyRevenue.table`.
COLUMNS = ["month", "actual", "target", "last_year", "forecast", "low", "high"]

#: Most months shown.
MAX_MONTHS = 24


@dataclass(frozen=True, eq=False)
class MonthlyRevenue:
    """Monthly revenue of one scope.

    Attributes
    ----------
    table : DataFrame
        One row per month, columns :data:`COLUMNS`: month (monthly Period), actual
        (revenue booked in the month; to the as-of date in the as-of month, NaN after),
        target (the month's share of its quarter's target; NaN without one), last_year
        (the same month a year earlier; NaN before the data starts), forecast (median
        forecast of the whole month, booked part included, for the as-of month and the
        months ahead; NaN before), low / high (its 80% interval).
    region : str
    period : str
        The report period's label.
    as_of : Timestamp
    partial : Period or None
        The as-of month when the data stops before its last day.
    in_progress : str or None
        The period in progress (its months carry the forecast).
    ahead : tuple of float
        (median, low, high) of the total of the forecast months (joint draws), NaN
        without a forecast.
    """

    table: pd.DataFrame
    region: str
    period: str
    as_of: pd.Timestamp
    partial: pd.Period | None
    in_progress: str | None
    ahead: tuple = (math.nan, math.nan, math.nan)

    @property
    def complete(self) -> pd.DataFrame:
        """The rows of complete months with revenue."""
        t = self.table
        done = t["actual"].notna()
        if self.partial is not None:
            done &= t["month"] != self.partial
        return t[done]

    @property
    def forecast_months(self) -> pd.DataFrame:
        return self.table[self.table["forecast"].notna()]


def _window(ctx, progress: InProgress) -> list[pd.Period]:
    fsm = ctx.period.fiscal_start_month
    fy = Period.from_timestamp(ctx.period.start, "FY", fiscal_start_month=fsm)
    end = ctx.period.end
    if progress.period is not None and progress.end is not None and progress.end > end:
        end = progress.end
    months = list(pd.period_range(fy.start, end, freq="M"))
    return months[-MAX_MONTHS:]


def _month_targets(targets, months, fsm, progress, weights) -> pd.Series:
    """Each month's share of its quarter's target (seasonal weights)."""
    out = pd.Series(np.nan, index=pd.PeriodIndex(months, freq="M"))
    quarters = {}
    for m in months:
        q = Period.from_timestamp(m.start_time, "Q", fiscal_start_month=fsm)
        quarters.setdefault(q.label, q)
    top = progress.top if progress.reason is None else None
    for label, q in quarters.items():
        total = selection_total(period_targets(targets, q))
        if not (total > 0) and top is not None and label == progress.period:
            total = float(top["target"])
        if not (total > 0):
            continue
        w = _month_weight_vector(q.start, q.end, weights)
        share = w / w.sum()
        for m, s in share.items():
            if m in out.index:
                out[m] = total * s
    return out


def _forecast_months(progress: InProgress, orders, months) -> tuple[pd.DataFrame, tuple]:
    """Median and 80% interval of each forecast month (the as-of month: booked so far plus
    the simulated rest), and of their total."""
    cols = pd.DataFrame(
        np.nan, index=pd.PeriodIndex(months, freq="M"), columns=["forecast", "low", "high"]
    )
    top = progress.top if progress.reason is None else None
    if top is None or top["owner"] not in progress.forecasts:
        return cols, (math.nan, math.nan, math.nan)
    fc = progress.forecasts[top["owner"]]
    as_of = pd.Timestamp(progress.as_of).normalize()
    am = as_of.to_period("M")
    draws = []
    for i, m in enumerate(fc.index):
        if m not in cols.index or m > progress.end.to_period("M"):
            continue
        sims = fc.samples[i].astype(float)
        if m == am:  # booked so far plus the rest of the month
            d = pd.to_datetime(orders["order_date"])
            booked = float(orders.loc[(d >= m.start_time) & (d <= as_of), "amount"].sum())
            left = (m.end_time.normalize() - as_of).days / m.days_in_month
            sims = booked + sims * left
        draws.append(sims)
        cols.loc[m, "forecast"] = float(np.median(sims))
        cols.loc[m, "low"], cols.loc[m, "high"] = (float(v) for v in np.quantile(sims, [0.1, 0.9]))
    if not draws:
        return cols, (math.nan, math.nan, math.nan)
    total = np.sum(draws, axis=0)
    lo, hi = np.quantile(total, [0.1, 0.9])
    return cols, (float(np.median(total)), float(lo), float(hi))


def monthly_revenue_view(ctx, progress: InProgress | None = None) -> MonthlyRevenue:
    """:func:`monthly_revenue` with a given period in progress."""
    progress = in_progress(ctx) if progress is None else progress
    scope = ctx.data.slice(region=ctx.region)
    orders = scope.orders
    as_of = pd.Timestamp(ctx.data.as_of).normalize()
    months = _window(ctx, progress)
    idx = pd.PeriodIndex(months, freq="M")
    am = as_of.to_period("M")
    partial = am if as_of < am.end_time.normalize() else None
    history = monthly_revenue(orders, end=am)
    actual = history.reindex(idx)
    actual[idx > am] = np.nan
    last_year = history.reindex(idx - 12)
    last_year.index = idx
    last_full = am - 1 if partial is not None else am
    try:
        weights = seasonal_index(history[history.index <= last_full])
    except ValueError:
        weights = None
    target = _month_targets(scope.targets, months, ctx.period.fiscal_start_month, progress, weights)
    fc, ahead = _forecast_months(progress, orders, months)
    table = pd.DataFrame(
        {
            "month": idx,
            "actual": actual.to_numpy(float),
            "target": target.to_numpy(float),
            "last_year": last_year.to_numpy(float),
            "forecast": fc["forecast"].to_numpy(float),
            "low": fc["low"].to_numpy(float),
            "high": fc["high"].to_numpy(float),
        }
    )
    return MonthlyRevenue(
        table,
        ctx.region,
        ctx.period.label,
        as_of,
        partial,
        progress.period if progress.reason is None else None,
        ahead,
    )


def monthly_revenue_for(ctx_or_orders, *args, **kwargs):
    """``targets.monthly_revenue``: given a report context, its scope's
    :class:`MonthlyRevenue` (:func:`monthly_revenue_view`); given order rows, the monthly
    revenue Series of :func:`salesmeasure.targets.inputs.monthly_revenue` (the name's
    older meaning, kept for callers of it)."""
    if isinstance(ctx_or_orders, pd.DataFrame):
        return monthly_revenue(ctx_or_orders, *args, **kwargs)
    return monthly_revenue_view(ctx_or_orders, *args, **kwargs)
