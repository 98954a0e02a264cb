"""RFM summaries of transactions in the conventions of the BG/NBD literature.

Transactions are first aggregated to periods of length ``freq``; ``frequency`` is the
number of *repeat* purchase periods, ``recency`` the age of the customer at their last
purchase and ``T`` their age at the observation end, both measured from the first
purchase in whole periods; ``monetary_value`` is the mean value of the repeat purchase
periods. The period length travels with the table in :class:`RFMSummary`.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the
   easy way: an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
.. [2] Davidson-Pilon, C. (2015-2020). lifetimes 0.11.3 (``utils.summary_data_from_
   transaction_data``, ``utils.calibration_and_holdout_data``). MIT licence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.results import FrameResult

__all__ = [
    "PERIODS_PER_MONTH",
    "RFMSummary",
    "CalibrationHoldout",
    "rfm_summary",
    "calibration_holdout",
]

#: Number of ``freq`` periods in one (average Gregorian) month.
PERIODS_PER_MONTH = {"D": 365.2425 / 12, "W": 365.2425 / 12 / 7, "M": 1.0}


@dataclass(frozen=True, eq=False)
class RFMSummary(FrameResult):
    """Frequency, recency, age and monetary value per customer, with their time unit.

    Reads like its table (``summary["frequency"]``, ``summary.loc[...]``, ``len``).

    Attributes
    ----------
    frame : DataFrame
        Indexed by customer id: ``frequency``, ``recency``, ``T`` and (unless amounts
        were skipped) ``monetary_value``.
    freq : {"D", "W", "M"}
        Length of one period of ``recency`` and ``T``.
    observation_end : Timestamp or None
        End of the observation window.
    """

    frame: pd.DataFrame
    freq: str
    observation_end: pd.Timestamp | None = None

    @property
    def periods_per_month(self) -> float:
        """Periods of :attr:`freq` in one (average Gregorian) month."""
        return PERIODS_PER_MONTH[self.freq]

    @property
    def repeat_buyers(self) -> int:
        """Customers with at least one repeat purchase period."""
        return int((self.frame["frequency"] > 0).sum())


@dataclass(frozen=True, eq=False)
class CalibrationHoldout(FrameResult):
    """A calibration summary and the purchases of the holdout period that follows it.

    Attributes
    ----------
    frame : DataFrame
        ``frequency_cal``, ``recency_cal``, ``T_cal``, ``monetary_value_cal``,
        ``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout``.
    freq : {"D", "W", "M"}
    calibration_end, observation_end : Timestamp
    """

    frame: pd.DataFrame
    freq: str
    calibration_end: pd.Timestamp
    observation_end: pd.Timestamp


def _day_numbers(dates: pd.Series, col: str) -> np.ndarray:
    """Days since 1970-01-01 of each date (floored: the time of day does not count)."""
    d = pd.to_datetime(dates)
    if d.isna().any():
        n = int(d.isna().sum())
        raise ValueError(f"column {col!r} has {n} missing or unparseable date(s)")
    return d.to_numpy(dtype="datetime64[ns]").view(np.int64) // 86_400_000_000_000


def _periods_of_days(days: np.ndarray, freq: str) -> np.ndarray:
    """Integer period number of each day number (days, Monday-Sunday weeks, or months)."""
    if freq not in PERIODS_PER_MONTH:
        raise ValueError(f"freq must be one of {sorted(PERIODS_PER_MONTH)}, got {freq!r}")
    if freq == "M":
        return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if freq == "W":
        # pandas/lifetimes "W" = weeks ending Sunday; 1970-01-01 was a Thursday.
        return (days + 3) // 7
    return days


def _period_index(dates: pd.Series, freq: str, col: str) -> np.ndarray:
    """Integer period number of each date (days, Monday-Sunday weeks, or months)."""
    if freq not in PERIODS_PER_MONTH:
        raise ValueError(f"freq must be one of {sorted(PERIODS_PER_MONTH)}, got {freq!r}")
    return _periods_of_days(_day_numbers(dates, col), freq)


def _scalar_day(ts) -> int:
    return int(_day_numbers(pd.Series([pd.Timestamp(ts)]), "observation_end")[0])


def _scalar_period(ts, freq: str) -> int:
    return int(_period_index(pd.Series([pd.Timestamp(ts)]), freq, "observation_end")[0])


def _customer_periods(orders, customer_col, date_col, amount_col, freq, start=None, end=None):
    """Aggregate transactions to (customer, period) cells.

    ``start`` (exclusive) and ``end`` (inclusive) bound the window by *date*, not by
    period: an order the day after ``end`` is outside the window even when it falls in
    ``end``'s week or month (the cut is exact at any period unit).

    Returns ``(customer_ids, cells, rows)``: ``cells = (customer_code, period)`` of every
    distinct (customer, period) with a transaction, sorted by customer then period;
    ``rows = (customer_code, period, amount)`` of the transactions in the window.
    """
    if freq not in PERIODS_PER_MONTH:
        raise ValueError(f"freq must be one of {sorted(PERIODS_PER_MONTH)}, got {freq!r}")
    days = _day_numbers(orders[date_col], date_col)
    per = _periods_of_days(days, freq)
    keep = np.ones(len(per), dtype=bool)
    if end is not None:
        keep &= days <= _scalar_day(end)
    if start is not None:
        keep &= days > _scalar_day(start)
    ids = orders[customer_col]
    if ids.isna().any():
        raise ValueError(f"column {customer_col!r} has {int(ids.isna().sum())} missing id(s)")
    codes, uniques = pd.factorize(ids, sort=False)
    amount = None
    if amount_col is not None:
        try:
            amount = orders[amount_col].to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"column {amount_col!r} is not numeric") from None
        bad = ~np.isfinite(amount)
        if bad.any():
            raise ValueError(
                f"column {amount_col!r} has {int(bad.sum())} missing/non-finite value(s)"
            )
        if (amount < 0).any():
            raise ValueError(
                f"column {amount_col!r} has {int((amount < 0).sum())} negative value(s)"
            )
    if not keep.all():
        codes, per = codes[keep], per[keep]
        amount = amount[keep] if amount is not None else None
    if amount is None:
        amount = np.zeros(len(per))
    if len(per) == 0:
        return uniques, (codes, per), (codes, per, amount)
    pmin = per.min()
    span = np.int64(per.max() - pmin + 1)
    key = codes.astype(np.int64) * span + (per - pmin)
    # distinct (customer, period) cells, sorted: a presence bitmap when it is small
    # (<= 128 MB), else one sort of the int64 key (no hashing, no argsort)
    n_cells = len(uniques) * int(span)
    if n_cells <= 2**27:
        seen = np.zeros(n_cells, dtype=bool)
        seen[key] = True
        cell = np.flatnonzero(seen)
        del seen
    else:
        sk = np.sort(key)
        cell = sk[np.r_[True, sk[1:] != sk[:-1]]]
    return uniques, (cell // span, cell % span + pmin), (codes, per, amount)


def rfm_summary(
    orders: pd.DataFrame,
    *,
    observation_end,
    freq: str = "W",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
) -> RFMSummary:
    """Frequency, recency, age and monetary value per customer (BG/NBD conventions).

    Transactions after ``observation_end`` (the day) are outside the observation window
    and are not counted, also when they fall in the same period as ``observation_end``. Transactions in the same period are one purchase occasion (amounts
    summed), exactly as ``lifetimes.utils.summary_data_from_transaction_data``.

    Parameters
    ----------
    orders : DataFrame
        One row per transaction.
    observation_end : date-like
        End of the observation window (inclusive).
    freq : {"D", "W", "M"}
        Period length: days, Monday-Sunday weeks, calendar months.
    customer_col, date_col, amount_col : str
        Column names; ``amount_col=None`` skips monetary value.

    Returns
    -------
    RFMSummary
        Its table is indexed by customer id (sorted), columns ``frequency`` (repeat
        purchase periods), ``recency`` (periods from first to last purchase), ``T``
        (periods from first purchase to ``observation_end``) and ``monetary_value`` (mean
        value of the repeat periods, 0 without repeats); ``freq`` records the period
        length.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), section 2.
    .. [2] lifetimes 0.11.3, ``utils.summary_data_from_transaction_data``.
    """
    require_columns(orders, [customer_col, date_col, amount_col], "orders")
    end = _scalar_period(observation_end, freq)
    uniques, (cust, per), (rcust, rper, ramt) = _customer_periods(
        orders, customer_col, date_col, amount_col, freq, end=observation_end
    )
    n = len(uniques)
    # cells are sorted by (customer, period): block starts/ends give first/last period
    starts = np.flatnonzero(np.r_[True, cust[1:] != cust[:-1]]) if len(cust) else cust
    ends = np.r_[starts[1:] - 1, len(cust) - 1] if len(cust) else cust
    idx = cust[starts]
    first = np.zeros(n, dtype=np.int64)
    first[idx] = per[starts]
    frequency = np.diff(np.r_[starts, len(cust)]).astype(np.float64) - 1
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (per[ends] - per[starts]).astype(np.float64),
            "T": (end - per[starts]).astype(np.float64),
        },
        index=pd.Index(np.asarray(uniques)[idx], name=customer_col),
    )
    if amount_col is not None:
        repeat = rper != first[rcust]  # every transaction outside the first period
        repeat_sum = np.bincount(rcust[repeat], weights=ramt[repeat], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value"] = np.where(frequency > 0, repeat_sum[idx] / frequency, 0.0)
    return RFMSummary(out.sort_index(), freq, pd.Timestamp(observation_end))


def calibration_holdout(
    orders: pd.DataFrame,
    *,
    calibration_end,
    observation_end,
    freq: str = "W",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str | None = "amount",
) -> CalibrationHoldout:
    """Split transactions at ``calibration_end`` into a calibration summary and holdout.

    The calibration columns (``frequency_cal``, ``recency_cal``, ``T_cal``,
    ``monetary_value_cal``) are :func:`rfm_summary` at ``calibration_end``; customers
    first seen after it are not included. The cut is by date at any ``freq``: an order
    the day after ``calibration_end`` is a holdout purchase even when it falls in the
    cut-off's week or month. The holdout columns count the purchase periods of the
    orders dated in (``calibration_end``, ``observation_end``]: ``frequency_holdout``,
    ``monetary_value_holdout`` (mean per holdout period, 0 when none) and
    ``duration_holdout`` (length of the holdout in periods).

    References
    ----------
    .. [1] lifetimes 0.11.3, ``utils.calibration_and_holdout_data``.
    """
    cal_p = _scalar_period(calibration_end, freq)
    obs_p = _scalar_period(observation_end, freq)
    if obs_p <= cal_p:
        raise ValueError(
            f"observation_end ({observation_end}) must be at least one {freq} period after "
            f"calibration_end ({calibration_end})"
        )
    cal = rfm_summary(
        orders,
        observation_end=calibration_end,
        freq=freq,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
    )
    cal = cal.frame.rename(columns=lambda c: f"{c}_cal")
    uniques, (cust, _), (rcust, _, ramt) = _customer_periods(
        orders,
        customer_col,
        date_col,
        amount_col,
        freq,
        start=calibration_end,
        end=observation_end,
    )
    n_hold = np.bincount(cust, minlength=len(uniques)).astype(np.float64)
    sum_hold = np.bincount(rcust, weights=ramt, minlength=len(uniques))
    hold = pd.DataFrame(
        {"frequency_holdout": n_hold},
        index=pd.Index(np.asarray(uniques), name=customer_col),
    )
    if amount_col is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            hold["monetary_value_holdout"] = np.where(n_hold > 0, sum_hold / n_hold, 0.0)
    out = cal.join(hold, how="left")
    out[hold.columns] = out[hold.columns].fillna(0.0)
    out["duration_holdout"] = float(obs_p - cal_p)
    return CalibrationHoldout(
        out, freq, pd.Timestamp(calibration_end), pd.Timestamp(observation_end)
    )
