"""Which purchase model to trust: fit every model and compare them on a holdout period.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the
   easy way: an alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284
   (calibration/holdout validation, figure 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.clv.models import PURCHASE_MODELS
from salesmeasure.clv.rfm import CalibrationHoldout
from salesmeasure.errors import FitError

__all__ = ["HoldoutComparison", "compare_holdout", "fit_purchase_models"]


def fit_purchase_models(frequency, recency, T, *, names=None) -> tuple[dict, dict]:
    """Fit every purchase model; collect the ones that fail instead of stopping.

    Parameters
    ----------
    frequency, recency, T : array-like
    names : iterable of str, optional
        Models to fit (keys of ``PURCHASE_MODELS``); default all, in that order.

    Returns
    -------
    (models, errors)
        ``{"BG/NBD": BetaGeo, "Pareto/NBD": ParetoNBD}`` for the fits that converged and
        ``{name: message}`` for those that raised :class:`FitError` or failed in the
        optimiser's arithmetic (``ValueError``, ``ArithmeticError``, ``LinAlgError``: a
        likelihood surface the fit cannot climb is a model that did not converge).

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2) (BG/NBD vs Pareto/NBD).
    """
    models, errors = {}, {}
    for name in PURCHASE_MODELS if names is None else names:
        try:
            models[name] = PURCHASE_MODELS[name]().fit(frequency, recency, T)
        except (FitError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            errors[name] = str(exc) or type(exc).__name__
    return models, errors


@dataclass(frozen=True)
class HoldoutComparison:
    """Predicted vs actual holdout purchases for one or more fitted models.

    Attributes
    ----------
    by_frequency : DataFrame
        One row per calibration-frequency bucket: ``customers``, ``actual`` (mean holdout
        purchases) and one column per model (mean prediction).
    scores : DataFrame
        Per model: ``mae`` and ``rmse`` per customer, ``predicted_total``,
        ``actual_total``, ``total_error_pct``, ``log_likelihood``, ``aic``.
    best : str
        Model with the lowest per-customer MAE on the holdout.
    duration : float
        Length of the holdout in periods (weeks for weekly histories; NaN when unknown).
    """

    by_frequency: pd.DataFrame
    scores: pd.DataFrame
    best: str
    duration: float = float("nan")


def compare_holdout(
    models: dict, calhold: CalibrationHoldout | pd.DataFrame, *, max_bucket: int = 7
) -> HoldoutComparison:
    """Compare fitted purchase models on a holdout period.

    Parameters
    ----------
    models : dict of name -> fitted BetaGeo / ParetoNBD (fitted on the calibration columns)
    calhold : DataFrame from :func:`calibration_holdout`
    max_bucket : int
        Calibration frequencies at or above this are pooled into one ``"7+"`` bucket.

    References
    ----------
    .. [1] Fader, Hardie & Lee (2005), Marketing Science 24(2), figure 4 (conditional
       expectations by calibration frequency).
    """
    if isinstance(calhold, CalibrationHoldout):
        calhold = calhold.frame
    require_columns(
        calhold,
        ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"],
        "calhold",
    )
    if not models:
        raise ValueError("models is empty")
    f, r, T = calhold["frequency_cal"], calhold["recency_cal"], calhold["T_cal"]
    actual = calhold["frequency_holdout"].to_numpy(float)
    dur = calhold["duration_holdout"].to_numpy(float)
    bucket = np.minimum(f.to_numpy(), max_bucket).astype(int)
    labels = [str(b) if b < max_bucket else f"{max_bucket}+" for b in range(max_bucket + 1)]
    frame = pd.DataFrame({"bucket": pd.Categorical.from_codes(bucket, labels), "actual": actual})
    rows = []
    for name, model in models.items():
        pred = model.predict_purchases(dur, f, r, T)
        frame[name] = pred
        err = pred - actual
        k = len(model.params_)
        rows.append(
            {
                "model": name,
                "mae": float(np.mean(np.abs(err))),
                "rmse": float(np.sqrt(np.mean(err**2))),
                "predicted_total": float(pred.sum()),
                "actual_total": float(actual.sum()),
                "total_error_pct": float(
                    100 * (pred.sum() - actual.sum()) / max(actual.sum(), 1e-12)
                ),
                "log_likelihood": float(model.log_likelihood_),
                "aic": float(2 * k - 2 * model.log_likelihood_),
            }
        )
    grouped = frame.groupby("bucket", observed=True)
    table = grouped.mean()
    table.insert(0, "customers", grouped.size())
    table.index.name = "frequency_cal"
    scores = pd.DataFrame(rows).set_index("model")
    duration = float(dur.max()) if len(dur) else float("nan")
    return HoldoutComparison(table, scores, str(scores["mae"].idxmin()), duration)
