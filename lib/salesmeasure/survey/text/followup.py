"""The survey report's sentences and tables on what follows the survey: complaints,
repeat purchase by NPS group, and who answered."""

from __future__ import annotations

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _, ngettext
from salesmeasure.survey.build import Complaints
from salesmeasure.survey.loyalty import RetentionByNPS
from salesmeasure.survey.scores import TOO_FEW_COMPLAINTS
from salesmeasure.survey.text.common import _cap, _range, _too_few, metric_name

__all__ = ["complaints_table", "describe_complaints", "describe_retention", "responses_table"]


# --------------------------------------------------------------------------- complaints


def complaints_table(table) -> pd.DataFrame:
    """:func:`~salesmeasure.survey.complaints.complaint_metrics` (or a
    :class:`~salesmeasure.survey.build.Complaints`) formatted for managers."""
    if isinstance(table, Complaints):
        table = table.table
    too_few = _(TOO_FEW_COMPLAINTS)

    def days(r) -> str:
        if bool(r["suppressed"]):
            return too_few
        med = r["median_days_to_resolve"]
        if not fmt.is_number(med):
            return _("not reached")
        lo, hi = r["days_ci_low"], r["days_ci_high"]
        if fmt.is_number(lo) and fmt.is_number(hi):
            return f"{fmt.number(med)} ({_range(fmt.number(lo), fmt.number(hi))})"
        return fmt.number(med)

    def rate(v, lo, hi) -> str:
        if not fmt.is_number(v):
            return fmt.missing()
        d = {"decimals": 1}
        return f"{fmt.number(v, **d)} ({_range(fmt.number(lo, **d), fmt.number(hi, **d))})"

    def resolved(v, lo, hi, sup) -> str:
        if sup:
            return too_few
        if not fmt.is_number(v):
            return fmt.missing()
        p = {"decimals": 0}
        return f"{fmt.pct(v, **p)} ({_range(fmt.pct(lo, **p), fmt.pct(hi, **p))})"

    return pd.DataFrame(
        {
            _("Complaints"): [fmt.count(k) for k in table["complaints"]],
            _("Per 100 active customers"): [
                rate(*x)
                for x in zip(
                    table["per_100_active"],
                    table["rate_ci_low"],
                    table["rate_ci_high"],
                    strict=True,
                )
            ],
            _("Resolved"): [
                resolved(*x)
                for x in zip(
                    table["share_resolved"],
                    table["resolved_ci_low"],
                    table["resolved_ci_high"],
                    table["suppressed"],
                    strict=True,
                )
            ],
            _("Median days to resolve"): [days(r) for _i, r in table.iterrows()],
        },
        index=[_("All") if i == "All" else i for i in table.index],
    ).rename_axis(
        {"category": _("Category"), "region": _("Region")}.get(table.index.name, table.index.name)
    )


def describe_complaints(table, *, n_active: int | None = None) -> str:
    """Complaint volume, the biggest category and how fast complaints get resolved
    (``table`` may be a :class:`~salesmeasure.survey.build.Complaints`)."""
    if isinstance(table, Complaints):
        table, n_active = table.table, table.n_active
    a = table.loc["All"]
    k = int(a["complaints"])
    if k == 0:
        return _("No complaints were opened in the period ({n} active customers).").format(
            n=fmt.count(n_active)
        )
    cats = table.drop(index="All")
    opened = ngettext("{n} complaint was opened", "{n} complaints were opened", k).format(
        n=fmt.count(k)
    )
    if n_active:
        text = _(
            "{opened}: {rate} per 100 active customers ({rate_range}; {n} active customers). "
        ).format(
            opened=opened,
            rate=fmt.number(a["per_100_active"], decimals=1),
            rate_range=_range(
                fmt.number(a["rate_ci_low"], decimals=1), fmt.number(a["rate_ci_high"], decimals=1)
            ),
            n=fmt.count(n_active),
        )
    else:
        text = _(
            "{opened}; no customer ordered in the period, so there is no rate per customer. "
        ).format(opened=opened)
    if len(cats):
        top = cats["complaints"].idxmax()
        text += _("The largest category is {category} ({n}). ").format(
            category=top, n=fmt.count(cats.loc[top, "complaints"])
        )
    if bool(a["suppressed"]):
        return text + _("Too few complaints to report the share resolved or the time to resolve.")
    text += _("{share} are resolved").format(share=fmt.pct(a["share_resolved"], decimals=0))
    if fmt.is_number(a["median_days_to_resolve"]):
        text += _(
            "; half are resolved within {days} days (open complaints counted as still waiting)."
        ).format(days=fmt.number(a["median_days_to_resolve"]))
    else:
        text += _("; fewer than half are resolved so far.")
    return text


