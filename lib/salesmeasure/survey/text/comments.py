"""The survey report's section "What customers say": sentences and tables on the
comments' themes and sentiment (:class:`~salesmeasure.survey.comments.build.Voice`).

A comment is customer text: every table that shows one returns a Styler whose cells are
HTML-escaped (``<script>`` reads as text, never runs), long comments are shortened, and
the customer's own words (a comment, the words of a found theme) are set in ``<q>``
quotation elements: a reader sees them quoted, and a check for untranslated text can
tell them from the report's own words.
"""

from __future__ import annotations

import html

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.i18n import N_, _
from salesmeasure.survey.comments.build import Voice
from salesmeasure.survey.comments.measures import ThemeDrivers
from salesmeasure.survey.text.common import _range, _too_few

__all__ = [
    "THEME_NAMES",
    "theme_name",
    "describe_voice",
    "themes_table",
    "verbatims_table",
    "followup_table",
    "sentiment_table",
    "trend_table",
    "describe_followup",
    "shorten",
]

#: Names of the seed themes (translated where shown).
THEME_NAMES = {
    "product_quality": N_("product quality"),
    "service_level": N_("service level"),
    "after_sales": N_("after-sales support"),
    "delivery": N_("delivery"),
    "price": N_("price"),
    "billing": N_("billing and invoices"),
}

#: Longest comment a table shows (characters); the rest is cut with "…".
SHOWN_CHARS = 200


def shorten(text, limit: int = SHOWN_CHARS) -> str:
    """A comment as a table shows it: whitespace collapsed, at most ``limit`` characters."""
    if not isinstance(text, str):
        return ""
    t = " ".join(text.split())
    return t if len(t) <= limit else t[: limit - 1].rstrip() + "…"


def quoted(text: str) -> str:
    """Customer text for HTML: escaped, inside a ``<q>`` quotation element."""
    return f"<q>{html.escape(text)}</q>"


def theme_name(theme: str, themes: pd.DataFrame | None = None, *, plain: bool = False) -> str:
    """A theme as a manager reads it: a seed theme's name, a configured theme's key, a
    found theme's top words ("found in the comments: <q>website / portal / ordering</q>";
    ``plain``: without the ``<q>`` element)."""
    if theme in THEME_NAMES:
        return _(THEME_NAMES[theme])
    if themes is not None and theme in themes.index and themes.loc[theme, "kind"] == "found":
        words = " / ".join(themes.loc[theme, "words"])
        return _("found in the comments: {words}").format(words=words if plain else quoted(words))
    return html.escape(theme.replace("_", " "))


def _pct(v) -> str:
    return fmt.pct(v, decimals=0) if fmt.is_number(v) else fmt.missing()


def _share(row) -> str:
    if bool(row["suppressed"]):
        return _too_few()
    return f"{_pct(row['share'])} ({_range(_pct(row['ci_low']), _pct(row['ci_high']))})"


def _escaped(df: pd.DataFrame, quote=()):
    """A Styler of ``df``: the ``quote`` columns (customer text) escaped inside ``<q>``,
    every other cell HTML-escaped unless it is already markup of this module."""
    styler = df.style
    for col in quote:
        styler = styler.format(
            lambda v: quoted(v) if isinstance(v, str) and v != fmt.missing() else v,
            subset=[col],
        )
    others = [c for c in df.columns if c not in quote and c != _("Theme") and c != _("Themes")]
    if others:
        styler = styler.format(escape="html", subset=others)
    if isinstance(df.index, pd.RangeIndex):
        styler = styler.hide(axis="index")
    return styler


