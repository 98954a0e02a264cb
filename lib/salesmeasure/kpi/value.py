"""Customer value for the executive summary: the CLV pipeline's, with the retention and
CLV report's settings.

The summary does not choose or fit models of its own: it asks
:func:`salesmeasure.clv.pipeline.value_base` (which fits, chooses the purchase model by
holdout and values) with the same horizon, discount rate and margin as the detailed
report, so average CLV and value at risk are the same numbers in both.
"""

from __future__ import annotations

import math

from salesmeasure.clv.pipeline import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_MARGIN,
    DEFAULT_MONTHS,
    CustomerValue,
    value_base,
)
from salesmeasure.stats import Estimate, mean_t

__all__ = ["CLV_MONTHS", "DISCOUNT_RATE", "MARGIN", "ValueModel", "clv_estimate", "fit_value_model"]

#: The CLV settings the executive summary and the retention and CLV report both default to
#: (one constant, in :mod:`salesmeasure.clv.pipeline`).
CLV_MONTHS = DEFAULT_MONTHS
DISCOUNT_RATE = DEFAULT_DISCOUNT_RATE
MARGIN = DEFAULT_MARGIN

#: A valued customer base (``values`` has ``clv``, ``prob_alive``, ``value_at_risk``).
ValueModel = CustomerValue


def fit_value_model(
    orders,
    observation_end,
    *,
    months: int = CLV_MONTHS,
    discount_rate: float = DISCOUNT_RATE,
    margin: float = MARGIN,
    holdout_weeks: int = 0,
    segments=None,
) -> CustomerValue:
    """:func:`salesmeasure.clv.pipeline.value_base` of the orders up to
    ``observation_end`` (raises ``InsufficientData`` with a sentence when the view is too
    thin to value); ``holdout_weeks`` 0 = the pipeline's data-driven default; ``segments``
    (the customers table) lets the models be fitted per segment where the data support
    it, as the books' are."""
    return value_base(
        orders,
        observation_end,
        months=months,
        discount_rate=discount_rate,
        margin=margin,
        holdout_weeks=holdout_weeks,
        segments=segments,
    )


def clv_estimate(vm, confidence: float = 0.95) -> Estimate:
    """Average CLV per customer with its t interval (NaN when there is no value)."""
    if not isinstance(vm, CustomerValue):
        return Estimate(math.nan, math.nan, math.nan, 0, "CLV pipeline", confidence)
    e = mean_t(vm.values["clv"].to_numpy(float), confidence=confidence)
    return Estimate(
        e.value, e.ci_low, e.ci_high, e.n, f"{vm.model} + Gamma-Gamma, t interval", confidence
    )
