"""Words for the equal-probability proposal: p* beside the total's P(attain), and recorded
targets beside the proposal."""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.errors import Missing
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.targets.allocation import band_note
from salesmeasure.targets.build import ProposalSection


def describe_allocation(s: ProposalSection) -> str:
    """p* of the owners beside the total's own P(attain), and why they differ.

    For one region the owners are its reps and the total is the region's own target.
    """
    if s.method != "equal":
        return ""
    pct0 = lambda v: fmt.pct(v, decimals=0)  # noqa: E731
    if s.region != "all":
        p_reps = (s.p_star_reps or {}).get(s.region)
        if p_reps is None or not math.isfinite(p_reps):
            return ""
        text = _(
            "Every rep's target in {region} is met with the same probability, p* = {p_star}, "
            "and the reps' targets add up exactly to the region's total, whose own chance of "
            "being met is {p_total}."
        ).format(region=s.region, p_star=pct0(p_reps), p_total=pct0(s.p_total))
    elif math.isfinite(s.p_star):
        text = _(
            "Every region's target is met with the same probability, p* = {p_star}, and the "
            "regions' targets add up exactly to the total, whose own chance of being met is "
            "{p_total}."
        ).format(p_star=pct0(s.p_star), p_total=pct0(s.p_total))
        if s.p_star_reps:
            lo, hi = min(s.p_star_reps.values()), max(s.p_star_reps.values())
            text += " " + _(
                "Within each region the reps' targets share one probability too ({low} to "
                "{high} across regions)."
            ).format(low=pct0(lo), high=pct0(hi))
    else:
        return ""
    text += " " + _(
        "The two differ because each owner's forecast is noisier than their sum: shortfalls "
        "in one place are partly made up elsewhere, so the total is surer than any one part "
        "(the portfolio effect)."
    )
    if math.isfinite(s.spread):
        text += " " + _(
            "The owners are simulated jointly with the correlation of their past revenue "
            "changes; the sum of their draws has {ratio} of the spread of the total's own "
            "forecast."
        ).format(ratio=pct0(s.spread))
    pooled = s.smart.loc[
        s.smart.get("pooled", pd.Series(False, index=s.smart.index)).fillna(False).astype(bool),
        "name" if "name" in s.smart.columns else "owner",
    ].tolist()
    if pooled:
        text += " " + ngettext(
            "{owners} has too little history of its own; its target comes from a typical "
            "owner's forecast scaled by its customers in book.",
            "{owners} have too little history of their own; their targets come from a typical "
            "owner's forecast scaled by their customers in book.",
            len(pooled),
        ).format(owners=fmt.join(map(str, pooled)))
    if note := band_note(s):  # the band cannot hold for everyone at this total (issue 18)
        text += " " + note
    return text


_LEVELS = {"region": N_("Region"), "rep": N_("Rep")}


def _recorded(s):
    return s.recorded if isinstance(s, ProposalSection) else s


def recorded_table(s) -> pd.DataFrame | None:
    """Recorded target and proposal per owner, each with its P(attain), flagged when the
    recorded one is outside the attainable band."""
    rec = _recorded(s)
    if rec is None or isinstance(rec, Missing):
        return None
    pct0 = lambda v: fmt.pct(v, decimals=0)  # noqa: E731
    return pd.DataFrame(
        {
            _("Level"): rec["level"].map(lambda v: _(_LEVELS.get(v, v))),
            _("Owner"): rec["name"] if "name" in rec.columns else rec["owner"],
            _("Recorded target"): rec["recorded"].map(fmt.money_full),
            _("P(attain), recorded"): rec["p_recorded"].map(pct0),
            _("Proposed target"): rec["proposed"].map(fmt.money_full),
            _("P(attain), proposed"): rec["p_proposed"].map(pct0),
            _("Recorded outside band"): rec["flag"].map(lambda v: _("FLAG") if v else ""),
        }
    ).reset_index(drop=True)


