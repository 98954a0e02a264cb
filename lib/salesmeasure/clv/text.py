"""Every sentence and manager table of the retention and CLV report (notebook 03).

Each function takes one section of :class:`~salesmeasure.clv.analysis.RetentionCLVReport`
and returns a sentence (Markdown) or a table, in the current report language; numbers go
through :mod:`salesmeasure.format`. Group names of the data (regions, segments) are shown
as they are; the suite's own words (NPS groups, tiers, "region"/"segment") are translated.
"""

from __future__ import annotations

import math

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _, ngettext

__all__ = [
    "NPS_GROUP_LABELS",
    "TIER_LABELS",
    "describe_header",
    "describe_overview",
    "describe_cohorts",
    "describe_retention",
    "retention_table",
    "describe_survival",
    "describe_holdout",
    "holdout_table",
    "describe_prob_alive",
    "describe_value_method",
    "describe_value",
    "tier_table",
    "describe_at_risk",
    "call_list",
    "describe_value_at_risk",
    "group_label",
]

#: NPS groups (lower-case keys of :func:`salesmeasure.survey.latest_nps_group`) as shown.
NPS_GROUP_LABELS = {
    "promoter": N_("Promoter"),
    "passive": N_("Passive"),
    "detractor": N_("Detractor"),
    "unknown": N_("unknown"),
}
_NPS_GROUP_PLURALS = {
    "promoter": N_("Promoters"),
    "passive": N_("Passives"),
    "detractor": N_("Detractors"),
}
#: CLV tier names as shown.
TIER_LABELS = {
    "Platinum": N_("Platinum"),
    "Gold": N_("Gold"),
    "Silver": N_("Silver"),
    "Bronze": N_("Bronze"),
}
_BY_WORDS = {"region": N_("region"), "segment": N_("segment")}


def group_label(name) -> str:
    """An NPS group or tier key as shown (other names unchanged)."""
    key = str(name)
    table = NPS_GROUP_LABELS if key in NPS_GROUP_LABELS else TIER_LABELS
    return _(table[key]) if key in table else key


def _region_label(region: str) -> str:
    return _("All regions") if region == "all" else _("{region} region").format(region=region)


# ------------------------------------------------------------------ header, overview
def describe_header(overview) -> str:
    """``**All regions, 2026Q3** · data up to 30 Nov 2026``."""
    title = _("{region}, {period}").format(
        region=_region_label(overview.region), period=fmt.period(overview.period)
    )
    return _("**{title}** · data up to {date}").format(title=title, date=fmt.date(overview.as_of))


def describe_overview(overview) -> str:
    label = _("all regions") if overview.region == "all" else _region_label(overview.region)
    return ngettext(
        "{n} order worth {amount} in {period} ({region}).",
        "{n} orders worth {amount} in {period} ({region}).",
        overview.orders,
    ).format(
        n=fmt.count(overview.orders),
        amount=fmt.money(overview.revenue),
        period=fmt.period(overview.period),
        region=label,
    )


# ------------------------------------------------------------------ retention
def describe_cohorts(cohorts) -> str:
    shares = cohorts.shares
    q1 = shares[1].dropna() if 1 in shares else shares.iloc[:0, 0]
    y1 = shares[4].dropna() if 4 in shares else shares.iloc[:0, 0]
    text = ngettext(
        "{n} quarterly cohort, {customers} customers. ",
        "{n} quarterly cohorts, {customers} customers. ",
        len(shares),
    ).format(n=fmt.count(len(shares)), customers=fmt.count(cohorts.sizes.sum()))
    if len(q1):
        text += _(
            "On average {share} of a cohort ordered again in the quarter after its first order"
        ).format(share=fmt.pct(q1.mean()))
        if len(y1):
            text += _(
                ", and {share} were still ordering four quarters later; the latest cohort "
                "with a full year ({cohort}) kept {kept}."
            ).format(
                share=fmt.pct(y1.mean()),
                cohort=fmt.period(str(y1.index[-1])),
                kept=fmt.pct(y1.iloc[-1]),
            )
        else:
            text += "."
    return text


def describe_retention(section) -> str:
    total, rates, by = section.total, section.rates, section.by
    last = total.iloc[-1]
    year_ago = total[total["period_ordinal"] == last["period_ordinal"] - 4]
    latest = rates[rates["period_ordinal"] == last["period_ordinal"]].sort_values("retention_rate")
    rate = last["retention_rate"]
    text = _(
        "In {period}, {rate} (95% CI {low} to {high}) of the {n} customers active the "
        "quarter before ordered again: churn was {churn}"
    ).format(
        period=fmt.period(str(last["period"])),
        rate=fmt.pct(rate),
        low=fmt.pct(last["ci_low"]),
        high=fmt.pct(last["ci_high"]),
        n=fmt.count(last["active_previous"]),
        churn=fmt.pct(1 - rate),
    )
    if len(year_ago):
        text += _(" against {churn} a year earlier").format(
            churn=fmt.pct(1 - year_ago["retention_rate"].iloc[0])
        )
    text += "."
    if len(latest):
        text += _(" Lowest {by}: {low_name} ({low}); highest: {high_name} ({high}).").format(
            by=_(_BY_WORDS.get(by, by)),
            low_name=latest[by].iloc[0],
            low=fmt.pct(latest["retention_rate"].iloc[0]),
            high_name=latest[by].iloc[-1],
            high=fmt.pct(latest["retention_rate"].iloc[-1]),
        )
    text += _(" The table shows {period} retention by region and segment.").format(
        period=fmt.period(str(last["period"]))
    )
    return text


