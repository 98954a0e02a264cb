"""Customer satisfaction survey analysis.

Net Promoter Score, CSAT and CES with confidence intervals, Likert distributions,
scale reliability (Cronbach's alpha with Feldt's interval), key-driver analysis
(Johnson's relative weights), group and period comparisons with Holm correction,
small-sample suppression, response and complaint metrics, and the link between NPS
group and later repeat purchase.

Every estimate is a :class:`salesmeasure.stats.Estimate`. Missing scores (``NaN``) are
item non-response: they are excluded from the estimate that uses that item and are
counted in ``Estimate.notes``; any other bad value (out of range, not a whole number)
raises ``ValueError`` naming the column and the value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as _st

from salesmeasure.stats import MIN_N, Estimate, holm, mean_t, proportion, z_value

__all__ = [
    "ITEMS",
    "SCALES",
    "MAX_WIDTH",
    "NPS_GROUPS",
    "LIKERT_LABELS",
    "TOO_FEW",
    "TOO_FEW_COMPLAINTS",
    "validate_scores",
    "nps_group",
    "latest_nps_group",
    "nps_shares",
    "nps",
    "csat",
    "ces",
    "metric_estimate",
    "is_suppressed",
    "display",
    "headline",
    "by_group",
    "by_period",
    "likert_distribution",
    "cronbach_alpha",
    "relative_weights",
    "KeyDrivers",
    "key_drivers",
    "newcombe_difference",
    "Comparison",
    "compare",
    "compare_periods",
    "response_metrics",
    "complaint_metrics",
    "RetentionByNPS",
    "retention_by_nps",
    "sample_sizes",
    "DRIVERS_MIN_N",
    "metric_name",
    "compare_many",
    "headline_table",
    "describe_headline",
    "describe_likert",
    "reliability_table",
    "describe_reliability",
    "drivers_table",
    "describe_drivers",
    "describe_groups",
    "groups_table",
    "complaints_table",
    "describe_complaints",
    "describe_retention",
    "responses_table",
]

#: The three 1-5 Likert items of the survey (the key drivers).
ITEMS: tuple[str, ...] = ("q_product_quality", "q_service_level", "q_after_sales")

#: Valid (min, max) of every score column; all are whole numbers.
SCALES: dict[str, tuple[int, int]] = {
    "nps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    **{item: (1, 5) for item in ITEMS},
}

#: An interval wider than this is "too wide to read" and the estimate is suppressed.
#: NPS in points (at n = 30 a typical NPS interval is about 55 points wide), CSAT as a
#: share, CES and items in scale points, Cronbach's alpha in its own units.
MAX_WIDTH: dict[str, float] = {
    "nps": 60.0,
    "csat": 0.40,
    "ces": 2.0,
    **{item: 1.5 for item in ITEMS},
    "alpha": 0.4,
}

#: NPS groups in report order.
NPS_GROUPS: tuple[str, ...] = ("promoter", "passive", "detractor")

#: Labels of the 1-5 Likert levels (3 is the neutral midpoint).
LIKERT_LABELS: dict[int, str] = {
    1: "1 very poor",
    2: "2 poor",
    3: "3 neutral",
    4: "4 good",
    5: "5 very good",
}

#: What a report shows instead of a suppressed number.
TOO_FEW = "too few responses"
TOO_FEW_COMPLAINTS = "too few complaints"

_UNITS = {"nps": "", "csat": "%", "ces": ""}


# ---------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------


def validate_scores(scores, name: str, *, scale: tuple[int, int] | None = None) -> np.ndarray:
    """Check a score column and return its answered values as a float array.

    ``NaN`` is item non-response and is removed; anything else outside ``scale`` or
    not a whole number raises ``ValueError`` naming ``name`` and the offending value.
    """
    if scale is None:
        if name not in SCALES:
            raise ValueError(f"no known scale for column {name!r}; pass scale=(min, max)")
        scale = SCALES[name]
    try:
        x = np.asarray(pd.to_numeric(pd.Series(scores), errors="raise"), dtype=float)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"column {name!r} holds a non-numeric score: {exc}") from None
    x = x[~np.isnan(x)]
    lo, hi = scale
    bad = (x < lo) | (x > hi) | (x != np.round(x))
    if bad.any():
        raise ValueError(
            f"column {name!r} holds {int(bad.sum())} score(s) outside the whole numbers "
            f"{lo}..{hi}, e.g. {float(x[bad][0]):g}"
        )
    return x


def _check_column(series: pd.Series, name: str) -> None:
    """Known score columns are range-checked; any other column must be numeric."""
    if name in SCALES:
        validate_scores(series, name)
    elif not pd.api.types.is_numeric_dtype(series):
        raise ValueError(f"column {name!r} must be numeric, got dtype {series.dtype}")


def _n_missing(scores) -> int:
    return int(pd.isna(pd.Series(scores)).sum())


def _notes(scores) -> tuple[str, ...]:
    k = _n_missing(scores)
    return (f"{k} non-response(s) excluded",) if k else ()


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")


def _need_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: column(s) {missing} not found; have {list(df.columns)}")


# ---------------------------------------------------------------------------
# NPS, CSAT, CES
# ---------------------------------------------------------------------------


def nps_group(scores) -> pd.Series:
    """Classify 0-10 scores as promoter (9-10), passive (7-8) or detractor (0-6).

    Missing scores stay missing. Returns an ordered categorical Series.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review
    81(12), 46-54.
    """
    s = pd.Series(scores)
    validate_scores(s, "nps")
    s = pd.to_numeric(s).astype(float)
    out = pd.Series(pd.NA, index=s.index, dtype="object")
    out[s >= 9] = "promoter"
    out[(s >= 7) & (s <= 8)] = "passive"
    out[s <= 6] = "detractor"
    return out.astype(pd.CategoricalDtype(list(NPS_GROUPS), ordered=True))


def latest_nps_group(surveys: pd.DataFrame, end=None) -> pd.Series:
    """Each customer's NPS group from their latest answered NPS on or before ``end``.

    The one definition of "a customer's NPS group" in the suite (the survey report, the
    executive summary and the retention report all use it).

    Parameters
    ----------
    surveys : DataFrame with ``customer_id``, ``survey_date`` and ``nps`` (``response_id``,
        when present, breaks ties between two answers on the same day).
    end : last day counted (anything :class:`pandas.Timestamp` accepts); ``None`` counts
        every answer.

    Returns
    -------
    Series indexed by ``customer_id`` (named ``nps_group``), ordered categorical
    ``promoter`` / ``passive`` / ``detractor`` as in :func:`nps_group`. Customers whose
    answers up to ``end`` are all missing are left out.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. HBR 81(12), 46-54.
    """
    _need_columns(surveys, ["customer_id", "survey_date", "nps"], "latest_nps_group")
    s = surveys[surveys["nps"].notna()]
    if end is not None:
        s = s[pd.to_datetime(s["survey_date"]) <= pd.Timestamp(end)]
    keys = ["customer_id", "survey_date"] + (["response_id"] if "response_id" in s else [])
    s = s.sort_values(keys, kind="stable")
    last = s.groupby("customer_id", sort=True).tail(1)
    out = nps_group(last["nps"].to_numpy())
    out.index = pd.Index(last["customer_id"].to_numpy(), name="customer_id")
    return out.rename("nps_group")


def nps_shares(scores) -> pd.Series:
    """Shares of promoters, passives and detractors among answered NPS scores."""
    x = validate_scores(scores, "nps")
    n = x.size
    counts = np.array([(x >= 9).sum(), ((x >= 7) & (x <= 8)).sum(), (x <= 6).sum()])
    shares = counts / n if n else np.full(3, np.nan)
    return pd.Series(shares, index=list(NPS_GROUPS), name="share").rename_axis("group")


def _nps_var(pp: float, pd_: float) -> float:
    # variance of the +1 / 0 / -1 coding of one response
    return pp + pd_ - (pp - pd_) ** 2


def nps(
    scores,
    *,
    confidence: float = 0.95,
    method: str = "adjusted_wald",
    n_boot: int = 4000,
    seed: int = 0,
) -> Estimate:
    """Net Promoter Score in points (-100..100) with a confidence interval.

    Parameters
    ----------
    scores : array-like of 0-10 whole numbers; ``NaN`` = no answer (excluded, noted).
    confidence : nominal coverage of the interval.
    method : ``"wald"``, ``"adjusted_wald"`` or ``"bootstrap"``.
        * ``wald``: NPS +/- z * sqrt(var / n), where var is the variance of the
          +1 (promoter) / 0 (passive) / -1 (detractor) coding,
          ``p_P + p_D - (p_P - p_D)^2``.
        * ``adjusted_wald``: add 3/4 of a response to promoters and to detractors
          (n + 3 in all: the passives get the other 3/2) and compute the Wald interval
          from the adjusted shares. Better coverage for small n and extreme scores.
          The point value is still the observed NPS; the interval is centred on the
          adjusted NPS (reported in ``notes``).
        * ``bootstrap``: percentile interval of ``n_boot`` multinomial resamples of the
          three group counts with a seeded generator (``seed``).

    Returns
    -------
    Estimate with ``value`` in NPS points; the interval is clipped to [-100, 100].

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. HBR 81(12), 46-54.
    Rocks, B. (2016). Interval estimation for the "net promoter score".
    The American Statistician 70(4), 365-372.
    Sauro, J., & Lewis, J. R. (2016). Quantifying the User Experience (2nd ed.),
    Morgan Kaufmann; Sauro, J. (2021). "Confidence intervals for Net Promoter Scores",
    MeasuringU.
    Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
    """
    _check_confidence(confidence)
    x = validate_scores(scores, "nps")
    notes = _notes(scores)
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, method, confidence, notes)
    n_p = float((x >= 9).sum())
    n_d = float((x <= 6).sum())
    value = 100.0 * (n_p - n_d) / n
    z = z_value(confidence)
    if method == "wald":
        pp, pd_ = n_p / n, n_d / n
        half = z * math.sqrt(_nps_var(pp, pd_) / n)
        centre = pp - pd_
    elif method == "adjusted_wald":
        na = n + 3.0
        pp, pd_ = (n_p + 0.75) / na, (n_d + 0.75) / na
        centre = pp - pd_
        half = z * math.sqrt(_nps_var(pp, pd_) / na)
        notes = notes + (f"interval centred on the adjusted NPS {100 * centre:.1f}",)
    elif method == "bootstrap":
        if n_boot < 100:
            raise ValueError(f"n_boot must be at least 100, got {n_boot}")
        rng = np.random.default_rng(seed)
        probs = np.array([n_p, n - n_p - n_d, n_d]) / n
        counts = rng.multinomial(n, probs, size=n_boot)
        boot = 100.0 * (counts[:, 0] - counts[:, 2]) / n
        a = (1 - confidence) / 2
        lo, hi = np.quantile(boot, [a, 1 - a])
        return Estimate(value, float(lo), float(hi), n, method, confidence, notes)
    else:
        raise ValueError(f"method must be 'wald', 'adjusted_wald' or 'bootstrap', got {method!r}")
    lo = max(-100.0, 100.0 * (centre - half))
    hi = min(100.0, 100.0 * (centre + half))
    return Estimate(value, lo, hi, n, method, confidence, notes)


def csat(
    scores,
    *,
    top_box: int = 2,
    scale: tuple[int, int] = (1, 5),
    confidence: float = 0.95,
    name: str = "csat",
) -> Estimate:
    """CSAT: share of answers in the top ``top_box`` boxes, with a Wilson interval.

    With the default 1-5 scale and ``top_box=2`` this is the share answering 4 or 5.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22(158), 209-212.
    Hayes, B. E. (2008). Measuring Customer Satisfaction and Loyalty (3rd ed.).
    ASQ Quality Press (top-box scoring).
    """
    _check_confidence(confidence)
    lo, hi = scale
    if not 1 <= top_box <= hi - lo:
        raise ValueError(f"top_box must be between 1 and {hi - lo}, got {top_box}")
    x = validate_scores(scores, name, scale=scale)
    k = int((x >= hi - top_box + 1).sum())
    est = proportion(k, int(x.size), confidence=confidence, method=f"wilson top-{top_box}-box")
    return Estimate(
        est.value, est.ci_low, est.ci_high, est.n, est.method, confidence, _notes(scores)
    )


def ces(
    scores,
    *,
    method: str = "t",
    scale: tuple[int, int] = (1, 7),
    confidence: float = 0.95,
    n_boot: int = 4000,
    seed: int = 0,
    name: str = "ces",
) -> Estimate:
    """Customer Effort Score: mean of the 1-7 scores (7 = very easy) with an interval.

    ``method="t"`` gives the Student-t interval; ``"bootstrap"`` a percentile interval of
    ``n_boot`` resampled means from a seeded generator.

    References
    ----------
    Dixon, M., Freeman, K., & Toman, N. (2010). Stop trying to delight your customers.
    Harvard Business Review 88(7/8), 116-122 (Customer Effort Score).
    Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.
    """
    _check_confidence(confidence)
    x = validate_scores(scores, name, scale=scale)
    notes = _notes(scores)
    if method == "t":
        e = mean_t(x, confidence=confidence)
        return Estimate(e.value, e.ci_low, e.ci_high, e.n, "t", confidence, notes)
    if method == "bootstrap":
        n = x.size
        if n == 0:
            return Estimate(math.nan, math.nan, math.nan, 0, method, confidence, notes)
        rng = np.random.default_rng(seed)
        # resampling n answers = a multinomial draw over the distinct answer values
        values, counts = np.unique(x, return_counts=True)
        boot = rng.multinomial(n, counts / n, size=n_boot) @ values / n
        a = (1 - confidence) / 2
        lo, hi = np.quantile(boot, [a, 1 - a])
        return Estimate(float(x.mean()), float(lo), float(hi), n, method, confidence, notes)
    raise ValueError(f"method must be 't' or 'bootstrap', got {method!r}")


def metric_estimate(
    df: pd.DataFrame,
    metric: str,
    *,
    confidence: float = 0.95,
    nps_method: str = "adjusted_wald",
) -> Estimate:
    """The estimate of one survey column: NPS, CSAT top-2-box, or a mean (CES, items)."""
    _need_columns(df, [metric], "metric_estimate")
    if metric == "nps":
        return nps(df[metric], confidence=confidence, method=nps_method)
    if metric == "csat":
        return csat(df[metric], confidence=confidence)
    if metric in SCALES:
        return ces(df[metric], scale=SCALES[metric], confidence=confidence, name=metric)
    raise ValueError(f"unknown metric {metric!r}; expected one of {list(SCALES)}")


# ---------------------------------------------------------------------------
# suppression and display
# ---------------------------------------------------------------------------


def is_suppressed(est: Estimate, metric: str | None = None, *, min_n: int = MIN_N) -> bool:
    """True when ``est`` rests on fewer than ``min_n`` responses or its interval is
    wider than :data:`MAX_WIDTH` for ``metric`` (too wide to read).

    References
    ----------
    AAPOR (2023). Standard Definitions, and common statistical-agency practice
    (e.g. U.S. NCHS Data Presentation Standards for Proportions, 2017) of suppressing
    estimates from small or imprecise samples.
    """
    max_width = MAX_WIDTH.get(metric) if metric else None
    return est.suppressed(min_n=min_n, max_width=max_width)


def display(est: Estimate, metric: str, *, min_n: int = MIN_N) -> str:
    """Report text for an estimate, or :data:`TOO_FEW` when it is suppressed."""
    if is_suppressed(est, metric, min_n=min_n):
        return TOO_FEW
    if metric == "csat":
        scaled = Estimate(100 * est.value, 100 * est.ci_low, 100 * est.ci_high, est.n, est.method)
        return scaled.format("{:.0f}", unit="%")
    if metric == "nps":
        return est.format("{:+.0f}")
    return est.format("{:.2f}")


def _row(est: Estimate, metric: str, min_n: int) -> dict:
    sup = is_suppressed(est, metric, min_n=min_n)
    return {
        "metric": metric,
        "value": est.value,
        "ci_low": est.ci_low,
        "ci_high": est.ci_high,
        "n": est.n,
        "method": est.method,
        "suppressed": sup,
        "display": display(est, metric, min_n=min_n),
    }


def headline(
    df: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("nps", "csat", "ces"),
    confidence: float = 0.95,
    nps_method: str = "adjusted_wald",
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """NPS, CSAT and CES of ``df`` as a table (one row per metric, with display text)."""
    rows = [
        _row(metric_estimate(df, m, confidence=confidence, nps_method=nps_method), m, min_n)
        for m in metrics
    ]
    out = pd.DataFrame(rows).set_index("metric")
    out.attrs["confidence"] = confidence
    return out


def by_group(
    df: pd.DataFrame,
    metric: str,
    by: str,
    *,
    confidence: float = 0.95,
    nps_method: str = "adjusted_wald",
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """One estimate of ``metric`` per value of column ``by`` (e.g. region), with the
    suppression flag and display text; rows sorted by group."""
    _need_columns(df, [metric, by], "by_group")
    if df[by].isna().any():
        raise ValueError(f"column {by!r} has {int(df[by].isna().sum())} missing value(s)")
    rows = []
    for g, part in df.groupby(by, sort=True, observed=True):
        r = _row(
            metric_estimate(part, metric, confidence=confidence, nps_method=nps_method),
            metric,
            min_n,
        )
        r[by] = g
        rows.append(r)
    cols = [by, "metric", "value", "ci_low", "ci_high", "n", "method", "suppressed", "display"]
    return pd.DataFrame(rows, columns=cols).set_index(by)


def by_period(
    df: pd.DataFrame,
    metric: str,
    *,
    date_col: str = "survey_date",
    freq: str = "Q",
    fiscal_start_month: int = 1,
    confidence: float = 0.95,
    nps_method: str = "adjusted_wald",
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """``metric`` per period of ``date_col`` -- a trend with intervals.

    ``freq`` is a :class:`salesmeasure.periods.Period` kind ("M", "Q", "H" or "FY");
    quarters, halves and years follow ``fiscal_start_month``. The index holds period
    labels such as ``"2026Q3"``, every period from the first to the last date included:
    a period without responses is a row with ``n = 0``, suppressed, not a silent gap.
    """
    from salesmeasure.periods import Period

    _need_columns(df, [metric, date_col], "by_period")
    if freq not in {"M", "Q", "H", "FY"}:
        raise ValueError(f"freq must be 'M', 'Q', 'H' or 'FY', got {freq!r}")
    dates = pd.to_datetime(df[date_col])
    if dates.isna().any():
        raise ValueError(f"column {date_col!r} has {int(dates.isna().sum())} missing date(s)")
    cols = ["metric", "value", "ci_low", "ci_high", "n", "method", "suppressed", "display"]
    if dates.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="period"))
    months = dates.dt.to_period("M")
    label_of = {
        m: Period.from_timestamp(m.start_time, freq, fiscal_start_month=fiscal_start_month)
        for m in months.unique()
    }
    labels = months.map(lambda m: label_of[m].label)
    first, last = (
        min(label_of.values(), key=lambda p: p.start),
        max(label_of.values(), key=lambda p: p.start),
    )
    order = [first]
    while order[-1].start < last.start:
        order.append(order[-1].next())
    rows = []
    for p in order:
        part = df[(labels == p.label).to_numpy()]
        est = metric_estimate(part, metric, confidence=confidence, nps_method=nps_method)
        rows.append({"period": p.label, **_row(est, metric, min_n)})
    return pd.DataFrame(rows).set_index("period")[cols]


# ---------------------------------------------------------------------------
# Likert distributions and reliability
# ---------------------------------------------------------------------------


def likert_distribution(
    df: pd.DataFrame, items: Sequence[str] = ITEMS, *, scale: tuple[int, int] = (1, 5)
) -> pd.DataFrame:
    """Share of answers at each level of each Likert item.

    Returns a DataFrame indexed by item with one column per level (1..5, shares that sum
    to 1 over the answered responses), plus ``n`` (answers) and ``mean``.
    """
    _need_columns(df, items, "likert_distribution")
    lo, hi = scale
    levels = list(range(lo, hi + 1))
    rows = {}
    for item in items:
        x = validate_scores(df[item], item, scale=scale)
        n = x.size
        counts = np.array([(x == lv).sum() for lv in levels], dtype=float)
        shares = counts / n if n else np.full(len(levels), np.nan)
        rows[item] = [*shares, n, float(x.mean()) if n else math.nan]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[*levels, "n", "mean"])
    out["n"] = out["n"].astype(int)
    out.index.name = "item"
    return out


def cronbach_alpha(
    items: pd.DataFrame, *, confidence: float = 0.95, nan_policy: str = "pairwise"
) -> Estimate:
    """Cronbach's alpha of a set of items with Feldt's F-based confidence interval.

    ``alpha = k / (k - 1) * (1 - trace(C) / sum(C))`` with ``C`` the item covariance
    matrix. ``nan_policy="listwise"`` uses only respondents who answered every item;
    ``"pairwise"`` estimates each covariance from the respondents who answered both
    items (using everything that was answered) and, conservatively, takes the smallest
    pairwise count as ``n`` for the interval.

    The interval uses ``(1 - alpha) / (1 - alpha_hat) ~ F(n - 1, (n - 1)(k - 1))``:
    ``[1 - (1 - a) F_{1-g/2}, 1 - (1 - a) F_{g/2}]`` with ``g = 1 - confidence``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3), 297-334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
    reliability coefficient twenty. Psychometrika 30(3), 357-370.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
    coefficient alpha. Applied Psychological Measurement 11(1), 93-103.
    """
    _check_confidence(confidence)
    if not isinstance(items, pd.DataFrame):
        raise ValueError("items must be a DataFrame with one column per item")
    k = items.shape[1]
    if k < 2:
        raise ValueError(f"Cronbach's alpha needs at least 2 items, got {k}")
    for c in items.columns:
        _check_column(items[c], str(c))
    data = items.astype(float)
    n_total = len(data)
    complete = data.dropna()
    if nan_policy == "listwise":
        cov = complete.cov().to_numpy()
        n = len(complete)
        notes = (
            (f"{n_total - n} respondent(s) with a missing item excluded (listwise)",)
            if n < n_total
            else ()
        )
    elif nan_policy == "pairwise":
        cov = data.cov().to_numpy()
        mask = data.notna().to_numpy().astype(int)
        n = int((mask.T @ mask).min())
        notes = ("pairwise covariances; n is the smallest pairwise count",) if n < n_total else ()
    else:
        raise ValueError(f"nan_policy must be 'pairwise' or 'listwise', got {nan_policy!r}")
    method = f"feldt ({nan_policy})"
    if n < 3 or not np.isfinite(cov).all() or cov.sum() <= 0:
        return Estimate(math.nan, math.nan, math.nan, int(n), method, confidence, notes)
    alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    df1 = n - 1
    df2 = df1 * (k - 1)
    g = 1 - confidence
    lo = 1 - (1 - alpha) * _st.f.ppf(1 - g / 2, df1, df2)
    hi = 1 - (1 - alpha) * _st.f.ppf(g / 2, df1, df2)
    return Estimate(float(alpha), float(lo), float(hi), int(n), method, confidence, notes)


# ---------------------------------------------------------------------------
# key drivers
# ---------------------------------------------------------------------------


def relative_weights(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Johnson's relative weights from a correlation matrix.

    ``corr`` is the (k+1)x(k+1) correlation matrix of the k drivers followed by the
    outcome (last row/column). Returns ``(weights, betas, r_squared)``: raw relative
    weights (they sum to R^2), standardized regression coefficients and R^2.

    The driver correlation matrix is factored ``Rxx = V diag(l) V'`` and
    ``L = V diag(sqrt(l)) V'``; the outcome is regressed on the orthogonal variables
    ``Z`` (``b = L^-1 rxy``) and ``weight_j = sum_k L_jk^2 b_k^2``.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. Multivariate Behavioral Research 35(1),
    1-19.
    Tonidandel, S., & LeBreton, J. M. (2011). Relative importance analysis: a useful
    supplement to regression analysis. Journal of Business and Psychology 26(1), 1-9.
    """
    r = np.asarray(corr, dtype=float)
    rxx, rxy = r[:-1, :-1], r[:-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    if evals.min() <= 1e-10:
        raise ValueError("drivers are perfectly collinear; relative weights are undefined")
    lam = (evecs * np.sqrt(evals)) @ evecs.T
    b = np.linalg.solve(lam, rxy)
    weights = (lam**2) @ (b**2)
    betas = np.linalg.solve(rxx, rxy)
    return weights, betas, float(weights.sum())


def _corr_from_moments(s1: np.ndarray, s2: np.ndarray, w: np.ndarray) -> np.ndarray:
    # s1: (..., p) weighted sums, s2: (..., p, p) weighted cross products, w: (...) totals
    mean = s1 / w[..., None]
    cov = s2 / w[..., None, None] - mean[..., :, None] * mean[..., None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=-2, axis2=-1), 0, None))
    return cov / (sd[..., :, None] * sd[..., None, :])


