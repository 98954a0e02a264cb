"""The executive summary's words and manager tables, built from the numbers of
:mod:`salesmeasure.kpi.scorecard`, :mod:`~salesmeasure.kpi.chain` and
:mod:`~salesmeasure.kpi.summary`.

Every word goes through :func:`salesmeasure.i18n._` when the text is built, every number
through :mod:`salesmeasure.format`. A KPI the scorecard suppresses (too few responses) is
never the subject of a sentence, and its change is not shown.
"""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.absent import absent_sentence
from salesmeasure.i18n import N_, _
from salesmeasure.kpi.scorecard import NEEDS_TABLE, REPORT_OF, THRESHOLDS

__all__ = [
    "LABELS",
    "REPORT_NAMES",
    "STATUS_TEXT",
    "describe_at_risk",
    "describe_chain",
    "describe_findings",
    "describe_regions",
    "describe_scorecard",
    "describe_view",
    "findings",
    "format_scorecard",
    "kpi_labels",
    "kpi_value",
    "regions_table",
    "style_scorecard",
]

#: What each KPI is called in the report.
LABELS = {
    "revenue": N_("Revenue"),
    "attainment": N_("Target attainment"),
    "p_attain": N_("Probability of attaining target"),
    "active_customers": N_("Active customers"),
    "new_customers": N_("New customers"),
    "retention_rate": N_("Retention rate"),
    "nps": N_("NPS"),
    "csat": N_("CSAT (top-2-box)"),
    "complaint_rate": N_("Complaints per 100 active customers"),
    "avg_clv": N_("Average {months}-month CLV"),
}

STATUS_TEXT = fmt.STATUS_WORDS

#: The detailed report each finding links to, as the link reads.
REPORT_NAMES = {
    "01_target_setting": N_("target report"),
    "02_satisfaction_survey": N_("survey report"),
    "03_retention_clv": N_("retention and CLV report"),
}

_LIGHT = {"good": "#d9f0d3", "watch": "#fee0b6", "bad": "#f4c7c3", "n/a": "#eeeeee"}


def kpi_labels(card=None, *, clv_months: int | None = None) -> dict[str, str]:
    """KPI key -> its name in the current language (for tables and chart axes)."""
    months = clv_months or getattr(card, "clv_months", None) or 12
    return {k: _(v).format(months=months) for k, v in LABELS.items()}


# ---------------------------------------------------------------- scorecard
def _value(unit: str, v) -> str:
    if not fmt.is_number(v):
        return fmt.missing()
    if unit == "currency":
        return fmt.money(v)
    if unit == "share":
        return fmt.pct(v)
    if unit == "count":
        return fmt.count(v)
    return fmt.number(v, decimals=1)


def _change(unit: str, d, sig) -> str:
    if not fmt.is_number(d):
        return fmt.missing()
    if unit == "share":
        s = fmt.points(d * 100)
    elif unit == "currency":
        s = ("+" if d >= 0 else "") + fmt.money(d)
    elif unit == "count":
        s = fmt.number(d, signed=True)
    else:
        s = fmt.number(d, decimals=1, signed=True)
    if sig is True:
        s += " " + _("(significant)")
    elif sig is False:
        s += " " + _("(not significant)")
    return s


def kpi_value(card, kpi: str) -> str:
    """A KPI's value as the scorecard shows it (without its interval): ``2.50M``,
    ``87.3%``, or "too few responses" where it is suppressed."""
    r = card.loc[kpi]
    why = _no_data(r)
    if why == "absent":
        return _("no data")
    if why == "no_orders":
        return _("not applicable: no orders in the period")
    if r["suppressed"]:
        return _("too few responses")
    return _value(r["unit"], r["value"])


def _no_data(r) -> str:
    v = r.get("no_data", "") if hasattr(r, "get") else ""
    return v if isinstance(v, str) else ""


