"""The whole target report in one call: :func:`build` computes every section of notebook 01.

Each section is computed with :func:`salesmeasure.errors.attempt`, so a section whose data
is too thin holds a :class:`~salesmeasure.errors.Missing` with one sentence saying what is
missing, and the other sections still compute. The notebook then shows each section with
``report.show(r.<section>, targets.describe_<section>, targets.<section>_table, plots...)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from salesmeasure import books
from salesmeasure import format as fmt
from salesmeasure.absent import absent_sentence, has_table
from salesmeasure.errors import InsufficientData, Missing, ParameterError, attempt
from salesmeasure.i18n import _
from salesmeasure.targets.allocation import equal_probability_targets, recorded_vs_proposed
from salesmeasure.targets.backtest import Backtest, backtest_forecast
from salesmeasure.targets.forecast import Forecast, baseline_forecast
from salesmeasure.targets.inprogress import InProgress, in_progress
from salesmeasure.targets.inputs import (
    check_history,
    check_parameters,
    last_complete_month,
    monthly_revenue,
    period_targets,
)
from salesmeasure.targets.methods import MethodBacktest, backtest_methods
from salesmeasure.targets.monthly import monthly_revenue_view
from salesmeasure.targets.pvm import PVMSection, pvm_section
from salesmeasure.targets.setting import (
    TargetProposal,
    allocation_weights,
    phase,
    propose_target,
    proposed_targets,
    smart_check,
)
from salesmeasure.targets.tracking import (
    AttainingShare,
    PacingView,
    PeriodOutcome,
    attainment,
    period_outcome,
    share_attaining,
)

#: P(attain) band of an attainable target in the SMART check.
P_BAND = (0.5, 0.9)


@dataclass(frozen=True, eq=False)
class ForecastSection:
    """The next period's forecast and the proposed company (or region) target.

    ``history`` is monthly revenue up to ``history_end``; ``forecast`` runs from the month
    after it to the end of the next period, ``next`` is its months of the next period;
    ``phased`` is the proposal spread over those months by the forecast mean.
    """

    history: pd.Series
    forecast: Forecast
    next: Forecast
    proposal: TargetProposal
    period: str
    history_end: pd.Period
    phased: pd.Series
    region: str
    #: True in a region's report: ``proposal`` is the region's share of the company
    #: target (the company allocation); ``forecast``/``next`` are fitted on the region
    #: alone, a second opinion.
    allocated: bool = False


@dataclass(frozen=True, eq=False)
class ProposalSection:
    """Proposed targets per region and rep with their SMART checks.

    ``smart`` has one row per target (see :func:`~salesmeasure.targets.setting.smart_check`);
    ``no_reps`` lists regions without a rep of their own, whose target is set for the
    region only.
    """

    smart: pd.DataFrame
    period: str
    total: float
    p_band: tuple[float, float] = P_BAND
    no_reps: tuple[str, ...] = ()
    method: str = "share"
    p_total: float = float("nan")
    p_star: float = float("nan")
    p_star_reps: dict | None = None
    spread: float = float("nan")
    recorded: pd.DataFrame | Missing | None = None
    region: str = "all"
    #: The joint owner simulations behind the equal-probability split ("region" -> the
    #: regions', region name -> its reps'): the incentive simulation draws from them.
    sims: dict | None = None

    @property
    def reps(self) -> pd.DataFrame:
        return self.smart[self.smart["level"] == "rep"]


@dataclass(frozen=True, eq=False)
class AttainmentSection:
    """Attainment of the last complete period against its recorded targets."""

    table: pd.DataFrame
    share: AttainingShare
    period: str


@dataclass(frozen=True, eq=False)
class TargetReport:
    """Every section of the target report; a section without data holds a ``Missing``."""

    period: str
    region: str
    as_of: pd.Timestamp
    next_period: str
    attainability: float
    uplift: float
    history_weight: float
    outcome: PeriodOutcome | Missing
    forecast: ForecastSection | Missing
    backtest: Backtest | Missing
    proposals: ProposalSection | Missing
    pacing: PacingView | Missing
    attainment: AttainmentSection | Missing
    pvm: PVMSection | Missing
    methods: MethodBacktest | Missing | None = None
    #: The period in progress per owner (:func:`~salesmeasure.targets.inprogress.in_progress`).
    progress: InProgress | Missing | None = None
    #: Revenue month by month (:func:`~salesmeasure.targets.monthly.monthly_revenue_view`).
    monthly: object = None
    #: Optional tables the data has no source for (``"reps"``, ``"targets"``).
    absent: frozenset = frozenset()


def _history(orders, period, history_end) -> pd.Series:
    check_history(orders, period)
    return monthly_revenue(orders, end=history_end)


def _outcome(history, orders, targets, period, as_of, region) -> PeriodOutcome:
    return period_outcome(
        orders, period_targets(targets, period), period, as_of=as_of, region=region
    )


def _forecast(history, months_next, attainability, uplift, period, history_end, region):
    fc = baseline_forecast(history, (months_next[-1] - history_end).n)
    nxt = fc.select(months_next)
    prop = propose_target(nxt, attainability=attainability, uplift=uplift)
    return ForecastSection(
        history, fc, nxt, prop, period, history_end, phase(prop.target, nxt.mean), region
    )


def _backtest(section: ForecastSection) -> Backtest:
    return backtest_forecast(
        section.history,
        section.next.horizon,
        origins=6,
        models=section.forecast.refit_models,
        repetitions=300,
    )


def _proposals_equal(section: ForecastSection, view, everything, next_period):
    end = section.history_end.end_time.normalize()
    prop = section.proposal
    eq = equal_probability_targets(
        view.orders,
        view.customers,
        view.reps,
        total=prop.target,
        total_samples=section.next.total_samples,
        history_end=end,
        months=list(section.next.index),
        region=section.region,
        total_model=section.next.model,
    )
    smart = smart_check(
        eq.rows,
        company_total=prop.target,
        period_start=next_period.start,
        period_end=next_period.end,
        p_band=P_BAND,
    )
    recorded = attempt(
        recorded_vs_proposed,
        period_targets(everything.targets, next_period),
        eq.rows,
        eq.sims,
        p_band=P_BAND,
    )
    return ProposalSection(
        smart,
        next_period.label,
        prop.target,
        P_BAND,
        eq.no_reps,
        "equal",
        prop.p_attain,
        eq.p_star,
        eq.p_star_reps,
        eq.spread,
        recorded,
        section.region,
        sims=eq.sims,
    )


def _company(ctx, period, attainability, uplift):
    """The company's forecast of the next period and its equal-probability allocation
    to regions and reps, computed once per data, period and parameters
    (:mod:`salesmeasure.books`): every region's report shows its slice."""
    data = ctx.data
    as_of = data.as_of
    history_end = last_complete_month(period.end, as_of)
    next_period = period.next()
    months_next = [pd.Period(m.label, "M") for m in next_period.months()]

    def compute():
        view = data.slice(period=period, region="all")
        everything = data.slice(region="all")
        history = attempt(_history, view.orders, period, history_end)
        forecast = attempt(
            _forecast, history, months_next, attainability, uplift, next_period.label,
            history_end, "all",
        )  # fmt: skip
        proposals = attempt(_proposals_equal, forecast, view, everything, next_period)
        return forecast, proposals

    parts = (books.data_key(data), period.label, float(attainability), float(uplift), str(as_of))
    return books.remembered("company_targets", parts, compute)


