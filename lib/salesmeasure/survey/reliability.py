"""Scale reliability: Cronbach's alpha of the survey items with Feldt's interval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as _st

from salesmeasure.stats import Estimate
from salesmeasure.survey.scores import _check_column, _check_confidence

__all__ = ["cronbach_alpha"]


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
