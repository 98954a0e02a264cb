"""The review sections in words: targets for every KPI, the periodic evaluation, the rep
assessment and the incentive simulation (:mod:`salesmeasure.targets.review`)."""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.targets.assessment import Assessment
from salesmeasure.targets.evaluation import Evaluation
from salesmeasure.targets.incentives import IncentiveSimulation
from salesmeasure.targets.kpi_targets import KPITargets
from salesmeasure.targets.text.sections import scope_label

__all__ = [
    "adjustments_table",
    "assessment_summary_table",
    "assessment_table",
    "describe_adjustments",
    "describe_assessment",
    "describe_assessment_brief",
    "describe_evaluation",
    "describe_incentives",
    "describe_kpi_targets",
    "evaluation_table",
    "incentives_table",
    "kpi_targets_table",
    "metric_label",
]

_LABELS = {
    "revenue": N_("Revenue"),
    "nps": N_("NPS"),
    "csat": N_("CSAT (share answering 4 or 5)"),
    "ces": N_("Customer effort (CES, 7 = very easy)"),
    "retention": N_("Retention"),
    "complaint_rate": N_("Complaints per 100 active customers"),
    "new_customers": N_("New customers"),
    "clv": N_("CLV change"),
}
#: A KPI target's name: average CLV is the scorecard's KPI, not the assessment's change.
_TARGET_LABELS = {**_LABELS, "clv": N_("Average CLV")}
_CHARTS = {
    "XmR": N_("individuals chart (XmR)"),
    "XmR (attainment)": N_("individuals chart (XmR) of attainment"),
    "NPS chart (3 multinomial SE)": N_("NPS chart (limits 3 standard errors)"),
    "p-chart": N_("p-chart"),
    "u-chart": N_("u-chart"),
    "c-chart": N_("c-chart"),
    "individuals chart (3 SE of the mean)": N_("chart of means (limits 3 standard errors)"),
}
_FLAGS = {
    "above": N_("above the company"),
    "below": N_("below the company"),
    "par": N_("at par"),
    "": N_("too few to tell"),
}


def metric_label(metric: str) -> str:
    """A KPI's name for a manager."""
    return _(_LABELS[metric])


def _target_label(metric: str) -> str:
    return _(_TARGET_LABELS[metric])


def _value(metric: str, v) -> str:
    if metric in ("csat", "retention"):
        return fmt.pct(v, decimals=1)
    if metric == "ces":
        return fmt.number(v, decimals=2)
    if metric in ("nps", "complaint_rate"):
        return fmt.number(v, decimals=1)
    if metric == "new_customers":
        return fmt.count(round(v)) if fmt.is_number(v) else fmt.missing()
    return fmt.money(v)


def _change(metric: str, v) -> str:
    if not fmt.is_number(v):
        return fmt.missing()
    if metric in ("csat", "retention"):
        return fmt.points(100 * v)
    if metric == "ces":
        return fmt.number(v, decimals=2, signed=True)
    if metric == "new_customers":
        return fmt.number(v, decimals=0, signed=True)
    if metric == "clv":
        return fmt.money(v, signed=True)
    return fmt.number(v, decimals=1, signed=True)


def _yes(v) -> str:
    return _("yes") if bool(v) else _("no")


