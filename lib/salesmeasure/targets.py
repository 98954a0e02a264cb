"""Target setting and attainment: forecast, calibrate, propose, allocate, track.

The workflow a sales director follows each period:

1. :func:`monthly_revenue` turns order rows into a monthly revenue series.
2. :func:`baseline_forecast` fits a seasonal exponential-smoothing (ETS) model and
   simulates its predictive distribution; :class:`Forecast` answers "how likely is at
   least X?" per month and for the period total.
3. :func:`backtest` refits at rolling origins and checks that the 50% and 80% intervals
   cover about 50% and 80% of what actually happened.
4. :func:`propose_target` picks a target at a chosen attainability (probability of being
   met); :func:`allocate` splits it top-down to regions and reps in whole currency units;
   :func:`phase` spreads it over the period's months.
5. :func:`attainment`, :func:`share_attaining` and :func:`pacing` track a period that is
   finished or in progress; :func:`price_volume_mix` explains the change in revenue.

Every function is pure: it takes Series/DataFrames and returns new Series/DataFrames or
small frozen dataclasses.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as _st

from salesmeasure.stats import Estimate, proportion

__all__ = [
    "Forecast",
    "Backtest",
    "TargetProposal",
    "Pacing",
    "PVMBridge",
    "AttainingShare",
    "monthly_revenue",
    "seasonal_index",
    "baseline_forecast",
    "backtest",
    "propose_target",
    "attainability_curve",
    "allocate",
    "blend_weights",
    "allocate_nested",
    "phase",
    "attainment",
    "share_attaining",
    "pacing",
    "expected_share",
    "pacing_curve",
    "price_volume_mix",
    "smart_check",
    "period_targets",
    "selection_total",
    "allocation_weights",
    "proposed_targets",
    "pace_period",
    "last_complete_month",
    "Headline",
    "period_headline",
    "headline_table",
    "describe_headline",
    "describe_forecast",
    "backtest_table",
    "describe_backtest",
    "proposals_table",
    "describe_proposals",
    "pacing_table",
    "describe_pacing",
    "attainment_table",
    "describe_attainment",
    "pvm_for_period",
    "pvm_table",
    "describe_pvm",
    "check_parameters",
    "check_history",
    "calibrate",
    "options_table",
    "PacingView",
    "current_period_pacing",
    "describe_current_pacing",
    "BENCHMARK_ATTAINING",
    "FAST_MODELS",
]

#: Practitioner benchmark for the share of reps that should attain a well-set target.
BENCHMARK_ATTAINING = (0.60, 0.70)

_SEASONAL_PERIODS = {"M": 12, "Q": 4}

#: One model, ETS(A,Ad,A), for forecasting many small series (regions, reps): additive so
#: it copes with months of zero revenue, with a damped trend so growing or shrinking
#: territories are not forecast flat.
FAST_MODELS = [("add", "add", "add", True)]


# ---------------------------------------------------------------------------------------
# input helpers
# ---------------------------------------------------------------------------------------


def _require_columns(df: pd.DataFrame, columns, what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} is missing column(s) {missing}; it has {list(df.columns)}")


def _freq_code(index: pd.PeriodIndex) -> str:
    code = index.freqstr.upper()
    if code.startswith("Q"):
        return "Q"
    if code.startswith("M"):
        return "M"
    return code


def _as_period_series(history, name: str = "history") -> pd.Series:
    """Validate a revenue series and return it with a regular PeriodIndex."""
    if not isinstance(history, pd.Series):
        raise ValueError(
            f"{name} must be a pandas Series indexed by period, got {type(history).__name__}"
        )
    if len(history) == 0:
        raise ValueError(f"{name} is empty: a forecast needs at least one period of revenue")
    s = history.copy()
    if isinstance(s.index, pd.DatetimeIndex):
        freq = s.index.freq or pd.infer_freq(s.index)
        if freq is None:
            raise ValueError(f"{name} has a DatetimeIndex without a regular frequency")
        s.index = s.index.to_period(pd.tseries.frequencies.to_offset(freq).rule_code[:1])
    if not isinstance(s.index, pd.PeriodIndex):
        raise ValueError(
            f"{name} must be indexed by a PeriodIndex (monthly or quarterly), got {type(s.index).__name__}"
        )
    if s.index.has_duplicates:
        raise ValueError(
            f"{name} has duplicate periods: {list(s.index[s.index.duplicated()].astype(str))}"
        )
    s = s.sort_index()
    expected = pd.period_range(s.index[0], s.index[-1], freq=s.index.freq)
    if len(expected) != len(s):
        gaps = expected.difference(s.index)
        raise ValueError(
            f"{name} has missing periods {list(gaps.astype(str))[:5]}; fill them with 0 explicitly"
        )
    try:
        s = s.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if s.isna().any():
        raise ValueError(f"{name} has missing values at {list(s.index[s.isna()].astype(str))}")
    if (s < 0).any():
        raise ValueError(f"{name} has negative revenue at {list(s.index[s < 0].astype(str))}")
    return s


def monthly_revenue(
    orders: pd.DataFrame,
    *,
    start=None,
    end=None,
    date: str = "order_date",
    amount: str = "amount",
) -> pd.Series:
    """Revenue per calendar month as a Series with a monthly PeriodIndex.

    Months without orders between ``start`` and ``end`` are 0 (not missing).

    Parameters
    ----------
    orders : DataFrame
        Order rows with a date column and an amount column.
    start, end : period-like, optional
        First and last month to include (``"2023-01"``, a Timestamp or a monthly Period).
        Default: the months of the first and last order. Orders outside are ignored.
    date, amount : str
        Column names.

    Returns
    -------
    Series
        Float revenue per month, name ``"revenue"``.
    """
    _require_columns(orders, [date, amount], "orders")
    months = pd.to_datetime(orders[date]).dt.to_period("M")
    if start is None:
        if months.empty:
            raise ValueError("orders is empty and no start month was given")
        start = months.min()
    if end is None:
        if months.empty:
            raise ValueError("orders is empty and no end month was given")
        end = months.max()
    start, end = pd.Period(start, "M"), pd.Period(end, "M")
    if end < start:
        raise ValueError(f"end month {end} is before start month {start}")
    idx = pd.period_range(start, end, freq="M")
    keep = (months >= start) & (months <= end)
    out = orders.loc[keep, amount].astype(float).groupby(months[keep]).sum()
    out = out.reindex(idx, fill_value=0.0)
    out.index.name = "month"
    return out.rename("revenue")


def seasonal_index(history: pd.Series, *, seasonal_periods: int | None = None) -> pd.Series:
    """Multiplicative seasonal index by month of year (or quarter), mean 1.

    Classical ratio-to-centred-moving-average decomposition, computed by
    ``statsmodels.tsa.seasonal.seasonal_decompose(model="multiplicative")``.

    Parameters
    ----------
    history : Series
        Revenue per period, monthly or quarterly PeriodIndex, at least two full cycles,
        all values positive.

    Returns
    -------
    Series
        Index 1..12 (month of year) or 1..4 (quarter); values average 1.

    References
    ----------
    Makridakis, S., Wheelwright, S. C. & Hyndman, R. J. (1998). Forecasting: Methods and
    Applications, 3rd ed., ch. 3 (classical decomposition). Wiley.
    """
    from statsmodels.tsa.seasonal import seasonal_decompose

    s = _as_period_series(history)
    sp = seasonal_periods or _SEASONAL_PERIODS.get(_freq_code(s.index))
    if sp is None:
        raise ValueError(
            f"cannot infer the seasonal period of frequency {s.index.freqstr}; pass seasonal_periods"
        )
    if len(s) < 2 * sp:
        raise ValueError(f"history has {len(s)} periods; a seasonal index needs at least {2 * sp}")
    if (s <= 0).any():
        raise ValueError("history must be positive for a multiplicative seasonal index")
    dec = seasonal_decompose(s.to_numpy(), model="multiplicative", period=sp)
    pos = (s.index.month - 1) % 12 if sp == 12 else (s.index.quarter - 1)
    factors = pd.Series(dec.seasonal, index=pos).groupby(level=0).first().sort_index()
    factors = factors / factors.mean()
    factors.index = factors.index + 1
    factors.index.name = "month" if sp == 12 else "quarter"
    return factors.rename("seasonal_index")


# ---------------------------------------------------------------------------------------
# forecast
# ---------------------------------------------------------------------------------------


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
    notes : tuple of str
        Why a fallback was used and anything else a reader should know.
    history : Series
        The revenue history the model was fitted to.
    """

    index: pd.PeriodIndex
    samples: np.ndarray
    model: str
    notes: tuple[str, ...] = ()
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

    def summary(self, levels=(0.5, 0.8)) -> pd.DataFrame:
        """Mean, median and intervals per step plus a ``total`` row."""
        rows = {}
        labels = [str(p) for p in self.index] + ["total"]
        for j, label in enumerate(labels):
            x = self.total_samples if label == "total" else self.samples[j]
            row = {"mean": float(x.mean()), "median": float(np.median(x))}
            for lv in levels:
                a = (1 - lv) / 2
                row[f"low_{int(lv * 100)}"] = float(np.quantile(x, a))
                row[f"high_{int(lv * 100)}"] = float(np.quantile(x, 1 - a))
            rows[label] = row
        out = pd.DataFrame(rows).T
        out.index.name = "step"
        return out


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
            with warnings.catch_warnings():
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
    freq = _freq_code(y.index)
    sp = seasonal_periods if seasonal_periods is not None else _SEASONAL_PERIODS.get(freq)
    idx = pd.period_range(y.index[-1] + 1, periods=horizon, freq=y.index.freq)
    idx.name = y.index.name
    rng = np.random.default_rng(seed)
    notes: list[str] = []
    n = len(y)

    if float(y.max() - y.min()) == 0.0:
        samples = np.full((horizon, repetitions), float(y.iloc[-1]))
        notes.append(
            f"history is flat at {y.iloc[-1]:,.0f} per period; constant forecast without uncertainty"
        )
        return Forecast(idx, samples, "constant", tuple(notes), y, math.nan, seed)

    tiers = []
    if sp and sp > 1 and n >= 2 * sp + 2:
        tiers.append(True)
    elif sp and sp > 1:
        notes.append(
            f"history has {n} periods, fewer than two seasonal cycles plus two ({2 * sp + 2}); "
            "seasonality not modelled"
        )
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
            notes.append(
                ("seasonal" if seasonal else "non-seasonal")
                + " ETS fits failed; simpler model used"
            )
            continue
        spec, res = best
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eps = rng.standard_normal((horizon, repetitions)) * _dof_sigma(res)
            sim = res.simulate(horizon, anchor="end", repetitions=repetitions, random_errors=eps)
        samples = np.asarray(sim, dtype=float).reshape(horizon, repetitions) * scale
        if not np.isfinite(samples).all():
            notes.append(f"{_ets_name(*spec)} simulation diverged; simpler model used")
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
        notes.append(f"only {n} period(s) of history; forecast is the mean with its spread")
    sd = float(y.std(ddof=1)) if n > 1 else float(y.iloc[0]) * 0.25
    samples = rng.normal(float(y.mean()), sd, size=(horizon, repetitions))
    samples = _clip_negative(samples, notes)
    return Forecast(idx, samples, "mean", tuple(notes), y, math.nan, seed)


