"""Glossary terms of the executive summary (notebook 00), in plain words.

Keys carry the prefix ``summary-`` so that another report area may explain the same
method in its own words without a clash.
"""

from __future__ import annotations

from salesmeasure.glossary import Term, register
from salesmeasure.i18n import N_

_R = ("summary",)

register(
    Term(
        "summary-p-attain",
        N_("Chance of making target (P(attain))"),
        N_(
            "How likely the period is to end at or above its target, given what is already "
            "booked: the share of the forecast's simulated outcomes for the rest of the "
            "period that reach the target."
        ),
        _R,
        (r"P\(attain\)", r"chance of making (the )?target", "达成概率"),
    ),
    Term(
        "summary-landing",
        N_("Landing forecast"),
        N_(
            "Where the period in progress is expected to end: what is booked plus the "
            "forecast of the days still to come. The 80% interval is the range the outcome "
            "falls in four times out of five."
        ),
        _R,
        (r"landing forecast", "预计落点"),
    ),
    Term(
        "summary-pace",
        N_("Seasonal pace"),
        N_(
            "What the period should have booked by now if it follows its usual seasonal "
            "pattern on the way to its target; booked revenue above it is ahead of pace."
        ),
        _R,
        (r"seasonal pace", "季节性进度"),
    ),
    Term(
        "summary-band",
        N_("Attainable band"),
        N_(
            "A target is well set when its chance of being met lies between 50% and 90%: "
            "below that it is out of reach, above it is too easy."
        ),
        _R,
        (r"attainable band", "可达成区间"),
    ),
    Term(
        "summary-nps",
        N_("NPS (Net Promoter Score)"),
        N_(
            'The share of customers who answer 9 or 10 to "would you recommend us" '
            "(promoters) minus the share who answer 0 to 6 (detractors), in points from "
            "-100 to +100."
        ),
        _R,
        (r"\bNPS\b", "净推荐值"),
    ),
    Term(
        "summary-detractor",
        N_("Detractor"),
        N_("A customer who answered 0 to 6 to the recommendation question."),
        _R,
        (r"detractors?", "贬损者"),
    ),
    Term(
        "summary-recoverable",
        N_("Recoverable customer"),
        N_(
            "A valuable customer whose chance of still buying from us has dropped but is "
            "not yet low: a call can still keep them. Customers below that are counted as "
            "lapsed and belong on the win-back list."
        ),
        _R,
        (r"recoverable", "可挽回"),
    ),
    Term(
        "summary-clv",
        N_("Customer value (CLV)"),
        N_(
            "What a customer is expected to spend with us over the next months, from "
            "their buying pattern so far, discounted to today."
        ),
        _R,
        (r"\bCLV\b", "客户终身价值"),
    ),
    Term(
        "summary-driver",
        N_("Driver importance"),
        N_(
            "How much of the differences in NPS each rated area (product, service, "
            "after-sales) explains, with an interval; when the intervals overlap, no area "
            "is clearly more important than another."
        ),
        _R,
        (r"driver importance", "驱动因素重要性"),
    ),
    Term(
        "summary-significant",
        N_("Significant change"),
        N_(
            "A change too large to be explained by which customers happened to answer or "
            "buy this period; a change that is not significant may be noise."
        ),
        _R,
        (r"significant", "显著"),
    ),
    Term(
        "summary-trend",
        N_("Trend line"),
        N_(
            "The KPI in each of the last eight periods, oldest on the left, the dot on the "
            "period of this report: the same points as the control charts of the target "
            "report."
        ),
        _R,
        (r"trend line", "趋势线"),
    ),
    Term(
        "summary-control-chart",
        N_("Control chart"),
        N_(
            "A KPI period by period with limits three standard errors either side of its "
            "average: a point outside them, or eight in a row on one side, is a real "
            "change rather than noise."
        ),
        _R,
        (r"control chart", "控制图"),
    ),
)
