"""The executive scorecard and the satisfaction -> retention -> value -> target chain.

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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.rates import test_poisson_2indep

from salesmeasure import clv as clv_mod
from salesmeasure import survey, targets
from salesmeasure.data import Dataset
from salesmeasure.periods import Period
from salesmeasure.stats import MIN_N, Estimate, mean_t, proportion

#: Status thresholds: (good at or beyond, watch at or beyond); direction "up" = higher is
#: better. ``None`` for KPIs judged by their change against last year instead.
THRESHOLDS: dict[str, dict] = {
    "revenue": {"basis": "target"},
    "attainment": {"good": 1.0, "watch": 0.9, "direction": "up"},
    "p_attain": {"good": 0.6, "watch": 0.4, "direction": "up"},
    "active_customers": {"basis": "last year", "good": 0.0, "watch": -0.05},
    "new_customers": {"basis": "last year", "good": 0.0, "watch": -0.10},
    "retention_rate": {"good": 0.60, "watch": 0.50, "direction": "up"},
    "nps": {"good": 30.0, "watch": 0.0, "direction": "up"},
    "csat": {"good": 0.80, "watch": 0.70, "direction": "up"},
    "complaint_rate": {"good": 5.0, "watch": 10.0, "direction": "down"},
    "avg_clv": {"basis": "last year", "good": 0.0, "watch": -0.05},
}

LABELS = {
    "revenue": ("Revenue", "currency"),
    "attainment": ("Target attainment", "share"),
    "p_attain": ("Probability of attaining target", "share"),
    "active_customers": ("Active customers", "count"),
    "new_customers": ("New customers", "count"),
    "retention_rate": ("Retention rate", "share"),
    "nps": ("NPS", "points"),
    "csat": ("CSAT (top-2-box)", "share"),
    "complaint_rate": ("Complaints per 100 active customers", "rate"),
    "avg_clv": ("Average 12-month CLV", "currency"),
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

STATUS_TEXT = {"good": "On track", "watch": "Watch", "bad": "Action needed", "n/a": "No basis"}


# ------------------------------------------------------------------- pieces
def _active_ids(view: Dataset, p: Period) -> pd.Index:
    o = view.in_period("orders", p)
    return pd.Index(o["customer_id"].unique())


def retention(view: Dataset, p: Period, *, confidence: float = 0.95) -> Estimate:
    """Share of the customers active in the period before ``p`` who buy again in ``p``.

    The same definition as :func:`salesmeasure.retention.retention_rate` (which works on
    calendar periods), for any period kind of a fiscal calendar. Wilson interval.
    """
    before = _active_ids(view, p.previous())
    now = _active_ids(view, p)
    k = int(before.isin(now).sum())
    return proportion(k, len(before), confidence=confidence)


def complaint_rate(view: Dataset, p: Period, *, confidence: float = 0.95) -> Estimate:
    """Complaints opened in ``p`` per 100 customers active in ``p``, exact Poisson interval.

    Computed by :func:`salesmeasure.survey.complaint_metrics`.
    """
    n_active = len(_active_ids(view, p))
    comp = view.in_period("complaints", p)
    if n_active == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "exact Poisson", confidence)
    t = survey.complaint_metrics(comp, n_active, as_of=p.end, by=None, confidence=confidence)
    row = t.iloc[0]
    return Estimate(
        float(row["per_100_active"]),
        float(row["rate_ci_low"]),
        float(row["rate_ci_high"]),
        int(row["complaints"]),
        "exact Poisson (Garwood)",
        confidence,
    )


@dataclass(frozen=True)
class ValueModel:
    """Fitted purchase and spend models and per-customer values at one date."""

    summary: pd.DataFrame
    values: pd.DataFrame
    purchase_model: object
    spend_model: object
    observation_end: pd.Timestamp
    notes: tuple[str, ...] = field(default=())


def fit_value_model(
    orders: pd.DataFrame,
    observation_end,
    *,
    months: int = 12,
    discount_rate: float = 0.01,
    margin: float = 1.0,
) -> ValueModel | None:
    """BG/NBD + Gamma-Gamma CLV per customer from the orders up to ``observation_end``.

    Returns ``None`` when there are too few customers (under 50) or repeat buyers (under
    20) to fit, or when a fit does not converge (reported by :mod:`salesmeasure.clv`).
    """
    end = pd.Timestamp(observation_end)
    o = orders[orders["order_date"] <= end]
    if o["customer_id"].nunique() < 50:
        return None
    summ = clv_mod.rfm_summary(o, observation_end=end, freq="W")
    rep = summ[summ["frequency"] > 0]
    if len(rep) < 20:
        return None
    try:
        bg = clv_mod.BetaGeo().fit(summ["frequency"], summ["recency"], summ["T"])
        gg = clv_mod.GammaGamma()
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gg.fit(rep["frequency"], rep["monetary_value"])
        notes = tuple(str(w.message) for w in caught)
        values = clv_mod.clv(
            bg, gg, summ, months=months, discount_rate=discount_rate, margin=margin
        )
    except clv_mod.FitError:
        return None
    return ValueModel(summ, values, bg, gg, end, notes)


def _clv_estimate(vm: ValueModel | None, confidence: float) -> Estimate:
    if vm is None:
        return Estimate(math.nan, math.nan, math.nan, 0, "BG/NBD + Gamma-Gamma", confidence)
    e = mean_t(vm.values["clv"].to_numpy(float), confidence=confidence)
    return Estimate(
        e.value, e.ci_low, e.ci_high, e.n, "BG/NBD + Gamma-Gamma, t interval", confidence
    )


# ------------------------------------------------------------- the scorecard
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
    value_model: ValueModel | None


def _truncate(view: Dataset, cutoff: pd.Timestamp) -> Dataset:
    """The view without rows dated after ``cutoff`` (for period-to-date comparisons)."""
    from dataclasses import replace

    from salesmeasure.data import DATE_COLUMN

    cut = {
        name: view.table(name)[view.table(name)[col] <= cutoff] for name, col in DATE_COLUMN.items()
    }
    return replace(view, **cut)


def _census(value: float, n: int, method: str) -> Estimate:
    return Estimate(float(value), math.nan, math.nan, int(n), method)


def _figures(
    view: Dataset, p: Period, *, confidence: float, with_clv: bool, cutoff=None
) -> _PeriodFigures:
    orders = view.in_period("orders", p)
    revenue = float(orders["amount"].sum())
    tgt = targets.selection_total(targets.period_targets(view.targets, p))
    att = revenue / tgt if tgt and math.isfinite(tgt) and tgt > 0 else math.nan
    active_n = int(orders["customer_id"].nunique())
    new = int(view.customers["signup_date"].between(p.start, p.end).sum())
    ret = retention(view, p, confidence=confidence)
    surv = view.in_period("surveys", p)
    nps = survey.nps(surv["nps"], confidence=confidence)
    cs = survey.csat(surv["csat"], confidence=confidence)
    cr = complaint_rate(view, p, confidence=confidence)
    end = min(p.end, view.as_of) if view.as_of is not None else p.end
    if cutoff is not None:
        end = min(end, pd.Timestamp(cutoff))
    vm = fit_value_model(view.orders, end) if with_clv else None
    before = _active_ids(view, p.previous())
    return _PeriodFigures(
        period=p,
        revenue=_census(revenue, len(orders), "sum of orders"),
        target=tgt,
        attainment=_census(att, len(orders), "revenue / target"),
        active=_census(active_n, active_n, "count"),
        new=_census(new, new, "count"),
        retention=ret,
        nps=nps,
        csat=cs,
        complaint_rate=cr,
        avg_clv=_clv_estimate(vm, confidence),
        surveys=surv,
        complaints_n=len(view.in_period("complaints", p)),
        active_n=active_n,
        retention_k=int(before.isin(_active_ids(view, p)).sum()),
        retention_n=len(before),
        value_model=vm,
    )


def _status(kpi: str, value: float, change_ly_rel: float) -> str:
    th = THRESHOLDS.get(kpi, {})
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


def _threshold_text(kpi: str, unit: str) -> str:
    th = THRESHOLDS.get(kpi, {})
    if th.get("basis") == "target":
        return "see attainment"
    if th.get("basis") == "last year":
        return f"vs last year: good >= {th['good']:+.0%}, watch >= {th['watch']:+.0%}"
    fmt = (lambda v: f"{v:.0%}") if unit == "share" else (lambda v: f"{v:g}")
    op = ">=" if th["direction"] == "up" else "<="
    return f"good {op} {fmt(th['good'])}, watch {op} {fmt(th['watch'])}"


def _survey_tests(cur: pd.DataFrame, other: pd.DataFrame, confidence: float) -> pd.DataFrame:
    return survey.compare_periods(cur, other, confidence=confidence)


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
) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame indexed by ``kpi`` with columns ``label, unit, value, ci_low, ci_high, n,
    method, previous, change_prev, p_prev, significant_prev, last_year, change_ly,
    p_ly, significant_ly, target, status, status_text, suppressed, report``.
    ``change_*`` are differences (points for NPS, shares for rates); ``significant_*`` is
    ``True``/``False`` where a test applies and ``NA`` where it does not.

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
    prev_p, ly_p = p.previous(), p.same_period_last_year()
    as_of = dataset.as_of
    complete = as_of is None or p.is_complete(as_of)
    prev_view, ly_view = dataset.slice(prev_p, region), dataset.slice(ly_p, region)
    prev_cut = ly_cut = None
    if not complete:
        # a period in progress is compared with the same number of days of the others
        elapsed = as_of - p.start
        prev_cut, ly_cut = prev_p.start + elapsed, ly_p.start + elapsed
        prev_view, ly_view = _truncate(prev_view, prev_cut), _truncate(ly_view, ly_cut)
    cur = _figures(view, p, confidence=confidence, with_clv=with_clv)
    prev = _figures(prev_view, prev_p, confidence=confidence, with_clv=with_clv, cutoff=prev_cut)
    ly = _figures(ly_view, ly_p, confidence=confidence, with_clv=with_clv, cutoff=ly_cut)
    p_attain = Estimate(math.nan, math.nan, math.nan, 0, "n/a")
    if math.isfinite(cur.target):
        if complete:
            met = float(cur.revenue.value >= cur.target)
            p_attain = Estimate(met, math.nan, math.nan, cur.revenue.n, "period complete: known")
        else:
            pac, _, _ = targets.pace_period(
                view.orders, target=cur.target, start=p.start, end=p.end, as_of=as_of, seed=0
            )
            p_attain = Estimate(
                pac.p_attain,
                math.nan,
                math.nan,
                cur.revenue.n,
                "forecast conditioned on booked revenue",
            )

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
        label, unit = LABELS[kpi]
        e = p_attain if est_of is None else est_of(cur)
        pv = math.nan if est_of is None else est_of(prev).value
        lv = math.nan if est_of is None else est_of(ly).value
        row = {
            "kpi": kpi,
            "label": label,
            "unit": unit,
            "value": e.value,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "n": e.n,
            "method": e.method,
            "previous": pv,
            "change_prev": e.value - pv,
            "last_year": lv,
            "change_ly": e.value - lv,
        }
        for key in ("prev", "ly"):
            pval = tests[key].get(kpi, math.nan)
            row[f"p_{key}"] = pval
            row[f"significant_{key}"] = pd.NA if not math.isfinite(pval) else bool(pval < alpha)
        rel_ly = (e.value - lv) / lv if lv and math.isfinite(lv) and lv != 0 else math.nan
        if kpi == "revenue":
            row["target"] = (
                f"target {cur.target:,.0f}" if math.isfinite(cur.target) else "no target"
            )
            status = "n/a"
            if complete and math.isfinite(cur.attainment.value):
                status = _status("attainment", cur.attainment.value, math.nan)
            elif math.isfinite(p_attain.value):
                status = _status("p_attain", p_attain.value, math.nan)
        elif kpi == "attainment" and not complete:
            row["target"] = "period in progress: to date"
            status = "n/a"
        elif kpi == "attainment":
            row["target"] = _threshold_text(kpi, unit)
            status = _status(kpi, e.value, rel_ly)
        elif kpi == "p_attain" and complete:
            row["target"] = "period complete"
            status = "good" if e.value == 1.0 else ("bad" if e.value == 0.0 else "n/a")
        else:
            row["target"] = _threshold_text(kpi, unit)
            status = _status(kpi, e.value, rel_ly)
        suppressed = kpi in {"nps", "csat", "retention_rate"} and e.n < MIN_N
        if suppressed:
            status = "n/a"
        row["status"] = status
        row["status_text"] = STATUS_TEXT[status] if not suppressed else "Too few responses"
        row["suppressed"] = suppressed
        row["report"] = REPORT_OF[kpi]
        rows.append(row)
    card = pd.DataFrame(rows).set_index("kpi")
    card.attrs.update(
        to_date=None if complete else f"{as_of:%Y-%m-%d}",
        period=p.label,
        previous=prev_p.label,
        last_year=ly_p.label,
        region=region,
        complete=complete,
        target=cur.target,
        confidence=confidence,
        alpha=alpha,
    )
    return card


def format_scorecard(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as text for a report table (value with interval, changes, status)."""

    def fmt(kpi, unit, v):
        if v is None or not isinstance(v, int | float | np.floating) or not math.isfinite(v):
            return "n/a"
        if unit == "currency":
            from salesmeasure.format import money

            return money(v)
        if unit == "share":
            return f"{v:.1%}"
        if unit == "count":
            return f"{v:,.0f}"
        return f"{v:.1f}"

    def fmt_change(kpi, unit, d, sig):
        if not isinstance(d, int | float | np.floating) or not math.isfinite(d):
            return "n/a"
        if unit == "share":
            s = f"{d * 100:+.1f} pts"
        elif unit == "currency":
            from salesmeasure.format import money

            s = ("+" if d >= 0 else "") + money(d)
        elif unit == "count":
            s = f"{d:+,.0f}"
        else:
            s = f"{d:+.1f}"
        if sig is True:
            s += " (significant)"
        elif sig is False:
            s += " (not significant)"
        return s

    out = []
    for kpi, r in card.iterrows():
        unit = r["unit"]
        if r["suppressed"]:
            value = "too few responses"
        else:
            value = fmt(kpi, unit, r["value"])
            if isinstance(r["ci_low"], float) and math.isfinite(r["ci_low"]):
                value += f" ({fmt(kpi, unit, r['ci_low'])} to {fmt(kpi, unit, r['ci_high'])})"
        sp = r["significant_prev"] if r["significant_prev"] is not pd.NA else None
        sl = r["significant_ly"] if r["significant_ly"] is not pd.NA else None
        out.append(
            {
                "KPI": r["label"],
                "Value (95% interval)"
                if card.attrs.get("confidence", 0.95) == 0.95
                else "Value (interval)": value,
                f"vs {card.attrs.get('previous', 'previous')}": fmt_change(
                    kpi, unit, r["change_prev"], sp
                ),
                f"vs {card.attrs.get('last_year', 'last year')}": fmt_change(
                    kpi, unit, r["change_ly"], sl
                ),
                "Status": f"{ {'good': '●', 'watch': '▲', 'bad': '■', 'n/a': '○'}[r['status']] } {r['status_text']}",
                "Basis": r["target"],
            }
        )
    return pd.DataFrame(out)