def _region_proposals(company: ProposalSection, region: str) -> ProposalSection:
    """The region's rows of the company allocation (its target and its reps')."""
    smart = company.smart[company.smart["region"] == region].reset_index(drop=True)
    if smart.empty:
        raise InsufficientData(
            _("The company's targets are not split to {region}: it has no revenue or rep.").format(
                region=region
            )
        )
    top = smart[smart["level"] == "region"].iloc[0]
    recorded = company.recorded
    if isinstance(recorded, pd.DataFrame):
        recorded = recorded[recorded["region"] == region].reset_index(drop=True)
    return replace(
        company,
        smart=smart,
        total=float(top["amount"]),
        no_reps=tuple(r for r in company.no_reps if r == region),
        p_total=float(top["p_attain"]),
        p_star=float("nan"),  # no split between regions in one region's view
        p_star_reps={k: v for k, v in (company.p_star_reps or {}).items() if k == region},
        spread=float("nan"),
        recorded=recorded,
        region=region,
    )


def _region_forecast(own: ForecastSection, proposals: ProposalSection) -> ForecastSection:
    """The region's own forecast (a second opinion, fitted on the region alone) with the
    region's share of the company target as its proposal."""
    top = proposals.smart[proposals.smart["level"] == "region"].iloc[0]
    prop = own.proposal
    allocated = replace(
        prop,
        target=float(top["amount"]),
        p_attain=float(top["p_attain"]),
        base_target=float(top["amount"]),
        p_attain_base=float(top["p_attain"]),
        expected=float(top["expected"]),
        model=str(top["model"]),
    )
    return replace(
        own, proposal=allocated, phased=phase(allocated.target, own.next.mean), allocated=True
    )


