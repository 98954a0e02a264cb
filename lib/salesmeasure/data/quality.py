"""Rows that parse but cannot be true: dates in the future, absurd order amounts.

As-of date
    The last day the data describes. It is not simply the latest date found: one order
    typed as 2030 would move it, and ``--period latest`` would then report a quarter that
    only that row reaches. :func:`robust_as_of` takes the date by which 99% of the
    activity rows (orders, survey responses, complaints) have happened, then extends it
    day by day through the dates that follow *without a gap* longer than
    ``max(31 days, 2 x the longest gap in the year before)``, so the data's real last
    days, however thin, are kept, and a lone far-off date is not. A date after today is
    never the as-of date. Rows dated after the as-of date (or after today) are
    quarantined with that reason.

Extreme amounts
    Order amounts spread over a few orders of magnitude and are close to log-normal.
    :func:`amount_bound` puts the ceiling at ``exp(median + 10 * s)`` on the log scale,
    where ``s`` is the scaled median absolute deviation of log amounts (at least 0.5):
    ten robust standard deviations, a value a log-normal would exceed with probability
    below 1e-23, so a real order is never caught, while a mistyped or unit-confused
    amount (a cent amount in whole units, an id pasted into the amount, 1e12) is. Median
    and MAD ignore up to half the rows being wrong, so the bad amounts do not move the
    bound. On the sample data the bound is about 1.1 million, 100 times the largest real
    order. ``max_order_amount`` in ``salesmeasure.toml`` replaces it. Amounts of 1e15
    or more are always rejected (beyond exact float arithmetic on cents).

References
----------
Leys, C., Ley, C., Klein, O., Bernard, P. & Licata, L. (2013). Detecting outliers: Do
not use standard deviation around the mean, use absolute deviation around the median.
Journal of Experimental Social Psychology, 49(4), 764-766.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesmeasure.data.coerce import Quarantine

#: Activity tables and their date column: they define the as-of date.
ACTIVITY = {"orders": "order_date", "surveys": "survey_date", "complaints": "opened_date"}
#: Every date column checked against today and the as-of date.
FUTURE_CHECKED = {**ACTIVITY, "customers": "signup_date"}
ABSOLUTE_MAX_AMOUNT = 1e15
MIN_ROWS_FOR_BOUND = 20
CORE_SHARE = 0.99


def robust_as_of(dates: pd.Series) -> pd.Timestamp | None:
    """The last day the data describes (see the module docstring); None without dates."""
    d = pd.Series(dates).dropna()
    if d.empty:
        return None
    v = d.to_numpy(dtype="datetime64[ns]").view("i8")
    k = int(np.floor((len(v) - 1) * CORE_SHARE))
    core_end = int(np.partition(v, k)[k])  # O(n): millions of rows need no sort
    year = pd.Timedelta(days=365).value
    days = np.unique(v[v > core_end - year])
    recent = days[days <= core_end]
    longest = int(np.diff(recent).max()) if len(recent) > 1 else 0
    limit = max(pd.Timedelta(days=31).value, 2 * longest)
    last = core_end
    for day in days[days > core_end]:
        if day - last > limit:
            break
        last = int(day)
    return pd.Timestamp(last)


def check_dates(
    typed: dict[str, pd.DataFrame], quarantines: dict[str, Quarantine], *, today=None
) -> pd.Timestamp | None:
    """Quarantine dates after today and after the as-of date; return the as-of date."""
    today = pd.Timestamp(today if today is not None else pd.Timestamp.now()).normalize()
    for name, col in {**FUTURE_CHECKED, "complaints_resolved": "resolved_date"}.items():
        table = "complaints" if name == "complaints_resolved" else name
        d = typed[table][col]
        quarantines[table].add((d > today).to_numpy(), col, "date after today")
    pooled = pd.concat(
        [typed[n][c][~quarantines[n].bad_rows()] for n, c in ACTIVITY.items()], ignore_index=True
    )
    as_of = robust_as_of(pooled)
    if as_of is None:
        return None
    for name, col in FUTURE_CHECKED.items():
        d = typed[name][col]
        quarantines[name].add((d > as_of).to_numpy(), col, "date after the data's as-of date")
    return as_of


def amount_bound(amounts: pd.Series) -> float:
    """The largest plausible order amount (see the module docstring)."""
    a = pd.Series(amounts, dtype="float64")
    a = a[np.isfinite(a) & (a > 0)]
    if len(a) < MIN_ROWS_FOR_BOUND:
        return ABSOLUTE_MAX_AMOUNT
    logs = np.log(a.to_numpy())
    med = float(np.median(logs))
    s = max(1.4826 * float(np.median(np.abs(logs - med))), 0.5)
    return float(min(np.exp(med + 10 * s), ABSOLUTE_MAX_AMOUNT))


def check_amounts(orders: pd.DataFrame, q: Quarantine, *, cap: float | None = None) -> float:
    """Quarantine orders above the plausible maximum; return the bound used."""
    ok = ~q.bad_rows()
    bound = min(cap, ABSOLUTE_MAX_AMOUNT) if cap else amount_bound(orders["amount"][ok])
    reason = (
        f"amount above max_order_amount ({bound:,.0f})"
        if cap
        else f"amount far above the data's range (over {bound:,.0f})"
    )
    q.add((orders["amount"] > bound).to_numpy() & ok, "amount", reason)
    return bound
