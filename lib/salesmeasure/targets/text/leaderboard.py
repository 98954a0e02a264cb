"""The rep leaderboard in words and as a manager's table."""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import _, ngettext
from salesmeasure.targets.leaderboard import Leaderboard

__all__ = ["describe_leaderboard", "leaderboard_table", "rep_status"]

#: P(attain) from which a rep is on track (more likely than not), and under which the
#: rep needs action (the target is out of reach without a change).
ON_TRACK, OUT_OF_REACH = 0.5, 0.1


def rep_status(p) -> str:
    """Status code of a rep from P(attain): good (>= 50%), watch, bad (< 10%)."""
    if not fmt.is_number(p):
        return "n/a"
    return "good" if p >= ON_TRACK else ("watch" if p >= OUT_OF_REACH else "bad")


def _fin(x) -> bool:
    return fmt.is_number(x) and math.isfinite(float(x))


def describe_leaderboard(lb: Leaderboard) -> str:
    """How many reps are on pace, who is furthest behind and who leads, in words."""
    t = lb.table
    n = len(t)
    on = int((t["gap"] >= 0).sum())
    likely = int((t["p_attain"] >= ON_TRACK).sum())
    text = ngettext(
        "{period}: {on} of {n} rep is at or ahead of the seasonal pace, and {likely} "
        "is more likely than not to reach the target.",
        "{period}: {on} of {n} reps are at or ahead of the seasonal pace, and {likely} "
        "are more likely than not to reach their targets.",
        n,
    ).format(period=fmt.period(lb.period), on=on, n=n, likely=likely)
    behind = lb.behind.head(3)
    if not behind.empty:
        who = [
            _("{name} ({region}, {gap} behind, P(attain) {p})").format(
                name=r["name"],
                region=r["region"],
                gap=fmt.money(-r["gap"]),
                p=fmt.pct(r["p_attain"], decimals=0),
            )
            for _i, r in behind.iterrows()
        ]
        text += " " + _("Furthest behind: {who}.").format(who=fmt.join(who, kind="and"))
    lead = t.iloc[0]
    if _fin(lead["pace"]) and lead["gap"] >= 0:
        text += " " + _("Leading: {name} at {pace} of the seasonal pace.").format(
            name=lead["name"], pace=fmt.pct(lead["pace"], decimals=0)
        )
    if lb.assessed:
        text += " " + _(
            "The customers' NPS and retention are those of the rep assessment for {period}."
        ).format(period=fmt.period(lb.assessed))
    return text


def leaderboard_table(lb: Leaderboard) -> pd.DataFrame:
    """One row per rep, best pace first, by name."""
    t = lb.table

    def pct0(v):
        return fmt.pct(v, decimals=0) if _fin(v) else fmt.missing()

    def kpi(v, n):
        if not _fin(v):
            return fmt.missing()
        return _("{value} ({n})").format(value=fmt.number(v, decimals=0), n=fmt.count(n))

    booked = [
        _("{booked} ({share})").format(booked=fmt.money(b), share=pct0(a))
        for b, a in zip(t["booked"], t["attainment"], strict=True)
    ]
    return pd.DataFrame(
        {
            _("Rank"): t["rank"].map(fmt.count).to_numpy(),
            _("Rep"): t["name"].astype(str).to_numpy(),
            _("Region"): t["region"].astype(str).to_numpy(),
            _("Status"): [fmt.status(rep_status(p)) for p in t["p_attain"]],
            _("Target"): t["target"].map(fmt.money).to_numpy(),
            _("Booked (share of target)"): booked,
            _("Gap to pace"): t["gap"].map(lambda v: fmt.money(v, signed=True)).to_numpy(),
            _("P(attain)"): t["p_attain"].map(pct0).to_numpy(),
            _("Booked vs last period"): t["change"]
            .map(lambda v: fmt.change(v, decimals=0) if _fin(v) else fmt.missing())
            .to_numpy(),
            _("Last period attainment"): t["last_attainment"].map(pct0).to_numpy(),
            _("NPS (answers)"): [kpi(v, n) for v, n in zip(t["nps"], t["nps_n"], strict=True)],
            _("Retention % (customers)"): [
                kpi(v, n) for v, n in zip(t["retention"], t["retention_n"], strict=True)
            ],
        }
    )
