"""The executive summary's first screen in words and HTML: KPI cards, the period in
progress, the ranked actions and the takeaways (split from :mod:`salesmeasure.kpi.text`),
and the scorecard's count of KPIs on track, beside the first takeaway's count of them."""

from __future__ import annotations

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.kpi.text import (  # noqa: F401
    _value,
    retention_rule,
)

# ------------------------------------------------------------ the scorecard's count
#: Scorecard rows that measure the revenue target: revenue's status is judged on them
#: (attainment in a closed period, the chance of making the target in one in progress), so
#: they are counted once, with revenue -- as the KPI cards and page one's count do.
TOLD_BY_REVENUE = ("attainment", "p_attain")


def _new_customers_rule(card) -> str:
    """Why new customers are not compared with periods early in the data (signups
    derived from first orders), or ``""``."""
    since = getattr(card, "new_customers_from", None)
    if since is None or "new_customers" not in card:
        return ""
    return " " + _(
        "There is no customers table, so a customer's signup is their first order in the "
        "data, which begins {start}: a period before {since} also counts as new the "
        "customers who had ordered before the data begins, so new customers are not "
        "compared with such a period."
    ).format(
        start=fmt.date(since - pd.DateOffset(years=1)),
        since=fmt.date(since),
    )


def describe_scorecard(card) -> str:
    """How many KPIs are on track (the KPIs with a status, the revenue target's two rows
    counted with revenue: the count of page one's cards), and (for a period in progress)
    how it is compared."""
    own = card[[k not in TOLD_BY_REVENUE for k in card.index]]
    counts = own["status"].value_counts()
    lead = ""
    if card.to_date is not None:
        lead = _(
            "{period} is still in progress: figures run to {date} and are compared with the "
            "same number of days of {previous} and {last_year}. "
        ).format(
            period=fmt.period(card.period),
            date=fmt.date(card.to_date),
            previous=fmt.period(card.previous),
            last_year=fmt.period(card.last_year),
        )
    good, watch, bad = (int(counts.get(k, 0)) for k in ("good", "watch", "bad"))
    told = (
        " "
        + _(
            "Target attainment and the probability of attaining target measure the revenue "
            "target: they are counted once, with revenue."
        )
        if any(k in card.index for k in TOLD_BY_REVENUE)
        else ""
    )
    return (
        lead
        + _(
            "Of {n} KPIs, {good}, {watch} and {bad}. "
            "Intervals are 95%; a change is called significant only when a test says so "
            "(revenue, customer counts and CLV are not sampled, so they are shown as they are)."
        ).format(
            n=good + watch + bad,
            good=ngettext("{k} is on track", "{k} are on track", good).format(k=good),
            watch=ngettext("{k} needs watching", "{k} need watching", watch).format(k=watch),
            bad=ngettext("{k} needs action", "{k} need action", bad).format(k=bad),
        )
        + told
        + (" " + retention_rule() if "retention_rate" in card else "")
        + _new_customers_rule(card)
    )


# ------------------------------------------------------------ the first screen
class HTMLBlock:
    """A block of HTML shown as a notebook's HTML output (``report.show`` displays it;
    the export sanitizes it like every HTML output)."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _e(text) -> str:
    import html

    return html.escape(str(text), quote=True)


def _gl(key: str, text: str) -> str:
    """An HTML link of ``text`` to the glossary entry ``key`` at the end of the report."""
    from salesmeasure import glossary

    return f'<a href="#{glossary.anchor(key)}">{_e(text)}</a>'


def report_href(report: str, anchor: str = "") -> str:
    """The link from this report to ``report`` of the same period, region and language:
    the rendered reports of one region and language sit in one folder, so the link is the
    sibling file (written as the notebook, which the export points at its ``.html``)."""
    return f"{report}.ipynb" + (f"#{anchor}" if anchor else "")


def card_value(c) -> str:
    """A card's value in its unit, or "no data" / "too few responses"."""
    if c.no_data == "absent":
        return _("no data")
    if c.no_data == "no_orders":
        return _("no orders")
    if c.suppressed:
        return _("too few responses")
    if c.kpi == "nps":
        return fmt.number(c.value, decimals=1)
    return _value(c.unit, c.value)


