"""The KPI cards of the executive summary's first screen, as numbers.

One card per KPI: its value, what it is judged against (the recorded target, the status
threshold, or last year), the change against that plan, against the previous period and
against the same period last year -- all in the KPI's own unit (an amount for money,
points for NPS, percentage points for shares, complaints per 100 active customers) --
its status and the KPI over the last eight periods (the sparkline).

Values, changes and status are the scorecard's (:mod:`salesmeasure.kpi.scorecard`); the
history is :func:`salesmeasure.targets.kpi_targets.kpi_series`, the series the target
report's evaluation charts, so a card's trend and the control chart show the same points.
Words and HTML are in :mod:`salesmeasure.kpi.text` (:func:`~salesmeasure.kpi.text.screen.cards_html`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from salesmeasure.periods import Period
from salesmeasure.targets.kpi_targets import kpi_series

__all__ = ["CARD_KPIS", "HISTORY_PERIODS", "KPICard", "history", "kpi_cards"]

#: The KPIs that get a card, in order (attainment and P(attain) are told by the revenue
#: card and the period-in-progress panel).
CARD_KPIS = (
    "revenue", "nps", "csat", "retention_rate", "complaint_rate", "active_customers",
    "new_customers", "avg_clv",
)  # fmt: skip
#: Periods in a card's trend line.
HISTORY_PERIODS = 8
#: The evaluation's metric name of a scorecard KPI (``kpi_series``).
_SERIES = {
    "nps": "nps",
    "csat": "csat",
    "retention_rate": "retention",
    "complaint_rate": "complaint_rate",
    "new_customers": "new_customers",
}


@dataclass(frozen=True)
class KPICard:
    """One KPI card.

    ``plan`` is what the KPI is judged against: the recorded target (revenue), the
    "good" threshold (or a recorded KPI target, which sets it), or NaN for a KPI judged by
    its change against last year (``basis == "last year"``). ``vs_plan`` is
    ``value - plan`` in the KPI's unit (for ``basis == "last year"`` the relative change
    against last year, the status's basis). ``history`` is ``(period label, value)`` for
    up to eight periods ending with the card's. ``no_data``: the scorecard's reason
    (``"absent"`` = the table is not in the data) -- such a card has no status.
    """

    kpi: str
    unit: str
    value: float
    plan: float
    basis: str  # "target", "threshold", "last year"
    direction: str  # "up" or "down" (complaints: lower is better)
    vs_plan: float
    previous: float
    change_prev: float
    last_year: float
    change_ly: float
    status: str
    suppressed: bool
    no_data: str
    history: tuple[tuple[str, float], ...] = ()
    attainment: float = math.nan

    @property
    def has_status(self) -> bool:
        return not self.no_data and not self.suppressed and self.status in {"good", "watch", "bad"}


def _f(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def history(dataset, period, region: str = "all", *, n: int = HISTORY_PERIODS) -> dict:
    """Each card KPI over the ``n`` periods ending with ``period`` (before the data begins
    left out): ``{kpi: DataFrame(period, value)}``. Average CLV has no history (a model's
    valuation per period would mean refitting eight models)."""
    p = (
        period
        if isinstance(period, Period)
        else Period.parse(period, fiscal_start_month=dataset.fiscal_start_month)
    )
    view = dataset.until(p.end) if region == "all" else dataset.slice(period=p, region=region)
    out: dict[str, pd.DataFrame] = {}
    for kpi, metric in _SERIES.items():
        s = kpi_series(view, metric, p, n_periods=n)
        out[kpi] = s[["period", "value"]].reset_index(drop=True)
    first = view.orders["order_date"].min() if not view.orders.empty else p.start
    rev, act = [], []
    for i in range(n - 1, -1, -1):
        q = p.shift(-i)
        if q.end < first:
            continue
        o = view.orders[view.orders["order_date"].between(q.start, q.end)]
        rev.append({"period": q.label, "value": float(o["amount"].sum())})
        act.append({"period": q.label, "value": float(o["customer_id"].nunique())})
    out["revenue"] = pd.DataFrame(rev, columns=["period", "value"])
    out["active_customers"] = pd.DataFrame(act, columns=["period", "value"])
    return out


def kpi_cards(card, hist: dict | None = None) -> list[KPICard]:
    """The cards of a :class:`~salesmeasure.kpi.scorecard.Scorecard` (``hist`` from
    :func:`history`; without it the cards have no trend line)."""
    th_all = card.thresholds or {}
    out = []
    for kpi in CARD_KPIS:
        if kpi not in card:
            continue
        r = card.loc[kpi]
        th = th_all.get(kpi, {})
        value = _f(r["value"])
        attainment = math.nan
        if kpi == "revenue":
            plan, basis, direction = _f(card.target), "target", "up"
            if "attainment" in card:
                attainment = _f(card.loc["attainment", "value"])
        elif th.get("basis") == "last year":
            plan, basis, direction = math.nan, "last year", "up"
        else:
            plan, basis = _f(th.get("good")), "threshold"
            direction = th.get("direction", "up")
        if basis == "last year":
            ly = _f(r["last_year"])
            vs = (value - ly) / abs(ly) if math.isfinite(ly) and ly != 0 else math.nan
        else:
            vs = value - plan
        h = ()
        if hist and kpi in hist and not r.get("no_data", ""):
            h = tuple((str(a), _f(b)) for a, b in zip(hist[kpi]["period"], hist[kpi]["value"],
                                                       strict=True))  # fmt: skip
        no_data = r.get("no_data", "")
        out.append(
            KPICard(
                kpi=kpi,
                unit=str(r["unit"]),
                value=value,
                plan=plan,
                basis=basis,
                direction=direction,
                vs_plan=vs,
                previous=_f(r["previous"]),
                change_prev=_f(r["change_prev"]),
                last_year=_f(r["last_year"]),
                change_ly=_f(r["change_ly"]),
                status=str(r["status"]),
                suppressed=bool(r["suppressed"]),
                no_data=no_data if isinstance(no_data, str) else "",
                history=h,
                attainment=attainment,
            )
        )
    return out