def _clip_negative(samples: np.ndarray, notes: list[str]) -> np.ndarray:
    neg = samples < 0
    if neg.mean() > 0.01:
        notes.append(f"{neg.mean():.1%} of simulated values were negative and set to 0")
    return np.where(neg, 0.0, samples)


# ---------------------------------------------------------------------------------------
# backtest
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Backtest:
    """Rolling-origin evaluation of :func:`baseline_forecast`.

    Attributes
    ----------
    steps : DataFrame
        One row per origin and horizon step: origin (last period of the training data),
        step, period, actual, mean, low/high of the 50% and 80% intervals, error
        (actual - mean), ape (absolute percentage error, %), in_50, in_80, model.
    totals : DataFrame
        The same per origin for the total over the horizon.
    """

    steps: pd.DataFrame
    totals: pd.DataFrame
    horizon: int

    @classmethod
    def empty(cls, horizon: int) -> Backtest:
        """A backtest with no origins (history too short to score any forecast)."""
        cols = [
            "origin",
            "step",
            "period",
            "actual",
            "mean",
            "low_50",
            "high_50",
            "low_80",
            "high_80",
            "error",
            "ape",
            "in_50",
            "in_80",
            "model",
        ]
        return cls(pd.DataFrame(columns=cols), pd.DataFrame(columns=cols), int(horizon))

    def summary(self, *, alpha: float = 0.05) -> pd.DataFrame:
        """MAPE and interval coverage, per step and for the horizon total.

        ``flag_80`` is True when the 80% intervals cover significantly fewer than 80% of
        actuals (one-sided exact binomial test at level ``alpha``). Overlapping horizons
        make rolling-origin errors correlated, so the test is a screening rule, not an
        exact p-value.

        References
        ----------
        Hyndman, R. J. & Koehler, A. B. (2006). Another look at measures of forecast
        accuracy. International Journal of Forecasting 22(4), 679-688 (MAPE).
        Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules, prediction,
        and estimation. JASA 102(477), 359-378 (calibration of interval forecasts).
        """
        rows = {}
        for name, df in (("per step", self.steps), ("horizon total", self.totals)):
            n = len(df)
            k80 = int(df["in_80"].sum())
            p = float(_st.binomtest(k80, n, 0.8, alternative="less").pvalue) if n else math.nan
            rows[name] = {
                "n": n,
                "mape": float(df["ape"].mean()) if n else math.nan,
                "bias": float(df["error"].mean()) if n else math.nan,
                "coverage_50": float(df["in_50"].mean()) if n else math.nan,
                "coverage_80": float(df["in_80"].mean()) if n else math.nan,
                "p_undercover_80": p,
                "flag_80": bool(p < alpha) if n else False,
            }
        out = pd.DataFrame(rows).T
        for col in ("n",):
            out[col] = out[col].astype(int)
        for col in ("mape", "bias", "coverage_50", "coverage_80", "p_undercover_80"):
            out[col] = out[col].astype(float)
        out["flag_80"] = out["flag_80"].astype(bool)
        return out

    def coverage(self, level: float = 0.8, *, total: bool = False) -> Estimate:
        """Share of actuals inside the ``level`` intervals, with a Wilson interval."""
        col = {0.5: "in_50", 0.8: "in_80"}.get(level)
        if col is None:
            raise ValueError(f"coverage is recorded for levels 0.5 and 0.8, got {level!r}")
        df = self.totals if total else self.steps
        return proportion(int(df[col].sum()), len(df))


def backtest(
    history: pd.Series,
    horizon: int,
    *,
    origins: int | list = 6,
    step: int = 1,
    **forecast_kwargs,
) -> Backtest:
    """Refit the baseline forecast at rolling origins and score it against actuals.

    Parameters
    ----------
    history : Series
        Revenue per period (as for :func:`baseline_forecast`).
    horizon : int
        Steps forecast from each origin (3 for a quarter of monthly data).
    origins : int or list
        Number of origins (the latest ones whose whole horizon is observed, ``step``
        periods apart), or an explicit list of origin periods (the last period of each
        training window).
    **forecast_kwargs
        Passed to :func:`baseline_forecast` (``repetitions``, ``seed``, ``models`` ...).

    Returns
    -------
    Backtest

    References
    ----------
    Tashman, L. J. (2000). Out-of-sample tests of forecasting accuracy: an analysis and
    review. International Journal of Forecasting 16(4), 437-450 (rolling origins).
    """
    y = _as_period_series(history)
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
    n = len(y)
    if isinstance(origins, int | np.integer):
        if origins < 1:
            raise ValueError(f"origins must be positive, got {origins!r}")
        last = n - horizon - 1
        positions = [last - k * step for k in range(int(origins))][::-1]
        positions = [p for p in positions if p >= 1]
        if not positions:
            raise ValueError(
                f"history of {n} periods is too short for a backtest with horizon {horizon}"
            )
    else:
        positions = []
        for o in origins:
            p = pd.Period(o, freq=y.index.freq)
            if p not in y.index:
                raise ValueError(f"origin {p} is not in the history")
            pos = y.index.get_loc(p)
            if pos + horizon >= n:
                raise ValueError(f"origin {p}: the {horizon} periods after it are not all observed")
            positions.append(pos)
    step_rows, total_rows = [], []
    for pos in positions:
        train = y.iloc[: pos + 1]
        fc = baseline_forecast(train, horizon, **forecast_kwargs)
        actual = y.iloc[pos + 1 : pos + 1 + horizon].to_numpy()
        origin = y.index[pos]
        for j in range(horizon):
            step_rows.append(_score(fc.samples[j], actual[j], origin, j + 1, fc.index[j], fc.model))
        total_rows.append(
            _score(fc.total_samples, actual.sum(), origin, horizon, "total", fc.model)
        )
    return Backtest(pd.DataFrame(step_rows), pd.DataFrame(total_rows), int(horizon))


def calibrate(history: pd.Series, horizon: int, **kwargs) -> Backtest:
    """:func:`backtest`, or an empty :class:`Backtest` when the history is too short to
    hold out even one forecast (reports then say so instead of failing)."""
    y = _as_period_series(history)
    if len(y) - horizon - 1 < 1:
        return Backtest.empty(horizon)
    return backtest(y, horizon, **kwargs)


def _score(x: np.ndarray, actual: float, origin, step, period, model) -> dict:
    lo50, hi50, lo80, hi80 = np.quantile(x, [0.25, 0.75, 0.10, 0.90])
    mean = float(x.mean())
    err = float(actual - mean)
    return {
        "origin": origin,
        "step": step,
        "period": period,
        "actual": float(actual),
        "mean": mean,
        "low_50": float(lo50),
        "high_50": float(hi50),
        "low_80": float(lo80),
        "high_80": float(hi80),
        "error": err,
        "ape": abs(err) / abs(actual) * 100 if actual != 0 else math.nan,
        "in_50": bool(lo50 <= actual <= hi50),
        "in_80": bool(lo80 <= actual <= hi80),
        "model": model,
    }


# ---------------------------------------------------------------------------------------
# target proposal
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProposal:
    """A proposed target for the forecast horizon and how likely it is to be met.

    ``base_target`` is the forecast quantile at ``1 - attainability``; ``target`` adds the
    ``uplift``; ``p_attain`` is the forecast probability of reaching ``target``.
    """

    target: float
    p_attain: float
    attainability: float
    uplift: float
    base_target: float
    p_attain_base: float
    expected: float
    model: str

    @property
    def stretch(self) -> float:
        """Target relative to the expected revenue, minus 1 (0.05 = 5% above forecast)."""
        return self.target / self.expected - 1 if self.expected else math.nan