def describe_voice(v: Voice) -> str:
    """How many commented, the theme that moves NPS most, and how well the comments'
    sentiment matches the scores."""
    text = (
        _("{n} of {total} responses in the period carry a comment.").format(
            n=fmt.count(v.n_comments), total=fmt.count(v.n_responses)
        )
        + " "
    )
    if isinstance(v.drivers, ThemeDrivers) and len(v.drivers.table):
        t = v.drivers.table
        top = t.index[0]
        row = t.iloc[0]
        apart = (
            row["nps_with_high"] < row["nps_without_low"]
            or row["nps_with_low"] > row["nps_without_high"]
        )
        if apart and row["n_with"] >= 30:  # clear: the two NPS intervals do not overlap
            text += (
                _(
                    "Of the themes, {theme} moves NPS most: commenters who mention it give an NPS "
                    "of {with_} against {without} for the others."
                ).format(
                    theme=theme_name(top, v.analysis.themes),
                    with_=fmt.number(row["nps_with"], decimals=0, signed=True),
                    without=fmt.number(row["nps_without"], decimals=0, signed=True),
                )
                + " "
            )
        if v.drivers.scope != "all":
            text += (
                _(
                    "The themes' weights are the company's, fitted once on every region's "
                    "comments; the mentions and NPS are {region}'s own."
                ).format(region=v.drivers.scope)
                + " "
            )
    if isinstance(v.change, pd.DataFrame):
        sig = v.change[v.change["significant"]]
        if len(sig):
            text += (
                _("Changed significantly on the previous period (Holm): {themes}.").format(
                    themes=fmt.join(
                        f"{theme_name(t, v.analysis.themes)} "
                        f"{fmt.number(100 * sig.loc[t, 'difference'], decimals=0, signed=True)}"
                        for t in sig.index
                    )
                )
                + " "
            )
        else:
            text += _("No theme's share changed significantly on the previous period (Holm).") + " "
    if "nps" in v.sentiment.index and not bool(v.sentiment.loc["nps", "suppressed"]):
        s = v.sentiment.loc["nps"]
        text += _(
            "The comments' tone matches the scores: Spearman's rho with NPS {rho} ({rho_range}); "
            "{agree} of clear comments agree in sign with the promoter or detractor answer."
        ).format(
            rho=fmt.number(s["rho"], decimals=2),
            rho_range=_range(
                fmt.number(s["rho_low"], decimals=2), fmt.number(s["rho_high"], decimals=2)
            ),
            agree=_pct(s["agree"]),
        )
    return text.strip()


def themes_table(v: Voice):
    """One row per theme, ranked by how much it moves NPS: share of comments, change on
    the previous period, share among detractors and promoters, weight as a driver, NPS
    with and without it, and where it is said most."""
    themes = v.analysis.themes
    drv = v.drivers.table if isinstance(v.drivers, ThemeDrivers) else None
    change = v.change if isinstance(v.change, pd.DataFrame) else None
    rows = []
    for t in v.ranked:
        r = {_("Theme"): theme_name(t, themes), _("Share of comments"): _share(v.shares.loc[t])}
        if change is not None:
            c = change.loc[t]
            r[_("Change on previous period")] = (
                _too_few()
                if bool(c["suppressed"])
                else fmt.number(100 * c["difference"], decimals=0, signed=True)
                + (" " + _("(significant)") if bool(c["significant"]) else "")
            )
        g = v.groups.loc[t]
        r[_("Detractors / promoters")] = (
            _too_few()
            if bool(g["suppressed"])
            else f"{_pct(g['share_a'])} / {_pct(g['share_b'])}"
            + (" " + _("(significant)") if bool(g["significant"]) else "")
        )
        if drv is not None:
            if t in drv.index:
                d = drv.loc[t]
                r[_("Weight in NPS")] = (
                    f"{fmt.pct(d['share'], decimals=1)} "
                    f"({_range(fmt.pct(d['ci_low'] / v.drivers.model.r_squared.value, decimals=1), fmt.pct(d['ci_high'] / v.drivers.model.r_squared.value, decimals=1))})"
                )
                r[_("NPS with / without")] = (
                    (
                        _too_few()
                        if d["n_with"] < 30
                        else fmt.number(d["nps_with"], decimals=0, signed=True)
                    )
                    + " / "
                    + fmt.number(d["nps_without"], decimals=0, signed=True)
                )
            else:
                r[_("Weight in NPS")] = _("too few mentions")
                r[_("NPS with / without")] = fmt.missing()
        who = v.who[v.who["theme"] == t]
        r[_("Said most by")] = (
            fmt.join(
                (f"{w['group']} {_pct(w['share'])}" for _i, w in who.iterrows()), kind="clauses"
            )
            or fmt.missing()
        )
        rows.append(r)
    return pd.DataFrame(rows)


