"""Survey scores: validation, NPS groups, NPS, CSAT and CES with their intervals, and
when an estimate is too thin to show (suppression).

Every estimate is a :class:`salesmeasure.stats.Estimate`. Missing scores (``NaN``) are
item non-response: they are excluded from the estimate that uses that item and are
counted in ``Estimate.notes``; any other bad value (out of range, not a whole number)
raises ``ValueError`` naming the column and the value. The score ranges are the data
model's (:data:`salesmeasure.data.SURVEY_SCALES`), stated once.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.data.schemas import SURVEY_SCALES
from salesmeasure.i18n import N_
from salesmeasure.stats import MIN_N, Estimate, mean_t, proportion, z_value

__all__ = [
    "ITEMS",
    "SCALES",
    "MAX_WIDTH",
    "NPS_GROUPS",
    "TOO_FEW",
    "TOO_FEW_COMPLAINTS",
    "validate_scores",
    "nps_group",
    "latest_nps_group",
    "latest_answers",
    "nps_shares",
    "nps",
    "csat",
    "ces",
    "metric_estimate",
    "is_suppressed",
    "display",
]

#: The three 1-5 Likert items of the survey (the key drivers).
ITEMS: tuple[str, ...] = ("q_product_quality", "q_service_level", "q_after_sales")

#: Valid (min, max) of every score column; all are whole numbers. The data model's own
#: ranges (the loader quarantines anything outside them), not a second copy.
SCALES: dict[str, tuple[int, int]] = SURVEY_SCALES

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

#: NPS groups in report order (keys; the text layer names them).
NPS_GROUPS: tuple[str, ...] = ("promoter", "passive", "detractor")

#: What a report shows instead of a suppressed number (translated where shown).
TOO_FEW = N_("too few responses")
TOO_FEW_COMPLAINTS = N_("too few complaints")


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


# ---------------------------------------------------------------------------
# NPS groups, NPS, CSAT, CES
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
    last = latest_answers(surveys, end)
    out = nps_group(last["nps"].to_numpy())
    out.index = pd.Index(last["customer_id"].to_numpy(), name="customer_id")
    return out.rename("nps_group")


def latest_answers(surveys: pd.DataFrame, end=None) -> pd.DataFrame:
    """Each customer's latest response with an answered NPS on or before ``end`` (all
    dates when ``None``), one row per customer sorted by ``customer_id``; ties on a day
    are broken by ``response_id`` when present. The rows behind :func:`latest_nps_group`."""
    require_columns(surveys, ["customer_id", "survey_date", "nps"], "surveys")
    s = surveys[surveys["nps"].notna()]
    if end is not None:
        s = s[pd.to_datetime(s["survey_date"]) <= pd.Timestamp(end)]
    keys = ["customer_id", "survey_date"] + (["response_id"] if "response_id" in s else [])
    return s.sort_values(keys, kind="stable").groupby("customer_id", sort=True).tail(1)


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
    require_columns(df, [metric], "metric_estimate")
    if metric == "nps":
        return nps(df[metric], confidence=confidence, method=nps_method)
    if metric == "csat":
        return csat(df[metric], confidence=confidence)
    if metric in SCALES:
        return ces(df[metric], scale=SCALES[metric], confidence=confidence, name=metric)
    raise ValueError(f"unknown metric {metric!r}; expected one of {list(SCALES)}")


# ---------------------------------------------------------------------------
# suppression
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
