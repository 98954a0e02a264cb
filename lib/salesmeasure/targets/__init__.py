"""Target setting and attainment: forecast, backtest, propose, allocate, track.

The workflow a sales director follows each period, one module per step:

1. :mod:`~salesmeasure.targets.inputs` -- :func:`monthly_revenue` turns order rows into a
   monthly revenue series; recorded targets of a period; the report's parameter checks.
2. :mod:`~salesmeasure.targets.forecast` -- :func:`baseline_forecast` fits a seasonal
   exponential-smoothing (ETS) model and simulates its predictive distribution;
   :class:`Forecast` answers "how likely is at least X?" per month and for the total.
3. :mod:`~salesmeasure.targets.backtest` -- :func:`backtest` refits at rolling origins and
   checks that the 50% and 80% intervals cover about 50% and 80% of what happened.
4. :mod:`~salesmeasure.targets.setting` -- :func:`propose_target` picks a target at a
   chosen attainability; :func:`allocate` splits it top-down to regions and reps in whole
   currency units; :func:`phase` spreads it over months; :func:`smart_check`.
5. :mod:`~salesmeasure.targets.tracking` -- :func:`attainment`, :func:`share_attaining`
   and :func:`pacing` track a period that is finished or in progress;
   :mod:`~salesmeasure.targets.pvm` explains the change in revenue (price, volume, mix).
6. :mod:`~salesmeasure.targets.build` -- :func:`build` computes every section of the
   target report; :mod:`~salesmeasure.targets.text` words and tables for managers.
7. The review (:mod:`~salesmeasure.targets.review`, :func:`build_review`):
   :mod:`~salesmeasure.targets.kpi_targets` targets for every KPI (P(attain) from the
   KPI's sampling distribution and trend, minimum detectable change, scorecard
   thresholds); :mod:`~salesmeasure.targets.evaluation` each KPI over the last periods on
   its control chart with a change-point test; :mod:`~salesmeasure.targets.assessment`
   the rep assessment adjusted for each rep's customers;
   :mod:`~salesmeasure.targets.incentives` a commission plan simulated on the reps'
   joint outcomes.

This package's ``__init__`` re-exports all of it for notebooks and callers; analytics
code imports the submodule it needs.
"""

from salesmeasure.targets.allocation import equal_probability, equal_probability_targets
from salesmeasure.targets.backtest import Backtest, backtest, backtest_forecast
from salesmeasure.targets.build import (
    AttainmentSection,
    ForecastSection,
    ProposalSection,
    TargetReport,
    build,
    leaderboard_for,
)
from salesmeasure.targets.forecast import FAST_MODELS, Forecast, _dof_sigma, baseline_forecast
from salesmeasure.targets.inprogress import InProgress, in_progress
from salesmeasure.targets.inputs import (
    check_history,
    check_parameters,
    last_complete_month,
    period_targets,
    seasonal_index,
    selection_total,
)
from salesmeasure.targets.leaderboard import Leaderboard, leaderboard
from salesmeasure.targets.methods import MethodBacktest, backtest_methods
from salesmeasure.targets.monthly import MonthlyRevenue, monthly_revenue_view
from salesmeasure.targets.monthly import monthly_revenue_for as monthly_revenue
from salesmeasure.targets.pvm import PVMBridge, PVMSection, price_volume_mix, pvm_section
from salesmeasure.targets.review import ReviewReport, assessment_for, build_review
from salesmeasure.targets.setting import (
    TargetProposal,
    allocate,
    allocate_nested,
    allocation_weights,
    attainability_curve,
    blend_weights,
    phase,
    propose_target,
    proposed_targets,
    smart_check,
)
from salesmeasure.targets.text import (
    attainment_table,
    backtest_table,
    describe_allocation,
    describe_attainment,
    describe_backtest,
    describe_current_pacing,
    describe_forecast,
    describe_leaderboard,
    describe_methods,
    describe_monthly,
    describe_outcome,
    describe_pacing,
    describe_progress,
    describe_proposals,
    describe_pvm,
    describe_recorded,
    describe_report,
    describe_reset,
    describe_takeaways,
    forecast_note,
    forecast_notes,
    leaderboard_table,
    link_terms,
    method_name,
    methods_table,
    model_name,
    monthly_table,
    options_table,
    outcome_table,
    pacing_table,
    progress_table,
    proposals_table,
    pvm_for_period,
    pvm_table,
    recorded_table,
    reset_table,
    scope_label,
    takeaways,
    targets_to_reset,
    with_links,
)
from salesmeasure.targets.text.review import (
    adjustments_table,
    assessment_summary_table,
    assessment_table,
    describe_adjustments,
    describe_assessment,
    describe_assessment_brief,
    describe_evaluation,
    describe_incentives,
    describe_kpi_targets,
    evaluation_table,
    incentives_table,
    kpi_targets_table,
    metric_label,
)
from salesmeasure.targets.text.review_charts import (
    describe_assessment_chart,
    describe_control_charts,
)
from salesmeasure.targets.tracking import (
    BENCHMARK_ATTAINING,
    AttainingShare,
    Pacing,
    PacingView,
    PeriodOutcome,
    attainment,
    current_period_pacing,
    expected_share,
    pace_period,
    pacing,
    pacing_curve,
    period_outcome,
    share_attaining,
)