def card_change(c, d) -> str:
    """A change of a card's KPI in its own unit: an amount, ``+5.7 pts`` (NPS points or
    percentage points), ``+2.4 per 100`` (complaints), ``+26`` (customers)."""
    if not fmt.is_number(d):
        return fmt.missing()
    if c.unit == "currency":
        return fmt.money(d, signed=True)
    if c.unit == "share":
        return fmt.points(d * 100)
    if c.unit == "points":
        return fmt.points(d)
    if c.unit == "count":
        return fmt.number(d, signed=True)
    return _("{value} per 100").format(value=fmt.number(d, decimals=1, signed=True))


def _plan_text(c) -> str:
    if c.basis == "target":
        if not fmt.is_number(c.plan):
            return _("no target recorded")
        return _("target {target} · {gap} ({attainment})").format(
            target=fmt.money(c.plan), gap=fmt.money(c.vs_plan, signed=True),
            attainment=fmt.pct(c.attainment, decimals=0),
        )  # fmt: skip
    if c.basis == "last year":
        return _("no target; vs last year {change}").format(
            change=fmt.pct(c.vs_plan, decimals=1, signed=True)
        )
    if c.kpi == "nps":
        plan = fmt.number(c.plan)
    elif c.unit == "share":
        plan = fmt.pct(c.plan, decimals=0)
    else:
        plan = fmt.number(c.plan, decimals=1)
    text = _("target ≥ {plan} · {gap}") if c.direction == "up" else _("target ≤ {plan} · {gap}")
    return text.format(plan=plan, gap=card_change(c, c.vs_plan))


#: Short KPI names of the cards.
CARD_NAMES = {
    "revenue": N_("Revenue"),
    "nps": N_("NPS"),
    "csat": N_("CSAT"),
    "retention_rate": N_("Retention rate"),
    "complaint_rate": N_("Complaints per 100"),
    "active_customers": N_("Active customers"),
    "new_customers": N_("New customers"),
    "avg_clv": N_("Average CLV"),
}


def _compare_value(c, period: str) -> str:
    """The comparison period's value in the KPI's unit (``18.2``, ``2.10M``)."""
    v = c.previous if period == "prev" else c.last_year
    if not fmt.is_number(v):
        return _("no data")
    return fmt.number(v, decimals=1) if c.kpi == "nps" else _value(c.unit, v)


def _compare_text(c, period: str) -> str:
    """The change from the comparison period in the KPI's unit, or "no data" (complaints
    without "per 100": the card's name says it)."""
    v = c.previous if period == "prev" else c.last_year
    d = c.change_prev if period == "prev" else c.change_ly
    if not fmt.is_number(v) or not fmt.is_number(d):
        return _("no data")
    if c.kpi == "complaint_rate":
        return fmt.number(d, decimals=1, signed=True)
    return card_change(c, d)


_CARD_CSS = """
.sm-fs{font-size:12.5px;line-height:1.25;margin:0 0 4px 0}
.sm-fs .sm-cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:5px;margin:2px 0 6px 0}
.sm-fs .sm-card{border:1px solid #d0d0d0;border-left:6px solid #bdbdbd;border-radius:3px;
  padding:3px 7px;background:#fff;break-inside:avoid}
.sm-fs .sm-card-head{display:flex;justify-content:space-between;gap:4px;font-size:12px;color:#333}
.sm-fs .sm-card-name{font-weight:600}
.sm-fs .sm-status{font-weight:700;white-space:nowrap}
.sm-fs .sm-card-body{display:flex;justify-content:space-between;align-items:center;gap:4px}
.sm-fs .sm-card-value{font-size:18px;font-weight:700;white-space:nowrap;line-height:1.1}
.sm-fs .sm-card-line{font-size:11px;color:#333;line-height:1.2}
.sm-fs .sm-muted{color:#666}
.sm-fs .sm-row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,2fr);gap:8px}
.sm-fs .sm-box{border:1px solid #d0d0d0;border-radius:3px;padding:5px 9px;break-inside:avoid}
.sm-fs .sm-box h4{margin:0 0 2px 0;font-size:13.5px;font-weight:700}
.sm-fs .sm-box p{margin:2px 0}
.sm-fs ol.sm-actions{margin:2px 0 2px 0;padding-left:20px}
.sm-fs ol.sm-actions li{margin:0 0 2px 0}
.sm-fs .sm-big{font-size:17px;font-weight:700}
@media print{.sm-fs{font-size:10.5px}.sm-fs .sm-card-value{font-size:15px}
  .sm-fs .sm-card-line,.sm-fs .sm-card-head{font-size:9.5px}
  .sm-fs .sm-box h4{font-size:11.5px}.sm-fs .sm-big{font-size:13px}}
"""


