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
    "value_and_at_risk",
    "AT_RISK_TOP",
    "Overview",
    "RetentionSection",
    "SurvivalSection",
    "ValueSection",
    "RiskByGroup",
    "Headline",
    "CustomerList",
    "TIER_RISK_COLUMNS",
    "tier_risk",
    "rep_names",
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
    """The valued customer base and its CLV tiers; ``risk`` splits each tier's customers
    and expected value into secure, recoverable and lapsed (:mod:`~salesmeasure.clv.risk`)."""

    value: CustomerValue
    tiers: CLVTiers
    risk: pd.DataFrame | None = None


@dataclass(frozen=True, eq=False)
class CustomerList(AtRiskList):
    """A list of customers to act on (the call list or the win-back list) and the whole
    population it is drawn from.

    ``frame`` holds the listed customers (at most :data:`AT_RISK_TOP`, highest first, with
    ``rep_name`` from the reps table); ``status`` is the risk status of the population
    (``"recoverable"`` or ``"lapsed"``), ``population`` its number of customers,
    ``population_value`` their expected value (sum of ``clv``) and ``population_past``
    their past spend (sum of ``past_value``)."""

    status: str = ""
    population: int = 0
    population_value: float = 0.0
    population_past: float = 0.0

    @property
    def listed_value(self) -> float:
        """Expected value of the listed customers."""
        return float(self.frame["clv"].sum()) if len(self.frame) else 0.0

    @property
    def listed_past(self) -> float:
        """Past spend of the listed customers."""
        return float(self.frame["past_value"].sum()) if len(self.frame) else 0.0


#: Columns of :attr:`ValueSection.risk`, one row per tier.
TIER_RISK_COLUMNS = ("customers", "clv", "secure_value", "recoverable_customers", "recoverable_value",
            "lapsed_customers", "lapsed_value")  # fmt: skip


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
    #: The same quarter a year earlier and the quarter before (None when not measured).
    retention_year_ago: float | None = None
    retention_previous: float | None = None
    #: Expected value (sum of CLV) of every customer of the report, and of the lapsed.
    total_value: float = float("nan")
    lapsed_value: float = float("nan")
    customers: int = 0
    #: The quarter the retention rate is measured in (the last complete one).
    retention_period: str = ""


def _headline(view, period, retention, value, at_risk, months) -> Headline:
    if isinstance(retention, Missing):
        raise InsufficientData(retention.reason)
    last = retention.total.iloc[-1]
    now = view.in_period("orders")
    before = view.in_period("orders", period.previous())
    kept = now[now["customer_id"].isin(before["customer_id"].unique())]
    split = risk_split(value.values) if not isinstance(value, Missing) else {}
    top = at_risk.frame.head(3) if not isinstance(at_risk, Missing) else pd.DataFrame()
    total = retention.total
    ordinal = last["period_ordinal"]

    def rate_at(k):
        row = total[total["period_ordinal"] == ordinal - k]
        return float(row["retention_rate"].iloc[0]) if len(row) else None

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
        retention_year_ago=rate_at(4),
        retention_previous=rate_at(1),
        total_value=float(value.values["clv"].sum()) if split else float("nan"),
        lapsed_value=float(split.get("lapsed_value", float("nan"))),
        customers=int(len(value.values)) if split else 0,
        retention_period=str(last["period"]),
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


def tier_risk(values: pd.DataFrame, tier: pd.Series) -> pd.DataFrame:
    """Per tier: customers, expected value and its split into secure, recoverable and
    lapsed (:data:`TIER_RISK_COLUMNS` columns); tiers in the order of ``tier``'s categories."""
    status = risk_status(values["prob_alive"])
    v = pd.DataFrame({"clv": values["clv"], "tier": tier.reindex(values.index)})
    out = pd.DataFrame(index=pd.Index(tier.cat.categories, name="tier"))
    g = v.groupby("tier", observed=False)
    out["customers"] = g.size().reindex(out.index).fillna(0).astype(int)
    out["clv"] = g["clv"].sum().reindex(out.index).fillna(0.0)
    for s in ("secure", "recoverable", "lapsed"):
        m = v[status == s].groupby("tier", observed=False)["clv"]
        out[f"{s}_value"] = m.sum().reindex(out.index).fillna(0.0)
        if s != "secure":
            out[f"{s}_customers"] = m.size().reindex(out.index).fillna(0).astype(int)
    return out[list(TIER_RISK_COLUMNS)]


def _worth(value: CustomerValue) -> ValueSection:
    tiers = clv_tiers(value.values)
    return ValueSection(value, tiers, tier_risk(value.values, tiers.tier))


def rep_names(reps) -> pd.Series:
    """Rep id -> the rep's name (from the reps table; empty without one)."""
    if not isinstance(reps, pd.DataFrame) or not {"rep_id", "name"} <= set(reps.columns):
        return pd.Series(dtype=object)
    r = reps.dropna(subset=["rep_id"]).drop_duplicates("rep_id")
    return r.set_index("rep_id")["name"]