__all__ = [
    "InProgress",
    "in_progress",
    "MonthlyRevenue",
    "leaderboard_for",
    "link_terms",
    "with_links",
    "describe_progress",
    "progress_table",
    "describe_reset",
    "describe_takeaways",
    "reset_table",
    "takeaways",
    "targets_to_reset",
    "Leaderboard",
    "leaderboard",
    "describe_leaderboard",
    "leaderboard_table",
    "describe_monthly",
    "monthly_table",
    "monthly_revenue_view",
    "ReviewReport",
    "assessment_for",
    "build_review",
    "adjustments_table",
    "assessment_summary_table",
    "assessment_table",
    "describe_adjustments",
    "describe_assessment",
    "describe_assessment_brief",
    "describe_evaluation",
    "describe_control_charts",
    "describe_assessment_chart",
    "describe_incentives",
    "describe_kpi_targets",
    "evaluation_table",
    "incentives_table",
    "kpi_targets_table",
    "metric_label",
    "Forecast",
    "Backtest",
    "TargetProposal",
    "Pacing",
    "PVMBridge",
    "PVMSection",
    "AttainingShare",
    "AttainmentSection",
    "ForecastSection",
    "ProposalSection",
    "TargetReport",
    "build",
    "monthly_revenue",
    "seasonal_index",
    "baseline_forecast",
    "backtest",
    "backtest_forecast",
    "propose_target",
    "attainability_curve",
    "allocate",
    "blend_weights",
    "allocate_nested",
    "phase",
    "attainment",
    "share_attaining",
    "pacing",
    "expected_share",
    "pacing_curve",
    "price_volume_mix",
    "pvm_section",
    "smart_check",
    "period_targets",
    "selection_total",
    "allocation_weights",
    "proposed_targets",
    "pace_period",
    "last_complete_month",
    "PeriodOutcome",
    "period_outcome",
    "outcome_table",
    "describe_outcome",
    "describe_forecast",
    "describe_report",
    "backtest_table",
    "describe_backtest",
    "proposals_table",
    "describe_proposals",
    "pacing_table",
    "describe_pacing",
    "attainment_table",
    "describe_attainment",
    "pvm_for_period",
    "pvm_table",
    "describe_pvm",
    "check_parameters",
    "check_history",
    "options_table",
    "PacingView",
    "current_period_pacing",
    "describe_current_pacing",
    "scope_label",
    "describe_allocation",
    "describe_recorded",
    "recorded_table",
    "forecast_note",
    "forecast_notes",
    "model_name",
    "describe_methods",
    "method_name",
    "methods_table",
    "MethodBacktest",
    "backtest_methods",
    "equal_probability",
    "equal_probability_targets",
    "BENCHMARK_ATTAINING",
    "FAST_MODELS",
    "_dof_sigma",
]