def _methods(section: ForecastSection, view, period, history_weight) -> MethodBacktest:
    prop = section.proposal
    return backtest_methods(
        view.orders,
        view.customers,
        view.reps,
        period=period,
        history_end=section.history_end,
        attainability=prop.attainability,
        uplift=prop.uplift,
        history_weight=history_weight,
        region=section.region,
        models=section.forecast.refit_models,
    )


def _proposals(section: ForecastSection, view, next_period, history_weight, region):
    end = section.history_end.end_time.normalize()
    weights = allocation_weights(view.orders, view.customers, view.reps, end=end)
    prop = section.proposal
    if weights.empty:
        if region == "all":
            raise InsufficientData(
                _("No rep is recorded in any region, so targets cannot be split to reps.")
            )
        rows = pd.DataFrame(
            {
                "level": ["region"],
                "region": [region],
                "rep_id": [None],
                "owner": [region],
                "amount": [int(round(prop.target))],
                "share": [1.0],
                "expected": [section.next.total_mean],
                "p_attain": [section.next.prob_at_least(round(prop.target), total=True)],
                "model": [section.next.model],
                "region_params": [False],
            }
        )
        no_reps = (region,)
    else:
        rows = proposed_targets(
            view.orders,
            weights,
            total=prop.target,
            history_end=end,
            horizon=section.forecast.horizon,
            alpha=history_weight,
            months=list(section.next.index),
        )
        no_reps = ()
    smart = smart_check(
        rows,
        company_total=prop.target,
        period_start=next_period.start,
        period_end=next_period.end,
        p_band=P_BAND,
    )
    return ProposalSection(smart, next_period.label, prop.target, P_BAND, no_reps)


def rep_names(data) -> dict:
    """Rep id -> display name from the reps table (the id where no name is recorded)."""
    reps = getattr(data, "reps", None)
    if reps is None or reps.empty or "name" not in reps.columns:
        return {}
    names = reps["name"].astype("string")
    ids = reps["rep_id"].astype(str)
    return {
        i: (str(n) if pd.notna(n) and str(n).strip() else i)
        for i, n in zip(ids, names, strict=True)
    }


def _named(df: pd.DataFrame, names: dict) -> pd.DataFrame:
    """``df`` with a ``name`` column: a rep row's name, a region row's region."""
    if "name" in df.columns or "owner" not in df.columns:
        return df
    own = df["owner"].astype(str)
    return df.assign(
        name=[
            names.get(o, o) if lvl == "rep" else o for lvl, o in zip(df["level"], own, strict=True)
        ]
    )


def _with_names(proposals, names: dict):
    if not isinstance(proposals, ProposalSection):
        return proposals
    rec = proposals.recorded
    if isinstance(rec, pd.DataFrame):
        rec = _named(rec, names)
    return replace(proposals, smart=_named(proposals.smart, names), recorded=rec)


def _attainment(everything, period) -> AttainmentSection:
    recorded = period_targets(everything.targets, period)
    if recorded.empty:
        raise InsufficientData(
            _(
                "No targets are recorded for {period}, so attainment cannot be measured; "
                "add them to the targets table to see who reached theirs."
            ).format(period=period.label)
        )
    att = attainment(everything.in_period("orders", period), recorded)
    names = rep_names(everything)
    att["name"] = [names.get(str(r), r) if isinstance(r, str) else r for r in att["rep_id"]]
    return AttainmentSection(att, share_attaining(att), period.label)


def _pacing(progress: InProgress, ctx) -> PacingView:
    """The report's own pacing: the company's or region's row of :func:`in_progress`
    (so the target report and the executive summary show the same numbers)."""
    if progress.reason is not None:
        raise InsufficientData(progress.reason)
    view = progress.view()
    if view is None:
        raise InsufficientData(no_pacing_sentence(ctx.period.kind, ctx.data.as_of))
    return view


def leaderboard_for(ctx, r: TargetReport, review=None):
    """The report's rep leaderboard from its own period in progress and the review's rep
    assessment (so nothing is computed twice), or a ``Missing`` saying why there is none."""
    from salesmeasure.targets.leaderboard import build_leaderboard

    if isinstance(r.progress, Missing) or r.progress is None:
        return (
            r.progress
            if isinstance(r.progress, Missing)
            else Missing(no_pacing_sentence(ctx.period.kind, ctx.data.as_of))
        )
    assessment = getattr(review, "assessment", None)
    return attempt(build_leaderboard, ctx, r.progress, assessment)