# ---------------------------------------------------------- KPI targets
def describe_kpi_targets(k: KPITargets) -> str:
    """What the KPI targets table says, in words."""
    t = k.table
    rec = t[t["target"].notna()]
    head = _(
        "Targets for {period} for the customer KPIs, judged like revenue targets: each "
        "KPI's value next period is simulated from its own sampling noise (the answers or "
        "customers it is measured on) and its trend over the last eight periods, up to "
        "{base}. The proposed target is the level reached with a chance of {p}."
    ).format(
        period=fmt.period(k.period), base=fmt.period(k.base), p=fmt.pct(k.p_propose, decimals=0)
    )
    if rec.empty:
        body = _(
            "No target is recorded yet for these KPIs (add rows with a `metric` column to the "
            "targets table)."
        )
    else:
        bad = rec[~rec["measurable"]]
        body = ngettext(
            "{n} KPI has a recorded target.", "{n} KPIs have a recorded target.", len(rec)
        ).format(n=len(rec))
        if len(bad):
            body += " " + _(
                "Not measurable: {names} -- the change asked for is smaller than the "
                "change the sample can detect, so sampling noise alone would decide it."
            ).format(names=fmt.join([_target_label(m) for m in bad["metric"]]))
    if (t["metric"] == "clv").any():
        body += " " + _(
            "Average CLV is the scorecard's: the customers' values from the CLV models at "
            "the end of {base}. No trend is modelled for it, and its noise is only that of "
            "averaging over these customers (the CLV models' own uncertainty is left out), "
            "so its P(attain) is surer than the data warrant (nearer to 0 or to 100%)."
        ).format(base=fmt.period(k.base))
    tail = _(
        "The minimum detectable change is the smallest change between two periods that a "
        "5% test finds with 80% power; a proposal close to today's level is usually "
        "below it, which is why a target worth setting on a sampled KPI is set over "
        "several periods or on more answers."
    )
    return f"{head} {body} {tail}"


def kpi_targets_table(k: KPITargets) -> pd.DataFrame:
    """One row per KPI: today's level, the trend, the targets with P(attain), SMART."""
    t = k.table
    owner = {}
    if (t["level"] == "rep").any():
        owner = {
            _("For"): [
                n if lvl == "rep" else scope_label(o)
                for lvl, o, n in zip(t["level"], t["owner"], t["owner_name"], strict=True)
            ]
        }
    return pd.DataFrame(
        {
            _("KPI"): [_target_label(m) for m in t["metric"]],
            **owner,
            _("Last period"): [
                _value(m, v) for m, v in zip(t["metric"], t["current"], strict=True)
            ],
            _("Measured on"): t["n"].map(fmt.count),
            _("Trend per period"): [  # average CLV: no trend is modelled
                fmt.missing() if m == "clv" else _change(m, v)
                for m, v in zip(t["metric"], t["slope"], strict=True)
            ],
            _("Recorded target"): [
                _value(m, v) for m, v in zip(t["metric"], t["target"], strict=True)
            ],
            _("P(attain)"): t["p_attain"].map(lambda v: fmt.pct(v, decimals=0)),
            _("Proposed target"): [
                _value(m, v) for m, v in zip(t["metric"], t["proposed"], strict=True)
            ],
            _("Minimum detectable change"): [
                _change(m, v).lstrip("+") for m, v in zip(t["metric"], t["mde"], strict=True)
            ],
            _("Measurable"): t["measurable"].map(_yes),
            _("SMART"): t["smart"].map(_yes),
        }
    )


# ----------------------------------------------------------- evaluation
def describe_evaluation(e: Evaluation) -> str:
    """Which KPIs changed beyond noise over the last periods."""
    s = e.summary
    head = _(
        "Each KPI over the last {n} periods up to {period} on a control chart: a period "
        "beyond the limits (3 standard errors of its own measurement), or eight in a row "
        "on one side of the centre line, is a real change; anything else is noise. A "
        "change-point test asks whether two levels describe the series better than one."
    ).format(n=int(s["periods"].max()) if len(s) else 0, period=fmt.period(e.last))
    real = s[(s["change_period"] != "")]
    if real.empty:
        body = _("No KPI shifted its level beyond what noise explains.")
    else:
        parts = [
            _("{kpi} from {before} to {after} from {period} (p = {p})").format(
                kpi=metric_label(r.metric),
                before=_value(r.metric, r.change_before)
                if r.metric != "revenue"
                else fmt.pct(r.change_before, decimals=0),
                after=_value(r.metric, r.change_after)
                if r.metric != "revenue"
                else fmt.pct(r.change_after, decimals=0),
                period=fmt.period(r.change_period),
                p=fmt.number(r.change_p, decimals=3),
            )
            for r in real.itertuples()
        ]
        body = _("Real changes of level: {list}.").format(list=fmt.join(parts))
    return f"{head} {body}"


