"""Shared estimate type and interval/test helpers.

Every statistic the suite reports is an :class:`Estimate`: a point value with its
interval, the number of observations behind it and the method that produced it, so a
report can always show the uncertainty and can suppress numbers that rest on too little
data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as _st

#: Below this many observations an estimate is flagged and suppressed in reports.
MIN_N = 30


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval.

    Attributes
    ----------
    value, ci_low, ci_high : float
        Point estimate and interval bounds (NaN when undefined).
    n : int
        Number of observations the estimate rests on.
    method : str
        How the value and interval were computed (e.g. ``"wilson"``).
    confidence : float
        Nominal coverage of the interval.
    """

    value: float
    ci_low: float
    ci_high: float
    n: int
    method: str
    confidence: float = 0.95
    notes: tuple[str, ...] = field(default=())

    @property
    def width(self) -> float:
        return self.ci_high - self.ci_low

    def suppressed(self, *, min_n: int = MIN_N, max_width: float | None = None) -> bool:
        """True when the estimate should not be shown as fact.

        It rests on fewer than ``min_n`` observations, is undefined, or its interval is
        wider than ``max_width`` (when given).
        """
        if self.n < min_n or not math.isfinite(self.value):
            return True
        if max_width is not None and math.isfinite(self.width) and self.width > max_width:
            return True
        return False

    def format(self, fmt: str = "{:.1f}", *, unit: str = "") -> str:
        """``"25.0 (10.0 to 40.0)"``-style text for reports, in the report language."""
        from salesmeasure.i18n import _

        if not math.isfinite(self.value):
            return _("n/a")
        v = fmt.format(self.value) + unit
        if math.isfinite(self.ci_low) and math.isfinite(self.ci_high):
            return _("{value} ({low} to {high})").format(
                value=v, low=fmt.format(self.ci_low) + unit, high=fmt.format(self.ci_high) + unit
            )
        return v


def z_value(confidence: float) -> float:
    """Two-sided standard-normal critical value for ``confidence``."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return float(_st.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22(158), 209-212.
    """
    if n <= 0:
        return (math.nan, math.nan)
    z = z_value(confidence)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 or n successes the bound is exactly 0 or 1; rounding must not leave the
    # estimate outside its own interval (5.6e-17 > 0 broke error bars).
    low = 0.0 if successes <= 0 else min(p, max(0.0, centre - half))
    high = 1.0 if successes >= n else max(p, min(1.0, centre + half))
    return (low, high)


def proportion(
    successes: int, n: int, *, confidence: float = 0.95, method: str = "wilson"
) -> Estimate:
    """A proportion with its Wilson interval, as an :class:`Estimate`."""
    if n <= 0:
        return Estimate(math.nan, math.nan, math.nan, 0, method, confidence)
    lo, hi = wilson_interval(successes, n, confidence)
    return Estimate(successes / n, lo, hi, int(n), method, confidence)


def mean_t(values, *, confidence: float = 0.95) -> Estimate:
    """Mean with a Student-t interval; NaNs are ignored."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "t", confidence)
    m = float(x.mean())
    if n < 2:
        return Estimate(m, math.nan, math.nan, n, "t", confidence)
    se = float(x.std(ddof=1) / math.sqrt(n))
    t = float(_st.t.ppf(0.5 + confidence / 2, n - 1))
    return Estimate(m, m - t * se, m + t * se, n, "t", confidence)


def holm(pvalues) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error control).

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6(2), 65-70.
    """
    p = np.asarray(pvalues, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p)
    adj = np.empty(m)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        adj[idx] = running
    return adj


def largest_remainder(total: float, weights) -> np.ndarray:
    """Whole units proportional to ``weights`` that add up exactly to ``round(total)``.

    Each key gets the floor of its exact quota ``total * w / sum(w)``; the units left over
    go one each to the keys with the largest remainders (ties to the larger weight, then
    to the earlier key).

    Returns
    -------
    ndarray of int64, one amount per weight.

    References
    ----------
    Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings
    (Hamilton's largest-remainder method).
    """
    w = np.asarray(weights, dtype=float)
    whole = int(round(float(total)))
    shares = w / w.sum()
    exact = whole * shares
    base = np.floor(exact).astype(np.int64)
    left = whole - int(base.sum())
    rem = exact - base
    order = np.lexsort((np.arange(len(w)), -shares, -rem))
    base[order[:left]] += 1
    return base
