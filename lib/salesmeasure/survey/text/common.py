"""Words shared by the survey report's sentences and tables: measure names, the
"too few responses" wording, and how a measure, its interval and its change read."""

from __future__ import annotations

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.stats import Estimate
from salesmeasure.survey.scores import TOO_FEW, TOO_FEW_COMPLAINTS

__all__ = ["LIKERT_LABELS", "TOO_FEW", "TOO_FEW_COMPLAINTS", "metric_name", "estimate_text"]


#: Labels of the 1-5 Likert levels (3 is the neutral midpoint); translated where shown.
LIKERT_LABELS: dict[int, str] = {
    1: N_("1 very poor"),
    2: N_("2 poor"),
    3: N_("3 neutral"),
    4: N_("4 good"),
    5: N_("5 very good"),
}

_NAMES = {
    "nps": N_("NPS"),
    "csat": N_("CSAT"),
    "ces": N_("CES"),
    "q_product_quality": N_("product quality"),
    "q_service_level": N_("service level"),
    "q_after_sales": N_("after-sales support"),
}


def metric_name(metric: str) -> str:
    """Reader-facing name of a survey column."""
    return _(_NAMES[metric]) if metric in _NAMES else metric.replace("_", " ")


def _too_few() -> str:
    return _(TOO_FEW)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _value(metric: str, value: float) -> str:
    """A survey measure's value: NPS ``+25``, CSAT ``72%``, means ``4.12``."""
    if not fmt.is_number(value):
        return fmt.missing()
    if metric == "nps":
        return fmt.number(value, decimals=0, signed=True)
    if metric == "csat":
        return fmt.pct(value, decimals=0)
    return fmt.number(value, decimals=2)


def _change(metric: str, d: float, *, signed: bool = True) -> str:
    """A change of a survey measure: ``+5 points``, ``+3 percentage points``, ``+0.12``."""
    if not fmt.is_number(d):
        return fmt.missing()
    if metric == "nps":
        value = fmt.number(d, decimals=0, signed=signed)
        n = abs(round(d))
        return ngettext("{value} point", "{value} points", n).format(value=value)
    if metric == "csat":
        value = fmt.number(100 * d, decimals=0, signed=signed)
        n = abs(round(100 * d))
        return ngettext("{value} percentage point", "{value} percentage points", n).format(
            value=value
        )
    return fmt.number(d, decimals=2, signed=signed)


def _range(lo: str, hi: str) -> str:
    return _("{low} to {high}").format(low=lo, high=hi)


def estimate_text(value: float, ci_low: float, ci_high: float, metric: str) -> str:
    """``+25 (+10 to +40)``: a measure with its interval, in the measure's own units."""
    if not fmt.is_number(value):
        return fmt.missing()
    v = _value(metric, value)
    if fmt.is_number(ci_low) and fmt.is_number(ci_high):
        return f"{v} ({_range(_value(metric, ci_low), _value(metric, ci_high))})"
    return v


def _shown(row, metric: str) -> str:
    """A row of :func:`~salesmeasure.survey.breakdown.scores`/``by_group``: the estimate
    with its interval, or "too few responses" when it is suppressed."""
    if bool(row["suppressed"]):
        return _too_few()
    return estimate_text(row["value"], row["ci_low"], row["ci_high"], metric)


def _alpha_text(e: Estimate) -> str:
    return estimate_text(e.value, e.ci_low, e.ci_high, "alpha")


def _untested(head: pd.DataFrame, change) -> pd.Series:
    """Metrics of ``change`` whose change must not be shown: too few responses in either
    period, or the current estimate itself suppressed (too few or too wide to read)."""
    sup = change["suppressed"].astype(bool)
    hidden = head["suppressed"].astype(bool).reindex(change.index, fill_value=False)
    return sup | hidden