def verbatims_table(v: Voice):
    """Two or three typical comments per theme (the closest to the theme's words),
    HTML-escaped, in the order of :func:`themes_table`."""
    rows = []
    for t in v.ranked:
        if bool(v.shares.loc[t, "suppressed"]):
            continue
        for text in v.verbatims.get(t, pd.DataFrame(columns=["text"]))["text"]:
            rows.append(
                {
                    _("Theme"): theme_name(t, v.analysis.themes),
                    _("What the customer wrote"): shorten(text),
                }
            )
    cols = [_("Theme"), _("What the customer wrote")]
    return _escaped(pd.DataFrame(rows, columns=cols), quote=[_("What the customer wrote")])


def trend_table(v: Voice) -> pd.DataFrame:
    """Share of comments per theme and period (columns: periods), suppressed below the
    minimum number of comments."""
    t = v.trend.copy()
    t["shown"] = [
        _too_few() if s else _pct(x) for s, x in zip(t["suppressed"], t["share"], strict=True)
    ]
    wide = t.pivot(index="theme", columns="period", values="shown")
    wide = wide.reindex([x for x in v.ranked if x in wide.index])
    wide.index = [theme_name(x, v.analysis.themes) for x in wide.index]
    wide.columns = [fmt.period(c) for c in wide.columns]
    return wide.rename_axis(_("Theme"))


def sentiment_table(v: Voice) -> pd.DataFrame:
    """The comments' sentiment checked against NPS and CSAT."""
    names = {"nps": _("NPS"), "csat": _("CSAT")}
    rows = []
    for m, s in v.sentiment.iterrows():
        if bool(s["suppressed"]):
            rows.append(
                {
                    _("Score"): names[m],
                    _("Spearman's rho"): _too_few(),
                    _("Agree in sign"): _too_few(),
                    _("Comments"): fmt.count(s["n"]),
                }
            )
            continue
        rows.append(
            {
                _("Score"): names[m],
                _("Spearman's rho"): f"{fmt.number(s['rho'], decimals=2)} "
                f"({_range(fmt.number(s['rho_low'], decimals=2), fmt.number(s['rho_high'], decimals=2))})",
                _("Agree in sign"): f"{_pct(s['agree'])} "
                f"({_range(_pct(s['agree_low']), _pct(s['agree_high']))})",
                _("Comments"): fmt.count(s["n"]),
            }
        )
    return pd.DataFrame(rows)


def followup_table(v: Voice, *, limit: int = 50):
    """The period's detractors to call back, lowest NPS and most negative comment first:
    customer, date, NPS, themes and the comment (HTML-escaped)."""
    f = v.followup.head(limit)
    themes = v.analysis.themes
    df = pd.DataFrame(
        {
            _("Customer"): f["customer_id"].astype(str).to_numpy(),
            _("Date"): [fmt.date(d) for d in f["survey_date"]],
            _("NPS"): [fmt.number(x, decimals=0) for x in f["nps"]],
            _("Themes"): [
                fmt.join(theme_name(t, themes) for t in ts) or fmt.missing() for ts in f["themes"]
            ],
            _("Comment"): [shorten(c) or fmt.missing() for c in f["comment"]],
        }
    )
    return _escaped(df, quote=[_("Comment")])


def describe_followup(v: Voice, *, limit: int = 50) -> str:
    """How many detractors to call back and how many are listed."""
    n = len(v.followup)
    if n == 0:
        return _("No detractor answered in the period.")
    text = _("{n} detractors answered in the period; call them back, starting at the top.").format(
        n=fmt.count(n)
    )
    if n > limit:
        text += " " + _("The first {limit} are listed.").format(limit=fmt.count(limit))
    return text
