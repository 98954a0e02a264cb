"""The retention report's opening in words: the headline, three takeaways, the KPI
table and the first accounts to call (split from :mod:`salesmeasure.clv.text`)."""

from __future__ import annotations

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.clv.text import (  # noqa: F401, I001
    _col,
    _reps,
    customer_name,
    group_value,
    rep_label,
)  # fmt: skip
from salesmeasure.i18n import _, ngettext


def describe_headline(h) -> str:
    """The report's opening: the leading retention rate said in words with its
    definition, the revenue it kept, the value that can still be saved and who to call
    first (before any model is explained)."""
    from salesmeasure.kpi.text import recoverable_rule, retention_rule

    text = retention_rule() + " " + _(
        "{rate} of the {n} customers of the quarter before ordered again; they brought "
        "{kept} of the quarter's {revenue} ({share})."
    ).format(
        rate=fmt.pct(h.retention_rate), n=fmt.count(h.active_previous),
        kept=fmt.money(h.revenue_retained), revenue=fmt.money(h.revenue),
        share=fmt.pct(h.revenue_retained / h.revenue if h.revenue else 0.0, decimals=0),
    )  # fmt: skip
    if fmt.is_number(h.recoverable_value):
        text += " " + _(
            "Recoverable value: {value} expected over {months} months from {recoverable} "
            "customers who can still be kept; {lapsed} more have probably lapsed (win-back "
            "list below)."
        ).format(
            value=fmt.money(h.recoverable_value), months=h.months,
            recoverable=fmt.count(h.recoverable_customers), lapsed=fmt.count(h.lapsed_customers),
        ) + " " + recoverable_rule()  # fmt: skip
    if len(h.top):
        top = h.top
        names = [
            f"{customer_name(n, c)} ({r})"
            for n, r, c in zip(_col(top, "name"), _reps(top), top.index, strict=True)
        ]
        text += " " + _("Call first: {accounts}.").format(accounts=fmt.join(names))
    return text


# ------------------------------------------------------------------ retention
STEADY_POINTS = 0.5


def _link(key: str, text: str) -> str:
    from salesmeasure import glossary

    return glossary.link(key, text) if key in glossary.TERMS else text


def _retention_takeaway(h) -> str:
    rate = h.retention_rate
    base, when = h.retention_year_ago, _("a year earlier")
    if base is None or not fmt.is_number(base):
        base, when = h.retention_previous, _("the quarter before")
    share = h.revenue_retained / h.revenue if h.revenue else 0.0
    kept = _(
        "{rate} of the {n} customers who ordered in the quarter before ordered again, "
        "and they brought {kept} ({share} of the quarter's revenue)."
    ).format(
        rate=fmt.pct(rate), n=fmt.count(h.active_previous), kept=fmt.money(h.revenue_retained),
        share=fmt.pct(share, decimals=0),
    )  # fmt: skip
    if base is None or not fmt.is_number(base):
        return _("**Retention is {rate}.**").format(rate=fmt.pct(rate)) + " " + kept
    d = (rate - base) * 100
    if abs(d) < STEADY_POINTS:
        lead = _("**Retention is {rate}, about the same as {when} ({base}).**")
    elif d > 0:
        lead = _("**Retention is {rate}, up {points} points on {when} ({base}).**")
    else:
        lead = _("**Retention is {rate}, down {points} points on {when} ({base}).**")
    lead = lead.format(
        rate=fmt.pct(rate), when=when, base=fmt.pct(base), points=fmt.number(abs(d), decimals=1)
    )
    return lead + " " + kept


def _value_takeaway(h, risk=None) -> str:
    if not fmt.is_number(h.recoverable_value):
        return _("**Customer value could not be estimated for this view**, so no value is "
                 "shown as recoverable.")  # fmt: skip
    if h.recoverable_customers == 0:
        return _("**No customer is recoverable now**: every customer is either likely still "
                 "buying or has probably lapsed already.")  # fmt: skip
    total = h.total_value
    text = ngettext(
        "**{value} can still be saved**: the model expects it from {n} {recoverable} "
        "customer who may be going quiet, {share} of the {total} expected from all "
        "{customers} customers over the next {months} months.",
        "**{value} can still be saved**: the model expects it from {n} {recoverable} "
        "customers who may be going quiet, {share} of the {total} expected from all "
        "{customers} customers over the next {months} months.",
        h.recoverable_customers,
    ).format(
        value=fmt.money(h.recoverable_value), n=fmt.count(h.recoverable_customers),
        recoverable=_link("clv-recoverable", _("recoverable")),
        share=fmt.pct(h.recoverable_value / total if total else 0.0, decimals=0),
        total=fmt.money(total), customers=fmt.count(h.customers), months=fmt.count(h.months),
    )  # fmt: skip
    t = getattr(risk, "table", None)
    if t is not None and len(t) > 1 and t["recoverable_value"].sum() > 0:
        worst = t["recoverable_value"].idxmax()
        text += " " + _("{group} holds the most of it ({value}).").format(
            group=group_value(worst), value=fmt.money(t.loc[worst, "recoverable_value"])
        )
    return text