def evaluation_table(e: Evaluation) -> pd.DataFrame:
    """One row per KPI: chart, latest value, signals, change point, targets met."""
    s = e.summary
    return pd.DataFrame(
        {
            _("KPI"): [metric_label(m) for m in s["metric"]],
            _("Chart"): [_(_CHARTS.get(c, c)) for c in s["chart"]],
            _("Latest"): [_value(m, v) for m, v in zip(s["metric"], s["last"], strict=True)],
            _("Periods signalling"): s["signals"].map(fmt.count),
            _("Level changed from"): [
                fmt.period(p) if p else _("no change") for p in s["change_period"]
            ],
            _("Targets met"): [
                _("{k} of {n}").format(k=a, n=n) if n else _("no targets")
                for a, n in zip(s["attained"], s["targets"], strict=True)
            ],
        }
    )


def describe_adjustments(e: Evaluation) -> str:
    """Did last period's target adjustments work, in words."""
    a = e.adjustments
    if a.empty:
        return _("No target was changed for {period}, so there is no adjustment to judge.").format(
            period=fmt.period(e.last)
        )
    out = []
    for r in a.itertuples():
        if r.metric == "revenue":
            out.append(
                _(
                    "The revenue target for {period} was changed from {old} to {new}; revenue "
                    "then went from {before} to {after}, attainment from {att0} to {att1} "
                    "({real}), and the new target was {met}."
                ).format(
                    period=fmt.period(r.period),
                    old=fmt.money(r.old_target),
                    new=fmt.money(r.new_target),
                    before=fmt.money(r.before),
                    after=fmt.money(r.after),
                    att0=fmt.pct(r.before_charted, decimals=0),
                    att1=fmt.pct(r.after_charted, decimals=0),
                    real=_("a real change") if r.real else _("within noise"),
                    met=_("met") if r.met else _("missed"),
                )
            )
            continue
        out.append(
            _(
                "The {kpi} target for {period} was changed from {old} to {new}; the KPI then "
                "went from {before} to {after} ({real}) and the new target was {met}."
            ).format(
                kpi=metric_label(r.metric),
                period=fmt.period(r.period),
                old=_value(r.metric, r.old_target),
                new=_value(r.metric, r.new_target),
                before=_value(r.metric, r.before),
                after=_value(r.metric, r.after),
                real=_("a real change") if r.real else _("within noise"),
                met=_("met") if r.met else _("missed"),
            )
        )
    return " ".join(out)


def adjustments_table(e: Evaluation) -> pd.DataFrame | None:
    a = e.adjustments
    if a.empty:
        return None
    return pd.DataFrame(
        {
            _("KPI"): [metric_label(m) for m in a["metric"]],
            _("Old target"): [
                _value(m, v) for m, v in zip(a["metric"], a["old_target"], strict=True)
            ],
            _("New target"): [
                _value(m, v) for m, v in zip(a["metric"], a["new_target"], strict=True)
            ],
            _("Before"): [_value(m, v) for m, v in zip(a["metric"], a["before"], strict=True)],
            _("After"): [_value(m, v) for m, v in zip(a["metric"], a["after"], strict=True)],
            _("Real change"): a["real"].map(_yes),
            _("Met"): a["met"].map(_yes),
        }
    )


# ----------------------------------------------------------- assessment
def describe_assessment(a: Assessment) -> str:
    """The method and what the ranking says, in words."""
    t = a.table
    w = a.weights
    total = sum(w.values()) or 1.0
    weights = fmt.join(
        [
            _("{kpi} {w}").format(kpi=metric_label(k), w=fmt.pct(v / total, decimals=0))
            for k, v in w.items()
            if v > 0
        ]
    )
    head = _(
        "Each rep in {period}: revenue attainment, and the NPS, retention, complaint rate "
        "and CLV change of the rep's customers, each adjusted for the customers the rep "
        "holds (segment, size, tenure) by indirect standardisation: the rep's result "
        "against what the company's own rates give on the same customers. Every part is "
        "in points above or below that expectation; the score weighs them {weights} (set "
        "in `salesmeasure.toml`)."
    ).format(period=fmt.period(a.period), weights=weights)
    up = t[t["score_flag"] == "above"]
    down = t[t["score_flag"] == "below"]
    names = lambda d: fmt.join(list(d["name"].astype(str)))  # noqa: E731
    if up.empty and down.empty:
        body = _("No rep's score differs from the company beyond what chance explains.")
    else:
        body = ""
        if len(up):
            body += ngettext(
                "Above the company beyond chance: {names}.",
                "Above the company beyond chance ({n} reps): {names}.",
                len(up),
            ).format(n=len(up), names=names(up))
        if len(down):
            body += " " + ngettext(
                "Below the company beyond chance: {names}.",
                "Below the company beyond chance ({n} reps): {names}.",
                len(down),
            ).format(n=len(down), names=names(down))
    tail = _(
        "Ranks carry a 95% interval: reps whose intervals overlap are not told apart by the data."
    )
    return f"{head} {body.strip()} {tail}"