def retention_table(section):
    """Latest quarter's retention, regions by segments."""
    table = section.cells.pivot(index="region", columns="segment", values="retention_rate")
    table = table.rename_axis(index=None, columns=_("Region / segment"))
    return table.style.format(lambda v: fmt.pct(v, decimals=0), na_rep="-")


def describe_survival(section) -> str:
    lapses, survival = section.lapses, section.by_nps
    text = _("{share} of {n} customers have lapsed at least once. ").format(
        share=fmt.pct(lapses["lapsed"].mean()), n=fmt.count(len(lapses))
    )
    med = survival.medians.set_index("group")["median_days"]
    known = med.drop("unknown", errors="ignore").dropna()
    if len(known) >= 2:
        p = survival.logrank_pvalue
        p_text = "< 0.001" if p < 0.001 else f"= {fmt.number(p, decimals=3)}"
        text += _(
            "Half of the {slow} had lapsed {slow_days} days after their first order, against "
            "{fast_days} days for {fast} (log-rank p {p}). "
        ).format(
            slow=_(_NPS_GROUP_PLURALS.get(known.idxmax(), known.idxmax())),
            slow_days=fmt.number(known.max()),
            fast_days=fmt.number(known.min()),
            fast=_(_NPS_GROUP_PLURALS.get(known.idxmin(), known.idxmin())),
            p=p_text,
        )
    parts = [
        f"{r.group} "
        + (fmt.number(r.median_days) if not math.isnan(r.median_days) else _("not reached"))
        for r in section.by_segment.medians.itertuples()
    ]
    return text + _("Median days to lapse by segment: {medians}.").format(medians=fmt.join(parts))


# ------------------------------------------------------------------ purchase models
def describe_holdout(comparison) -> str:
    s = comparison.scores
    best = s.loc[comparison.best]
    text = _(
        "On {n} customers, {model} predicted {predicted} holdout purchases against {actual} "
        "actual ({error}), with a mean absolute error of {mae} purchases per customer"
    ).format(
        n=fmt.count(comparison.by_frequency["customers"].sum()),
        model=comparison.best,
        predicted=fmt.count(best["predicted_total"]),
        actual=fmt.count(best["actual_total"]),
        error=fmt.pct(best["total_error_pct"] / 100, signed=True),
        mae=fmt.number(best["mae"], decimals=3),
    )
    for name, row in s.drop(comparison.best).iterrows():
        text += f"; {name}: {fmt.number(row['mae'], decimals=3)}"
    return text + "."


def holdout_table(comparison):
    """Holdout scores per model."""

    def num(d):
        return lambda v: fmt.number(v, decimals=d)

    heads = {
        "mae": _("Mean absolute error"),
        "rmse": _("Root mean squared error"),
        "predicted_total": _("Predicted purchases"),
        "actual_total": _("Actual purchases"),
        "total_error_pct": _("Error of the total"),
        "log_likelihood": _("Log-likelihood"),
        "aic": _("AIC"),
    }
    scores = comparison.scores.rename_axis(_("Model"))
    return scores.style.format(
        {
            "mae": num(3),
            "rmse": num(3),
            "predicted_total": fmt.count,
            "actual_total": fmt.count,
            "total_error_pct": lambda v: fmt.pct(v / 100, signed=True),
            "log_likelihood": num(1),
            "aic": num(1),
        }
    ).relabel_index([heads.get(c, c) for c in scores.columns], axis="columns")


def describe_prob_alive(value) -> str:
    from salesmeasure.plots.clv import prob_alive_corner

    risky = value.values["prob_alive"] < 0.5
    return _(
        "{share} of the {n} customers are more likely gone than active (probability below "
        "50%). Customers who bought often but not recently ({corner} of the map) are the "
        "ones to call: they had a high rate and have gone quiet."
    ).format(
        share=fmt.pct(risky.mean()),
        n=fmt.count(len(value.values)),
        corner=prob_alive_corner(frequency_high=True, recency_high=False),
    )


# ------------------------------------------------------------------ value
_CHOICE = {
    "holdout": N_("chosen by the holdout check above"),
    "fallback": N_("the holdout winner did not converge on the whole history"),
    "no_holdout": N_("used without a holdout check: the history is too short for one"),
}


