"""The survey report's sentences and tables on the scores: scope line, score summary and its
change, item ratings, reliability, key drivers, regions compared."""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.absent import absent_sentence
from salesmeasure.i18n import _
from salesmeasure.stats import MIN_N, Estimate
from salesmeasure.survey.breakdown import by_group
from salesmeasure.survey.build import Regions, Reliability, Scores, SurveyReport
from salesmeasure.survey.compare import Comparison
from salesmeasure.survey.drivers import KeyDrivers
from salesmeasure.survey.scores import is_suppressed
from salesmeasure.survey.text.common import (
    _alpha_text,
    _cap,
    _change,
    _range,
    _shown,
    _too_few,
    _untested,
    _value,
    metric_name,
)

__all__ = [
    "describe_scope",
    "scores_table",
    "describe_scores",
    "describe_likert",
    "reliability_table",
    "describe_reliability",
    "drivers_table",
    "describe_drivers",
    "describe_groups",
    "groups_table",
]


# --------------------------------------------------------------------------- scope


def describe_scope(r: SurveyReport) -> str:
    """The line under the report title: scope, data date and response counts (or, with
    no surveys table in the data, that it is absent and what it would add)."""
    if "surveys" in getattr(r, "absent", ()):
        return _("**{title}** · data up to {as_of} · {absent}").format(
            title=r.title, as_of=fmt.date(r.as_of), absent=absent_sentence("surveys")
        )
    return _(
        "**{title}** · data up to {as_of} · {n} survey responses in {period}, "
        "{n_previous} in {previous}"
    ).format(
        title=r.title,
        as_of=fmt.date(r.as_of),
        n=fmt.count(r.n_responses),
        period=fmt.period(r.period),
        n_previous=fmt.count(r.n_previous),
        previous=fmt.period(r.previous),
    )


# --------------------------------------------------------------------------- scores


def scores_table(head, change: Comparison | None = None) -> pd.DataFrame:
    """Reader-ready table of :func:`~salesmeasure.survey.breakdown.score_summary` (and, when
    given, the period change from :func:`~salesmeasure.survey.compare.compare_periods`).

    A measure shown as "too few responses" this period has its change shown the same way
    and is not tested. ``head`` may be a :class:`~salesmeasure.survey.build.Scores`."""
    if isinstance(head, Scores):
        head, change = head.head, head.change
    untested = _untested(head, change) if change is not None else None
    rows = []
    for m, r in head.iterrows():
        m = str(m)
        row = {
            _("Measure"): metric_name(m),
            _("This period"): _shown(r, m),
            _("Responses"): fmt.count(r["n"]),
        }
        if change is not None and m in change.index:
            c = change.loc[m]
            if bool(untested[m]):
                row[_("Previous period")] = (
                    _too_few() if int(c["n_b"]) < MIN_N else _value(m, c["value_b"])
                )
                row[_("Change")] = _too_few()
                row[_("Significant?")] = _("not tested")
            else:
                row[_("Previous period")] = _value(m, c["value_b"])
                row[_("Change")] = _change(m, c["difference"])
                row[_("Significant?")] = (
                    _("yes ({p})").format(p=fmt.pvalue(c["p_adjusted"]))
                    if c["significant"]
                    else _("no ({p})").format(p=fmt.pvalue(c["p_adjusted"]))
                )
        rows.append(row)
    return pd.DataFrame(rows).set_index(_("Measure"))


def _conf(head: pd.DataFrame) -> float:
    if "confidence" in head.columns and len(head):
        return float(head["confidence"].iloc[0])
    return 0.95