def _card_html(c, card) -> str:
    from salesmeasure import glossary
    from salesmeasure.plots import palette
    from salesmeasure.plots.summary import sparkline_svg

    name = _(CARD_NAMES[c.kpi]) if c.kpi in CARD_NAMES else c.kpi
    colour = palette.status_colour(c.status if c.has_status else "n/a")
    status = (
        f'<span class="sm-status" style="color:{colour}">{_e(fmt.status(c.status))}</span>'
        if c.has_status
        else ""
    )
    term = {"nps": "summary-nps", "avg_clv": "summary-clv"}.get(c.kpi)
    shown = _gl(term, name) if term else _e(name)  # a method's name links to its glossary entry
    head = f'<div class="sm-card-head"><span class="sm-card-name">{shown}</span>{status}</div>'
    spark = ""
    values = [v for _p, v in c.history]
    uri = sparkline_svg(values, colour="#333333", width=96, height=26) if c.has_status or (
        not c.no_data and not c.suppressed) else ""  # fmt: skip
    if uri:
        first, last = c.history[0][0], c.history[-1][0]
        title = _("Trend line, {first} to {last}").format(
            first=fmt.period(first), last=fmt.period(last)
        )
        spark = (
            f'<a href="#{glossary.anchor("summary-trend")}"><img src="{uri}" width="96" height="26" '
            f'alt="{_e(title)}" title="{_e(title)}"></a>'
        )
    body = (
        f'<div class="sm-card-body"><span class="sm-card-value">{_e(card_value(c))}</span>'
        f"{spark}</div>"
    )
    if c.no_data or c.suppressed:
        why = (
            _("The data has no table for it.")
            if c.no_data == "absent"
            else _("Not shown: too few responses.")
            if c.suppressed
            else _("No orders in the period.")
        )
        lines = f'<div class="sm-card-line sm-muted">{_e(why)}</div>'
    else:
        prev, ly = fmt.period(card.previous), fmt.period(card.last_year)
        tip = _("{previous}: {prev_value}; {last_year}: {ly_value}").format(
            previous=prev, prev_value=_compare_value(c, "prev"), last_year=ly,
            ly_value=_compare_value(c, "ly"),
        )  # fmt: skip
        cmp = _("{previous} {prev_change} · {last_year} {ly_change}").format(
            previous=prev, prev_change=_compare_text(c, "prev"), last_year=ly,
            ly_change=_compare_text(c, "ly"),
        )  # fmt: skip
        lines = (
            f'<div class="sm-card-line">{_e(_plan_text(c))}</div>'
            f'<div class="sm-card-line" title="{_e(tip)}">{_e(cmp)}</div>'
        )
    return f'<div class="sm-card" style="border-left-color:{colour}">{head}{body}{lines}</div>'


def cards_html(fs) -> str:
    """The KPI cards as a compact HTML grid (status colour and word, target or threshold,
    change against plan, last period and last year in the KPI's unit, trend line)."""
    if not fs.cards:
        return ""
    return '<div class="sm-cards">' + "".join(_card_html(c, fs.card) for c in fs.cards) + "</div>"