def propose_target(
    forecast: Forecast, *, attainability: float = 0.6, uplift: float = 0.0
) -> TargetProposal:
    """Target for the horizon total that is met with probability ``attainability``.

    The base target is the ``1 - attainability`` quantile of the simulated horizon
    total, so P(total >= target) = attainability (up to 1/repetitions). An ``uplift``
    (e.g. 0.05 for +5%) raises it, and ``p_attain`` shows how the probability falls.

    References
    ----------
    Zoltners, A. A., Sinha, P. & Lorimer, S. E. (2006). The Complete Guide to Sales Force
    Incentive Compensation, ch. 11 (setting goals that are challenging yet attainable).
    """
    if not isinstance(forecast, Forecast):
        raise ValueError(f"forecast must be a Forecast, got {type(forecast).__name__}")
    if not 0 < attainability < 1:
        raise ValueError(f"attainability must be strictly between 0 and 1, got {attainability!r}")
    if not uplift > -1:
        raise ValueError(f"uplift must be greater than -1, got {uplift!r}")
    base = forecast.quantile(1 - attainability, total=True)
    target = base * (1 + uplift)
    return TargetProposal(
        target=float(target),
        p_attain=forecast.prob_at_least(target, total=True),
        attainability=float(attainability),
        uplift=float(uplift),
        base_target=float(base),
        p_attain_base=forecast.prob_at_least(base, total=True),
        expected=forecast.total_mean,
        model=forecast.model,
    )