def describe_assessment_brief(a: Assessment) -> str:
    """The executive summary's sentence: who differs from the company beyond chance."""
    t = a.table
    up = t[t["score_flag"] == "above"]
    down = t[t["score_flag"] == "below"]
    head = _(
        "Reps in {period}, each judged on revenue and on the satisfaction, retention, "
        "complaints and value of their customers, adjusted for the customers they hold."
    ).format(period=fmt.period(a.period))
    if up.empty and down.empty:
        body = _("No rep's score differs from the company beyond what chance explains.")
    else:
        body = _("Beyond chance, {up} above the company and {down} below.").format(
            up=ngettext("{n} rep is", "{n} reps are", len(up)).format(n=len(up)),
            down=ngettext("{n} rep", "{n} reps", len(down)).format(n=len(down)),
        )
    return f"{head} {body} " + _("The target report has the detail.")


def _adj(t, comp: str) -> list[str]:
    out = []
    for v, flag in zip(t[f"{comp}_points"], t[f"{comp}_flag"], strict=True):
        if not fmt.is_number(v):
            out.append(fmt.missing())
            continue
        s = fmt.number(v, decimals=1, signed=True)
        out.append(s + ("" if flag in ("par", "") else " " + ("▲" if flag == "above" else "▼")))
    return out


def _interval(lo, hi, decimals=0) -> str:
    if not (fmt.is_number(lo) and fmt.is_number(hi)):
        return fmt.missing()
    return _("{low} to {high}").format(
        low=fmt.number(lo, decimals=decimals), high=fmt.number(hi, decimals=decimals)
    )


def assessment_table(a: Assessment) -> pd.DataFrame:
    """One row per rep: attainment, the adjusted parts in points (▲/▼ where the interval
    excludes the company), the score with its interval, the rank with its interval."""
    t = a.table
    return pd.DataFrame(
        {
            _("Rep"): t["name"].astype(str).to_numpy(),
            _("Region"): t["region"].to_numpy(),
            _("Attainment"): t["revenue_attainment"]
            .map(lambda v: fmt.pct(v, decimals=0))
            .to_numpy(),
            _("NPS, pts vs expected"): _adj(t, "nps"),
            _("Retention, pts vs expected"): _adj(t, "retention"),
            _("Complaints, pts fewer than expected"): _adj(t, "complaint_rate"),
            _("CLV change, pts vs expected"): _adj(t, "clv"),
            _("Score"): t["score"].map(lambda v: fmt.number(v, decimals=1, signed=True)).to_numpy(),
            _("Score, 95% interval"): [
                _interval(lo, hi, 1) for lo, hi in zip(t["score_low"], t["score_high"], strict=True)
            ],
            _("Rank"): t["rank"]
            .map(lambda v: fmt.count(v) if fmt.is_number(v) else fmt.missing())
            .to_numpy(),
            _("Rank, 95% interval"): [
                _interval(lo, hi) for lo, hi in zip(t["rank_low"], t["rank_high"], strict=True)
            ],
            _("Verdict"): [_(_FLAGS[f]) for f in t["score_flag"]],
        }
    )