def progress_html(pr) -> str:
    """The period in progress: booked, target, pace, landing forecast and its interval,
    the chance of making target; or why there is none."""
    title = _("Period in progress")
    if pr.reason is not None or not fmt.is_number(pr.target):
        why = pr.reason or _("No period with a target is in progress.")
        return f'<div class="sm-box"><h4>{_e(title)}</h4><p>{_e(why)}</p></div>'
    share = pr.booked / pr.target if pr.target else float("nan")
    pace = pr.booked / pr.expected_to_date if pr.expected_to_date else float("nan")
    shown = round(pace * 100) if fmt.is_number(pace) else float("nan")
    where = _("on pace") if shown == 100 else _("ahead of pace") if pace >= 1 else _("behind pace")
    src = _("recorded target") if pr.target_source == "recorded" else _("proposed target")
    link = report_href("01_target_setting", "period-in-progress")
    heading = _("{period} in progress · day {elapsed} of {total}").format(
        period=fmt.period(pr.period), elapsed=pr.days_elapsed, total=pr.days_total
    )
    more = _("pacing in the target report")
    parts = [
        "<h4>" + _e(heading) + "</h4>",
        "<p>"
        + _e(_("Booked {booked} of the {target} {source} ({share}).").format(
            booked=fmt.money(pr.booked), target=fmt.money(pr.target), source=src,
            share=fmt.pct(share, decimals=0)))
        + "</p>",
        "<p>"
        + _gl("summary-pace", _("Seasonal pace"))
        + _e(_(": {expected} expected by now, so {where} ({pace}).").format(
            expected=fmt.money(pr.expected_to_date), where=where,
            pace=fmt.pct(pace, decimals=0)))
        + "</p>",
        "<p>"
        + _gl("summary-landing", _("Landing forecast"))
        + _e(_(": {landing} (80% interval {low} to {high}).").format(
            landing=fmt.money(pr.landing), low=fmt.money(pr.landing_low),
            high=fmt.money(pr.landing_high)))
        + "</p>",
        "<p>"
        + _gl("summary-p-attain", _("Chance of making target"))
        + _e(_(": ")) + f'<span class="sm-big">{_e(fmt.pct(pr.p_attain, decimals=0))}</span>'
        + f' · <a href="{link}">{_e(more)}</a></p>',
    ]  # fmt: skip
    return '<div class="sm-box">' + "".join(parts) + "</div>"


def _names(owners, most: int = 3) -> str:
    # owners are reps by name or regions by their data value: a region reads in the
    # report language ([labels]: North is 华北 in Chinese); a name is left as it is
    owners = [fmt.label("region", o) for o in owners]
    if not owners:
        return ""
    if len(owners) <= most:
        return fmt.join(owners, kind="and")
    return _("{names} and {n} more").format(
        names=fmt.join(owners[:most], kind="list"), n=len(owners) - most
    )


def _driver_name(code: str) -> str:
    from salesmeasure.survey.text.common import metric_name

    return metric_name(code)


