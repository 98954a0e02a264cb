"""The rep assessment (考核): revenue attainment and the customer KPIs of each rep's book,
adjusted for the mix of customers the rep holds.

A rep who holds small, new customers in a hard segment will show a lower NPS and
retention than a colleague with large, long-standing accounts, however well both work.
Each KPI is therefore compared with what the company's own rates would give on the rep's
customers, by **indirect standardisation**:

* every unit (a survey answer for NPS, a customer active last period for retention, a
  customer active this period for the complaint rate, a valued customer for CLV change)
  falls in one stratum of segment x size (the customer's revenue in the 12 months before
  the period, in company thirds) x tenure (under 1 year, 1-3 years, 3 years or more);
* the expected value of a unit is the company's mean in its stratum; the rep's
  *expected* (E) is the mean over the rep's units, the *observed* (O) their actual mean;
* the adjusted KPI is ``company + (O - E)``: what the rep would score on the company's
  mix. Its interval is ``O - E +/- z * sd(y - e) / sqrt(n)`` (the stratum rates, from
  the whole company, are taken as known).

Every component is in points (per 100): NPS points; retention and complaints per 100
customers; CLV change in percent of the company's mean CLV at the period start; revenue
as attainment minus the company's attainment, in points, capped at +/-50 (its interval
treats revenue as a compound Poisson sum of orders: var = sum of squared amounts). The
company values are those of the customers reps hold (house accounts are left out). The weighted score is the weighted mean of the components
(weights in ``salesmeasure.toml`` ``[assessment.weights]``; complaints count negatively)
over the components a rep has. A difference is *real* when its 95% interval excludes
the company value (0 for the score); ranks carry a 95% interval from 4,000 draws of
every rep's score, so two reps whose rank intervals overlap are not told apart.

References
----------
Breslow, N. E., & Day, N. E. (1987). Statistical Methods in Cancer Research, Vol. II,
IARC, ch. 2 (indirect standardisation, the standardised ratio O/E).
Goldstein, H., & Spiegelhalter, D. J. (1996). League tables and their limitations:
statistical issues in comparisons of institutional performance. JRSS A 159(3), 385-443
(intervals for ranks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from salesmeasure.data import Dataset
from salesmeasure.errors import DataError, InsufficientData
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.results import FrameResult
from salesmeasure.stats import MIN_N
from salesmeasure.targets.inputs import period_targets
from salesmeasure.targets.tracking import attainment

#: The components of the assessment and their default weights.
DEFAULT_WEIGHTS = {
    "revenue": 0.4,
    "nps": 0.15,
    "retention": 0.2,
    "complaint_rate": 0.1,
    "clv": 0.15,
}
#: Components where more is worse (they enter the score with a minus sign).
NEGATIVE = frozenset({"complaint_rate"})
TENURE_BANDS = (0.0, 1.0, 3.0)  # years: [0, 1), [1, 3), [3, inf)
#: Revenue enters the score as attainment minus the company's, capped at +/- this many
#: points (a rep at 490% of a small target would otherwise outweigh every other KPI).
REVENUE_CAP = 50.0


def config_weights(settings: Mapping | None) -> dict[str, float]:
    """The score's weights: :data:`DEFAULT_WEIGHTS` with ``[assessment.weights]``.

    Raises
    ------
    DataError
        Naming the key: an unknown component, a negative or non-numeric weight, or all
        weights zero.
    """
    out = dict(DEFAULT_WEIGHTS)
    raw = (settings or {}).get("assessment", {})
    if not isinstance(raw, Mapping) or set(raw) - {"weights"}:
        raise DataError("salesmeasure.toml: [assessment] takes only [assessment.weights]")
    for key, w in raw.get("weights", {}).items():
        where = f"salesmeasure.toml: [assessment.weights] {key}"
        if key not in DEFAULT_WEIGHTS:
            raise DataError(f"{where}: unknown component; valid: {', '.join(DEFAULT_WEIGHTS)}")
        if isinstance(w, bool) or not isinstance(w, int | float) or not w >= 0:
            raise DataError(f"{where} must be a number at or above 0, got {w!r}")
        out[key] = float(w)
    if sum(out.values()) <= 0:
        raise DataError("salesmeasure.toml: [assessment.weights] are all 0")
    return out


# ------------------------------------------------------- standardisation
def indirect_standardise(
    units: pd.DataFrame,
    *,
    y: str = "y",
    stratum: str = "stratum",
    group: str = "group",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Observed against expected per group, the expected from the whole table's mean per
    stratum (indirect standardisation).

    Returns one row per group: ``n, observed, expected, diff`` (O - E), ``ratio`` (O/E),
    ``se`` (of O - E), ``low, high`` (its interval), ``adjusted`` (overall + O - E) and
    ``overall`` (the mean of every unit).
    """
    u = units[[y, stratum, group]].dropna(subset=[y])
    if u.empty:
        raise InsufficientData(_("No units to compare."))
    e = u.groupby(stratum, observed=True)[y].transform("mean")
    r = u[y] - e
    g = pd.DataFrame({"y": u[y], "e": e, "r": r, "group": u[group]}).groupby("group", sort=True)
    out = pd.DataFrame({"n": g.size(), "observed": g["y"].mean(), "expected": g["e"].mean()})
    out["diff"] = out["observed"] - out["expected"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["observed"] / out["expected"]
    sd = g["r"].std(ddof=1)
    out["se"] = sd / np.sqrt(out["n"])
    z = norm.ppf(0.5 + confidence / 2)
    out["low"], out["high"] = out["diff"] - z * out["se"], out["diff"] + z * out["se"]
    overall = float(u[y].mean())
    out["adjusted"] = overall + out["diff"]
    out["overall"] = overall
    return out


def customer_strata(dataset: Dataset, at) -> pd.DataFrame:
    """Each customer's stratum at ``at``: ``segment``, ``size`` (thirds of the company's
    customers by revenue in the 12 months before; "none" without revenue), ``tenure``
    (years since signup: "<1", "1-3", "3+") and ``stratum`` (the three joined)."""
    at = pd.Timestamp(at)
    c = dataset.customers.set_index("customer_id")
    o = dataset.orders
    past = o[(o["order_date"] < at) & (o["order_date"] >= at - pd.DateOffset(months=12))]
    rev = past.groupby("customer_id")["amount"].sum().reindex(c.index).fillna(0.0)
    pos = rev[rev > 0]
    size = pd.Series("none", index=c.index, dtype=object)
    if len(pos) >= 3:
        cuts = np.quantile(pos, [1 / 3, 2 / 3])
        size[rev > 0] = np.where(pos <= cuts[0], "small", np.where(pos <= cuts[1], "mid", "large"))
    elif len(pos):
        size[rev > 0] = "mid"
    years = (at - c["signup_date"]).dt.days / 365.25
    tenure = np.where(years < TENURE_BANDS[1], "<1", np.where(years < TENURE_BANDS[2], "1-3", "3+"))
    seg = c["segment"].astype("string").fillna("?").astype(str)
    out = pd.DataFrame({"segment": seg, "size": size, "tenure": tenure}, index=c.index)
    out["stratum"] = out["segment"] + "|" + out["size"] + "|" + out["tenure"]
    out["rep_id"] = c["rep_id"].astype("string")
    return out


def _units(dataset: Dataset, p: Period, strata: pd.DataFrame, with_clv: bool, clv_kw) -> dict:
    """metric -> DataFrame(customer_id, y) of the period's units (y in points)."""
    out = {}
    sv = dataset.surveys
    sv = sv[sv["survey_date"].between(p.start, p.end) & sv["nps"].notna()]
    out["nps"] = pd.DataFrame(
        {
            "customer_id": sv["customer_id"],
            "y": np.where(sv["nps"] >= 9, 100.0, np.where(sv["nps"] <= 6, -100.0, 0.0)),
        }
    )
    o = dataset.orders
    prev = p.previous()
    before = pd.Index(o.loc[o["order_date"].between(prev.start, prev.end), "customer_id"].unique())
    now = pd.Index(o.loc[o["order_date"].between(p.start, p.end), "customer_id"].unique())
    out["retention"] = pd.DataFrame({"customer_id": before, "y": 100.0 * before.isin(now)})
    cp = dataset.complaints
    n_c = cp[cp["opened_date"].between(p.start, p.end)].groupby("customer_id").size()
    out["complaint_rate"] = pd.DataFrame(
        {"customer_id": now, "y": 100.0 * n_c.reindex(now).fillna(0).to_numpy(float)}
    )
    if with_clv:
        from salesmeasure.kpi.value import fit_value_model

        try:
            seg = {"segments": dataset.customers}  # per segment where the data support it
            start = fit_value_model(o, p.start - pd.Timedelta(days=1), **clv_kw, **seg)
            start = start.values["clv"]
            end = fit_value_model(o, p.end, **clv_kw, **seg).values["clv"]
        except InsufficientData:
            start = end = None
        if start is not None:
            both = start.index.intersection(end.index)
            scale = float(start.loc[both].mean())
            if both.size and scale > 0:
                out["clv"] = pd.DataFrame(
                    {
                        "customer_id": both,
                        "y": 100.0 * (end.loc[both] - start.loc[both]).to_numpy(float) / scale,
                    }
                )
    return out


# ----------------------------------------------------------------- result
@dataclass(frozen=True)
class Assessment(FrameResult):
    """The rep assessment of one period.

    Attributes
    ----------
    table : DataFrame
        One row per rep (index ``rep_id``): ``name, region``; per component ``c`` in
        revenue, nps, retention, complaint_rate, clv: ``c_n``, ``c_observed``,
        ``c_expected``, ``c_adjusted`` (on the KPI's scale), ``c_points`` (the score's
        component, points above expected), ``c_low, c_high`` (of the points) and
        ``c_flag`` ("above", "below", "par", or "" when too few units); revenue also
        ``revenue_target, revenue_actual, revenue_attainment``. Then ``score,
        score_low, score_high, score_flag, rank, rank_low, rank_high``.
    company : dict
        Component -> the company value (NPS, retention and complaints per 100, CLV
        change in percent; revenue attainment).
    weights : dict
    period : str
    confidence : float
    min_n : int
        Fewer units than this: the component is left out of the rep's score.
    """

    table: pd.DataFrame
    company: dict
    weights: dict
    period: str
    confidence: float = 0.95
    min_n: int = MIN_N

    @property
    def frame(self) -> pd.DataFrame:
        return self.table


def _flag(lo: float, hi: float, n: int, min_n: int) -> str:
    if n < min_n or not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    return "above" if lo > 0 else ("below" if hi < 0 else "par")


def assess(
    dataset: Dataset,
    period: str | Period,
    *,
    weights: Mapping[str, float] | None = None,
    with_clv: bool = True,
    clv: Mapping | None = None,
    confidence: float = 0.95,
    min_n: int = MIN_N,
    rank_draws: int = 4000,
    seed: int = 0,
) -> Assessment:
    """Assess every rep of the data over ``period`` (see the module text).

    Parameters
    ----------
    dataset : Dataset
        The whole validated data set (company rates come from all of it; slice the
        result's table for one region).
    period : str or Period
        A complete period.
    weights : mapping, optional
        Component -> weight (default :data:`DEFAULT_WEIGHTS`; from salesmeasure.toml with
        :func:`config_weights`).
    with_clv : bool
        Value the customer base at the period's start and end for the CLV component
        (two model fits).
    clv : mapping, optional
        ``months, discount_rate, margin`` of the CLV valuation.

    Computed once per data, period and settings (:func:`salesmeasure.books.remembered`):
    the executive summary and the target report of every region show slices of one
    assessment (two customer-value fits and the rank draws each time, before).
    """
    from salesmeasure import books

    p = Period.parse(period, fiscal_start_month=dataset.fiscal_start_month)
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    clv = dict(clv or {})
    parts = (
        books.data_key(dataset),
        books.tables_key(dataset, ("customers", "reps", "targets", "surveys", "complaints")),
        p.label, int(dataset.fiscal_start_month), str(dataset.as_of),
        tuple(sorted(weights.items())), bool(with_clv), tuple(sorted(clv.items())),
        float(confidence), int(min_n), int(rank_draws), int(seed),
    )  # fmt: skip
    return books.remembered(
        "rep_assessment",
        parts,
        lambda: _assess(dataset, p, weights, with_clv, clv, confidence, min_n, rank_draws, seed),
    )


def _assess(dataset, p, weights, with_clv, clv, confidence, min_n, rank_draws, seed):
    if dataset.as_of is not None and not p.is_complete(dataset.as_of):
        raise InsufficientData(
            _("{period} is still in progress; reps are assessed on a complete period.").format(
                period=p.label
            )
        )
    if dataset.reps.empty:
        raise InsufficientData(_("There is no reps table, so there is no one to assess."))
    data = dataset.until(p.end)
    strata = customer_strata(data, p.start)
    reps = dataset.reps.set_index("rep_id")
    table = pd.DataFrame(index=pd.Index(reps.index.astype(str), name="rep_id"))
    table["name"] = reps["name"].astype("string").fillna(pd.Series(reps.index, index=reps.index))
    table["region"] = reps["region"].astype(str)
    company: dict[str, float] = {}

    att = attainment(data.in_period("orders", p), period_targets(dataset.targets, p))
    att = att[att["level"] == "rep"].set_index("rep_id")
    table["revenue_target"] = att["target"].reindex(table.index)
    table["revenue_actual"] = att["actual"].reindex(table.index).fillna(0.0)
    table["revenue_attainment"] = att["attainment"].reindex(table.index)
    tot_t = att["target"].sum()
    company["revenue"] = (
        float(att["actual"][att["target"].notna()].sum() / tot_t) if tot_t else math.nan
    )
    orders_p = data.in_period("orders", p)
    by_rep = orders_p.groupby("rep_id")["amount"]
    table["revenue_n"] = by_rep.size().reindex(table.index).fillna(0).astype(int)
    # revenue as a compound Poisson sum of orders: var(sum) = sum of squared amounts
    rev_se = np.sqrt(by_rep.apply(lambda a: float((a.astype(float) ** 2).sum())))
    att_se = rev_se.reindex(table.index) / table["revenue_target"]
    pts = 100.0 * (table["revenue_attainment"] - company["revenue"])
    pts = pts.clip(-REVENUE_CAP, REVENUE_CAP)
    table["revenue_points"] = pts
    table["revenue_se"] = 100.0 * att_se
    z = norm.ppf(0.5 + confidence / 2)
    table["revenue_low"] = pts - z * table["revenue_se"]
    table["revenue_high"] = pts + z * table["revenue_se"]
    table["revenue_flag"] = [
        _flag(a, b, n, min_n)
        for a, b, n in zip(
            table["revenue_low"], table["revenue_high"], table["revenue_n"], strict=True
        )
    ]

    units = _units(data, p, strata, with_clv, clv)
    for comp in ("nps", "retention", "complaint_rate", "clv"):
        cols = ["n", "observed", "expected", "adjusted", "points", "low", "high", "se", "flag"]
        if comp not in units or units[comp].empty:  # no data for it (e.g. no surveys)
            for c in cols:
                table[f"{comp}_{c}"] = 0 if c == "n" else ("" if c == "flag" else math.nan)
            company[comp] = math.nan
            continue
        u = units[comp].merge(
            strata[["stratum", "rep_id"]], left_on="customer_id", right_index=True
        )
        u = u[u["rep_id"].notna()]
        std = indirect_standardise(
            u.rename(columns={"rep_id": "group"}), confidence=confidence
        ).reindex(table.index)
        company[comp] = (
            float(std["overall"].dropna().iloc[0]) if std["n"].notna().any() else math.nan
        )
        table[f"{comp}_n"] = std["n"].fillna(0).astype(int)
        table[f"{comp}_observed"] = std["observed"]
        table[f"{comp}_expected"] = std["expected"]
        table[f"{comp}_adjusted"] = company[comp] + std["diff"]
        sign = -1.0 if comp in NEGATIVE else 1.0
        pts, lo, hi = sign * std["diff"], sign * std["low"], sign * std["high"]
        table[f"{comp}_points"] = pts
        table[f"{comp}_low"], table[f"{comp}_high"] = np.minimum(lo, hi), np.maximum(lo, hi)
        table[f"{comp}_se"] = std["se"]
        table[f"{comp}_flag"] = [
            _flag(a, b, n, min_n)
            for a, b, n in zip(
                table[f"{comp}_low"], table[f"{comp}_high"], table[f"{comp}_n"], strict=True
            )
        ]

    # weighted score over the components each rep has
    comps = list(DEFAULT_WEIGHTS)
    pts = np.column_stack([table[f"{c}_points"].to_numpy(float) for c in comps])
    se = np.column_stack([table[f"{c}_se"].to_numpy(float) for c in comps])
    n = np.column_stack([table[f"{c}_n"].to_numpy(float) for c in comps])
    ok = np.isfinite(pts) & (np.isfinite(se)) & ((n >= min_n) | (np.array(comps) == "revenue"))
    w = np.array([weights.get(c, 0.0) for c in comps])[None, :] * ok
    wsum = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        wn = w / wsum[:, None]
        score = np.where(wsum > 0, np.nansum(np.where(ok, pts, 0) * wn, axis=1), np.nan)
        sse = np.sqrt(np.nansum(np.where(ok, se, 0) ** 2 * wn**2, axis=1))
    z = norm.ppf(0.5 + confidence / 2)
    table["score"], table["score_se"] = score, np.where(wsum > 0, sse, np.nan)
    table["score_low"] = table["score"] - z * table["score_se"]
    table["score_high"] = table["score"] + z * table["score_se"]
    table["score_flag"] = [
        _flag(a, b, min_n, min_n)
        for a, b in zip(table["score_low"], table["score_high"], strict=True)
    ]
    has = table["score"].notna().to_numpy()
    table["rank"] = table["score"].rank(ascending=False, method="min")
    rank_lo = np.full(len(table), np.nan)
    rank_hi = np.full(len(table), np.nan)
    if has.sum() > 1:
        rng = np.random.default_rng(seed)
        sc, s2 = table["score"].to_numpy(float)[has], table["score_se"].to_numpy(float)[has]
        draws = rng.normal(sc[:, None], s2[:, None], size=(has.sum(), rank_draws))
        ranks = (-draws).argsort(axis=0).argsort(axis=0) + 1
        a = (1 - confidence) / 2
        rank_lo[has] = np.quantile(ranks, a, axis=1, method="inverted_cdf")
        rank_hi[has] = np.quantile(ranks, 1 - a, axis=1, method="inverted_cdf")
    table["rank_low"], table["rank_high"] = rank_lo, rank_hi
    table = table.sort_values(["rank", "region"], na_position="last", kind="stable")
    return Assessment(table, company, weights, p.label, confidence, min_n)
