"""The rep leaderboard of the period in progress: each rep by name with target, booked,
attainment, gap to the seasonal pace, P(attain), the change on the last period and the
NPS and retention of the rep's customers.

The period-in-progress figures are the reps' rows of
:func:`~salesmeasure.targets.inprogress.in_progress` (the same numbers as the executive
summary); the customers' NPS and retention, and the last period's attainment, are the rep
assessment's (:func:`~salesmeasure.targets.review.assessment_for`) over the last complete
period, not computed again here. The change on the last period compares what the rep has
booked so far with what the rep had booked after as many days of the previous period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.errors import InsufficientData, Missing
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.targets.inprogress import InProgress, in_progress

#: Columns of :attr:`Leaderboard.table`.
COLUMNS = [
    "rank",
    "owner",
    "name",
    "region",
    "target",
    "target_source",
    "booked",
    "expected_to_date",
    "attainment",
    "gap",
    "pace",
    "landing",
    "p_attain",
    "last_attainment",
    "booked_last",
    "change",
    "nps",
    "nps_n",
    "retention",
    "retention_n",
]


@dataclass(frozen=True, eq=False)
class Leaderboard:
    """The reps of the period in progress, best pace first.

    Attributes
    ----------
    table : DataFrame
        One row per rep with a target, columns :data:`COLUMNS`: rank (1 = furthest ahead
        of the seasonal pace), owner (rep id), name, region, target, target_source,
        booked, expected_to_date, attainment (booked / target so far), gap (booked -
        expected_to_date: negative = behind the seasonal pace), pace (booked /
        expected_to_date), landing, p_attain, last_attainment (the last complete
        period's revenue / target, from the assessment), booked_last (booked after as
        many days of the previous period), change (booked / booked_last - 1), nps and
        retention of the rep's customers over the last complete period with their
        numbers of answers / customers (the assessment's observed values).
    period : str
        The period in progress.
    previous : str
        The period before it (the change's base).
    assessed : str or None
        The period of the customers' NPS and retention (None without an assessment).
    region : str
    """

    table: pd.DataFrame
    period: str
    previous: str
    assessed: str | None
    region: str
    days_elapsed: int = 0

    @property
    def behind(self) -> pd.DataFrame:
        """Reps behind the seasonal pace, furthest behind (largest gap) first."""
        t = self.table
        return t[t["gap"] < 0].sort_values("gap", kind="stable")


def _booked_between(orders, rep, start, end) -> float:
    o = orders[orders["_rep"] == rep]
    d = o["order_date"]
    return float(o.loc[(d >= start) & (d <= end), "amount"].sum())


def build_leaderboard(ctx, progress: InProgress, assessment=None) -> Leaderboard:
    """The leaderboard from a period in progress and (optionally) the rep assessment."""
    if progress.reason is not None:
        raise InsufficientData(progress.reason)
    reps = progress.reps
    reps = reps[reps["target"] > 0].copy()
    if reps.empty:
        raise InsufficientData(
            _("No rep has a target for {period}, so there is no leaderboard.").format(
                period=progress.period
            )
        )
    fsm = ctx.period.fiscal_start_month
    cur = Period.parse(progress.period, fiscal_start_month=fsm)
    prev = cur.previous()
    prev_end = min(prev.start + pd.Timedelta(days=progress.days_elapsed - 1), prev.end)
    orders = ctx.data.orders.assign(_rep=ctx.data.orders["rep_id"].astype("string"))
    reps["booked_last"] = [
        _booked_between(orders, r, prev.start, prev_end) for r in reps["owner"].astype(str)
    ]
    reps["attainment"] = reps["booked"] / reps["target"]
    reps["gap"] = reps["booked"] - reps["expected_to_date"]
    reps["pace"] = np.where(
        reps["expected_to_date"] > 0,
        reps["booked"] / reps["expected_to_date"].where(reps["expected_to_date"] > 0),
        np.nan,
    )
    reps["change"] = np.where(
        reps["booked_last"] > 0,
        reps["booked"] / reps["booked_last"].where(reps["booked_last"] > 0) - 1,
        np.nan,
    )
    assessed = None
    if assessment is not None and not isinstance(assessment, Missing):
        a = assessment.table
        ids = reps["owner"].astype(str)
        reps["last_attainment"] = a["revenue_attainment"].reindex(ids).to_numpy(float)
        for comp in ("nps", "retention"):
            reps[comp] = a[f"{comp}_observed"].reindex(ids).to_numpy(float)
            reps[f"{comp}_n"] = a[f"{comp}_n"].reindex(ids).fillna(0).to_numpy(int)
        assessed = assessment.period
    else:
        for c in ("last_attainment", "nps", "retention"):
            reps[c] = math.nan
        reps["nps_n"] = reps["retention_n"] = 0
    reps = reps.sort_values(["pace", "name"], ascending=[False, True], na_position="last")
    reps["rank"] = np.arange(1, len(reps) + 1)
    return Leaderboard(
        reps[COLUMNS].reset_index(drop=True),
        progress.period,
        prev.label,
        assessed,
        progress.region,
        progress.days_elapsed,
    )


def leaderboard(ctx, *, progress: InProgress | None = None, assessment=None) -> Leaderboard:
    """The rep leaderboard of the report's scope (a region's report: its reps).

    ``progress`` and ``assessment`` default to :func:`in_progress` and
    :func:`~salesmeasure.targets.review.assessment_for` of ``ctx`` (pass the report's
    own to avoid computing them twice).
    """
    from salesmeasure.targets.review import assessment_for

    progress = in_progress(ctx) if progress is None else progress
    if assessment is None:
        assessment = assessment_for(ctx)
    return build_leaderboard(ctx, progress, assessment)
