"""The executive summary as one result: every section computed, or the reason it cannot be.

:func:`build` is what notebook 00 calls after ``report.prepare``; each section is
computed with :func:`salesmeasure.errors.attempt`, so a view too thin for one analysis
(a small region, a period without orders or answers) shows a sentence there and the rest
of the summary still renders.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from salesmeasure.errors import InsufficientData, Missing, attempt
from salesmeasure.i18n import _
from salesmeasure.kpi.chain import Chain, chain
from salesmeasure.kpi.scorecard import Scorecard, regions_scorecard, scorecard
from salesmeasure.kpi.value import CLV_MONTHS, DISCOUNT_RATE, MARGIN
from salesmeasure.targets.kpi_targets import config_thresholds, settings_for

__all__ = ["FirstScreen", "Progress", "SummaryReport", "build", "first_screen", "progress"]


@dataclass(frozen=True)
class SummaryReport:
    """Every section of the executive summary for one period and region.

    Attributes
    ----------
    scorecard : Scorecard or Missing
    chain : Chain or Missing
        Satisfaction -> retention -> value (``Missing`` when nobody answered NPS).
    regions : DataFrame or Missing
        :func:`~salesmeasure.kpi.scorecard.regions_scorecard` for the all-regions view;
        ``Missing`` (saying so) for a single region.
    period, region : str
    as_of : Timestamp
        The data's as-of date.
    clv_months, discount_rate, margin, holdout_weeks
        The CLV settings used (the same as the retention and CLV report's).
    """

    scorecard: Scorecard | Missing
    chain: Chain | Missing
    regions: pd.DataFrame | Missing
    period: str
    region: str
    as_of: pd.Timestamp | None
    clv_months: int = CLV_MONTHS
    discount_rate: float = DISCOUNT_RATE
    margin: float = MARGIN
    holdout_weeks: int = 0

    @property
    def findings_inputs(self) -> tuple:
        """``(scorecard, chain, regions)`` with the missing ones as ``None``."""
        return tuple(x if not isinstance(x, Missing) else None for x in self._sections())

    def _sections(self):
        return (self.scorecard, self.chain, self.regions)


def _no_orders(dataset, period) -> None:
    orders = dataset.slice(period, "all").in_period("orders", period)
    if orders.empty and dataset.orders.empty:
        raise InsufficientData(_("There are no orders in the data, so no KPI can be computed."))


def _regions(dataset, period, region, **kw):
    if region != "all":
        raise InsufficientData(
            _(
                "Regions are compared in the all-regions summary; this report covers {region}."
            ).format(region=region)
        )
    return regions_scorecard(dataset, period, **kw)


def _scorecard(dataset, period, region, **kw):
    _no_orders(dataset, period)
    return scorecard(dataset, period, region, **kw)


def build(
    ctx,
    *,
    clv_months: int = CLV_MONTHS,
    discount_rate: float = DISCOUNT_RATE,
    margin: float = MARGIN,
    confidence: float = 0.95,
    holdout_weeks: int = 0,
) -> SummaryReport:
    """Compute the executive summary for a prepared report context.

    Parameters
    ----------
    ctx : salesmeasure.report.ReportContext
        From ``report.prepare(...)``: the data, period and region.
    clv_months, discount_rate, margin
        CLV horizon, monthly discount rate and margin: pass the same values as the
        retention and CLV report so both show the same customer value.
    holdout_weeks : int
        Weeks held out to choose the purchase model (0: 26 weeks or a third of the
        history, whichever is shorter), as in the retention and CLV report.
    confidence : float
        Confidence level of every interval.
    """
    data, period, region = ctx.data, ctx.period, ctx.region
    clv = {
        "clv_months": clv_months,
        "discount_rate": discount_rate,
        "margin": margin,
        "holdout_weeks": holdout_weeks,
    }
    th = config_thresholds(settings_for(ctx))
    return SummaryReport(
        scorecard=attempt(
            _scorecard, data, period, region, confidence=confidence, thresholds=th, **clv
        ),
        chain=attempt(chain, data, period, region, confidence=confidence, **clv),
        regions=attempt(
            _regions, data, period, region, confidence=confidence, thresholds=th, **clv
        ),
        period=period.label,
        region=region,
        as_of=data.as_of,
        clv_months=clv_months,
        discount_rate=discount_rate,
        margin=margin,
        holdout_weeks=holdout_weeks,
    )


# ------------------------------------------------------------- the first screen
#: Customers in the call action (the top of the retention report's call list).
CALL_TOP = 10


@dataclass(frozen=True, eq=False)
class Progress:
    """The period in progress on the data's as-of date (for the first screen).

    ``reason`` says why there is none (then the other fields are empty). Amounts are for
    the report's region; ``landing_low``/``landing_high`` the 80% interval of where the
    period ends; ``reps`` one row per rep (``owner, name, region, booked, target,
    expected_to_date, landing, p_attain``) or an empty frame.
    """

    period: str = ""
    as_of: pd.Timestamp | None = None
    days_elapsed: int = 0
    days_total: int = 0
    booked: float = float("nan")
    target: float = float("nan")
    target_source: str = ""
    expected_to_date: float = float("nan")
    landing: float = float("nan")
    landing_low: float = float("nan")
    landing_high: float = float("nan")
    p_attain: float = float("nan")
    reason: str | None = None
    reps: pd.DataFrame | None = None


@dataclass(frozen=True, eq=False)
class FirstScreen:
    """What the executive summary's first screen shows: the KPI cards, the period in
    progress and the ranked actions (with the notes of rules that found nothing to do)."""

    cards: list
    progress: Progress
    actions: list
    notes: list
    card: Scorecard | None
    period: str
    region: str
    as_of: pd.Timestamp | None


def _rep_names(data) -> dict:
    reps = data.reps
    if reps is None or reps.empty or "name" not in reps:
        return {}
    return {str(k): str(v) for k, v in zip(reps["rep_id"], reps["name"], strict=True)
            if isinstance(v, str) and v}  # fmt: skip


def progress(ctx) -> Progress:
    """The period in progress for the report's region, from
    :func:`salesmeasure.targets.in_progress` (the target report's numbers: the company
    computed once, the region's slice; the data's as-of date decides the period)."""
    from salesmeasure.targets.inprogress import in_progress

    ip = in_progress(ctx)
    t = ip.table
    if ip.reason or t is None or t.empty:
        return Progress(period=ip.period or "", as_of=ip.as_of, reason=ip.reason or "")
    top = t[t["level"] == ("company" if ctx.region == "all" else "region")]
    if top.empty:
        return Progress(period=ip.period, as_of=ip.as_of, reason=ip.reason or "")
    row = top.iloc[0]
    reps = t[t["level"] == "rep"]
    if ctx.region != "all":
        reps = reps[reps["region"] == ctx.region]
    return Progress(
        period=ip.period, as_of=ip.as_of, days_elapsed=int(ip.days_elapsed),
        days_total=int(ip.days_total), booked=float(row["booked"]),
        target=float(row["target"]), target_source=str(row["target_source"]),
        expected_to_date=float(row["expected_to_date"]), landing=float(row["landing"]),
        landing_low=float(row["landing_low"]), landing_high=float(row["landing_high"]),
        p_attain=float(row["p_attain"]), reps=reps.reset_index(drop=True),
    )  # fmt: skip


def _recorded_targets(ctx, attainability: float = 0.6):
    """The recorded targets of the next period beside the company's proposal (the target
    report's "targets to reset" table), for the report's region."""
    import importlib

    tb = importlib.import_module("salesmeasure.targets.build")  # the package's build() shadows it
    _fc, company = tb._company(ctx, ctx.period, attainability, 0.0)
    if isinstance(company, Missing):
        raise InsufficientData(company.reason)
    props = company if ctx.region == "all" else tb._region_proposals(company, ctx.region)
    rec = props.recorded
    if isinstance(rec, Missing) or rec is None:
        raise InsufficientData(getattr(rec, "reason", ""))
    return rec.assign(period=props.period), props.p_band


def _driver_ratings(ctx, drivers) -> pd.DataFrame:
    """The drivers table with the share of good (4-5) and poor (1-2) answers this period."""
    t = drivers.table.copy()
    sv = ctx.view.in_period("surveys")
    good, poor = [], []
    for d in t.index:
        x = sv[d].dropna() if d in sv else pd.Series(dtype=float)
        good.append(float((x >= 4).mean()) if len(x) else float("nan"))
        poor.append(float((x <= 2).mean()) if len(x) else float("nan"))
    return t.assign(share_good=good, share_poor=poor)


def first_screen(ctx, r: SummaryReport, *, attainability: float = 0.6) -> FirstScreen:
    """Compute the first screen: KPI cards (with their 8-period trend), the period in
    progress, and the ranked actions from the target, retention and survey results."""
    from salesmeasure.clv.analysis import value_and_at_risk
    from salesmeasure.kpi import actions as A
    from salesmeasure.kpi.cards import history, kpi_cards
    from salesmeasure.survey.build import drivers_section
    from salesmeasure.survey.comments.build import voice as survey_voice
    from salesmeasure.survey.page import follow_up

    card = r.scorecard if isinstance(r.scorecard, Scorecard) else None
    hist = attempt(history, ctx.data, ctx.period, ctx.region)
    cards = kpi_cards(card, None if isinstance(hist, Missing) else hist) if card else []
    prog = attempt(progress, ctx)
    if isinstance(prog, Missing):
        prog = Progress(as_of=ctx.data.as_of, reason=prog.reason)
    names = _rep_names(ctx.data)
    fired: list = []
    rec = attempt(_recorded_targets, ctx, attainability)
    if not isinstance(rec, Missing):
        fired.append(A.reset_targets(rec[0], band=rec[1], names=names))
    # the retention report's customer values and call list (the same settings, so the
    # same books: holdout_weeks too)
    clv = {"clv_months": r.clv_months, "discount_rate": r.discount_rate, "margin": r.margin,
           "holdout_weeks": r.holdout_weeks}  # fmt: skip
    cv, at_risk = value_and_at_risk(ctx, **clv)
    value = rep_of = None
    if not isinstance(at_risk, Missing):
        fired.append(A.call_at_risk(at_risk.frame, top=CALL_TOP, names=names))
    if not isinstance(cv, Missing):
        value = cv.values["clv"]
    cust = ctx.data.customers
    rep_of = {str(k): v for k, v in zip(cust["customer_id"], cust["rep_id"], strict=True)
              if isinstance(v, str) and v}  # fmt: skip
    voice = attempt(survey_voice, ctx)
    if not isinstance(voice, Missing):
        # the detractors' values as the survey page's follow-up list shows them (one set
        # of books: the company's customer values sliced to the region)
        fu = attempt(follow_up, ctx, months=r.clv_months, discount_rate=r.discount_rate,
                     margin=r.margin, holdout_weeks=r.holdout_weeks)  # fmt: skip
        if not isinstance(fu, Missing) and fu.table["value"].notna().any():
            value = fu.table.set_index("customer_id")["value"]
        fired.append(A.follow_up_detractors(voice.followup, value=value, rep_of=rep_of,
                                            names=names))  # fmt: skip
    drivers = drivers_section(ctx)
    if not isinstance(drivers, Missing):
        fired.append(A.fix_driver(_driver_ratings(ctx, drivers)))
    if prog.reps is not None and len(prog.reps):
        fired.append(A.rebalance_reps(prog.reps))
    notes = [x for x in fired if isinstance(x, A.Note)]
    return FirstScreen(
        cards=cards, progress=prog, actions=A.rank(fired), notes=notes, card=card,
        period=ctx.period.label, region=ctx.region, as_of=ctx.data.as_of,
    )  # fmt: skip