def no_pacing_sentence(kind: str, as_of) -> str:
    """Why there is no pacing section: nothing with a target is in progress."""
    kinds = {
        "M": _(
            "No month with a recorded target is in progress on {date}, so there is nothing to pace."
        ),
        "Q": _(
            "No quarter with a recorded target is in progress on {date}, so there is "
            "nothing to pace."
        ),
        "H": _(
            "No half-year with a recorded target is in progress on {date}, so there is "
            "nothing to pace."
        ),
        "FY": _(
            "No fiscal year with a recorded target is in progress on {date}, so there is "
            "nothing to pace."
        ),
    }
    return kinds.get(kind, kinds["Q"]).format(date=fmt.date(as_of))


def build(
    ctx,
    *,
    attainability: float = 0.6,
    uplift: float = 0.0,
    history_weight: float = 0.7,
    method: str = "equal",
) -> TargetReport:
    """Compute every section of the target report for a prepared report context.

    Parameters
    ----------
    ctx : salesmeasure.report.ReportContext
        From ``report.prepare(period=..., region=..., data_path=...)``.
    attainability : float
        Probability that the proposed company (or region) target is met.
    uplift : float
        Stretch on top of the attainable target (0.05 = +5%).
    history_weight : float
        With ``method="share"``: share of the split to regions and reps by past revenue;
        the rest by customers in book.
    method : "equal" or "share"
        ``"equal"`` (default): every region's, and within a region every rep's, target is
        met with one common probability (:mod:`~salesmeasure.targets.allocation`);
        ``"share"``: the blend of revenue share and customers in book.

    Returns
    -------
    TargetReport
        A bad parameter raises :class:`~salesmeasure.errors.ParameterError`; thin data
        leaves the affected sections ``Missing`` with the reason in words.
    """
    check_parameters(uplift=uplift, history_weight=history_weight)
    period, region = ctx.period, ctx.region
    as_of = ctx.data.as_of
    everything = ctx.data.slice(region=region)
    orders = ctx.view.orders
    history_end = last_complete_month(period.end, as_of)
    next_period = period.next()
    months_next = [pd.Period(m.label, "M") for m in next_period.months()]

    history = attempt(_history, orders, period, history_end)
    outcome = attempt(_outcome, history, orders, ctx.view.targets, period, as_of, region)
    if method not in ("equal", "share"):
        raise ParameterError(f"parameter 'method' must be 'equal' or 'share', got {method!r}")
    company_fc = company = None
    if method == "equal":
        company_fc, company = _company(ctx, period, attainability, uplift)
    if method == "equal" and region == "all":
        forecast, proposals = company_fc, company  # the company's own books
    else:
        forecast = attempt(
            _forecast, history, months_next, attainability, uplift, next_period.label,
            history_end, region,
        )  # fmt: skip
    backtest = attempt(_backtest, forecast)
    if method == "equal" and region != "all":
        # one set of books: the region's slice of the company allocation, never a split
        # of a target taken from the region's own forecast
        proposals = (
            company if isinstance(company, Missing) else attempt(_region_proposals, company, region)
        )
        if forecast and proposals:
            forecast = _region_forecast(forecast, proposals)
    elif method == "share":
        proposals = attempt(_proposals, forecast, ctx.view, next_period, history_weight, region)
    proposals = _with_names(proposals, rep_names(ctx.data))
    methods = attempt(_methods, forecast, ctx.view, period, history_weight)
    progress = attempt(in_progress, ctx, attainability=attainability, uplift=uplift)
    pacing = progress if isinstance(progress, Missing) else attempt(_pacing, progress, ctx)
    monthly = (
        progress if isinstance(progress, Missing) else attempt(monthly_revenue_view, ctx, progress)
    )
    att_period = period if ctx.period_complete else period.previous()
    attained = attempt(_attainment, everything, att_period)
    if not has_table(ctx.data, "targets"):  # absent: no targets data, not "none recorded"
        attained = Missing(absent_sentence("targets"))
    pvm = attempt(pvm_section, orders, period, as_of=as_of)
    return TargetReport(
        period.label,
        region,
        as_of,
        next_period.label,
        float(attainability),
        float(uplift),
        float(history_weight),
        outcome,
        forecast,
        backtest,
        proposals,
        pacing,
        attained,
        pvm,
        methods,
        progress=progress,
        monthly=monthly,
        absent=frozenset(t for t in ("reps", "targets") if not has_table(ctx.data, t)),
    )