def describe_recorded(s) -> str:
    """How the recorded targets of the proposed period compare with the proposal."""
    rec = _recorded(s)
    if rec is None:
        return ""
    if isinstance(rec, Missing):
        return rec.reason
    reps = rec[rec["level"] == "rep"]
    flagged = reps[reps["flag"]]["name" if "name" in reps.columns else "owner"].tolist()
    band = s.p_band if isinstance(s, ProposalSection) else (0.5, 0.9)
    text = _(
        "Targets are already recorded for {period}. Set against the same forecasts, "
        "{n_out} of {n} recorded rep targets have a chance of being met outside the "
        "{lo}-{hi} band"
    ).format(
        period=fmt.period(s.period) if isinstance(s, ProposalSection) else "",
        n_out=len(flagged),
        n=len(reps),
        lo=fmt.pct(band[0], decimals=0),
        hi=fmt.pct(band[1], decimals=0),
    )
    if flagged:
        return _("{text}: {owners}.").format(text=text, owners=fmt.join(map(str, flagged)))
    return _("{text}.").format(text=text)
    return text


def targets_to_reset(s) -> pd.DataFrame | None:
    """The recorded targets outside the attainable band, each with the proposal to reset
    it to: regions first, then reps by the size of the change."""
    rec = _recorded(s)
    if rec is None or isinstance(rec, Missing):
        return None
    out = rec[rec["flag"]].copy()
    out["change"] = out["proposed"] - out["recorded"]
    out["_order"] = (out["level"] != "region").astype(int)
    out["_size"] = -out["change"].abs()
    return out.sort_values(["_order", "_size"], kind="stable").drop(columns=["_order", "_size"])


def reset_table(s) -> pd.DataFrame | None:
    """Manager's table of :func:`targets_to_reset` (names, with the rep code last)."""
    out = targets_to_reset(s)
    if out is None:
        return None
    if out.empty:
        return None
    pct0 = lambda v: fmt.pct(v, decimals=0)  # noqa: E731
    name = out["name"] if "name" in out.columns else out["owner"]
    return pd.DataFrame(
        {
            _("Owner"): name.astype(str).to_numpy(),
            _("Region"): out["region"].astype(str).to_numpy(),
            _("Recorded target"): out["recorded"].map(fmt.money_full).to_numpy(),
            _("P(attain), recorded"): out["p_recorded"].map(pct0).to_numpy(),
            _("Reset to"): out["proposed"].map(fmt.money_full).to_numpy(),
            _("P(attain), proposed"): out["p_proposed"].map(pct0).to_numpy(),
            _("Change"): out["change"].map(lambda v: fmt.money(v, signed=True)).to_numpy(),
            _("Code"): [
                o if lvl == "rep" else "" for lvl, o in zip(out["level"], out["owner"], strict=True)
            ],
        }
    )


def describe_reset(s) -> str:
    """How many recorded targets to reset, and by how much in all."""
    out = targets_to_reset(s)
    if out is None:
        rec = _recorded(s)
        return rec.reason if isinstance(rec, Missing) else ""
    period = fmt.period(s.period) if isinstance(s, ProposalSection) else ""
    if out.empty:
        return _("Every recorded target for {period} lies in the attainable band.").format(
            period=period
        )
    band = s.p_band if isinstance(s, ProposalSection) else (0.5, 0.9)
    too_high = int((out["p_recorded"] < band[0]).sum())
    too_low = int((out["p_recorded"] > band[1]).sum())
    n_reps = int((out["level"] == "rep").sum())
    return ngettext(
        "Reset {n} recorded target for {period} to the proposal ({regions} regions, {reps} "
        "reps): {high} are set too high (chance of being met below {lo}) and {low} too low "
        "(above {hi}).",
        "Reset {n} recorded targets for {period} to the proposal ({regions} regions, {reps} "
        "reps): {high} are set too high (chance of being met below {lo}) and {low} too low "
        "(above {hi}).",
        len(out),
    ).format(
        n=len(out),
        period=period,
        regions=len(out) - n_reps,
        reps=n_reps,
        high=too_high,
        low=too_low,
        lo=fmt.pct(band[0], decimals=0),
        hi=fmt.pct(band[1], decimals=0),
    )
