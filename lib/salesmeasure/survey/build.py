"""Every section of the satisfaction survey report (notebook 02), computed in one call.

``build(ctx, confidence=...)`` returns a :class:`SurveyReport` whose sections each hold
their result, or a :class:`~salesmeasure.errors.Missing` carrying one sentence on what is
missing (no survey answers in the region and period, too few complete answers for the
key drivers, ...). A thin section never stops the rest of the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.absent import absent_sentence, has_table
from salesmeasure.errors import InsufficientData, Missing, attempt
from salesmeasure.i18n import _
from salesmeasure.stats import Estimate
from salesmeasure.survey.breakdown import by_group, by_period, likert_distribution, score_summary
from salesmeasure.survey.compare import Comparison, compare_many, compare_periods
from salesmeasure.survey.complaints import complaint_metrics, response_metrics
from salesmeasure.survey.drivers import KeyDrivers, region_drivers
from salesmeasure.survey.loyalty import RetentionByNPS, retention_by_nps
from salesmeasure.survey.page import nps_distribution, response_history
from salesmeasure.survey.reliability import cronbach_alpha
from salesmeasure.survey.scores import ITEMS, nps_shares

__all__ = [
    "Scores",
    "Trend",
    "Reliability",
    "Regions",
    "Complaints",
    "SurveyReport",
    "build",
    "drivers_section",
    "retention_end",
]

#: Measures of the score summary and of the regions comparison.
SCORE_METRICS = ("nps", "csat", "ces")
#: Years of history in the trend chart.
TREND_YEARS = 2


@dataclass(frozen=True)
class Scores:
    """NPS, CSAT and CES of the period, their change from the previous period and the
    promoter/detractor shares."""

    head: pd.DataFrame
    change: Comparison
    shares: pd.Series
    period: str
    previous: str


@dataclass(frozen=True)
class Trend:
    """A measure per period over the last :data:`TREND_YEARS` years."""

    table: pd.DataFrame
    metric: str
    highlight: str
    years: int = TREND_YEARS


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of the items, missing answers handled both ways."""

    pairwise: Estimate
    listwise: Estimate


@dataclass(frozen=True)
class Regions:
    """Each region against the rest: the estimates, one Holm family of comparisons."""

    responses: pd.DataFrame
    comparison: Comparison
    nps: pd.DataFrame
    reference: float
    confidence: float


@dataclass(frozen=True)
class Complaints:
    """Complaint metrics of the period and the active customers they are rated on."""

    table: pd.DataFrame
    n_active: int


@dataclass(frozen=True)
class SurveyReport:
    """Every section of the survey report; a section without data holds a ``Missing``."""

    title: str
    period: str
    previous: str
    as_of: pd.Timestamp | None
    n_responses: int
    n_previous: int
    scores: Scores | Missing
    trend: Trend | Missing
    ratings: pd.DataFrame | Missing
    reliability: Reliability | Missing
    drivers: KeyDrivers | Missing
    regions: Regions | Missing
    complaints: Complaints | Missing
    retention: RetentionByNPS | Missing
    responses: pd.DataFrame | Missing
    #: Optional tables the data has no source for (``"surveys"``, ``"complaints"``): said
    #: as absent, never as zero.
    absent: frozenset = frozenset()
    #: Answers per NPS score 0..10, this period and the previous one
    #: (:func:`~salesmeasure.survey.page.nps_distribution`).
    distribution: pd.DataFrame | Missing | None = None
    #: Responses and response rate per period, the last eight periods
    #: (:func:`~salesmeasure.survey.page.response_history`).
    history: pd.DataFrame | Missing | None = None

    @property
    def priority(self):
        """The area to fix first (:func:`~salesmeasure.survey.page.driver_priority` of the
        key drivers), or the drivers' ``Missing``."""
        from salesmeasure.survey.page import driver_priority

        return self.drivers if isinstance(self.drivers, Missing) else driver_priority(self.drivers)


def retention_end(period_end, as_of) -> pd.Timestamp:
    """The ``as_of`` of :func:`~salesmeasure.survey.loyalty.retention_by_nps` in a report:
    the period end, or the data's as-of date when that is earlier."""
    end = pd.Timestamp(period_end)
    return min(end, pd.Timestamp(as_of)) if as_of is not None else end


def _no_answers(where: str, period: str) -> InsufficientData:
    return InsufficientData(
        _(
            "No survey answers in {where} in {period}, so there are no scores to report; "
            "they appear once customers answer the survey."
        ).format(where=where, period=period)
    )


def _scores(current, before, *, label, previous, where, confidence) -> Scores:
    if current.empty:
        raise _no_answers(where, fmt.period(label))
    head = score_summary(current, metrics=SCORE_METRICS, confidence=confidence)
    change = compare_periods(
        current, before, metrics=SCORE_METRICS, labels=(label, previous), confidence=confidence
    )
    return Scores(head, change, nps_shares(current["nps"]), label, previous)


def _trend(history, *, freq, fiscal_start_month, highlight, confidence) -> Trend:
    if history.empty:
        raise InsufficientData(
            _("No survey answers in the last {years} years, so there is no trend to show.").format(
                years=TREND_YEARS
            )
        )
    table = by_period(
        history, "nps", freq=freq, fiscal_start_month=fiscal_start_month, confidence=confidence
    )
    return Trend(table, "nps", highlight)


def _ratings(current, *, where, period) -> pd.DataFrame:
    if current.empty:
        raise _no_answers(where, period)
    return likert_distribution(current)


def _reliability(current, *, where, period, confidence) -> Reliability:
    if current.empty:
        raise _no_answers(where, period)
    items = current[list(ITEMS)]
    return Reliability(
        cronbach_alpha(items, confidence=confidence),
        cronbach_alpha(items, confidence=confidence, nan_policy="listwise"),
    )


