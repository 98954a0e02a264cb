"""Satisfaction -> retention -> value -> next period's target, for one period and region.

Every figure here is the detailed reports' own: repeat purchase by NPS group is
:func:`salesmeasure.survey.loyalty.retention_by_nps` called exactly as the survey report
calls it (:func:`repeat_purchase`), each customer's NPS group is
:func:`salesmeasure.survey.scores.latest_nps_group`, and customer value is the CLV
pipeline's with the retention and CLV report's settings, fitted once on every customer of
the company and sliced to the view (:func:`salesmeasure.books.region_value`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from salesmeasure import books
from salesmeasure import format as fmt
from salesmeasure.absent import absent_sentence, has_table
from salesmeasure.clv.risk import risk_split
from salesmeasure.data import Dataset
from salesmeasure.errors import InsufficientData, Missing
from salesmeasure.i18n import _
from salesmeasure.kpi.value import CLV_MONTHS, DISCOUNT_RATE, MARGIN
from salesmeasure.periods import Period
from salesmeasure.stats import Estimate, mean_t
from salesmeasure.survey.build import retention_end
from salesmeasure.survey.loyalty import RetentionByNPS, retention_by_nps
from salesmeasure.survey.scores import NPS_GROUPS, latest_nps_group
from salesmeasure.targets.forecast import baseline_forecast
from salesmeasure.targets.inputs import monthly_revenue

__all__ = ["Chain", "chain", "latest_nps_group", "repeat_purchase"]


@dataclass(frozen=True)
class Chain:
    """Satisfaction -> retention -> value -> next period's target, for one view.

    Attributes
    ----------
    by_nps : DataFrame
        Per NPS group (promoter, passive, detractor): ``customers``, repeat-purchase
        ``retention`` with ``retention_low/high`` and ``suppressed`` (from
        :func:`repeat_purchase`), average CLV ``clv`` with ``clv_low/high`` (t interval)
        and average ``prob_alive`` (each customer's latest answer up to the period end).
    retention_gap : Estimate
        Promoter minus detractor repeat-purchase rate (Newcombe interval).
    window_days : int
        The repeat-purchase window.
    at_risk : dict
        ``value_at_risk`` (value lost if customers who have probably left are gone),
        ``detractor_clv`` (value held by detractors), ``total_clv``,
        ``customers_unlikely_alive`` (P(alive) < 0.5), ``customers``; empty when the value
        model could not be fitted (``value_missing`` says why).
    next_period : dict
        ``period``, ``forecast`` (baseline mean of next period's revenue),
        ``detractor_share`` (share of the customers' expected value that comes from
        detractors), ``detractor_revenue`` and ``at_risk_share``.
    clv_months : int
        The CLV horizon of ``clv`` and ``at_risk``.
    value_missing : Missing or None
        Why there is no customer value, when there is none.
    """

    by_nps: pd.DataFrame
    retention_gap: Estimate
    at_risk: dict
    next_period: dict
    window_days: int = 180
    clv_months: int = CLV_MONTHS
    value_missing: Missing | None = None


def repeat_purchase(
    dataset: Dataset, period: Period, region: str, *, confidence: float = 0.95
) -> RetentionByNPS:
    """Repeat purchase by NPS group, as the survey report computes it.

    :func:`salesmeasure.survey.loyalty.retention_by_nps` on the view's answers and orders
    up to the period end (or the data's as-of date when earlier): each customer's latest
    answer whose follow-up window has ended, retained when they ordered again within it.
    """
    view = dataset.slice(period, region)
    end = retention_end(period.end, dataset.as_of)
    return retention_by_nps(view.surveys, view.orders, as_of=end, confidence=confidence)


def chain(
    dataset: Dataset,
    period: str | Period,
    region: str = "all",
    *,
    confidence: float = 0.95,
    value_model=None,
    clv_months: int = CLV_MONTHS,
    discount_rate: float = DISCOUNT_RATE,
    margin: float = MARGIN,
    holdout_weeks: int = 0,
) -> Chain:
    """How satisfaction carries through to retention, value and next period's target.

    Raises
    ------
    InsufficientData
        No customer in the view has answered the NPS question.
    """
    p = Period.parse(period, fiscal_start_month=dataset.fiscal_start_month)
    if not has_table(dataset, "surveys"):  # absent, not "nobody answered"
        raise InsufficientData(
            absent_sentence("surveys")
            + " "
            + _("Without it, satisfaction cannot be linked to retention and value.")
        )
    region = dataset.resolve_region(region)
    view = dataset.slice(p, region)
    end = min(p.end, view.as_of) if view.as_of is not None else p.end
    ret = repeat_purchase(dataset, p, region, confidence=confidence)
    groups = latest_nps_group(view.surveys, end)
    if groups.empty or ret.table.empty:
        raise InsufficientData(
            _(
                "No customer in this view has answered the NPS question by {date}, so "
                "satisfaction cannot be linked to retention and value."
            ).format(date=fmt.date(end))
        )
    vm, value_missing = value_model, None
    if vm is None:
        try:
            # the company's models, fitted once on every customer, sliced to the view
            vm = books.region_value(
                dataset, region, end, months=clv_months, discount_rate=discount_rate,
                margin=margin, holdout_weeks=holdout_weeks,
            )  # fmt: skip
        except InsufficientData as exc:
            vm, value_missing = None, Missing(str(exc))
    rows = []
    t = ret.table
    for g in NPS_GROUPS:
        row: dict = {"group": g}
        if g in t.index:
            row.update(
                customers=int(t.loc[g, "customers"]),
                retention=float(t.loc[g, "rate"]),
                retention_low=float(t.loc[g, "ci_low"]),
                retention_high=float(t.loc[g, "ci_high"]),
                suppressed=bool(t.loc[g, "suppressed"]),
            )
        ids = groups.index[groups == g]
        if vm is not None:
            vals = vm.values.reindex(ids)["clv"].dropna()
            e = mean_t(vals.to_numpy(float), confidence=confidence)
            row.update(
                clv=e.value, clv_low=e.ci_low, clv_high=e.ci_high, clv_n=e.n,
                prob_alive=float(vm.values.reindex(ids)["prob_alive"].mean()),
            )  # fmt: skip
        rows.append(row)
    by_nps = pd.DataFrame(rows).set_index("group")

    at_risk: dict = {}
    nxt: dict = {"period": p.next().label}
    if vm is not None:
        v = vm.values
        det_ids = groups.index[groups == "detractor"]
        total = float(v["clv"].sum())
        at_risk = {
            "value_at_risk": float(v["value_at_risk"].sum()),
            "detractor_clv": float(v.reindex(det_ids)["clv"].sum()),
            "total_clv": total,
            "customers_unlikely_alive": int((v["prob_alive"] < 0.5).sum()),
            "customers": len(v),
            **risk_split(v),
        }
        # next period: baseline forecast x shares of customer value
        months = len(p.next().months())
        hist = monthly_revenue(view.orders, end=p.end.to_period("M"))
        try:
            fc = baseline_forecast(hist, months, seed=0, repetitions=500)
            forecast = float(fc.total_mean)
        except ValueError:  # too little history: reported as n/a
            forecast = math.nan
        det_share = at_risk["detractor_clv"] / total if total > 0 else math.nan
        risk_share = (
            at_risk["value_at_risk"] / (total + at_risk["value_at_risk"]) if total > 0 else math.nan
        )
        nxt.update(
            forecast=forecast,
            detractor_share=det_share,
            detractor_revenue=forecast * det_share,
            at_risk_share=risk_share,
        )
    return Chain(
        by_nps,
        ret.difference,
        at_risk,
        nxt,
        window_days=int(getattr(ret, "window_days", 180)),
        clv_months=clv_months,
        value_missing=value_missing,
    )
