"""Inputs of target setting: revenue series from order rows, seasonal index, recorded
targets of a period, and the checks of the report's own parameters."""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.data import is_blank
from salesmeasure.errors import InsufficientData, ParameterError
from salesmeasure.i18n import _

_SEASONAL_PERIODS = {"M": 12, "Q": 4}


def _freq_code(index: pd.PeriodIndex) -> str:
    code = index.freqstr.upper()
    if code.startswith("Q"):
        return "Q"
    if code.startswith("M"):
        return "M"
    return code


def _as_period_series(history, name: str = "history") -> pd.Series:
    """Validate a revenue series and return it with a regular PeriodIndex."""
    if not isinstance(history, pd.Series):
        raise ValueError(
            f"{name} must be a pandas Series indexed by period, got {type(history).__name__}"
        )
    if len(history) == 0:
        raise InsufficientData(
            _("There is no revenue history: a forecast needs at least one month of revenue.")
        )
    s = history.copy()
    if isinstance(s.index, pd.DatetimeIndex):
        freq = s.index.freq or pd.infer_freq(s.index)
        if freq is None:
            raise ValueError(f"{name} has a DatetimeIndex without a regular frequency")
        s.index = s.index.to_period(pd.tseries.frequencies.to_offset(freq).rule_code[:1])
    if not isinstance(s.index, pd.PeriodIndex):
        raise ValueError(
            f"{name} must be indexed by a PeriodIndex (monthly or quarterly), got {type(s.index).__name__}"
        )
    if s.index.has_duplicates:
        raise ValueError(
            f"{name} has duplicate periods: {list(s.index[s.index.duplicated()].astype(str))}"
        )
    s = s.sort_index()
    expected = pd.period_range(s.index[0], s.index[-1], freq=s.index.freq)
    if len(expected) != len(s):
        gaps = expected.difference(s.index)
        raise ValueError(
            f"{name} has missing periods {list(gaps.astype(str))[:5]}; fill them with 0 explicitly"
        )
    try:
        s = s.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if s.isna().any():
        raise ValueError(f"{name} has missing values at {list(s.index[s.isna()].astype(str))}")
    if (s < 0).any():
        raise ValueError(f"{name} has negative revenue at {list(s.index[s < 0].astype(str))}")
    return s


def monthly_revenue(
    orders: pd.DataFrame,
    *,
    start=None,
    end=None,
    date: str = "order_date",
    amount: str = "amount",
) -> pd.Series:
    """Revenue per calendar month as a Series with a monthly PeriodIndex.

    Months without orders between ``start`` and ``end`` are 0 (not missing).

    Parameters
    ----------
    orders : DataFrame
        Order rows with a date column and an amount column.
    start, end : period-like, optional
        First and last month to include (``"2023-01"``, a Timestamp or a monthly Period).
        Default: the months of the first and last order. Orders outside are ignored.
    date, amount : str
        Column names.

    Returns
    -------
    Series
        Float revenue per month, name ``"revenue"``.
    """
    require_columns(orders, [date, amount], "orders")
    months = pd.to_datetime(orders[date]).dt.to_period("M")
    if start is None:
        if months.empty:
            raise InsufficientData(_("There are no orders, so there is no revenue history."))
        start = months.min()
    if end is None:
        if months.empty:
            raise InsufficientData(_("There are no orders, so there is no revenue history."))
        end = months.max()
    start, end = pd.Period(start, "M"), pd.Period(end, "M")
    if end < start:
        raise ValueError(f"end month {end} is before start month {start}")
    idx = pd.period_range(start, end, freq="M")
    keep = (months >= start) & (months <= end)
    out = orders.loc[keep, amount].astype(float).groupby(months[keep]).sum()
    out = out.reindex(idx, fill_value=0.0)
    out.index.name = "month"
    return out.rename("revenue")


def seasonal_index(history: pd.Series, *, seasonal_periods: int | None = None) -> pd.Series:
    """Multiplicative seasonal index by month of year (or quarter), mean 1.

    Classical ratio-to-centred-moving-average decomposition, computed by
    ``statsmodels.tsa.seasonal.seasonal_decompose(model="multiplicative")``.

    Parameters
    ----------
    history : Series
        Revenue per period, monthly or quarterly PeriodIndex, at least two full cycles,
        all values positive.

    Returns
    -------
    Series
        Index 1..12 (month of year) or 1..4 (quarter); values average 1.

    References
    ----------
    Makridakis, S., Wheelwright, S. C. & Hyndman, R. J. (1998). Forecasting: Methods and
    Applications, 3rd ed., ch. 3 (classical decomposition). Wiley.
    """
    from statsmodels.tsa.seasonal import seasonal_decompose

    s = _as_period_series(history)
    sp = seasonal_periods or _SEASONAL_PERIODS.get(_freq_code(s.index))
    if sp is None:
        raise ValueError(
            f"cannot infer the seasonal period of frequency {s.index.freqstr}; pass seasonal_periods"
        )
    if len(s) < 2 * sp:
        raise ValueError(f"history has {len(s)} periods; a seasonal index needs at least {2 * sp}")
    if (s <= 0).any():
        raise ValueError("history must be positive for a multiplicative seasonal index")
    dec = seasonal_decompose(s.to_numpy(), model="multiplicative", period=sp)
    pos = (s.index.month - 1) % 12 if sp == 12 else (s.index.quarter - 1)
    factors = pd.Series(dec.seasonal, index=pos).groupby(level=0).first().sort_index()
    factors = factors / factors.mean()
    factors.index = factors.index + 1
    factors.index.name = "month" if sp == 12 else "quarter"
    return factors.rename("seasonal_index")


