"""Every chart of the suite, with one theme.

Each function is ``plot_x(data, *, ax=None, ...) -> matplotlib.axes.Axes``; none calls
``show()`` or ``savefig()``. Charts live in one submodule per report area and are
re-exported here, so callers write ``from salesmeasure import plots; plots.plot_x(...)``.
"""

from salesmeasure.plots.theme import PALETTE, STATUS_COLOURS, get_ax, set_theme

__all__ = ["PALETTE", "STATUS_COLOURS", "get_ax", "set_theme"]

# Area modules register their public functions below (one import line each).
from salesmeasure.plots.assessment import *  # noqa: F401,F403
from salesmeasure.plots.clv import *  # noqa: F401,F403
from salesmeasure.plots.evaluation import *  # noqa: F401,F403
from salesmeasure.plots.monthly import *  # noqa: F401,F403
from salesmeasure.plots.summary import *  # noqa: F401,F403
from salesmeasure.plots.survey import *  # noqa: F401,F403
from salesmeasure.plots.targets import *  # noqa: F401,F403
