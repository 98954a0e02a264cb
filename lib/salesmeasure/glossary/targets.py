"""Glossary terms of the target report (notebook 01)."""

from __future__ import annotations

from salesmeasure.glossary import Term, register
from salesmeasure.i18n import N_

_T = ("targets",)

register(
    Term(
        "p-attain",
        N_("P(attain)"),
        N_(
            "The chance that a target is met, read from many simulated futures of the "
            "forecast: 60% means the target was reached in 6 of every 10 simulations."
        ),
        ("targets", "summary"),
        (r"P\(attain\)", r"达成概率"),
    ),
    Term(
        "attainable-band",
        N_("attainable band"),
        N_(
            "Targets whose chance of being met lies between 50% and 90%: ambitious enough "
            "to stretch, likely enough to be believed. A target outside it is worth resetting."
        ),
        _T,
        (r"attainable band", r"可达成区间"),
    ),
    Term(
        "seasonal-pace",
        N_("seasonal pace"),
        N_(
            "What has been booked so far against what the target needs by this day if the "
            "period follows its usual seasonal pattern; 100% is exactly on pace."
        ),
        _T,
        (r"seasonal pace", r"季节性进度"),
    ),
    Term(
        "ets",
        N_("seasonal exponential smoothing"),
        N_(
            "The forecasting model: it weights recent months more than older ones and "
            "repeats the yearly seasonal pattern; its uncertainty is simulated to give "
            "ranges and chances."
        ),
        _T,
        (r"exponential[- ]smoothing", r"\bETS(?:\([A-Za-z,]*\))?(?![A-Za-z0-9_(])", r"指数平滑"),
    ),
    Term(
        "backtest",
        N_("backtest"),
        N_(
            "The forecast is rerun as if made at past dates and compared with what then "
            "happened: if its 80% ranges caught about 80% of the actual months, its stated "
            "chances can be trusted."
        ),
        _T,
        (r"backtest", r"回测"),
    ),
    Term(
        "equal-probability",
        N_("equal-probability split"),
        N_(
            "The total target is split so that every region, and within a region every "
            "rep, has the same chance of meeting their own target, and the parts add up "
            "exactly to the total."
        ),
        _T,
        (r"equal[- ]probability", r"p\*", r"等概率"),
    ),
    Term(
        "portfolio-effect",
        N_("portfolio effect"),
        N_(
            "A shortfall in one region is partly made up by another, so the company total "
            "is surer than any one region or rep; each part's target therefore has a lower "
            "chance than the total's."
        ),
        _T,
        (r"portfolio effect", r"组合效应"),
    ),
    Term(
        "smart",
        N_("SMART check"),
        N_(
            "A target passes when it names its owner, is a whole amount, is attainable (in "
            "the attainable band), adds up to the total and has a dated period."
        ),
        _T,
        (r"\bSMART\b",),
    ),
    Term(
        "control-chart",
        N_("control chart"),
        N_(
            "A KPI's last periods drawn against limits set by its own measurement noise: a "
            "point outside the limits, or a long run on one side, is a real change; the rest "
            "is chance."
        ),
        _T,
        (r"control chart", r"控制图"),
    ),
    Term(
        "mdc",
        N_("minimum detectable change"),
        N_(
            "The smallest change between two periods that the number of answers or "
            "customers can tell apart from chance; a target closer than that to today's "
            "level cannot be judged."
        ),
        _T,
        (r"minimum detectable change", r"最小可检测变化"),
    ),
    Term(
        "pvm",
        N_("price, volume and mix"),
        N_(
            "The change in revenue on a year earlier split into selling more or fewer "
            "units (volume), a shift between product lines (mix) and the change in unit "
            "prices (price); the parts add up to the change."
        ),
        _T,
        (r"price, volume and mix", r"价格、数量与结构"),
    ),
)
