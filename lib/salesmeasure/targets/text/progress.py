"""The period in progress (:class:`~salesmeasure.targets.inprogress.InProgress`) in words and
as a table of the company and its regions."""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.targets.inprogress import InProgress

__all__ = ["describe_progress", "progress_table"]

_SOURCES = {"recorded": N_("recorded"), "proposed": N_("proposed")}


def _fin(x) -> bool:
    return fmt.is_number(x) and math.isfinite(float(x))


def describe_progress(ip: InProgress) -> str:
    """Which regions are likely to make their targets and which is furthest behind."""
    if ip.reason is not None:
        return ip.reason
    regions = ip.regions[ip.regions["target"] > 0]
    if ip.region != "all" or regions.empty:
        return ""
    likely = regions[regions["p_attain"] >= 0.5]
    text = ngettext(
        "In {period}, {k} of {n} region is more likely than not to make its target",
        "In {period}, {k} of {n} regions are more likely than not to make their targets",
        len(regions),
    ).format(period=fmt.period(ip.period), k=len(likely), n=len(regions))
    if len(likely):
        text += _(" ({names})").format(
            names=fmt.join(
                [
                    _("{name} {p}").format(name=r["owner"], p=fmt.pct(r["p_attain"], decimals=0))
                    for _i, r in likely.sort_values("p_attain", ascending=False).iterrows()
                ],
                kind="and",
            )
        )
    text += _(".")
    worst = regions.sort_values("p_attain").iloc[0]
    if _fin(worst["p_attain"]) and worst["p_attain"] < 0.5:
        text += " " + _(
            "Least likely: {name}, forecast to land at {landing} against {target} (chance {p})."
        ).format(
            name=worst["owner"],
            landing=fmt.money(worst["landing"]),
            target=fmt.money(worst["target"]),
            p=fmt.pct(worst["p_attain"], decimals=0),
        )
    return text


def progress_table(ip: InProgress) -> pd.DataFrame | None:
    """The company's (or the region's) row and the regions' rows of the period in progress."""
    if ip.reason is not None:
        return None
    t = ip.table[ip.table["level"] != "rep"]
    if t.empty:
        return None

    def pct0(v):
        return fmt.pct(v, decimals=0) if _fin(v) else fmt.missing()

    pace = [
        pct0(b / e) if _fin(e) and e > 0 else fmt.missing()
        for b, e in zip(t["booked"], t["expected_to_date"], strict=True)
    ]
    landing = [
        _("{median} ({low} to {high})").format(
            median=fmt.money(m), low=fmt.money(lo), high=fmt.money(hi)
        )
        if _fin(m)
        else fmt.missing()
        for m, lo, hi in zip(t["landing"], t["landing_low"], t["landing_high"], strict=True)
    ]
    return pd.DataFrame(
        {
            _("Scope"): t["name"].astype(str).to_numpy(),
            _("Target"): t["target"].map(fmt.money).to_numpy(),
            _("Target source"): [_(_SOURCES.get(s, s)) if s else "" for s in t["target_source"]],
            _("Booked"): t["booked"].map(fmt.money).to_numpy(),
            _("Expected by now"): t["expected_to_date"].map(fmt.money).to_numpy(),
            _("Pace"): pace,
            _("Landing (80% range)"): landing,
            _("P(attain)"): t["p_attain"].map(pct0).to_numpy(),
        }
    )
