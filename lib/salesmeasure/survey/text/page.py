"""The survey report's page for a manager (issue 19): three takeaways, responses per
period, the detractors to follow up, the area to fix first, and glossary links on every
method name the generated text uses before "How these numbers are made"."""

from __future__ import annotations

import functools
import re

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure import glossary
from salesmeasure.errors import Missing
from salesmeasure.i18n import _, ngettext
from salesmeasure.stats import MIN_N
from salesmeasure.survey.build import SurveyReport
from salesmeasure.survey.drivers import KeyDrivers
from salesmeasure.survey.page import FollowUp, Priority, driver_priority
from salesmeasure.survey.text.comments import quoted, shorten
from salesmeasure.survey.text.common import _cap, _change, _range, _untested, _value, metric_name

__all__ = [
    "FOLLOW_UP_ANCHOR",
    "DRIVERS_ANCHOR",
    "FOLLOW_UP_SHOWN",
    "describe_detractors",
    "describe_history",
    "describe_priority",
    "detractors_table",
    "history_table",
    "linked",
    "link_terms",
    "priority_table",
    "takeaways",
    "takeaways_with",
]

#: Anchors of the page's lists (the executive summary's actions link to them).
FOLLOW_UP_ANCHOR = "detractor-follow-up"
DRIVERS_ANCHOR = "drivers"
#: Detractors the follow-up table lists (most valuable first).
FOLLOW_UP_SHOWN = 25

_LINK_OR_TAG = re.compile(r"(\[[^\]]*\]\([^)]*\)|<q>.*?</q>|<[^>]+>)", re.S)


def link_terms(text: str, report: str = "survey") -> str:
    """``text`` with every mention of a method of ``report``'s glossary (its terms'
    patterns) linked to the term's entry; existing links, HTML tags and quoted customer
    text are left alone."""
    if not isinstance(text, str):
        return text
    terms = [t for t in glossary.terms_for(report) if t.patterns]
    if not terms:
        return text
    parts = _LINK_OR_TAG.split(text)
    for i in range(0, len(parts), 2):  # the text between links and tags
        piece = parts[i]
        for t in terms:
            rx = re.compile("|".join(f"(?:{p})" for p in t.patterns))
            pieces = _LINK_OR_TAG.split(piece)
            for j in range(0, len(pieces), 2):
                pieces[j] = rx.sub(lambda m, k=t.key: glossary.link(k, m.group(0)), pieces[j])
            piece = "".join(pieces)
        parts[i] = piece
    return "".join(parts)


def linked(render):
    """A renderer for :func:`salesmeasure.report.show` whose text output has its method
    names linked to the survey glossary (tables and charts pass through)."""

    @functools.wraps(render)
    def wrapper(result, *a, **k):
        out = render(result, *a, **k)
        return link_terms(out) if isinstance(out, str) else out

    return wrapper


# --------------------------------------------------------------------------- takeaways


def _nps_takeaway(r: SurveyReport) -> str:
    s = r.scores
    if isinstance(s, Missing):
        return _("**NPS**: {reason}").format(reason=s.reason)
    h = s.head.loc["nps"]
    period = fmt.period(s.period)
    if bool(h["suppressed"]):
        return _(
            "**NPS**: too few answers in {period} to report it ({n}, {needed} needed)."
        ).format(period=period, n=fmt.count(h["n"]), needed=fmt.count(MIN_N))
    text = _(
        "**NPS is {value}** in {period} ({low} to {high}): {promoters} promoters minus "
        "{detractors} detractors."
    ).format(
        value=_value("nps", h["value"]),
        period=period,
        low=_value("nps", h["ci_low"]),
        high=_value("nps", h["ci_high"]),
        promoters=fmt.pct(s.shares["promoter"], decimals=0),
        detractors=fmt.pct(s.shares["detractor"], decimals=0),
    )
    change = s.change
    previous = fmt.period(s.previous)
    if "nps" not in change.index or bool(_untested(s.head, change)["nps"]):
        return text + " " + _("Too few answers in {previous} to compare.").format(previous=previous)
    c = change.loc["nps"]
    d = float(c["difference"])
    if abs(d) < 0.5:
        move = _("unchanged from {previous}").format(previous=previous)
    elif d > 0:
        move = _("up {change} on {previous}").format(
            change=_change("nps", abs(d), signed=False), previous=previous
        )
    else:
        move = _("down {change} on {previous}").format(
            change=_change("nps", abs(d), signed=False), previous=previous
        )
    if bool(c["significant"]):
        verdict = _("a real change: larger than chance would produce.")
    else:
        verdict = _("within what chance alone produces, so not a real change yet.")
    return text + " " + _("It is {move}, {verdict}").format(move=move, verdict=verdict)


