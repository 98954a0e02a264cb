"""The period in progress for every owner at once: the company, each region and each rep.

:func:`in_progress` answers "where do we stand on the period that is running now?" for
the executive summary and the target report alike. The data's as-of date decides the
period (of the report's kind: a quarterly report paces the quarter in progress), even
when the report itself reviews a closed period. Per owner it gives what is booked, the
target (recorded, or else the owner's share of the proposal made for that period), the
revenue the seasonal pattern expects by now, the forecast landing (median and 80%
interval) and the chance of attaining, from :func:`~salesmeasure.targets.tracking.pace_period`.

The company's table is computed once per data and parameters
(:func:`salesmeasure.books.remembered`) and every report shows its slice: a region's
report shows the region's row and its reps' rows, so the numbers never differ between
reports. The company and the regions are paced with the report's full forecast model
search (the same numbers as the target report's pacing section); reps with the fast
model set, which keeps 25 rep forecasts within a few seconds, and a rep's expected amount
by now follows the seasonal pattern of the rep's region (one rep's history is too thin
to tell its own season).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from salesmeasure import books
from salesmeasure.errors import InsufficientData
from salesmeasure.targets.forecast import FAST_MODELS, Forecast
from salesmeasure.targets.inputs import is_blank, period_targets, revenue_targets
from salesmeasure.targets.tracking import (
    Pacing,
    _days_in_period_months,
    _month_elapsed_fractions,
    expected_share,
    pace_period,
    pacing_curve,
)

#: Columns of :attr:`InProgress.table`.
COLUMNS = [
    "level",
    "owner",
    "name",
    "region",
    "booked",
    "target",
    "target_source",
    "expected_to_date",
    "landing",
    "landing_low",
    "landing_high",
    "p_attain",
]


@dataclass(frozen=True, eq=False)
class InProgress:
    """The period in progress on the data's as-of date, per owner.

    Attributes
    ----------
    period : str or None
        Label of the period containing the as-of date ("2026Q4"); None when none is in
        progress (the as-of date is the last day of a period).
    as_of : Timestamp
    days_elapsed, days_total : int
        Days of the period up to and including ``as_of``, and in the whole period.
    reason : str or None
        Why there is nothing to pace (no period in progress, no target); None otherwise.
    table : DataFrame
        One row per owner, columns :data:`COLUMNS`: level ("company", "region", "rep"),
        owner (code: "all", the region name, the rep id), name (display name; reps from
        the reps table), region ("all" for the company), booked, target, target_source
        ("recorded" or "proposed"), expected_to_date (the target times the seasonal share
        of the period's revenue expected by now), landing (median forecast total),
        landing_low / landing_high (80% interval), p_attain. Region rows' ``booked`` add
        up to the company's exactly, their targets to the unit.
    region : str
        The slice: "all" (company, regions and reps) or one region (its row, its reps).
    start, end : Timestamp or None
        The period's first and last day.
    pacings : dict
        Owner code -> :class:`~salesmeasure.targets.tracking.Pacing` (owners with a target).
    curves : dict
        Owner code -> day-by-day booked and target paths
        (:func:`~salesmeasure.targets.tracking.pacing_curve`) of the company and regions.
    """

    period: str | None
    as_of: pd.Timestamp
    days_elapsed: int
    days_total: int
    reason: str | None
    table: pd.DataFrame
    region: str = "all"
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    pacings: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    kind: str = "Q"
    #: Owner code -> the monthly :class:`~salesmeasure.targets.forecast.Forecast` behind
    #: the landing (company and regions): the monthly chart's band for the months ahead.
    forecasts: dict = field(default_factory=dict)

    def __bool__(self) -> bool:  # a period with something to pace
        return self.reason is None

    @property
    def top(self) -> pd.Series | None:
        """The row of the slice's own scope: the company's, or the region's."""
        level = "company" if self.region == "all" else "region"
        rows = self.table[self.table["level"] == level]
        return None if rows.empty else rows.iloc[0]

    @property
    def regions(self) -> pd.DataFrame:
        return self.table[self.table["level"] == "region"].reset_index(drop=True)

    @property
    def reps(self) -> pd.DataFrame:
        return self.table[self.table["level"] == "rep"].reset_index(drop=True)

    def view(self, owner: str | None = None):
        """The owner's (default: the slice's own) pacing as the target report's
        :class:`~salesmeasure.targets.tracking.PacingView`, or None without a target."""
        from salesmeasure.targets.tracking import PacingView

        row = self.top if owner is None else self.row(owner)
        if self.reason is not None or row is None or row["owner"] not in self.pacings:
            return None
        o = row["owner"]
        source = {"recorded": "recorded target", "proposed": "proposed target"}
        return PacingView(
            self.period,
            self.pacings[o],
            self.curves.get(o, pd.DataFrame()),
            source.get(row["target_source"], "recorded target"),
            self.region if owner is None else str(row["region"]),
        )

    def row(self, owner: str) -> pd.Series | None:
        rows = self.table[self.table["owner"].astype(str) == str(owner)]
        return None if rows.empty else rows.iloc[0]


def _landing_draws(p: Pacing, fc: Forecast) -> np.ndarray:
    """The simulated period totals behind ``p.p_attain`` (as :func:`pacing` draws them)."""
    fr = _month_elapsed_fractions(p.start, p.end, p.as_of)
    days_in = _days_in_period_months(p.start, p.end)
    steps = {m: i for i, m in enumerate(fc.index)}
    remaining = np.zeros(fc.repetitions)
    for m, f in fr.items():
        if f < 1:
            remaining += fc.samples[steps[m]] * (1 - f) * days_in[m] / m.days_in_month
    return p.achieved + remaining


def _pace(orders, target, start, end, as_of, models):
    """Pacing, landing (median, 80%) of one owner; without a usable forecast, the booked
    amount and the seasonal-free expected share only."""
    booked = float(
        orders.loc[
            (orders["order_date"] >= start) & (orders["order_date"] <= as_of), "amount"
        ].sum()
    )
    if not (target > 0):
        return None, booked, math.nan, math.nan, math.nan, math.nan, math.nan, None, None
    try:
        p, fc, weights = pace_period(
            orders, target=target, start=start, end=end, as_of=as_of, models=models
        )
    except (InsufficientData, ValueError):
        share = expected_share(start, end, as_of)
        return None, booked, target * share, math.nan, math.nan, math.nan, math.nan, None, None
    draws = _landing_draws(p, fc)
    return (
        p,
        booked,
        target * p.expected_share,
        float(np.median(draws)),
        p.projection_low,
        p.projection_high,
        p.p_attain,
        weights,
        fc,
    )


def _targets(data, cur, attainability, uplift, ctx):
    """Company, region and rep targets of the period ``cur``: recorded, else the owner's
    share of the proposal made for it (the company allocation of the period before)."""
    rec = revenue_targets(period_targets(data.targets, cur)).copy()
    rec["target_amount"] = pd.to_numeric(rec["target_amount"], errors="coerce").astype(float)
    blank = is_blank(rec["rep_id"])
    region_rec = rec[blank].groupby("region")["target_amount"].sum()
    rep_rec = rec[~blank].set_index(rec.loc[~blank, "rep_id"].astype(str))["target_amount"]
    rep_region = rec[~blank].set_index(rec.loc[~blank, "rep_id"].astype(str))["region"]
    for reg in rep_region.unique():  # a region recorded only as its reps' targets
        if reg not in region_rec.index:
            region_rec[reg] = float(rep_rec[rep_region == reg].sum())

    known = getattr(data, "regions", None)
    if known is None:
        known = data.orders["region"].dropna().unique().tolist()
    regions = sorted(set(known) | set(region_rec.index))
    reps = data.reps.copy()
    reps["rep_id"] = reps["rep_id"].astype(str)
    need_proposal = any(r not in region_rec.index for r in regions) or any(
        rid not in rep_rec.index for rid in reps["rep_id"]
    )
    prop_region, prop_rep = {}, {}
    if need_proposal:
        from salesmeasure.errors import Missing
        from salesmeasure.targets.build import _company

        try:
            _, proposals = _company(ctx, cur.previous(), attainability, uplift)
        except InsufficientData:
            proposals = None
        if proposals is not None and not isinstance(proposals, Missing):
            smart = proposals.smart
            for _i, row in smart.iterrows():
                if row["level"] == "region":
                    prop_region[str(row["region"])] = float(row["amount"])
                elif row["level"] == "rep":
                    prop_rep[str(row["rep_id"])] = float(row["amount"])

    region_t, region_src = {}, {}
    for reg in regions:
        if reg in region_rec.index and region_rec[reg] > 0:
            region_t[reg], region_src[reg] = float(region_rec[reg]), "recorded"
        elif reg in prop_region:
            region_t[reg], region_src[reg] = prop_region[reg], "proposed"
        else:
            region_t[reg], region_src[reg] = math.nan, ""
    rep_t, rep_src = {}, {}
    for rid, reg in zip(reps["rep_id"], reps["region"].astype(str), strict=True):
        if rid in rep_rec.index:
            rep_t[rid], rep_src[rid] = float(rep_rec[rid]), "recorded"
        elif rid in prop_rep:
            # the rep's share of the region's proposal, applied to the region's target
            reg_prop = prop_region.get(reg, math.nan)
            scale = region_t[reg] / reg_prop if reg_prop and reg_prop > 0 else math.nan
            amount = prop_rep[rid] * scale if math.isfinite(scale) else prop_rep[rid]
            rep_t[rid], rep_src[rid] = float(round(amount)), "proposed"
        else:
            rep_t[rid], rep_src[rid] = math.nan, ""
    return regions, region_t, region_src, rep_t, rep_src


def _company_progress(ctx, attainability: float, uplift: float) -> InProgress:
    from salesmeasure.periods import Period
    from salesmeasure.targets.build import no_pacing_sentence

    data = ctx.data
    kind, fsm = ctx.period.kind, ctx.period.fiscal_start_month
    as_of = pd.Timestamp(data.as_of).normalize()
    cur = Period.from_timestamp(as_of, kind, fiscal_start_month=fsm)
    empty = pd.DataFrame(columns=COLUMNS)
    if as_of >= cur.end:
        return InProgress(None, as_of, 0, 0, no_pacing_sentence(kind, as_of), empty, kind=kind)
    start, end = cur.start, cur.end
    days_total = (end - start).days + 1
    days_elapsed = (as_of - start).days + 1
    regions, region_t, region_src, rep_t, rep_src = _targets(data, cur, attainability, uplift, ctx)
    company_t = sum(region_t.values()) if region_t else math.nan
    if not (company_t > 0):
        return InProgress(
            cur.label, as_of, days_elapsed, days_total, no_pacing_sentence(kind, as_of), empty,
            start=start, end=end, kind=kind,
        )  # fmt: skip
    company_src = "recorded" if all(region_src[r] == "recorded" for r in regions) else "proposed"
    rows, pacings, curves, forecasts, season = [], {}, {}, {}, {}

    def add(level, owner, name, region, orders, target, source, models, curve):
        p, booked, exp, land, lo, hi, pa, weights, fc = _pace(
            orders, target, start, end, as_of, models
        )
        if level == "rep" and region in season and target > 0:
            # a rep's expected amount follows the region's seasonal pattern: one rep's
            # history is too thin (a few large orders) to tell its own season
            exp = target * expected_share(start, end, as_of, season[region])
        if level == "region" and p is not None:
            season[owner] = weights
        rows.append((level, owner, name, region, booked, target, source, exp, land, lo, hi, pa))
        if p is not None:
            pacings[owner] = p
            if curve:
                curves[owner] = pacing_curve(orders, p, month_weights=weights)
                forecasts[owner] = fc

    add("company", "all", "", "all", data.orders, company_t, company_src,
        "auto", True)  # fmt: skip
    for reg in regions:
        orders = data.slice(region=reg).orders
        add("region", reg, reg, reg, orders, region_t[reg], region_src[reg], "auto", True)
    reps = data.reps.copy()
    reps["rep_id"] = reps["rep_id"].astype(str)
    names = (
        reps["name"].astype("string").fillna(reps["rep_id"])
        if "name" in reps.columns
        else reps["rep_id"]
    )
    by_rep = data.orders.assign(_rep=data.orders["rep_id"].astype("string"))
    for rid, name, reg in zip(reps["rep_id"], names, reps["region"].astype(str), strict=True):
        orders = by_rep[by_rep["_rep"] == rid].drop(columns="_rep")
        add("rep", rid, str(name), reg, orders, rep_t[rid], rep_src[rid], FAST_MODELS, False)
    table = pd.DataFrame(rows, columns=COLUMNS)
    return InProgress(
        cur.label, as_of, days_elapsed, days_total, None, table, "all", start, end,
        pacings, curves, kind, forecasts,
    )  # fmt: skip


def slice_progress(company: InProgress, region: str) -> InProgress:
    """The region's rows of the company's period in progress (its row and its reps); the
    company's row is named in the report's language here (the kept table is shared by
    the reports of both languages)."""
    from salesmeasure.i18n import _

    t = company.table.copy()
    t.loc[t["level"] == "company", "name"] = _("All regions")
    company = replace(company, table=t)
    if region == "all" or t.empty:
        return replace(company, region=region)
    keep = t[(t["level"] != "company") & (t["region"] == region)].reset_index(drop=True)
    owners = set(keep["owner"].astype(str))
    reason = company.reason
    top = keep[keep["level"] == "region"]
    if reason is None and (top.empty or not (top["target"].iloc[0] > 0)):
        from salesmeasure.targets.build import no_pacing_sentence

        reason = no_pacing_sentence(company.kind, company.as_of)
    return replace(
        company,
        table=keep,
        region=region,
        reason=reason,
        pacings={k: v for k, v in company.pacings.items() if k in owners},
        curves={k: v for k, v in company.curves.items() if k in owners},
        forecasts={k: v for k, v in company.forecasts.items() if k in owners},
    )


def in_progress(ctx, *, attainability: float = 0.6, uplift: float = 0.0) -> InProgress:
    """The period in progress on the data's as-of date for the report's scope.

    Parameters
    ----------
    ctx : salesmeasure.report.ReportContext
        The period's kind (quarter, month, half, fiscal year) and fiscal start month are
        the report's; which period is in progress comes from the data's as-of date.
    attainability, uplift : float
        Of the proposal used where no target is recorded (as in the target report).

    Returns
    -------
    InProgress
        ``reason`` says why there is nothing to pace; else ``table`` holds the company's
        (with ``ctx.region == "all"``) or the region's row and its reps' rows.
    """
    data = ctx.data
    parts = (
        books.data_key(data),
        ctx.period.kind,
        int(ctx.period.fiscal_start_month),
        str(data.as_of),
        float(attainability),
        float(uplift),
    )
    company = books.remembered(
        "in_progress", parts, lambda: _company_progress(ctx, attainability, uplift)
    )
    return slice_progress(company, ctx.region)