def _batch_relative_weights(corr: np.ndarray) -> np.ndarray:
    """:func:`relative_weights` for a stack of correlation matrices (B, p, p); rows whose
    driver matrix is singular or undefined come back as NaN."""
    rxx, rxy = corr[:, :-1, :-1], corr[:, :-1, -1]
    ok = np.isfinite(corr).all(axis=(1, 2))
    out = np.full(rxy.shape, np.nan)
    if not ok.any():
        return out
    evals, evecs = np.linalg.eigh(rxx[ok])
    good = evals.min(axis=1) > 1e-10
    evals, evecs = np.clip(evals, 1e-300, None), evecs
    lam = (evecs * np.sqrt(evals)[:, None, :]) @ np.swapaxes(evecs, 1, 2)
    b = np.linalg.solve(lam, rxy[ok][..., None])[..., 0]
    w = np.einsum("bjk,bk->bj", lam**2, b**2)
    w[~good] = np.nan
    out[ok] = w
    return out


def _bootstrap_weights(x: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Relative weights of ``n_boot`` case resamples of the rows of ``x`` (drivers then
    outcome). Survey answers take few distinct row patterns, so resampling n rows is
    drawn as a multinomial over the distinct patterns and each resample's correlation
    matrix comes from weighted moments -- the same distribution as resampling rows, at
    a cost that does not grow with n. Degenerate resamples are dropped."""
    rows, freq = np.unique(x, axis=0, return_counts=True)
    n = x.shape[0]
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, int(4_000_000 // max(len(rows), 1))))
    parts = []
    for start in range(0, n_boot, chunk):
        m = min(chunk, n_boot - start)
        counts = rng.multinomial(n, freq / n, size=m).astype(float)
        s1 = counts @ rows
        s2 = np.einsum("bi,ij,ik->bjk", counts, rows, rows, optimize=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = _corr_from_moments(s1, s2, counts.sum(axis=1))
        parts.append(_batch_relative_weights(corr))
    boot = np.concatenate(parts)
    return boot[np.isfinite(boot).all(axis=1)]


@dataclass(frozen=True)
class KeyDrivers:
    """Result of :func:`key_drivers`.

    Attributes
    ----------
    table : DataFrame indexed by driver with ``weight`` (raw relative weight),
        ``ci_low``/``ci_high`` (bootstrap percentile interval), ``share`` (weight / R^2),
        ``beta`` (standardized coefficient), ``p_top`` (share of bootstrap samples in
        which the driver ranks first), ``rank``, ``mean`` (current performance),
        ``importance``/``performance`` quadrant positions and ``quadrant``.
    r_squared : Estimate of the model R^2 (bootstrap interval).
    outcome : the outcome column.
    n : complete responses used.
    n_incomplete : responses left out because the outcome or a driver was missing.
    """

    table: pd.DataFrame
    r_squared: Estimate
    outcome: str
    n: int
    n_incomplete: int
    notes: tuple[str, ...] = field(default=())


def _quadrant(high_importance: bool, high_performance: bool) -> str:
    if high_importance and high_performance:
        return "keep up the good work"
    if high_importance:
        return "concentrate here"
    if high_performance:
        return "possible overkill"
    return "low priority"


def key_drivers(
    df: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str] = ITEMS,
    *,
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> KeyDrivers:
    """Key-driver analysis: Johnson's relative weights with bootstrap intervals,
    standardized betas and each driver's current mean, for an importance-performance
    quadrant.

    Uses the responses that answered the outcome and every driver (the count left out
    is reported as ``n_incomplete``). Bootstrap: ``n_boot`` case resamples drawn with a
    seeded generator; percentile intervals. The quadrant splits importance (share of
    R^2) at ``1 / k`` (equal importance) and performance at the mean of the driver
    means.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. Multivariate Behavioral Research 35(1),
    1-19.
    Tonidandel, S., LeBreton, J. M., & Johnson, J. W. (2009). Determining the
    statistical significance of relative weights. Psychological Methods 14(4), 387-399.
    Martilla, J. A., & James, J. C. (1977). Importance-performance analysis. Journal of
    Marketing 41(1), 77-79.
    """
    _check_confidence(confidence)
    drivers = list(drivers)
    if len(drivers) < 2:
        raise ValueError(f"key_drivers needs at least 2 drivers, got {drivers}")
    if outcome in drivers:
        raise ValueError(f"outcome {outcome!r} is also listed as a driver")
    _need_columns(df, [*drivers, outcome], "key_drivers")
    for c in [*drivers, outcome]:
        _check_column(df[c], c)
    data = df[[*drivers, outcome]].astype(float)
    complete = data.dropna()
    n = len(complete)
    k = len(drivers)
    if n < k + 3:
        raise ValueError(
            f"key_drivers needs at least {k + 3} complete responses, got {n} "
            f"({len(data) - n} incomplete)"
        )
    x = complete.to_numpy()
    if (x.std(axis=0) == 0).any():
        const = [c for c, s in zip([*drivers, outcome], x.std(axis=0), strict=True) if s == 0]
        raise ValueError(f"column(s) {const} do not vary; relative weights are undefined")
    weights, betas, r2 = relative_weights(np.corrcoef(x, rowvar=False))

    boot = _bootstrap_weights(x, n_boot, seed)
    a = (1 - confidence) / 2
    lo, hi = np.quantile(boot, [a, 1 - a], axis=0)
    r2_b = boot.sum(axis=1)
    p_top = np.bincount(boot.argmax(axis=1), minlength=k) / len(boot)

    means = data[drivers].mean()
    share = weights / r2
    table = pd.DataFrame(
        {
            "weight": weights,
            "ci_low": lo,
            "ci_high": hi,
            "share": share,
            "beta": betas,
            "p_top": p_top,
            "mean": means.to_numpy(),
            "n_answered": data[drivers].notna().sum().to_numpy(),
        },
        index=pd.Index(drivers, name="driver"),
    )
    table["rank"] = table["weight"].rank(ascending=False, method="min").astype(int)
    perf_ref = float(table["mean"].mean())
    table["quadrant"] = [
        _quadrant(s >= 1 / k, m >= perf_ref) for s, m in zip(share, table["mean"], strict=True)
    ]
    r2_est = Estimate(
        r2,
        float(np.quantile(r2_b, a)),
        float(np.quantile(r2_b, 1 - a)),
        n,
        "bootstrap percentile",
        confidence,
    )
    notes = (f"{len(data) - n} incomplete response(s) excluded",) if len(data) > n else ()
    return KeyDrivers(table, r2_est, outcome, n, len(data) - n, notes)


# ---------------------------------------------------------------------------
# comparisons
# ---------------------------------------------------------------------------


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int, *, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Difference of two proportions ``k1/n1 - k2/n2`` with Newcombe's hybrid score
    interval (method 10, built from the two Wilson intervals).

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. Statistics in Medicine 17(8), 873-890.
    """
    from salesmeasure.stats import wilson_interval

    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lo, hi


def _compare_two(a: np.ndarray, b: np.ndarray, metric: str, confidence: float) -> dict:
    """Estimate difference a - b and test it. Arrays hold answered scores."""
    z = z_value(confidence)
    na, nb = a.size, b.size
    if metric == "nps":
        pa, da = (a >= 9).mean(), (a <= 6).mean()
        pb, db = (b >= 9).mean(), (b <= 6).mean()
        va, vb = _nps_var(pa, da) / na, _nps_var(pb, db) / nb
        diff = (pa - da) - (pb - db)
        se = math.sqrt(va + vb)
        stat = diff / se if se > 0 else math.nan
        p = 2 * _st.norm.sf(abs(stat)) if se > 0 else math.nan
        return {
            "value_a": 100 * (pa - da),
            "value_b": 100 * (pb - db),
            "difference": 100 * diff,
            "diff_ci_low": 100 * (diff - z * se),
            "diff_ci_high": 100 * (diff + z * se),
            "test": "z (NPS difference, summed variances)",
            "statistic": stat,
            "p_value": p,
        }
    if metric == "csat":
        ka, kb = int((a >= 4).sum()), int((b >= 4).sum())
        pooled = (ka + kb) / (na + nb)
        se0 = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        d, lo, hi = newcombe_difference(ka, na, kb, nb, confidence=confidence)
        stat = d / se0 if se0 > 0 else math.nan
        p = 2 * _st.norm.sf(abs(stat)) if se0 > 0 else math.nan
        return {
            "value_a": ka / na,
            "value_b": kb / nb,
            "difference": d,
            "diff_ci_low": lo,
            "diff_ci_high": hi,
            "test": "two-proportion z (pooled)",
            "statistic": stat,
            "p_value": p,
        }
    # ordinal scores (CES, Likert items): Mann-Whitney U; difference of means (Welch CI)
    res = _st.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    se = math.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1)) if se > 0 else math.inf
    t = _st.t.ppf(0.5 + confidence / 2, dof) if se > 0 else math.nan
    diff = a.mean() - b.mean()
    return {
        "value_a": a.mean(),
        "value_b": b.mean(),
        "difference": diff,
        "diff_ci_low": diff - t * se,
        "diff_ci_high": diff + t * se,
        "test": "Mann-Whitney U",
        "statistic": float(res.statistic),
        "p_value": float(res.pvalue),
    }


