"""Glossary terms of the retention and CLV report (notebook 03).

Keys start with ``clv-`` so that they never clash with another area's entry for the same
statistical method (the survey report explains Wilson intervals and Kaplan-Meier too).
Plain words the report defines (recoverable, lapsed, tier ...) have no ``patterns``: only
method names must be linked wherever they appear before the methods section.
"""

from __future__ import annotations

from salesmeasure.glossary import Term, register
from salesmeasure.i18n import N_

_AREA = ("clv",)

register(
    Term(
        "clv-retention-rate",
        N_("Retention rate"),
        N_(
            "The pack's headline retention measure: of the customers who ordered in the "
            "previous quarter, the share who ordered again in this one. Churn is the rest."
        ),
        _AREA,
        (),
    ),
    Term(
        "clv-recoverable",
        N_("Recoverable customer"),
        N_(
            "A customer whose chance of still being active is between 20% and 80%: still "
            "plausibly buying but as likely as not going quiet. Recoverable value is what the "
            "model expects these customers to bring, the value a call can still save."
        ),
        _AREA,
        (),
    ),
    Term(
        "clv-lapsed",
        N_("Lapsed customer"),
        N_(
            "A customer whose chance of still being active is below 20%: probably gone "
            "already. They belong on a win-back campaign, not the call list, and are not "
            "counted as value that can still be saved."
        ),
        _AREA,
        (),
    ),
    Term(
        "clv-expected-value",
        N_("Expected value (customer lifetime value)"),
        N_(
            "What the models expect a customer to spend over the next months, discounted to "
            "today and multiplied by the margin. It already allows for the chance that the "
            "customer has left."
        ),
        _AREA,
        (),
    ),
    Term(
        "clv-p-active",
        N_("Chance of being active (P(active))"),
        N_(
            "The purchase model's probability that a customer is still buying, given how "
            "often they bought and how long ago their last order was."
        ),
        _AREA,
        (),
    ),
    Term(
        "clv-tier",
        N_("Value tier"),
        N_(
            "Customers ranked by expected value: Platinum the top 10%, Gold the next 20%, "
            "Silver the next 30%, Bronze the last 40%."
        ),
        _AREA,
        (),
    ),
    Term(
        "clv-cohort",
        N_("Cohort"),
        N_(
            "The customers whose first order fell in the same quarter, followed together "
            "over the quarters after it."
        ),
        _AREA,
        (),
    ),
    Term(
        "clv-wilson",
        N_("Wilson interval"),
        N_(
            "A 95% range for a share (such as a retention rate) that stays sensible for "
            "small groups and for shares near 0% or 100%."
        ),
        _AREA,
        (r"Wilson",),
    ),
    Term(
        "clv-kaplan-meier",
        N_("Kaplan-Meier curve"),
        N_(
            "The share of customers who have not yet lapsed, day by day since their first "
            "order. Customers still ordering at the period end count for as long as they "
            "have been seen, so recent customers do not make the curve look better or worse."
        ),
        _AREA,
        (r"Kaplan-Meier",),
    ),
    Term(
        "clv-log-rank",
        N_("Log-rank test"),
        N_(
            "A test of whether two or more Kaplan-Meier curves differ by more than chance; "
            "a small p-value means the groups really lapse at different speeds."
        ),
        _AREA,
        (r"[Ll]og-rank",),
    ),
    Term(
        "clv-bg-nbd",
        N_("BG/NBD model"),
        N_(
            "A purchase model: each customer buys at their own steady rate while active and "
            "may drop out after any purchase. It gives each customer's expected purchases "
            "and chance of still being active."
        ),
        _AREA,
        (r"BG/NBD",),
    ),
    Term(
        "clv-pareto-nbd",
        N_("Pareto/NBD model"),
        N_(
            "The other purchase model tried: like BG/NBD, but a customer may drop out at "
            "any moment, not only after a purchase. The one that predicts the holdout "
            "better is used."
        ),
        _AREA,
        (r"Pareto/NBD",),
    ),
    Term(
        "clv-gamma-gamma",
        N_("Gamma-Gamma spend model"),
        N_(
            "A model of how much a customer spends per purchase: their own average, pulled "
            "towards the average of all customers (of their segment, where segments spend "
            "differently) the fewer purchases they have made."
        ),
        _AREA,
        (r"Gamma-Gamma",),
    ),
    Term(
        "clv-holdout",
        N_("Holdout check"),
        N_(
            "The models are fitted on the purchases up to some weeks before the period end "
            "and asked to predict the purchases of those last weeks, which they have not "
            "seen; the smaller error wins."
        ),
        _AREA,
        (r"[Hh]oldout", r"留出期"),
    ),
    Term(
        "clv-mae",
        N_("Mean absolute error"),
        N_(
            "The average, over customers, of how far the predicted number of purchases was "
            "from the actual number, either way."
        ),
        _AREA,
        (r"[Mm]ean absolute error", r"平均绝对误差"),
    ),
    Term(
        "clv-aic",
        N_("AIC"),
        N_(
            "Akaike information criterion: how well a model fits the history, with a "
            "penalty for its number of parameters; lower is better. Shown for reference; "
            "the holdout check decides."
        ),
        _AREA,
        (r"\bAIC\b",),
    ),
)
