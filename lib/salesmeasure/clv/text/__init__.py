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
    "describe_headline",
    "headline_table",
    "takeaways",
    "describe_takeaways",
    "describe_definitions",
    "top_accounts_table",
    "describe_winback",
    "winback_list",
    "risk_table",
    "describe_value_at_risk",
    "group_label",
    "customer_name",
    "rep_label",
    "group_value",
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
    from salesmeasure.kpi.text import retention_rule

    text = (
        retention_rule()
        + " "
        + _(
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
    )
    if len(year_ago):
        text += _(" against {churn} a year earlier").format(
            churn=fmt.pct(1 - year_ago["retention_rate"].iloc[0])
        )
    text += "."
    if len(latest):
        text += _(" Lowest {by}: {low_name} ({low}); highest: {high_name} ({high}).").format(
            by=_(_BY_WORDS.get(by, by)),
            low_name=group_label(latest[by].iloc[0]),
            low=fmt.pct(latest["retention_rate"].iloc[0]),
            high_name=group_label(latest[by].iloc[-1]),
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
    text = _(
        "Ever lapsed (a different measure from the retention rate: a gap of {days} days or "
        "more without an order at any time in a customer's history): {share} of {n} "
        "customers. "
    ).format(
        share=fmt.pct(lapses["lapsed"].mean()), n=fmt.count(len(lapses)),
        days=fmt.count(section.lapse_days),
    )  # fmt: skip
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
        f"{group_label(r.group)} "
        + (fmt.number(r.median_days) if not math.isnan(r.median_days) else _("not reached"))
        for r in section.by_segment.medians.itertuples()
    ]
    return text + _("Median days to lapse by segment: {medians}.").format(medians=fmt.join(parts))


# ------------------------------------------------------------------ purchase models
def describe_holdout(comparison) -> str:
    s = comparison.scores
    best = s.loc[comparison.best]
    weeks = getattr(comparison, "duration", math.nan)
    text = ""
    if weeks == weeks:  # known
        text = ngettext(
            "The models were fitted on the histories up to {n} week before the period end. ",
            "The models were fitted on the histories up to {n} weeks before the period end. ",
            int(weeks),
        ).format(n=fmt.count(weeks))
    text += _(
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
        text += _("; ") + f"{name}: {fmt.number(row['mae'], decimals=3)}"
    text += "."
    caution = _forecast_caution(best["predicted_total"], best["actual_total"], comparison.best)
    return text + (" " + caution if caution else "")


def _forecast_caution(predicted, actual, model) -> str:
    from salesmeasure.clv.pipeline import FORECAST_TOLERANCE

    if not actual > 0:
        return ""
    off = predicted / actual - 1
    if abs(off) <= FORECAST_TOLERANCE:
        return ""
    words = (
        _("**Caution:** {model} over-forecast the holdout purchases by {error} (more than "
          "{tol} off), so the expected purchases and values below are likely too high.")
        if off > 0
        else _("**Caution:** {model} under-forecast the holdout purchases by {error} (more "
               "than {tol} off), so the expected purchases and values below are likely too low.")
    )  # fmt: skip
    return words.format(
        model=model, error=fmt.pct(abs(off)), tol=fmt.pct(FORECAST_TOLERANCE, decimals=0)
    )


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
        "Likely inactive now (a model estimate, a different measure from the retention "
        "rate): {share} of the {n} customers are more likely inactive than active (a "
        "probability of being active below 50%). Customers who bought often but not "
        "recently ({corner} of the map) are the ones to call: they had a high rate and "
        "have gone quiet."
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
    text += _(" and the Gamma-Gamma spend model.")
    from salesmeasure.clv.text.segments import describe_segments

    if seg := describe_segments(v):
        text += " " + seg
    for note in v.notes:
        if note.code == "zero_spend_repeaters":
            text += " " + ngettext(
                "Orders of zero value (free items) count as purchases; {n} repeat buyer "
                "whose repeat purchases were all free is left out of the spend model's fit "
                "(it needs a positive spend) and valued at the average spend shrunk towards "
                "their own zero.",
                "Orders of zero value (free items) count as purchases; {n} repeat buyers "
                "whose repeat purchases were all free are left out of the spend model's fit "
                "(it needs a positive spend) and valued at the average spend shrunk towards "
                "their own zero.",
                note.values["n"],
            ).format(n=fmt.count(note.values["n"]))
    return text


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
    if note.code == "holdout_forecast_off":
        vals = note.values
        words = (
            _("on the holdout, {model} predicted {predicted} purchases against {actual} "
              "actual ({error}, beyond the {tol} tolerance), so these values are likely "
              "too high")
            if vals["error"] > 0
            else _("on the holdout, {model} predicted {predicted} purchases against {actual} "
                   "actual ({error}, beyond the {tol} tolerance), so these values are likely "
                   "too low")
        )  # fmt: skip
        return words.format(
            model=vals["model"],
            predicted=fmt.count(vals["predicted"]),
            actual=fmt.count(vals["actual"]),
            error=fmt.pct(vals["error"], signed=True),
            tol=fmt.pct(vals["tolerance"], decimals=0),
        )
    return ""


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
        if words := _note(note):
            text += _(" Note: {note}.").format(note=words)
    return text


def _tier_risk(section) -> pd.DataFrame:
    risk = getattr(section, "risk", None)
    if risk is None:
        from salesmeasure.clv.analysis import tier_risk

        risk = tier_risk(section.value.values, section.tiers.tier)
    return risk


def tier_table(section):
    """Customers and expected value per CLV tier, and how much of it is recoverable (can
    still be saved) and how many of the tier's customers have already lapsed: a tier's
    recoverable value is part of its expected value, never more."""
    t = section.tiers.frame[["customers", "clv", "clv_share", "mean_clv", "mean_prob_alive"]]
    risk = _tier_risk(section)
    t = t.join(risk[["recoverable_customers", "recoverable_value", "lapsed_customers"]])
    t = t.rename(index=group_label).rename_axis(_("Tier"))
    heads = {
        "customers": _("Customers"),
        "clv": _("Expected value"),
        "clv_share": _("Share of value"),
        "mean_clv": _("Average per customer"),
        "mean_prob_alive": _("Average P(active)"),
        "recoverable_customers": _("Recoverable customers"),
        "recoverable_value": _("Recoverable value"),
        "lapsed_customers": _("Already lapsed"),
    }
    return t.style.format(
        {
            "customers": fmt.count,
            "clv": fmt.money_full,
            "clv_share": lambda v: fmt.pct(v),
            "mean_clv": fmt.money_full,
            "mean_prob_alive": lambda v: fmt.pct(v, decimals=0),
            "recoverable_customers": fmt.count,
            "recoverable_value": fmt.money_full,
            "lapsed_customers": fmt.count,
        }
    ).relabel_index([heads.get(c, c) for c in t.columns], axis="columns")


def _missing(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == ""


def customer_name(name, customer_id) -> str:
    """A customer as a manager reads them: the name, or the id when it has none."""
    return str(customer_id) if _missing(name) else str(name)


def rep_label(rep_id, name=None) -> str:
    """A rep by name (from the reps table), else by id; "no rep" for a customer no rep
    looks after (a house account)."""
    if not _missing(name):
        return str(name)
    return _("no rep") if _missing(rep_id) else str(rep_id)


def _reps(t: pd.DataFrame) -> list[str]:
    """The rep of each row of a customer list as shown (by name where the list has one)."""
    return [rep_label(r, n) for r, n in zip(_col(t, "rep_id"), _col(t, "rep_name"), strict=True)]


def group_value(v) -> str:
    """A region or segment of the data as shown; "not recorded" when it is missing."""
    return _("not recorded") if _missing(v) else str(v)


def _col(t: pd.DataFrame, name: str) -> pd.Series:
    return t[name] if name in t.columns else pd.Series(pd.NA, index=t.index, dtype=object)


def _customer_list(t: pd.DataFrame, extra: dict | None = None) -> pd.DataFrame:
    """A list of customers for account managers, one row each (a customer without a name
    is shown by id, one without a rep as "no rep": both are allowed in the data)."""
    return pd.DataFrame(
        {
            _("Customer"): [
                customer_name(n, c) for n, c in zip(_col(t, "name"), t.index, strict=True)
            ],
            _("Region"): _col(t, "region").map(group_value).to_numpy(),
            _("Segment"): _col(t, "segment").map(group_value).to_numpy(),
            _("Rep"): _reps(t),
            _("Purchase weeks"): (t["frequency"] + 1).astype(int).to_numpy(),
            _("Weeks since last order"): t["periods_since_last"].astype(int).to_numpy(),
            _("Past spend"): t["past_value"].map(fmt.money_full).to_numpy(),
            _("P(active)"): t["prob_alive"].map(lambda v: fmt.pct(v, decimals=0)).to_numpy(),
            **(extra or {}),
        },
        index=t.index,
    ).rename_axis(_("Customer ID"))


def call_list(at_risk) -> pd.DataFrame:
    """The call list: recoverable customers with the value a call can still save."""
    t = at_risk.frame
    return _customer_list(t, {_("Expected value"): t["clv"].map(fmt.money_full).to_numpy()})


def describe_at_risk(at_risk) -> str:
    """The call list: recoverable high-value customers (the rule said in one sentence)."""
    from salesmeasure.kpi.text import recoverable_rule

    t = at_risk.frame
    if not len(t):
        return recoverable_rule() + " " + _("No high-value customer is recoverable now.")
    first = t.iloc[0]
    weeks = int(first["periods_since_last"])
    population = getattr(at_risk, "population", 0)
    if population:
        whole = ngettext(
            "{n} customer is recoverable; the model expects {amount} from them over the "
            "horizon, the value a call can still save.",
            "{n} customers are recoverable; the model expects {amount} from them over the "
            "horizon, the value a call can still save.",
            population,
        ).format(n=fmt.count(population), amount=fmt.money(at_risk.population_value))
        listed = (
            whole
            + " "
            + ngettext(
                "The {n} listed, highest expected value first, hold {amount} of it.",
                "The {n} listed, highest expected value first, hold {amount} of it.",
                len(t),
            ).format(n=fmt.count(len(t)), amount=fmt.money(t["clv"].sum()))
        )
    else:
        listed = ngettext(
            "{n} recoverable customer listed; the model expects {amount} from them over the "
            "horizon, the value a call can still save.",
            "{n} recoverable customers listed; the model expects {amount} from them over the "
            "horizon, the value a call can still save.",
            len(t),
        ).format(n=fmt.count(len(t)), amount=fmt.money(t["clv"].sum()))
    first_one = ngettext(
        "The first, {name} ({rep}), last ordered {weeks} week ago.",
        "The first, {name} ({rep}), last ordered {weeks} weeks ago.",
        weeks,
    ).format(
        name=customer_name(first.get("name"), t.index[0]),
        rep=rep_label(first.get("rep_id"), first.get("rep_name")),
        weeks=fmt.count(weeks),
    )
    return recoverable_rule() + " " + listed + " " + first_one


def describe_winback(winback) -> str:
    """The win-back list: high-value customers who have probably lapsed already."""
    t = winback.frame
    if not len(t):
        return _("No high-value customer has lapsed.")
    population = getattr(winback, "population", 0)
    if population:
        return ngettext(
            "{n} customer has probably lapsed already (a chance below {low} of still being "
            "active); the model expects only {value} more from them. They are not counted "
            "as recoverable value: winning them back is a campaign, not a retention call.",
            "{n} customers have probably lapsed already (a chance below {low} of still being "
            "active); the model expects only {value} more from them. They are not counted "
            "as recoverable value: winning them back is a campaign, not a retention call.",
            population,
        ).format(
            n=fmt.count(population), low=fmt.pct(_lapsed_below(), decimals=0),
            value=fmt.money(winback.population_value),
        ) + " " + ngettext(
            "Listed: the {n} high-value one (past spend in the top fifth of all customers), "
            "{past} of past spend.",
            "Listed: the {n} high-value ones (past spend in the top fifth of all customers), "
            "most past spend first, {past} of past spend together.",
            len(t),
        ).format(n=fmt.count(len(t)), past=fmt.money(t["past_value"].sum()))  # fmt: skip
    return ngettext(
        "**Win-back list.** {n} high-value customer has probably lapsed already (a chance "
        "below 20% of still being active); past spend {past}. They are not counted as "
        "value at risk: winning them back is a campaign, not a retention call.",
        "**Win-back list.** {n} high-value customers have probably lapsed already (a chance "
        "below 20% of still being active); past spend {past}. They are not counted as "
        "value at risk: winning them back is a campaign, not a retention call.",
        len(t),
    ).format(n=fmt.count(len(t)), past=fmt.money(t["past_value"].sum()))


def winback_list(winback) -> pd.DataFrame:
    """The win-back list for account managers (customers who have probably lapsed)."""
    return _customer_list(winback.frame)


def describe_value_at_risk(risk) -> str:
    """Recoverable value by region (never more than those customers' expected value)."""
    t = risk.table
    rec = float(t["recoverable_value"].sum())
    text = _(
        "{recoverable} of the {whole} expected value is held by recoverable customers, the "
        "value that can still be saved."
    ).format(recoverable=fmt.money(rec), whole=fmt.money(float(t["clv"].sum())))
    if len(t) > 1 and rec > 0:
        worst = t["recoverable_value"].idxmax()
        text += " " + _("{worst} holds {worst_share} of it.").format(
            worst=group_label(worst), worst_share=fmt.pct(t.loc[worst, "recoverable_value"] / rec)
        )
    return text


def risk_table(risk) -> pd.DataFrame:
    """Customers, expected value and recoverable value per region, with the total: the
    regions add up to it."""
    t = risk.table
    if len(t) > 1:
        t = pd.concat([t, t.sum(numeric_only=True).to_frame(_("All regions")).T])
    return pd.DataFrame(
        {
            _("Customers"): t["customers"].astype(int).map(fmt.count),
            _("Expected value"): t["clv"].map(fmt.money_full),
            _("Recoverable customers"): t["recoverable_customers"].astype(int).map(fmt.count),
            _("Recoverable value"): t["recoverable_value"].map(fmt.money_full),
            _("Lapsed customers"): t["lapsed_customers"].astype(int).map(fmt.count),
        },
        index=t.index,
    ).rename_axis(_("Region"))


def _lapsed_below() -> float:
    from salesmeasure.clv.risk import LAPSED_BELOW

    return LAPSED_BELOW


# ------------------------------------------------------------------ opening (issue 19)
#: A change in retention smaller than this (in points) is said as "about the same".


# The opening (headline, takeaways, KPI table, first accounts) lives in .opening.
from salesmeasure.clv.text.opening import (  # noqa: E402, F401, I001
    describe_headline, _link, _retention_takeaway, _value_takeaway, _action_takeaway, _is_missing, takeaways, describe_takeaways, describe_definitions, headline_table, top_accounts_table, STEADY_POINTS,
)  # fmt: skip