def describe_scores(
    head,
    change: Comparison | None = None,
    *,
    period: str = "",
    previous: str = "",
    shares: pd.Series | None = None,
) -> str:
    """A short paragraph on the scores and what changed significantly;
    ``shares`` (from :func:`~salesmeasure.survey.scores.nps_shares`) adds the
    promoter/detractor split of NPS. Nothing is said about the change of a measure that
    is itself shown as too few responses. ``head`` may be a
    :class:`~salesmeasure.survey.build.Scores` (then nothing else is needed)."""
    if isinstance(head, Scores):
        h = head
        head, change, period, previous, shares = h.head, h.change, h.period, h.previous, h.shares
    period_name, previous_name = fmt.period(period), fmt.period(previous)
    shown = head[~head["suppressed"].astype(bool)]
    if shown.empty:
        return _(
            "Too few responses in {period} to report NPS, CSAT or CES "
            "({n} at most, {needed} needed)."
        ).format(
            period=period_name,
            n=fmt.count(head["n"].max() if len(head) else 0),
            needed=fmt.count(MIN_N),
        )
    parts = []
    for m, r in shown.iterrows():
        m = str(m)
        if m == "nps" and shares is not None:
            parts.append(
                _("{measure} {value} = {promoters} promoters minus {detractors} detractors").format(
                    measure=metric_name(m),
                    value=_shown(r, m),
                    promoters=fmt.pct(shares["promoter"], decimals=0),
                    detractors=fmt.pct(shares["detractor"], decimals=0),
                )
            )
        else:
            parts.append(_("{measure} {value}").format(measure=metric_name(m), value=_shown(r, m)))
    text = _("In {period}: {measures} (intervals at {confidence} confidence).").format(
        period=period_name,
        measures=fmt.join(parts, kind="clauses"),
        confidence=fmt.pct(_conf(head), decimals=0),
    )
    hidden = head.index[head["suppressed"].astype(bool)].tolist()
    if hidden:
        text += " " + _("{measures}: {too_few}.").format(
            measures=fmt.join(metric_name(str(m)) for m in hidden), too_few=_too_few()
        )
    if change is None:
        return text
    untested = _untested(head, change)
    if untested.all():
        return (
            text
            + " "
            + _("Too few responses to compare with {previous}.").format(previous=previous_name)
        )
    sig = change[change["significant"].astype(bool) & ~untested]
    flat = [metric_name(str(m)) for m in change.index[~untested] if m not in sig.index]
    if len(sig):
        moves = []
        for m, c in sig.iterrows():
            m = str(m)
            words = (
                _("{measure} rose {change} from {before}")
                if c["difference"] > 0
                else _("{measure} fell {change} from {before}")
            )
            moves.append(
                words.format(
                    measure=metric_name(m),
                    change=_change(m, abs(c["difference"]), signed=False),
                    before=_value(m, c["value_b"]),
                )
            )
        text += " " + _(
            "Compared with {previous}, {moves} -- a significant change after Holm correction."
        ).format(previous=previous_name, moves=fmt.join(moves, kind="clauses"))
        if flat:
            text += " " + _("{measures}: no significant change.").format(measures=fmt.join(flat))
    else:
        text += " " + _(
            "None of the differences from {previous} is statistically significant, "
            "so no change is claimed."
        ).format(previous=previous_name)
    if untested.any():
        names = fmt.join(metric_name(str(m)) for m in change.index[untested])
        text += " " + _("{measures}: not compared ({too_few} in one of the periods).").format(
            measures=names, too_few=_too_few()
        )
    return text


# --------------------------------------------------------------------------- items


def describe_likert(dist: pd.DataFrame) -> str:
    """Which area customers rate best and worst (top-2-box and bottom-2-box shares)."""
    levels = [c for c in dist.columns if isinstance(c, int | np.integer)]
    if dist.empty or int(dist["n"].min()) < MIN_N:
        n = int(dist["n"].min()) if len(dist) else 0
        return _("Item ratings: {too_few} ({n} answers).").format(
            too_few=_too_few(), n=fmt.count(n)
        )
    top = dist[levels[-2:]].sum(axis=1)
    bottom = dist[levels[:2]].sum(axis=1)
    best, worst = top.idxmax(), top.idxmin()
    return _(
        "{best} is rated best: {best_top} good or very good ({best_bottom} poor or very "
        "poor). {worst} is rated lowest: {worst_top} good or very good, {worst_bottom} poor "
        "or very poor."
    ).format(
        best=_cap(metric_name(best)),
        best_top=fmt.pct(top[best], decimals=0),
        best_bottom=fmt.pct(bottom[best], decimals=0),
        worst=_cap(metric_name(worst)),
        worst_top=fmt.pct(top[worst], decimals=0),
        worst_bottom=fmt.pct(bottom[worst], decimals=0),
    )


def reliability_table(listwise, pairwise: Estimate | None = None) -> pd.DataFrame:
    """Both alpha estimates side by side, formatted (or one
    :class:`~salesmeasure.survey.build.Reliability`)."""
    if isinstance(listwise, Reliability):
        listwise, pairwise = listwise.listwise, listwise.pairwise
    rows = []
    for name, e in [
        (_("listwise (complete answers only)"), listwise),
        (_("pairwise (all answers)"), pairwise),
    ]:
        rows.append(
            {
                _("Missing answers handled"): name,
                _("Cronbach's alpha"): _too_few() if is_suppressed(e, "alpha") else _alpha_text(e),
                _("Respondents"): fmt.count(e.n),
            }
        )
    return pd.DataFrame(rows).set_index(_("Missing answers handled"))


