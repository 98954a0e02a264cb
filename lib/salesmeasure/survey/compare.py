"""Comparisons of survey measures: between groups (regions), between periods, and many
at once, each with the test that fits the measure and Holm's correction."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st

from salesmeasure.checks import require_columns
from salesmeasure.i18n import N_
from salesmeasure.stats import MIN_N, holm, z_value
from salesmeasure.survey.scores import (
    SCALES,
    TOO_FEW,
    _check_confidence,
    _nps_var,
    validate_scores,
)

__all__ = ["newcombe_difference", "Comparison", "compare", "compare_periods", "compare_many"]

#: ``direction`` keys of a comparison table (translated where shown): no significant
#: difference / higher / lower between groups, and the same between periods.
GROUP_DIRECTIONS = (N_("no significant difference"), N_("higher"), N_("lower"))
PERIOD_DIRECTIONS = (N_("no significant change"), N_("up"), N_("down"))


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
    """Result of every ``compare*`` function: one row per comparison made.

    Attributes
    ----------
    table : DataFrame with columns group, reference, n_a, n_b, value_a, value_b,
        difference, diff_ci_low, diff_ci_high, test, statistic, p_value, p_adjusted,
        significant, suppressed, direction and metric (for :func:`compare_periods`
        indexed by metric).
    metric : the measure compared, or ``None`` when the rows cover several
        (:func:`compare_periods`, :func:`compare_many`; see the ``metric`` column).
    alpha : family-wise error rate of the Holm correction.
    labels : for :func:`compare_periods`, the (current, previous) period labels.

    It reads like its table (``c["significant"]``, ``c.loc["nps"]``, ``c.index``), so
    code written against the table keeps working.
    """

    table: pd.DataFrame
    metric: str | None
    alpha: float
    labels: tuple[str, str] | None = None

    def __getitem__(self, key):
        return self.table[key]

    def __getattr__(self, name):
        if name.startswith("__") or name in {"table", "metric", "alpha", "labels"}:
            raise AttributeError(name)
        return getattr(self.table, name)

    def __len__(self) -> int:
        return len(self.table)

    def __iter__(self):
        return iter(self.table)


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
    require_columns(df, [metric, by], "compare")
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
    _holm_flags(table, alpha, GROUP_DIRECTIONS)
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
) -> Comparison:
    """Change of each metric from ``previous`` to ``current`` responses, each with its
    appropriate test (see :func:`compare`), Holm-corrected across the metrics.

    Returns a :class:`Comparison` whose table has one row per metric (index) with the
    columns of :func:`compare`'s table; ``difference`` is current minus previous.
    """
    _check_confidence(confidence)
    require_columns(current, metrics, "compare_periods (current)")
    require_columns(previous, metrics, "compare_periods (previous)")
    rows = []
    for m in metrics:
        a = validate_scores(current[m], m)
        b = validate_scores(previous[m], m)
        row = _comparison_row(labels[0], labels[1], a, b, m, confidence, min_n)
        row["metric"] = m
        rows.append(row)
    table = pd.DataFrame(rows).set_index("metric")
    _holm_flags(table, alpha, PERIOD_DIRECTIONS)
    return Comparison(table, None, alpha, (labels[0], labels[1]))


def compare_many(
    df: pd.DataFrame,
    metrics: Sequence[str],
    by: str,
    *,
    reference: str | None = "rest",
    confidence: float = 0.95,
    alpha: float = 0.05,
    min_n: int = MIN_N,
) -> Comparison:
    """:func:`compare` for several metrics, with the Holm correction applied across
    every comparison of every metric (one family), so a report section that scans many
    differences calls few false alarms. One table row per (metric, group)."""
    parts = [
        compare(df, m, by, reference=reference, confidence=confidence, alpha=1.0, min_n=min_n).table
        for m in metrics
    ]
    table = pd.concat(parts, ignore_index=True)
    _holm_flags(table, alpha, GROUP_DIRECTIONS)
    return Comparison(table, None, alpha)
