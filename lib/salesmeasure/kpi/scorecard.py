"""The executive scorecard: every KPI of a period and region as numbers.

:func:`scorecard` gives one row per KPI for a period and region: its value with an
interval where it has one, the change against the previous period and against the same
period a year earlier, whether each change is statistically significant, and a status
against target or threshold. Every number comes from the detailed modules
(:mod:`~salesmeasure.targets`, :mod:`~salesmeasure.survey`, :mod:`~salesmeasure.clv`);
this module only assembles them, so the summary and the detailed reports cannot
disagree.

Significance of changes:

* NPS and CSAT: :func:`salesmeasure.survey.compare_periods` (the survey report's own
  test, Holm-corrected across NPS, CSAT and CES);
* retention rate: pooled two-proportion z test (statsmodels ``proportions_ztest``);
* complaint rate: exact conditional test of two Poisson rates (statsmodels
  ``test_poisson_2indep``, ``method="exact-cond"``);
* revenue, customer counts and CLV are not sampled quantities (a census of the period,
  or a model prediction), so no test is made and the change is shown as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.rates import test_poisson_2indep

from salesmeasure import books
from salesmeasure.absent import has_table
from salesmeasure.data import Dataset
from salesmeasure.errors import InsufficientData
from salesmeasure.kpi.value import CLV_MONTHS, DISCOUNT_RATE, MARGIN, clv_estimate
from salesmeasure.periods import Period
from salesmeasure.results import FrameResult
from salesmeasure.retention import PeriodRetention, period_retention
from salesmeasure.stats import MIN_N, Estimate
from salesmeasure.survey.compare import compare_periods
from salesmeasure.survey.complaints import complaint_metrics
from salesmeasure.survey.scores import csat, nps
from salesmeasure.targets.inputs import period_targets, selection_total
from salesmeasure.targets.kpi_targets import DEFAULT_THRESHOLDS, resolve_thresholds
from salesmeasure.targets.tracking import pace_period

#: Status thresholds: (good at or beyond, watch at or beyond); direction "up" = higher is
#: better. ``None`` for KPIs judged by their change against last year instead. The
#: documented defaults; ``[kpi.thresholds]`` in salesmeasure.toml overrides them
#: (:func:`salesmeasure.targets.kpi_targets.config_thresholds`) and a recorded target of
#: the KPI for the period and region sets its "good" (``resolve_thresholds``).
THRESHOLDS: dict[str, dict] = DEFAULT_THRESHOLDS

#: Unit of each KPI (how its value and change are formatted); also the scorecard's order.
UNITS = {
    "revenue": "currency",
    "attainment": "share",
    "p_attain": "share",
    "active_customers": "count",
    "new_customers": "count",
    "retention_rate": "share",
    "nps": "points",
    "csat": "share",
    "complaint_rate": "rate",
    "avg_clv": "currency",
}

#: Which detailed report supports each KPI (file stem of the notebook).
REPORT_OF = {
    "revenue": "01_target_setting",
    "attainment": "01_target_setting",
    "p_attain": "01_target_setting",
    "active_customers": "03_retention_clv",
    "new_customers": "03_retention_clv",
    "retention_rate": "03_retention_clv",
    "nps": "02_satisfaction_survey",
    "csat": "02_satisfaction_survey",
    "complaint_rate": "02_satisfaction_survey",
    "avg_clv": "03_retention_clv",
}


# ------------------------------------------------------------------- pieces
def _active_ids(view: Dataset, p: Period) -> pd.Index:
    o = view.in_period("orders", p)
    return pd.Index(o["customer_id"].unique())


def retention(view: Dataset, p: Period, *, confidence: float = 0.95) -> Estimate:
    """Share of the customers active in the period before ``p`` who buy again in ``p``:
    :func:`salesmeasure.retention.period_retention` on the view's orders (Wilson
    interval)."""
    return _retention(view, p, confidence).rate


def _retention(view: Dataset, p: Period, confidence: float) -> PeriodRetention:
    return period_retention(view.orders, p, confidence=confidence)


def complaint_rate(view: Dataset, p: Period, *, confidence: float = 0.95) -> Estimate:
    """Complaints opened in ``p`` per 100 customers active in ``p``, exact Poisson interval.

    Computed by :func:`salesmeasure.survey.complaint_metrics`.
    """
    n_active = len(_active_ids(view, p))
    comp = view.in_period("complaints", p)
    if n_active == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "exact Poisson", confidence)
    t = complaint_metrics(comp, n_active, as_of=p.end, by=None, confidence=confidence)
    row = t.iloc[0]
    return Estimate(
        float(row["per_100_active"]),
        float(row["rate_ci_low"]),
        float(row["rate_ci_high"]),
        int(row["complaints"]),
        "exact Poisson (Garwood)",
        confidence,
    )


# ------------------------------------------------------------- the scorecard
#: KPIs estimated from a sample of responses or customers: suppressed below MIN_N.
SAMPLED = frozenset({"nps", "csat", "retention_rate"})

#: The table each KPI needs besides orders: with that table absent from the data (no
#: source at all, ``Dataset.absent``) the KPI has no data, which is not zero.
NEEDS_TABLE = {
    "attainment": "targets",
    "p_attain": "targets",
    "nps": "surveys",
    "csat": "surveys",
    "complaint_rate": "complaints",
}


def _data_start(dataset) -> pd.Timestamp | None:
    """The first order date of the whole data (every region): periods ending before it
    are before the data begins and have no data (not zero)."""
    d = dataset.orders["order_date"]
    return None if d.empty else pd.Timestamp(d.min())


@dataclass(frozen=True)
class Scorecard(FrameResult):
    """The KPIs of one period and region, as numbers (words are in :mod:`.text`).

    Attributes
    ----------
    table : DataFrame
        Indexed by KPI key (``revenue``, ``attainment``, ``p_attain``,
        ``active_customers``, ``new_customers``, ``retention_rate``, ``nps``, ``csat``,
        ``complaint_rate``, ``avg_clv``) with columns ``unit`` (a key of the unit),
        ``value, ci_low, ci_high, n, method, previous, change_prev, p_prev,
        significant_prev, last_year, change_ly, p_ly, significant_ly`` (``change_*`` are
        differences: points for NPS, shares for rates; ``significant_*`` is
        ``True``/``False`` where a test applies and ``NA`` where not), ``status``
        (``good``/``watch``/``bad``/``n/a``), ``suppressed``, ``no_data`` (why the KPI
        has no value although it is not suppressed: ``"absent"`` = the table it needs is
        not in the data, ``"no_orders"`` = no order in the period, so a rate of
        customers is not applicable; ``""`` otherwise) and ``report`` (the notebook that
        details the KPI).
    new_customers_from : Timestamp or None
        Without a customers table (signups derived from first orders): the first day
        from which a period's new customers are counted as such, a year after the data
        begins (before, a customer's first order in the data may follow others before
        it); new customers are not compared with periods starting before it. Set only
        when this period or one it is compared with starts before that day.
    previous_has_data, last_year_has_data : bool
        False when that comparison period ends before the data begins: no change is
        shown against it.
    period, previous, last_year : str
        Labels of the period and the two it is compared with.
    region : str
    complete : bool
        False while the period is in progress (then compared to date).
    to_date : Timestamp or None
        The data's as-of date for a period in progress.
    target : float
        The period's revenue target (NaN when there is none).
    confidence, alpha : float
    thresholds : dict
        The status thresholds applied (defaults, configuration and KPI targets).
    """

    table: pd.DataFrame
    period: str
    previous: str
    last_year: str
    region: str
    complete: bool
    to_date: pd.Timestamp | None
    target: float
    confidence: float = 0.95
    alpha: float = 0.05
    clv_months: int = CLV_MONTHS
    previous_has_data: bool = True
    last_year_has_data: bool = True
    thresholds: dict | None = None
    new_customers_from: pd.Timestamp | None = None

    @property
    def frame(self) -> pd.DataFrame:  # FrameResult: card.loc["nps", "value"] reads naturally
        return self.table

    def __contains__(self, kpi) -> bool:
        return kpi in self.table.index


@dataclass(frozen=True)
class _PeriodFigures:
    period: Period
    revenue: Estimate
    target: float
    attainment: Estimate
    active: Estimate
    new: Estimate
    retention: Estimate
    nps: Estimate
    csat: Estimate
    complaint_rate: Estimate
    avg_clv: Estimate
    surveys: pd.DataFrame
    complaints_n: int
    active_n: int
    retention_k: int
    retention_n: int
    value_model: object


def _value_model(dataset, region, end, clv: dict):
    try:  # the company's models, fitted once on every customer, sliced to the region
        return books.region_value(dataset, region, end, **clv)
    except InsufficientData:  # shown as n/a in the scorecard; the chain says why
        return None


def _census(value: float, n: int, method: str) -> Estimate:
    return Estimate(float(value), math.nan, math.nan, int(n), method)


def _figures(
    view: Dataset,
    p: Period,
    *,
    confidence: float,
    with_clv: bool,
    cutoff=None,
    clv: dict,
    dataset: Dataset | None = None,
    region: str = "all",
) -> _PeriodFigures:
    orders = view.in_period("orders", p)
    revenue = float(orders["amount"].sum())
    tgt = selection_total(period_targets(view.targets, p))
    att = revenue / tgt if tgt and math.isfinite(tgt) and tgt > 0 else math.nan
    active_n = int(orders["customer_id"].nunique())
    new = int(view.customers["signup_date"].between(p.start, p.end).sum())
    ret = _retention(view, p, confidence)
    surv = view.in_period("surveys", p)
    nps_e = nps(surv["nps"], confidence=confidence)
    cs = csat(surv["csat"], confidence=confidence)
    cr = complaint_rate(view, p, confidence=confidence)
    end = min(p.end, view.as_of) if view.as_of is not None else p.end
    if cutoff is not None:
        end = min(end, pd.Timestamp(cutoff))
    vm = _value_model(view if dataset is None else dataset, region, end, clv) if with_clv else None
    return _PeriodFigures(
        period=p,
        revenue=_census(revenue, len(orders), "sum of orders"),
        target=tgt,
        attainment=_census(att, len(orders), "revenue / target"),
        active=_census(active_n, active_n, "count"),
        new=_census(new, new, "count"),
        retention=ret.rate,
        nps=nps_e,
        csat=cs,
        complaint_rate=cr,
        avg_clv=clv_estimate(vm, confidence),
        surveys=surv,
        complaints_n=len(view.in_period("complaints", p)),
        active_n=active_n,
        retention_k=ret.retained,
        retention_n=ret.active_previous,
        value_model=vm,
    )


def _status(kpi: str, value: float, change_ly_rel: float, thresholds=None) -> str:
    th = (THRESHOLDS if thresholds is None else thresholds).get(kpi, {})
    if th.get("basis") == "target":
        return "n/a"
    if th.get("basis") == "last year":
        x = change_ly_rel
        if not math.isfinite(x):
            return "n/a"
        return "good" if x >= th["good"] else "watch" if x >= th["watch"] else "bad"
    if not math.isfinite(value):
        return "n/a"
    if th["direction"] == "up":
        return "good" if value >= th["good"] else "watch" if value >= th["watch"] else "bad"
    return "good" if value <= th["good"] else "watch" if value <= th["watch"] else "bad"


def _survey_tests(cur: pd.DataFrame, other: pd.DataFrame, confidence: float) -> pd.DataFrame:
    return compare_periods(cur, other, confidence=confidence)


def _prop_test(k1, n1, k2, n2) -> float:
    if min(n1, n2) < MIN_N:
        return math.nan
    return float(proportions_ztest([k1, k2], [n1, n2])[1])


def _rate_test(c1, e1, c2, e2) -> float:
    if min(e1, e2) <= 0 or (c1 + c2) == 0:
        return math.nan
    return float(test_poisson_2indep(c1, e1, c2, e2, method="exact-cond").pvalue)


def scorecard(
    dataset: Dataset,
    period: str | Period,
    region: str = "all",
    *,
    confidence: float = 0.95,
    alpha: float = 0.05,
    with_clv: bool = True,
    clv_months: int = CLV_MONTHS,
    discount_rate: float = DISCOUNT_RATE,
    margin: float = MARGIN,
    holdout_weeks: int = 0,
    thresholds: dict | None = None,
) -> Scorecard:
    """The KPI scorecard of one period and region.

    Parameters
    ----------
    dataset : Dataset
        The whole validated data set (not a slice: the previous period and last year
        are taken from it).
    period : str or Period
    region : str
        A region or ``"all"``.
    alpha : float
        Significance level for the change flags.
    with_clv : bool
        Fit the CLV models (three fits: this period, the previous, last year).
    clv_months, discount_rate, margin, holdout_weeks
        CLV settings, the same as the retention and CLV report's.
    thresholds : dict, optional
        Status thresholds (default :data:`THRESHOLDS`; from salesmeasure.toml with
        :func:`~salesmeasure.targets.kpi_targets.config_thresholds`). A KPI target
        recorded for the period and region sets that KPI's "good".

    Returns
    -------
    Scorecard
        See :class:`Scorecard`. A KPI that rests on too few responses is suppressed:
        its status is ``n/a`` and its changes, p-values and significance are blank too.

    References
    ----------
    Fleiss, J. L., Levin, B., & Paik, M. C. (2003). Statistical Methods for Rates and
    Proportions (3rd ed.), Wiley, section 2.5 (pooled two-proportion z test).
    Przyborowski, J., & Wilenski, H. (1940). Homogeneity of results in testing samples
    from Poisson series. Biometrika 31, 313-323 (conditional test of two rates).
    Krishnamoorthy, K., & Thomson, J. (2004). A more powerful test for comparing two
    Poisson means. Journal of Statistical Planning and Inference 119, 23-35.
    """
    p = Period.parse(period, fiscal_start_month=dataset.fiscal_start_month)
    region = dataset.resolve_region(region)
    view = dataset.slice(period=p, region=region)
    th = resolve_thresholds(
        THRESHOLDS if thresholds is None else thresholds, dataset.targets, p, region
    )
    prev_p, ly_p = p.previous(), p.same_period_last_year()
    as_of = dataset.as_of
    complete = as_of is None or p.is_complete(as_of)
    prev_view, ly_view = dataset.slice(prev_p, region), dataset.slice(ly_p, region)
    prev_cut = ly_cut = None
    if not complete:
        # a period in progress is compared with the same number of days of the others
        elapsed = as_of - p.start
        prev_cut, ly_cut = prev_p.start + elapsed, ly_p.start + elapsed
        prev_view, ly_view = prev_view.until(prev_cut), ly_view.until(ly_cut)
    clv = {
        "months": clv_months,
        "discount_rate": discount_rate,
        "margin": margin,
        "holdout_weeks": holdout_weeks,
    }
    kw = {"confidence": confidence, "with_clv": with_clv, "clv": clv, "dataset": dataset,
          "region": region}  # fmt: skip
    cur = _figures(view, p, **kw)
    prev = _figures(prev_view, prev_p, cutoff=prev_cut, **kw)
    ly = _figures(ly_view, ly_p, cutoff=ly_cut, **kw)
    p_attain = Estimate(math.nan, math.nan, math.nan, 0, "n/a")
    if math.isfinite(cur.target):
        if complete:
            met = float(cur.revenue.value >= cur.target)
            p_attain = Estimate(met, math.nan, math.nan, cur.revenue.n, "period complete: known")
        else:
            pac, *_rest = pace_period(
                view.orders, target=cur.target, start=p.start, end=p.end, as_of=as_of, seed=0
            )
            p_attain = Estimate(
                pac.p_attain,
                math.nan,
                math.nan,
                cur.revenue.n,
                "forecast conditioned on booked revenue",
            )

    start = _data_start(dataset)
    has_data = {
        "prev": start is not None and prev_p.end >= start,
        "ly": start is not None and ly_p.end >= start,
    }
    absent = {k for k, t in NEEDS_TABLE.items() if not has_table(dataset, t)}
    new_from = new_customers_from(dataset)
    periods = {"prev": prev_p, "ly": ly_p}
    tests = {}
    for key, other in (("prev", prev), ("ly", ly)):
        st = _survey_tests(cur.surveys, other.surveys, confidence)
        tests[key] = {
            "nps": float(st.loc["nps", "p_adjusted"]),
            "csat": float(st.loc["csat", "p_adjusted"]),
            "retention_rate": _prop_test(
                cur.retention_k, cur.retention_n, other.retention_k, other.retention_n
            ),
            "complaint_rate": _rate_test(
                cur.complaints_n, cur.active_n, other.complaints_n, other.active_n
            ),
        }

    rows = []
    for kpi, est_of in [
        ("revenue", lambda f: f.revenue),
        ("attainment", lambda f: f.attainment),
        ("p_attain", None),
        ("active_customers", lambda f: f.active),
        ("new_customers", lambda f: f.new),
        ("retention_rate", lambda f: f.retention),
        ("nps", lambda f: f.nps),
        ("csat", lambda f: f.csat),
        ("complaint_rate", lambda f: f.complaint_rate),
        ("avg_clv", lambda f: f.avg_clv),
    ]:
        if kpi == "avg_clv" and not with_clv:
            continue
        e = p_attain if est_of is None else est_of(cur)
        sampled = kpi in SAMPLED
        row = {
            "kpi": kpi,
            "unit": UNITS[kpi],
            "value": e.value,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "n": e.n,
            "method": e.method,
        }
        no_data = ""
        if kpi in absent:
            no_data = "absent"
        elif kpi == "retention_rate" and cur.revenue.n == 0:
            no_data = "no_orders"  # nobody could buy again in a period without orders
        if no_data:
            row.update(value=math.nan, ci_low=math.nan, ci_high=math.nan)
        suppressed = sampled and e.n < MIN_N and not no_data
        for key, other in (("prev", prev), ("ly", ly)):
            o = None if est_of is None else est_of(other)
            ov = math.nan if o is None else o.value
            if not has_data[key] or no_data or (kpi == "retention_rate" and other.revenue.n == 0):
                ov = math.nan  # before the data begins, or not applicable: no data
            if kpi == "new_customers" and new_from is not None and periods[key].start < new_from:
                ov = math.nan  # its "new" customers include customers from before the data
            pval = tests[key].get(kpi, math.nan)
            # suppressed means suppressed: no change is shown against, or from, an
            # estimate that rests on too few responses
            if suppressed or (sampled and o is not None and o.n < MIN_N) or not fmt_ok(ov):
                pval, change = math.nan, math.nan
            else:
                change = row["value"] - ov
            row["previous" if key == "prev" else "last_year"] = ov
            row[f"change_{key}"] = change
            row[f"p_{key}"] = pval
            row[f"significant_{key}"] = pd.NA if not math.isfinite(pval) else bool(pval < alpha)
        lv = row["last_year"]
        rel_ly = (e.value - lv) / lv if lv and math.isfinite(lv) and lv != 0 else math.nan
        if not has_data["ly"]:
            rel_ly = math.nan
        if kpi == "revenue":
            status = "n/a"
            if complete and math.isfinite(cur.attainment.value):
                status = _status("attainment", cur.attainment.value, math.nan, th)
            elif math.isfinite(p_attain.value):
                status = _status("p_attain", p_attain.value, math.nan, th)
        elif kpi == "attainment" and not complete:
            status = "n/a"
        elif kpi == "p_attain" and complete:
            status = "good" if e.value == 1.0 else ("bad" if e.value == 0.0 else "n/a")
        else:
            status = _status(kpi, e.value, rel_ly, th)
        if suppressed or no_data:
            status = "n/a"
        row["status"] = status
        row["suppressed"] = suppressed
        row["no_data"] = no_data
        row["report"] = REPORT_OF[kpi]
        rows.append(row)
    return Scorecard(
        table=pd.DataFrame(rows).set_index("kpi"),
        period=p.label,
        previous=prev_p.label,
        last_year=ly_p.label,
        region=region,
        complete=complete,
        to_date=None if complete else pd.Timestamp(as_of),
        target=cur.target,
        confidence=confidence,
        alpha=alpha,
        clv_months=clv_months,
        previous_has_data=has_data["prev"],
        last_year_has_data=has_data["ly"],
        thresholds=th,
        # said only where it changes this card: a period compared, or this one, before it
        new_customers_from=new_from
        if new_from is not None and min(p.start, prev_p.start, ly_p.start) < new_from
        else None,
    )


#: Without a customers table, a period's new customers are counted from this long after
#: the data begins (a customer's first order in the data is taken as their signup).
NEW_CUSTOMERS_LOOKBACK = pd.DateOffset(years=1)


def new_customers_from(dataset) -> pd.Timestamp | None:
    """The first day whose new customers are new, when signups are derived from first
    orders (``Dataset.derived`` names ``customers``): a year after the data's first
    order; ``None`` with a customers table (its signup dates are the customers' own)."""
    if "customers" not in (getattr(dataset, "derived", None) or {}):
        return None
    start = _data_start(dataset)
    return None if start is None else start.normalize() + NEW_CUSTOMERS_LOOKBACK


def fmt_ok(v) -> bool:
    """A finite number (a comparison value that can be subtracted)."""
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------ regions
def regions_scorecard(
    dataset: Dataset,
    period: str | Period,
    *,
    confidence: float = 0.95,
    with_clv: bool = True,
    clv_months: int = CLV_MONTHS,
    discount_rate: float = DISCOUNT_RATE,
    margin: float = MARGIN,
    holdout_weeks: int = 0,
    thresholds: dict | None = None,
) -> pd.DataFrame:
    """One row per region with its scorecard values, ranked by attainment.

    Columns are the KPI keys of :func:`scorecard` (values), plus ``<kpi>_status``,
    ``<kpi>_suppressed`` and ``rank`` (1 = highest attainment; regions without an
    attainment come last).
    """
    rows = {}
    clv = {
        "clv_months": clv_months,
        "discount_rate": discount_rate,
        "margin": margin,
        "holdout_weeks": holdout_weeks,
    }
    for region in dataset.regions:
        card = scorecard(
            dataset,
            period,
            region,
            confidence=confidence,
            with_clv=with_clv,
            thresholds=thresholds,
            **clv,
        )
        row = card["value"].to_dict()
        row.update({f"{k}_status": v for k, v in card["status"].items()})
        row.update({f"{k}_suppressed": v for k, v in card["suppressed"].items()})
        rows[region] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "region"
    out = out.sort_values("attainment", ascending=False, na_position="last", kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out
