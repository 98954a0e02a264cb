"""Target setting in words: every sentence and manager table of the target report.

Numbers come from the analytics modules of :mod:`salesmeasure.targets`; here they become
text through :mod:`salesmeasure.format` and :func:`salesmeasure.i18n._`. Each
``describe_*`` and ``*_table`` takes a section of :class:`~salesmeasure.targets.build.TargetReport`
(``report.show(r.forecast, targets.describe_forecast)``) or, as before, the bare result
with its context as keywords.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.absent import absent_sentence
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.targets.backtest import Backtest
from salesmeasure.targets.build import (
    AttainmentSection,
    ForecastSection,
    ProposalSection,
    TargetReport,
    no_pacing_sentence,
)
from salesmeasure.targets.forecast import Forecast
from salesmeasure.targets.setting import TargetProposal, attainability_curve
from salesmeasure.targets.text.notes import forecast_notes
from salesmeasure.targets.tracking import (
    BENCHMARK_ATTAINING,
    AttainingShare,
    Pacing,
    PacingView,
    PeriodOutcome,
)

__all__ = [
    "attainment_table",
    "backtest_table",
    "describe_attainment",
    "describe_backtest",
    "describe_current_pacing",
    "describe_forecast",
    "describe_outcome",
    "describe_pacing",
    "describe_proposals",
    "describe_report",
    "outcome_table",
    "options_table",
    "pacing_table",
    "proposals_table",
    "scope_label",
]


def scope_label(region: str) -> str:
    """``All regions`` or ``North region``."""
    if not region or region == "all":
        return _("All regions")
    return _("{region} region").format(region=region)


def _all(scope: str) -> bool:
    return scope.lower().startswith("all ")


def describe_report(r: TargetReport) -> str:
    """The line under the title: scope, data date and what the proposal is for (and, for
    each absent reps or targets table, what it would add)."""
    text = _(
        "**{scope}, {period}** · data up to {as_of} · targets proposed for {next} at "
        "{attainability} attainability"
    ).format(
        scope=scope_label(r.region),
        period=fmt.period(r.period),
        as_of=fmt.date(r.as_of),
        next=fmt.period(r.next_period),
        attainability=fmt.pct(r.attainability, decimals=0),
    )
    absent = getattr(r, "absent", frozenset())
    for table in ("reps", "targets"):
        if table in absent:
            text += "\n\n" + absent_sentence(table)
    return text


# ------------------------------------------------------------------------------ outcome


def outcome_table(h: PeriodOutcome) -> pd.DataFrame:
    """Reader-ready outcome table (text values)."""
    rows = [
        (_("Target"), fmt.money(h.target) if h.target > 0 else _("none recorded")),
        (_("Actual revenue") if h.complete else _("Booked so far"), fmt.money(h.actual)),
    ]
    if not h.complete:
        rows.append((_("Projected total (seasonal pace)"), fmt.money(h.projection)))
    rows += [
        (
            _("Attainment") if h.complete else _("Projected attainment"),
            fmt.pct(h.attainment, decimals=1),
        ),
        (_("Forecast at period start"), fmt.money(h.expected_ex_ante)),
        (_("P(attain) at period start"), fmt.pct(h.p_attain_ex_ante, decimals=0)),
    ]
    if not h.complete:
        rows.append((_("P(attain) given what is booked"), fmt.pct(h.p_attain_now, decimals=0)))
    return pd.DataFrame(rows, columns=[_("Measure"), fmt.period(h.period)]).set_index(_("Measure"))


def describe_outcome(h: PeriodOutcome, *, scope: str | None = None) -> str:
    """One paragraph on the outcome numbers, generated from them."""
    scope = scope if scope is not None else scope_label(h.region)
    money = fmt.money
    if not h.target > 0:
        text = (
            _("No target is recorded for {scope} in {period}; revenue was {actual}.")
            if h.complete
            else _("No target is recorded for {scope} in {period}; revenue was {actual} so far.")
        )
        return (
            text.format(scope=scope, period=fmt.period(h.period), actual=money(h.actual))
            + " "
            + _("The proposal below suggests one.")
        )
    if h.complete:
        text = (
            _(
                "{scope}: the {period} target of {target} was met; revenue was {actual}, "
                "{attainment} of target."
            )
            if h.actual >= h.target
            else _(
                "{scope}: the {period} target of {target} was missed; revenue was {actual}, "
                "{attainment} of target."
            )
        ).format(
            scope=scope,
            period=fmt.period(h.period),
            target=money(h.target),
            actual=money(h.actual),
            attainment=fmt.pct(h.attainment, decimals=1),
        )
    else:
        text = (
            _(
                "{period} is in progress: {scope} have booked {actual} against a target of "
                "{target}; at the seasonal pace it would finish near {projection} "
                "({attainment} of target), and the forecast gives it a {p} chance of making "
                "the target."
            )
            if _all(scope)
            else _(
                "{period} is in progress: {scope} has booked {actual} against a target of "
                "{target}; at the seasonal pace it would finish near {projection} "
                "({attainment} of target), and the forecast gives it a {p} chance of making "
                "the target."
            )
        ).format(
            period=fmt.period(h.period),
            scope=scope,
            actual=money(h.actual),
            target=money(h.target),
            projection=money(h.projection),
            attainment=fmt.pct(h.attainment, decimals=1),
            p=fmt.pct(h.p_attain_now, decimals=0),
        )
    if math.isfinite(h.p_attain_ex_ante):
        if h.p_attain_ex_ante < 0.4:
            hard = _("a stretch")
        elif h.p_attain_ex_ante > 0.9:
            hard = _("a give-away")
        else:
            hard = _("attainable but not certain")
        text += " " + _(
            "At the start of the period the baseline forecast expected {expected} and gave "
            "the target a {p} chance: {verdict}."
        ).format(
            expected=money(h.expected_ex_ante),
            p=fmt.pct(h.p_attain_ex_ante, decimals=0),
            verdict=hard,
        )
    return text


# ------------------------------------------------------------------------------ forecast


def describe_forecast(
    fc: Forecast | ForecastSection,
    proposal: TargetProposal | None = None,
    *,
    period: str | None = None,
    history_end=None,
) -> str:
    """The forecast and proposed target of the next period in words."""
    if isinstance(fc, ForecastSection):
        if fc.allocated:
            return _describe_allocated(fc)
        fc, proposal, period, history_end = fc.next, fc.proposal, fc.period, fc.history_end
    money = fmt.money
    lo, hi = fc.interval(0.8, total=True)
    text = _(
        "Using revenue up to {history_end}, the {model} baseline expects {expected} in "
        "{period} (80% range {low} to {high}). A target of {target} would be attained with "
        "probability {p}"
    ).format(
        history_end=fmt.period(history_end),
        model=fc.model,
        expected=money(fc.total_mean),
        period=fmt.period(period),
        low=money(lo),
        high=money(hi),
        target=money(proposal.target),
        p=fmt.pct(proposal.p_attain, decimals=0),
    )
    if proposal.uplift:
        text += " " + _(
            "-- the {attainability}-attainable level {base} plus a {uplift} uplift"
        ).format(
            attainability=fmt.pct(proposal.attainability, decimals=0),
            base=money(proposal.base_target),
            uplift=fmt.pct(proposal.uplift, decimals=1),
        )
    above = (
        _("; that is {stretch} above the expected revenue.")
        if proposal.stretch >= 0
        else _("; that is {stretch} below the expected revenue.")
    )
    text += above.format(stretch=fmt.pct(abs(proposal.stretch), decimals=1))
    if fc.notes:
        text += " " + forecast_notes(fc.notes)
    return text


def _describe_allocated(s: ForecastSection) -> str:
    """A region's proposal as its share of the company target, with the forecast fitted on
    the region alone named as the second opinion it is."""
    money = fmt.money
    lo, hi = s.next.interval(0.8, total=True)
    return _(
        "{region}'s target for {period} is its share of the company target, which is split "
        "to the regions at one common chance of being met: {target}, attained with "
        "probability {p} against an expected {expected}. Second opinion, fitted on "
        "{region} alone: the {model} baseline expects {own} (80% range {low} to {high}); "
        "the options below come from that fit."
    ).format(
        region=s.region,
        period=fmt.period(s.period),
        target=money(s.proposal.target),
        p=fmt.pct(s.proposal.p_attain, decimals=0),
        expected=money(s.proposal.expected),
        model=s.next.model,
        own=money(s.next.total_mean),
        low=money(lo),
        high=money(hi),
    )


def options_table(
    fc: Forecast | ForecastSection,
    *,
    attainability: float | None = None,
    uplifts=(-0.05, 0.0, 0.05, 0.10),
) -> pd.DataFrame:
    """Target options around the attainable level and their P(attain), for managers."""
    if isinstance(fc, ForecastSection):
        attainability = fc.proposal.attainability if attainability is None else attainability
        fc = fc.next
    attainability = 0.6 if attainability is None else attainability
    curve = attainability_curve(fc, uplifts, attainability=attainability)
    first = _("Uplift on attainable level")
    return pd.DataFrame(
        {
            first: curve["uplift"].map(lambda u: fmt.pct(u, decimals=0, signed=True)),
            _("Target"): curve["target"].map(fmt.money_full),
            _("vs forecast mean"): (curve["target"] / fc.total_mean - 1).map(
                lambda v: fmt.pct(v, decimals=1, signed=True)
            ),
            _("P(attain)"): curve["p_attain"].map(lambda v: fmt.pct(v, decimals=0)),
        }
    ).set_index(first)


# ------------------------------------------------------------------------------ backtest


def backtest_table(bt: Backtest) -> pd.DataFrame:
    """Reader-ready summary of a backtest."""
    s = bt.summary()
    out = pd.DataFrame(
        {
            _("Forecasts scored"): s["n"].map(fmt.count).to_numpy(),
            _("MAPE"): s["mape"].map(lambda v: fmt.pct(v / 100, decimals=1)).to_numpy(),
            _("Bias (actual - forecast)"): s["bias"].map(fmt.money).to_numpy(),
            _("In 50% interval"): s["coverage_50"].map(lambda v: fmt.pct(v, decimals=0)).to_numpy(),
            _("In 80% interval"): s["coverage_80"].map(lambda v: fmt.pct(v, decimals=0)).to_numpy(),
            _("Calibration"): np.where(s["flag_80"], _("FLAG: intervals too narrow"), _("ok")),
        },
        index=[_("Each month"), _("{n}-month total").format(n=bt.horizon)],
    )
    return out


def describe_backtest(bt: Backtest) -> str:
    """Calibration verdict in words."""
    if bt.totals.empty:
        return _(
            "The history is too short to hold out any past forecast, so the forecast's "
            "calibration cannot be checked yet; read P(attain) as indicative."
        )
    s = bt.summary()
    m, t = s.loc["per step"], s.loc["horizon total"]
    text = _(
        "Refitted at {n} past origins, the forecast missed monthly revenue by {mape} on "
        "average (MAPE) and the {h}-month total by {mape_total}. Its 80% intervals held "
        "{cov80} of monthly actuals and its 50% intervals {cov50}."
    ).format(
        n=len(bt.totals),
        mape=fmt.pct(m["mape"] / 100, decimals=1),
        h=bt.horizon,
        mape_total=fmt.pct(t["mape"] / 100, decimals=1),
        cov80=fmt.pct(m["coverage_80"], decimals=0),
        cov50=fmt.pct(m["coverage_50"], decimals=0),
    )
    if m["flag_80"] or t["flag_80"]:
        text += " " + _(
            "**Calibration flag:** the 80% intervals covered significantly fewer actuals "
            "than 80%, so the stated probabilities of attaining are too optimistic about "
            "certainty; treat P(attain) with caution."
        )
    else:
        text += " " + _(
            "That is consistent with nominal coverage, so the P(attain) figures can be read "
            "as stated."
        )
    return text


# ------------------------------------------------------------------------------ proposals

_LEVELS = {"region": N_("Region"), "rep": N_("Rep")}


def _tick(v: bool) -> str:
    return _("yes") if v else _("NO")


def proposals_table(smart: pd.DataFrame | ProposalSection) -> pd.DataFrame:
    """Reader-ready table of proposed targets with P(attain) and the SMART checks."""
    if isinstance(smart, ProposalSection):
        smart = smart.smart
    out = pd.DataFrame(
        {
            _("Level"): smart["level"].map(lambda v: _(_LEVELS.get(v, v))),
            _("Owner"): smart["name"] if "name" in smart.columns else smart["owner"],
            _("Region"): smart["region"],
            _("Target"): smart["amount"].map(fmt.money_full),
            _("Forecast"): smart["expected"].map(fmt.money_full),
            _("P(attain)"): smart["p_attain"].map(lambda v: fmt.pct(v, decimals=0)),
            _("Share of total"): smart["share_of_total"].map(lambda v: fmt.pct(v, decimals=1)),
            _("Specific"): smart["specific"].map(_tick),
            _("Measurable"): smart["measurable"].map(_tick),
            _("Attainable"): smart["attainable"].map(_tick),
            _("Relevant"): smart["relevant"].map(_tick),
            _("Time-bound"): smart["time_bound"].map(_tick),
        }
    )
    return out.reset_index(drop=True)


def describe_proposals(
    smart: pd.DataFrame | ProposalSection, *, period: str | None = None, p_band=(0.5, 0.9)
) -> str:
    """Which proposed targets pass the SMART check and why the others do not."""
    no_reps: tuple[str, ...] = ()
    method = "share"
    if isinstance(smart, ProposalSection):
        period, p_band, no_reps, method = smart.period, smart.p_band, smart.no_reps, smart.method
        smart = smart.smart
    reps = smart[smart["level"] == "rep"]
    n_regions = int(smart["level"].eq("region").sum())
    n_ok = int(reps["smart"].sum())
    pct0 = lambda v: fmt.pct(v, decimals=0)  # noqa: E731
    parts = [
        _("{regions} and {reps}").format(
            regions=ngettext("{n} region", "{n} regions", n_regions).format(n=n_regions),
            reps=ngettext("{n} rep", "{n} reps", len(reps)).format(n=len(reps)),
        )
    ]
    text = _(
        "The {period} target is split over {parts} in whole currency units that add up "
        "exactly to the total."
    ).format(period=fmt.period(period), parts=parts[0])
    text += " " + ngettext(
        "{ok} of {n} rep target passes all five SMART checks.",
        "{ok} of {n} rep targets pass all five SMART checks.",
        len(reps),
    ).format(ok=n_ok, n=len(reps))
    for region in no_reps:
        text += " " + _(
            "{region} has no rep of its own, so targets are set for the region only."
        ).format(region=region)
    easy = reps[reps["p_attain"] > p_band[1]]["owner"].tolist()
    hard = reps[reps["p_attain"] < p_band[0]]["owner"].tolist()
    if hard:
        sentence = (
            _(
                "Below a {p} chance of attaining on their own trend: {owners} -- their share "
                "of the total outruns their recent momentum; review them before publishing."
            )
            if method == "share"
            else _(
                "Below a {p} chance of attaining on their own trend: {owners}; review them "
                "before publishing."
            )
        )
        text += " " + sentence.format(p=pct0(p_band[0]), owners=fmt.join(map(str, hard)))
    if easy:
        text += " " + _("Above {p} (too easy): {owners}.").format(
            p=pct0(p_band[1]), owners=fmt.join(map(str, easy))
        )
    if len(reps):
        lo, hi = BENCHMARK_ATTAINING
        exp_share = float(reps["p_attain"].mean())
        if exp_share < lo:
            sentence = _(
                "On these targets about {share} of reps would be expected to attain (the mean "
                "of their P(attain)), below the {lo}-{hi} benchmark."
            )
        elif exp_share > hi:
            sentence = _(
                "On these targets about {share} of reps would be expected to attain (the mean "
                "of their P(attain)), above the {lo}-{hi} benchmark."
            )
        else:
            sentence = _(
                "On these targets about {share} of reps would be expected to attain (the mean "
                "of their P(attain)), within the {lo}-{hi} benchmark."
            )
        text += " " + sentence.format(share=pct0(exp_share), lo=pct0(lo), hi=pct0(hi))
    return text


# ------------------------------------------------------------------------------ pacing


def pacing_table(p: Pacing | PacingView) -> pd.DataFrame:
    """Reader-ready pacing table."""
    if isinstance(p, PacingView):
        p = p.pacing
    money, pct0 = fmt.money, (lambda v: fmt.pct(v, decimals=0))
    rows = [
        (_("Target"), money(p.target)),
        (_("Booked so far"), money(p.achieved)),
        (
            _("Time elapsed"),
            _("{elapsed} of {total} days ({share})").format(
                elapsed=p.days_elapsed, total=p.days_total, share=pct0(p.time_elapsed)
            ),
        ),
        (
            _("Revenue expected by now (seasonal)"),
            _("{share} of the period's").format(share=pct0(p.expected_share)),
        ),
        (_("Pace vs even days"), pct0(p.linear_pace)),
        (_("Pace vs seasonal path"), pct0(p.seasonal_pace)),
        (_("Run-rate projection"), money(p.run_rate_projection)),
        (_("Seasonal projection"), money(p.seasonal_projection)),
        (_("Daily run-rate so far"), money(p.run_rate)),
        (_("Daily run-rate required"), money(p.required_run_rate)),
        (_("P(attain) given what is booked"), pct0(p.p_attain)),
        (
            _("Projected total, 80% range"),
            _("{low} to {high}").format(low=money(p.projection_low), high=money(p.projection_high)),
        ),
    ]
    return pd.DataFrame(rows, columns=[_("Measure"), _("Value")]).set_index(_("Measure"))


def describe_pacing(p: Pacing, *, period: str, scope: str) -> str:
    """Pacing in words.

    Whether the period is ahead of or behind pace is read from the rounded percentage that
    the sentence shows, so "behind pace (100%)" cannot happen: at 100% it is on pace.
    """
    shown = round(p.seasonal_pace * 100) if math.isfinite(p.seasonal_pace) else math.nan
    if shown == 100:
        where = _("on pace")
    elif p.seasonal_pace >= 1:
        where = _("ahead of pace")
    else:
        where = _("behind pace")
    values = dict(
        period=fmt.period(period),
        elapsed=p.days_elapsed,
        total=p.days_total,
        scope=scope,
        achieved=fmt.money(p.achieved),
        attainment=fmt.pct(p.attainment_to_date, decimals=0),
        target=fmt.money(p.target),
        expected=fmt.pct(p.expected_share, decimals=0),
        where=where,
        pace=fmt.pct(p.seasonal_pace, decimals=0),
        run_rate=fmt.money(p.run_rate),
        projection=fmt.money(p.run_rate_projection),
        required=fmt.money(p.required_run_rate),
    )
    text = (
        _(
            "{period}, {elapsed} of {total} days in: {scope} have booked {achieved} "
            "({attainment} of the {target} target) while the seasonal pattern expects "
            "{expected} of the period's revenue by now, so it is {where} ({pace}). Keeping "
            "the current daily run-rate of {run_rate} would end at {projection}; the target "
            "needs {required} a day from here."
        )
        if _all(scope)
        else _(
            "{period}, {elapsed} of {total} days in: {scope} has booked {achieved} "
            "({attainment} of the {target} target) while the seasonal pattern expects "
            "{expected} of the period's revenue by now, so it is {where} ({pace}). Keeping "
            "the current daily run-rate of {run_rate} would end at {projection}; the target "
            "needs {required} a day from here."
        )
    ).format(**values)
    if math.isfinite(p.p_attain):
        text += " " + _(
            "Given what is booked, the forecast puts the chance of making the target at {p}."
        ).format(p=fmt.pct(p.p_attain, decimals=0))
        # The pace compares booked revenue with the average seasonal path; the chance comes
        # from the forecast of the rest of the period. When they point different ways, say
        # why, so the sentence does not contradict itself ("on pace" yet an 11% chance).
        # P(attain) < 50% means the forecast's median for the rest is below what is needed.
        needed = fmt.money(max(p.target - p.achieved, 0.0))
        if shown >= 100 and p.p_attain < 0.5:
            text += " " + _(
                "The two views differ: what is booked matches the average seasonal path, but "
                "the forecast for the rest of the period is more likely than not to fall short "
                "of the {needed} the target still needs."
            ).format(needed=needed)
        elif shown < 100 and p.p_attain > 0.5:
            text += " " + _(
                "The two views differ: what is booked is behind the average seasonal path, but "
                "the forecast for the rest of the period is more likely than not to bring the "
                "{needed} the target still needs."
            ).format(needed=needed)
    return text


def describe_current_pacing(
    view: PacingView | None, *, scope: str | None = None, kind: str = "Q", as_of=None
) -> str:
    """:func:`describe_pacing` of the period in progress, or why there is none."""
    if view is None:
        return no_pacing_sentence(kind, as_of)
    scope = scope if scope is not None else scope_label(view.region)
    return describe_pacing(view.pacing, period=view.period, scope=scope)


# ------------------------------------------------------------------------------ attainment


def attainment_table(att: pd.DataFrame | AttainmentSection, level: str = "region") -> pd.DataFrame:
    """Reader-ready attainment table of one level."""
    if isinstance(att, AttainmentSection):
        att = att.table
    a = att[att["level"] == level]
    out = pd.DataFrame(
        {
            _("Region"): a["region"],
            **(
                {_("Rep"): a["name"] if "name" in a.columns else a["rep_id"]}
                if level == "rep"
                else {}
            ),
            _("Target"): a["target"].map(fmt.money),
            _("Actual"): a["actual"].map(fmt.money),
            _("Attainment"): a["attainment"].map(lambda v: fmt.pct(v, decimals=1)),
            _("Gap"): a["gap"].map(fmt.money),
            _("Attained"): a["attained"].map(lambda v: _("yes") if v else _("no")),
        }
    )
    return out.reset_index(drop=True)


def describe_attainment(
    share: AttainingShare | AttainmentSection, *, period: str | None = None
) -> str:
    """The share of reps at or above target against the benchmark, in words."""
    if isinstance(share, AttainmentSection):
        share, period = share.share, share.period
    if share.n_reps == 0:
        return _("No rep targets are recorded for {period}.").format(period=fmt.period(period))
    lo, hi = share.benchmark
    e = share.estimate
    pct0 = lambda v: fmt.pct(v, decimals=0)  # noqa: E731
    verdict = {
        "below": _(
            "below the range, which suggests the targets were set too high (or the period was weak)"
        ),
        "within": _("within the range a well-set target should produce"),
        "above": _("above the range, which suggests the targets were set too low"),
    }[share.position]
    return ngettext(
        "In {period}, {k} of {n} rep ({share}, 95% interval {low} to {high}) reached their "
        "target. The common benchmark is that {lo}-{hi} of reps should; this is {verdict}.",
        "In {period}, {k} of {n} reps ({share}, 95% interval {low} to {high}) reached their "
        "target. The common benchmark is that {lo}-{hi} of reps should; this is {verdict}.",
        share.n_reps,
    ).format(
        period=fmt.period(period),
        k=share.attained,
        n=share.n_reps,
        share=pct0(e.value),
        low=pct0(e.ci_low),
        high=pct0(e.ci_high),
        lo=pct0(lo),
        hi=pct0(hi),
        verdict=verdict,
    )