def _threshold_text(kpi: str, unit: str) -> str:
    th = THRESHOLDS.get(kpi, {})
    if th.get("basis") == "target":
        return _("see attainment")
    if th.get("basis") == "last year":
        return _("vs last year: good >= {good}, watch >= {watch}").format(
            good=fmt.pct(th["good"], decimals=0, signed=True),
            watch=fmt.pct(th["watch"], decimals=0, signed=True),
        )

    def show(v):
        return fmt.pct(v, decimals=0) if unit == "share" else fmt.number(v)

    text = (
        _("good >= {good}, watch >= {watch}")
        if th["direction"] == "up"
        else _("good <= {good}, watch <= {watch}")
    )
    return text.format(good=show(th["good"]), watch=show(th["watch"]))


def _basis(card, kpi: str) -> str:
    if kpi == "revenue":
        t = card.target
        return (
            _("target {amount}").format(amount=fmt.money(t)) if fmt.is_number(t) else _("no target")
        )
    if _no_data(card.loc[kpi]) == "absent":
        return absent_words(NEEDS_TABLE[kpi])
    if kpi == "attainment" and not card.complete:
        return _("period in progress: to date")
    if kpi == "p_attain" and card.complete:
        return _("period complete")
    return _threshold_text(kpi, card.loc[kpi, "unit"])


def absent_words(table: str) -> str:
    """The scorecard's basis cell of a KPI whose table is absent: what it would add."""
    return absent_sentence(table)


def _status(r) -> str:
    if _no_data(r):
        return ""  # no data, no status
    if r["suppressed"]:
        return f"{fmt.STATUS_SYMBOLS['n/a']} {_('Too few responses')}"
    return fmt.status(r["status"])


def format_scorecard(card) -> pd.DataFrame:
    """The scorecard as text for a report table (value with interval, changes, status).

    A suppressed KPI shows "too few responses" and no change against either period.
    """
    labels = kpi_labels(card)
    value_head = _("Value (95% interval)") if card.confidence == 0.95 else _("Value (interval)")
    prev_head = _("vs {period}").format(period=fmt.period(card.previous))
    ly_head = _("vs {period}").format(period=fmt.period(card.last_year))
    out = []
    for kpi, r in card.iterrows():
        unit = r["unit"]
        value = kpi_value(card, kpi)
        if not r["suppressed"] and fmt.is_number(r["value"]) and fmt.is_number(r["ci_low"]):
            value += " " + _("({low} to {high})").format(
                low=_value(unit, r["ci_low"]), high=_value(unit, r["ci_high"])
            )
        sp = r["significant_prev"] if r["significant_prev"] is not pd.NA else None
        sl = r["significant_ly"] if r["significant_ly"] is not pd.NA else None
        before = _("no data")  # a comparison period before the data begins
        out.append(
            {
                _("KPI"): labels[kpi],
                value_head: value,
                prev_head: _change(unit, r["change_prev"], sp)
                if getattr(card, "previous_has_data", True)
                else before,
                ly_head: _change(unit, r["change_ly"], sl)
                if getattr(card, "last_year_has_data", True)
                else before,
                _("Status"): _status(r),
                _("Basis"): _basis(card, kpi),
            }
        )
    return pd.DataFrame(out)


def style_scorecard(card):
    """The formatted scorecard as a pandas Styler: status cells shaded by status (the
    symbol and word keep it readable in black-and-white print)."""
    table = format_scorecard(card)
    statuses = card["status"].tolist()

    def shade(col):
        return [f"background-color: {_LIGHT[s]}; font-weight: bold" for s in statuses]

    return (
        table.style.hide(axis="index")
        .apply(shade, subset=[_("Status")])
        .set_properties(**{"text-align": "left"})
    )


def describe_view(r) -> str:
    """The report's subtitle: scope, period and the data's as-of date."""
    scope = _("All regions") if r.region == "all" else _("{region} region").format(region=r.region)
    return _("**{scope}, {period}** · data up to {date}").format(
        scope=scope, period=fmt.period(r.period), date=fmt.date(r.as_of)
    )


# describe_scorecard (the scorecard's count of KPIs on track) lives in .screen, beside the
# first takeaway's count of the same KPIs.


# ----------------------------------------------------------------- findings
def _join(words: list[str]) -> str:
    return fmt.join(words, kind="and")


def _usable(r) -> bool:
    return not r["suppressed"] and fmt.is_number(r["value"])


