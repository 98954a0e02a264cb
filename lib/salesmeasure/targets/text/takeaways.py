"""The target report's three takeaways: where we stand on the period in progress, the
biggest gap, and the action the numbers call for."""

from __future__ import annotations

import math

from salesmeasure import format as fmt
from salesmeasure import glossary
from salesmeasure.errors import Missing
from salesmeasure.i18n import _
from salesmeasure.targets.text.allocation import targets_to_reset
from salesmeasure.targets.text.leaderboard import OUT_OF_REACH
from salesmeasure.targets.text.sections import scope_label

__all__ = ["takeaways", "describe_takeaways"]


def _fin(x) -> bool:
    return fmt.is_number(x) and math.isfinite(float(x))


def _where(r) -> str:
    ip = r.progress
    if ip is None or isinstance(ip, Missing) or ip.reason is not None:
        reason = ip.reason if ip is not None and not isinstance(ip, Missing) else ""
        h = r.outcome
        if isinstance(h, Missing) or not (h.target > 0):
            return reason or _("No period with a target is in progress.")
        return (
            _("{reason} {period} closed at {actual} against a {target} target ({attainment}).")
            .format(
                reason=reason,
                period=fmt.period(h.period),
                actual=fmt.money(h.actual),
                target=fmt.money(h.target),
                attainment=fmt.pct(h.attainment, decimals=0),
            )
            .strip()
        )
    top = ip.top
    pace = top["booked"] / top["expected_to_date"] if top["expected_to_date"] > 0 else math.nan
    text = _(
        "{period}, {elapsed} of {total} days in. {scope}: {booked} booked of the {target} "
        "target, {pace} of the {seasonal_pace}."
    ).format(
        period=fmt.period(ip.period),
        elapsed=ip.days_elapsed,
        total=ip.days_total,
        scope=scope_label(r.region),
        booked=fmt.money(top["booked"]),
        target=fmt.money(top["target"]),
        pace=fmt.pct(pace, decimals=0),
        seasonal_pace=glossary.link("seasonal-pace"),
    )
    if _fin(top["landing"]):
        text += " " + _(
            "The forecast lands at {landing} (80% range {low} to {high}); the chance of "
            "making the target ({p_attain}) is {p}."
        ).format(
            landing=fmt.money(top["landing"]),
            low=fmt.money(top["landing_low"]),
            high=fmt.money(top["landing_high"]),
            p=fmt.pct(top["p_attain"], decimals=0),
            p_attain=glossary.link("p-attain"),
        )
    return text + " " + _("[Details](#period-in-progress).")


def _gap(r) -> str | None:
    ip = r.progress
    if ip is None or isinstance(ip, Missing) or ip.reason is not None:
        return None
    level = "region" if r.region == "all" else "rep"
    t = ip.table[(ip.table["level"] == level) & (ip.table["target"] > 0)].copy()
    t = t[t["landing"].notna()]
    if t.empty:
        return None
    t["short"] = t["target"] - t["landing"]
    worst = t.sort_values("short", ascending=False).iloc[0]
    if worst["short"] <= 0:
        return _("Every {level} is forecast to reach its target.").format(
            level=_("region") if level == "region" else _("rep")
        )
    name = worst["name"] if level == "rep" else _("{region} region").format(region=worst["owner"])
    return (
        _(
            "The biggest gap: {name}, {booked} booked of {target}, is forecast to land "
            "{short} short; its chance of making the target is {p}."
        ).format(
            name=name,
            booked=fmt.money(worst["booked"]),
            target=fmt.money(worst["target"]),
            short=fmt.money(worst["short"]),
            p=fmt.pct(worst["p_attain"], decimals=0),
        )
        + " "
        + _("[Leaderboard](#rep-leaderboard).")
    )


def _action(r, board) -> str | None:
    parts = []
    props = r.proposals
    reset = None if isinstance(props, Missing) else targets_to_reset(props)
    if reset is not None and not reset.empty:
        parts.append(
            _(
                "Reset the {n} recorded targets for {period} that lie outside the "
                "{band} to the proposed values ([the list](#targets-to-reset))."
            ).format(
                n=len(reset),
                period=fmt.period(props.period),
                band=glossary.link("attainable-band"),
            )
        )
    if board is not None and not isinstance(board, Missing):
        t = board.table
        out = t[(t["gap"] < 0) & (t["p_attain"] < OUT_OF_REACH)].sort_values("gap")
        if len(out):
            names = fmt.join(list(out["name"].astype(str).head(3)), kind="and")
            parts.append(
                _(
                    "Review pipeline and accounts with the {n} reps behind pace with under "
                    "{p} chance of their target, first {names}."
                ).format(n=len(out), p=fmt.pct(OUT_OF_REACH, decimals=0), names=names)
            )
    if not parts:
        return None
    return " ".join(parts)


def takeaways(r, board=None) -> list[str]:
    """Up to three sentences: where we stand, the biggest gap, the action."""
    return [x for x in (_where(r), _gap(r), _action(r, board)) if x]


def describe_takeaways(r, board=None) -> str:
    """The takeaways as a numbered Markdown list under a bold lead."""
    items = takeaways(r, board)
    lead = _("In short")
    lines = [f"**{lead}**", ""]
    lines += [f"{i}. {fmt.prose(x)}" for i, x in enumerate(items, start=1)]
    return "\n".join(lines)
