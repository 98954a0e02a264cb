"""Key-driver analysis: Johnson's relative weights with bootstrap intervals and an
importance-performance quadrant.

One set of books (issue 18): in a report, the model is the company's, fitted once per
period and data on the answers of every region (:func:`company_drivers`, kept by
:func:`salesmeasure.books.remembered`). A region's report shows the region's slice of it
(:func:`region_drivers`): the company's importances (weights, intervals, betas, chance of
being the top driver) with the region's own mean scores, and the quadrant of each driver
from the company's importance and the region's score against the company's average score.
A model fitted on the region's answers alone is shown only as a named second opinion
(:attr:`KeyDrivers.second_opinion`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.errors import InsufficientData
from salesmeasure.i18n import N_, _
from salesmeasure.stats import Estimate
from salesmeasure.survey.scores import ITEMS, _check_column, _check_confidence

__all__ = [
    "DRIVERS_MIN_N",
    "QUADRANTS",
    "relative_weights",
    "KeyDrivers",
    "key_drivers",
    "company_drivers",
    "region_drivers",
]

#: Fewest complete responses for a key-driver analysis in a report.
DRIVERS_MIN_N = 50

#: Importance-performance quadrants (keys; translated where shown).
QUADRANTS = {
    (True, True): N_("keep up the good work"),
    (True, False): N_("concentrate here"),
    (False, True): N_("possible overkill"),
    (False, False): N_("low priority"),
}


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
    region : whose mean scores ``mean`` (and so ``quadrant``) are: ``"all"`` or a region
        (:func:`region_drivers`); the importances are always those of the model.
    n_region : the region's responses behind ``mean`` (None: the model's own).
    reference : the score the quadrant splits performance at (the model's mean of the
        driver means; in a region's slice, the company's).
    second_opinion : in a region's slice, the same model fitted on the region's answers
        alone (None when the region has too few complete answers), never the headline.
    """

    table: pd.DataFrame
    r_squared: Estimate
    outcome: str
    n: int
    n_incomplete: int
    notes: tuple[str, ...] = field(default=())
    region: str = "all"
    n_region: int | None = None
    reference: float = float("nan")
    second_opinion: KeyDrivers | None = None


def _quadrant(high_importance: bool, high_performance: bool) -> str:
    return QUADRANTS[(bool(high_importance), bool(high_performance))]


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
    require_columns(df, [*drivers, outcome], "key_drivers")
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
    return KeyDrivers(table, r2_est, outcome, n, len(data) - n, notes, reference=perf_ref)


# --------------------------------------------------------------------------- the pack's books
def _too_few(n: int, where: str | None = None) -> InsufficientData:
    from salesmeasure import format as fmt
    from salesmeasure.survey.scores import TOO_FEW

    return InsufficientData(
        _("Key drivers: {too_few} ({n} complete answers, {needed} needed).").format(
            too_few=_(TOO_FEW), n=fmt.count(n), needed=fmt.count(DRIVERS_MIN_N)
        )
    )


def _complete(df: pd.DataFrame, outcome: str, drivers) -> int:
    return len(df[[*drivers, outcome]].dropna())


def _fit(df, outcome, drivers, confidence, n_boot, seed) -> KeyDrivers:
    n = _complete(df, outcome, drivers)
    if n < DRIVERS_MIN_N:
        raise _Thin(n)
    try:
        return key_drivers(df, outcome, drivers, confidence=confidence, n_boot=n_boot, seed=seed)
    except ValueError as exc:  # collinear or constant answers: no weights to show
        raise _Thin(n, str(exc)) from None


class _Thin(InsufficientData):
    """Too few complete answers for the model (kept by the books without words, so the
    reason is said in the report's language when shown)."""

    def __init__(self, n: int, detail: str = ""):
        super().__init__(detail or f"{n} complete answers")
        self.n, self.detail = n, detail

    def __reduce__(self):  # kept on disk by the books: rebuilt with its count
        return (_Thin, (self.n, self.detail))


def company_drivers(
    data,
    period,
    *,
    outcome: str = "nps",
    drivers: Sequence[str] = ITEMS,
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> KeyDrivers:
    """The company's key-driver model of ``period``: :func:`key_drivers` on the answers of
    every region in the period, computed once per data, period and settings
    (:func:`salesmeasure.books.remembered`: the batch's workers and a JupyterLab kernel
    share it). ``data`` is the whole data set (a report's ``ctx.data``).

    Raises :class:`~salesmeasure.errors.InsufficientData` (in the current language) when
    the period has fewer than :data:`DRIVERS_MIN_N` complete answers.
    """
    from salesmeasure import books

    drivers = list(drivers)
    label = getattr(period, "label", str(period))
    parts = (books.data_key(data), label, outcome, tuple(drivers), float(confidence),
             int(n_boot), int(seed), "all")  # fmt: skip

    def compute():
        current = data.slice(period=period, region="all").in_period("surveys")
        return _fit(current, outcome, drivers, confidence, n_boot, seed)

    try:
        return books.remembered("key_drivers", parts, compute)
    except _Thin as exc:
        raise _too_few(exc.n) from None


def _region_only(data, period, region, current, outcome, drivers, confidence, n_boot, seed):
    from salesmeasure import books

    label = getattr(period, "label", str(period))
    parts = (books.data_key(data), label, outcome, tuple(drivers), float(confidence),
             int(n_boot), int(seed), str(region))  # fmt: skip
    try:
        return books.remembered(
            "key_drivers", parts, lambda: _fit(current, outcome, drivers, confidence, n_boot, seed)
        )
    except _Thin:
        return None


def region_drivers(
    data,
    period,
    region: str,
    current: pd.DataFrame,
    *,
    outcome: str = "nps",
    drivers: Sequence[str] = ITEMS,
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> KeyDrivers:
    """The key drivers a report shows: the company's model (:func:`company_drivers`);
    for one region, its slice -- the company's importances with the region's mean scores
    (``current`` = the region's answers of the period), each driver's quadrant from the
    company's importance and the region's score against the company's average score, and
    the model fitted on the region alone as :attr:`KeyDrivers.second_opinion`. A region
    with fewer than :data:`DRIVERS_MIN_N` complete answers of its own shows none (too few
    to show its scores).
    """
    drivers = list(drivers)
    company = company_drivers(
        data, period, outcome=outcome, drivers=drivers, confidence=confidence, n_boot=n_boot,
        seed=seed,
    )  # fmt: skip
    if region == "all":
        return company
    answers = current[drivers].astype(float)
    means = answers.mean()
    n_region = _complete(current, outcome, drivers)
    if n_region < DRIVERS_MIN_N or means.isna().any():
        # too few of the region's own answers to show its scores beside the weights
        raise _too_few(n_region)
    table = company.table.copy()
    table["mean"] = means.reindex(table.index).to_numpy()
    table["n_answered"] = answers.notna().sum().reindex(table.index).to_numpy()
    k = len(drivers)
    ref = company.reference
    if not np.isfinite(ref):
        ref = float(company.table["mean"].mean())
    table["quadrant"] = [
        _quadrant(s >= 1 / k, m >= ref) for s, m in zip(table["share"], table["mean"], strict=True)
    ]
    own = _region_only(data, period, region, current, outcome, drivers, confidence, n_boot, seed)
    return replace(
        company,
        table=table,
        region=str(region),
        n_region=n_region,
        reference=ref,
        second_opinion=own,
    )