def findings(card, chain_result=None, regions: pd.DataFrame | None = None, *, limit: int = 5):
    """The three to five findings that matter most, as generated sentences.

    Each finding is ``{"text", "report", "priority"}``; ``report`` names the detailed
    notebook that supports it. Priority: missed or at-risk targets first, then
    significant changes, then the satisfaction-value chain, then regions. Nothing is
    said about a suppressed KPI or group, and no sentence quotes a missing number.
    """
    out: list[dict] = []
    labels = kpi_labels(card)
    rev, att = card.loc["revenue"], card.loc["attainment"]
    tgt = card.target
    period, previous, last_year = (
        fmt.period(card.period), fmt.period(card.previous), fmt.period(card.last_year)
    )  # fmt: skip
    if card.complete and fmt.is_number(att["value"]) and fmt.is_number(tgt):
        verb = _("beat") if att["value"] >= 1 else _("missed")
        rel = rev["change_ly"] / rev["last_year"] if rev["last_year"] else math.nan
        tail = (
            " "
            + _("({change} on {last_year})").format(
                change=fmt.pct(rel, decimals=0, signed=True), last_year=last_year
            )
            if fmt.is_number(rel)
            else ""
        )
        out.append({
            "priority": 0 if att["value"] < 1 else 2,
            "report": REPORT_OF["attainment"],
            "text": _(
                "Revenue of {revenue} {verb} the {target} target for {period}: "
                "{attainment} attainment"
            ).format(
                revenue=fmt.money(rev["value"]), verb=verb, target=fmt.money(tgt),
                period=period, attainment=fmt.pct(att["value"], decimals=0),
            ) + tail + ".",
        })  # fmt: skip
    elif "p_attain" in card.index and fmt.is_number(card.loc["p_attain", "value"]):
        pa = card.loc["p_attain", "value"]
        out.append({
            "priority": 0 if pa < 0.5 else 2,
            "report": REPORT_OF["p_attain"],
            "text": _(
                "{period} is in progress: {revenue} booked to {date} ({attainment} of the "
                "{target} target); the forecast gives a {chance} chance of reaching it."
            ).format(
                period=period, revenue=fmt.money(rev["value"]),
                date="" if card.to_date is None else fmt.date(card.to_date),
                attainment=fmt.pct(att["value"], decimals=0), target=fmt.money(tgt),
                chance=fmt.pct(pa, decimals=0),
            ),
        })  # fmt: skip
    for kpi in ("nps", "csat", "retention_rate", "complaint_rate"):
        r = card.loc[kpi]
        if r["suppressed"]:
            continue
        for key, label in (("prev", previous), ("ly", last_year)):
            if r[f"significant_{key}"] is True:
                d = r[f"change_{key}"]
                in_points = r["unit"] in {"points", "rate"}
                amount = fmt.number(abs(d) if in_points else abs(d) * 100, decimals=1)
                good = (d > 0) != (kpi == "complaint_rate")
                text = (
                    _("{kpi} rose by {amount} {unit} against {period}, a statistically "
                      "significant change ({test} = {p}).")
                    if d > 0
                    else _("{kpi} fell by {amount} {unit} against {period}, a statistically "
                           "significant change ({test} = {p}).")
                )  # fmt: skip
                out.append({
                    "priority": 1 if not good else 3,
                    "report": r["report"],
                    "kpi": kpi,
                    "text": text.format(
                        kpi=labels[kpi], amount=amount,
                        unit=_("points") if in_points else _("percentage points"),
                        period=label,
                        test=_("Holm-adjusted p") if kpi in {"nps", "csat"} else _("p"),
                        p=fmt.number(r[f"p_{key}"], decimals=3),
                    ),
                })  # fmt: skip
                break
    changed = {f.get("kpi") for f in out}
    short = {
        "nps": N_("NPS"),
        "csat": N_("CSAT"),
        "retention_rate": N_("retention"),
        "complaint_rate": N_("the complaint rate"),
    }
    steady = [
        _(short[k]) for k in ("nps", "csat", "retention_rate", "complaint_rate")
        if k not in changed and _usable(card.loc[k])
        and card.loc[k, "significant_prev"] is not True
        and card.loc[k, "significant_ly"] is not True
    ]  # fmt: skip
    n = card.loc["nps"]
    if "nps" not in changed and _usable(n):
        others = [x for x in steady if x != _("NPS")]
        tail = (
            _("; ") + _("{kpis} did not change significantly either").format(kpis=_join(others))
            if others
            else ""
        )
        out.append({
            "priority": 5,
            "report": REPORT_OF["nps"],
            "text": _(
                "NPS is {nps} ({low} to {high}), not significantly different from {previous} "
                "or {last_year}"
            ).format(
                nps=fmt.number(n["value"]), low=fmt.number(n["ci_low"]),
                high=fmt.number(n["ci_high"]), previous=previous, last_year=last_year,
            ) + tail + ".",
        })  # fmt: skip
    if chain_result:
        gap_text = _chain_gap(chain_result)
        if gap_text:
            out.append({"priority": 2, "report": "03_retention_clv", "text": gap_text})
        ar, nx = chain_result.at_risk, chain_result.next_period
        if ar and fmt.is_number(nx.get("forecast")) and fmt.is_number(nx.get("detractor_share")):
            out.append({
                "priority": 2,
                "report": "03_retention_clv",
                "text": recoverable_rule() + " " + _(
                    "{recoverable} customers are recoverable and expected to bring "
                    "{value} over {months} months: the value a retention call can still "
                    "save. {lapsed} have probably lapsed already and belong on the win-back "
                    "list. Detractors hold {share} of expected customer value, about "
                    "{detractor_revenue} of the {forecast} baseline for {next}: a target for "
                    "{next} assumes they stay."
                ).format(
                    recoverable=fmt.count(ar["recoverable_customers"]),
                    value=fmt.money(ar["recoverable_value"]), months=chain_result.clv_months,
                    lapsed=fmt.count(ar["lapsed_customers"]),
                    share=fmt.pct(nx["detractor_share"], decimals=0),
                    detractor_revenue=fmt.money(nx["detractor_revenue"]),
                    forecast=fmt.money(nx["forecast"]), next=fmt.period(nx["period"]),
                ),
            })  # fmt: skip
    if isinstance(regions, pd.DataFrame) and "attainment" in regions:
        ranked = regions.dropna(subset=["attainment"])
        if len(ranked) > 1:
            best, worst = ranked["attainment"].idxmax(), ranked["attainment"].idxmin()
            text = _("{best} leads on attainment ({best_att}), {worst} trails ({worst_att})")
            text = text.format(
                best=best, best_att=fmt.pct(ranked.loc[best, "attainment"], decimals=0),
                worst=worst, worst_att=fmt.pct(ranked.loc[worst, "attainment"], decimals=0),
            )  # fmt: skip
            if _region_nps_usable(ranked, best) and _region_nps_usable(ranked, worst):
                text += _("; ") + _("NPS {best} against {worst}").format(
                    best=fmt.number(ranked.loc[best, "nps"]),
                    worst=fmt.number(ranked.loc[worst, "nps"]),
                )
            out.append(
                {
                    "priority": 4,
                    "report": REPORT_OF["attainment"],
                    "text": _("{text}.").format(text=text),
                }
            )
    out.sort(key=lambda f: f["priority"])
    return out[:limit]


