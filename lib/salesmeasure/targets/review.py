"""The target report's review sections: targets for every KPI, the periodic evaluation,
the rep assessment and the incentive simulation, each computed once for the company and
shown as the report's slice (a region's report shows its reps ranked among all reps).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from salesmeasure.errors import InsufficientData, Missing, attempt
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.targets.assessment import Assessment, assess, config_weights
from salesmeasure.targets.evaluation import Evaluation, evaluate
from salesmeasure.targets.incentives import IncentiveSimulation, config_plan, incentive_simulation
from salesmeasure.targets.kpi_targets import (
    METRICS,
    SAMPLED,
    KPITargets,
    kpi_targets,
    settings_for,
)


@dataclass(frozen=True, eq=False)
class ReviewReport:
    """The review sections; a section without data holds a ``Missing`` with the reason."""

    kpi_targets: KPITargets | Missing
    evaluation: Evaluation | Missing
    assessment: Assessment | Missing
    incentives: IncentiveSimulation | Missing
    period: str
    region: str


def last_complete(period: Period, as_of) -> Period:
    """``period`` when it is complete on ``as_of``, else the period before it."""
    return period if as_of is None or period.is_complete(as_of) else period.previous()


def _assessment(data, period, region, weights, with_clv):
    a = assess(data, period, weights=weights, with_clv=with_clv)
    if region != "all":
        t = a.table[a.table["region"] == region]
        if t.empty:
            raise InsufficientData(
                _("No rep of the {region} region is recorded, so no one is assessed.").format(
                    region=region
                )
            )
        a = replace(a, table=t)
    return a


def assessment_for(ctx, *, settings: Mapping | None = None, with_clv: bool = True):
    """The rep assessment alone (the executive summary's table): the last complete period
    up to the report's, weights from salesmeasure.toml, the report's region's reps."""
    settings = settings_for(ctx) if settings is None else settings
    done = last_complete(ctx.period, ctx.data.as_of)
    return attempt(_assessment, ctx.data, done, ctx.region, config_weights(settings), with_clv)


def build_review(
    ctx,
    target_report=None,
    *,
    settings: Mapping | None = None,
    with_clv: bool = True,
    p_propose: float | None = None,
) -> ReviewReport:
    """Compute the review sections for a prepared report context.

    Parameters
    ----------
    ctx : salesmeasure.report.ReportContext
    target_report : TargetReport, optional
        The report's :func:`~salesmeasure.targets.build.build` result: the incentive
        simulation pays the plan on its proposals' joint forecast draws.
    settings : mapping, optional
        The analysis sections of salesmeasure.toml (default: the file beside the data).
    with_clv : bool
        Value the customer base for the assessment's CLV component and the average-CLV
        KPI target.
    p_propose : float, optional
        P(attain) of the proposed KPI targets (default the report's attainability).
    """
    settings = settings_for(ctx) if settings is None else settings
    data, region = ctx.data, ctx.region
    done = last_complete(ctx.period, data.as_of)
    nxt = done.next()
    p = p_propose
    if p is None:
        p = getattr(target_report, "attainability", 0.6) if target_report is not None else 0.6
    weights = config_weights(settings)
    kpis = METRICS if with_clv else SAMPLED
    plan = config_plan(settings)
    if target_report is None:
        incentives = Missing(_("The incentive simulation needs the target report's proposals."))
    else:
        incentives = attempt(incentive_simulation, target_report.proposals, plan)
        if isinstance(incentives, IncentiveSimulation):
            names = data.reps.set_index("rep_id")["name"].astype("string")
            t = incentives.table
            t = t.assign(name=names.reindex(t.index).fillna(pd.Series(t.index, index=t.index)))
            incentives = replace(incentives, table=t)
    return ReviewReport(
        kpi_targets=attempt(kpi_targets, data, nxt, region=region, p_propose=p, metrics=kpis),
        evaluation=attempt(evaluate, data, done, region=region),
        assessment=attempt(_assessment, data, done, region, weights, with_clv),
        incentives=incentives,
        period=done.label,
        region=region,
    )
