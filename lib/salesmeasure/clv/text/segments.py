"""Which value models are per segment, and why, in words (the retention and CLV report's
methods; :mod:`salesmeasure.clv.segments` makes the choice)."""

from __future__ import annotations

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _

__all__ = ["describe_segments"]

_SPLIT = {
    "spend": N_(
        "Spend per purchase is modelled per segment: {segments} customers spend "
        "differently (likelihood-ratio test, {p})."
    ),
    "purchase": N_(
        "Purchase frequency is modelled per segment: {segments} customers buy or drop out "
        "at different rates (likelihood-ratio test, {p})."
    ),
}
_POOLED = {
    "spend": N_(
        "Spend per purchase is modelled for all customers together: the segments do not "
        "differ clearly enough (likelihood-ratio test, {p})."
    ),
    "purchase": N_(
        "Purchase frequency is modelled for all customers together: the segments do not "
        "differ clearly enough (likelihood-ratio test, {p})."
    ),
}
_TOO_FEW = N_(
    "Both models are fitted on all customers together: fewer than two segments have "
    "{n} repeat buyers, too few to fit a model per segment."
)
_KIND_TOO_FEW = {
    "spend": N_(
        "Spend per purchase is modelled for all customers together: fewer than two "
        "segments have {n} repeat buyers with a positive spend, too few to fit a spend "
        "model per segment."
    ),
    "purchase": N_(
        "Purchase frequency is modelled for all customers together: fewer than two "
        "segments have {n} repeat buyers, too few to fit a purchase model per segment."
    ),
}
_UNTESTED = {
    "no_segments": N_(
        "Both models are fitted on all customers together: the data name no customer segments."
    ),
    "one_segment": N_(
        "Both models are fitted on all customers together: every customer is in one segment."
    ),
    "fit_failed": N_(
        "Both models are fitted on all customers together: a model per segment could not be fitted."
    ),
}
_FAILED = {
    "spend": N_(
        "Spend per purchase is modelled for all customers together: a spend model per "
        "segment could not be fitted."
    ),
    "purchase": N_(
        "Purchase frequency is modelled for all customers together: a purchase model per "
        "segment could not be fitted."
    ),
}


def _one(choice) -> str:
    if choice.reason == "tested":
        if choice.segmented:
            names = fmt.join([fmt.label("segment", g) for g in choice.groups], kind="and")
            return _(_SPLIT[choice.kind]).format(segments=names, p=fmt.pvalue(choice.p_value))
        return _(_POOLED[choice.kind]).format(p=fmt.pvalue(choice.p_value))
    if choice.reason == "too_few":
        return _(_KIND_TOO_FEW[choice.kind]).format(n=fmt.count(choice.min_repeat))
    return _(_FAILED[choice.kind])


def describe_segments(value) -> str:
    """One or two sentences: whether spend and purchase frequency are modelled per
    segment, with the likelihood-ratio test's p-value, spend first (it moves values
    most); empty when the models were not given segments to test
    (``value.spend_segments`` is None)."""
    spend = getattr(value, "spend_segments", None)
    purchase = getattr(value, "purchase_segments", None)
    if spend is None or purchase is None:
        return ""
    if spend.reason == purchase.reason and spend.reason != "tested":  # one sentence
        if spend.reason == "too_few":
            return _(_TOO_FEW).format(n=fmt.count(spend.min_repeat))
        return _(_UNTESTED[spend.reason])
    return " ".join(_one(c) for c in (spend, purchase))
