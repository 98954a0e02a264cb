"""Price / volume / mix bridge of revenue between two periods."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.checks import require_columns
from salesmeasure.errors import InsufficientData
from salesmeasure.i18n import _


@dataclass(frozen=True, eq=False)
class PVMBridge:
    """Revenue bridge from a base period to the current one.

    ``effects`` is a Series in bridge order: base, volume, mix, price, new, lost,
    current; base + volume + mix + price + new + lost = current (to float precision).
    ``by_line`` has the same effects per product line with quantities and prices.
    """

    effects: pd.Series
    by_line: pd.DataFrame

    @property
    def change(self) -> float:
        return float(self.effects["current"] - self.effects["base"])


def price_volume_mix(
    current: pd.DataFrame,
    base: pd.DataFrame,
    *,
    by: str = "product_line",
    amount: str = "amount",
    quantity: str = "quantity",
) -> PVMBridge:
    """Price / volume / mix bridge of revenue between two periods.

    For product lines sold in both periods (quantity q, average unit price p = revenue
    / q, mix share s = q / Q of total quantity Q):

    * volume = (Q1 - Q0) * sum_i s0_i p0_i  -- the change in units at base mix and prices
    * mix    = Q1 * sum_i (s1_i - s0_i) p0_i -- the shift between lines at base prices
    * price  = sum_i q1_i (p1_i - p0_i)      -- the change in price on current units

    Lines sold only in the current period form the ``new`` effect (their revenue) and
    lines sold only in the base period the ``lost`` effect (minus their revenue), so
    base + volume + mix + price + new + lost = current, and the identity also holds per
    line. Units are added across lines, so volume is only meaningful when the lines'
    units are comparable; read mix as the revenue effect of the shift in unit shares.

    References
    ----------
    Horngren, C. T., Datar, S. M. & Rajan, M. V. (2015). Cost Accounting: A Managerial
    Emphasis, 15th ed., Pearson: selling-price variance (ch. 7) and the sales-quantity /
    sales-mix split of the sales-volume variance (ch. 14), with revenue per unit in place
    of contribution margin per unit.
    """
    for df, name in ((current, "current"), (base, "base")):
        require_columns(df, [by, amount, quantity], f"{name} orders")
        if (df[amount] < 0).any():
            raise ValueError(f"{name} orders have negative {amount}")
        if (df[quantity] <= 0).any():
            raise ValueError(f"{name} orders have {quantity} <= 0; unit prices would be undefined")
        if df[by].isna().any():
            raise ValueError(f"{name} orders have missing {by}")
    g1 = current.groupby(by)[[amount, quantity]].sum().astype(float)
    g0 = base.groupby(by)[[amount, quantity]].sum().astype(float)
    lines = g0.index.union(g1.index)
    t = pd.DataFrame(index=lines)
    t.index.name = by
    t["base_revenue"] = g0[amount].reindex(lines, fill_value=0.0)
    t["current_revenue"] = g1[amount].reindex(lines, fill_value=0.0)
    t["base_quantity"] = g0[quantity].reindex(lines, fill_value=0.0)
    t["current_quantity"] = g1[quantity].reindex(lines, fill_value=0.0)
    cont = (t["base_quantity"] > 0) & (t["current_quantity"] > 0)
    t["base_price"] = (t["base_revenue"] / t["base_quantity"]).where(t["base_quantity"] > 0)
    t["current_price"] = (t["current_revenue"] / t["current_quantity"]).where(
        t["current_quantity"] > 0
    )
    q0, q1 = t.loc[cont, "base_quantity"], t.loc[cont, "current_quantity"]
    Q0, Q1 = q0.sum(), q1.sum()
    p0, p1 = t.loc[cont, "base_price"], t.loc[cont, "current_price"]
    for col in ("volume", "mix", "price", "new", "lost"):
        t[col] = 0.0
    if cont.any():
        s0, s1 = q0 / Q0, q1 / Q1
        t.loc[cont, "volume"] = (Q1 - Q0) * s0 * p0
        t.loc[cont, "mix"] = Q1 * (s1 - s0) * p0
        t.loc[cont, "price"] = q1 * (p1 - p0)
    new = (t["base_quantity"] == 0) & (t["current_quantity"] > 0)
    lost = (t["base_quantity"] > 0) & (t["current_quantity"] == 0)
    t.loc[new, "new"] = t.loc[new, "current_revenue"]
    t.loc[lost, "lost"] = -t.loc[lost, "base_revenue"]
    t["change"] = t["current_revenue"] - t["base_revenue"]
    t["status"] = np.select([cont, new, lost], ["continuing", "new", "lost"], default="none")
    effects = pd.Series(
        {
            "base": t["base_revenue"].sum(),
            "volume": t["volume"].sum(),
            "mix": t["mix"].sum(),
            "price": t["price"].sum(),
            "new": t["new"].sum(),
            "lost": t["lost"].sum(),
            "current": t["current_revenue"].sum(),
        },
        name="amount",
    )
    return PVMBridge(effects, t)


@dataclass(frozen=True, eq=False)
class PVMSection:
    """A period's bridge against the same period a year earlier, for the report.

    ``end`` and ``base_end`` are the last days compared; ``partial`` is True when the
    period is in progress (both periods then cover the same number of elapsed days).
    """

    bridge: PVMBridge
    base: str
    current: str
    end: pd.Timestamp
    base_end: pd.Timestamp
    partial: bool


def pvm_section(orders: pd.DataFrame, period, *, as_of) -> PVMSection:
    """Bridge of ``period`` against the same period a year earlier (same elapsed days if
    the period is in progress)."""
    require_columns(orders, ["order_date", "amount", "quantity", "product_line"], "orders")
    as_of = pd.Timestamp(as_of)
    end = min(period.end, as_of)
    base_p = period.same_period_last_year()
    base_end = base_p.start + (end - period.start)
    cur = orders[(orders["order_date"] >= period.start) & (orders["order_date"] <= end)]
    base = orders[(orders["order_date"] >= base_p.start) & (orders["order_date"] <= base_end)]
    if cur.empty or base.empty:
        raise InsufficientData(
            _(
                "There are no orders in {period} to compare with the same period a year "
                "earlier ({base}); the price, volume and mix bridge needs both."
            ).format(period=period.label, base=base_p.label)
            if cur.empty
            else _(
                "There are no orders in {base}, the same period a year earlier, so revenue "
                "in {period} cannot be split into price, volume and mix; that needs a year "
                "of history before the period."
            ).format(period=period.label, base=base_p.label)
        )
    return PVMSection(
        price_volume_mix(cur, base),
        base_p.label,
        period.label,
        end,
        base_end,
        bool(end < period.end),
    )