# ------------------------------------------------------------------ regions
def regions_scorecard(
    dataset: Dataset, period: str | Period, *, confidence: float = 0.95, with_clv: bool = True
) -> pd.DataFrame:
    """One row per region with its scorecard values, ranked by attainment.

    Columns are the KPI keys of :func:`scorecard` (values), plus ``<kpi>_status`` and
    ``rank`` (1 = highest attainment).
    """
    rows = {}
    for region in dataset.regions:
        card = scorecard(dataset, period, region, confidence=confidence, with_clv=with_clv)
        row = card["value"].to_dict()
        row.update({f"{k}_status": v for k, v in card["status"].items()})
        row.update({f"{k}_suppressed": v for k, v in card["suppressed"].items()})
        rows[region] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "region"
    out = out.sort_values("attainment", ascending=False)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


# --------------------------------------------------------------------- chain
@dataclass(frozen=True)
class Chain:
    """Satisfaction -> retention -> value -> next period's target, for one view.

    Attributes
    ----------
    by_nps : DataFrame
        Per NPS group (promoter, passive, detractor; each customer's latest answer up to
        the period end): ``customers``, repeat-purchase ``retention`` with
        ``retention_low/high`` (from :func:`salesmeasure.survey.retention_by_nps`),
        average 12-month ``clv`` with ``clv_low/high`` (t interval) and average
        ``prob_alive``.
    retention_gap : Estimate
        Promoter minus detractor repeat-purchase rate (Newcombe interval).
    at_risk : dict
        ``value_at_risk`` (12-month value lost if customers who have probably left are
        gone, from :func:`salesmeasure.clv.clv`), ``detractor_clv`` (12-month value held
        by detractors), ``total_clv``, ``customers_unlikely_alive`` (P(alive) < 0.5).
    next_period : dict
        ``period``, ``forecast`` (baseline mean of next period's revenue),
        ``detractor_share`` (share of the customers' expected next-period value that
        comes from detractors), ``detractor_revenue`` and ``at_risk_revenue`` (the
        forecast times the shares of value held by detractors and at risk).
    """

    by_nps: pd.DataFrame
    retention_gap: Estimate
    at_risk: dict
    next_period: dict