def _area_takeaway(r: SurveyReport) -> str:
    dist = r.ratings
    if isinstance(dist, Missing) or dist.empty or int(dist["n"].min()) < MIN_N:
        return _("**Rated areas**: too few answers in the period to name the weakest area.")
    levels = [c for c in dist.columns if isinstance(c, int)]
    top = dist[levels[-2:]].sum(axis=1)
    bottom = dist[levels[:2]].sum(axis=1)
    worst = str(top.idxmin())
    text = _(
        "**{area} is the weakest area**: {good} of customers rate it good or very good, "
        "{poor} poor or very poor."
    ).format(
        area=_cap(metric_name(worst)),
        good=fmt.pct(top[worst], decimals=0),
        poor=fmt.pct(bottom[worst], decimals=0),
    )
    if isinstance(r.drivers, KeyDrivers):
        text += " " + _priority_words(driver_priority(r.drivers), worst)
    return text


def _priority_words(p: Priority, worst: str | None = None) -> str:
    if p.reason == "overlap":
        return _(
            "The three areas matter about equally for NPS (their importances overlap), so "
            "there is no clear priority among them."
        )
    if p.reason == "well rated":
        return _(
            "The areas that matter most for NPS are rated above average: no area is a clear "
            "priority to fix."
        )
    if worst is not None and p.driver == worst:
        return _("It is also one of the areas that matter most for NPS: fix it first.")
    return _("Of the areas that matter most for NPS, {area} is rated lowest: fix it first.").format(
        area=metric_name(p.driver)
    )


def _follow_up_takeaway(fu: FollowUp | Missing) -> str:
    if isinstance(fu, Missing):
        return _("**Detractors to call back**: {reason}").format(reason=fu.reason)
    period = fmt.period(fu.period)
    if fu.n == 0:
        return _("**No detractor to call back**: no customer scored 0 to 6 in {period}.").format(
            period=period
        )
    t = fu.table
    text = ngettext(
        "**Call back {n} detractor** of {period}, most valuable first",
        "**Call back {n} detractors** of {period}, most valuable first",
        fu.n,
    ).format(n=fmt.count(fu.n), period=period)
    first = t.iloc[0]
    if fu.value_missing is None and fmt.is_number(first["value"]):
        who = first["name"]
        if first["rep"]:
            who = _("{customer} (rep {rep})").format(customer=who, rep=first["rep"])
        text += _(": {customer}, worth {value} in expected value, tops the list.").format(
            customer=who, value=fmt.money(first["value"])
        )
    else:
        text += "."
    if fu.complaints_absent:
        text += " " + _("Open complaints are unknown: the data has no complaints table.")
    else:
        k = int((t["open_complaints"].fillna(0) > 0).sum())
        text += " " + ngettext(
            "{k} of them has a complaint still open.",
            "{k} of them have a complaint still open.",
            k,
        ).format(k=fmt.count(k))
    return text + " " + _("[See the list](#{anchor}).").format(anchor=FOLLOW_UP_ANCHOR)


def takeaways(r: SurveyReport, fu: FollowUp | Missing) -> str:
    """Three numbered takeaways: NPS and whether its change is real, the weakest area
    (and the priority among the drivers), the detractors to call back."""
    items = [_nps_takeaway(r), _area_takeaway(r), _follow_up_takeaway(fu)]
    return "\n".join(f"{i}. {t}" for i, t in enumerate(items, 1))


