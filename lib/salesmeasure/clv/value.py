"""The value of a customer base: discounted expected value per customer (CLV), value at
risk, CLV tiers and the call list of high-value customers at risk.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value
   curves for customer base analysis. Journal of Marketing Research 42(4), 415-430.
.. [2] Davidson-Pilon, C. (2015-2020). lifetimes 0.11.3 (``utils.customer_lifetime_value``).
   MIT licence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.clv.models.base import _check_rft, _compress, _PurchaseModel
from salesmeasure.clv.models.gamma_gamma import GammaGamma
from salesmeasure.clv.rfm import PERIODS_PER_MONTH, RFMSummary
from salesmeasure.results import FrameResult

__all__ = [
    "TIERS",
    "AtRiskList",
    "CLVTiers",
    "at_risk_customers",
    "clv_tiers",
    "customer_value",
]


def customer_value(
    purchase_model: _PurchaseModel,
    spend_model: GammaGamma,
    summary: RFMSummary | pd.DataFrame,
    *,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    periods_per_month: float | None = None,
    expected_spend=None,
) -> pd.DataFrame:
    """Discounted expected value of each customer over the next ``months``.

    ``CLV = margin * E[spend] * sum_{i=1..months} (E[X(i)] - E[X(i-1)]) / (1 + d)^i``,
    where ``E[X(i)]`` is the purchase model's expected number of purchases in the next
    ``i`` months given the customer's history, and ``d`` the monthly discount rate.

    Parameters
    ----------
    purchase_model : BetaGeo or ParetoNBD (fitted)
    spend_model : GammaGamma (fitted)
    summary : RFMSummary or DataFrame
        Output of :func:`~salesmeasure.clv.rfm.rfm_summary` (``frequency``, ``recency``,
        ``T``, ``monetary_value``) on the time scale the models were fitted on; a plain
        DataFrame needs ``periods_per_month``.
    months : int
        Horizon.
    discount_rate : float
        Monthly discount rate (0.01 = 1 % a month).
    margin : float
        Share of revenue that is profit (1.0 = value in revenue terms).
    periods_per_month : float, optional
        Periods of the summary's time unit in a month; by default from
        ``summary.freq`` (weeks: 4.348).
    expected_spend : array-like, optional
        Each customer's expected spend per purchase (in the order of ``summary``), when it
        comes from more than one spend model (one per segment); default
        ``spend_model.expected_spend``.

    Returns
    -------
    DataFrame
        Same index as ``summary``: ``prob_alive``, ``expected_purchases`` (over the
        horizon), ``expected_spend`` (per purchase), ``clv`` and ``value_at_risk``
        (what the customer would be worth if certainly still active, minus ``clv``:
        the value lost if they have left).

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), JMR 42(4), 415-430 (discounted expected
       residual transactions).
    .. [2] lifetimes 0.11.3, ``utils._customer_lifetime_value`` (the same monthly
       discounting).
    """
    freq = getattr(summary, "freq", None)
    if isinstance(summary, RFMSummary):
        summary = summary.frame
    require_columns(summary, ["frequency", "recency", "T", "monetary_value"], "summary")
    if not (isinstance(months, int | np.integer) and months >= 1):
        raise ValueError(f"months must be a positive whole number, got {months!r}")
    if not (0 <= discount_rate < 1):
        raise ValueError(f"discount_rate is monthly and must be in [0, 1), got {discount_rate}")
    if not (0 < margin <= 1):
        raise ValueError(f"margin must be in (0, 1], got {margin}")
    if periods_per_month is None:
        if freq not in PERIODS_PER_MONTH:
            raise ValueError(
                "summary is a plain table without its period length: pass an RFMSummary "
                "or periods_per_month explicitly"
            )
        periods_per_month = PERIODS_PER_MONTH[freq]
    f, r, T = summary["frequency"], summary["recency"], summary["T"]
    ts = np.arange(0, months + 1) * periods_per_month
    disc = (1.0 + discount_rate) ** -np.arange(1, months + 1)
    # work on the distinct (frequency, recency, T) patterns, expand at the end
    p = purchase_model._p()
    x, tx, TT = _check_rft(f, r, T)
    ux, utx, uT, _, inv = _compress(x, tx, TT)
    with np.errstate(all="ignore"):
        cum = np.column_stack([purchase_model._cond_exp(p, float(t), ux, utx, uT) for t in ts])
        alive_u = purchase_model._prob_alive(p, ux, utx, uT)
    disc_purchases = (np.diff(cum, axis=1) * disc).sum(axis=1)[inv]
    expected = cum[:, -1][inv]
    alive = alive_u[inv]
    del cum
    if expected_spend is None:
        spend = spend_model.expected_spend(f, summary["monetary_value"])
    else:
        spend = np.asarray(expected_spend, dtype=float)
        if spend.shape != (len(summary),):
            raise ValueError("expected_spend must have one value per customer of summary")
    value = margin * spend * disc_purchases
    with np.errstate(divide="ignore", invalid="ignore"):
        at_risk = np.where(alive > 1e-12, value * (1 - alive) / alive, 0.0)
    out = pd.DataFrame(
        {
            "prob_alive": alive,
            "expected_purchases": expected,
            "expected_spend": spend,
            "clv": value,
            "value_at_risk": at_risk,
        },
        index=summary.index,
    )
    return out


@dataclass(frozen=True, eq=False)
class AtRiskList(FrameResult):
    """High-value customers most at risk of having left (reads like its table).

    Attributes
    ----------
    frame : DataFrame
        One row per listed customer, highest value at risk first: the summary columns,
        the value columns, ``past_value``, ``periods_since_last`` and any customer
        master data joined on.
    value_cut : float
        The past value at or above which a customer counts as high-value.
    freq : str or None
        Time unit of ``periods_since_last`` (from the summary).
    """

    frame: pd.DataFrame
    value_cut: float
    freq: str | None = None


def at_risk_customers(
    values: pd.DataFrame,
    summary: RFMSummary | pd.DataFrame,
    *,
    top: int = 20,
    value_quantile: float = 0.8,
    max_prob_alive: float = 0.5,
    customers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """High-value customers most at risk of having left, for account managers.

    "High value" = historical value (``(frequency + 1) * monetary_value``, an estimate of
    past revenue per the summary's conventions) at or above the ``value_quantile`` of all
    customers; "at risk" = probability alive at most ``max_prob_alive``. Ranked by
    ``value_at_risk`` (value lost if they have left).

    Parameters
    ----------
    values : DataFrame from :func:`customer_value`
    summary : RFMSummary from :func:`~salesmeasure.clv.rfm.rfm_summary` (same index)
    customers : DataFrame, optional
        Customer master data (``customer_id`` plus e.g. ``name``, ``region``,
        ``segment``, ``rep_id``) joined on for the account manager.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), P(alive), eq. (13).
    """
    if not (0 <= value_quantile < 1):
        raise ValueError(f"value_quantile must be in [0, 1), got {value_quantile}")
    freq = getattr(summary, "freq", None)
    if isinstance(summary, RFMSummary):
        summary = summary.frame
    require_columns(values, ["prob_alive", "clv", "value_at_risk"], "values")
    require_columns(summary, ["frequency", "recency", "T", "monetary_value"], "summary")
    df = summary[["frequency", "recency", "T", "monetary_value"]].join(values, how="inner")
    df["past_value"] = (df["frequency"] + 1) * df["monetary_value"]
    df["periods_since_last"] = df["T"] - df["recency"]
    cut = df["past_value"].quantile(value_quantile)
    sel = df[
        (df["past_value"] >= cut) & (df["past_value"] > 0) & (df["prob_alive"] <= max_prob_alive)
    ]
    sel = sel.sort_values("value_at_risk", ascending=False).head(top)
    if customers is not None:
        key = sel.index.name or "customer_id"
        if key not in customers.columns:
            raise ValueError(f"customers has no column {key!r} to join on")
        extra = customers.drop_duplicates(key).set_index(key)
        sel = sel.join(extra, how="left")
    return AtRiskList(sel, float(cut), freq)


#: Default CLV tiers: name -> share of customers, highest value first.
TIERS = {"Platinum": 0.10, "Gold": 0.20, "Silver": 0.30, "Bronze": 0.40}


@dataclass(frozen=True, eq=False)
class CLVTiers(FrameResult):
    """Customers ranked by CLV into tiers (reads like its per-tier table).

    Attributes
    ----------
    frame : DataFrame
        One row per tier, best first: ``customers``, ``clv`` (total), ``clv_share``,
        ``mean_clv``, ``min_clv``, ``mean_prob_alive`` and ``value_at_risk`` (total).
    tier : Series
        Each customer's tier (categorical, on the index of the values).
    """

    frame: pd.DataFrame
    tier: pd.Series


def clv_tiers(values: pd.DataFrame, *, tiers: dict[str, float] | None = None) -> CLVTiers:
    """Rank customers by CLV into tiers and summarise each tier.

    Parameters
    ----------
    values : DataFrame from :func:`customer_value`
    tiers : dict, optional
        Tier name -> share of customers, best first (default 10/20/30/40 %).

    Returns
    -------
    CLVTiers
        The per-tier table and each customer's tier.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), JMR 42(4), 415-430 (customer-base valuation by
       CLV segment).
    """
    require_columns(values, ["clv", "prob_alive", "value_at_risk"], "values")
    tiers = dict(TIERS if tiers is None else tiers)
    shares = np.array(list(tiers.values()), dtype=float)
    if (shares <= 0).any() or not np.isclose(shares.sum(), 1.0):
        raise ValueError(f"tier shares must be positive and add up to 1, got {tiers}")
    n = len(values)
    if n == 0:
        raise ValueError("values is empty: no customers to tier")
    rank = values["clv"].rank(method="first", ascending=False).to_numpy() - 1  # 0 = best
    bounds = np.round(np.cumsum(shares) * n)
    code = np.searchsorted(bounds, rank, side="right")
    names = list(tiers)
    tier = pd.Series(pd.Categorical.from_codes(code, names), index=values.index, name="tier")
    g = values.assign(tier=tier).groupby("tier", observed=False)
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "clv": g["clv"].sum(),
            "mean_clv": g["clv"].mean(),
            "min_clv": g["clv"].min(),
            "mean_prob_alive": g["prob_alive"].mean(),
            "value_at_risk": g["value_at_risk"].sum(),
        }
    )
    total = out["clv"].sum()
    out.insert(2, "clv_share", out["clv"] / total if total > 0 else np.nan)
    return CLVTiers(out, tier)