def latest_nps_group(surveys: pd.DataFrame, end) -> pd.Series:
    """Each customer's NPS group from their latest answered NPS on or before ``end``."""
    s = surveys[(surveys["survey_date"] <= pd.Timestamp(end)) & surveys["nps"].notna()]
    s = s.sort_values(["customer_id", "survey_date", "response_id"])
    last = s.groupby("customer_id").tail(1).set_index("customer_id")["nps"]
    return survey.nps_group(last)


def chain(
    dataset: Dataset,
    period: str | Period,
    region: str = "all",
    *,
    confidence: float = 0.95,
    value_model: ValueModel | None = None,
) -> Chain:
    """How satisfaction carries through to retention, value and next period's target."""
    p = Period.parse(period, fiscal_start_month=dataset.fiscal_start_month)
    view = dataset.slice(p, dataset.resolve_region(region))
    end = min(p.end, view.as_of) if view.as_of is not None else p.end
    vm = value_model or fit_value_model(view.orders, end)
    ret = survey.retention_by_nps(view.surveys, view.orders, as_of=end, confidence=confidence)
    groups = latest_nps_group(view.surveys, end)
    rows = []
    for g in survey.NPS_GROUPS:
        row = {"group": g}
        t = ret.table
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
        }
        # next period: baseline forecast x shares of customer value
        months = len(p.next().months())
        hist = targets.monthly_revenue(view.orders, end=p.end.to_period("M"))
        try:
            fc = targets.baseline_forecast(hist, months, seed=0, repetitions=500)
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
    return Chain(by_nps, ret.difference, at_risk, nxt)


