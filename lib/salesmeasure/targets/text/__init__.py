"""Target setting in words: every sentence and manager table of the target report.

:mod:`.sections` words the report's sections, :mod:`.allocation` the equal-probability
proposal (p*, the portfolio effect, recorded targets beside the proposal).
"""

from salesmeasure.targets.text.allocation import (
    describe_allocation,
    describe_recorded,
    describe_reset,
    recorded_table,
    reset_table,
    targets_to_reset,
)
from salesmeasure.targets.text.leaderboard import (
    describe_leaderboard,
    leaderboard_table,
    rep_status,
)
from salesmeasure.targets.text.methods import describe_methods, method_name, methods_table
from salesmeasure.targets.text.monthly import describe_monthly, monthly_table
from salesmeasure.targets.text.notes import forecast_note, forecast_notes, model_name
from salesmeasure.targets.text.progress import describe_progress, progress_table
from salesmeasure.targets.text.pvm import describe_pvm, pvm_for_period, pvm_table
from salesmeasure.targets.text.review import *  # noqa: F403
from salesmeasure.targets.text.review import __all__ as _review_all
from salesmeasure.targets.text.review_charts import (
    describe_assessment_chart,
    describe_control_charts,
)
from salesmeasure.targets.text.sections import *  # noqa: F403
from salesmeasure.targets.text.sections import __all__ as _sections_all
from salesmeasure.targets.text.sections import scope_label  # noqa: F401
from salesmeasure.targets.text.takeaways import describe_takeaways, takeaways
from salesmeasure.targets.text.terms import link_terms, with_links

__all__ = [
    *_sections_all,
    *_review_all,
    "describe_allocation",
    "describe_assessment_chart",
    "describe_control_charts",
    "describe_recorded",
    "recorded_table",
    "describe_reset",
    "reset_table",
    "targets_to_reset",
    "describe_pvm",
    "describe_monthly",
    "describe_takeaways",
    "link_terms",
    "with_links",
    "describe_progress",
    "progress_table",
    "takeaways",
    "describe_leaderboard",
    "leaderboard_table",
    "rep_status",
    "monthly_table",
    "describe_methods",
    "method_name",
    "methods_table",
    "forecast_note",
    "forecast_notes",
    "model_name",
    "pvm_for_period",
    "pvm_table",
]
