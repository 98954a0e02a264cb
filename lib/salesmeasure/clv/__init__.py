"""Customer lifetime value: RFM summaries, purchase and spend models, CLV, and the one
pipeline every report calls.

The purchase models ("buy till you die") describe how often a customer buys while alive
and how likely it is that they have silently left; the Gamma-Gamma model describes how
much they spend per transaction. Together they give a discounted expected value per
customer (CLV), the probability that each customer is still active, and the value at
risk if they have left.

One topic per module:

- :mod:`~salesmeasure.clv.rfm`: purchase histories (:func:`rfm_summary`,
  :func:`calibration_holdout`)
- :mod:`~salesmeasure.clv.models`: :class:`BetaGeo`, :class:`ParetoNBD`,
  :class:`GammaGamma`, one per file
- :mod:`~salesmeasure.clv.value`: :func:`customer_value`, :func:`clv_tiers`,
  :func:`at_risk_customers`
- :mod:`~salesmeasure.clv.validation`: :func:`fit_purchase_models`,
  :func:`compare_holdout`
- :mod:`~salesmeasure.clv.pipeline`: :func:`value_base` (fit, choose, value) and the
  default settings of every CLV figure (:data:`DEFAULT_MONTHS`, ...)
- :mod:`~salesmeasure.clv.analysis`: :func:`build`, every section of the retention and
  CLV report (notebook 03): the headline, the call list and the win-back list
  (:class:`CustomerList`: the listed customers and the population they are drawn from)
- :mod:`~salesmeasure.clv.text`: that report's sentences and manager tables

This package's ``__init__`` is the facade for notebooks; analytics elsewhere import the
submodules.
"""

from salesmeasure.clv.analysis import CustomerList, RetentionCLVReport, build, tier_risk
from salesmeasure.clv.models import BetaGeo, GammaGamma, ParetoNBD
from salesmeasure.clv.pipeline import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_FREQ,
    DEFAULT_MARGIN,
    DEFAULT_MODEL,
    DEFAULT_MONTHS,
    FORECAST_TOLERANCE,
    HOLDOUT_WEEKS,
    MIN_CUSTOMERS,
    MIN_REPEAT_BUYERS,
    CustomerValue,
    Note,
    default_holdout_weeks,
    value_base,
)
from salesmeasure.clv.rfm import (
    PERIODS_PER_MONTH,
    CalibrationHoldout,
    RFMSummary,
    calibration_holdout,
    rfm_summary,
)
from salesmeasure.clv.text import *  # noqa: F403
from salesmeasure.clv.text import __all__ as _text_names
from salesmeasure.clv.validation import HoldoutComparison, compare_holdout, fit_purchase_models
from salesmeasure.clv.value import (
    TIERS,
    AtRiskList,
    CLVTiers,
    at_risk_customers,
    clv_tiers,
    customer_value,
)
from salesmeasure.errors import FitError

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_FREQ",
    "DEFAULT_MARGIN",
    "DEFAULT_MODEL",
    "DEFAULT_MONTHS",
    "FORECAST_TOLERANCE",
    "HOLDOUT_WEEKS",
    "MIN_CUSTOMERS",
    "MIN_REPEAT_BUYERS",
    "PERIODS_PER_MONTH",
    "TIERS",
    "AtRiskList",
    "BetaGeo",
    "CLVTiers",
    "CalibrationHoldout",
    "CustomerList",
    "CustomerValue",
    "FitError",
    "GammaGamma",
    "HoldoutComparison",
    "Note",
    "ParetoNBD",
    "RFMSummary",
    "RetentionCLVReport",
    "build",
    "at_risk_customers",
    "calibration_holdout",
    "clv_tiers",
    "compare_holdout",
    "customer_value",
    "default_holdout_weeks",
    "fit_purchase_models",
    "rfm_summary",
    "tier_risk",
    "value_base",
    *_text_names,
]