# --------------------------------------------------------------------------- responses


def history_table(h: pd.DataFrame) -> pd.DataFrame:
    """:func:`~salesmeasure.survey.page.response_history` formatted for managers."""

    def rate(v, lo, hi) -> str:
        if not fmt.is_number(v):
            return fmt.not_applicable()
        p = {"decimals": 0}
        return f"{fmt.pct(v, **p)} ({_range(fmt.pct(lo, **p), fmt.pct(hi, **p))})"

    return pd.DataFrame(
        {
            _("Responses"): [fmt.count(v) for v in h["responses"]],
            _("Active customers who answered"): [fmt.count(v) for v in h["answered"]],
            _("Active customers"): [fmt.count(v) for v in h["active"]],
            _("Share of active customers who answered"): [
                rate(*x) for x in zip(h["rate"], h["ci_low"], h["ci_high"], strict=True)
            ],
        },
        index=pd.Index([fmt.period(p) for p in h["period"]], name=_("Period")),
    )


def describe_history(h: pd.DataFrame) -> str:
    """What the response rate is measured against, and the latest period's figures."""
    text = _(
        "The data does not record how many surveys were sent, so the response rate is "
        "measured against the active customers: customers who ordered in the period, and "
        "how many of them answered at least once."
    )
    if len(h):
        last = h.iloc[-1]
        if fmt.is_number(last["rate"]):
            text += " " + _(
                "In {period}, {answered} of {active} active customers answered ({rate}); "
                "{responses} responses in all."
            ).format(
                period=fmt.period(last["period"]),
                answered=fmt.count(last["answered"]),
                active=fmt.count(last["active"]),
                rate=fmt.pct(last["rate"], decimals=0),
                responses=fmt.count(last["responses"]),
            )
    return text


# --------------------------------------------------------------------------- follow-up


def describe_detractors(fu: FollowUp, *, limit: int = FOLLOW_UP_SHOWN) -> str:
    """How many detractors, how the list is ordered and what it leaves out."""
    period = fmt.period(fu.period)
    if fu.n == 0:
        return _("No customer answered as a detractor (0 to 6) in {period}.").format(period=period)
    text = ngettext(
        "{n} customer answered as a detractor (0 to 6) in {period}.",
        "{n} customers answered as detractors (0 to 6) in {period}.",
        fu.n,
    ).format(n=fmt.count(fu.n), period=period)
    if fu.value_missing is None:
        text += " " + _(
            "They are listed by what the customer is worth (expected value over the next "
            "year, as in the retention report), highest first, so the calls that protect "
            "the most revenue come first."
        )
    else:
        text += " " + _(
            "Customer values are not available ({reason}), so they are listed by score, "
            "lowest first."
        ).format(reason=fu.value_missing.rstrip("."))
    text += " " + _(
        "Each customer appears once, with their latest answer; open complaints are counted "
        "at {date}."
    ).format(date=fmt.date(fu.at))
    if fu.complaints_absent:
        text += " " + _("The data has no complaints table, so open complaints are unknown.")
    if fu.n > limit:
        text += " " + _("The {limit} most valuable are listed.").format(limit=fmt.count(limit))
    return text


def detractors_table(fu: FollowUp, *, limit: int = FOLLOW_UP_SHOWN):
    """The follow-up list: customer, date, score, comment, open complaints, rep, value
    (a Styler; the comment is escaped customer text)."""
    t = fu.table.head(limit)
    if fu.complaints_absent:
        opened = [_("no data")] * len(t)
    else:
        opened = [fmt.count(v) for v in t["open_complaints"]]
    df = pd.DataFrame(
        {
            _("Customer"): t["name"].astype(str).to_numpy(),
            _("Date"): [fmt.date(d) for d in t["survey_date"]],
            _("Score (0-10)"): [fmt.number(x, decimals=0) for x in t["nps"]],
            _("Comment"): [
                quoted(shorten(c)) if shorten(c) else fmt.not_applicable() for c in t["comment"]
            ],
            _("Open complaints"): opened,
            _("Rep"): [r if r else _("house account") for r in t["rep"]],
            _("Expected value"): [
                fmt.money(v) if fmt.is_number(v) else _("not valued") for v in t["value"]
            ],
        }
    )
    # the comment is already escaped inside <q>; every other cell is escaped here
    others = [c for c in df.columns if c != _("Comment")]
    return df.style.format(escape="html", subset=others).hide(axis="index")