def describe_reliability(alpha) -> str:
    """Alpha against the customary 0.70 threshold for group comparisons (``alpha`` an
    Estimate, or a :class:`~salesmeasure.survey.build.Reliability`: its pairwise alpha).

    References
    ----------
    Nunnally, J. C. (1978). Psychometric Theory (2nd ed.). McGraw-Hill.
    """
    if isinstance(alpha, Reliability):
        alpha = alpha.pairwise
    if is_suppressed(alpha, "alpha"):
        if alpha.n >= MIN_N:
            return _(
                "Scale reliability: {too_few} ({n} respondents answered all items; "
                "the interval is too wide to read)."
            ).format(too_few=_too_few(), n=fmt.count(alpha.n))
        return _("Scale reliability: {too_few}.").format(too_few=_too_few())
    if alpha.ci_low >= 0.7:
        verdict = _(
            "The items are consistent enough to be read together as one satisfaction scale."
        )
    elif alpha.value >= 0.7:
        verdict = _("That is above the customary 0.70, but the interval reaches below it.")
    else:
        verdict = _(
            "That is below the customary 0.70: the three items measure different things, "
            "so read them one by one rather than adding them up."
        )
    return _("Cronbach's alpha of the three items is {alpha} ({n} respondents). {verdict}").format(
        alpha=_alpha_text(alpha), n=fmt.count(alpha.n), verdict=verdict
    )


# --------------------------------------------------------------------------- drivers


def drivers_table(kd: KeyDrivers) -> pd.DataFrame:
    """Key-driver results formatted for managers."""
    t = kd.table.sort_values("weight", ascending=False)
    r2 = kd.r_squared.value

    def share(w, lo, hi) -> str:
        return f"{fmt.pct(w / r2, decimals=0)} ({_range(fmt.pct(lo / r2, decimals=0), fmt.pct(hi / r2, decimals=0))})"

    return pd.DataFrame(
        {
            _("Importance (share of explained variance)"): [
                share(w, lo, hi)
                for w, lo, hi in zip(t["weight"], t["ci_low"], t["ci_high"], strict=True)
            ],
            _("Chance it is the top driver"): [fmt.pct(p, decimals=0) for p in t["p_top"]],
            _("Standardized beta"): [fmt.number(b, decimals=2) for b in t["beta"]],
            _("Mean score (1-5)"): [fmt.number(m, decimals=2) for m in t["mean"]],
            _("Quadrant"): [_(q) for q in t["quadrant"]],
        },
        index=pd.Index([_cap(metric_name(d)) for d in t.index], name=_("Driver")),
    )


def describe_drivers(kd: KeyDrivers) -> str:
    """Which driver matters most, how sure we are, and where to act."""
    t = kd.table.sort_values("weight", ascending=False)
    top = t.index[0]
    r2 = kd.r_squared
    p_top = t.loc[top, "p_top"]
    sure = (
        _("clearly the strongest driver")
        if p_top >= 0.95
        else _("most likely the strongest driver")
        if p_top >= 0.7
        else _("ahead, but not clearly")
    )
    focus = t.index[t["quadrant"] == "concentrate here"].tolist()
    act = (
        _(
            "Concentrate on {drivers}: it matters more than average and scores below average."
        ).format(drivers=fmt.join((metric_name(f) for f in focus), kind="and"))
        if focus
        else _("No driver is both above-average in importance and below-average in score.")
    )
    return _(
        "The three items explain {r2} of the variation in {outcome} ({r2_range}; {n} "
        "complete responses). {top} is {sure} ({share} of the explained variance; top in "
        "{p_top} of bootstrap samples). {act}"
    ).format(
        r2=fmt.pct(r2.value, decimals=0),
        outcome=metric_name(kd.outcome),
        r2_range=_range(fmt.pct(r2.ci_low, decimals=0), fmt.pct(r2.ci_high, decimals=0)),
        n=fmt.count(kd.n),
        top=_cap(metric_name(top)),
        sure=sure,
        share=fmt.pct(t.loc[top, "share"], decimals=0),
        p_top=fmt.pct(p_top, decimals=0),
        act=act,
    ) + (" " + scope if (scope := drivers_scope(kd)) else "")


# --------------------------------------------------------------------------- groups


def _hidden_groups(groups: pd.DataFrame) -> set:
    return set(groups.index[groups["suppressed"].astype(bool)])


