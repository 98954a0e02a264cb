"""Rolling-origin backtest of the baseline forecast: does P(attain) mean what it says?"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _st

from salesmeasure.stats import Estimate, proportion
from salesmeasure.targets.forecast import baseline_forecast
from salesmeasure.targets.inputs import _as_period_series


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


def backtest_forecast(history: pd.Series, horizon: int, **kwargs) -> Backtest:
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