def drivers_section(ctx, *, confidence: float = 0.95) -> KeyDrivers | Missing:
    """The report's key-driver section exactly as :func:`build` computes it (the
    executive summary's first screen needs this section only)."""
    if not has_table(ctx.data, "surveys"):
        return Missing(_("No survey data: the data has no surveys table."))
    return attempt(_drivers, ctx, ctx.view.in_period("surveys"), confidence=confidence)


def _drivers(ctx, current, *, confidence) -> KeyDrivers:
    # one set of books (issue 18): the company's model, fitted once; a region's slice
    return region_drivers(ctx.data, ctx.period, ctx.region, current, confidence=confidence)


def _regions(current, *, region, where, period, confidence) -> Regions:
    if region != "all":
        raise InsufficientData(
            _("This report covers one region; the all-regions report compares them.")
        )
    if current.empty:
        raise _no_answers(where, period)
    comparison = compare_many(current, list(SCORE_METRICS), "region", confidence=confidence)
    nps_by_region = by_group(current, "nps", "region", confidence=confidence)
    reference = float(
        score_summary(current, metrics=("nps",), confidence=confidence).loc["nps", "value"]
    )
    return Regions(current, comparison, nps_by_region, reference, confidence)


def _distribution(current, before, *, where, period) -> pd.DataFrame:
    if current["nps"].notna().sum() == 0:
        raise _no_answers(where, period)
    return nps_distribution(current, before)


def _complaints(complaints, n_active, *, as_of, confidence) -> Complaints:
    return Complaints(
        complaint_metrics(complaints, n_active, as_of=as_of, confidence=confidence), n_active
    )


def _retention(view, end, *, confidence) -> RetentionByNPS:
    if view.surveys["nps"].notna().sum() == 0:
        raise InsufficientData(
            _(
                "Retention by NPS group: no customer has answered the NPS question yet, so "
                "repeat purchase cannot be split by NPS group."
            )
        )
    return retention_by_nps(view.surveys, view.orders, as_of=end, confidence=confidence)


def build(ctx, *, confidence: float = 0.95) -> SurveyReport:
    """Compute every section of the survey report for a report context.

    Parameters
    ----------
    ctx : :class:`salesmeasure.report.ReportContext` (its ``data``, ``view``, ``period``
        and ``region`` are used).
    confidence : level of every interval.

    Sections: scores (NPS, CSAT, CES and their change from the previous period), NPS
    trend over two years, item ratings, scale reliability, key drivers of NPS, regions
    compared (the all-regions report only), complaints, repeat purchase by NPS group
    (:func:`~salesmeasure.survey.loyalty.retention_by_nps` on the report's view with
    ``as_of`` = the period end, exactly as the executive summary calls it), response
    counts. A section whose data is too thin holds a :class:`~salesmeasure.errors.Missing`.
    """
    period = ctx.period
    previous = period.previous()
    view = ctx.view
    absent = frozenset(t for t in ("surveys", "complaints") if not has_table(ctx.data, t))
    current = view.in_period("surveys")
    before = ctx.data.slice(previous, ctx.region).in_period("surveys")
    active = view.in_period("orders")["customer_id"].unique()
    label, prev_label = period.label, previous.label
    where = _("all regions") if ctx.region == "all" else str(ctx.region)
    shown_period = fmt.period(period)

    history = view.surveys[
        view.surveys["survey_date"] > period.end - pd.DateOffset(years=TREND_YEARS)
    ]
    freq = "M" if period.kind == "M" else "Q"
    end = retention_end(period.end, ctx.data.as_of)

    complaints = attempt(
        _complaints, view.in_period("complaints"), len(active), as_of=ctx.data.as_of,
        confidence=confidence,
    )  # fmt: skip
    if "complaints" in absent:  # no complaints data is not "no complaints were opened"
        complaints = Missing(absent_sentence("complaints"))
    if "surveys" in absent:
        # the scope line says it once with what the table would add; each section briefly
        no_table = Missing(_("No survey data: the data has no surveys table."))
        return SurveyReport(
            title=ctx.title_suffix, period=label, previous=prev_label, as_of=ctx.data.as_of,
            n_responses=0, n_previous=0, scores=no_table, trend=no_table, ratings=no_table,
            reliability=no_table, drivers=no_table, regions=no_table, complaints=complaints,
            retention=no_table, responses=no_table, absent=absent,
            distribution=no_table, history=no_table,
        )  # fmt: skip
    return SurveyReport(
        title=ctx.title_suffix,
        period=label,
        previous=prev_label,
        as_of=ctx.data.as_of,
        n_responses=len(current),
        n_previous=len(before),
        scores=attempt(
            _scores, current, before, label=label, previous=prev_label, where=where,
            confidence=confidence,
        ),
        trend=attempt(
            _trend, history, freq=freq, fiscal_start_month=ctx.data.fiscal_start_month,
            highlight=label, confidence=confidence,
        ),
        ratings=attempt(_ratings, current, where=where, period=shown_period),
        reliability=attempt(
            _reliability, current, where=where, period=shown_period, confidence=confidence
        ),
        drivers=drivers_section(ctx, confidence=confidence),
        regions=attempt(
            _regions, current, region=ctx.region, where=where, period=shown_period,
            confidence=confidence,
        ),
        complaints=complaints,
        retention=attempt(_retention, view, end, confidence=confidence),
        responses=attempt(response_metrics, current, active, confidence=confidence),
        absent=absent,
        distribution=attempt(_distribution, current, before, where=where, period=shown_period),
        history=attempt(response_history, ctx, confidence=confidence),
    )  # fmt: skip