# ------------------------------------------------------------------ findings
def findings(
    card: pd.DataFrame,
    chain_result: Chain | None = None,
    regions: pd.DataFrame | None = None,
    *,
    limit: int = 5,
) -> list[dict]:
    """The three to five findings that matter most, as generated sentences.

    Each finding is ``{"text", "report", "priority"}``; ``report`` names the detailed
    notebook that supports it. Priority: missed or at-risk targets first, then
    significant changes, then the satisfaction-value chain, then regions.
    """
    from salesmeasure.format import money

    out: list[dict] = []
    a = card.attrs
    rev, att = card.loc["revenue"], card.loc["attainment"]
    tgt = a.get("target", math.nan)
    if a.get("complete", True) and math.isfinite(att["value"]):
        verb = "beat" if att["value"] >= 1 else "missed"
        out.append({
            "priority": 0 if att["value"] < 1 else 2,
            "report": REPORT_OF["attainment"],
            "text": f"Revenue of {money(rev['value'])} {verb} the {money(tgt)} target for "
                    f"{a['period']}: {att['value']:.0%} attainment "
                    f"({rev['change_ly'] / rev['last_year']:+.0%} on {a['last_year']}).",
        })  # fmt: skip
    elif "p_attain" in card.index and math.isfinite(card.loc["p_attain", "value"]):
        pa = card.loc["p_attain", "value"]
        out.append({
            "priority": 0 if pa < 0.5 else 2,
            "report": REPORT_OF["p_attain"],
            "text": f"{a['period']} is in progress: {money(rev['value'])} booked to {a.get('to_date')} "
                    f"({att['value']:.0%} of the {money(tgt)} target); the forecast gives a "
                    f"{pa:.0%} chance of reaching it.",
        })  # fmt: skip
    for kpi in ("nps", "csat", "retention_rate", "complaint_rate"):
        r = card.loc[kpi]
        for key, label in (("prev", a["previous"]), ("ly", a["last_year"])):
            if r[f"significant_{key}"] is True:
                d = r["change_prev" if key == "prev" else "change_ly"]
                unit = "points" if r["unit"] in {"points", "rate"} else "percentage points"
                amount = abs(d) if r["unit"] in {"points", "rate"} else abs(d) * 100
                good = (d > 0) != (kpi == "complaint_rate")
                how = "Holm-adjusted p" if kpi in {"nps", "csat"} else "p"
                out.append({
                    "priority": 1 if not good else 3,
                    "report": r["report"],
                    "kpi": kpi,
                    "text": f"{r['label']} {'rose' if d > 0 else 'fell'} by {amount:.1f} {unit} "
                            f"against {label}, a statistically significant change "
                            f"({how} = {r[f'p_{key}']:.3f}).",
                })  # fmt: skip
                break
    changed = {f.get("kpi") for f in out}
    short = {
        "nps": "NPS",
        "csat": "CSAT",
        "retention_rate": "retention",
        "complaint_rate": "the complaint rate",
    }
    steady = [
        short[k] for k in ("nps", "csat", "retention_rate", "complaint_rate")
        if k not in changed
        and card.loc[k, "significant_prev"] is not True
        and card.loc[k, "significant_ly"] is not True
    ]  # fmt: skip
    n = card.loc["nps"]
    if "nps" not in changed and not n["suppressed"] and math.isfinite(n["value"]):
        others = [x for x in steady if x != "NPS"]
        tail = (
            f"; {', '.join(others[:-1]) + (' and ' if len(others) > 1 else '') + others[-1]} "
            f"did not change significantly either"
            if others
            else ""
        )
        out.append({
            "priority": 5,
            "report": "02_satisfaction_survey",
            "text": f"NPS is {n['value']:.0f} ({n['ci_low']:.0f} to {n['ci_high']:.0f}), not significantly "
                    f"different from {a['previous']} or {a['last_year']}{tail}.",
        })  # fmt: skip
    if chain_result is not None:
        b = chain_result.by_nps
        if {"promoter", "detractor"} <= set(b.index) and "retention" in b:
            pr, de = b.loc["promoter"], b.loc["detractor"]
            gap = chain_result.retention_gap
            if math.isfinite(pr.get("retention", math.nan)) and math.isfinite(
                de.get("retention", math.nan)
            ):
                sig = gap.ci_low > 0 or gap.ci_high < 0
                clv_txt = ""
                if (
                    "clv" in b
                    and math.isfinite(pr.get("clv", math.nan))
                    and math.isfinite(de.get("clv", math.nan))
                ):
                    clv_txt = f", and are worth {money(pr['clv'])} against {money(de['clv'])} in 12-month CLV"
                out.append({
                    "priority": 2,
                    "report": "03_retention_clv",
                    "text": f"Promoters bought again at {pr['retention']:.0%} against {de['retention']:.0%} "
                            f"for detractors ({'a real gap' if sig else 'not a clear gap'}: "
                            f"{gap.value * 100:+.0f} points, {gap.ci_low * 100:+.0f} to {gap.ci_high * 100:+.0f})"
                            f"{clv_txt}.",
                })  # fmt: skip
        ar, nx = chain_result.at_risk, chain_result.next_period
        if ar and math.isfinite(nx.get("forecast", math.nan)):
            out.append({
                "priority": 2,
                "report": "03_retention_clv",
                "text": f"{ar['customers_unlikely_alive']:,} customers have probably stopped buying; "
                        f"{money(ar['value_at_risk'])} of 12-month value is at risk. Detractors hold "
                        f"{nx['detractor_share']:.0%} of expected customer value, about "
                        f"{money(nx['detractor_revenue'])} of the {money(nx['forecast'])} baseline for "
                        f"{nx['period']}: a target for {nx['period']} assumes they stay.",
            })  # fmt: skip
    if regions is not None and len(regions) > 1 and "attainment" in regions:
        best, worst = regions["attainment"].idxmax(), regions["attainment"].idxmin()
        out.append({
            "priority": 4,
            "report": REPORT_OF["attainment"],
            "text": f"{best} leads on attainment ({regions.loc[best, 'attainment']:.0%}), "
                    f"{worst} trails ({regions.loc[worst, 'attainment']:.0%}); "
                    f"NPS {regions.loc[best, 'nps']:.0f} against {regions.loc[worst, 'nps']:.0f}.",
        })  # fmt: skip
    out.sort(key=lambda f: f["priority"])
    return out[:limit]
