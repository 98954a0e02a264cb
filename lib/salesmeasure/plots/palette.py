"""The pack's one source of category colours (issue 20).

A category has one colour in every chart of every report, in both languages, because the
colour is looked up by the category's CODE (``"promoter"``, ``"good"``, ``"Gold"``, a
region's data value), never by its translated label or its position in one chart:

- NPS groups: promoter green, passive grey, detractor red, unknown light grey;
- status: good green, watch orange, action (``"bad"``) red, not applicable grey;
- CLV tiers: one ordered sequential ramp, the lowest tier lightest;
- regions: one qualitative colour-blind-safe palette (Okabe & Ito 2008), assigned by the
  position of the region in the sorted list of ALL the data's regions
  (:func:`set_regions`, called once the data is loaded), not by the regions one chart
  happens to show;
- series (actual, forecast, ...): the same Okabe-Ito colours by role.

Green/red pairs are always doubled by text, position or a hatch, so they survive
colour-blindness and greyscale print.

References
----------
Okabe, M., & Ito, K. (2008). Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

__all__ = [
    "NPS_COLOURS",
    "QUALITATIVE",
    "STATUS_COLOURS",
    "TIER_ORDER",
    "nps_colour",
    "region_colour",
    "region_colours",
    "series_colour",
    "set_regions",
    "status_colour",
    "tier_colour",
]

#: Okabe-Ito qualitative palette (black left out: it is the axes' colour).
QUALITATIVE = [
    "#0072b2",  # blue
    "#e69f00",  # orange
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#56b4e9",  # sky blue
    "#d55e00",  # vermillion
    "#f0e442",  # yellow
    "#999999",  # grey
]
#: NPS groups by code.
NPS_COLOURS = {
    "promoter": "#1b7837",
    "passive": "#8c8c8c",
    "detractor": "#b2182b",
    "unknown": "#d9d9d9",
}
#: Status by code ("bad" is the code of "action needed").
STATUS_COLOURS = {"good": "#1b7837", "watch": "#e08214", "bad": "#b2182b", "n/a": "#bdbdbd"}
STATUS_COLOURS["action"] = STATUS_COLOURS["bad"]
#: CLV tiers from the lowest to the highest value.
TIER_ORDER = ["Bronze", "Silver", "Gold", "Platinum"]
#: Sequential ramp (ColorBrewer Blues 4-class, light to dark) for the tiers in order.
_TIER_RAMP = ["#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
#: Series of a chart by role.
_SERIES = {
    "actual": QUALITATIVE[0],
    "forecast": QUALITATIVE[1],
    "reference": QUALITATIVE[7],
    "risk": QUALITATIVE[5],
    "highlight": QUALITATIVE[0],
    "target": QUALITATIVE[3],  # reddish purple: apart from the status greens and reds
}
_UNKNOWN = "#d9d9d9"

_regions: list[str] = []


def set_regions(regions) -> None:
    """Register all the data's regions (any order; kept sorted), so a region's colour is
    the same in every chart of the pack."""
    global _regions
    _regions = sorted({str(r) for r in regions})


def region_colours(regions=None) -> dict[str, str]:
    """Colour of each region, keyed by region. ``regions`` not registered by
    :func:`set_regions` are placed after the registered ones, sorted."""
    known = list(_regions)
    extra = sorted({str(r) for r in regions or []} - set(known))
    ordered = known + extra
    return {r: QUALITATIVE[i % len(QUALITATIVE)] for i, r in enumerate(ordered)}


def region_colour(region, regions=None) -> str:
    """Colour of ``region`` (see :func:`region_colours`)."""
    return region_colours([*(regions or []), region])[str(region)]


def nps_colour(code) -> str:
    """Colour of an NPS group code (``promoter``/``passive``/``detractor``/``unknown``)."""
    return NPS_COLOURS.get(str(code).lower(), _UNKNOWN)


def status_colour(code) -> str:
    """Colour of a status code (``good``/``watch``/``bad``/``action``/``n/a``)."""
    return STATUS_COLOURS.get(str(code), STATUS_COLOURS["n/a"])


def tier_colour(code, tiers=None) -> str:
    """Colour of a CLV tier code on the ordered ramp. ``tiers`` (lowest to highest) is
    needed only for tier names other than Bronze/Silver/Gold/Platinum."""
    order = list(tiers) if tiers is not None else TIER_ORDER
    key = str(code)
    if key not in order:
        return _UNKNOWN
    if len(order) <= len(_TIER_RAMP):
        ramp = _TIER_RAMP[len(_TIER_RAMP) - len(order) :] if len(order) > 1 else _TIER_RAMP[-1:]
        return ramp[order.index(key)]
    from matplotlib import colormaps, colors

    return colors.to_hex(colormaps["Blues"](0.3 + 0.65 * order.index(key) / (len(order) - 1)))


def series_colour(role: str) -> str:
    """Colour of a chart series by role (``actual``, ``forecast``, ``reference``,
    ``risk``, ``highlight``, ``target``)."""
    return _SERIES[role]


def category_colour(kind: str, code) -> str:
    """Colour of ``code`` of category ``kind`` (``nps``, ``status``, ``tier``,
    ``region``); any other kind falls back to the qualitative palette by code."""
    if kind in ("nps", "nps_group"):
        return nps_colour(code)
    if kind == "status":
        return status_colour(code)
    if kind == "tier":
        return tier_colour(code)
    return region_colour(code)


def group_colour(by: str | None, code, codes=()) -> str:
    """Colour of group ``code`` of a chart split by column ``by``: NPS groups, tiers,
    status and regions by their palettes; any other split (segment, channel) by the
    position of ``code`` in the sorted ``codes`` of the chart."""
    if by in ("nps", "nps_group", "status", "tier"):
        return category_colour(by, code)
    if by == "region":
        return region_colour(code, codes)
    ordered = sorted({str(c) for c in [*codes, code]})
    return QUALITATIVE[ordered.index(str(code)) % len(QUALITATIVE)]
