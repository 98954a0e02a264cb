"""Every section of the retention and CLV report (notebook 03), computed in one call.

:func:`build` computes each section with :func:`~salesmeasure.errors.attempt`, so a
section whose data is too thin holds a :class:`~salesmeasure.errors.Missing` with the
reason in words and the rest of the report still computes. Numbers and result objects
only: :mod:`salesmeasure.clv.text` words them, :mod:`salesmeasure.plots.clv` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from salesmeasure import books
from salesmeasure.clv.pipeline import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_MARGIN,
    DEFAULT_MONTHS,
    CustomerValue,
)
from salesmeasure.clv.risk import risk_split, risk_status
from salesmeasure.clv.validation import HoldoutComparison
from salesmeasure.clv.value import AtRiskList, CLVTiers, at_risk_customers, clv_tiers
from salesmeasure.errors import InsufficientData, Missing, attempt
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.retention import (
    MISSING_GROUP,
    CohortMatrix,
    SurvivalCurves,
    cohort_matrix,
    lapse_events,
    retention_rate,
    survival_curves,
)
from salesmeasure.survey.scores import latest_nps_group

__all__ = [
    "LAPSE_DAYS",
    "AT_RISK_TOP",
    "Overview",
    "RetentionSection",
    "SurvivalSection",
    "ValueSection",
    "RiskByGroup",
    "Headline",
    "RetentionCLVReport",
    "build",
]

#: Days without an order after which a customer counts as lapsed.
LAPSE_DAYS = 180
#: Length of the at-risk call list.
AT_RISK_TOP = 20


@dataclass(frozen=True)
class Overview:
    """The report's scope and the period's orders."""

    period: Period
    region: str
    as_of: pd.Timestamp | None
    orders: int
    revenue: float


@dataclass(frozen=True, eq=False)
class RetentionSection:
    """Quarterly retention: per group (``by``), overall, and the latest quarter by region
    and segment (``cells``: rows of :func:`~salesmeasure.retention.retention_rate`)."""

    rates: pd.DataFrame
    total: pd.DataFrame
    cells: pd.DataFrame
    by: str


@dataclass(frozen=True, eq=False)
class SurvivalSection:
    """Time to lapse: the events, curves by latest NPS group and by segment."""

    lapses: pd.DataFrame
    by_nps: SurvivalCurves
    by_segment: SurvivalCurves
    lapse_days: int


@dataclass(frozen=True, eq=False)
class ValueSection:
    """The valued customer base and its CLV tiers."""

    value: CustomerValue
    tiers: CLVTiers


@dataclass(frozen=True, eq=False)
class RiskByGroup:
    """Expected value (``clv``) and ``value_at_risk`` summed per ``by`` group."""

    table: pd.DataFrame
    by: str
    total_clv: float
    total_value_at_risk: float


@dataclass(frozen=True, eq=False)
class RetentionCLVReport:
    """Every section of notebook 03; a section without data holds a ``Missing``."""

    overview: Overview
    cohorts: CohortMatrix | Missing
    retention: RetentionSection | Missing
    survival: SurvivalSection | Missing
    value: CustomerValue | Missing
    holdout: HoldoutComparison | Missing
    worth: ValueSection | Missing
    at_risk: AtRiskList | Missing
    risk: RiskByGroup | Missing
    by: str
    months: int
    discount_rate: float
    margin: float
    #: High-value customers who have probably lapsed: the win-back list.
    winback: AtRiskList | Missing | None = None
    #: The report's opening KPIs, before any model (issue 19).
    headline: Headline | Missing | None = None


@dataclass(frozen=True, eq=False)
class Headline:
    """What the retention report opens with: the leading retention rate, the revenue of
    retained customers, the recoverable value and the first accounts to call."""

    retention_rate: float
    retained: int
    active_previous: int
    revenue: float
    revenue_retained: float
    recoverable_customers: int
    recoverable_value: float
    lapsed_customers: int
    months: int
    top: pd.DataFrame


def _headline(view, period, retention, value, at_risk, months) -> Headline:
    if isinstance(retention, Missing):
        raise InsufficientData(retention.reason)
    last = retention.total.iloc[-1]
    now = view.in_period("orders")
    before = view.in_period("orders", period.previous())
    kept = now[now["customer_id"].isin(before["customer_id"].unique())]
    split = risk_split(value.values) if not isinstance(value, Missing) else {}
    top = at_risk.frame.head(3) if not isinstance(at_risk, Missing) else pd.DataFrame()
    return Headline(
        retention_rate=float(last["retention_rate"]),
        retained=int(last["retained"]) if "retained" in last else 0,
        active_previous=int(last["active_previous"]),
        revenue=float(now["amount"].sum()),
        revenue_retained=float(kept["amount"].sum()),
        recoverable_customers=int(split.get("recoverable_customers", 0)),
        recoverable_value=float(split.get("recoverable_value", float("nan"))),
        lapsed_customers=int(split.get("lapsed_customers", 0)),
        months=months,
        top=top,
    )


def _retention(orders, customers, end, by) -> RetentionSection:
    rates = retention_rate(orders, customers, freq="Q", by=by, observation_end=end)
    total = retention_rate(orders, customers, freq="Q", observation_end=end)
    cells = retention_rate(
        orders, customers, freq="Q", by=["region", "segment"], observation_end=end
    )
    if len(total) == 0:
        raise InsufficientData(_("Not enough complete quarters to measure retention."))
    cells = cells[cells["period_ordinal"] == cells["period_ordinal"].max()]
    return RetentionSection(rates, total, cells, by)


def _survival(orders, customers, surveys, end) -> SurvivalSection:
    lapses = lapse_events(orders, lapse_days=LAPSE_DAYS, observation_end=end)
    groups = latest_nps_group(surveys, end)
    by_nps = survival_curves(lapses, group=groups.astype(object))
    segment = customers.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    by_segment = survival_curves(lapses, group=segment)
    return SurvivalSection(lapses, by_nps, by_segment, LAPSE_DAYS)


def _holdout(value: CustomerValue) -> HoldoutComparison:
    if isinstance(value.comparison, Missing):
        raise InsufficientData(value.comparison.reason)
    return value.comparison


def _worth(value: CustomerValue) -> ValueSection:
    return ValueSection(value, clv_tiers(value.values))


def _listed(value: CustomerValue, customers, status: str, sort: str) -> AtRiskList:
    """High-value customers (past value in the top fifth of ALL customers) of one risk
    status (:mod:`~salesmeasure.clv.risk`), ``sort`` highest first."""
    every = at_risk_customers(
        value.values, value.summary, top=len(value.values), customers=customers,
        max_prob_alive=1.0,
    )  # fmt: skip
    frame = every.frame
    frame = frame[risk_status(frame["prob_alive"]) == status]
    frame = frame.sort_values(sort, ascending=False, kind="stable").head(AT_RISK_TOP)
    return AtRiskList(frame, every.value_cut, every.freq)


def _at_risk(value: CustomerValue, customers) -> AtRiskList:
    """The call list: high-value customers who are still recoverable, most expected value
    (what a call protects) first."""
    return _listed(value, customers, "recoverable", "clv")


def _winback(value: CustomerValue, customers) -> AtRiskList:
    """The win-back list: high-value customers who have probably lapsed already, most
    past spend first."""
    return _listed(value, customers, "lapsed", "past_value")


def _risk(value: CustomerValue, customers, by) -> RiskByGroup:
    groups = customers.drop_duplicates("customer_id").set_index("customer_id")[[by]]
    v = value.values.assign(risk=risk_status(value.values["prob_alive"]))
    v["recoverable_value"] = v["clv"].where(v["risk"] == "recoverable", 0.0)
    v["recoverable_customers"] = (v["risk"] == "recoverable").astype(int)
    v["lapsed_customers"] = (v["risk"] == "lapsed").astype(int)
    v["customers"] = 1
    cols = ["customers", "clv", "recoverable_customers", "recoverable_value",
            "lapsed_customers", "value_at_risk"]  # fmt: skip
    joined = v.join(groups)
    joined[by] = joined[by].astype(object).where(joined[by].notna(), MISSING_GROUP)
    table = joined.groupby(by)[cols].sum()
    return RiskByGroup(table, by, value.total_clv, value.total_value_at_risk)


def build(
    ctx,
    *,
    clv_months: int = DEFAULT_MONTHS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    margin: float = DEFAULT_MARGIN,
    holdout_weeks: int = 0,
) -> RetentionCLVReport:
    """Compute every section of the retention and CLV report.

    Parameters
    ----------
    ctx : ReportContext
        From :func:`salesmeasure.report.prepare` (``view``, ``period``, ``region``).
    clv_months, discount_rate, margin
        CLV horizon, monthly discount rate and margin, passed to
        :func:`~salesmeasure.clv.pipeline.value_base` (as the executive summary does).
    holdout_weeks : int
        Weeks held out to choose the purchase model; 0: 26 weeks or a third of the
        history, whichever is shorter (:func:`~salesmeasure.clv.pipeline.default_holdout_weeks`).

    Returns
    -------
    RetentionCLVReport
    """
    view, p = ctx.view, ctx.period
    orders, customers = view.orders, view.customers
    # the valuation date: the period end, or the data's end while the period is running
    end = p.end if view.as_of is None else min(p.end, pd.Timestamp(view.as_of))
    by = "region" if ctx.region == "all" else "segment"
    in_period = view.in_period("orders")
    overview = Overview(
        p, ctx.region, ctx.data.as_of, len(in_period), float(in_period["amount"].sum())
    )
    # the company's models, fitted once on every customer; a region sees its customers
    value = attempt(
        books.region_value, ctx.data, ctx.region, end,
        months=clv_months, discount_rate=discount_rate, margin=margin, holdout_weeks=holdout_weeks,
    )  # fmt: skip
    retention = attempt(_retention, orders, customers, p.end, by)
    at_risk = attempt(_at_risk, value, customers)
    return RetentionCLVReport(
        overview=overview,
        cohorts=attempt(cohort_matrix, orders, customers, freq="Q", observation_end=p.end),
        retention=retention,
        survival=attempt(_survival, orders, customers, view.surveys, p.end),
        value=value,
        holdout=attempt(_holdout, value),
        worth=attempt(_worth, value),
        at_risk=at_risk,
        # by region: a region's report shows its own row of the company's table
        risk=attempt(_risk, value, customers, "region"),
        winback=attempt(_winback, value, customers),
        headline=attempt(_headline, view, p, retention, value, at_risk, clv_months),
        by=by,
        months=clv_months,
        discount_rate=discount_rate,
        margin=margin,
    )
