"""Satisfaction and loyalty: repeat purchase by NPS group -- the one definition the
survey report and the executive summary both show."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st

from salesmeasure.checks import require_columns
from salesmeasure.stats import MIN_N, Estimate, proportion
from salesmeasure.survey.compare import newcombe_difference
from salesmeasure.survey.scores import NPS_GROUPS, _check_confidence, latest_answers, nps_group

__all__ = ["RETENTION_WINDOW_DAYS", "RetentionByNPS", "retention_by_nps"]

#: Follow-up window after a survey in which a repeat order counts (days).
RETENTION_WINDOW_DAYS = 180


@dataclass(frozen=True)
class RetentionByNPS:
    """Result of :func:`retention_by_nps`.

    Attributes
    ----------
    table : DataFrame indexed by NPS group: ``customers``, ``retained``, ``rate`` with a
        Wilson interval (``ci_low``/``ci_high``) and ``suppressed``.
    difference : promoter minus detractor retention rate (Newcombe interval).
    p_value : chi-square test of independence of NPS group and retention.
    window_days : follow-up window after the survey.
    n_incomplete : customers none of whose follow-up windows had ended by ``as_of``
        (left out, not counted as lost).
    """

    table: pd.DataFrame
    difference: Estimate
    p_value: float
    window_days: int
    n_incomplete: int


def retention_by_nps(
    surveys: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    as_of,
    window_days: int = RETENTION_WINDOW_DAYS,
    confidence: float = 0.95,
    min_n: int = MIN_N,
) -> RetentionByNPS:
    """Repeat-purchase rate by NPS group: the share of surveyed customers who ordered
    again within ``window_days`` (180) after their survey.

    This is THE figure "repeat purchase by NPS group": the survey report
    (:func:`salesmeasure.survey.build.build`) and the executive summary both call it the
    same way, on the report's view (rows up to the period end) with ``as_of`` the period
    end (or the data's as-of date when that is earlier)::

        retention_by_nps(view.surveys, view.orders, as_of=end, confidence=confidence)

    so a report for a past period does not change as later orders arrive.

    Each customer counts once, in the NPS group of their latest answered response whose
    window has ended by ``as_of`` (:func:`salesmeasure.survey.scores.latest_nps_group`
    with ``end = as_of - window_days``). Customers with no such response are left out
    (``n_incomplete``) rather than counted as lost. Rates have Wilson intervals; the
    promoter-detractor difference has Newcombe's interval; independence of group and
    retention is tested with Pearson's chi-square.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. HBR 81(12), 46-54.
    Keiningham, T. L., Cooil, B., Andreassen, T. W., & Aksoy, L. (2007). A longitudinal
    examination of net promoter and firm revenue growth. Journal of Marketing 71(3),
    39-51.
    Wilson (1927); Newcombe (1998) -- see :func:`salesmeasure.survey.scores.csat` and
    :func:`salesmeasure.survey.compare.newcombe_difference`.
    """
    _check_confidence(confidence)
    require_columns(surveys, ["customer_id", "survey_date", "nps"], "retention_by_nps")
    require_columns(orders, ["customer_id", "order_date"], "retention_by_nps")
    if window_days <= 0:
        raise ValueError(f"window_days must be positive, got {window_days}")
    as_of = pd.Timestamp(as_of)
    # a response's window has ended by as_of when it was given window_days before it
    cutoff = as_of - pd.Timedelta(days=window_days)
    s = latest_answers(surveys, cutoff)[["customer_id", "survey_date", "nps"]].copy()
    s["group"] = nps_group(s["nps"])
    s["window_end"] = s["survey_date"] + pd.Timedelta(days=window_days)
    answered = surveys[surveys["nps"].notna()]
    waiting = answered.loc[answered["survey_date"] > cutoff, "customer_id"].drop_duplicates()
    n_incomplete = int((~waiting.isin(s["customer_id"])).sum())
    o = orders[["customer_id", "order_date"]].merge(
        s[["customer_id", "survey_date", "window_end"]], on="customer_id"
    )
    hit = (o["order_date"] > o["survey_date"]) & (o["order_date"] <= o["window_end"])
    retained_ids = pd.Index(o.loc[hit, "customer_id"].unique())
    s["retained"] = s["customer_id"].isin(retained_ids)
    rows = {}
    for g in NPS_GROUPS:
        part = s[s["group"] == g]
        e = proportion(int(part["retained"].sum()), len(part), confidence=confidence)
        rows[g] = {
            "customers": len(part),
            "retained": int(part["retained"].sum()),
            "rate": e.value,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "suppressed": len(part) < min_n,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "group"
    kp, npro = int(table.loc["promoter", "retained"]), int(table.loc["promoter", "customers"])
    kd, ndet = int(table.loc["detractor", "retained"]), int(table.loc["detractor", "customers"])
    if npro and ndet:
        d, lo, hi = newcombe_difference(kp, npro, kd, ndet, confidence=confidence)
        diff = Estimate(d, lo, hi, npro + ndet, "newcombe", confidence)
    else:
        diff = Estimate(math.nan, math.nan, math.nan, npro + ndet, "newcombe", confidence)
    ct = np.array([table["retained"], table["customers"] - table["retained"]], dtype=float)
    ct = ct[:, table["customers"].to_numpy() > 0]
    if ct.shape[1] >= 2 and (ct.sum(axis=1) > 0).all():
        p = float(_st.chi2_contingency(ct, correction=False).pvalue)
    else:
        p = math.nan
    return RetentionByNPS(table, diff, p, int(window_days), n_incomplete)