def _region_nps_usable(regions: pd.DataFrame, region) -> bool:
    sup = bool(regions.loc[region].get("nps_suppressed", False))
    return not sup and fmt.is_number(regions.loc[region, "nps"])


def _groups_usable(b: pd.DataFrame) -> bool:
    if not {"promoter", "detractor"} <= set(b.index) or "retention" not in b:
        return False
    for g in ("promoter", "detractor"):
        if not fmt.is_number(b.loc[g, "retention"]):
            return False
        if "suppressed" in b and b.loc[g, "suppressed"] is True:
            return False
    return True


def _chain_gap(chain_result) -> str:
    b, gap = chain_result.by_nps, chain_result.retention_gap
    if not _groups_usable(b):
        return ""
    pr, de = b.loc["promoter"], b.loc["detractor"]
    sig = gap.ci_low > 0 or gap.ci_high < 0
    clv_txt = ""
    if "clv" in b and fmt.is_number(pr.get("clv")) and fmt.is_number(de.get("clv")):
        clv_txt = ", " + _(
            "and are worth {promoter} against {detractor} in {months}-month CLV"
        ).format(
            promoter=fmt.money(pr["clv"]), detractor=fmt.money(de["clv"]),
            months=chain_result.clv_months,
        )  # fmt: skip
    return (
        _(
            "Promoters bought again at {promoter} against {detractor} for detractors "
            "({verdict}: {gap} points, {low} to {high})"
        ).format(
            promoter=fmt.pct(pr["retention"], decimals=0),
            detractor=fmt.pct(de["retention"], decimals=0),
            verdict=_("a real gap") if sig else _("not a clear gap"),
            gap=fmt.number(gap.value * 100, signed=True),
            low=fmt.number(gap.ci_low * 100, signed=True),
            high=fmt.number(gap.ci_high * 100, signed=True),
        )
        + clv_txt
        + "."
    )


