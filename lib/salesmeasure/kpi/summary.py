"""The executive summary as one result: every section computed, or the reason it cannot be.

:func:`build` is what notebook 00 calls after ``report.prepare``; each section is
computed with :func:`salesmeasure.errors.attempt`, so a view too thin for one analysis
(a small region, a period without orders or answers) shows a sentence there and the rest
of the summary still renders.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from salesmeasure.errors import InsufficientData, Missing, attempt
from salesmeasure.i18n import _
from salesmeasure.kpi.chain import Chain, chain
from salesmeasure.kpi.scorecard import Scorecard, regions_scorecard, scorecard
from salesmeasure.kpi.value import CLV_MONTHS, DISCOUNT_RATE, MARGIN
from salesmeasure.targets.kpi_targets import config_thresholds, settings_for

__all__ = ["SummaryReport", "build"]


@dataclass(frozen=True)
class SummaryReport:
    """Every section of the executive summary for one period and region.

    Attributes
    ----------
    scorecard : Scorecard or Missing
    chain : Chain or Missing
        Satisfaction -> retention -> value (``Missing`` when nobody answered NPS).
    regions : DataFrame or Missing
        :func:`~salesmeasure.kpi.scorecard.regions_scorecard` for the all-regions view;
        ``Missing`` (saying so) for a single region.
    period, region : str
    as_of : Timestamp
        The data's as-of date.
    clv_months, discount_rate, margin
        The CLV settings used (the same as the retention and CLV report's).
    """

    scorecard: Scorecard | Missing
    chain: Chain | Missing
    regions: pd.DataFrame | Missing
    period: str
    region: str
    as_of: pd.Timestamp | None
    clv_months: int = CLV_MONTHS
    discount_rate: float = DISCOUNT_RATE
    margin: float = MARGIN

    @property
    def findings_inputs(self) -> tuple:
        """``(scorecard, chain, regions)`` with the missing ones as ``None``."""
        return tuple(x if not isinstance(x, Missing) else None for x in self._sections())

    def _sections(self):
        return (self.scorecard, self.chain, self.regions)


def _no_orders(dataset, period) -> None:
    orders = dataset.slice(period, "all").in_period("orders", period)
    if orders.empty and dataset.orders.empty:
        raise InsufficientData(_("There are no orders in the data, so no KPI can be computed."))


def _regions(dataset, period, region, **kw):
    if region != "all":
        raise InsufficientData(
            _(
                "Regions are compared in the all-regions summary; this report covers {region}."
            ).format(region=region)
        )
    return regions_scorecard(dataset, period, **kw)


def _scorecard(dataset, period, region, **kw):
    _no_orders(dataset, period)
    return scorecard(dataset, period, region, **kw)


def build(
    ctx,
    *,
    clv_months: int = CLV_MONTHS,
    discount_rate: float = DISCOUNT_RATE,
    margin: float = MARGIN,
    confidence: float = 0.95,
    holdout_weeks: int = 0,
) -> SummaryReport:
    """Compute the executive summary for a prepared report context.

    Parameters
    ----------
    ctx : salesmeasure.report.ReportContext
        From ``report.prepare(...)``: the data, period and region.
    clv_months, discount_rate, margin
        CLV horizon, monthly discount rate and margin: pass the same values as the
        retention and CLV report so both show the same customer value.
    holdout_weeks : int
        Weeks held out to choose the purchase model (0: 26 weeks or a third of the
        history, whichever is shorter), as in the retention and CLV report.
    confidence : float
        Confidence level of every interval.
    """
    data, period, region = ctx.data, ctx.period, ctx.region
    clv = {
        "clv_months": clv_months,
        "discount_rate": discount_rate,
        "margin": margin,
        "holdout_weeks": holdout_weeks,
    }
    th = config_thresholds(settings_for(ctx))
    return SummaryReport(
        scorecard=attempt(
            _scorecard, data, period, region, confidence=confidence, thresholds=th, **clv
        ),
        chain=attempt(chain, data, period, region, confidence=confidence, **clv),
        regions=attempt(
            _regions, data, period, region, confidence=confidence, thresholds=th, **clv
        ),
        period=period.label,
        region=region,
        as_of=data.as_of,
        clv_months=clv_months,
        discount_rate=discount_rate,
        margin=margin,
    )