def revenue_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """The revenue rows of a targets table (``metric`` empty, absent or ``"revenue"``).

    Targets of other KPIs (NPS, retention, ...) live in the same table; every revenue
    consumer reads them through this filter (:mod:`salesmeasure.targets.kpi_targets`
    reads the others).
    """
    if "metric" not in targets.columns:
        return targets
    m = targets["metric"].astype("string").str.strip().str.lower().fillna("")
    return targets[m.isin(["", "revenue"]).to_numpy(dtype=bool)]


def period_targets(targets: pd.DataFrame, period) -> pd.DataFrame:
    """Revenue target rows of ``period`` (a :class:`salesmeasure.periods.Period`).

    Rows whose ``period`` label equals the period are returned as they are. For a half
    year or fiscal year recorded as quarters, the quarters inside it are summed per
    region and rep -- only when all of them are present. A month, or a period without
    recorded targets, gives an empty frame (the report then uses the proposal).
    """
    from salesmeasure.periods import Period

    require_columns(targets, ["period", "region", "rep_id", "target_amount"], "targets")
    targets = revenue_targets(targets)
    exact = targets[targets["period"] == period.label]
    if not exact.empty or period.kind == "M":
        return exact.copy()
    quarters = [q.label for q in _sub_quarters(period, Period)]
    sub = targets[targets["period"].isin(quarters)]
    if sub.empty or set(sub["period"]) != set(quarters):
        return targets.iloc[0:0].copy()
    key = sub["rep_id"].astype("string").fillna("")
    out = (
        sub.assign(_rep=key)
        .groupby(["region", "_rep"], sort=True)["target_amount"]
        .sum()
        .reset_index()
        .rename(columns={"_rep": "rep_id"})
    )
    out["rep_id"] = out["rep_id"].where(out["rep_id"] != "", None)
    out.insert(0, "period", period.label)
    return out


def _sub_quarters(period, Period):
    first = Period.from_timestamp(period.start, "Q", fiscal_start_month=period.fiscal_start_month)
    out, q = [], first
    while q.start <= period.end:
        out.append(q)
        q = q.next()
    return out


def selection_total(targets: pd.DataFrame) -> float:
    """Total target of a selection: the sum of its region-total rows (rep rows if none)."""
    targets = revenue_targets(targets)
    if targets.empty:
        return math.nan
    blank = is_blank(targets["rep_id"])
    rows = targets[blank] if blank.any() else targets
    return float(rows["target_amount"].sum())


def last_complete_month(end, as_of) -> pd.Period:
    """The last calendar month that ends on or before both ``end`` and ``as_of``."""
    cut = min(pd.Timestamp(end).normalize(), pd.Timestamp(as_of).normalize())
    m = cut.to_period("M")
    return m if cut == m.end_time.normalize() else m - 1


def check_history(orders: pd.DataFrame, period) -> None:
    """Raise :class:`~salesmeasure.errors.InsufficientData` when there are no orders up to
    the end of ``period``."""
    require_columns(orders, ["order_date"], "orders")
    if orders.empty or orders["order_date"].min() > period.end:
        if orders.empty:
            first = _("no orders at all")
        else:
            first = _("orders from {date}").format(date=f"{orders['order_date'].min():%Y-%m-%d}")
        raise InsufficientData(
            _(
                "{period} ends {end}, before any order ({first}); a forecast and targets "
                "need order history, so choose a later period."
            ).format(period=period.label, end=f"{period.end:%Y-%m-%d}", first=first)
        )


def check_parameters(*, uplift: float, history_weight: float) -> None:
    """Validate the target-setting report's own parameters (a clear ParameterError)."""
    if (
        isinstance(uplift, bool)
        or not isinstance(uplift, int | float)
        or not math.isfinite(uplift)
        or not -0.5 <= uplift <= 1
    ):
        raise ParameterError(
            f"parameter 'uplift' must be a number between -0.5 and 1 (0.05 = +5%), got {uplift!r}"
        )
    if (
        isinstance(history_weight, bool)
        or not isinstance(history_weight, int | float)
        or not 0 <= history_weight <= 1
    ):
        raise ParameterError(
            f"parameter 'history_weight' must be between 0 and 1, got {history_weight!r}"
        )