def describe_findings(items: list[dict]) -> str:
    """The findings as a numbered Markdown list, each linking to its detailed report.

    The link names the notebook beside this one (``01_target_setting.ipynb``), so it opens
    the notebook in JupyterLab; the batch renderer's export rewrites links to sibling
    ``.ipynb`` files into the ``.html`` report beside the rendered one."""
    if not items:
        return _("No finding stands out for this view: see the scorecard above.")
    see = [
        _("See the [{report}]({href}).").format(
            report=_(REPORT_NAMES[f["report"]]), href=f"{f['report']}.ipynb"
        )
        for f in items
    ]
    return "\n".join(
        f"{i}. {f['text']} {s}" for i, (f, s) in enumerate(zip(items, see, strict=True), 1)
    )


def describe_chain(chain_result) -> str:
    """Repeat purchase of promoters against detractors, with the gap's interval."""
    b, gap = chain_result.by_nps, chain_result.retention_gap
    if not _groups_usable(b) or not fmt.is_number(gap.value):
        return _("Too few promoters or detractors answered to compare how often they bought again.")
    return _(
        "Each customer is placed in the NPS group of their latest answer. Promoters bought "
        "again within {days} days at {promoter}, detractors at {detractor}: a gap of {gap} "
        "points (95% interval {low} to {high})."
    ).format(
        days=chain_result.window_days,
        promoter=fmt.pct(b.loc["promoter", "retention"], decimals=0),
        detractor=fmt.pct(b.loc["detractor", "retention"], decimals=0),
        gap=fmt.number(gap.value * 100),
        low=fmt.number(gap.ci_low * 100),
        high=fmt.number(gap.ci_high * 100),
    )


def retention_rule() -> str:
    """The pack's leading retention measure in one sentence: every report that shows it
    says what it is (the other measures are named as the different measures they are)."""
    return _(
        "Retention rate (the headline measure): the share of the customers who ordered in "
        "the previous quarter who ordered again in this one; churn is the rest."
    )


def recoverable_rule() -> str:
    """The rule of the recoverable/lapsed split in one sentence (every report that shows
    recoverable value says it)."""
    from salesmeasure.clv.risk import LAPSED_BELOW, SECURE_FROM

    return _(
        "Recoverable means a customer whose chance of still being active is between {low} "
        "and {high}; below {low} the customer counts as lapsed."
    ).format(low=fmt.pct(LAPSED_BELOW, decimals=0), high=fmt.pct(SECURE_FROM, decimals=0))


