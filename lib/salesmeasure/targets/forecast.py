"""Baseline revenue forecast: seasonal exponential smoothing (ETS) with a simulated
predictive distribution (:class:`Forecast`, :func:`baseline_forecast`)."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from salesmeasure.clv.models import memo
from salesmeasure.targets.inputs import _SEASONAL_PERIODS, _as_period_series, _freq_code

#: One model, ETS(A,Ad,A), for forecasting many small series (regions, reps): additive so
#: it copes with months of zero revenue, with a damped trend so growing or shrinking
#: territories are not forecast flat.
FAST_MODELS = [("add", "add", "add", True)]


@dataclass(frozen=True)
class Note:
    """Something a reader of a forecast should know, as data (worded by ``targets.text``).

    ``code`` is one of ``"flat"`` (constant forecast; ``value`` the level), ``"no_season"``
    (``n`` periods, fewer than ``needed`` for seasonality), ``"fits_failed"`` (``seasonal``
    tells which tier), ``"diverged"`` (``model``), ``"mean"`` (``n`` periods only) and
    ``"negative"`` (``value`` the share of draws set to 0).
    """

    code: str
    n: int = 0
    needed: int = 0
    value: float = math.nan
    model: str = ""
    seasonal: bool = False


_BLAS: list = []


def one_blas_thread():
    """Run tiny linear algebra on one BLAS thread (a context manager).

    An ETS fit makes hundreds of L-BFGS-B steps on vectors of a dozen numbers; with
    OpenBLAS's worker threads each step wakes (and on a busy machine waits for) idle
    threads. On the sample data the fits of the equal-probability proposal took 3.5 s of
    CPU with two BLAS threads and 1.0 s with one.
    """
    if not _BLAS:
        import scipy.optimize  # noqa: F401 - load scipy's BLAS before the controller looks

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


@dataclass(frozen=True, eq=False)
class Forecast:
    """A simulated predictive distribution of future revenue.

    Attributes
    ----------
    index : PeriodIndex
        The forecast steps (e.g. the three months of next quarter).
    samples : ndarray, shape (horizon, repetitions)
        Simulated future paths; column ``j`` is one joint path over the horizon, so sums
        over steps keep the serial correlation of the model.
    model : str
        The model used, in Hyndman's ETS notation (``"ETS(M,Ad,M)"``) or a fallback name.
    notes : tuple of Note
        Why a fallback was used and anything else a reader should know.
    history : Series
        The revenue history the model was fitted to.
    """

    index: pd.PeriodIndex
    samples: np.ndarray
    model: str
    notes: tuple[Note, ...] = ()
    history: pd.Series | None = None
    aicc: float = math.nan
    seed: int | None = None
    spec: tuple | None = None
    params: tuple | None = None

    @classmethod
    def from_samples(cls, index, samples, *, model: str = "given", notes=()) -> Forecast:
        """Wrap given simulated paths (rows = steps, columns = repetitions)."""
        arr = np.asarray(samples, dtype=float)
        if arr.ndim == 1:
            arr = arr[None, :]
        idx = pd.PeriodIndex(index)
        if arr.shape[0] != len(idx):
            raise ValueError(f"samples have {arr.shape[0]} rows but index has {len(idx)} steps")
        if not np.isfinite(arr).all():
            raise ValueError("samples contain non-finite values")
        return cls(index=idx, samples=arr, model=model, notes=tuple(notes))

    @property
    def horizon(self) -> int:
        return len(self.index)

    @property
    def repetitions(self) -> int:
        return self.samples.shape[1]

    @property
    def total_samples(self) -> np.ndarray:
        """Simulated totals over the whole horizon (e.g. a quarter from three months)."""
        return self.samples.sum(axis=0)

    @property
    def mean(self) -> pd.Series:
        """Mean forecast per step."""
        return pd.Series(self.samples.mean(axis=1), index=self.index, name="mean")

    @property
    def total_mean(self) -> float:
        """Mean forecast of the horizon total."""
        return float(self.total_samples.mean())

    def quantile(self, q, *, total: bool = False):
        """Quantile(s) of the predictive distribution.

        Returns a Series per step (a DataFrame with one column per ``q`` when ``q`` is a
        list), or a float (Series for a list) for the horizon total when ``total=True``.
        Quantiles use linear interpolation between order statistics (numpy's default).
        """
        qs = np.atleast_1d(np.asarray(q, dtype=float))
        if ((qs < 0) | (qs > 1)).any():
            raise ValueError(f"quantile q must be in [0, 1], got {q!r}")
        if total:
            vals = np.quantile(self.total_samples, qs)
            return float(vals[0]) if np.ndim(q) == 0 else pd.Series(vals, index=qs, name="total")
        vals = np.quantile(self.samples, qs, axis=1)  # (len(qs), horizon)
        if np.ndim(q) == 0:
            return pd.Series(vals[0], index=self.index, name=f"q{float(q):g}")
        return pd.DataFrame(vals.T, index=self.index, columns=qs)

    def prob_at_least(self, value, *, total: bool = False):
        """Probability that revenue is at least ``value``.

        Per step (``value`` a scalar or one value per step; returns a Series) or for the
        horizon total (``total=True``; returns a float).
        """
        if total:
            return float(np.mean(self.total_samples >= float(value)))
        v = np.broadcast_to(np.asarray(value, dtype=float), (self.horizon,))
        return pd.Series(
            (self.samples >= v[:, None]).mean(axis=1), index=self.index, name="p_at_least"
        )

    def interval(self, level: float = 0.8, *, total: bool = False):
        """Central prediction interval at ``level`` (e.g. 0.8 = 10th to 90th percentile)."""
        if not 0 < level < 1:
            raise ValueError(f"interval level must be between 0 and 1, got {level!r}")
        lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
        if total:
            return (self.quantile(lo, total=True), self.quantile(hi, total=True))
        return pd.DataFrame({"low": self.quantile(lo), "high": self.quantile(hi)})

    @property
    def refit_models(self):
        """``models=`` argument that refits this forecast's model (``"auto"`` for fallbacks)."""
        return [self.spec] if self.spec else "auto"

    def select(self, periods) -> Forecast:
        """The forecast restricted to some of its steps (joint paths kept)."""
        wanted = pd.PeriodIndex([pd.Period(p, freq=self.index.freq) for p in periods])
        missing = wanted.difference(self.index)
        if len(missing):
            raise ValueError(f"forecast has no step(s) {list(missing.astype(str))}")
        pos = [self.index.get_loc(p) for p in wanted]
        return Forecast(
            wanted,
            self.samples[pos],
            self.model,
            self.notes,
            self.history,
            self.aicc,
            self.seed,
            self.spec,
            self.params,
        )


def _ets_candidates(y: pd.Series, sp: int | None, seasonal: bool):
    positive = bool((y > 0).all())
    if seasonal:
        cands = [("add", None, "add", False), ("add", "add", "add", True)]
        if positive:
            cands += [("mul", None, "mul", False), ("mul", "add", "mul", True)]
    else:
        cands = [("add", None, None, False), ("add", "add", None, True)]
        if positive:
            cands += [("mul", None, None, False)]
    return cands


def _ets_name(error, trend, seasonal, damped) -> str:
    e = "M" if error == "mul" else "A"
    t = "N" if trend is None else ("Ad" if damped else "A")
    s = "N" if seasonal is None else ("M" if seasonal == "mul" else "A")
    return f"ETS({e},{t},{s})"


def _fit_ets(y: pd.Series, spec, sp, fixed_params=None):
    """Fit one ETS specification; heuristic initial states, estimated if that fails.

    With ``fixed_params`` (smoothing parameters of a heuristic-initialised fit of the
    same specification on another series) the model is only run through the data
    (``ETSModel.smooth``), no optimisation.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    error, trend, seasonal, damped = spec
    last_exc: Exception | None = None
    for init in ("heuristic", "estimated"):
        try:
            model = ETSModel(
                y,
                error=error,
                trend=trend,
                seasonal=seasonal,
                damped_trend=damped,
                seasonal_periods=sp if seasonal else None,
                initialization_method=init,
            )
            with warnings.catch_warnings(), one_blas_thread():
                warnings.simplefilter("ignore")
                if fixed_params is not None and init == "heuristic":
                    res = model.smooth(np.asarray(fixed_params, dtype=float))
                else:
                    res = model.fit(disp=False, maxiter=500)
        except Exception as exc:  # noqa: BLE001 - try the next initialisation
            last_exc = exc
            continue
        if np.isfinite(res.aicc) and np.isfinite(res.params).all():
            return res
        last_exc = ValueError("non-finite fit")
    raise ValueError(f"ETS fit failed: {last_exc}")


def _dof_sigma(res) -> float:
    """Innovation s.d. with a degrees-of-freedom correction, sqrt(SSE / (n - k)).

    statsmodels simulates with the ML variance SSE / n, which ignores the k estimated
    parameters (smoothing parameters and initial states) and makes intervals too narrow
    on short series (on the simulated ETS(A,N,A) series of the tests, pooled coverage of
    the 80% intervals rose from 0.69 to 0.78 and of the 50% ones from 0.42 to 0.52).

    References
    ----------
    The usual degrees-of-freedom correction of a residual variance, e.g. Greene, W. H.
    (2018). Econometric Analysis, 8th ed., Pearson, ch. 4 (unbiased estimator of the
    disturbance variance).
    """
    n = int(res.nobs)
    k = int(len(res.params))
    if res.model.initialization_method == "heuristic":
        # the initial states were still taken from the data: count them as parameters
        m = res.model
        k += 1 + (m.trend is not None) + (m.seasonal_periods or 0) * (m.seasonal is not None)
    return float(math.sqrt(res.scale * n / max(n - k, 1)))


def baseline_forecast(
    history: pd.Series,
    horizon: int,
    *,
    seasonal_periods: int | None = None,
    repetitions: int = 1000,
    seed: int | None = 0,
    models: str | list = "auto",
    fixed_params=None,
) -> Forecast:
    """Seasonal exponential-smoothing forecast with a simulated predictive distribution.

    Candidate ETS models (additive/multiplicative error and season, with or without a
    damped trend) are fitted by maximum likelihood with statsmodels' ``ETSModel``; the
    one with the lowest AICc is kept and ``repetitions`` future paths are simulated from
    the end of the history (``simulate(anchor="end")``) with a seeded generator.

    Fallbacks, reported in ``Forecast.model`` and ``Forecast.notes``:

    * fewer than two seasonal cycles (or no seasonal period) -> non-seasonal ETS;
    * fewer than 4 periods -> ``"mean"``: independent normal draws around the mean with
      the sample standard deviation;
    * a flat history (all values equal) -> ``"constant"`` with no uncertainty;
    * every ETS fit failing -> the next simpler model.

    Simulated revenue below 0 is set to 0 (revenue cannot be negative); the share of
    draws affected is noted when it exceeds 1%.

    Parameters
    ----------
    history : Series
        Revenue per period, monthly or quarterly ``PeriodIndex``, no gaps, no NaN.
    horizon : int
        Number of periods to forecast.
    seasonal_periods : int, optional
        Default 12 for monthly and 4 for quarterly data.
    repetitions : int
        Number of simulated paths (1000 gives probabilities to +/-1.5 points).
    seed : int or None
        Seed of the random generator; the same seed gives the same forecast.
    models : "auto" or list of (error, trend, seasonal, damped) tuples
        Candidate ETS specifications; ``"auto"`` tries the four described above. Pass
        ``[forecast.spec]`` to refit a chosen model (e.g. in a backtest), or
        :data:`FAST_MODELS` for many small series.
    fixed_params : sequence of float, optional
        Smoothing parameters (``Forecast.params`` of another forecast with the same single
        model in ``models``) to use instead of estimating them: e.g. reps pooling their
        region's parameters while keeping their own level, season and error variance.

    Returns
    -------
    Forecast
        With a ``seed``, a copy of the forecast made earlier from the same inputs in this
        process or batch, when there is one (:mod:`salesmeasure.clv.models.memo`): the
        same numbers, fitted once.

    References
    ----------
    Hyndman, R. J., Koehler, A. B., Ord, J. K. & Snyder, R. D. (2008). Forecasting with
    Exponential Smoothing: The State Space Approach. Springer (ETS taxonomy, simulated
    prediction distributions, ch. 6).
    Hyndman, R. J. & Athanasopoulos, G. (2021). Forecasting: Principles and Practice,
    3rd ed., section 8.7 (prediction intervals by simulation) and 8.6 (AICc selection).
    """
    y = _as_period_series(history)
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    if repetitions < 10:
        raise ValueError(f"repetitions must be at least 10, got {repetitions!r}")
    if seed is None:  # a new random forecast each time: nothing to remember
        return _forecast(y, int(horizon), seasonal_periods, repetitions, seed, models, fixed_params)
    k = memo.key(
        "baseline_forecast",
        y.to_numpy(dtype=float),
        (y.name, y.index.name, str(y.index[0]), y.index.freqstr, len(y)),
        int(horizon),
        seasonal_periods,
        repetitions,
        seed,
        models,
        None if fixed_params is None else np.asarray(fixed_params, dtype=float),
    )
    found = memo.recall_value(k)
    if found is not None:
        return found
    fc = _forecast(y, int(horizon), seasonal_periods, repetitions, seed, models, fixed_params)
    memo.remember_value(k, fc)
    return fc


def _forecast(y, horizon, seasonal_periods, repetitions, seed, models, fixed_params) -> Forecast:
    """:func:`baseline_forecast` of a checked history, computed."""
    freq = _freq_code(y.index)
    sp = seasonal_periods if seasonal_periods is not None else _SEASONAL_PERIODS.get(freq)
    idx = pd.period_range(y.index[-1] + 1, periods=horizon, freq=y.index.freq)
    idx.name = y.index.name
    rng = np.random.default_rng(seed)
    notes: list[Note] = []
    n = len(y)

    if float(y.max() - y.min()) == 0.0:
        samples = np.full((horizon, repetitions), float(y.iloc[-1]))
        notes.append(Note("flat", value=float(y.iloc[-1])))
        return Forecast(idx, samples, "constant", tuple(notes), y, math.nan, seed)

    tiers = []
    if sp and sp > 1 and n >= 2 * sp + 2:
        tiers.append(True)
    elif sp and sp > 1:
        notes.append(Note("no_season", n=n, needed=2 * sp + 2))
    if n >= 4:
        tiers.append(False)

    # ETS is scale-equivariant, but statsmodels' optimiser finds poor optima when the
    # level is in the hundreds of thousands: fit on the series divided by its mean.
    scale = float(y.mean()) if y.mean() > 0 else 1.0
    ys = y / scale
    for seasonal in tiers:
        cands = _ets_candidates(y, sp, seasonal) if models == "auto" else list(models)
        if not seasonal:
            cands = [c for c in cands if c[2] is None] or _ets_candidates(y, sp, False)
        best = None
        for spec in cands:
            try:
                res = _fit_ets(ys, spec, sp, fixed_params if len(cands) == 1 else None)
            except Exception:  # noqa: BLE001 - any failed candidate is simply skipped
                continue
            if best is None or res.aicc < best[1].aicc:
                best = (spec, res)
        if best is None:
            notes.append(Note("fits_failed", seasonal=bool(seasonal)))
            continue
        spec, res = best
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eps = rng.standard_normal((horizon, repetitions)) * _dof_sigma(res)
            sim = res.simulate(horizon, anchor="end", repetitions=repetitions, random_errors=eps)
        samples = np.asarray(sim, dtype=float).reshape(horizon, repetitions) * scale
        if not np.isfinite(samples).all():
            notes.append(Note("diverged", model=_ets_name(*spec)))
            continue
        samples = _clip_negative(samples, notes)
        params = tuple(float(v) for v in np.asarray(res.params))
        return Forecast(
            idx,
            samples,
            _ets_name(*spec),
            tuple(notes),
            y,
            float(res.aicc),
            seed,
            tuple(spec),
            params,
        )

    if n < 4:
        notes.append(Note("mean", n=n))
    sd = float(y.std(ddof=1)) if n > 1 else float(y.iloc[0]) * 0.25
    samples = rng.normal(float(y.mean()), sd, size=(horizon, repetitions))
    samples = _clip_negative(samples, notes)
    return Forecast(idx, samples, "mean", tuple(notes), y, math.nan, seed)


def _clip_negative(samples: np.ndarray, notes: list[Note]) -> np.ndarray:
    neg = samples < 0
    if neg.mean() > 0.01:
        notes.append(Note("negative", value=float(neg.mean())))
    return np.where(neg, 0.0, samples)
