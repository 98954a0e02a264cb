"""The executive summary: KPI scorecard, the satisfaction -> retention -> value -> target
chain, regions compared, and the findings that matter most.

Numbers: :mod:`.scorecard` (:class:`Scorecard`), :mod:`.chain`, :mod:`.value` (customer
value from the CLV pipeline), :mod:`.summary` (:func:`build`, every section at once).
Words and manager tables: :mod:`.text`. Charts: :mod:`salesmeasure.plots.summary`. This
facade re-exports them for notebooks.
"""

from __future__ import annotations

from salesmeasure import format as fmt
from salesmeasure.i18n import _
from salesmeasure.kpi import actions
from salesmeasure.kpi import summary as _summary
from salesmeasure.kpi.actions import Action, Note, rank
from salesmeasure.kpi.cards import KPICard, history, kpi_cards
from salesmeasure.kpi.chain import Chain, chain, latest_nps_group, repeat_purchase
from salesmeasure.kpi.scorecard import (
    REPORT_OF,
    THRESHOLDS,
    UNITS,
    Scorecard,
    _status,  # noqa: F401  (tests check the thresholds)
    complaint_rate,
    regions_scorecard,
    retention,
    scorecard,
)
from salesmeasure.kpi.summary import FirstScreen, Progress, SummaryReport, first_screen
from salesmeasure.kpi.text import (
    LABELS,
    STATUS_TEXT,
    describe_at_risk,
    describe_chain,
    describe_findings,
    describe_regions,
    describe_scorecard,
    describe_takeaways,
    describe_view,
    findings,
    first_screen_html,
    format_scorecard,
    kpi_labels,
    kpi_value,
    regions_table,
    style_scorecard,
    takeaways,
)
from salesmeasure.kpi.value import (
    CLV_MONTHS,
    DISCOUNT_RATE,
    MARGIN,
    ValueModel,
    fit_value_model,
)
from salesmeasure.plots import summary as _plots


def build(ctx, **kwargs) -> SummaryReport:
    """:func:`salesmeasure.kpi.summary.build` (every section of the executive summary),
    and the region's line of the index from its scorecard, kept in the books for the
    batch (:mod:`salesmeasure.headlines`): the index shows the summary's own figures."""
    from salesmeasure import headlines
    from salesmeasure.errors import Missing
    from salesmeasure.targets.kpi_targets import settings_for

    r = _summary.build(ctx, **kwargs)
    card = r.scorecard

    def line():
        return {} if isinstance(card, Missing) else headlines.index_line(card)

    headlines.keep(ctx.data, r.period, r.region, settings_for(ctx).get("kpi", {}), line)
    return r


def plot_scorecard_changes(card, *, ax=None):
    """:func:`salesmeasure.plots.summary.plot_scorecard_changes` with the KPI names; a
    sentence instead of an empty chart when the same period last year has no data (it is
    before the data begins)."""
    if not getattr(card, "last_year_has_data", True):
        return _(
            "{period} is before the data begins, so no change against the same period last "
            "year is shown."
        ).format(period=fmt.period(card.last_year))
    return _plots.plot_scorecard_changes(card, labels=kpi_labels(card), ax=ax)


def plot_chain(chain_result):
    """Repeat purchase and customer value by NPS group, side by side."""
    return _plots.plot_nps_chain(chain_result.by_nps, clv_months=chain_result.clv_months)


def plot_regions(regions):
    """:func:`salesmeasure.plots.summary.plot_regions_chain`, for ``report.show``."""
    return _plots.plot_regions_chain(regions)


def findings_of(r: SummaryReport) -> list[dict]:
    """The findings of a built summary (``[]`` when its scorecard is missing)."""
    card, ch, regions = r.findings_inputs
    return findings(card, ch, regions) if card is not None else []


def describe_summary_findings(r: SummaryReport) -> str:
    """The numbered findings of a built summary, each linking to its report."""
    return describe_findings(findings_of(r))


__all__ = [
    "Action",
    "FirstScreen",
    "KPICard",
    "Note",
    "Progress",
    "actions",
    "describe_takeaways",
    "first_screen",
    "first_screen_html",
    "history",
    "kpi_cards",
    "rank",
    "takeaways",
    "CLV_MONTHS",
    "DISCOUNT_RATE",
    "LABELS",
    "MARGIN",
    "REPORT_OF",
    "STATUS_TEXT",
    "THRESHOLDS",
    "UNITS",
    "Chain",
    "Scorecard",
    "SummaryReport",
    "ValueModel",
    "build",
    "chain",
    "complaint_rate",
    "describe_at_risk",
    "describe_chain",
    "describe_findings",
    "describe_regions",
    "describe_scorecard",
    "describe_summary_findings",
    "describe_view",
    "findings",
    "findings_of",
    "fit_value_model",
    "format_scorecard",
    "kpi_labels",
    "kpi_value",
    "latest_nps_group",
    "plot_chain",
    "plot_regions",
    "plot_scorecard_changes",
    "regions_scorecard",
    "regions_table",
    "repeat_purchase",
    "retention",
    "scorecard",
    "style_scorecard",
]