def describe_at_risk(chain_result) -> str:
    """Value at risk and what next period's target assumes about detractors."""
    ar, nx = chain_result.at_risk, chain_result.next_period
    if not ar:
        missing = chain_result.value_missing
        return (
            missing.reason
            if missing is not None
            else _("Too few customers with repeat purchases to fit the value model for this view.")
        )
    months = chain_result.clv_months
    text = _(
        "**Recoverable value.** {recoverable} of {customers} customers are recoverable; "
        "they are expected to bring {value} over the next {months} months, the value a "
        "retention call can still save. {lapsed} customers have probably lapsed already "
        "(expected {lapsed_value}): a win-back list, not a call list."
    ).format(
        recoverable=fmt.count(ar["recoverable_customers"]),
        customers=fmt.count(ar["customers"]), value=fmt.money(ar["recoverable_value"]),
        months=months, lapsed=fmt.count(ar["lapsed_customers"]),
        lapsed_value=fmt.money(ar["lapsed_value"]),
    ) + " " + recoverable_rule() + " " + _(
        "Detractors hold {detractor_clv} ({share}) of the customers' expected {months}-month "
        "value."
    ).format(
        detractor_clv=fmt.money(ar["detractor_clv"]), months=months,
        share=fmt.pct(nx.get("detractor_share"), decimals=0),
    )  # fmt: skip
    if fmt.is_number(nx.get("forecast")):
        text += "\n\n" + _(
            "**Next period.** The baseline forecast for {next} is {forecast}; about "
            "{detractor_revenue} of it depends on detractors staying. A target above the "
            "baseline needs them kept, or replaced by new customers."
        ).format(
            next=fmt.period(nx["period"]), forecast=fmt.money(nx["forecast"]),
            detractor_revenue=fmt.money(nx["detractor_revenue"]),
        )  # fmt: skip
    return text


# ------------------------------------------------------------------ regions
REGION_COLUMNS = [
    "rank", "revenue", "attainment", "nps", "csat", "retention_rate", "complaint_rate",
    "avg_clv",
]  # fmt: skip


def describe_regions(regions: pd.DataFrame) -> str:
    """Which region leads and which is last on attainment (regions without a target
    are named as such, never ranked at "nan%")."""
    ranked = regions.dropna(subset=["attainment"])
    unranked = [str(r) for r in regions.index if r not in ranked.index]
    text = _("Ranked by target attainment.")
    if len(ranked):
        text += " " + _("{best} leads at {best_att}; {worst} is last at {worst_att}.").format(
            best=ranked.index[0], best_att=fmt.pct(ranked["attainment"].iloc[0], decimals=0),
            worst=ranked.index[-1], worst_att=fmt.pct(ranked["attainment"].iloc[-1], decimals=0),
        )  # fmt: skip
    if unranked:
        text += " " + _("Without a target for the period: {regions}.").format(
            regions=_join(unranked)
        )
    return text


def regions_table(regions: pd.DataFrame, *, clv_months: int = 12):
    """The regions compared, as a styled table (missing values shown as "n/a")."""
    table = regions[[c for c in REGION_COLUMNS if c in regions]].copy()
    for k in ("nps", "csat", "retention_rate"):  # suppressed: not shown as a number
        if f"{k}_suppressed" in regions and k in table:
            table.loc[regions[f"{k}_suppressed"].astype(bool), k] = math.nan
    na = fmt.missing()
    labels = kpi_labels(clv_months=clv_months)
    heads = {
        "rank": _("Rank"), "nps": "NPS", "csat": "CSAT",
        "complaint_rate": _("Complaints per 100 customers"),
        "avg_clv": _("Average CLV"),
    }  # fmt: skip
    table = table.rename_axis("region").reset_index()
    heads["region"] = _("Region")
    header = [heads.get(c) or labels.get(c, c) for c in table.columns]
    return (
        table.style.format(
            {
                "rank": fmt.count,
                "revenue": fmt.money,
                "attainment": lambda v: fmt.pct(v, decimals=0),
                "nps": lambda v: fmt.number(v),
                "csat": lambda v: fmt.pct(v, decimals=0),
                "retention_rate": lambda v: fmt.pct(v, decimals=0),
                "complaint_rate": lambda v: fmt.number(v, decimals=1),
                "avg_clv": fmt.money,
            },
            na_rep=na,
        )
        .hide(axis="index")
        .relabel_index(header, axis="columns")
        .set_caption(
            _(
                "Regions ranked by attainment (complaints per 100 active customers; CLV over "
                "{months} months)"
            ).format(months=clv_months)
        )
    )


# The first screen (cards, period in progress, actions, takeaways) lives in .screen.
from salesmeasure.kpi.text.screen import (  # noqa: E402, F401, I001
    CARD_NAMES, TOLD_BY_REVENUE, HTMLBlock, _card_html, action_text, cards_html,
    describe_scorecard, describe_takeaways, first_screen_html, report_href, takeaways,
)  # fmt: skip