def assessment_summary_table(a: Assessment) -> pd.DataFrame:
    """The executive summary's view: every rep's score, rank interval and verdict."""
    t = a.table
    return pd.DataFrame(
        {
            _("Rep"): t["name"].astype(str).to_numpy(),
            _("Region"): t["region"].to_numpy(),
            _("Attainment"): t["revenue_attainment"]
            .map(lambda v: fmt.pct(v, decimals=0))
            .to_numpy(),
            _("Score"): t["score"].map(lambda v: fmt.number(v, decimals=1, signed=True)).to_numpy(),
            _("Rank, 95% interval"): [
                _interval(lo, hi) for lo, hi in zip(t["rank_low"], t["rank_high"], strict=True)
            ],
            _("Verdict"): [_(_FLAGS[f]) for f in t["score_flag"]],
        }
    )


# ----------------------------------------------------------- incentives
def describe_incentives(s: IncentiveSimulation) -> str:
    """The plan, what it is expected to cost, and whether it rewards the targets."""
    p = s.plan
    acc = fmt.join(
        [
            _("{rate} above {above}").format(
                rate=fmt.pct(r, decimals=1), above=fmt.pct(a, decimals=0)
            )
            for a, r in p.accelerators
        ]
    )
    plan = _(
        "The commission plan{source}: {rate} of revenue from {threshold} of target, "
        "{acc}, nothing more above {cap}."
    ).format(
        source=_(" (from `salesmeasure.toml`)")
        if p.configured
        else _(" (the default; set yours under `[incentives]` in `salesmeasure.toml`)"),
        rate=fmt.pct(p.rate, decimals=1),
        threshold=fmt.pct(p.threshold, decimals=0),
        acc=acc or _("no accelerator"),
        cap=fmt.pct(p.cap, decimals=0),
    )
    cost = _(
        "Paid on every rep's simulated revenue against the targets for {period}, it is "
        "expected to cost {total} in all (80% range {low} to {high}), {cos} of revenue; "
        "{share} of reps are expected to reach the accelerator."
    ).format(
        period=fmt.period(s.period),
        total=fmt.money(s.expected_total),
        low=fmt.money(s.total_low),
        high=fmt.money(s.total_high),
        cos=fmt.pct(s.cost_of_sales, decimals=1),
        share=fmt.pct(s.share_accelerator, decimals=0),
    )
    if math.isfinite(p.budget):
        cost += " " + _("The chance that it costs more than the budget of {budget} is {p}.").format(
            budget=fmt.money(p.budget), p=fmt.pct(s.p_over_budget, decimals=0)
        )
    else:
        cost += " " + _(
            "No budget is set (`budget` under `[incentives]`), so no overrun chance is shown."
        )
    if s.rewards_target:
        verdict = _(
            "The plan rewards the targets it sets: each unit of revenue earns more from 100% "
            "of target on, so reaching the target is worth more than getting close to it."
        )
    else:
        verdict = _(
            "The plan does not reward the targets it sets: revenue earns no more at 100% of "
            "target than just below it, so the target itself carries no weight in pay."
        )
    return f"{plan} {cost} {verdict}"


def incentives_table(s: IncentiveSimulation) -> pd.DataFrame:
    """One row per rep: target, expected revenue, chances, expected payout and its range."""
    t = s.table
    return pd.DataFrame(
        {
            _("Rep"): (t["name"] if "name" in t.columns else pd.Series(t.index, index=t.index))
            .astype(str)
            .to_numpy(),
            _("Region"): t["region"].to_numpy(),
            _("Target"): t["target"].map(fmt.money).to_numpy(),
            _("Expected revenue"): t["expected_revenue"].map(fmt.money).to_numpy(),
            _("P(attain)"): t["p_attain"].map(lambda v: fmt.pct(v, decimals=0)).to_numpy(),
            _("Expected payout"): t["expected_payout"].map(fmt.money).to_numpy(),
            _("Payout, 80% range"): [
                _("{low} to {high}").format(low=fmt.money(lo), high=fmt.money(hi))
                for lo, hi in zip(t["payout_low"], t["payout_high"], strict=True)
            ],
            _("Payout at target"): t["payout_at_target"].map(fmt.money).to_numpy(),
        }
    )