def _action_takeaway(h, call=None, winback=None) -> str:
    listed = call.frame if call is not None and not _is_missing(call) else pd.DataFrame()
    lost = winback.frame if winback is not None and not _is_missing(winback) else pd.DataFrame()
    parts = []
    if len(listed):
        first = listed.iloc[0]
        parts.append(
            ngettext(
                "**Call the {n} customer on the [call list](#call-list)** ({value} expected): "
                "{name} ({rep}, {first_value}).",
                "**Call the {n} customers on the [call list](#call-list) first** ({value} "
                "expected), starting with {name} ({rep}, {first_value}).",
                len(listed),
            ).format(
                n=fmt.count(len(listed)),
                value=fmt.money(listed["clv"].sum()),
                name=customer_name(first.get("name"), listed.index[0]),
                rep=rep_label(first.get("rep_id"), first.get("rep_name")),
                first_value=fmt.money(first["clv"]),
            )  # fmt: skip
        )
    else:
        parts.append(_("**No customer needs a retention call now.**"))
    if len(lost):
        gone = getattr(winback, "population", 0) or len(lost)
        gone_value = getattr(winback, "population_value", float("nan"))
        words = (
            ngettext(
                "{n} customer has already lapsed and is expected to bring only {value}; ",
                "{n} customers have already lapsed and are expected to bring only {value}; ",
                gone,
            ).format(n=fmt.count(gone), value=fmt.money(gone_value))
            if fmt.is_number(gone_value)
            else ""
        )
        words += ngettext(
            "the {n} who spent most ({past} in the past) is on the [win-back "
            "list](#win-back-list): a campaign, not a call.",
            "the {n} who spent most ({past} in the past) are on the [win-back "
            "list](#win-back-list): a campaign, not a call.",
            len(lost),
        ).format(n=fmt.count(len(lost)), past=fmt.money(lost["past_value"].sum()))
        parts.append(words[:1].upper() + words[1:] if not words[:1].isdigit() else words)
    return " ".join(parts)


def _is_missing(x) -> bool:
    from salesmeasure.errors import Missing

    return isinstance(x, Missing)


def takeaways(h, call=None, winback=None, risk=None) -> list[str]:
    """The report's three plain-language takeaways, from the numbers: where retention
    stands (against a year earlier, else the quarter before; "about the same" within
    :data:`STEADY_POINTS`), the value that can still be saved (and the group holding most
    of it), and what to do (the call list, then the win-back list).

    ``h`` is a :class:`~salesmeasure.clv.analysis.Headline`; ``call`` and ``winback`` the
    report's call and win-back lists and ``risk`` its value by region (each may be
    missing)."""
    risk = None if _is_missing(risk) else risk
    return [_retention_takeaway(h), _value_takeaway(h, risk), _action_takeaway(h, call, winback)]


def describe_takeaways(r) -> str | None:
    """The three takeaways of a :class:`~salesmeasure.clv.analysis.RetentionCLVReport` as a
    numbered Markdown list."""
    h = r.headline
    if h is None or _is_missing(h):
        return None  # the headline's cell right after says why
    items = takeaways(h, r.at_risk, r.winback, r.risk)
    return "\n".join(f"{i}. {t}" for i, t in enumerate(items, start=1))


def describe_definitions(h=None) -> str:
    """The two rules a reader needs for the opening numbers, in one paragraph."""
    from salesmeasure.kpi.text import recoverable_rule, retention_rule

    return retention_rule() + " " + recoverable_rule()


def headline_table(h) -> pd.DataFrame:
    """The opening KPIs: what each number is, its value and what it is measured on. A
    headline amount is what the model expects those customers to bring, never more."""
    share = h.revenue_retained / h.revenue if h.revenue else 0.0
    base = h.retention_year_ago
    if fmt.is_number(base):
        against = _("{base} a year earlier").format(base=fmt.pct(base))
    elif fmt.is_number(h.retention_previous):
        against = _("{base} the quarter before").format(base=fmt.pct(h.retention_previous))
    else:
        against = ""
    rate_detail = _("{n} customers of the quarter before").format(n=fmt.count(h.active_previous))
    known = fmt.is_number(h.recoverable_value)
    rows = [
        (_("Retention rate (headline measure)"), fmt.pct(h.retention_rate),
         rate_detail + (_("; ") + against if against else "")),
        (_("Revenue from retained customers"), fmt.money(h.revenue_retained),
         _("{share} of the quarter's {revenue}").format(
             share=fmt.pct(share, decimals=0), revenue=fmt.money(h.revenue))),
        (_("Recoverable value (can still be saved)"),
         fmt.money(h.recoverable_value) if known else fmt.missing(),
         ngettext("{n} customer, expected over {months} months",
                  "{n} customers, expected over {months} months", h.recoverable_customers)
         .format(n=fmt.count(h.recoverable_customers), months=fmt.count(h.months))),
        (_("Already lapsed (win-back)"),
         ngettext("{n} customer", "{n} customers", h.lapsed_customers)
         .format(n=fmt.count(h.lapsed_customers)),
         _("expected only {value} more").format(value=fmt.money(h.lapsed_value))
         if fmt.is_number(h.lapsed_value) and h.lapsed_customers else ""),
    ]  # fmt: skip
    return pd.DataFrame(
        {_("Value"): [r[1] for r in rows], _("Measured on"): [r[2] for r in rows]},
        index=pd.Index([r[0] for r in rows]),
    )


def top_accounts_table(h) -> pd.DataFrame | None:
    """The first accounts to call (the top of the call list): customer, rep by name,
    expected value and chance of still being active; ``None`` without any."""
    t = h.top
    if not len(t):
        return None
    return pd.DataFrame(
        {
            _("Call first"): [
                customer_name(n, c) for n, c in zip(_col(t, "name"), t.index, strict=True)
            ],
            _("Rep"): _reps(t),
            _("Expected value"): t["clv"].map(fmt.money_full).to_numpy(),
            _("Chance still active"): t["prob_alive"]
            .map(lambda v: fmt.pct(v, decimals=0))
            .to_numpy(),
        },
    )
