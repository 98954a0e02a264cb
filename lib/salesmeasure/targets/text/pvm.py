"""Words for the price, volume and mix bridge."""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _
from salesmeasure.targets.pvm import PVMBridge, PVMSection, pvm_section

__all__ = ["describe_pvm", "pvm_for_period", "pvm_table"]


# ------------------------------------------------------------------------------ PVM


def _pvm_labels(s: PVMSection) -> tuple[str, str]:
    if not s.partial:
        return fmt.period(s.base), fmt.period(s.current)
    return (
        _("{period} to {date}").format(
            period=fmt.period(s.base), date=fmt.date(s.base_end, short=True)
        ),
        _("{period} to {date}").format(
            period=fmt.period(s.current), date=fmt.date(s.end, short=True)
        ),
    )


def pvm_for_period(orders: pd.DataFrame, period, *, as_of) -> tuple[PVMBridge, str, str]:
    """Bridge of a period against the same period a year earlier (same elapsed days if
    the period is in progress). Returns the bridge and the base and current labels."""
    s = pvm_section(orders, period, as_of=as_of)
    return (s.bridge, *_pvm_labels(s))


def pvm_table(bridge: PVMBridge | PVMSection) -> pd.DataFrame:
    """Reader-ready per-line bridge."""
    if isinstance(bridge, PVMSection):
        bridge = bridge.bridge
    t = bridge.by_line
    money = fmt.money
    out = pd.DataFrame(
        {
            _("Base revenue"): t["base_revenue"].map(money),
            _("Current revenue"): t["current_revenue"].map(money),
            _("Units (base -> current)"): [
                _("{before} -> {after}").format(before=fmt.count(a), after=fmt.count(b))
                for a, b in zip(t["base_quantity"], t["current_quantity"], strict=True)
            ],
            _("Avg price (base -> current)"): [
                _("{before} -> {after}").format(
                    before=fmt.number(a, decimals=1), after=fmt.number(b, decimals=1)
                )
                if math.isfinite(a) and math.isfinite(b)
                else fmt.missing()
                for a, b in zip(t["base_price"], t["current_price"], strict=True)
            ],
            _("Volume"): t["volume"].map(money),
            _("Mix"): t["mix"].map(money),
            _("Price"): t["price"].map(money),
            _("New/lost"): (t["new"] + t["lost"]).map(money),
            _("Change"): t["change"].map(money),
        }
    )
    out.index.name = _("Product line")
    return out


_EFFECTS = {
    "volume": N_("volume"),
    "mix": N_("mix"),
    "price": N_("price"),
    "new": N_("new"),
    "lost": N_("lost"),
}


def describe_pvm(
    bridge: PVMBridge | PVMSection, *, base: str | None = None, current: str | None = None
) -> str:
    """The bridge in words: which effect moved revenue most."""
    if isinstance(bridge, PVMSection):
        base, current = _pvm_labels(bridge)
        bridge = bridge.bridge
    money = fmt.money
    e = bridge.effects
    ch = bridge.change
    parts = {k: e[k] for k in ("volume", "mix", "price", "new", "lost") if abs(e[k]) > 0}
    biggest = max(parts, key=lambda k: abs(parts[k])) if parts else None
    text = _(
        "Revenue went from {base_revenue} in {base} to {current_revenue} in {current} "
        "({change}, {change_pct}). Volume contributed {volume}, mix {mix} and price {price}"
    ).format(
        base_revenue=money(e["base"]),
        base=base,
        current_revenue=money(e["current"]),
        current=current,
        change=("+" if ch >= 0 else "") + money(ch),
        change_pct=fmt.pct(ch / e["base"] if e["base"] else math.nan, decimals=1),
        volume=money(e["volume"]),
        mix=money(e["mix"]),
        price=money(e["price"]),
    )
    if e["new"] or e["lost"]:
        text += _(", new product lines {new} and lost lines {lost}").format(
            new=money(e["new"]), lost=money(e["lost"])
        )
    text += _("; the effects add up exactly to the change.")
    if biggest:
        text += " " + _("The largest effect is {effect}.").format(effect=_(_EFFECTS[biggest]))
    return text