def _listed(
    value: CustomerValue, customers, status: str, sort: str, reps=None,
    high_value_only: bool = False,
) -> CustomerList:  # fmt: skip
    """The customers of one risk status (:mod:`~salesmeasure.clv.risk`), ``sort`` highest
    first, the first :data:`AT_RISK_TOP` listed with their rep's name; with
    ``high_value_only`` only those whose past spend is in the top fifth of ALL customers
    (of the view). The population figures count every customer of the status, as
    :func:`~salesmeasure.clv.risk.risk_split` does (the headline's numbers)."""
    values = value.values
    in_status = risk_status(values["prob_alive"]) == status
    s = value.summary.frame
    past = (s["frequency"] + 1) * s["monetary_value"]
    cut = float(past.quantile(0.8)) if len(past) else 0.0
    every = at_risk_customers(
        values[in_status], value.summary, top=int(in_status.sum()), customers=customers,
        max_prob_alive=1.0, value_quantile=0.0,
    )  # fmt: skip
    listed = every.frame
    if high_value_only:
        listed = listed[listed["past_value"] >= cut]
    listed = listed.sort_values(sort, ascending=False, kind="stable").head(AT_RISK_TOP).copy()
    names = rep_names(reps)
    rep = listed["rep_id"] if "rep_id" in listed.columns else pd.Series(pd.NA, index=listed.index)
    named = rep.map(names)
    listed["rep_name"] = named.astype(object).where(named.notna(), None)
    pop = values[in_status].join(past.rename("past_value"), how="left")
    return CustomerList(
        listed, cut, every.freq, status=status, population=int(in_status.sum()),
        population_value=float(pop["clv"].sum()),
        population_past=float(pop["past_value"].sum()),
    )  # fmt: skip


def _at_risk(value: CustomerValue, customers, reps=None) -> CustomerList:
    """The call list: the recoverable customers, most expected value (what a call can
    still save) first; its population is every recoverable customer (the headline's
    recoverable value)."""
    return _listed(value, customers, "recoverable", "clv", reps)


def _winback(value: CustomerValue, customers, reps=None) -> CustomerList:
    """The win-back list: high-value customers (past spend in the top fifth) who have
    probably lapsed already, most past spend first."""
    return _listed(value, customers, "lapsed", "past_value", reps, high_value_only=True)


def _risk(value: CustomerValue, customers, by) -> RiskByGroup:
    groups = customers.drop_duplicates("customer_id").set_index("customer_id")[[by]]
    v = value.values.assign(risk=risk_status(value.values["prob_alive"]))
    v["recoverable_value"] = v["clv"].where(v["risk"] == "recoverable", 0.0)
    v["recoverable_customers"] = (v["risk"] == "recoverable").astype(int)
    v["lapsed_customers"] = (v["risk"] == "lapsed").astype(int)
    v["secure_value"] = v["clv"].where(v["risk"] == "secure", 0.0)
    v["lapsed_value"] = v["clv"].where(v["risk"] == "lapsed", 0.0)
    v["customers"] = 1
    cols = ["customers", "clv", "recoverable_customers", "recoverable_value",
            "lapsed_customers", "value_at_risk", "secure_value", "lapsed_value"]  # fmt: skip
    joined = v.join(groups)
    joined[by] = joined[by].astype(object).where(joined[by].notna(), MISSING_GROUP)
    table = joined.groupby(by)[cols].sum()
    return RiskByGroup(table, by, value.total_clv, value.total_value_at_risk)


def value_and_at_risk(
    ctx,
    *,
    clv_months: int = DEFAULT_MONTHS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    margin: float = DEFAULT_MARGIN,
    holdout_weeks: int = 0,
) -> tuple[CustomerValue | Missing, CustomerList | Missing]:
    """``(value, at_risk)``: the report's customer values and call list, exactly as
    :func:`build` computes them (the company's models sliced to the region, at the same
    valuation date), without the report's other sections (the executive summary's first
    screen needs these two only)."""
    view, p = ctx.view, ctx.period
    end = p.end if view.as_of is None else min(p.end, pd.Timestamp(view.as_of))
    value = attempt(
        books.region_value, ctx.data, ctx.region, end,
        months=clv_months, discount_rate=discount_rate, margin=margin, holdout_weeks=holdout_weeks,
    )  # fmt: skip
    return value, attempt(_at_risk, value, view.customers, getattr(ctx.data, "reps", None))


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
    by = "region" if ctx.region == "all" else "segment"
    in_period = view.in_period("orders")
    overview = Overview(
        p, ctx.region, ctx.data.as_of, len(in_period), float(in_period["amount"].sum())
    )
    # the company's models, fitted once on every customer; a region sees its customers,
    # valued at the period end (or the data's end while the period is running)
    value, at_risk = value_and_at_risk(
        ctx, clv_months=clv_months, discount_rate=discount_rate, margin=margin,
        holdout_weeks=holdout_weeks,
    )  # fmt: skip
    retention = attempt(_retention, orders, customers, p.end, by)
    reps = getattr(ctx.data, "reps", None)
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
        winback=attempt(_winback, value, customers, reps),
        headline=attempt(_headline, view, p, retention, value, at_risk, clv_months),
        by=by,
        months=clv_months,
        discount_rate=discount_rate,
        margin=margin,
    )
