"""Glossary terms of the satisfaction survey report (notebook 02).

Keys start with ``survey-`` so that another report area may explain the same method in
its own words without a clash. ``patterns`` find the term in the rendered report (English
and Chinese spellings); :func:`salesmeasure.survey.text.page.linked` links every such
mention in the report's generated text to the entry.
"""

from __future__ import annotations

from salesmeasure.glossary import Term, register
from salesmeasure.i18n import N_

_S = ("survey",)

register(
    Term(
        "survey-nps",
        N_("NPS (Net Promoter Score)"),
        N_(
            'The share of customers answering 9 or 10 to "How likely are you to recommend '
            'us?" (promoters) minus the share answering 0 to 6 (detractors), in points from '
            "-100 to +100. Those answering 7 or 8 are passives."
        ),
        _S,
    ),
    Term(
        "survey-holm",
        N_("Holm's correction"),
        N_(
            "When several changes or differences are tested at once, some look significant "
            "by chance. The Holm correction raises the bar for each test so that the chance "
            "of any false alarm among them stays at 5%."
        ),
        _S,
        (r"Holm",),
    ),
    Term(
        "survey-adjusted-wald",
        N_("adjusted-Wald interval"),
        N_(
            "The range NPS is likely to lie in, given how many customers answered. It adds a "
            "few notional answers before computing the range, which keeps it honest for "
            "small samples."
        ),
        _S,
        (r"adjusted-Wald", r"调整 ?Wald"),
    ),
    Term(
        "survey-wilson",
        N_("Wilson interval"),
        N_(
            "The range a share (such as CSAT or a response rate) is likely to lie in, given "
            "how many answered. Unlike the textbook formula it stays within 0% to 100% and "
            "works for small groups."
        ),
        _S,
        (r"Wilson",),
    ),
    Term(
        "survey-cronbach",
        N_("Cronbach's alpha"),
        N_(
            "A score from 0 to 1 for how consistently the three rated areas move together. "
            "Above about 0.70 they can be read as one satisfaction scale; below it, read each "
            "area on its own."
        ),
        _S,
        (r"Cronbach",),
    ),
    Term(
        "survey-relative-weights",
        N_("Johnson's relative weights"),
        N_(
            "A way to split how much of the variation in customers' NPS answers the rated "
            "areas explain among the areas, even when the areas' ratings move together. The "
            "larger an area's share, the more it matters for loyalty."
        ),
        _S,
        (r"Johnson", r"relative weights?", r"相对权重"),
    ),
    Term(
        "survey-bootstrap",
        N_("bootstrap interval"),
        N_(
            "The survey is re-drawn many times from its own answers and the figure recomputed "
            "each time; the range of the middle 95% of results shows how much the figure "
            "could move by chance."
        ),
        _S,
        (r"bootstrap", r"自助(法|抽样)"),
    ),
    Term(
        "survey-chi-square",
        N_("chi-square test"),
        N_(
            "A test of whether two groupings are linked (here NPS group and buying again) "
            "more than chance would produce."
        ),
        _S,
        (r"chi-square", r"卡方"),
    ),
    Term(
        "survey-kaplan-meier",
        N_("Kaplan-Meier estimate"),
        N_(
            "A way to measure how long complaints take to resolve that also counts the "
            "complaints still open as waiting, instead of leaving them out and making "
            "resolution look faster than it is."
        ),
        _S,
        (r"Kaplan-Meier",),
    ),
    Term(
        "survey-spearman",
        N_("Spearman's rho"),
        N_(
            "A number from -1 to 1 for how closely two rankings agree, here the comments' "
            "tone and the customer's own score; 1 means they always agree."
        ),
        _S,
        (r"Spearman",),
    ),
    Term(
        "survey-poisson",
        N_("exact Poisson interval"),
        N_(
            "The range a rate of events (complaints per 100 active customers) is likely to "
            "lie in, computed exactly from the count of events."
        ),
        _S,
        (r"Poisson", r"泊松"),
    ),
)
