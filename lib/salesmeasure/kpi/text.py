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
from salesmeasure.i18n import N_, _, ngettext
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


def describe_scorecard(card) -> str:
    """How many KPIs are on track, and (for a period in progress) how it is compared."""
    counts = card["status"].value_counts()
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
    return (
        lead
        + _(
            "Of {n} KPIs, {good}, {watch} and {bad}. "
            "Intervals are 95%; a change is called significant only when a test says so "
            "(revenue, customer counts and CLV are not sampled, so they are shown as they are)."
        ).format(
            n=len(card),
            good=ngettext("{k} is on track", "{k} are on track", good).format(k=good),
            watch=ngettext("{k} needs watching", "{k} need watching", watch).format(k=watch),
            bad=ngettext("{k} needs action", "{k} need action", bad).format(k=bad),
        )
        + (" " + retention_rule() if "retention_rate" in card else "")
    )


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
        detail = _e(_("Rated lowest ({mean} of 5, {poor} poor) and clearly important to NPS ("
                      ).format(mean=fmt.number(f["mean"], decimals=1),
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
