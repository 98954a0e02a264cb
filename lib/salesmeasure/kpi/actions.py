"""The executive summary's actions: what to do next, each derived from a number by a rule.

Every rule is a pure function over plain inputs (DataFrames with named columns, numbers)
and returns an :class:`Action` when its trigger fires, or ``None`` (the driver rule may
return a :class:`Note` instead: "no clear priority"). An action carries the figures that
triggered it, its size (money at stake, customers, targets or reps concerned), its owners
by name and the list it acts on (report and anchor), so no action is ever printed without
its number. :func:`rank` orders the fired actions by money at stake and keeps at most five.

The rules (issue 19):

1. :func:`reset_targets` -- recorded targets whose chance of being met lies outside the
   attainable band: reset them to the proposed value;
2. :func:`call_at_risk` -- the recoverable high-value customers: call the top ``N``;
3. :func:`follow_up_detractors` -- the period's detractors: follow each up;
4. :func:`fix_driver` -- the driver of NPS the survey page names as the priority (the
   same rule; a :class:`Note` "no clear priority" when the importances' intervals overlap);
5. :func:`rebalance_reps` -- reps behind pace in the period in progress.

Words are in :mod:`salesmeasure.kpi.text` (:func:`~salesmeasure.kpi.text.describe_actions`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "ANCHORS",
    "MAX_ACTIONS",
    "Action",
    "Note",
    "call_at_risk",
    "fix_driver",
    "follow_up_detractors",
    "rank",
    "rebalance_reps",
    "reset_targets",
]

#: At most this many actions are printed.
MAX_ACTIONS = 5
#: The list each action acts on: (notebook stem, anchor id in that report).
ANCHORS = {
    "reset_targets": ("01_target_setting", "targets-to-reset"),
    "rebalance_reps": ("01_target_setting", "rep-leaderboard"),
    "call_at_risk": ("03_retention_clv", "call-list"),
    "follow_up_detractors": ("02_satisfaction_survey", "detractor-follow-up"),
    "fix_driver": ("02_satisfaction_survey", "drivers"),
}


@dataclass(frozen=True, eq=False)
class Action:
    """One action with the figures that triggered it.

    Attributes
    ----------
    key : str
        The rule (a key of :data:`ANCHORS`).
    amount : float
        Money at stake (NaN when the action has no amount, e.g. a driver to fix).
    count : int
        How many items the list holds (targets, customers, reps, answers).
    customers : int
        Customers concerned (0 when the action is not about customers).
    owners : tuple of str
        Who acts, by name (reps or regions), most money first.
    items : DataFrame
        The list the action acts on (the rows that fired the rule).
    figures : dict
        Every number the action's sentence quotes.
    """

    key: str
    amount: float
    count: int
    customers: int
    owners: tuple[str, ...]
    items: pd.DataFrame
    figures: dict = field(default_factory=dict)

    @property
    def report(self) -> str:
        return ANCHORS[self.key][0]

    @property
    def anchor(self) -> str:
        return ANCHORS[self.key][1]


@dataclass(frozen=True)
class Note:
    """A rule that looked and found no action to take, with why (e.g. "no clear priority":
    the driver importances' intervals overlap)."""

    key: str
    figures: dict = field(default_factory=dict)


def _name(code, names: Mapping | None) -> str:
    if names is not None and code in names and isinstance(names[code], str) and names[code]:
        return names[code]
    return str(code)


def _owners(frame: pd.DataFrame, who: str, size: str) -> tuple[str, ...]:
    """Distinct owners of ``frame[who]``, the one with most ``size`` first."""
    if frame.empty:
        return ()
    s = frame.groupby(who, sort=False)[size].sum().sort_values(ascending=False, kind="stable")
    return tuple(str(x) for x in s.index if str(x))


# ------------------------------------------------------------------ the rules
def reset_targets(
    recorded: pd.DataFrame, *, band: tuple[float, float] = (0.5, 0.9), names: Mapping | None = None
) -> Action | None:
    """Recorded targets outside the attainable band: reset them to the proposed value.

    ``recorded`` has one row per target (``level`` "rep" or "region", ``region``,
    ``owner``, ``recorded``, ``p_recorded`` its P(attain), ``proposed``), as
    :func:`salesmeasure.targets.allocation.recorded_vs_proposed` gives it. The rule looks
    at rep targets (region targets when no rep has one): a target fires when
    ``p_recorded`` is below ``band[0]`` (out of reach) or above ``band[1]`` (too easy).
    Size: the money the resets move, ``sum |recorded - proposed|``; owners: the regions,
    most money first.
    """
    if recorded is None or len(recorded) == 0:
        return None
    t = recorded[recorded["level"] == "rep"]
    if t.empty:
        t = recorded[recorded["level"] == "region"]
    p = t["p_recorded"].astype(float)
    out = t[(p < band[0]) | (p > band[1])].copy()
    if out.empty:
        return None
    out["name"] = [_name(o, names) for o in out["owner"]]
    out["change"] = out["proposed"].astype(float) - out["recorded"].astype(float)
    out["moved"] = out["change"].abs()
    out = out.sort_values("moved", ascending=False, kind="stable").reset_index(drop=True)
    level = str(out["level"].iloc[0])
    return Action(
        "reset_targets",
        amount=float(out["moved"].sum()),
        count=len(out),
        customers=0,
        owners=_owners(out, "region", "moved"),
        items=out,
        figures={
            "flagged": len(out),
            "total": len(t),
            "level": level,
            "too_high": int((out["p_recorded"] < band[0]).sum()),
            "too_low": int((out["p_recorded"] > band[1]).sum()),
            "band": tuple(band),
            "period": str(out["period"].iloc[0]) if "period" in out else "",
        },
    )


def call_at_risk(
    call_list: pd.DataFrame, *, top: int = 10, names: Mapping | None = None
) -> Action | None:
    """Call the ``top`` recoverable at-risk customers with the most expected value.

    ``call_list`` has one row per customer (index ``customer_id``; columns ``name``,
    ``rep_id``, ``region``, ``clv`` = expected value over the horizon, what a call can
    save). Fires when it has a customer with value above 0. Size: the sum of ``clv`` of
    the ``top`` customers; owners: their reps by name (the region for a customer
    without a rep).
    """
    if call_list is None or len(call_list) == 0:
        return None
    t = call_list[call_list["clv"].astype(float) > 0]
    t = t.sort_values("clv", ascending=False, kind="stable").head(top).copy()
    if t.empty:
        return None
    rep = t["rep_id"] if "rep_id" in t else pd.Series("", index=t.index)
    region = t["region"] if "region" in t else pd.Series("", index=t.index)
    t["owner"] = [
        _name(r, names) if isinstance(r, str) and r else str(g)
        for r, g in zip(rep, region, strict=True)
    ]
    return Action(
        "call_at_risk",
        amount=float(t["clv"].sum()),
        count=len(t),
        customers=len(t),
        owners=_owners(t, "owner", "clv"),
        items=t,
        figures={"customers": len(t), "value": float(t["clv"].sum()), "listed": len(call_list)},
    )


def follow_up_detractors(
    followup: pd.DataFrame,
    *,
    value: Mapping | pd.Series | None = None,
    rep_of: Mapping | None = None,
    names: Mapping | None = None,
) -> Action | None:
    """Follow up the period's detractors (NPS 0-6).

    ``followup`` has one row per detractor response (``customer_id``, ``nps``). ``value``
    maps a customer to its expected value (the size: the sum over the distinct
    customers; NaN when not given); ``rep_of`` maps a customer to its rep code. Fires
    when there is at least one detractor.
    """
    if followup is None or len(followup) == 0:
        return None
    t = followup.copy()
    if "nps" in t:
        t = t[t["nps"].astype(float) <= 6]
    if t.empty:
        return None
    ids = pd.Index(t["customer_id"].unique())
    vals = pd.Series(value) if value is not None else pd.Series(dtype=float)
    v = vals.reindex(ids).astype(float)
    amount = float(v.sum()) if value is not None and v.notna().any() else math.nan
    reps = pd.Series(rep_of) if rep_of is not None else pd.Series(dtype=object)
    per = pd.DataFrame({"customer_id": ids, "value": v.fillna(0.0).to_numpy()})
    per["owner"] = [
        _name(reps.get(c), names) if isinstance(reps.get(c), str) and reps.get(c) else ""
        for c in ids
    ]
    return Action(
        "follow_up_detractors",
        amount=amount,
        count=len(t),
        customers=len(ids),
        owners=_owners(per[per["owner"] != ""], "owner", "value"),
        items=t.reset_index(drop=True),
        figures={"responses": len(t), "customers": len(ids), "value": amount},
    )


def fix_driver(drivers: pd.DataFrame) -> Action | Note | None:
    """Fix the driver of NPS the survey page names as the priority.

    ``drivers`` is indexed by driver with ``weight``, ``ci_low``, ``ci_high`` (its
    importance and interval) and ``mean`` (its average rating); optional
    ``share_good``/``share_poor`` (share of answers 4-5 and 1-2) and ``n_answered``.
    The rule is the survey page's (:func:`salesmeasure.survey.page.priority_of`, one rule
    for both pages): the lowest-rated of the drivers whose importance interval lies wholly
    above another's, provided it scores below the drivers' average. Then an
    :class:`Action` (no money amount; ``customers`` = answers rating it poorly). When
    every pair of intervals overlaps, a :class:`Note` ``"no_clear_priority"`` about the
    lowest-rated driver; when the drivers that clearly matter are rated at or above the
    average, a :class:`Note` ``"lowest_not_important"`` (the lowest-rated driver matters
    less than one that clearly matters). ``None`` with fewer than two drivers.
    """
    from salesmeasure.survey.page import priority_of

    if drivers is None or len(drivers) < 2:
        return None
    d = drivers.dropna(subset=["weight", "ci_low", "ci_high", "mean"])
    if len(d) < 2:
        return None
    pr = priority_of(d)

    def figures(name):
        me = d.loc[name]
        return {
            "driver": name,
            "mean": float(me["mean"]),
            "weight": float(me["weight"]),
            "ci_low": float(me["ci_low"]),
            "ci_high": float(me["ci_high"]),
            "share_good": float(me.get("share_good", math.nan)),
            "share_poor": float(me.get("share_poor", math.nan)),
            "most_important": str(d["weight"].astype(float).idxmax()),
        }

    if pr.reason == "overlap":
        return Note("no_clear_priority", figures(pr.lowest))
    if pr.reason == "well rated":
        low = d.loc[pr.lowest]
        above = [x for x in pr.important if float(d.loc[x, "ci_low"]) > float(low["ci_high"])]
        best = above or sorted(pr.important, key=lambda x: -float(d.loc[x, "weight"]))
        return Note("lowest_not_important", {**figures(pr.lowest), "above": str(best[0])})
    f = figures(pr.driver)
    n = float(d.loc[pr.driver].get("n_answered", math.nan))
    poor = f["share_poor"]
    customers = int(round(n * poor)) if math.isfinite(n) and math.isfinite(poor) else 0
    return Action(
        "fix_driver",
        amount=math.nan,
        count=1,
        customers=customers,
        owners=(),
        items=d.loc[[pr.driver]],
        figures={**f, "poor_answers": customers, "lowest": pr.lowest},
    )


def rebalance_reps(
    reps: pd.DataFrame, *, p_low: float = 0.2, pace_ratio: float = 0.8
) -> Action | None:
    """Reps behind pace in the period in progress: rebalance accounts or support them.

    ``reps`` has one row per rep (``owner``, ``name``, ``region``, ``booked``,
    ``target``, ``expected_to_date`` = what the seasonal pace expects by now, optional
    ``landing`` (median forecast) and ``p_attain``). A rep is behind when
    ``p_attain < p_low`` or ``booked < pace_ratio * expected_to_date``. Size: the
    expected shortfall, ``target - landing`` (``expected_to_date - booked`` where there
    is no landing forecast), summed; owners: their regions, most shortfall first.
    """
    if reps is None or len(reps) == 0:
        return None
    t = reps[reps["target"].astype(float) > 0].copy()
    if t.empty:
        return None
    p = t["p_attain"].astype(float) if "p_attain" in t else pd.Series(math.nan, index=t.index)
    behind_p = p < p_low
    behind_pace = t["booked"].astype(float) < pace_ratio * t["expected_to_date"].astype(float)
    t = t[behind_p | behind_pace].copy()
    if t.empty:
        return None
    landing = t["landing"].astype(float) if "landing" in t else pd.Series(math.nan, index=t.index)
    gap_pace = t["expected_to_date"].astype(float) - t["booked"].astype(float)
    t["shortfall"] = (t["target"].astype(float) - landing).where(landing.notna(), gap_pace)
    t["shortfall"] = t["shortfall"].clip(lower=0.0)
    t = t.sort_values("shortfall", ascending=False, kind="stable").reset_index(drop=True)
    if "name" not in t:
        t["name"] = t["owner"].astype(str)
    return Action(
        "rebalance_reps",
        amount=float(t["shortfall"].sum()),
        count=len(t),
        customers=0,
        owners=_owners(t, "region", "shortfall") if "region" in t else (),
        items=t,
        figures={
            "reps": len(t),
            "total": int((reps["target"].astype(float) > 0).sum()),
            "shortfall": float(t["shortfall"].sum()),
            "p_low": p_low,
            "pace_ratio": pace_ratio,
        },
    )


def rank(actions, *, limit: int = MAX_ACTIONS) -> list[Action]:
    """The fired actions (``None`` and :class:`Note` left out), most money at stake first;
    actions without an amount after those with one, by customers concerned; at most
    ``limit``."""
    fired = [a for a in actions if isinstance(a, Action)]

    def key(a: Action):
        has = math.isfinite(a.amount)
        return (0 if has else 1, -(a.amount if has else 0.0), -a.customers)

    return sorted(fired, key=key)[:limit]
