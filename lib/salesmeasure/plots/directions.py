"""Direction words about a chart, computed from its axes (issue 20).

A sentence that sends the reader to a corner of a chart ("customers who bought often but
not recently, top left of the map") must name the corner where the data is drawn. The
corner comes from which way each quantity runs on screen: :func:`axis_rises` reads it off
a drawn Axes (tick values against tick positions, and the axis' inversion), and
:func:`corner` turns "x high or low, y high or low" plus those directions into the words
of the report's language.
"""

from __future__ import annotations

from salesmeasure.i18n import N_, _

__all__ = ["axis_rises", "corner", "corner_of"]

_CORNERS = {
    (False, True): N_("top left"),
    (True, True): N_("top right"),
    (False, False): N_("bottom left"),
    (True, False): N_("bottom right"),
}


def corner(x_high: bool, y_high: bool, *, x_rises: bool = True, y_rises: bool = True) -> str:
    """The corner (``"top left"``, 左上方 ...) where x is high (or low) and y high (or low),
    when x increases to the right (``x_rises``) and y upwards (``y_rises``); pass False for
    an axis that runs the other way (inverted, or a heatmap with its rows reversed)."""
    right = x_high == x_rises
    top = y_high == y_rises
    return _(_CORNERS[(right, top)])


def axis_rises(ax, which: str = "x") -> bool:
    """Whether the quantity on ``ax``'s ``which`` axis increases to the right (x) or
    upwards (y) on screen, read from the numeric tick labels against their positions and
    the axis' inversion. An axis without two numeric tick labels counts as its positions."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    pairs = []
    for loc, label in zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=False):
        text = label.get_text().replace("\u2212", "-").replace(",", "")
        try:
            pairs.append((float(loc), float(text)))
        except ValueError:
            continue
    with_position = True
    if len(pairs) >= 2:
        (p0, v0), (p1, v1) = pairs[0], pairs[-1]
        with_position = (v1 - v0) * (p1 - p0) > 0
    inverted = axis.get_inverted()
    return with_position != inverted


def corner_of(ax, x_high: bool, y_high: bool) -> str:
    """:func:`corner` for a drawn Axes (its tick labels must be set: draw it first)."""
    return corner(x_high, y_high, x_rises=axis_rises(ax, "x"), y_rises=axis_rises(ax, "y"))
