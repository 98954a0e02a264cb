"""Survey estimates laid out for a report: the score summary (NPS, CSAT, CES), one estimate per group
or per period (a trend), and the distribution of the Likert items.

Each row carries its interval, count, suppression flag and ``display`` text (the
estimate, or "too few responses"), so a table never shows a number it should hide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.stats import MIN_N, Estimate
from salesmeasure.survey.scores import (
    ITEMS,
    display,
    is_suppressed,
    metric_estimate,
    validate_scores,
)

__all__ = ["score_summary", "by_group", "by_period", "likert_distribution"]


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


def score_summary(
    df: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("nps", "csat", "ces"),
    confidence: float = 0.95,
    nps_method: str = "adjusted_wald",
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """NPS, CSAT and CES of ``df`` as a table: one row per metric with ``value``,
    ``ci_low``, ``ci_high``, ``n``, ``method``, ``suppressed``, ``display`` and the
    interval's ``confidence``."""
    rows = [
        _row(metric_estimate(df, m, confidence=confidence, nps_method=nps_method), m, min_n)
        for m in metrics
    ]
    out = pd.DataFrame(rows).set_index("metric")
    out["confidence"] = confidence
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
    require_columns(df, [metric, by], "by_group")
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

    require_columns(df, [metric, date_col], "by_period")
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


def likert_distribution(
    df: pd.DataFrame, items: Sequence[str] = ITEMS, *, scale: tuple[int, int] = (1, 5)
) -> pd.DataFrame:
    """Share of answers at each level of each Likert item.

    Returns a DataFrame indexed by item with one column per level (1..5, shares that sum
    to 1 over the answered responses), plus ``n`` (answers) and ``mean``.
    """
    require_columns(df, items, "likert_distribution")
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
