"""Pooled or per segment: whether the purchase and spend models get one parameter set per
customer segment, chosen on the data.

Each model (the purchase model the pipeline chose, and the Gamma-Gamma spend model) is
fitted twice on the same customers: once pooled (one parameter set for everyone) and once
per segment (one parameter set for each segment). The per-segment model is used when a
**likelihood-ratio test at the 1 % level** (:data:`ALPHA`) rejects the pooled one:

``LR = 2 (sum_g LL_g - LL_pooled)`` against chi-square with ``(k - 1) x n_params``
degrees of freedom, ``k`` the number of segments with their own parameters.

Why a likelihood-ratio test and not AIC: the pooled model is the per-segment model with
every segment's parameters equal (nested), which is the case the test is made for, and
it gives a p-value the report can state in words. AIC's penalty of 2 per parameter
accepts the split at an implied level of 4-6 % for 6-8 extra parameters; a choice that
moves every customer's value should need stronger evidence than that, so 1 %.

A segment gets its own parameters only with at least :data:`MIN_SEGMENT_REPEAT` repeat
buyers (for the spend model: repeat buyers with a positive spend, the customers it is
fitted on): fewer do not pin down 3-4 parameters. The customers of smaller segments, and
those without a segment, share the parameters of the largest segment's group (they are
fitted with it), so the per-segment model is still a partition of every customer and the
test's null is exactly the pooled fit. With fewer than two segments large enough, with
no ``segment`` column (orders-only data) or one segment value, the models are pooled and
nothing is tested. A per-segment fit that does not converge (or a spend fit without a
finite mean) keeps the pooled model.

The holdout check that chooses between BG/NBD and Pareto/NBD is done on pooled fits; the
segment test is then made for the chosen model on the whole history.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from salesmeasure.errors import FitError

__all__ = [
    "ALPHA",
    "MIN_SEGMENT_REPEAT",
    "SegmentChoice",
    "choose_segments",
    "lr_test",
    "segment_of",
]

#: Significance level of the likelihood-ratio test that splits a model by segment.
ALPHA = 0.01
#: Fewest repeat buyers (spend model: with a positive spend) a segment needs for its own
#: parameters.
MIN_SEGMENT_REPEAT = 100

_FAILURES = (FitError, ValueError, ArithmeticError, np.linalg.LinAlgError)


@dataclass(frozen=True, eq=False)
class SegmentChoice:
    """The choice between a pooled and a per-segment model, as data.

    Attributes
    ----------
    kind : {"purchase", "spend"}
    segmented : bool
        True when each segment of ``groups`` has its own parameters.
    reason : str
        ``"tested"`` (the test decided), ``"no_segments"`` (no segment column or no value
        in it), ``"one_segment"``, ``"too_few"`` (fewer than two segments with
        :data:`MIN_SEGMENT_REPEAT` repeat buyers) or ``"fit_failed"``.
    groups : tuple of str
        The segments with their own parameters in the per-segment fit (largest first;
        the largest also holds the smaller segments' customers).
    statistic, df, p_value : float, int, float
        The likelihood-ratio test (NaN and 0 when it was not made).
    models : dict
        Segment -> fitted model (only when ``segmented``).
    group : Series or None
        Each customer's group (index of the summary; only when ``segmented``).
    """

    kind: str
    segmented: bool
    reason: str
    groups: tuple = ()
    statistic: float = float("nan")
    df: int = 0
    p_value: float = float("nan")
    log_likelihood_pooled: float = float("nan")
    log_likelihood_segments: float = float("nan")
    models: dict = field(default_factory=dict)
    group: pd.Series | None = None
    min_repeat: int = MIN_SEGMENT_REPEAT
    alpha: float = ALPHA


def lr_test(ll_pooled: float, ll_segments, n_params: int) -> tuple[float, int, float]:
    """Likelihood-ratio statistic, degrees of freedom and p-value of per-segment fits
    (their log-likelihoods ``ll_segments``, one per segment) against the pooled fit."""
    lls = list(ll_segments)
    stat = 2.0 * (float(sum(lls)) - float(ll_pooled))
    df = (len(lls) - 1) * int(n_params)
    return stat, df, float(stats.chi2.sf(max(stat, 0.0), df))


def segment_of(index: pd.Index, segments) -> pd.Series | None:
    """Each customer's segment (on ``index``), from ``segments`` (a Series customer id ->
    segment, or a customers table with ``customer_id`` and ``segment``); None without
    any."""
    if segments is None:
        return None
    if isinstance(segments, pd.DataFrame):
        if "segment" not in segments.columns or "customer_id" not in segments.columns:
            return None
        segments = segments.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    seg = segments.reindex(index)
    seg = seg.where(seg.notna() & (seg.astype(str).str.strip() != ""))
    return seg if seg.notna().any() else None


def _groups(seg: pd.Series | None, eligible: pd.Series, min_repeat: int):
    """Each customer's group: their segment when it has ``min_repeat`` eligible customers,
    else the largest such segment; (groups largest first, group per customer) or a
    reason why there are no two."""
    if seg is None:
        return "no_segments", (), None
    if seg.nunique() < 2:
        return "one_segment", (), None
    counts = eligible.groupby(seg).sum().sort_values(ascending=False, kind="stable")
    big = [str(g) for g, n in counts.items() if n >= min_repeat]
    if len(big) < 2:
        return "too_few", (), None
    s = seg.astype(object).map(lambda v: str(v) if pd.notna(v) else None)
    group = s.where(s.isin(big), big[0])
    return "tested", tuple(big), group


def _fit_spend(frame: pd.DataFrame):
    from salesmeasure.clv.models import GammaGamma

    m = GammaGamma()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="frequency and monetary value are")
        m.fit(frame["frequency"], frame["monetary_value"])
    m.population_mean_spend  # noqa: B018 -- a finite mean or FitError
    return m


def _fit_purchase(model_cls):
    def fit(frame: pd.DataFrame):
        return model_cls().fit(frame["frequency"], frame["recency"], frame["T"])

    return fit


def choose_segments(
    kind: str,
    summary: pd.DataFrame,
    segments,
    pooled,
    *,
    min_repeat: int = MIN_SEGMENT_REPEAT,
    alpha: float = ALPHA,
) -> SegmentChoice:
    """Pooled or per segment for the ``kind`` model (``"purchase"`` or ``"spend"``) of
    the customers of ``summary`` (frequency, recency, T, monetary_value), given the pooled
    fit ``pooled`` on the same customers; see the module's docstring."""
    frame = getattr(summary, "frame", summary)
    seg = segment_of(frame.index, segments)
    if kind == "spend":
        eligible = (frame["frequency"] > 0) & (frame["monetary_value"] > 0)
        fit = _fit_spend
    elif kind == "purchase":
        eligible = frame["frequency"] > 0
        fit = _fit_purchase(type(pooled))
    else:
        raise ValueError(f"kind must be 'purchase' or 'spend', got {kind!r}")
    reason, groups, group = _groups(seg, eligible, min_repeat)
    base = SegmentChoice(kind, False, reason, min_repeat=min_repeat, alpha=alpha)
    if group is None:
        return base
    models = {}
    try:
        for g in groups:
            models[g] = fit(frame[group == g])
    except _FAILURES:
        return replace(base, reason="fit_failed", groups=groups)
    lls = [models[g].log_likelihood_ for g in groups]
    stat, df, p = lr_test(pooled.log_likelihood_, lls, len(pooled._names))
    split = bool(p < alpha)
    return replace(
        base,
        segmented=split,
        groups=groups,
        statistic=stat,
        df=df,
        p_value=p,
        log_likelihood_pooled=float(pooled.log_likelihood_),
        log_likelihood_segments=float(sum(lls)),
        models=models if split else {},
        group=group if split else None,
    )
