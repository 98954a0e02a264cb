"""Retention: acquisition cohorts, period-on-period retention and churn, survival curves.

A customer is *active* in a period when they placed at least one order in it. A cohort
is the set of customers acquired (first order, or signup) in the same period.

Retention has one definition in the suite: the share of the customers active in one
period who are active again in the next. :func:`retention_rate` gives it for every
calendar month, quarter or year of a history (the retention report's trend);
:func:`period_retention` gives it for one period of any kind of the fiscal calendar
(the executive summary's headline). On a calendar period both give the same numbers.

References
----------
.. [1] Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention.
   Journal of Interactive Marketing 21(1), 76-90 (cohort retention curves).
.. [2] Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
   observations. JASA 53(282), 457-481.
.. [3] Kalbfleisch, J. D. & Prentice, R. L. (2002). The Statistical Analysis of Failure
   Time Data, 2nd ed., section 1.4 (Greenwood variance, log(-log) intervals).
.. [4] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
   inference. JASA 22(158), 209-212.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from salesmeasure import format as fmt
from salesmeasure.checks import require_columns
from salesmeasure.errors import InsufficientData
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.stats import Estimate, proportion, wilson_interval, z_value

__all__ = [
    "CohortMatrix",
    "cohort_matrix",
    "retention_rate",
    "PeriodRetention",
    "period_retention",
    "churn_rate",
    "lapse_events",
    "SurvivalCurves",
    "survival_curves",
]

_FREQS = ("M", "Q", "Y")


def _dates(s: pd.Series, col: str) -> pd.Series:
    d = pd.to_datetime(s)
    if d.isna().any():
        raise ValueError(f"column {col!r} has {int(d.isna().sum())} missing or unparseable date(s)")
    return d


def _ordinal(d: pd.Series, freq: str) -> np.ndarray:
    if freq not in _FREQS:
        raise ValueError(f"freq must be one of {_FREQS}, got {freq!r}")
    months = d.dt.year.to_numpy(np.int64) * 12 + d.dt.month.to_numpy(np.int64) - 1
    return {"M": months, "Q": months // 3, "Y": months // 12}[freq]


def _label(ordinal, freq: str) -> list[str]:
    out = []
    for o in np.asarray(ordinal, dtype=np.int64):
        if freq == "M":
            out.append(f"{o // 12}-{o % 12 + 1:02d}")
        elif freq == "Q":
            out.append(f"{o // 4}Q{o % 4 + 1}")
        else:
            out.append(str(o))
    return out


def _last_complete(observation_end: pd.Timestamp, freq: str) -> int:
    """Ordinal of the last period that ends on or before ``observation_end``."""
    o = int(_ordinal(pd.Series([observation_end]), freq)[0])
    nxt = observation_end + pd.Timedelta(days=1)
    if int(_ordinal(pd.Series([nxt]), freq)[0]) == o:  # observation_end is mid-period
        o -= 1
    return o


def _activity(orders, customer_col, date_col, freq, observation_end):
    require_columns(orders, [customer_col, date_col], "orders")
    d = _dates(orders[date_col], date_col)
    end = pd.Timestamp(observation_end) if observation_end is not None else d.max()
    keep = (d <= end).to_numpy()
    if not keep.any():
        raise InsufficientData(
            _("There are no orders up to {date}, so retention cannot be measured.").format(
                date=fmt.date(end)
            )
        )
    act = pd.DataFrame(
        {"customer": orders[customer_col].to_numpy()[keep], "period": _ordinal(d[keep], freq)}
    ).drop_duplicates()
    if act["customer"].isna().any():
        raise ValueError(f"column {customer_col!r} has missing customer ids")
    return act, end


@dataclass(frozen=True)
class CohortMatrix:
    """Acquisition cohort x periods since acquisition.

    Attributes
    ----------
    counts : DataFrame
        Active customers; rows = cohort label, columns = periods since acquisition
        (0, 1, ...). NaN where the period is not (completely) observed yet.
    shares : DataFrame
        ``counts`` divided by the cohort size.
    sizes : Series
        Customers acquired in each cohort.
    freq : str
    """

    counts: pd.DataFrame
    shares: pd.DataFrame
    sizes: pd.Series
    freq: str


def cohort_matrix(
    orders: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    freq: str = "M",
    acquisition: str = "first_order",
    observation_end=None,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    signup_col: str = "signup_date",
) -> CohortMatrix:
    """Cohort retention matrix (counts and shares of the cohort).

    Parameters
    ----------
    orders : DataFrame
        One row per order.
    customers : DataFrame, optional
        Needed for ``acquisition="signup"``: the cohort is then the signup period and
        every signed-up customer counts in the cohort size, buyer or not.
    freq : {"M", "Q", "Y"}
        Period length.
    acquisition : {"first_order", "signup"}
    observation_end : date-like, optional
        Last observed day (default: the last order date). Periods not completely
        observed by then are NaN, not zero.

    Returns
    -------
    CohortMatrix

    References
    ----------
    .. [1] Fader & Hardie (2007), J. Interactive Marketing 21(1), 76-90.
    """
    act, end = _activity(orders, customer_col, date_col, freq, observation_end)
    if acquisition == "first_order":
        acq = act.groupby("customer")["period"].min()
    elif acquisition == "signup":
        if customers is None:
            raise ValueError("acquisition='signup' needs the customers table")
        require_columns(customers, [customer_col, signup_col], "customers")
        sd = _dates(customers[signup_col], signup_col)
        mask = (sd <= end).to_numpy()
        acq = pd.Series(_ordinal(sd[mask], freq), index=customers[customer_col].to_numpy()[mask])
        acq = acq[~acq.index.duplicated()]
        unknown = ~act["customer"].isin(acq.index)
        if unknown.any():
            raise ValueError(
                f"{int(unknown.sum())} order period(s) belong to customers not in the "
                f"customers table (e.g. {act.loc[unknown, 'customer'].iloc[0]!r})"
            )
    else:
        raise ValueError(f"acquisition must be 'first_order' or 'signup', got {acquisition!r}")
    last = _last_complete(end, freq)
    act = act.join(acq.rename("cohort"), on="customer")
    act["age"] = act["period"] - act["cohort"]
    act = act[act["age"] >= 0]
    sizes = acq.value_counts().sort_index()
    cohorts = np.arange(sizes.index.min(), sizes.index.max() + 1) if len(sizes) else []
    max_age = int(max(last - sizes.index.min(), 0)) if len(sizes) else 0
    counts = (
        act.groupby(["cohort", "age"])
        .size()
        .unstack("age")
        .reindex(index=cohorts, columns=range(max_age + 1))
    )
    counts = counts.astype(float).fillna(0.0)
    sizes = sizes.reindex(cohorts, fill_value=0)
    observed = (np.asarray(cohorts)[:, None] + np.arange(max_age + 1)[None, :]) <= last
    counts = counts.where(observed)
    labels = _label(cohorts, freq)
    counts.index = pd.Index(labels, name="cohort")
    counts.columns = pd.Index(range(max_age + 1), name="periods_since_acquisition")
    sizes.index = counts.index
    sizes.name = "customers"
    shares = counts.div(sizes.where(sizes > 0), axis=0)
    return CohortMatrix(counts, shares, sizes, freq)


#: The group of a customer whose group column (segment, region, ...) is empty.
MISSING_GROUP = "unknown"


def _attach_groups(act, customers, by, customer_col):
    if not by:
        return act, []
    by = [by] if isinstance(by, str) else list(by)
    if customers is None:
        raise ValueError(f"grouping by {by} needs the customers table")
    require_columns(customers, [customer_col, *by], "customers")
    attrs = customers.drop_duplicates(customer_col).set_index(customer_col)[by]
    out = act.join(attrs, on="customer")
    # a group the customers table leaves empty (allowed: a segment not recorded, customers
    # derived from orders) is its own group, MISSING_GROUP, never a dropped customer
    for col in by:
        if out[col].isna().any():
            out[col] = out[col].astype(object).where(out[col].notna(), MISSING_GROUP)
    return out, by


def retention_rate(
    orders: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    freq: str = "Q",
    by: str | list[str] | None = None,
    observation_end=None,
    confidence: float = 0.95,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> pd.DataFrame:
    """Share of customers active in one period who are active again in the next.

    Only completely observed periods are reported (a period still running at
    ``observation_end`` would understate retention), and only periods in which someone
    ordered: retention into a period without any order (a closed month) is not
    applicable, not 0%.

    Returns
    -------
    DataFrame
        One row per (group, period): ``period`` (label), ``active_previous``,
        ``retained``, ``retention_rate`` and its Wilson ``ci_low``/``ci_high``.

    References
    ----------
    .. [1] Wilson (1927), JASA 22(158), 209-212 (interval).
    """
    act, end = _activity(orders, customer_col, date_col, freq, observation_end)
    last = _last_complete(end, freq)
    act = act[act["period"] <= last]
    # a period in which nobody at all ordered (a closed month) has no retention to
    # measure: not applicable, never 0% (and nothing is measured against it after it)
    traded = set(act["period"].unique())
    act, by = _attach_groups(act, customers, by, customer_col)
    prev = act.assign(period=act["period"] + 1)
    prev = prev[prev["period"] <= last]
    merged = prev.merge(
        act[["customer", "period"]].assign(again=True), on=["customer", "period"], how="left"
    )
    merged["again"] = merged["again"].fillna(False).astype(bool)
    g = merged.groupby([*by, "period"], observed=True)["again"]
    out = pd.DataFrame({"active_previous": g.size(), "retained": g.sum()}).reset_index()
    out = out[out["period"].isin(traded)].reset_index(drop=True)
    out["retained"] = out["retained"].astype(int)
    out["active_previous"] = out["active_previous"].astype(int)
    out["retention_rate"] = out["retained"] / out["active_previous"]
    ci = [
        wilson_interval(int(k), int(n), confidence)
        for k, n in zip(out["retained"], out["active_previous"], strict=True)
    ]
    out["ci_low"] = [c[0] for c in ci]
    out["ci_high"] = [c[1] for c in ci]
    out["period_ordinal"] = out["period"]
    out["period"] = _label(out["period"], freq)
    return out


@dataclass(frozen=True)
class PeriodRetention:
    """Retention into one period.

    Attributes
    ----------
    period : Period
    active_previous : int
        Customers who ordered in the period before ``period``.
    retained : int
        Those of them who ordered again in ``period``.
    rate : Estimate
        ``retained / active_previous`` with its Wilson interval (value NaN and ``n`` 0
        when nobody was active in the period before).
    """

    period: Period
    active_previous: int
    retained: int
    rate: Estimate


def period_retention(
    orders: pd.DataFrame,
    period: Period,
    *,
    confidence: float = 0.95,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> PeriodRetention:
    """Share of the customers active in the period before ``period`` who buy again in it.

    The definition of :func:`retention_rate` for one period of any kind (month, quarter,
    half, fiscal year) of a fiscal calendar: an order counts in a period when its date
    lies between the period's first and last day.

    Parameters
    ----------
    orders : DataFrame
        One row per order (at least every order of ``period`` and the one before).
    period : Period
        The period retention is measured into.
    confidence : float
        Level of the Wilson interval.

    Returns
    -------
    PeriodRetention

    References
    ----------
    .. [1] Wilson (1927), JASA 22(158), 209-212 (interval).
    """
    require_columns(orders, [customer_col, date_col], "orders")
    d = pd.to_datetime(orders[date_col])
    ids = orders[customer_col]
    prev = period.previous()
    before = pd.Index(ids[(d >= prev.start) & (d <= prev.end)].unique())
    now = pd.Index(ids[(d >= period.start) & (d <= period.end)].unique())
    k = int(before.isin(now).sum())
    return PeriodRetention(
        period, len(before), k, proportion(k, len(before), confidence=confidence)
    )


def churn_rate(
    orders: pd.DataFrame, customers: pd.DataFrame | None = None, **kwargs
) -> pd.DataFrame:
    """Share of customers active in one period who are not active in the next.

    Same arguments as :func:`retention_rate`; columns ``active_previous``, ``churned``,
    ``churn_rate``, ``ci_low``, ``ci_high`` (Wilson).

    References
    ----------
    .. [1] Wilson (1927), JASA 22(158), 209-212 (interval).
    """
    r = retention_rate(orders, customers, **kwargs)
    out = r.drop(columns=["retained", "retention_rate", "ci_low", "ci_high"])
    out["churned"] = r["active_previous"] - r["retained"]
    out["churn_rate"] = 1 - r["retention_rate"]
    out["ci_low"] = 1 - r["ci_high"]
    out["ci_high"] = 1 - r["ci_low"]
    return out


def lapse_events(
    orders: pd.DataFrame,
    *,
    lapse_days: int = 180,
    observation_end=None,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> pd.DataFrame:
    """Time from first order to lapse, with right censoring.

    A customer *lapses* the first time ``lapse_days`` pass without an order; the lapse
    date is the last order before that gap plus ``lapse_days``. Customers not lapsed by
    ``observation_end`` are censored there.

    Returns
    -------
    DataFrame
        Indexed by customer: ``first_order``, ``duration_days`` (to lapse or censoring),
        ``lapsed`` (bool: the event was observed), ``orders`` (orders before the lapse).

    References
    ----------
    .. [1] Gupta, S. et al. (2006). Modeling customer lifetime value. Journal of Service
       Research 9(2), 139-155 (lost-for-good customers defined by an inactivity window).
    .. [2] Kalbfleisch & Prentice (2002), section 1.2 (right censoring at the end of
       observation).
    """
    if lapse_days <= 0:
        raise ValueError(f"lapse_days must be positive, got {lapse_days}")
    require_columns(orders, [customer_col, date_col], "orders")
    d = _dates(orders[date_col], date_col)
    end = pd.Timestamp(observation_end) if observation_end is not None else d.max()
    df = pd.DataFrame({"c": orders[customer_col].to_numpy(), "d": d.to_numpy()})
    df = df[df["d"] <= end].sort_values(["c", "d"], kind="stable")
    gap = df.groupby("c")["d"].diff().dt.days
    # an order that comes after a gap > lapse_days starts a new spell: cut there
    broken = (gap > lapse_days).groupby(df["c"]).cumsum()
    first_spell = df[broken.to_numpy() == 0]
    g = first_spell.groupby("c")["d"]
    first, last, n = g.min(), g.max(), g.size()
    lapse_at = last + pd.Timedelta(days=lapse_days)
    lapsed = lapse_at <= end
    stop = lapse_at.where(lapsed, end)
    out = pd.DataFrame(
        {
            "first_order": first,
            "duration_days": (stop - first).dt.days.astype(float),
            "lapsed": lapsed.astype(bool),
            "orders": n.astype(int),
        }
    )
    out.index.name = customer_col
    return out


@dataclass(frozen=True)
class SurvivalCurves:
    """Kaplan-Meier curves per group.

    Attributes
    ----------
    curves : DataFrame
        ``group``, ``time`` (days), ``survival``, ``ci_low``, ``ci_high`` (pointwise
        log(-log) Greenwood interval), ``at_risk``, ``events``.
    medians : DataFrame
        Per group: ``customers``, ``lapses``, ``median_days`` (NaN when survival never
        falls to 0.5) and its interval from statsmodels.
    logrank_pvalue : float
        Log-rank test of equal survival across groups (NaN with a single group or when
        nobody has lapsed yet).
    """

    curves: pd.DataFrame
    medians: pd.DataFrame
    logrank_pvalue: float


def survival_curves(
    events: pd.DataFrame,
    *,
    group: pd.Series | str | None = None,
    confidence: float = 0.95,
) -> SurvivalCurves:
    """Kaplan-Meier survival of time to lapse, by group, with censoring.

    Parameters
    ----------
    events : DataFrame from :func:`lapse_events`
    group : Series (aligned on the customer index) or column name, optional
        E.g. segment or NPS group. Customers without a group are reported as
        ``"unknown"``, not dropped.

    References
    ----------
    .. [1] Kaplan & Meier (1958), JASA 53(282), 457-481.
    .. [2] Kalbfleisch & Prentice (2002), section 1.4 (log(-log) interval).
    .. [3] statsmodels ``SurvfuncRight`` and ``survdiff``.
    """
    require_columns(events, ["duration_days", "lapsed"], "events")
    if len(events) == 0:
        raise InsufficientData(
            _(
                "No customer has ordered by the period end, so there is nobody whose time "
                "to lapse could be followed; survival curves need customers with orders."
            )
        )
    if group is None:
        g = pd.Series("all", index=events.index)
    elif isinstance(group, str):
        require_columns(events, [group], "events")
        g = events[group]
    else:
        g = group.reindex(events.index)
    g = g.astype(object).where(g.notna(), "unknown").astype(str)
    z = z_value(confidence)
    rows, meds = [], []
    time = events["duration_days"].to_numpy(float)
    status = events["lapsed"].to_numpy(int)
    for name in sorted(g.unique()):
        m = (g == name).to_numpy()
        sf = SurvfuncRight(time[m], status[m])
        s = sf.surv_prob
        se = sf.surv_prob_se
        with np.errstate(divide="ignore", invalid="ignore"):
            ll = np.log(-np.log(s))
            se_ll = se / (s * np.abs(np.log(s)))
            lo = np.exp(-np.exp(ll + z * se_ll))
            hi = np.exp(-np.exp(ll - z * se_ll))
        lo = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, lo))
        hi = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, hi))
        cur = pd.DataFrame(
            {
                "group": name,
                "time": np.r_[0.0, sf.surv_times],
                "survival": np.r_[1.0, s],
                "ci_low": np.r_[1.0, lo],
                "ci_high": np.r_[1.0, hi],
                "at_risk": np.r_[m.sum(), sf.n_risk],
                "events": np.r_[0, sf.n_events],
            }
        )
        rows.append(cur)
        med = float(sf.quantile(0.5))
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                mlo, mhi = sf.quantile_ci(0.5, alpha=1 - confidence)
        except (ValueError, IndexError, ZeroDivisionError):  # degenerate curves
            mlo, mhi = np.nan, np.nan
        meds.append(
            {
                "group": name,
                "customers": int(m.sum()),
                "lapses": int(status[m].sum()),
                "median_days": med,
                "median_ci_low": float(mlo),
                "median_ci_high": float(mhi),
            }
        )
    pval = np.nan
    if g.nunique() > 1 and status.sum() > 0:
        try:
            _stat, pval = survdiff(time, status, g.to_numpy())
        except np.linalg.LinAlgError:  # no information to compare (e.g. one group empty)
            pval = np.nan
    return SurvivalCurves(pd.concat(rows, ignore_index=True), pd.DataFrame(meds), float(pval))
