"""Who answered the survey, and complaints: volume, rate, share resolved and time to
resolve."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats as _st

from salesmeasure.checks import require_columns
from salesmeasure.stats import MIN_N, proportion
from salesmeasure.survey.scores import ITEMS, _check_confidence

__all__ = ["response_metrics", "complaint_metrics"]


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
    require_columns(surveys, ["customer_id", *items], "response_metrics")
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
    require_columns(complaints, need, "complaint_metrics")
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
