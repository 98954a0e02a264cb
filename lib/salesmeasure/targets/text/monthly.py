"""The monthly revenue chart in words (:class:`~salesmeasure.targets.monthly.MonthlyRevenue`)."""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import _
from salesmeasure.targets.monthly import MonthlyRevenue
from salesmeasure.targets.text.sections import scope_label

__all__ = ["describe_monthly", "monthly_table"]


def _fin(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(float(x))


def describe_monthly(m: MonthlyRevenue) -> str:
    """The last complete month against its target and last year, the complete months so
    far together, and the forecast of the months ahead, in words."""
    done = m.complete
    scope = scope_label(m.region)
    if done.empty:
        return _("There is no complete month of revenue to show for {scope}.").format(scope=scope)
    parts = []
    last = done.iloc[-1]
    month = fmt.period(str(last["month"]))
    text = _("{scope}: {month}, the last complete month, brought {actual}").format(
        scope=scope, month=month, actual=fmt.money(last["actual"])
    )
    clauses = []
    if _fin(last["target"]) and last["target"] > 0:
        clauses.append(
            _("{share} of its {target} target").format(
                share=fmt.pct(last["actual"] / last["target"], decimals=0),
                target=fmt.money(last["target"]),
            )
        )
    if _fin(last["last_year"]) and last["last_year"] > 0:
        clauses.append(
            _("{change} on the same month last year ({last_year})").format(
                change=fmt.change(last["actual"] / last["last_year"] - 1, decimals=0),
                last_year=fmt.money(last["last_year"]),
            )
        )
    if clauses:
        text += _(", ") + fmt.join(clauses, kind="and")
    parts.append(text + _("."))

    if len(done) > 1:
        first = fmt.period(str(done.iloc[0]["month"]))
        total = float(done["actual"].sum())
        bits = []
        tgt = done["target"]
        if tgt.notna().all() and tgt.sum() > 0:
            bits.append(
                _("{share} of the {target} target for those months").format(
                    share=fmt.pct(total / tgt.sum(), decimals=0), target=fmt.money(tgt.sum())
                )
            )
        ly = done["last_year"]
        if ly.notna().all() and ly.sum() > 0:
            bits.append(
                _("{change} on the same months last year ({last_year})").format(
                    change=fmt.change(total / ly.sum() - 1, decimals=0),
                    last_year=fmt.money(ly.sum()),
                )
            )
        sentence = _("From {first} to {last}, revenue was {total}").format(
            first=first, last=month, total=fmt.money(total)
        )
        if bits:
            sentence += _(": ") + fmt.join(bits, kind="and")
        parts.append(sentence + _("."))

    ahead = m.forecast_months
    med, lo, hi = m.ahead
    if not ahead.empty and _fin(med):
        months = fmt.join([fmt.period(str(x)) for x in ahead["month"]], kind="and")
        sentence = _(
            "For {months}, the forecast is {median} in all (80% range {low} to {high})"
        ).format(months=months, median=fmt.money(med), low=fmt.money(lo), high=fmt.money(hi))
        tgt = ahead["target"]
        if tgt.notna().all() and tgt.sum() > 0:
            sentence += _(", against {target} of target").format(target=fmt.money(tgt.sum()))
        if m.partial is not None:
            sentence += _(
                " ({month} counts what is booked to {date} plus the forecast of its rest)"
            ).format(month=fmt.period(str(m.partial)), date=fmt.date(m.as_of, short=True))
        parts.append(sentence + _("."))
    return " ".join(parts)


def monthly_table(m: MonthlyRevenue) -> pd.DataFrame:
    """Reader-ready monthly table: month, actual, target, last year, forecast (80% range)."""
    t = m.table

    def money(v):
        return fmt.money(v) if _fin(v) else ""

    actual = [
        (money(a) + (" " + _("(to {date})").format(date=fmt.date(m.as_of, short=True))))
        if m.partial is not None and mo == m.partial and _fin(a)
        else money(a)
        for mo, a in zip(t["month"], t["actual"], strict=True)
    ]
    fc = [
        _("{median} ({low} to {high})").format(median=money(f), low=money(lo), high=money(hi))
        if _fin(f)
        else ""
        for f, lo, hi in zip(t["forecast"], t["low"], t["high"], strict=True)
    ]
    return pd.DataFrame(
        {
            _("Month"): [fmt.period(str(x)) for x in t["month"]],
            _("Actual"): actual,
            _("Target"): [money(v) for v in t["target"]],
            _("Last year"): [money(v) for v in t["last_year"]],
            _("Forecast (80% range)"): fc,
        }
    )