# --------------------------------------------------------------------------- drivers


def describe_priority(kd: KeyDrivers) -> str:
    """The area to fix first, or why there is no clear priority."""
    p = driver_priority(kd)
    t = kd.table
    r2 = kd.r_squared.value
    return (
        _verdict(p, t, r2)
        + " "
        + _(
            "Together the three areas explain {r2} of the variation in customers' NPS answers "
            "({low} to {high}; {n} complete answers)."
        ).format(
            r2=fmt.pct(r2, decimals=0),
            low=fmt.pct(kd.r_squared.ci_low, decimals=0),
            high=fmt.pct(kd.r_squared.ci_high, decimals=0),
            n=fmt.count(kd.n),
        )
    )


def _verdict(p: Priority, t: pd.DataFrame, r2: float) -> str:
    if p.reason == "overlap":
        return _(
            "No clear priority: how much each area matters for NPS cannot be told apart "
            "(their intervals overlap). {area} is rated lowest ({score} of 5), so improving "
            "it is still worth doing, but the survey does not single it out."
        ).format(
            area=_cap(metric_name(p.lowest)), score=fmt.number(t.loc[p.lowest, "mean"], decimals=1)
        )
    if p.reason == "well rated":
        return _(
            "No area is a clear priority to fix: the areas that matter most for NPS "
            "({areas}) are already rated above the average of the areas."
        ).format(areas=fmt.join((metric_name(d) for d in p.important), kind="and"))
    d = p.driver
    return _(
        "**Priority: {area}**. It is among the areas that matter most for NPS ({share} of "
        "what the areas explain) and it is rated lowest of them ({score} of 5): improving it "
        "should lift NPS most."
    ).format(
        area=metric_name(d),
        share=fmt.pct(t.loc[d, "weight"] / r2, decimals=0),
        score=fmt.number(t.loc[d, "mean"], decimals=1),
    )


def priority_table(kd: KeyDrivers) -> pd.DataFrame:
    """Each area: how much it matters (share of what the areas explain, with its
    interval), its mean score and whether it is the priority."""
    p = driver_priority(kd)
    t = kd.table.sort_values("weight", ascending=False)
    r2 = kd.r_squared.value

    def share(w, lo, hi) -> str:
        pc = {"decimals": 0}
        return f"{fmt.pct(w / r2, **pc)} ({_range(fmt.pct(lo / r2, **pc), fmt.pct(hi / r2, **pc))})"

    def verdict(d) -> str:
        if d == p.driver:
            return _("priority")
        if d in p.important:
            return _("matters more")
        return fmt.not_applicable()

    return pd.DataFrame(
        {
            _("How much it matters for NPS"): [
                share(w, lo, hi)
                for w, lo, hi in zip(t["weight"], t["ci_low"], t["ci_high"], strict=True)
            ],
            _("Mean score (1-5)"): [fmt.number(m, decimals=2) for m in t["mean"]],
            _("Verdict"): [verdict(d) for d in t.index],
        },
        index=pd.Index([_cap(metric_name(d)) for d in t.index], name=_("Area")),
    )


def takeaways_with(fu: FollowUp | Missing):
    """A renderer for :func:`salesmeasure.report.show` of a ``SurveyReport``: its
    :func:`takeaways` with the follow-up list ``fu``, method names linked."""

    def render(r: SurveyReport) -> str:
        return link_terms(takeaways(r, fu))

    return render