def describe_groups(groups, comparison: Comparison | None = None, metric: str = "nps") -> str:
    """Which groups (e.g. regions) differ significantly from the rest on ``metric``.

    A group shown as too few responses is not named as different either. ``groups`` may
    be a :class:`~salesmeasure.survey.build.Regions` (NPS by region)."""
    if isinstance(groups, Regions):
        groups, comparison, metric = groups.nps, groups.comparison, "nps"
    shown = groups[~groups["suppressed"].astype(bool)]
    text = ""
    if len(shown):
        hi, lo = shown["value"].idxmax(), shown["value"].idxmin()
        text = (
            _("{measure} ranges from {low} ({low_group}) to {high} ({high_group}).").format(
                measure=metric_name(metric),
                low=_value(metric, shown.loc[lo, "value"]),
                low_group=lo,
                high=_value(metric, shown.loc[hi, "value"]),
                high_group=hi,
            )
            + " "
        )
    hidden = groups.index[groups["suppressed"].astype(bool)].tolist()
    if hidden:
        text += (
            _("{groups}: {too_few}.").format(groups=fmt.join(map(str, hidden)), too_few=_too_few())
            + " "
        )
    sig = comparison[comparison["significant"].astype(bool)]
    hide = _hidden_groups(groups)
    sig = sig[~(sig["group"].isin(hide) & (sig["metric"] == metric))]
    if len(sig):
        text += _("Significantly different from the rest after Holm correction: {list}.").format(
            list=fmt.join(
                (
                    _("{group} {measure} {direction} ({change})").format(
                        group=r["group"],
                        measure=metric_name(str(r["metric"])),
                        direction=_(r["direction"]),
                        change=_change(str(r["metric"]), r["difference"]),
                    )
                    for _i, r in sig.iterrows()
                ),
                kind="clauses",
            )
        )
    else:
        text += _(
            "No group differs significantly from the rest after Holm correction: "
            "the spread is within what sampling alone produces."
        )
    return text


def groups_table(
    df,
    by: str = "region",
    comparison: Comparison | None = None,
    *,
    metrics=("nps", "csat", "ces"),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Group x metric table of display values, a marker on significant differences (never
    on a value shown as too few responses). ``df`` may be a
    :class:`~salesmeasure.survey.build.Regions`."""
    if isinstance(df, Regions):
        df, comparison, confidence = df.responses, df.comparison, df.confidence
    out = {}
    idx = None
    for m in metrics:
        g = by_group(df, m, by, confidence=confidence)
        idx = g.index if idx is None else idx
        c = comparison[comparison["metric"] == m].set_index("group")
        col = []
        for grp, r in g.iterrows():
            txt = _shown(r, m)
            if not bool(r["suppressed"]) and grp in c.index and bool(c.loc[grp, "significant"]):
                txt += " ▲" if c.loc[grp, "difference"] > 0 else " ▼"
            col.append(txt)
        out[metric_name(m)] = col
        out.setdefault(_("Responses"), [fmt.count(n) for n in g["n"]])
    by_word = {"region": _("Region"), "segment": _("Segment")}.get(by, by.replace("_", " "))
    return pd.DataFrame(out, index=pd.Index(list(idx), name=by_word))


def drivers_scope(kd: KeyDrivers) -> str:
    """In a region's report, the rule in one sentence (whose importances, whose scores)
    and the region-only model as a named second opinion; ``""`` in the company's."""
    if kd.region == "all":
        return ""
    from salesmeasure import format as fmt
    from salesmeasure.survey.text.common import _cap, metric_name

    text = _(
        "Importance is the company's, fitted once on the {n} complete answers of every "
        "region, so this report and the all-regions report show the same weights; the mean "
        "scores and the quadrants are {region}'s own ({n_region} complete answers), against "
        "the company's average score."
    ).format(n=fmt.count(kd.n), region=kd.region, n_region=fmt.count(kd.n_region or 0))
    own = kd.second_opinion
    if own is None:
        return (
            text
            + " "
            + _("{region} alone has too few complete answers for a model of its own.").format(
                region=kd.region
            )
        )
    t = own.table.sort_values("weight", ascending=False)
    top = t.index[0]
    return (
        text
        + " "
        + _(
            "Second opinion, fitted on {region} alone: {top} leads with {share} of the explained "
            "variance, and the three items explain {r2} of the variation."
        ).format(
            region=kd.region,
            top=_cap(metric_name(top)),
            share=fmt.pct(t.loc[top, "share"], decimals=0),
            r2=fmt.pct(own.r_squared.value, decimals=0),
        )
    )
