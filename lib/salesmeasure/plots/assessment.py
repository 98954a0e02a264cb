"""The rep assessment as an interval plot (notebook 01, issue 22).

:func:`plot_assessment` draws one row per rep of an
:class:`~salesmeasure.targets.assessment.Assessment`: the weighted score (or one
component) in points against the company, as a point with its 95% interval, and a line at
0, the company. Reps whose interval lies wholly above 0 are in the status colour "good"
with a ▲, wholly below in "action" with a ▼ (the marks of the assessment table), the others
grey; the rows are sorted by score, the highest on top. Reps without a score are left out
(the sentence under the chart names them). Artists carry the ``gid`` ``intervals``,
``points-above``, ``points-below``, ``points-par`` and ``company``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from salesmeasure import format as fmt
from salesmeasure.i18n import _
from salesmeasure.plots.palette import series_colour, status_colour
from salesmeasure.plots.theme import get_ax

__all__ = ["plot_assessment"]

_COLOURS = {"above": "good", "below": "action"}
_MARKERS = {"above": "^", "below": "v", "par": "o"}


def _columns(component: str) -> tuple[str, str, str, str]:
    if component == "score":
        return "score", "score_low", "score_high", "score_flag"
    return f"{component}_points", f"{component}_low", f"{component}_high", f"{component}_flag"


def _x_label(component: str) -> str:
    from salesmeasure.targets.text.review import metric_label

    if component == "score":
        return _("Score, points against the company")
    if component == "complaint_rate":
        return _("Complaints, points fewer than the company")
    if component == "revenue":
        return _("Attainment, points against the company")
    return _("{kpi}, points against the company").format(kpi=metric_label(component))


def assessment_rows(assessment, component: str = "score"):
    """The rows :func:`plot_assessment` draws, top to bottom: the reps with a value of
    ``component``, sorted by it (highest first), with ``label, value, low, high, flag``."""
    from salesmeasure.plots.targets import _owner_labels

    t = assessment.table
    v, lo, hi, flag = _columns(component)
    rows = t.assign(
        label=_owner_labels(t), value=t[v], low=t[lo], high=t[hi], flag=t[flag].astype(str)
    )
    rows = rows[np.isfinite(rows["value"].to_numpy(float))]
    return rows.sort_values("value", ascending=False, kind="stable")[
        ["label", "value", "low", "high", "flag"]
    ]


def plot_assessment(assessment, *, component: str = "score", ax=None, title: str | None = None):
    """Each rep's score (or ``component``: ``revenue``, ``nps``, ``retention``,
    ``complaint_rate``, ``clv``) with its 95% interval against the company (0)."""
    rows = assessment_rows(assessment, component)
    ax = get_ax(ax, figsize=(9, max(3.0, 0.32 * len(rows) + 1.6)))
    default = _("Rep scores against the company, {period}, with 95% intervals").format(
        period=fmt.period(assessment.period)
    )
    if rows.empty:
        ax.text(
            0.5, 0.5, _("No rep has a score for this period"), ha="center", va="center",
            transform=ax.transAxes,
        )  # fmt: skip
        ax.set_axis_off()
        ax.set_title(title or default)
        return ax
    y = np.arange(len(rows))[::-1]
    flags = rows["flag"].to_numpy(object)
    colours = [
        status_colour(_COLOURS[f]) if f in _COLOURS else series_colour("reference") for f in flags
    ]
    ax.hlines(y, rows["low"], rows["high"], colors=colours, lw=2.2, gid="intervals")
    names = {
        "above": _("Above the company beyond chance"),
        "below": _("Below the company beyond chance"),
        "par": _("Within chance of the company"),
    }
    for f in ("above", "par", "below"):
        m = flags == f if f != "par" else ~np.isin(flags, list(_COLOURS))
        if not m.any():
            continue
        ax.scatter(
            rows["value"].to_numpy(float)[m], y[m], marker=_MARKERS[f], s=55, zorder=3,
            color=status_colour(_COLOURS[f]) if f in _COLOURS else series_colour("reference"),
            edgecolors="black", linewidths=0.5, label=names[f], gid=f"points-{f}",
        )  # fmt: skip
    ax.axvline(0, color="black", lw=1, gid="company")
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color="black", lw=1))
    labels.append(_("The company (0)"))
    ax.set_yticks(y, rows["label"].astype(str).tolist(), fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(_x_label(component))
    ax.set_ylabel(_("Rep"))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _pos: fmt.number(v, signed=round(v, 9) != 0))
    )
    ax.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9)
    ax.set_title(title or default, pad=44)
    return ax