def action_text(a) -> tuple[str, str]:
    """An action as ``(headline, detail)`` HTML: what to do with its size, then the figure
    that triggered it, who acts and the link to its list."""
    f = a.figures
    months = 12
    if a.key == "reset_targets":
        period = fmt.period(f.get("period", ""))
        if f.get("level") == "region":
            head = _("Reset {n} of {total} region targets for {period} ({amount} to move)")
        else:
            head = _("Reset {n} of {total} rep targets for {period} ({amount} to move)")
        head = head.format(n=f["flagged"], total=f["total"], period=period,
                           amount=fmt.money(a.amount))  # fmt: skip
        detail = (
            _e(
                _("{high} out of reach, {low} too easy for the ").format(
                    high=f["too_high"], low=f["too_low"]
                )
            )
            + _gl("summary-band", _("attainable band"))
            + _e(
                _(" ({lo} to {hi}).").format(
                    lo=fmt.pct(f["band"][0], decimals=0), hi=fmt.pct(f["band"][1], decimals=0)
                )
            )
        )
        owners = _names(a.owners, 5)
        link = _("targets to reset")
    elif a.key == "call_at_risk":
        head = _("Call {n} recoverable customers worth {amount}").format(
            n=a.customers, amount=fmt.money(a.amount)
        )
        detail = (
            _e(_("The top of the call list of "))
            + _gl("summary-recoverable", _("recoverable"))
            + _e(_(" customers by {months}-month value.").format(months=months))
        )
        owners = _names(a.owners, 2)
        link = _("call list")
    elif a.key == "follow_up_detractors":
        if fmt.is_number(a.amount):
            head = _("Follow up {customers} detractors ({responses} answers), worth {amount}"
                     ).format(customers=f["customers"], responses=f["responses"],
                              amount=fmt.money(a.amount))  # fmt: skip
        else:
            head = _("Follow up {customers} detractors ({responses} answers)").format(
                customers=f["customers"], responses=f["responses"]
            )
        detail = (
            _e(_("Scored 0 to 6 this period ("))
            + _gl("summary-detractor", _("detractors"))
            + _e(_("); worth = their {months}-month value.").format(months=months))
        )
        owners = _names(a.owners, 2)
        link = _("follow-up list")
    elif a.key == "fix_driver":
        head = _("Fix {driver}").format(driver=_driver_name(f["driver"]))
        lowest = f.get("lowest", f["driver"]) == f["driver"]
        words = (
            _("Rated lowest ({mean} of 5, {poor} poor) and clearly important to NPS (")
            if lowest
            else _("Of the areas clearly important to NPS, rated lowest ({mean} of 5, "
                   "{poor} poor; ")
        )  # fmt: skip
        detail = _e(words.format(mean=fmt.number(f["mean"], decimals=1),
                                 poor=fmt.pct(f["share_poor"], decimals=0))) + _gl(
            "summary-driver", _("driver importance")) + _e(
            _(" {w}, {lo} to {hi}).").format(
                w=fmt.number(f["weight"], decimals=2), lo=fmt.number(f["ci_low"], decimals=2),
                hi=fmt.number(f["ci_high"], decimals=2)))  # fmt: skip
        owners = ""
        link = _("drivers of NPS")
    else:  # rebalance_reps
        head = _("Support {n} reps behind pace, {amount} short").format(
            n=f["reps"], amount=fmt.money(a.amount)
        )
        reps = list(a.items["name"].astype(str))
        detail = _e(
            _("Chance below {p} or under {r} of pace: {names}.").format(
                p=fmt.pct(f["p_low"], decimals=0),
                r=fmt.pct(f["pace_ratio"], decimals=0),
                names=_names(reps, 3),
            )
        )
        owners = ""
        link = _("rep leaderboard")
    href = report_href(a.report, a.anchor)
    sp = " " if fmt._en() else ""  # Chinese sets no space after a full-width mark
    who = sp + _e(_("Owners: {names}.").format(names=owners)) if owners else ""
    return f"<b>{_e(head)}</b>", detail + who + f'{sp}<a href="{href}">{_e(link)} →</a>'


def note_text(n) -> str:
    """A rule that found nothing to do, in words (e.g. no clear priority among drivers)."""
    f = n.figures
    if n.key == "no_clear_priority":
        return (
            _e(
                _(
                    "No clear priority among the drivers of NPS: {driver} is rated lowest "
                    "({good} good, {poor} poor), but the "
                ).format(
                    driver=_driver_name(f["driver"]),
                    good=fmt.pct(f["share_good"], decimals=0),
                    poor=fmt.pct(f["share_poor"], decimals=0),
                )
            )
            + _gl("summary-driver", _("importances"))
            + _e(_(" of all areas overlap."))
        )
    if n.key == "lowest_not_important":
        return _e(
            _capital(
                _("{driver} is rated lowest but matters less to NPS than {other}.").format(
                    driver=_driver_name(f["driver"]), other=_driver_name(f["above"])
                )
            )
        )
    return ""


