"""Which allocation method was right: equal probability against the revenue/book share blend,
scored on past periods.

For each past period the total is split with both methods from the data up to the period's
start, and each owner's target is scored against what the owner then sold:

* **Calibration.** Each method states a P(attain) per target. If the statements are
  right, the share of targets attained equals the mean stated probability (``gap`` near 0)
  and the Brier score, the mean of ``(P - attained)^2``, is low.
* **Spread of attainment.** A split that follows each owner's own prospects leaves actual /
  target about equal across owners; a split that ignores them leaves some owners far above
  and others far below. The spread is the interquartile range of actual / target across the
  owners of a period, averaged over periods.

The total split is the proposal at the report's attainability (the ``1 - attainability``
quantile of the total's own forecast, plus the uplift), not the recorded target: it is what
the report would have proposed then, exists also where no targets were recorded, and keeps
the managers' own stretch out of the comparison. Both methods are scored on the same joint
owner forecasts (:func:`~salesmeasure.targets.allocation.simulate_owners`), so the
difference between them is the split alone; the owners scored are reps (within each region).

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. Monthly
Weather Review 78(1), 1-3.
Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and
estimation. JASA 102(477), 359-378 (calibration of probability forecasts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.errors import InsufficientData
from salesmeasure.i18n import _
from salesmeasure.stats import largest_remainder, proportion
from salesmeasure.targets.allocation import equal_probability, simulate_owners
from salesmeasure.targets.forecast import baseline_forecast
from salesmeasure.targets.inputs import monthly_revenue
from salesmeasure.targets.setting import allocate_nested, allocation_weights, propose_target

#: The methods compared, in table order.
METHODS = ("equal", "share")

#: At least this many scored past periods are needed to compare the methods.
MIN_PERIODS = 2

#: Spreads within this relative difference count as equally even.
EVEN_TOLERANCE = 0.10


@dataclass(frozen=True, eq=False)
class PeriodCase:
    """One past period to score.

    Attributes
    ----------
    period : str
        Its label.
    samples : DataFrame
        Joint simulated revenue of each owner over the period (index owners, one column per
        draw), made from the data up to the period's start.
    total : float
        The amount split.
    shares : Series
        Each owner's share of the total under the revenue/book blend (sums to 1).
    actual : Series
        What each owner sold in the period (missing owners sold 0).
    groups : Series, optional
        The region of each owner; with ``group_samples`` the equal-probability split goes
        to the regions first (one common P) and then to the owners of each region.
    group_samples : DataFrame, optional
        Joint simulated revenue of each region (index regions).
    """

    period: str
    samples: pd.DataFrame
    total: float
    shares: pd.Series
    actual: pd.Series
    groups: pd.Series | None = None
    group_samples: pd.DataFrame | None = None


@dataclass(frozen=True, eq=False)
class MethodBacktest:
    """Both allocation methods scored on past periods.

    Attributes
    ----------
    owners : DataFrame
        One row per period, method and owner: period, method, owner, target, p_attain (the
        method's stated probability), actual, attained (actual >= target), ratio
        (actual / target).
    summary : DataFrame
        One row per method (index ``METHODS``): periods, targets (owner-periods scored),
        mean_p (mean stated P(attain)), attained (share attained), gap (attained - mean_p),
        brier (mean squared difference of stated P and the 0/1 outcome), ci_low/ci_high
        (95% Wilson interval of the share attained), calibrated (the interval holds mean_p),
        spread (mean over periods of the interquartile range of actual / target across
        owners). The Brier score also rewards stating different probabilities for different
        owners when they come true, so a method that gives every owner the same probability
        cannot go far below ``p (1 - p)``: calibration is read from ``gap`` and
        ``calibrated``, the Brier score is shown beside it.
    periods : tuple of str
        The periods scored, oldest first.
    skipped : tuple of str
        Past periods that could not be scored (too little history before them).
    """

    owners: pd.DataFrame
    summary: pd.DataFrame
    periods: tuple[str, ...]
    skipped: tuple[str, ...] = ()

    @property
    def miscalibrated(self) -> tuple[str, ...]:
        """Methods whose share attained is outside its interval around the stated mean."""
        return tuple(str(m) for m in self.summary.index[~self.summary["calibrated"]])

    @property
    def more_even(self) -> str | None:
        """The method with the clearly smaller spread of attainment across owners (by more
        than :data:`EVEN_TOLERANCE`), or None when the spreads are about equal."""
        s = self.summary["spread"]
        lo, hi = float(s.min()), float(s.max())
        if not (math.isfinite(lo) and hi > 0) or (hi - lo) / hi <= EVEN_TOLERANCE:
            return None
        return str(s.idxmin())


def _p_attain(samples: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    return (samples >= amounts[:, None]).mean(axis=1)


def _equal(case: PeriodCase) -> tuple[pd.Series, pd.Series]:
    owners = case.samples.index
    if case.groups is None or case.group_samples is None:
        eq = equal_probability(case.samples.to_numpy(), case.total, owners=owners)
        return eq.amounts, eq.p_attain
    top = equal_probability(
        case.group_samples.to_numpy(), case.total, owners=case.group_samples.index
    )
    amounts, probs = [], []
    for group, amount in top.amounts.items():
        mine = case.groups.index[case.groups == group]
        if len(mine) == 0:
            continue  # a region without owners of its own: nothing to score
        eq = equal_probability(case.samples.loc[mine].to_numpy(), int(amount), owners=mine)
        amounts.append(eq.amounts)
        probs.append(eq.p_attain)
    return pd.concat(amounts).reindex(owners), pd.concat(probs).reindex(owners)


def _share(case: PeriodCase) -> tuple[pd.Series, pd.Series]:
    owners = case.samples.index
    w = case.shares.reindex(owners).fillna(0.0).to_numpy(dtype=float)
    amounts = largest_remainder(float(case.total), w)
    p = _p_attain(case.samples.to_numpy(dtype=float), amounts.astype(float))
    return pd.Series(amounts, index=owners), pd.Series(p, index=owners)


def score_methods(cases) -> MethodBacktest:
    """Allocate each case with both methods and score them (see the module docstring).

    Parameters
    ----------
    cases : iterable of PeriodCase

    Returns
    -------
    MethodBacktest
    """
    rows = []
    cases = list(cases)
    for case in cases:
        actual = case.actual.reindex(case.samples.index).fillna(0.0).astype(float)
        for method, split in (("equal", _equal), ("share", _share)):
            amounts, probs = split(case)
            for owner in case.samples.index:
                target, a = float(amounts[owner]), float(actual[owner])
                rows.append(
                    {
                        "period": case.period,
                        "method": method,
                        "owner": owner,
                        "target": target,
                        "p_attain": float(probs[owner]),
                        "actual": a,
                        "attained": bool(a >= target),
                        "ratio": a / target if target > 0 else math.nan,
                    }
                )
    owners = pd.DataFrame(rows)
    summary = {}
    for method in METHODS:
        m = owners[owners["method"] == method]
        hit = m["attained"].astype(float)
        iqr = m.groupby("period", sort=False)["ratio"].agg(
            lambda r: float(np.nanquantile(r, 0.75) - np.nanquantile(r, 0.25))
        )
        share = proportion(int(hit.sum()), len(m))
        mean_p = float(m["p_attain"].mean())
        summary[method] = {
            "periods": int(m["period"].nunique()),
            "targets": len(m),
            "mean_p": mean_p,
            "attained": float(hit.mean()),
            "gap": float(hit.mean() - mean_p),
            "brier": float(((m["p_attain"] - hit) ** 2).mean()),
            "ci_low": share.ci_low,
            "ci_high": share.ci_high,
            "calibrated": bool(share.ci_low <= mean_p <= share.ci_high),
            "spread": float(iqr.mean()),
        }
    out = pd.DataFrame(summary).T
    for col in ("periods", "targets"):
        out[col] = out[col].astype(int)
    for col in ("mean_p", "attained", "gap", "brier", "ci_low", "ci_high", "spread"):
        out[col] = out[col].astype(float)
    out["calibrated"] = out["calibrated"].astype(bool)
    return MethodBacktest(owners, out, tuple(c.period for c in cases))


def _past_periods(period, history_end, n: int) -> list:
    """The ``n`` latest periods of ``period``'s kind that end by ``history_end``, oldest
    first."""
    last = period
    end = pd.Period(history_end, "M").end_time
    while last.end > end:
        last = last.previous()
    return [last.shift(-k) for k in range(n)][::-1]


def _case(
    orders, customers, reps, past, *, attainability, uplift, history_weight, region, models, **kw
):
    """A :class:`PeriodCase` for one past period, from the data before it."""
    start = past.start
    end = (pd.Period(start, "M") - 1).end_time.normalize()
    months = [pd.Period(m.label, "M") for m in past.months()]
    before = orders[orders["order_date"] <= end]
    y = monthly_revenue(before, end=pd.Period(end, "M")) if not before.empty else []
    if len(y) < 12:
        raise InsufficientData(
            _("Less than a year of revenue before {period}.").format(period=past)
        )
    fc = baseline_forecast(
        y, len(months), models=models, seed=kw["seed"], repetitions=kw["repetitions"]
    )
    total = propose_target(fc, attainability=attainability, uplift=uplift).target
    staff = reps
    if "hire_date" in reps.columns:
        staff = reps[~(pd.to_datetime(reps["hire_date"]) >= start)]
    staff = staff.drop_duplicates("rep_id").sort_values(["region", "rep_id"])
    staff = staff[staff["rep_id"].notna()]
    if staff.empty:
        raise InsufficientData(_("No rep was in post before {period}.").format(period=past))
    book = customers[customers["signup_date"] <= end]
    parts, groups = [], []
    for reg, crew in staff.groupby("region", sort=True):
        s = simulate_owners(
            orders[orders["region"] == reg],
            key="rep_id",
            owners=crew["rep_id"],
            history_end=end,
            months=months,
            book=book.groupby("rep_id").size(),
            **kw,
        )
        parts.append(pd.DataFrame(s.samples, index=s.owners))
        groups.append(pd.Series(reg, index=s.owners))
    samples, groups = pd.concat(parts), pd.concat(groups)
    group_samples = None
    if region == "all":
        regions = pd.Index(sorted(set(orders["region"].dropna().unique()) | set(staff["region"])))
        rs = simulate_owners(
            orders,
            key="region",
            owners=regions,
            history_end=end,
            months=months,
            book=book.groupby("region").size(),
            **kw,
        )
        group_samples = pd.DataFrame(rs.samples, index=rs.owners)
    weights = allocation_weights(orders, customers, staff, end=end)
    shares = allocate_nested(total, weights, alpha=history_weight).set_index("rep_id")["share"]
    sold = orders[(orders["order_date"] >= start) & (orders["order_date"] <= past.end)]
    return PeriodCase(
        past.label,
        samples,
        float(total),
        shares,
        sold.groupby("rep_id")["amount"].sum(),
        groups if group_samples is not None else None,
        group_samples,
    )


def backtest_methods(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    period,
    history_end,
    attainability: float = 0.6,
    uplift: float = 0.0,
    history_weight: float = 0.7,
    region: str = "all",
    periods: int = 4,
    repetitions: int = 200,
    seed: int = 0,
    models="auto",
) -> MethodBacktest:
    """Score both allocation methods on the ``periods`` latest past periods.

    Parameters
    ----------
    orders, customers, reps : DataFrame
        The report's view (one region or all).
    period : salesmeasure.periods.Period
        The report period; past periods are of its kind and end by ``history_end``.
    history_end : period-like
        Last complete month of data.
    attainability, uplift : float
        The total split in each past period is the proposal at this attainability.
    history_weight : float
        Weight of past revenue in the share blend (the rest customers in book).
    region : str
        ``"all"``: the equal-probability split goes to regions first, then to reps.
    periods : int
        How many past periods to try; one without enough history before it is skipped.
    repetitions : int
        Simulated draws per forecast (200 keeps the backtest fast; stated probabilities
        are then good to about +/-3.5 points, which averages out over owners).
    models : "auto" or list
        Candidate models of the total's forecast (pass the report forecast's
        ``refit_models`` to reuse its chosen model instead of searching again).

    Returns
    -------
    MethodBacktest
        Raises :class:`~salesmeasure.errors.InsufficientData` when fewer than
        :data:`MIN_PERIODS` past periods can be scored.
    """
    cases, skipped = [], []
    for past in _past_periods(period, history_end, periods):
        try:
            cases.append(
                _case(
                    orders,
                    customers,
                    reps,
                    past,
                    attainability=attainability,
                    uplift=uplift,
                    history_weight=history_weight,
                    region=region,
                    models=models,
                    seed=seed,
                    repetitions=repetitions,
                )
            )
        except InsufficientData:
            skipped.append(past.label)
    if len(cases) < MIN_PERIODS:
        raise InsufficientData(
            _(
                "Only {n} past period has enough history before it to allocate from, so the "
                "allocation methods cannot be compared yet; at least {needed} are needed."
            ).format(n=len(cases), needed=MIN_PERIODS)
            if len(cases) == 1
            else _(
                "No past period has enough history before it to allocate from, so the "
                "allocation methods cannot be compared yet; at least {needed} are needed."
            ).format(needed=MIN_PERIODS)
        )
    result = score_methods(cases)
    return MethodBacktest(result.owners, result.summary, result.periods, tuple(skipped))