# --------------------------------------------------------------------------- retention


def describe_retention(res: RetentionByNPS) -> str:
    """How much more often promoters than detractors bought again."""
    t = res.table
    if t.loc[["promoter", "detractor"], "suppressed"].any():
        return _("Retention by NPS group: {too_few} in the promoter or detractor group.").format(
            too_few=_too_few()
        )
    d = res.difference
    pts = {"decimals": 0, "signed": True}
    text = _(
        "{promoters} of promoters ordered again within {days} days of their survey, against "
        "{detractors} of detractors: a gap of {gap} percentage points ({gap_range}). "
    ).format(
        promoters=fmt.pct(t.loc["promoter", "rate"], decimals=0),
        days=fmt.count(res.window_days),
        detractors=fmt.pct(t.loc["detractor", "rate"], decimals=0),
        gap=fmt.number(100 * d.value, **pts),
        gap_range=_range(fmt.number(100 * d.ci_low, **pts), fmt.number(100 * d.ci_high, **pts)),
    )
    p = fmt.pvalue(res.p_value)
    if res.p_value < 0.05 and d.ci_low > 0:
        text += _(
            "The link between NPS group and repeat purchase is statistically significant "
            "(chi-square {p})."
        ).format(p=p)
    elif res.p_value < 0.05:
        text += _(
            "NPS group and repeat purchase are related (chi-square), though the "
            "promoter-detractor gap is uncertain (chi-square {p})."
        ).format(p=p)
    else:
        text += _(
            "The data do not show a significant link between NPS group and repeat purchase "
            "(chi-square {p})."
        ).format(p=p)
    if res.p_value < 0.05:
        text += " " + _("It is an association, not proof that raising NPS causes repeat purchase.")
    if res.n_incomplete:
        text += " " + _(
            "{n} recently surveyed customers are left out until their {days}-day window has passed."
        ).format(n=fmt.count(res.n_incomplete), days=res.window_days)
    return text


# --------------------------------------------------------------------------- responses

_RESPONSE_ROWS = {
    "responses": N_("Responses"),
    "respondents": N_("Respondents"),
    "active customers": N_("Active customers"),
    "share of active customers surveyed": N_("Share of active customers surveyed"),
}


def responses_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """:func:`~salesmeasure.survey.complaints.response_metrics` formatted for managers."""
    txt, names = [], []
    for name, r in metrics.iterrows():
        name = str(name)
        if name in {"responses", "respondents", "active customers"}:
            txt.append(fmt.count(r["value"]))
        elif not fmt.is_number(r["value"]):
            txt.append(fmt.missing())
        else:
            txt.append(
                f"{fmt.pct(r['value'])} ({_range(fmt.pct(r['ci_low']), fmt.pct(r['ci_high']))})"
            )
        if name.startswith("answer rate: "):
            item = name.split(": ", 1)[1]
            names.append(_("Answer rate: {item}").format(item=metric_name(item)))
        else:
            names.append(_(_RESPONSE_ROWS[name]) if name in _RESPONSE_ROWS else _cap(name))
    return pd.DataFrame({_("Value"): txt}, index=pd.Index(names, name=_("Measure")))