def _capital(text: str) -> str:
    """A sentence that starts with a lowercase name starts with a capital."""
    return text[:1].upper() + text[1:]


def actions_html(fs) -> str:
    """The ranked actions (at most five, most money at stake first), each with its size,
    the figure that triggered it, its owners and a link to its list; or a sentence that
    none is triggered."""
    title = _("What to do")
    if not fs.actions:
        none = _("No action is triggered by this period's numbers.")
        body = f"<p>{_e(none)}</p>"
    else:
        items = []
        for a in fs.actions:
            head, detail = action_text(a)
            # TRANSLATORS: between an action's headline and its detail ("Call 10 ... 113k. The top ...")
            sep = _(". ")
            items.append(f"<li>{head}{_e(sep)}{detail}</li>")
        body = '<ol class="sm-actions">' + "".join(items) + "</ol>"
    notes = "".join(f'<p class="sm-muted">{note_text(n)}</p>' for n in fs.notes if note_text(n))
    return f'<div class="sm-box"><h4>{_e(title)}</h4>{body}{notes}</div>'


def first_screen_html(fs) -> HTMLBlock:
    """The first screen below the takeaways: KPI cards, then the period in progress beside
    the ranked actions."""
    html = (
        f"<style>{_CARD_CSS}</style>"
        '<div class="sm-fs">'
        + cards_html(fs)
        + '<div class="sm-row">'
        + progress_html(fs.progress)
        + actions_html(fs)
        + "</div></div>"
    )
    return HTMLBlock(html)


def takeaways(fs) -> list[str]:
    """Three plain-language takeaways: where the period stands, the period in progress,
    and the first action (or that none is triggered)."""
    out = []
    card = fs.card
    if card is not None and "revenue" in card:
        rev = card.loc["revenue", "value"]
        good = sum(c.status == "good" for c in fs.cards if c.has_status)
        judged = sum(c.has_status for c in fs.cards)
        if fmt.is_number(card.target) and fmt.is_number(rev):
            verb = _("beat") if rev >= card.target else _("missed")
            out.append(_(
                "**{period}** {state} at {revenue}, {verb} its {target} target ({att}); "
                "{good} of {n} KPIs are on track."
            ).format(
                period=fmt.period(card.period),
                state=_("closed") if card.complete else _("stands"),
                revenue=fmt.money(rev), verb=verb, target=fmt.money(card.target),
                att=fmt.pct(rev / card.target, decimals=0), good=good, n=judged,
            ))  # fmt: skip
        else:
            out.append(
                _(
                    "**{period}**: revenue {revenue}, no target recorded; {good} of {n} "
                    "KPIs are on track."
                ).format(
                    period=fmt.period(card.period), revenue=fmt.money(rev), good=good, n=judged
                )
            )
    pr = fs.progress
    if pr.reason is None and fmt.is_number(pr.target):
        out.append(_(
            "**{period} is in progress**: {booked} booked of {target}; the forecast lands at "
            "{landing} ({low} to {high}); chance of making target {p}."
        ).format(
            period=fmt.period(pr.period), booked=fmt.money(pr.booked),
            target=fmt.money(pr.target), landing=fmt.money(pr.landing),
            low=fmt.money(pr.landing_low), high=fmt.money(pr.landing_high),
            p=fmt.pct(pr.p_attain, decimals=0),
        ))  # fmt: skip
    else:
        out.append(
            _("**No period is in progress**: {why}").format(
                why=pr.reason or _("no period with a target runs on the data's as-of date.")
            )
        )
    if fs.actions:
        import re

        head, _detail = action_text(fs.actions[0])
        plain = re.sub(r"<[^>]+>", "", head)
        import html as _html

        out.append(
            _("**First action**: {action} (see below).").format(action=_html.unescape(plain))
        )
    else:
        out.append(_("**No action** is triggered by this period's numbers."))
    return out[:3]


def describe_takeaways(fs) -> str:
    """The three takeaways as a Markdown list."""
    return "\n".join(f"- {t}" for t in takeaways(fs))