def attainability_curve(
    forecast: Forecast, uplifts=None, *, attainability: float = 0.6
) -> pd.DataFrame:
    """P(attain) of the base target raised by each uplift (default -10% to +20%)."""
    if uplifts is None:
        uplifts = np.round(np.arange(-0.10, 0.2001, 0.025), 4)
    base = propose_target(forecast, attainability=attainability).base_target
    rows = [
        {
            "uplift": float(u),
            "target": base * (1 + u),
            "p_attain": forecast.prob_at_least(base * (1 + u), total=True),
        }
        for u in uplifts
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# allocation and phasing
# ---------------------------------------------------------------------------------------


def _clean_weights(weights, name: str = "weights") -> pd.Series:
    w = pd.Series(weights) if not isinstance(weights, pd.Series) else weights
    if w.empty:
        raise ValueError(f"{name} is empty")
    if w.index.has_duplicates:
        raise ValueError(f"{name} has duplicate keys {list(w.index[w.index.duplicated()])}")
    try:
        w = w.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if w.isna().any():
        raise ValueError(f"{name} has missing values for {list(w.index[w.isna()])}")
    if (w < 0).any():
        raise ValueError(f"{name} has negative values for {list(w.index[w < 0])}")
    if w.sum() <= 0:
        raise ValueError(f"{name} sum to 0; nothing to allocate by")
    return w


def blend_weights(history, potential, alpha: float = 0.5) -> pd.Series:
    """Shares ``alpha * history share + (1 - alpha) * potential share`` (sum to 1).

    Keys missing from one side count as 0 there.
    """
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    h = _clean_weights(history, "history weights") if alpha > 0 else None
    p = _clean_weights(potential, "potential weights") if alpha < 1 else None
    keys = (h.index if h is not None else p.index).union(
        p.index if p is not None else h.index, sort=False
    )
    out = pd.Series(0.0, index=keys)
    if h is not None:
        out = out.add(alpha * h / h.sum(), fill_value=0.0)
    if p is not None:
        out = out.add((1 - alpha) * p / p.sum(), fill_value=0.0)
    return out.rename("share")


def allocate(total: float, weights, *, alpha: float | None = None) -> pd.Series:
    """Split ``total`` in proportion to ``weights`` in whole currency units.

    Amounts sum exactly to ``round(total)``: each key gets the floor of its exact quota
    and the units left over go one each to the keys with the largest remainders (ties to
    the larger weight, then to the earlier key).

    Parameters
    ----------
    total : float
        Amount to split (rounded to a whole unit first; must be >= 0).
    weights : Series, dict or DataFrame
        Non-negative weights per key (history, potential ...). A DataFrame with columns
        ``history`` and ``potential`` is blended with :func:`blend_weights` and ``alpha``.
    alpha : float, optional
        Weight on history in a blend (required for a DataFrame of weights).

    Returns
    -------
    Series of int64, index = the keys, name ``"amount"``.

    References
    ----------
    Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings
    (Hamilton's largest-remainder method).
    """
    if isinstance(weights, pd.DataFrame):
        _require_columns(weights, ["history", "potential"], "weights")
        if alpha is None:
            raise ValueError("alpha is required to blend history and potential weights")
        w = blend_weights(weights["history"], weights["potential"], alpha)
    else:
        if alpha is not None:
            raise ValueError("alpha applies only to a DataFrame with history and potential columns")
        w = _clean_weights(weights)
    try:
        total_f = float(total)
    except (TypeError, ValueError):
        raise ValueError(f"total must be a number, got {total!r}") from None
    if not math.isfinite(total_f) or total_f < 0:
        raise ValueError(f"total must be a finite non-negative amount, got {total!r}")
    whole = int(round(total_f))
    shares = w.to_numpy() / w.sum()
    exact = whole * shares
    base = np.floor(exact).astype(np.int64)
    left = whole - int(base.sum())
    rem = exact - base
    order = sorted(range(len(w)), key=lambda i: (-rem[i], -shares[i], i))
    base[order[:left]] += 1
    return pd.Series(base, index=w.index, name="amount")


def allocate_nested(
    total: float, weights: pd.DataFrame, *, alpha: float = 1.0, levels=("region", "rep_id")
) -> pd.DataFrame:
    """Allocate top-down: the total to the first level, each part to the second.

    Parameters
    ----------
    weights : DataFrame
        One row per (region, rep) with columns ``history`` and ``potential``.
    alpha : float
        Weight on history in the blend at both levels (1 = history only).

    Returns
    -------
    DataFrame
        Columns ``levels`` + ``share`` (of the total) + ``amount`` (int64); rep amounts
        add up to their region's amount, which add up to ``round(total)``.
    """
    outer, inner = levels
    _require_columns(weights, [outer, inner, "history", "potential"], "weights")
    if weights[[outer, inner]].duplicated().any():
        raise ValueError(f"weights has duplicate ({outer}, {inner}) rows")
    top = weights.groupby(outer, sort=True)[["history", "potential"]].sum()
    region_amount = allocate(total, top, alpha=alpha)
    parts = []
    for key, amt in region_amount.items():
        sub = weights[weights[outer] == key].set_index(inner)[["history", "potential"]]
        if sub[["history", "potential"]].sum().min() <= 0:
            # a region with no history (or no potential) uses the side it has
            a = 0.0 if sub["history"].sum() <= 0 else 1.0
        else:
            a = alpha
        if sub[["history", "potential"]].to_numpy().sum() <= 0:
            sub = sub.assign(history=1.0)
            a = 1.0
        amounts = allocate(int(amt), sub, alpha=a)
        parts.append(pd.DataFrame({outer: key, inner: amounts.index, "amount": amounts.to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    whole = max(int(round(float(total))), 1)
    out["share"] = out["amount"] / whole
    return out[[outer, inner, "share", "amount"]]


def phase(target: float, seasonal_shares) -> pd.Series:
    """Spread a period target over its months in proportion to seasonal shares.

    ``seasonal_shares`` is any positive weight per month (e.g. ``forecast.mean`` for the
    period's months, or a seasonal index); the monthly amounts are whole units that add
    up exactly to the target (largest remainders, see :func:`allocate`).
    """
    return allocate(target, seasonal_shares).rename("target")


# ---------------------------------------------------------------------------------------
# attainment
# ---------------------------------------------------------------------------------------


def _is_blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype("string").str.strip() == "")


def attainment(
    actuals: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    amount: str = "amount",
    target: str = "target_amount",
) -> pd.DataFrame:
    """Actual against target per region (region-total rows) and per rep.

    Parameters
    ----------
    actuals : DataFrame
        Order rows of the period with ``region``, ``rep_id`` and ``amount``.
    targets : DataFrame
        Target rows of the same period with ``region``, ``rep_id`` (empty = region total)
        and ``target_amount``.

    Returns
    -------
    DataFrame
        Columns level ("region" or "rep"), region, rep_id, target, actual, attainment
        (actual / target), gap (actual - target), attained (actual >= target). Reps with
        orders but no target appear with NaN target so nothing is silently dropped.
    """
    _require_columns(actuals, ["region", "rep_id", amount], "actuals")
    _require_columns(targets, ["region", "rep_id", target], "targets")
    t = targets.copy()
    t[target] = pd.to_numeric(t[target], errors="raise").astype(float)
    if t[target].isna().any() or (t[target] < 0).any():
        raise ValueError(f"targets.{target} has missing or negative values")
    blank = _is_blank(t["rep_id"])
    reg_t = t[blank]
    rep_t = t[~blank]
    if reg_t["region"].duplicated().any():
        raise ValueError(
            f"targets has duplicate region-total rows for {sorted(reg_t['region'][reg_t['region'].duplicated()])}"
        )
    if rep_t["rep_id"].duplicated().any():
        raise ValueError(
            f"targets has duplicate rep rows for {sorted(rep_t['rep_id'][rep_t['rep_id'].duplicated()])}"
        )
    amt = actuals[amount].astype(float)
    by_region = amt.groupby(actuals["region"]).sum()
    by_pair = amt.groupby([actuals["rep_id"], actuals["region"]]).sum()
    by_rep = by_pair.groupby(level=0).sum()

    rows = []
    for reg, tgt in zip(reg_t["region"], reg_t[target], strict=True):
        rows.append(("region", reg, None, tgt, float(by_region.get(reg, 0.0))))
    for reg, rep, tgt in zip(rep_t["region"], rep_t["rep_id"], rep_t[target], strict=True):
        rows.append(("rep", reg, rep, tgt, float(by_rep.get(rep, 0.0))))
    untargeted = by_rep.index.difference(pd.Index(rep_t["rep_id"]))
    if len(untargeted):
        # a rep without a target is listed under the region of most of its revenue
        main_region = (
            by_pair.loc[untargeted]
            .reset_index()
            .sort_values(amount)
            .drop_duplicates("rep_id", keep="last")
            .set_index("rep_id")["region"]
        )
        for rep in untargeted:
            rows.append(("rep", main_region[rep], rep, math.nan, float(by_rep[rep])))
    out = pd.DataFrame(rows, columns=["level", "region", "rep_id", "target", "actual"])
    out["attainment"] = np.where(
        out["target"] > 0, out["actual"] / out["target"].where(out["target"] > 0), np.nan
    )
    out["gap"] = out["actual"] - out["target"]
    out["attained"] = out["actual"] >= out["target"]
    out.loc[out["target"].isna(), "attained"] = False
    return out.sort_values(["level", "region", "rep_id"], na_position="first").reset_index(
        drop=True
    )


@dataclass(frozen=True)
class AttainingShare:
    """Share of reps at or above target, against the 60-70% benchmark."""

    estimate: Estimate
    attained: int
    n_reps: int
    benchmark: tuple[float, float]
    position: str  # "below", "within" or "above" the benchmark range

    @property
    def share(self) -> float:
        return self.estimate.value


def share_attaining(att: pd.DataFrame, *, benchmark=BENCHMARK_ATTAINING) -> AttainingShare:
    """Share of reps whose actual is at or above a positive target (Wilson interval).

    ``position`` says whether the share is below, within or above the benchmark range.
    A share well above it suggests targets set too low; well below, too high.

    References
    ----------
    Practitioner benchmark that 60-70% of reps should attain a well-set quota; see e.g.
    Zoltners, A. A., Sinha, P. & Lorimer, S. E. (2006). The Complete Guide to Sales
    Force Incentive Compensation, ch. 11; https://www.b2blead.io/blog/b2b-quota-attainment.
    Wilson, E. B. (1927) for the interval.
    """
    _require_columns(att, ["level", "target", "attained"], "attainment table")
    reps = att[(att["level"] == "rep") & (att["target"] > 0)]
    k, n = int(reps["attained"].sum()), len(reps)
    est = proportion(k, n)
    lo, hi = benchmark
    if n == 0:
        pos = "n/a"
    elif est.value < lo:
        pos = "below"
    elif est.value > hi:
        pos = "above"
    else:
        pos = "within"
    return AttainingShare(est, k, n, (float(lo), float(hi)), pos)


# ---------------------------------------------------------------------------------------
# pacing
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pacing:
    """Where a period in progress stands against its target.

    Rates are per day. ``expected_share`` is the share of the period's revenue that the
    seasonal pattern expects by ``as_of`` (equal to ``time_elapsed`` without seasonality).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp
    target: float
    achieved: float
    days_total: int
    days_elapsed: int
    time_elapsed: float
    expected_share: float
    linear_pace: float
    seasonal_pace: float
    run_rate: float
    required_run_rate: float
    run_rate_projection: float
    seasonal_projection: float
    p_attain: float = math.nan
    projection_low: float = math.nan
    projection_high: float = math.nan
    notes: tuple[str, ...] = field(default=())

    @property
    def days_remaining(self) -> int:
        return self.days_total - self.days_elapsed

    @property
    def attainment_to_date(self) -> float:
        return self.achieved / self.target if self.target else math.nan


def _month_elapsed_fractions(start, end, as_of) -> pd.Series:
    """Fraction of each month of [start, end] elapsed by as_of (inclusive days)."""
    months = pd.period_range(start, end, freq="M")
    fr = {}
    for m in months:
        m_start = max(m.start_time.normalize(), start)
        m_end = min(m.end_time.normalize(), end)
        days = (m_end - m_start).days + 1
        done = (min(as_of, m_end) - m_start).days + 1
        fr[m] = min(max(done, 0), days) / days
    return pd.Series(fr)


def _days_in_period_months(start, end) -> pd.Series:
    months = pd.period_range(start, end, freq="M")
    return pd.Series(
        {
            m: (min(m.end_time.normalize(), end) - max(m.start_time.normalize(), start)).days + 1
            for m in months
        }
    )


def _month_weight_vector(start, end, month_weights) -> pd.Series:
    """Expected revenue weight of each month of [start, end] (partial months pro rata)."""
    days_in = _days_in_period_months(start, end)
    if month_weights is None:
        return days_in.astype(float)
    mw = pd.Series(month_weights).astype(float)
    if isinstance(mw.index, pd.PeriodIndex):
        w = pd.Series([mw.get(m, np.nan) for m in days_in.index], index=days_in.index)
    else:
        w = pd.Series([mw.get(m.month, np.nan) for m in days_in.index], index=days_in.index)
    if w.isna().any() or (w < 0).any():
        raise ValueError(
            f"month_weights has no non-negative weight for {list(w.index[w.isna()].astype(str))}"
        )
    full_days = pd.Series({m: m.days_in_month for m in days_in.index})
    return w * days_in / full_days


def expected_share(start, end, as_of, month_weights=None) -> float:
    """Share of a period's revenue expected by the end of day ``as_of``.

    Each month carries its seasonal weight (``month_weights`` by month number 1-12 or
    by monthly Period; default: every day the same) spread evenly over its days.

    References
    ----------
    Hyndman, R. J. & Athanasopoulos, G. (2021). Forecasting: Principles and Practice,
    3rd ed., section 3.4 (seasonal indices from classical decomposition).
    """
    start, end, as_of = (pd.Timestamp(x).normalize() for x in (start, end, as_of))
    if as_of < start:
        return 0.0
    w = _month_weight_vector(start, end, month_weights)
    fr = _month_elapsed_fractions(start, end, min(as_of, end))
    return float((w * fr).sum() / w.sum())


def pacing_curve(
    orders: pd.DataFrame,
    p: Pacing,
    *,
    month_weights=None,
    date: str = "order_date",
    amount: str = "amount",
) -> pd.DataFrame:
    """Day-by-day cumulative booked revenue against linear and seasonal target paths.

    Returns a DataFrame indexed by day over the whole period with ``booked`` (cumulative,
    NaN after ``as_of``), ``linear_target`` and ``seasonal_target`` (the target times the
    share of time elapsed / of seasonal revenue expected by each day).
    """
    _require_columns(orders, [date, amount], "orders")
    days = pd.date_range(p.start, p.end, freq="D")
    d = pd.to_datetime(orders[date]).dt.normalize()
    m = (d >= p.start) & (d <= p.as_of)
    daily = orders.loc[m, amount].astype(float).groupby(d[m]).sum().reindex(days, fill_value=0.0)
    booked = daily.cumsum().where(days <= p.as_of)
    lin = p.target * np.arange(1, len(days) + 1) / len(days)
    seas = [p.target * expected_share(p.start, p.end, day, month_weights) for day in days]
    out = pd.DataFrame(
        {"booked": booked, "linear_target": lin, "seasonal_target": seas}, index=days
    )
    out.index.name = "date"
    return out


def pacing(
    achieved: float,
    target: float,
    *,
    start,
    end,
    as_of,
    month_weights=None,
    forecast: Forecast | None = None,
) -> Pacing:
    """Pacing of a period in progress.

    Parameters
    ----------
    achieved : float
        Revenue booked from ``start`` to ``as_of`` (inclusive).
    target : float
        Target for the whole period.
    start, end, as_of : date-like
        Period start and end (inclusive days) and the date the data runs to.
    month_weights : Series, optional
        Expected revenue weight per month, indexed by month number 1-12 (a seasonal
        index) or by monthly Period. Within a month revenue is spread evenly over days.
        Default: every day weighs the same.
    forecast : Forecast, optional
        Monthly forecast covering at least the months from the one containing ``as_of``
        to ``end``. P(attain) is P(achieved + remaining >= target), where remaining is
        the simulated revenue of the later months plus the not-yet-elapsed day share of
        the current month.

    Returns
    -------
    Pacing
        ``linear_pace`` = achieved / (target x time elapsed); ``seasonal_pace`` =
        achieved / (target x expected share); ``run_rate_projection`` = achieved / time
        elapsed; ``seasonal_projection`` = achieved / expected share;
        ``required_run_rate`` = (target - achieved) / days remaining.

    References
    ----------
    Hyndman, R. J. & Athanasopoulos, G. (2021). Forecasting: Principles and Practice,
    3rd ed., section 3.4 (classical seasonal indices used to seasonally adjust).
    """
    start, end, as_of = (pd.Timestamp(x).normalize() for x in (start, end, as_of))
    if end < start:
        raise ValueError(f"period end {end.date()} is before its start {start.date()}")
    if as_of < start:
        raise ValueError(f"as_of {as_of.date()} is before the period start {start.date()}")
    achieved, target = float(achieved), float(target)
    if achieved < 0 or not math.isfinite(achieved):
        raise ValueError(f"achieved must be a non-negative amount, got {achieved!r}")
    if target <= 0 or not math.isfinite(target):
        raise ValueError(f"target must be a positive amount, got {target!r}")
    notes = []
    as_of_c = min(as_of, end)
    days_total = (end - start).days + 1
    days_elapsed = (as_of_c - start).days + 1
    time_elapsed = days_elapsed / days_total

    fr = _month_elapsed_fractions(start, end, as_of_c)
    days_in = _days_in_period_months(start, end)
    w = _month_weight_vector(start, end, month_weights)
    exp_share = float((w * fr).sum() / w.sum())

    run_rate = achieved / days_elapsed
    days_remaining = days_total - days_elapsed
    required = max(target - achieved, 0.0) / days_remaining if days_remaining else math.nan
    p_attain = lo = hi = math.nan
    if forecast is not None:
        remaining = np.zeros(forecast.repetitions)
        steps = {p: i for i, p in enumerate(forecast.index)}
        for m, f in fr.items():
            if f >= 1:
                continue
            if m not in steps:
                raise ValueError(f"forecast does not cover month {m}, still to come in the period")
            remaining += forecast.samples[steps[m]] * (1 - f) * days_in[m] / m.days_in_month
        totals = achieved + remaining
        p_attain = float(np.mean(totals >= target))
        lo, hi = (float(v) for v in np.quantile(totals, [0.1, 0.9]))
    if as_of > end:
        notes.append("the period is complete; pacing shows the final position")
    return Pacing(
        start=start,
        end=end,
        as_of=as_of_c,
        target=target,
        achieved=achieved,
        days_total=days_total,
        days_elapsed=days_elapsed,
        time_elapsed=time_elapsed,
        expected_share=exp_share,
        linear_pace=achieved / (target * time_elapsed),
        seasonal_pace=achieved / (target * exp_share) if exp_share > 0 else math.nan,
        run_rate=run_rate,
        required_run_rate=required,
        run_rate_projection=achieved / time_elapsed,
        seasonal_projection=achieved / exp_share if exp_share > 0 else math.nan,
        p_attain=p_attain,
        projection_low=lo,
        projection_high=hi,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------
# price / volume / mix
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PVMBridge:
    """Revenue bridge from a base period to the current one.

    ``effects`` is a Series in bridge order: base, volume, mix, price, new, lost,
    current; base + volume + mix + price + new + lost = current (to float precision).
    ``by_line`` has the same effects per product line with quantities and prices.
    """

    effects: pd.Series
    by_line: pd.DataFrame

    @property
    def change(self) -> float:
        return float(self.effects["current"] - self.effects["base"])


def price_volume_mix(
    current: pd.DataFrame,
    base: pd.DataFrame,
    *,
    by: str = "product_line",
    amount: str = "amount",
    quantity: str = "quantity",
) -> PVMBridge:
    """Price / volume / mix bridge of revenue between two periods.

    For product lines sold in both periods (quantity q, average unit price p = revenue
    / q, mix share s = q / Q of total quantity Q):

    * volume = (Q1 - Q0) * sum_i s0_i p0_i  -- the change in units at base mix and prices
    * mix    = Q1 * sum_i (s1_i - s0_i) p0_i -- the shift between lines at base prices
    * price  = sum_i q1_i (p1_i - p0_i)      -- the change in price on current units

    Lines sold only in the current period form the ``new`` effect (their revenue) and
    lines sold only in the base period the ``lost`` effect (minus their revenue), so
    base + volume + mix + price + new + lost = current, and the identity also holds per
    line. Units are added across lines, so volume is only meaningful when the lines'
    units are comparable; read mix as the revenue effect of the shift in unit shares.

    References
    ----------
    Horngren, C. T., Datar, S. M. & Rajan, M. V. (2015). Cost Accounting: A Managerial
    Emphasis, 15th ed., Pearson: selling-price variance (ch. 7) and the sales-quantity /
    sales-mix split of the sales-volume variance (ch. 14), with revenue per unit in place
    of contribution margin per unit.
    """
    for df, name in ((current, "current"), (base, "base")):
        _require_columns(df, [by, amount, quantity], f"{name} orders")
        if (df[amount] < 0).any():
            raise ValueError(f"{name} orders have negative {amount}")
        if (df[quantity] <= 0).any():
            raise ValueError(f"{name} orders have {quantity} <= 0; unit prices would be undefined")
        if df[by].isna().any():
            raise ValueError(f"{name} orders have missing {by}")
    g1 = current.groupby(by)[[amount, quantity]].sum().astype(float)
    g0 = base.groupby(by)[[amount, quantity]].sum().astype(float)
    lines = g0.index.union(g1.index)
    t = pd.DataFrame(index=lines)
    t.index.name = by
    t["base_revenue"] = g0[amount].reindex(lines, fill_value=0.0)
    t["current_revenue"] = g1[amount].reindex(lines, fill_value=0.0)
    t["base_quantity"] = g0[quantity].reindex(lines, fill_value=0.0)
    t["current_quantity"] = g1[quantity].reindex(lines, fill_value=0.0)
    cont = (t["base_quantity"] > 0) & (t["current_quantity"] > 0)
    t["base_price"] = (t["base_revenue"] / t["base_quantity"]).where(t["base_quantity"] > 0)
    t["current_price"] = (t["current_revenue"] / t["current_quantity"]).where(
        t["current_quantity"] > 0
    )
    q0, q1 = t.loc[cont, "base_quantity"], t.loc[cont, "current_quantity"]
    Q0, Q1 = q0.sum(), q1.sum()
    p0, p1 = t.loc[cont, "base_price"], t.loc[cont, "current_price"]
    for col in ("volume", "mix", "price", "new", "lost"):
        t[col] = 0.0
    if cont.any():
        s0, s1 = q0 / Q0, q1 / Q1
        t.loc[cont, "volume"] = (Q1 - Q0) * s0 * p0
        t.loc[cont, "mix"] = Q1 * (s1 - s0) * p0
        t.loc[cont, "price"] = q1 * (p1 - p0)
    new = (t["base_quantity"] == 0) & (t["current_quantity"] > 0)
    lost = (t["base_quantity"] > 0) & (t["current_quantity"] == 0)
    t.loc[new, "new"] = t.loc[new, "current_revenue"]
    t.loc[lost, "lost"] = -t.loc[lost, "base_revenue"]
    t["change"] = t["current_revenue"] - t["base_revenue"]
    t["status"] = np.select([cont, new, lost], ["continuing", "new", "lost"], default="none")
    effects = pd.Series(
        {
            "base": t["base_revenue"].sum(),
            "volume": t["volume"].sum(),
            "mix": t["mix"].sum(),
            "price": t["price"].sum(),
            "new": t["new"].sum(),
            "lost": t["lost"].sum(),
            "current": t["current_revenue"].sum(),
        },
        name="amount",
    )
    return PVMBridge(effects, t)


# ---------------------------------------------------------------------------------------
# SMART check
# ---------------------------------------------------------------------------------------


def smart_check(
    proposals: pd.DataFrame,
    *,
    company_total: float,
    period_start,
    period_end,
    p_band: tuple[float, float] = (0.5, 0.9),
    owner: str = "owner",
    amount: str = "amount",
    p_attain: str = "p_attain",
) -> pd.DataFrame:
    """Check each proposed target against the SMART criteria.

    * Specific: it has a named owner (a rep or region).
    * Measurable: the amount is a finite whole number of currency units above 0.
    * Attainable: its P(attain) lies within ``p_band`` (not a near-certain give-away,
      not a likely miss).
    * Relevant: the amounts of each level add up to the company total (so every target
      contributes to it); the column shows the share of the company total.
    * Time-bound: the period has a start and an end date.

    Parameters
    ----------
    proposals : DataFrame
        One row per target with columns ``owner``, ``amount``, ``p_attain`` and
        optionally ``level`` (targets of each level must add up to the company total).

    Returns
    -------
    DataFrame
        The input plus boolean columns specific, measurable, attainable, relevant,
        time_bound, ``share_of_total`` and ``smart`` (all five pass).

    References
    ----------
    Doran, G. T. (1981). There's a S.M.A.R.T. way to write management's goals and
    objectives. Management Review 70(11), 35-36.
    """
    _require_columns(proposals, [owner, amount, p_attain], "proposals")
    lo, hi = p_band
    out = proposals.copy()
    amt = pd.to_numeric(out[amount], errors="coerce").astype(float)
    out["specific"] = ~_is_blank(out[owner])
    out["measurable"] = np.isfinite(amt) & (amt > 0) & (amt == np.round(amt))
    p = pd.to_numeric(out[p_attain], errors="coerce").astype(float)
    out["attainable"] = (p >= lo) & (p <= hi)
    whole = round(float(company_total))
    if "level" in out.columns:
        sums = amt.groupby(out["level"]).transform("sum")
    else:
        sums = pd.Series(amt.sum(), index=out.index)
    out["relevant"] = (np.abs(sums - whole) < 0.5) & (amt > 0)
    out["share_of_total"] = amt / whole if whole else math.nan
    s, e = pd.Timestamp(period_start), pd.Timestamp(period_end)
    out["time_bound"] = bool(pd.notna(s) and pd.notna(e) and e >= s)
    out["smart"] = out[["specific", "measurable", "attainable", "relevant", "time_bound"]].all(
        axis=1
    )
    return out


# ---------------------------------------------------------------------------------------
# report-level helpers (one call per notebook section)
# ---------------------------------------------------------------------------------------


def period_targets(targets: pd.DataFrame, period) -> pd.DataFrame:
    """Target rows of ``period`` (a :class:`salesmeasure.periods.Period`).

    Rows whose ``period`` label equals the period are returned as they are. For a half
    year or fiscal year recorded as quarters, the quarters inside it are summed per
    region and rep -- only when all of them are present. A month, or a period without
    recorded targets, gives an empty frame (the report then uses the proposal).
    """
    from salesmeasure.periods import Period

    _require_columns(targets, ["period", "region", "rep_id", "target_amount"], "targets")
    exact = targets[targets["period"] == period.label]
    if not exact.empty or period.kind == "M":
        return exact.copy()
    quarters = [q.label for q in _sub_quarters(period, Period)]
    sub = targets[targets["period"].isin(quarters)]
    if sub.empty or set(sub["period"]) != set(quarters):
        return targets.iloc[0:0].copy()
    key = sub["rep_id"].astype("string").fillna("")
    out = (
        sub.assign(_rep=key)
        .groupby(["region", "_rep"], sort=True)["target_amount"]
        .sum()
        .reset_index()
        .rename(columns={"_rep": "rep_id"})
    )
    out["rep_id"] = out["rep_id"].where(out["rep_id"] != "", None)
    out.insert(0, "period", period.label)
    return out


def _sub_quarters(period, Period):
    first = Period.from_timestamp(period.start, "Q", fiscal_start_month=period.fiscal_start_month)
    out, q = [], first
    while q.start <= period.end:
        out.append(q)
        q = q.next()
    return out


def selection_total(targets: pd.DataFrame) -> float:
    """Total target of a selection: the sum of its region-total rows (rep rows if none)."""
    if targets.empty:
        return math.nan
    blank = _is_blank(targets["rep_id"])
    rows = targets[blank] if blank.any() else targets
    return float(rows["target_amount"].sum())


def allocation_weights(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    reps: pd.DataFrame,
    *,
    end,
    months: int = 12,
) -> pd.DataFrame:
    """History and potential weights per rep, for :func:`allocate_nested`.

    ``history`` is each rep's revenue in the ``months`` months up to ``end``; ``potential``
    is the number of customers in the rep's book (customers assigned to the rep and signed
    up by ``end``), a common proxy for territory potential. Every rep of ``reps`` gets a
    row, also those without history.
    """
    _require_columns(orders, ["order_date", "amount", "rep_id"], "orders")
    _require_columns(customers, ["rep_id", "signup_date"], "customers")
    _require_columns(reps, ["rep_id", "region"], "reps")
    end = pd.Timestamp(end)
    begin = (end.to_period("M") - (months - 1)).start_time
    window = orders[(orders["order_date"] >= begin) & (orders["order_date"] <= end)]
    hist = window.groupby("rep_id")["amount"].sum()
    book = customers[customers["signup_date"] <= end].groupby("rep_id").size()
    out = reps[["region", "rep_id"]].drop_duplicates().copy()
    out["history"] = out["rep_id"].map(hist).fillna(0.0).astype(float)
    out["potential"] = out["rep_id"].map(book).fillna(0).astype(float)
    return out.sort_values(["region", "rep_id"]).reset_index(drop=True)


def proposed_targets(
    orders: pd.DataFrame,
    weights: pd.DataFrame,
    *,
    total: float,
    history_end,
    horizon: int,
    alpha: float = 0.7,
    seed: int = 0,
    repetitions: int = 500,
    months=None,
) -> pd.DataFrame:
    """Allocate a total target to regions and reps, with each target's P(attain).

    The total is split by :func:`allocate_nested` (blend ``alpha`` of history share and
    ``1 - alpha`` of potential share). Each region's and rep's own monthly revenue up to
    ``history_end`` is forecast ``horizon`` months ahead with ETS(A,Ad,A)
    (:data:`FAST_MODELS`, or a simpler fallback for short histories); reps use their
    region's estimated smoothing parameters (pooled, which also keeps the 25-odd rep
    forecasts fast) with their own level, season and error variance. P(attain) is
    the simulated probability that its total over ``months`` (default: every forecast
    month) reaches its allocated target.

    Returns
    -------
    DataFrame
        Columns level, region, rep_id, owner, amount, share, expected, p_attain, model.
    """
    _require_columns(orders, ["order_date", "amount", "rep_id", "region"], "orders")
    alloc = allocate_nested(total, weights, alpha=alpha)
    end_m = pd.Timestamp(history_end).to_period("M")
    hist = orders[orders["order_date"] <= end_m.end_time]
    start_m = hist["order_date"].min().to_period("M") if not hist.empty else end_m
    rows = []

    pooled: dict = {}

    def _score(level, region, rep, amount, sub):
        y = monthly_revenue(sub, start=start_m, end=end_m) if not sub.empty else None
        if y is None or y.sum() == 0:
            return {"expected": 0.0, "p_attain": 0.0 if amount > 0 else 1.0, "model": "no history"}
        fixed = pooled.get(region) if level == "rep" else None
        fc = baseline_forecast(
            y, horizon, models=FAST_MODELS, seed=seed, repetitions=repetitions, fixed_params=fixed
        )
        if level == "region" and fc.spec == tuple(FAST_MODELS[0]):
            pooled[region] = fc.params
        if months is not None:
            fc = fc.select(months)
        return {
            "expected": fc.total_mean,
            "p_attain": fc.prob_at_least(amount, total=True),
            "model": fc.model + (" (region's smoothing parameters)" if fixed and fc.spec else ""),
        }

    for region, grp in alloc.groupby("region", sort=True):
        amt = int(grp["amount"].sum())
        rows.append(
            {
                "level": "region",
                "region": region,
                "rep_id": None,
                "owner": region,
                "amount": amt,
                **_score("region", region, None, amt, hist[hist["region"] == region]),
            }
        )
        for _, r in grp.iterrows():
            rows.append(
                {
                    "level": "rep",
                    "region": region,
                    "rep_id": r["rep_id"],
                    "owner": r["rep_id"],
                    "amount": int(r["amount"]),
                    **_score(
                        "rep",
                        region,
                        r["rep_id"],
                        int(r["amount"]),
                        hist[hist["rep_id"] == r["rep_id"]],
                    ),
                }
            )
    out = pd.DataFrame(rows)
    whole = max(int(round(float(total))), 1)
    out["share"] = out["amount"] / whole
    out["amount"] = out["amount"].astype("int64")
    return out[
        ["level", "region", "rep_id", "owner", "amount", "share", "expected", "p_attain", "model"]
    ]


def pace_period(
    orders: pd.DataFrame,
    *,
    target: float,
    start,
    end,
    as_of,
    seed: int = 0,
    repetitions: int = 1000,
    models="auto",
) -> tuple[Pacing, Forecast, pd.Series]:
    """Pacing of a period in progress from order rows, in one call.

    Fits the baseline forecast to monthly revenue up to the last complete month before
    ``as_of``, uses the months still to come for P(attain), and a seasonal index of the
    history (uniform days when the history is under two years) for seasonal pacing.

    Returns
    -------
    (Pacing, Forecast, month_weights)
    """
    _require_columns(orders, ["order_date", "amount"], "orders")
    start, end, as_of = (pd.Timestamp(x).normalize() for x in (start, end, as_of))
    as_of_m = as_of.to_period("M")
    last_full = as_of_m if as_of == as_of_m.end_time.normalize() else as_of_m - 1
    hist = monthly_revenue(orders, end=last_full)
    try:
        weights = seasonal_index(hist)
    except ValueError:
        weights = None
    booked = orders[(orders["order_date"] >= start) & (orders["order_date"] <= as_of)][
        "amount"
    ].sum()
    horizon = max((end.to_period("M") - last_full).n, 1)
    fc = baseline_forecast(hist, horizon, seed=seed, repetitions=repetitions, models=models)
    p = pacing(
        float(booked), target, start=start, end=end, as_of=as_of, month_weights=weights, forecast=fc
    )
    return p, fc, weights


def last_complete_month(end, as_of) -> pd.Period:
    """The last calendar month that ends on or before both ``end`` and ``as_of``."""
    cut = min(pd.Timestamp(end).normalize(), pd.Timestamp(as_of).normalize())
    m = cut.to_period("M")
    return m if cut == m.end_time.normalize() else m - 1


@dataclass(frozen=True, eq=False)
class Headline:
    """The period at a glance: target, actual (or projection), attainment, P(attain)."""

    period: str
    target: float
    actual: float
    complete: bool
    expected_ex_ante: float
    p_attain_ex_ante: float
    projection: float = math.nan
    p_attain_now: float = math.nan
    model: str = ""

    @property
    def attainment(self) -> float:
        """Actual (complete period) or projection (in progress) as a share of target."""
        if not (self.target > 0):
            return math.nan
        return (self.actual if self.complete else self.projection) / self.target


def period_headline(
    orders: pd.DataFrame,
    target_rows: pd.DataFrame,
    period,
    *,
    as_of,
    seed: int = 0,
    repetitions: int = 1000,
) -> Headline:
    """Headline numbers of a report period (a :class:`salesmeasure.periods.Period`).

    ``p_attain_ex_ante`` is the probability the baseline forecast made at the start of
    the period (history up to the month before it) gave the recorded target; for a
    period in progress ``projection`` and ``p_attain_now`` come from :func:`pace_period`.
    """
    start, end, as_of = period.start, period.end, pd.Timestamp(as_of)
    target = selection_total(target_rows)
    in_p = orders[(orders["order_date"] >= start) & (orders["order_date"] <= min(end, as_of))]
    actual = float(in_p["amount"].sum())
    complete = bool(as_of >= end)
    months = [pd.Period(m.label, "M") for m in period.months()]
    before = orders[orders["order_date"] < start]
    expected = p_ex = math.nan
    model = ""
    if not before.empty:
        hist = monthly_revenue(before, end=months[0] - 1)
        fc = baseline_forecast(hist, len(months), seed=seed, repetitions=repetitions)
        expected, model = fc.total_mean, fc.model
        if target > 0:
            p_ex = fc.prob_at_least(target, total=True)
    projection = p_now = math.nan
    if not complete and target > 0:
        pc, _, _ = pace_period(
            orders,
            target=target,
            start=start,
            end=end,
            as_of=as_of,
            seed=seed,
            repetitions=repetitions,
        )
        projection, p_now = pc.seasonal_projection, pc.p_attain
    return Headline(
        period.label, target, actual, complete, expected, p_ex, projection, p_now, model
    )


def _money(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    a = abs(x)
    sign = "-" if x < 0 else ""
    if a >= 1e6:
        return f"{sign}{a / 1e6:.2f}M"
    if a >= 1e4:
        return f"{sign}{a / 1e3:.1f}k"
    return f"{sign}{a:,.0f}"


def _has(scope: str) -> str:
    return "have" if scope.lower().startswith("all ") else "has"


def _pct(x: float, decimals: int = 0) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x * 100:.{decimals}f}%"


def headline_table(h: Headline) -> pd.DataFrame:
    """Reader-ready headline table (text values)."""
    rows = [
        ("Target", _money(h.target) if h.target > 0 else "none recorded"),
        ("Actual revenue" if h.complete else "Booked so far", _money(h.actual)),
    ]
    if not h.complete:
        rows.append(("Projected total (seasonal pace)", _money(h.projection)))
    rows += [
        ("Attainment" if h.complete else "Projected attainment", _pct(h.attainment, 1)),
        ("Forecast at period start", _money(h.expected_ex_ante)),
        ("P(attain) at period start", _pct(h.p_attain_ex_ante)),
    ]
    if not h.complete:
        rows.append(("P(attain) given what is booked", _pct(h.p_attain_now)))
    return pd.DataFrame(rows, columns=["Measure", h.period]).set_index("Measure")


def describe_headline(h: Headline, *, scope: str) -> str:
    """One paragraph on the headline numbers, generated from them."""
    if not h.target > 0:
        return (
            f"No target is recorded for {scope} in {h.period}; revenue was {_money(h.actual)}"
            f"{'' if h.complete else ' so far'}. The proposal below suggests one."
        )
    if h.complete:
        verdict = "met" if h.actual >= h.target else "missed"
        text = (
            f"{scope}: the {h.period} target of {_money(h.target)} was {verdict}; revenue was "
            f"{_money(h.actual)}, {_pct(h.attainment, 1)} of target."
        )
    else:
        text = (
            f"{h.period} is in progress: {scope} {_has(scope)} booked {_money(h.actual)} against a target of "
            f"{_money(h.target)}; at the seasonal pace it would finish near {_money(h.projection)} "
            f"({_pct(h.attainment, 1)} of target), and the forecast gives it a "
            f"{_pct(h.p_attain_now)} chance of making the target."
        )
    if math.isfinite(h.p_attain_ex_ante):
        hard = (
            "a stretch"
            if h.p_attain_ex_ante < 0.4
            else "a give-away"
            if h.p_attain_ex_ante > 0.9
            else "attainable but not certain"
        )
        text += (
            f" At the start of the period the baseline forecast expected {_money(h.expected_ex_ante)} "
            f"and gave the target a {_pct(h.p_attain_ex_ante)} chance: {hard}."
        )
    return text


def describe_forecast(fc: Forecast, proposal: TargetProposal, *, period: str, history_end) -> str:
    """The forecast and proposed target of the next period in words."""
    lo, hi = fc.interval(0.8, total=True)
    text = (
        f"Using revenue up to {history_end}, the {fc.model} baseline expects {_money(fc.total_mean)} in "
        f"{period} (80% range {_money(lo)} to {_money(hi)}). A target of {_money(proposal.target)} "
        f"would be attained with probability {_pct(proposal.p_attain)}"
    )
    if proposal.uplift:
        text += (
            f" -- the {_pct(proposal.attainability)}-attainable level {_money(proposal.base_target)} "
            f"plus a {_pct(proposal.uplift, 1)} uplift"
        )
    side = "above" if proposal.stretch >= 0 else "below"
    text += f"; that is {_pct(abs(proposal.stretch), 1)} {side} the expected revenue."
    if fc.notes:
        text += " Note: " + "; ".join(fc.notes) + "."
    return text


def backtest_table(bt: Backtest) -> pd.DataFrame:
    """Reader-ready summary of a backtest."""
    s = bt.summary()
    out = pd.DataFrame(
        {
            "Forecasts scored": s["n"].astype(int).astype(str).to_numpy(),
            "MAPE": s["mape"].map(lambda v: f"{v:.1f}%" if math.isfinite(v) else "n/a").to_numpy(),
            "Bias (actual - forecast)": s["bias"].map(_money).to_numpy(),
            "In 50% interval": s["coverage_50"].map(_pct).to_numpy(),
            "In 80% interval": s["coverage_80"].map(_pct).to_numpy(),
            "Calibration": np.where(s["flag_80"], "FLAG: intervals too narrow", "ok"),
        },
        index=["Each month", f"{bt.horizon}-month total"],
    )
    return out


def describe_backtest(bt: Backtest) -> str:
    """Calibration verdict in words."""
    if bt.totals.empty:
        return (
            "The history is too short to hold out any past forecast, so the forecast's calibration "
            "cannot be checked yet; read P(attain) as indicative."
        )
    s = bt.summary()
    m, t = s.loc["per step"], s.loc["horizon total"]
    text = (
        f"Refitted at {len(bt.totals)} past origins, the forecast missed monthly revenue by "
        f"{m['mape']:.1f}% on average (MAPE) and the {bt.horizon}-month total by {t['mape']:.1f}%. "
        f"Its 80% intervals held {_pct(m['coverage_80'])} of monthly actuals and its 50% intervals "
        f"{_pct(m['coverage_50'])}."
    )
    if m["flag_80"] or t["flag_80"]:
        text += (
            " **Calibration flag:** the 80% intervals covered significantly fewer actuals than 80%, "
            "so the stated probabilities of attaining are too optimistic about certainty; treat "
            "P(attain) with caution."
        )
    else:
        text += " That is consistent with nominal coverage, so the P(attain) figures can be read as stated."
    return text


def proposals_table(smart: pd.DataFrame) -> pd.DataFrame:
    """Reader-ready table of proposed targets with P(attain) and the SMART checks."""
    tick = {True: "yes", False: "NO"}
    out = pd.DataFrame(
        {
            "Level": smart["level"].str.capitalize(),
            "Owner": smart["owner"],
            "Region": smart["region"],
            "Target": smart["amount"].map(lambda v: f"{int(v):,}"),
            "Forecast": smart["expected"].map(_money),
            "P(attain)": smart["p_attain"].map(_pct),
            "Share of total": smart["share_of_total"].map(lambda v: _pct(v, 1)),
            "Specific": smart["specific"].map(tick),
            "Measurable": smart["measurable"].map(tick),
            "Attainable": smart["attainable"].map(tick),
            "Relevant": smart["relevant"].map(tick),
            "Time-bound": smart["time_bound"].map(tick),
        }
    )
    return out.reset_index(drop=True)


def describe_proposals(smart: pd.DataFrame, *, period: str, p_band=(0.5, 0.9)) -> str:
    """Which proposed targets pass the SMART check and why the others do not."""
    reps = smart[smart["level"] == "rep"]
    n_ok = int(reps["smart"].sum())
    text = (
        f"The {period} target is split over {smart['level'].eq('region').sum()} region(s) and "
        f"{len(reps)} reps in whole currency units that add up exactly to the total. "
        f"{n_ok} of {len(reps)} rep targets pass all five SMART checks."
    )
    easy = reps[reps["p_attain"] > p_band[1]]["owner"].tolist()
    hard = reps[reps["p_attain"] < p_band[0]]["owner"].tolist()
    if hard:
        text += (
            f" Below a {_pct(p_band[0])} chance of attaining on their own trend: {', '.join(map(str, hard))}"
            " -- their share of the total outruns their recent momentum; review them before publishing."
        )
    if easy:
        text += f" Above {_pct(p_band[1])} (too easy): {', '.join(map(str, easy))}."
    if len(reps):
        lo, hi = BENCHMARK_ATTAINING
        exp_share = float(reps["p_attain"].mean())
        where = "below" if exp_share < lo else "above" if exp_share > hi else "within"
        text += (
            f" On these targets about {_pct(exp_share)} of reps would be expected to attain (the mean of "
            f"their P(attain)), {where} the {_pct(lo)}-{_pct(hi)} benchmark."
        )
    return text


def pacing_table(p: Pacing) -> pd.DataFrame:
    """Reader-ready pacing table."""
    rows = [
        ("Target", _money(p.target)),
        ("Booked so far", _money(p.achieved)),
        ("Time elapsed", f"{p.days_elapsed} of {p.days_total} days ({_pct(p.time_elapsed)})"),
        ("Revenue expected by now (seasonal)", f"{_pct(p.expected_share)} of the period's"),
        ("Pace vs even days", _pct(p.linear_pace)),
        ("Pace vs seasonal path", _pct(p.seasonal_pace)),
        ("Run-rate projection", _money(p.run_rate_projection)),
        ("Seasonal projection", _money(p.seasonal_projection)),
        ("Daily run-rate so far", _money(p.run_rate)),
        ("Daily run-rate required", _money(p.required_run_rate)),
        ("P(attain) given what is booked", _pct(p.p_attain)),
        (
            "Projected total, 80% range",
            f"{_money(p.projection_low)} to {_money(p.projection_high)}",
        ),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"]).set_index("Measure")


def describe_pacing(p: Pacing, *, period: str, scope: str) -> str:
    """Pacing in words."""
    ahead = "ahead of" if p.seasonal_pace >= 1 else "behind"
    text = (
        f"{period}, {p.days_elapsed} of {p.days_total} days in: {scope} {_has(scope)} booked {_money(p.achieved)} "
        f"({_pct(p.attainment_to_date)} of the {_money(p.target)} target) while the seasonal pattern "
        f"expects {_pct(p.expected_share)} of the period's revenue by now, so it is {ahead} pace "
        f"({_pct(p.seasonal_pace)}). Keeping the current daily run-rate of {_money(p.run_rate)} would "
        f"end at {_money(p.run_rate_projection)}; the target needs {_money(p.required_run_rate)} a day "
        f"from here."
    )
    if math.isfinite(p.p_attain):
        text += f" Given what is booked, the forecast puts the chance of making the target at {_pct(p.p_attain)}."
    return text


def attainment_table(att: pd.DataFrame, level: str = "region") -> pd.DataFrame:
    """Reader-ready attainment table of one level."""
    a = att[att["level"] == level]
    out = pd.DataFrame(
        {
            "Region": a["region"],
            **({"Rep": a["rep_id"]} if level == "rep" else {}),
            "Target": a["target"].map(_money),
            "Actual": a["actual"].map(_money),
            "Attainment": a["attainment"].map(lambda v: _pct(v, 1)),
            "Gap": a["gap"].map(_money),
            "Attained": a["attained"].map({True: "yes", False: "no"}),
        }
    )
    return out.reset_index(drop=True)


def describe_attainment(share: AttainingShare, *, period: str) -> str:
    """The share of reps at or above target against the benchmark, in words."""
    if share.n_reps == 0:
        return f"No rep targets are recorded for {period}."
    lo, hi = share.benchmark
    e = share.estimate
    verdict = {
        "below": "below the range, which suggests the targets were set too high (or the period was weak)",
        "within": "within the range a well-set target should produce",
        "above": "above the range, which suggests the targets were set too low",
    }[share.position]
    return (
        f"In {period}, {share.attained} of {share.n_reps} reps ({_pct(e.value)}, 95% interval "
        f"{_pct(e.ci_low)} to {_pct(e.ci_high)}) reached their target. The common benchmark is that "
        f"{_pct(lo)}-{_pct(hi)} of reps should; this is {verdict}."
    )


def pvm_for_period(orders: pd.DataFrame, period, *, as_of) -> tuple[PVMBridge, str, str]:
    """Bridge of a period against the same period a year earlier (same elapsed days if
    the period is in progress). Returns the bridge and the base and current labels."""
    as_of = pd.Timestamp(as_of)
    end = min(period.end, as_of)
    base_p = period.same_period_last_year()
    base_end = base_p.start + (end - period.start)
    cur = orders[(orders["order_date"] >= period.start) & (orders["order_date"] <= end)]
    base = orders[(orders["order_date"] >= base_p.start) & (orders["order_date"] <= base_end)]
    partial = "" if end >= period.end else f" to {end:%d %b}"
    base_partial = "" if end >= period.end else f" to {base_end:%d %b}"
    return price_volume_mix(cur, base), f"{base_p.label}{base_partial}", f"{period.label}{partial}"


def pvm_table(bridge: PVMBridge) -> pd.DataFrame:
    """Reader-ready per-line bridge."""
    t = bridge.by_line
    out = pd.DataFrame(
        {
            "Base revenue": t["base_revenue"].map(_money),
            "Current revenue": t["current_revenue"].map(_money),
            "Units (base -> current)": [
                f"{int(a):,} -> {int(b):,}"
                for a, b in zip(t["base_quantity"], t["current_quantity"], strict=True)
            ],
            "Avg price (base -> current)": [
                f"{a:,.1f} -> {b:,.1f}" if math.isfinite(a) and math.isfinite(b) else "n/a"
                for a, b in zip(t["base_price"], t["current_price"], strict=True)
            ],
            "Volume": t["volume"].map(_money),
            "Mix": t["mix"].map(_money),
            "Price": t["price"].map(_money),
            "New/lost": (t["new"] + t["lost"]).map(_money),
            "Change": t["change"].map(_money),
        }
    )
    out.index.name = "Product line"
    return out


def describe_pvm(bridge: PVMBridge, *, base: str, current: str) -> str:
    """The bridge in words: which effect moved revenue most."""
    e = bridge.effects
    ch = bridge.change
    parts = {k: e[k] for k in ("volume", "mix", "price", "new", "lost") if abs(e[k]) > 0}
    biggest = max(parts, key=lambda k: abs(parts[k])) if parts else None
    text = (
        f"Revenue went from {_money(e['base'])} in {base} to {_money(e['current'])} in {current} "
        f"({'+' if ch >= 0 else ''}{_money(ch)}, {_pct(ch / e['base'] if e['base'] else math.nan, 1)}). "
        f"Volume contributed {_money(e['volume'])}, mix {_money(e['mix'])} and price {_money(e['price'])}"
    )
    if e["new"] or e["lost"]:
        text += f", new product lines {_money(e['new'])} and lost lines {_money(e['lost'])}"
    text += "; the effects add up exactly to the change."
    if biggest:
        text += f" The largest effect is {biggest}."
    return text


def check_history(orders: pd.DataFrame, period) -> None:
    """Stop with a clear message when there are no orders up to the end of ``period``."""
    _require_columns(orders, ["order_date"], "orders")
    if orders.empty or orders["order_date"].min() > period.end:
        first = (
            "no orders at all"
            if orders.empty
            else f"orders from {orders['order_date'].min():%Y-%m-%d}"
        )
        raise ValueError(
            f"parameter 'period': {period.label} ends {period.end:%Y-%m-%d}, before any order "
            f"({first}); choose a later period"
        )


def check_parameters(*, uplift: float, history_weight: float) -> None:
    """Validate the target-setting report's own parameters (clear ValueError)."""
    if (
        isinstance(uplift, bool)
        or not isinstance(uplift, int | float)
        or not math.isfinite(uplift)
        or not -0.5 <= uplift <= 1
    ):
        raise ValueError(
            f"parameter 'uplift' must be a number between -0.5 and 1 (0.05 = +5%), got {uplift!r}"
        )
    if (
        isinstance(history_weight, bool)
        or not isinstance(history_weight, int | float)
        or not 0 <= history_weight <= 1
    ):
        raise ValueError(
            f"parameter 'history_weight' must be between 0 and 1, got {history_weight!r}"
        )


def options_table(
    fc: Forecast, *, attainability: float = 0.6, uplifts=(-0.05, 0.0, 0.05, 0.10)
) -> pd.DataFrame:
    """Target options around the attainable level and their P(attain), for managers."""
    curve = attainability_curve(fc, uplifts, attainability=attainability)
    return pd.DataFrame(
        {
            "Uplift on attainable level": curve["uplift"].map(lambda u: f"{u * 100:+.0f}%"),
            "Target": curve["target"].map(lambda v: f"{v:,.0f}"),
            "vs forecast mean": (curve["target"] / fc.total_mean - 1).map(
                lambda v: f"{v * 100:+.1f}%"
            ),
            "P(attain)": curve["p_attain"].map(_pct),
        }
    ).set_index("Uplift on attainable level")


@dataclass(frozen=True, eq=False)
class PacingView:
    """Pacing of the period in progress, ready for the report."""

    period: str
    pacing: Pacing
    curve: pd.DataFrame
    target_source: str


def current_period_pacing(
    orders: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    as_of,
    kind: str = "Q",
    fiscal_start_month: int = 1,
    fallback: tuple[str, float] | None = None,
    seed: int = 0,
    repetitions: int = 1000,
    models="auto",
) -> PacingView | None:
    """Pacing of the period of ``kind`` that contains ``as_of``.

    The target is the recorded one (:func:`period_targets`, :func:`selection_total`);
    failing that ``fallback = (period label, amount)`` when its label matches (e.g. the
    report's proposal for that period). Returns None when ``as_of`` is the last day of a
    period (nothing in progress) or no target is available.
    """
    from salesmeasure.periods import Period

    as_of = pd.Timestamp(as_of).normalize()
    cur = Period.from_timestamp(as_of, kind, fiscal_start_month=fiscal_start_month)
    if as_of >= cur.end:
        return None
    total = selection_total(period_targets(targets, cur))
    source = "recorded target"
    if not total > 0 and fallback is not None and fallback[0] == cur.label:
        total, source = float(fallback[1]), "proposed target"
    if not total > 0:
        return None
    p, _, weights = pace_period(
        orders,
        target=total,
        start=cur.start,
        end=cur.end,
        as_of=as_of,
        seed=seed,
        repetitions=repetitions,
        models=models,
    )
    return PacingView(cur.label, p, pacing_curve(orders, p, month_weights=weights), source)


_KIND_WORDS = {"M": "month", "Q": "quarter", "H": "half-year", "FY": "fiscal year"}


def describe_current_pacing(view: PacingView | None, *, scope: str, kind: str, as_of) -> str:
    """:func:`describe_pacing` of the period in progress, or why there is none."""
    if view is None:
        return (
            f"No {_KIND_WORDS.get(kind, kind)} with a recorded target is in progress on "
            f"{pd.Timestamp(as_of):%d %b %Y}, so there is nothing to pace."
        )
    return describe_pacing(view.pacing, period=view.period, scope=scope)