def describe_value_method(section) -> str:
    """What CLV means here, with the settings in words."""
    v = getattr(section, "value", section)
    text = _(
        "Expected discounted value of each customer's purchases over the next {months} "
        "months, at a {rate} monthly discount rate and a {margin} margin, from the {model} "
        "purchase model"
    ).format(
        months=fmt.count(v.months),
        rate=fmt.pct(v.discount_rate),
        margin=fmt.pct(v.margin, decimals=0),
        model=v.model,
    )
    if v.choice in _CHOICE:
        text += _(" ({why})").format(why=_(_CHOICE[v.choice]))
    return text + _(" and the Gamma-Gamma spend model.")


def _note(note) -> str:
    if note.code == "spend_frequency_correlated":
        return _(
            "frequency and monetary value are correlated (Pearson r = {r}); the Gamma-Gamma "
            "model assumes independence, so its spend estimates are biased"
        ).format(r=fmt.number(note.values["r"], decimals=2))
    if note.code == "holdout_winner_not_converged":
        return _("{best} did not converge on the whole history, so {used} is used").format(
            **note.values
        )
    return note.code


def describe_value(section) -> str:
    v, tiers = section.value, section.tiers
    top = tiers.frame.iloc[0]
    text = _(
        "The {n} customers are worth {total} over the next {months} months (discount {rate} "
        "a month, margin {margin}). The {tier} tier ({tier_n} customers) holds {share} of it."
    ).format(
        n=fmt.count(v.customers),
        total=fmt.money(v.total_clv),
        months=fmt.count(v.months),
        rate=fmt.pct(v.discount_rate),
        margin=fmt.pct(v.margin, decimals=0),
        tier=group_label(tiers.frame.index[0]),
        tier_n=fmt.count(top["customers"]),
        share=fmt.pct(top["clv_share"]),
    )
    for note in v.notes:
        text += _(" Note: {note}.").format(note=_note(note))
    return text


def tier_table(section):
    """Customers, value and value at risk per CLV tier."""
    t = section.tiers.frame.drop(columns="min_clv")
    t = t.rename(index=group_label).rename_axis(_("Tier"))
    heads = {
        "customers": _("Customers"),
        "clv": _("Expected value"),
        "clv_share": _("Share of value"),
        "mean_clv": _("Average per customer"),
        "mean_prob_alive": _("Average P(active)"),
        "value_at_risk": _("Value at risk"),
    }
    return t.style.format(
        {
            "customers": fmt.count,
            "clv": fmt.money_full,
            "clv_share": lambda v: fmt.pct(v),
            "mean_clv": fmt.money_full,
            "mean_prob_alive": lambda v: fmt.pct(v, decimals=0),
            "value_at_risk": fmt.money_full,
        }
    ).relabel_index([heads.get(c, c) for c in t.columns], axis="columns")


def call_list(at_risk) -> pd.DataFrame:
    """The at-risk call list for account managers."""
    t = at_risk.frame
    return pd.DataFrame(
        {
            _("Customer"): t["name"],
            _("Region"): t["region"],
            _("Segment"): t["segment"],
            _("Rep"): t["rep_id"],
            _("Purchase weeks"): (t["frequency"] + 1).astype(int),
            _("Weeks since last order"): t["periods_since_last"].astype(int),
            _("Past spend"): t["past_value"].map(fmt.money_full),
            _("P(active)"): t["prob_alive"].map(lambda v: fmt.pct(v, decimals=0)),
            _("Value at risk"): t["value_at_risk"].map(fmt.money_full),
        }
    ).rename_axis(_("Customer ID"))


def describe_at_risk(at_risk) -> str:
    t = at_risk.frame
    if not len(t):
        return _("No high-value customer has a probability of being active below 50%.")
    first = t.iloc[0]
    weeks = int(first["periods_since_last"])
    listed = ngettext(
        "{n} customer listed; {amount} of expected value is at risk if they have lapsed.",
        "{n} customers listed; together {amount} of expected value is at risk if they have "
        "lapsed.",
        len(t),
    ).format(n=fmt.count(len(t)), amount=fmt.money(t["value_at_risk"].sum()))
    first_one = ngettext(
        "The first, {name} ({rep}), last ordered {weeks} week ago.",
        "The first, {name} ({rep}), last ordered {weeks} weeks ago.",
        weeks,
    ).format(name=first["name"], rep=first["rep_id"], weeks=fmt.count(weeks))
    return listed + " " + first_one


def describe_value_at_risk(risk) -> str:
    var, worth = risk.total_value_at_risk, risk.total_clv
    worst = risk.table["value_at_risk"].idxmax()
    return _(
        "{risk} is at risk ({share} of the {whole} the base would be worth if every customer "
        "were still active); {worst} accounts for {worst_share} of it."
    ).format(
        risk=fmt.money(var),
        share=fmt.pct(var / (var + worth)),
        whole=fmt.money(var + worth),
        worst=worst,
        worst_share=fmt.pct(risk.table.loc[worst, "value_at_risk"] / var),
    )