def _comparison_row(
    g, h, a: np.ndarray, b: np.ndarray, metric: str, confidence: float, min_n: int
) -> dict:
    row = {"group": g, "reference": h, "n_a": int(a.size), "n_b": int(b.size)}
    row["suppressed"] = a.size < min_n or b.size < min_n
    if row["suppressed"]:
        row.update(
            value_a=math.nan, value_b=math.nan, difference=math.nan,
            diff_ci_low=math.nan, diff_ci_high=math.nan, test="not tested (too few responses)",
            statistic=math.nan, p_value=math.nan,
        )  # fmt: skip
    else:
        row.update(_compare_two(a, b, metric, confidence))
    return row


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare` / :func:`compare_periods`: one row per comparison."""

    table: pd.DataFrame
    metric: str
    alpha: float


def _holm_flags(table: pd.DataFrame, alpha: float, words: tuple[str, str, str]) -> None:
    """Add Holm-adjusted p-values, ``significant`` and ``direction`` to a comparison
    table in place; untested (suppressed) rows stay out of the Holm family.

    ``words`` = (no significant change, higher, lower) for the ``direction`` column.
    """
    tested = table["p_value"].notna()
    table["p_adjusted"] = math.nan
    if tested.any():
        table.loc[tested, "p_adjusted"] = holm(table.loc[tested, "p_value"].to_numpy())
    table["significant"] = table["p_adjusted"] < alpha
    table["direction"] = np.select(
        [table["suppressed"].astype(bool), ~table["significant"], table["difference"] > 0],
        [TOO_FEW, words[0], words[1]],
        default=words[2],
    )


def compare(
    df: pd.DataFrame,
    metric: str,
    by: str,
    *,
    reference: str | None = "rest",
    confidence: float = 0.95,
    alpha: float = 0.05,
    min_n: int = MIN_N,
) -> Comparison:
    """Compare ``metric`` across the groups of column ``by`` with the appropriate test
    and Holm correction across the comparisons made.

    Parameters
    ----------
    reference : ``"rest"`` compares each group with all other responses pooled (a
        region against the rest of the company); a group label compares every other
        group with that group (e.g. the current period against the previous one);
        ``None`` makes every pairwise comparison.
    alpha : family-wise error rate; ``significant`` is ``p_adjusted < alpha``.
    min_n : a comparison with fewer than ``min_n`` answered responses on either side is
        not tested (``suppressed``), and does not enter the Holm family.

    Tests: NPS -- z test of the difference with variance the sum of the two NPS
    variances; CSAT -- pooled two-proportion z test with Newcombe's interval for the
    difference; CES and Likert items -- two-sided Mann-Whitney U (difference of means
    shown with a Welch interval). Intervals of differences are per comparison
    (not adjusted); significance uses the Holm-adjusted p-value.

    Returns
    -------
    Comparison whose ``table`` has columns group, reference, n_a, n_b, value_a,
    value_b, difference, diff_ci_low, diff_ci_high, test, statistic, p_value,
    p_adjusted, significant, suppressed, direction (NPS and CSAT in points/shares).

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "net promoter score". The American
    Statistician 70(4), 365-372 (variance of NPS and of a difference of NPS).
    Newcombe, R. G. (1998). Statistics in Medicine 17(8), 873-890.
    Mann, H. B., & Whitney, D. R. (1947). Annals of Mathematical Statistics 18(1), 50-60.
    Holm, S. (1979). Scandinavian Journal of Statistics 6(2), 65-70.
    """
    _check_confidence(confidence)
    _need_columns(df, [metric, by], "compare")
    if metric not in SCALES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {list(SCALES)}")
    if df[by].isna().any():
        raise ValueError(f"column {by!r} has {int(df[by].isna().sum())} missing value(s)")
    validate_scores(df[metric], metric)
    groups = sorted(df[by].unique().tolist(), key=str)
    values = {g: df.loc[df[by] == g, metric].dropna().to_numpy(float) for g in groups}
    pairs: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    if reference == "rest":
        for g in groups:
            rest = df.loc[df[by] != g, metric].dropna().to_numpy(float)
            pairs.append((g, "rest", values[g], rest))
    elif reference is None:
        for i, g in enumerate(groups):
            for h in groups[i + 1 :]:
                pairs.append((g, h, values[g], values[h]))
    else:
        if reference not in values:
            raise ValueError(f"reference {reference!r} is not a value of column {by!r}: {groups}")
        for g in groups:
            if g != reference:
                pairs.append((g, reference, values[g], values[reference]))
    rows = [_comparison_row(g, h, a, b, metric, confidence, min_n) for g, h, a, b in pairs]
    cols = [
        "group", "reference", "n_a", "n_b", "value_a", "value_b", "difference",
        "diff_ci_low", "diff_ci_high", "test", "statistic", "p_value", "suppressed",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=cols)
    table["metric"] = metric
    _holm_flags(table, alpha, ("no significant difference", "higher", "lower"))
    return Comparison(table, metric, alpha)


def compare_periods(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("nps", "csat", "ces"),
    labels: tuple[str, str] = ("current", "previous"),
    confidence: float = 0.95,
    alpha: float = 0.05,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Change of each metric from ``previous`` to ``current`` responses, each with its
    appropriate test (see :func:`compare`), Holm-corrected across the metrics.

    Returns one row per metric (index) with the columns of :func:`compare`'s table;
    ``difference`` is current minus previous.
    """
    _check_confidence(confidence)
    _need_columns(current, metrics, "compare_periods (current)")
    _need_columns(previous, metrics, "compare_periods (previous)")
    rows = []
    for m in metrics:
        a = validate_scores(current[m], m)
        b = validate_scores(previous[m], m)
        row = _comparison_row(labels[0], labels[1], a, b, m, confidence, min_n)
        row["metric"] = m
        rows.append(row)
    table = pd.DataFrame(rows).set_index("metric")
    _holm_flags(table, alpha, ("no significant change", "up", "down"))
    return table


# ---------------------------------------------------------------------------
# response, complaint and retention metrics
# ---------------------------------------------------------------------------


def response_metrics(
    surveys: pd.DataFrame,
    active_customers: Iterable[str],
    *,
    items: Sequence[str] = ("nps", "csat", "ces", *ITEMS),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How many responded, and how much of the active base the survey covers.

    Rows: ``responses``, ``respondents`` (distinct customers), ``active customers``,
    ``share of active customers surveyed`` (Wilson interval) and the answer rate of each
    item (Wilson intervals). Columns ``value, ci_low, ci_high, n``.

    References
    ----------
    AAPOR (2023). Standard Definitions: Final Dispositions of Case Codes and Outcome
    Rates for Surveys (10th ed.).
    """
    _need_columns(surveys, ["customer_id", *items], "response_metrics")
    active = pd.Index(pd.unique(pd.Series(list(active_customers), dtype="object")))
    respondents = pd.Index(surveys["customer_id"].unique())
    n_resp = len(surveys)
    rows = {
        "responses": (n_resp, math.nan, math.nan, n_resp),
        "respondents": (len(respondents), math.nan, math.nan, len(respondents)),
        "active customers": (len(active), math.nan, math.nan, len(active)),
    }
    cov = proportion(int(active.isin(respondents).sum()), len(active), confidence=confidence)
    rows["share of active customers surveyed"] = (cov.value, cov.ci_low, cov.ci_high, cov.n)
    for item in items:
        e = proportion(int(surveys[item].notna().sum()), n_resp, confidence=confidence)
        rows[f"answer rate: {item}"] = (e.value, e.ci_low, e.ci_high, e.n)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "ci_low", "ci_high", "n"])
    out.index.name = "measure"
    return out


def _poisson_rate(count: int, exposure: float, confidence: float) -> tuple[float, float]:
    # exact (Garwood) interval for a Poisson count, scaled by exposure
    g = 1 - confidence
    lo = 0.0 if count == 0 else _st.chi2.ppf(g / 2, 2 * count) / 2
    hi = _st.chi2.ppf(1 - g / 2, 2 * count + 2) / 2
    return lo / exposure, hi / exposure


def _km_median(
    days: np.ndarray, event: np.ndarray, confidence: float
) -> tuple[float, float, float]:
    if days.size == 0 or not event.any():
        return (math.nan, math.nan, math.nan)
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(days, event.astype(int))
    med = sf.quantile(0.5)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # S(t) = 1 or 0 at the ends
            lo, hi = sf.quantile_ci(0.5, alpha=1 - confidence)
    except (ValueError, IndexError, ZeroDivisionError):
        lo, hi = math.nan, math.nan
    f = [float(v) if v is not None and np.isfinite(v) else math.nan for v in (med, lo, hi)]
    return f[0], f[1], f[2]


def complaint_metrics(
    complaints: pd.DataFrame,
    n_active: int,
    *,
    as_of,
    by: str | None = "category",
    confidence: float = 0.95,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """Complaint volume, rate, resolution share and time to resolve, overall and by
    ``by`` (a column such as ``category``; ``None`` for the total only).

    Columns: ``complaints``; ``per_100_active`` with an exact Poisson interval
    (``rate_ci_low``/``rate_ci_high``); ``share_resolved`` with a Wilson interval
    (``resolved_ci_low``/``resolved_ci_high``, resolved on or before ``as_of``);
    ``median_days_to_resolve`` from the Kaplan-Meier estimator with still-open complaints
    censored at ``as_of`` (so slow, unresolved complaints are not ignored; the first
    time at which the curve falls below one half, as in SAS PROC LIFETEST), with its
    Brookmeyer-Crowley interval (``days_ci_low``/``days_ci_high``; NaN when the
    curve does not reach the bound). The total row is labelled ``"All"``. ``suppressed``
    flags rows with fewer than ``min_n`` complaints: their share resolved and days to
    resolve are too uncertain to show (the rate itself, a count with an exact interval,
    is still shown).

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28,
    437-442.
    Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete
    observations. JASA 53(282), 457-481.
    Brookmeyer, R., & Crowley, J. (1982). A confidence interval for the median survival
    time. Biometrics 38(1), 29-41.
    """
    _check_confidence(confidence)
    need = ["opened_date", "resolved_date"] + ([by] if by else [])
    _need_columns(complaints, need, "complaint_metrics")
    if n_active < 0:
        raise ValueError(f"n_active must not be negative, got {n_active}")
    as_of = pd.Timestamp(as_of)
    opened = pd.to_datetime(complaints["opened_date"])
    if (opened > as_of).any():
        raise ValueError(f"column 'opened_date' has complaints opened after as_of {as_of:%Y-%m-%d}")
    resolved = pd.to_datetime(complaints["resolved_date"])
    if opened.isna().any():
        raise ValueError(f"column 'opened_date' has {int(opened.isna().sum())} missing date(s)")
    early = resolved < opened
    if early.any():
        raise ValueError(
            f"column 'resolved_date' is before 'opened_date' in {int(early.sum())} row(s), "
            f"e.g. row {complaints.index[early.to_numpy()][0]!r}"
        )
    done = resolved.notna() & (resolved <= as_of)
    end = resolved.where(done, as_of)
    days = (end - opened).dt.days.to_numpy(float)
    frame = pd.DataFrame({"done": done.to_numpy(), "days": days}, index=complaints.index)

    def summarise(mask) -> dict:
        part = frame[mask]
        k = len(part)
        if n_active:
            lo, hi = _poisson_rate(k, n_active / 100.0, confidence)
        else:  # no active customers: the rate is undefined
            lo = hi = math.nan
        res = proportion(int(part["done"].sum()), k, confidence=confidence)
        med, dlo, dhi = _km_median(part["days"].to_numpy(), part["done"].to_numpy(bool), confidence)
        return {
            "complaints": k,
            "per_100_active": 100.0 * k / n_active if n_active else math.nan,
            "rate_ci_low": lo,
            "rate_ci_high": hi,
            "share_resolved": res.value,
            "resolved_ci_low": res.ci_low,
            "resolved_ci_high": res.ci_high,
            "median_days_to_resolve": med,
            "days_ci_low": dlo,
            "days_ci_high": dhi,
            "suppressed": k < min_n,
        }

    rows = {}
    if by:
        if complaints[by].isna().any():
            raise ValueError(
                f"column {by!r} has {int(complaints[by].isna().sum())} missing value(s)"
            )
        for g in sorted(complaints[by].unique().tolist(), key=str):
            rows[g] = summarise((complaints[by] == g).to_numpy())
    rows["All"] = summarise(np.ones(len(complaints), dtype=bool))
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = by or "group"
    return out


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
    window_days: int = 180,
    confidence: float = 0.95,
    min_n: int = MIN_N,
) -> RetentionByNPS:
    """Repeat-purchase rate by NPS group: the share of surveyed customers who ordered
    again within ``window_days`` after their survey.

    Each customer counts once, with their latest answered NPS response whose window
    has ended by ``as_of``. Customers with no such response are left out
    (``n_incomplete``) rather than counted as lost. Rates have Wilson intervals; the promoter-detractor difference has Newcombe's
    interval; independence of group and retention is tested with Pearson's chi-square.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. HBR 81(12), 46-54.
    Keiningham, T. L., Cooil, B., Andreassen, T. W., & Aksoy, L. (2007). A longitudinal
    examination of net promoter and firm revenue growth. Journal of Marketing 71(3),
    39-51.
    Wilson (1927); Newcombe (1998) -- see :func:`csat` and :func:`newcombe_difference`.
    """
    _check_confidence(confidence)
    _need_columns(surveys, ["customer_id", "survey_date", "nps"], "retention_by_nps")
    _need_columns(orders, ["customer_id", "order_date"], "retention_by_nps")
    if window_days <= 0:
        raise ValueError(f"window_days must be positive, got {window_days}")
    as_of = pd.Timestamp(as_of)
    s = surveys.loc[surveys["nps"].notna(), ["customer_id", "survey_date", "nps"]].copy()
    s["group"] = nps_group(s["nps"])
    s["window_end"] = s["survey_date"] + pd.Timedelta(days=window_days)
    complete = s["window_end"] <= as_of
    waiting = s.loc[~complete, "customer_id"].drop_duplicates()
    n_incomplete = int((~waiting.isin(s.loc[complete, "customer_id"])).sum())
    s = s[complete].sort_values("survey_date").drop_duplicates("customer_id", keep="last")
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


def sample_sizes(
    surveys: pd.DataFrame, *, columns: Sequence[str] = ("nps", "csat", "ces", *ITEMS)
) -> pd.DataFrame:
    """Answered and missing counts per score column (item non-response)."""
    _need_columns(surveys, columns, "sample_sizes")
    n = len(surveys)
    answered = surveys[list(columns)].notna().sum()
    out = pd.DataFrame(
        {"answered": answered.astype(int), "missing": (n - answered).astype(int)},
        index=pd.Index(list(columns), name="column"),
    )
    out["share_missing"] = out["missing"] / n if n else math.nan
    out["enough"] = out["answered"] >= MIN_N
    return out


# ---------------------------------------------------------------------------
# several comparisons at once, and report tables / text generated from numbers
# ---------------------------------------------------------------------------

#: Fewest complete responses for a key-driver analysis in a report.
DRIVERS_MIN_N = 50

_NAMES = {
    "nps": "NPS",
    "csat": "CSAT",
    "ces": "CES",
    "q_product_quality": "product quality",
    "q_service_level": "service level",
    "q_after_sales": "after-sales support",
}


def metric_name(metric: str) -> str:
    """Reader-facing name of a survey column."""
    return _NAMES.get(metric, metric.replace("_", " "))


def compare_many(
    df: pd.DataFrame,
    metrics: Sequence[str],
    by: str,
    *,
    reference: str | None = "rest",
    confidence: float = 0.95,
    alpha: float = 0.05,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """:func:`compare` for several metrics, with the Holm correction applied across
    every comparison of every metric (one family), so a report section that scans many
    differences calls few false alarms. One row per (metric, group)."""
    parts = [
        compare(df, m, by, reference=reference, confidence=confidence, alpha=1.0, min_n=min_n).table
        for m in metrics
    ]
    table = pd.concat(parts, ignore_index=True)
    _holm_flags(table, alpha, ("no significant difference", "higher", "lower"))
    return table


def _fmt_value(metric: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    if metric == "nps":
        return f"{value:+.0f}"
    if metric == "csat":
        return f"{100 * value:.0f}%"
    return f"{value:.2f}"


def _fmt_change(metric: str, d: float) -> str:
    if not math.isfinite(d):
        return "n/a"
    if metric == "nps":
        return f"{d:+.0f} points"
    if metric == "csat":
        return f"{100 * d:+.0f} percentage points"
    return f"{d:+.2f}"


def headline_table(head: pd.DataFrame, change: pd.DataFrame | None = None) -> pd.DataFrame:
    """Reader-ready table of :func:`headline` (and, when given, the period change from
    :func:`compare_periods`): text columns, suppressed values as "too few responses"."""
    rows = []
    for m, r in head.iterrows():
        row = {
            "Measure": metric_name(str(m)),
            "This period": r["display"],
            "Responses": f"{int(r['n']):,}",
        }
        if change is not None and m in change.index:
            c = change.loc[m]
            if bool(c["suppressed"]) or bool(r["suppressed"]):
                row["Previous period"] = (
                    TOO_FEW if int(c["n_b"]) < MIN_N else _fmt_value(str(m), c["value_b"])
                )
                row["Change"] = TOO_FEW
                row["Significant?"] = "not tested"
            else:
                row["Previous period"] = _fmt_value(str(m), c["value_b"])
                row["Change"] = _fmt_change(str(m), c["difference"])
                row["Significant?"] = (
                    f"yes (p={c['p_adjusted']:.3f})"
                    if c["significant"]
                    else f"no (p={c['p_adjusted']:.2f})"
                )
        rows.append(row)
    return pd.DataFrame(rows).set_index("Measure")


def describe_headline(
    head: pd.DataFrame,
    change: pd.DataFrame | None,
    *,
    period: str,
    previous: str,
    shares: pd.Series | None = None,
) -> str:
    """A short paragraph on the headline scores and what changed significantly;
    ``shares`` (from :func:`nps_shares`) adds the promoter/detractor split of NPS."""
    parts = []
    shown = head[~head["suppressed"].astype(bool)]
    if shown.empty:
        return (
            f"Too few responses in {period} to report NPS, CSAT or CES "
            f"({int(head['n'].max())} at most, {MIN_N} needed)."
        )
    for m, r in shown.iterrows():
        part = f"{metric_name(str(m))} {r['display']}"
        if m == "nps" and shares is not None:
            part += (
                f" = {100 * shares['promoter']:.0f}% promoters minus "
                f"{100 * shares['detractor']:.0f}% detractors"
            )
        parts.append(part)
    text = (
        f"In {period}: "
        + "; ".join(parts)
        + f" (intervals at {100 * _conf(head):.0f}% confidence)."
    )
    hidden = head.index[head["suppressed"].astype(bool)].tolist()
    if hidden:
        text += " " + ", ".join(metric_name(str(m)) for m in hidden) + f": {TOO_FEW}."
    if change is not None:
        untested = change["suppressed"].astype(bool)
        sig = change[change["significant"].astype(bool) & ~untested]
        flat = [metric_name(str(m)) for m in change.index[~untested] if m not in sig.index]
        if untested.all():
            return text + f" Too few responses to compare with {previous}."
        if len(sig):
            moves = [
                f"{metric_name(str(m))} {'rose' if c['difference'] > 0 else 'fell'} "
                f"{_fmt_change(str(m), abs(c['difference'])).lstrip('+')} from {_fmt_value(str(m), c['value_b'])}"
                for m, c in sig.iterrows()
            ]
            text += (
                f" Compared with {previous}, "
                + "; ".join(moves)
                + " -- a significant change after Holm correction."
            )
            if flat:
                text += f" {', '.join(flat)}: no significant change."
        else:
            text += (
                f" None of the differences from {previous} is statistically significant, "
                "so no change is claimed."
            )
        if untested.any():
            names = ", ".join(metric_name(str(m)) for m in change.index[untested])
            text += f" {names}: not compared ({TOO_FEW} in one of the periods)."
    return text


def _conf(head: pd.DataFrame) -> float:
    return float(head.attrs.get("confidence", 0.95))


def describe_likert(dist: pd.DataFrame) -> str:
    """Which area customers rate best and worst (top-2-box and bottom-2-box shares)."""
    levels = [c for c in dist.columns if isinstance(c, int | np.integer)]
    if dist.empty or int(dist["n"].min()) < MIN_N:
        return f"Item ratings: {TOO_FEW} ({int(dist['n'].min()) if len(dist) else 0} answers)."
    top = dist[levels[-2:]].sum(axis=1)
    bottom = dist[levels[:2]].sum(axis=1)
    best, worst = top.idxmax(), top.idxmin()
    return (
        f"{metric_name(best).capitalize()} is rated best: {100 * top[best]:.0f}% good or very good "
        f"({100 * bottom[best]:.0f}% poor or very poor). {metric_name(worst).capitalize()} is rated "
        f"lowest: {100 * top[worst]:.0f}% good or very good, {100 * bottom[worst]:.0f}% poor or very poor."
    )


def reliability_table(listwise: Estimate, pairwise: Estimate) -> pd.DataFrame:
    """Both alpha estimates side by side, formatted."""
    rows = []
    for name, e in [
        ("listwise (complete answers only)", listwise),
        ("pairwise (all answers)", pairwise),
    ]:
        rows.append(
            {
                "Missing answers handled": name,
                "Cronbach's alpha": TOO_FEW if is_suppressed(e, "alpha") else e.format("{:.2f}"),
                "Respondents": f"{e.n:,}",
            }
        )
    return pd.DataFrame(rows).set_index("Missing answers handled")


def describe_reliability(alpha: Estimate) -> str:
    """Alpha against the customary 0.70 threshold for group comparisons.

    References
    ----------
    Nunnally, J. C. (1978). Psychometric Theory (2nd ed.). McGraw-Hill.
    """
    if is_suppressed(alpha, "alpha"):
        return (
            f"Scale reliability: {TOO_FEW} ({alpha.n:,} respondents answered all items; "
            "the interval is too wide to read)."
            if alpha.n >= MIN_N
            else f"Scale reliability: {TOO_FEW}."
        )
    if alpha.ci_low >= 0.7:
        verdict = "The items are consistent enough to be read together as one satisfaction scale."
    elif alpha.value >= 0.7:
        verdict = "That is above the customary 0.70, but the interval reaches below it."
    else:
        verdict = (
            "That is below the customary 0.70: the three items measure different things, "
            "so read them one by one rather than adding them up."
        )
    return (
        f"Cronbach's alpha of the three items is {alpha.format('{:.2f}')} "
        f"({alpha.n:,} respondents). {verdict}"
    )


def drivers_table(kd: KeyDrivers) -> pd.DataFrame:
    """Key-driver results formatted for managers."""
    t = kd.table.sort_values("weight", ascending=False)
    r2 = kd.r_squared.value
    return pd.DataFrame(
        {
            "Importance (share of explained variance)": [
                f"{100 * w / r2:.0f}% ({100 * lo / r2:.0f}% to {100 * hi / r2:.0f}%)"
                for w, lo, hi in zip(t["weight"], t["ci_low"], t["ci_high"], strict=True)
            ],
            "Chance it is the top driver": [f"{100 * p:.0f}%" for p in t["p_top"]],
            "Standardized beta": [f"{b:.2f}" for b in t["beta"]],
            "Mean score (1-5)": [f"{m:.2f}" for m in t["mean"]],
            "Quadrant": t["quadrant"].tolist(),
        },
        index=pd.Index([metric_name(d).capitalize() for d in t.index], name="Driver"),
    )


def describe_drivers(kd: KeyDrivers) -> str:
    """Which driver matters most, how sure we are, and where to act."""
    t = kd.table.sort_values("weight", ascending=False)
    top = t.index[0]
    r2 = kd.r_squared
    sure = (
        "clearly the strongest driver"
        if t.loc[top, "p_top"] >= 0.95
        else "most likely the strongest driver"
        if t.loc[top, "p_top"] >= 0.7
        else "ahead, but not clearly"
    )
    focus = t.index[t["quadrant"] == "concentrate here"].tolist()
    act = (
        "Concentrate on " + " and ".join(metric_name(f) for f in focus) + ": it matters more "
        "than average and scores below average."
        if focus
        else "No driver is both above-average in importance and below-average in score."
    )
    return (
        f"The three items explain {100 * r2.value:.0f}% of the variation in {metric_name(kd.outcome)} "
        f"({100 * r2.ci_low:.0f}% to {100 * r2.ci_high:.0f}%; {kd.n:,} complete responses). "
        f"{metric_name(top).capitalize()} is {sure} ({100 * t.loc[top, 'share']:.0f}% of the explained "
        f"variance; top in {100 * t.loc[top, 'p_top']:.0f}% of bootstrap samples). {act}"
    )


def describe_groups(groups: pd.DataFrame, comparison: pd.DataFrame, metric: str) -> str:
    """Which groups (e.g. regions) differ significantly from the rest on ``metric``."""
    shown = groups[~groups["suppressed"].astype(bool)]
    text = ""
    if len(shown):
        hi, lo = shown["value"].idxmax(), shown["value"].idxmin()
        text = (
            f"{metric_name(metric)} ranges from {_fmt_value(metric, shown.loc[lo, 'value'])} ({lo}) "
            f"to {_fmt_value(metric, shown.loc[hi, 'value'])} ({hi}). "
        )
    hidden = groups.index[groups["suppressed"].astype(bool)].tolist()
    if hidden:
        text += f"{', '.join(map(str, hidden))}: {TOO_FEW}. "
    sig = comparison[comparison["significant"].astype(bool)]
    if len(sig):
        text += (
            "Significantly different from the rest after Holm correction: "
            + "; ".join(
                f"{r['group']} {metric_name(str(r['metric']))} {r['direction']} "
                f"({_fmt_change(str(r['metric']), r['difference'])})"
                for _, r in sig.iterrows()
            )
            + "."
        )
    else:
        text += (
            "No group differs significantly from the rest after Holm correction: "
            "the spread is within what sampling alone produces."
        )
    return text


def groups_table(
    df: pd.DataFrame,
    by: str,
    comparison: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("nps", "csat", "ces"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Group x metric table of display values, a marker on significant differences."""
    out = {}
    for m in metrics:
        g = by_group(df, m, by, confidence=confidence)
        c = comparison[comparison["metric"] == m].set_index("group")
        col = []
        for grp, r in g.iterrows():
            txt = r["display"]
            if grp in c.index and bool(c.loc[grp, "significant"]):
                txt += " ▲" if c.loc[grp, "difference"] > 0 else " ▼"
            col.append(txt)
        out[metric_name(m)] = col
        out.setdefault("Responses", [f"{int(n):,}" for n in g["n"]])
    idx = by_group(df, metrics[0], by).index
    return pd.DataFrame(out, index=idx)


def complaints_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`complaint_metrics` formatted for managers."""

    def days(r) -> str:
        if bool(r["suppressed"]):
            return TOO_FEW_COMPLAINTS
        med = r["median_days_to_resolve"]
        if not math.isfinite(med):
            return "not reached"
        lo, hi = r["days_ci_low"], r["days_ci_high"]
        rng = f" ({lo:.0f} to {hi:.0f})" if math.isfinite(lo) and math.isfinite(hi) else ""
        return f"{med:.0f}{rng}"

    return pd.DataFrame(
        {
            "Complaints": [f"{int(k):,}" for k in table["complaints"]],
            "Per 100 active customers": [
                "n/a" if not math.isfinite(v) else f"{v:.1f} ({lo:.1f} to {hi:.1f})"
                for v, lo, hi in zip(
                    table["per_100_active"],
                    table["rate_ci_low"],
                    table["rate_ci_high"],
                    strict=True,
                )
            ],
            "Resolved": [
                TOO_FEW_COMPLAINTS
                if sup
                else "n/a"
                if not math.isfinite(v)
                else f"{100 * v:.0f}% ({100 * lo:.0f}% to {100 * hi:.0f}%)"
                for v, lo, hi, sup in zip(
                    table["share_resolved"],
                    table["resolved_ci_low"],
                    table["resolved_ci_high"],
                    table["suppressed"],
                    strict=True,
                )
            ],
            "Median days to resolve": [days(r) for _, r in table.iterrows()],
        },
        index=table.index,
    )


def describe_complaints(table: pd.DataFrame, *, n_active: int) -> str:
    """Complaint volume, the biggest category and how fast complaints get resolved."""
    a = table.loc["All"]
    if int(a["complaints"]) == 0:
        return f"No complaints were opened in the period ({n_active:,} active customers)."
    cats = table.drop(index="All")
    opened = f"{int(a['complaints']):,} complaint{'s were' if int(a['complaints']) != 1 else ' was'} opened"
    if n_active:
        text = (
            f"{opened}: {a['per_100_active']:.1f} per 100 active customers "
            f"({a['rate_ci_low']:.1f} to {a['rate_ci_high']:.1f}; {n_active:,} active customers). "
        )
    else:
        text = f"{opened}; no customer ordered in the period, so there is no rate per customer. "
    if len(cats):
        top = cats["complaints"].idxmax()
        text += f"The largest category is {top} ({int(cats.loc[top, 'complaints']):,}). "
    if bool(a["suppressed"]):
        return text + "Too few complaints to report the share resolved or the time to resolve."
    text += f"{100 * a['share_resolved']:.0f}% are resolved"
    if math.isfinite(a["median_days_to_resolve"]):
        text += f"; half are resolved within {a['median_days_to_resolve']:.0f} days (open complaints counted as still waiting)."
    else:
        text += "; fewer than half are resolved so far."
    return text


def describe_retention(res: RetentionByNPS) -> str:
    """How much more often promoters than detractors bought again."""
    t = res.table
    if t.loc[["promoter", "detractor"], "suppressed"].any():
        return f"Retention by NPS group: {TOO_FEW} in the promoter or detractor group."
    d = res.difference
    p, q = t.loc["promoter", "rate"], t.loc["detractor", "rate"]
    text = (
        f"{100 * p:.0f}% of promoters ordered again within {res.window_days} days of their survey, "
        f"against {100 * q:.0f}% of detractors: a gap of {100 * d.value:+.0f} percentage points "
        f"({100 * d.ci_low:+.0f} to {100 * d.ci_high:+.0f}). "
    )
    if res.p_value < 0.05 and d.ci_low > 0:
        text += "The link between NPS group and repeat purchase is statistically significant"
    elif res.p_value < 0.05:
        text += "NPS group and repeat purchase are related (chi-square), though the promoter-detractor gap is uncertain"
    else:
        text += "The data do not show a significant link between NPS group and repeat purchase"
    text += f" (chi-square p={res.p_value:.3f})."
    if res.p_value < 0.05:
        text += " It is an association, not proof that raising NPS causes repeat purchase."
    if res.n_incomplete:
        text += f" {res.n_incomplete:,} recently surveyed customers are left out until their {res.window_days}-day window has passed."
    return text


def responses_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """:func:`response_metrics` formatted for managers."""
    txt = []
    for name, r in metrics.iterrows():
        if name in {"responses", "respondents", "active customers"}:
            txt.append(f"{int(r['value']):,}")
        elif not math.isfinite(r["value"]):
            txt.append("n/a")
        else:
            txt.append(
                f"{100 * r['value']:.1f}% ({100 * r['ci_low']:.1f}% to {100 * r['ci_high']:.1f}%)"
            )
    names = [
        str(i).replace("answer rate: ", "answer rate: " + "").capitalize() for i in metrics.index
    ]
    names = [
        n
        if not n.startswith("Answer rate: ")
        else "Answer rate: " + metric_name(n.split(": ", 1)[1])
        for n in names
    ]
    return pd.DataFrame({"Value": txt}, index=pd.Index(names, name="Measure"))
