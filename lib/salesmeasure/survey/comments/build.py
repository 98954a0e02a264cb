"""The survey report's section "What customers say", computed in one call.

``voice(ctx, confidence=...)`` analyses every comment of the data set once (themes are
found on the company's comments, so a region's report shows its slice of the same
themes), then measures the report's period and region. Each part holds its result or a
:class:`~salesmeasure.errors.Missing` with one sentence on what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from salesmeasure import format as fmt
from salesmeasure.errors import InsufficientData, Missing, attempt
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.stats import MIN_N
from salesmeasure.survey.comments.analyse import CommentAnalysis, analyse_comments
from salesmeasure.survey.comments.measures import (
    ThemeDrivers,
    sentiment_agreement,
    slice_theme_drivers,
    theme_by_group,
    theme_change,
    theme_drivers,
    theme_shares,
    theme_trend,
    verbatims,
    who_says,
)
from salesmeasure.survey.drivers import DRIVERS_MIN_N
from salesmeasure.survey.scores import TOO_FEW, nps_group

__all__ = ["Voice", "voice", "analyse_survey_comments", "config_themes", "TREND_PERIODS"]

#: Periods of history in the theme trend.
TREND_PERIODS = 8

_MEMO: dict = {}


def config_themes(data_path) -> dict[str, tuple[str, ...]]:
    """``[comments.themes]`` of the ``salesmeasure.toml`` for ``data_path`` (empty when
    there is none)."""
    from salesmeasure import config

    return dict(config.find(str(data_path) if data_path else None).comment_themes)


def analyse_survey_comments(
    surveys: pd.DataFrame, *, themes: Mapping[str, Sequence[str]] | None = None
) -> CommentAnalysis:
    """:func:`~salesmeasure.survey.comments.analyse.analyse_comments` of a survey table's
    ``comment`` column, indexed by ``response_id``; remembered for the same comments and
    themes (every report of a batch shares one analysis)."""
    s = pd.Series(surveys["comment"].to_numpy(), index=surveys["response_id"].to_numpy())
    key = (
        pd.util.hash_pandas_object(s.fillna(""), index=True).sum(),
        len(s),
        tuple((k, tuple(v)) for k, v in sorted((themes or {}).items())),
    )
    if key not in _MEMO:
        _MEMO.clear()
        _MEMO[key] = analyse_comments(s, themes=themes)
    return _MEMO[key]


@dataclass(frozen=True)
class Voice:
    """What customers say in the report's period and region.

    Attributes
    ----------
    analysis : the :class:`CommentAnalysis` of the period's responses.
    n_responses, n_comments : responses and responses with a comment in the period.
    shares : :func:`theme_shares` (themes with at least one mention).
    drivers : :class:`ThemeDrivers` or Missing (too few complete responses).
    change : :func:`theme_change` against the previous period (or Missing).
    groups : :func:`theme_by_group`, detractors against promoters.
    sentiment : :func:`sentiment_agreement`.
    trend : :func:`theme_trend` over the last :data:`TREND_PERIODS` periods.
    who : :func:`who_says` by segment and region.
    verbatims : theme -> DataFrame of its typical comments.
    followup : the period's detractors with their comment, themes and sentiment.
    """

    analysis: CommentAnalysis
    n_responses: int
    n_comments: int
    period: str
    previous: str
    shares: pd.DataFrame
    drivers: ThemeDrivers | Missing
    change: pd.DataFrame | Missing
    groups: pd.DataFrame
    sentiment: pd.DataFrame
    trend: pd.DataFrame
    who: pd.DataFrame
    verbatims: dict
    followup: pd.DataFrame
    confidence: float

    @property
    def ranked(self) -> list[str]:
        """Themes in report order: by weight as a driver of NPS, then by share."""
        shown = [t for t in self.shares.index if self.shares.loc[t, "mentions"] > 0]
        if isinstance(self.drivers, ThemeDrivers):
            first = [t for t in self.drivers.table.index if t in shown]
        else:
            first = []
        rest = self.shares.loc[[t for t in shown if t not in first]]
        return first + list(rest.sort_values("share", ascending=False, kind="stable").index)


def _drivers(a: CommentAnalysis, current: pd.DataFrame, confidence: float) -> ThemeDrivers:
    sub = current.set_index("response_id")
    has = a.comments["has_text"]
    n = len(
        sub.loc[has[has].index].dropna(
            subset=["nps", "q_product_quality", "q_service_level", "q_after_sales"]
        )
    )
    if n < DRIVERS_MIN_N:
        raise InsufficientData(
            _(
                "Themes as drivers of NPS: {too_few} ({n} complete answers with a comment, "
                "{needed} needed)."
            ).format(too_few=_(TOO_FEW), n=fmt.count(n), needed=fmt.count(DRIVERS_MIN_N))
        )
    try:
        return theme_drivers(a, sub, confidence=confidence)
    except ValueError:
        raise InsufficientData(
            _("Themes as drivers of NPS: no theme is mentioned often enough to weigh.")
        ) from None


def _sliced_drivers(ctx, a_all, themes, now, current, confidence) -> ThemeDrivers:
    """Themes as drivers of NPS: fitted once on the company's answers of the period
    (:func:`salesmeasure.books.remembered`, shared by every report of a batch and a
    JupyterLab kernel); a region's report shows its slice (the company's weights, the
    region's own mentions and NPS with and without each theme)."""
    from salesmeasure import books

    data, period = ctx.data, ctx.period
    parts = (books.data_key(data), period.label, float(confidence),
             tuple((k, tuple(v)) for k, v in sorted((themes or {}).items())))  # fmt: skip

    def compute():
        company = data.slice(period=period, region="all").in_period("surveys")
        return _drivers(a_all.subset(company["response_id"].to_numpy()), company, confidence)

    company = books.remembered("theme_drivers", parts, compute)
    if ctx.region == "all":
        return company
    return slice_theme_drivers(company, now, current.set_index("response_id"),
                               region=ctx.region, confidence=confidence)  # fmt: skip


def _change(now: CommentAnalysis, before: CommentAnalysis, confidence: float) -> pd.DataFrame:
    if before.n_comments < MIN_N:
        raise InsufficientData(
            _(
                "Change on the previous period: {too_few} in the previous period ({n} comments)."
            ).format(too_few=_(TOO_FEW), n=fmt.count(before.n_comments))
        )
    return theme_change(now, before, confidence=confidence)


def _followup(a: CommentAnalysis, current: pd.DataFrame) -> pd.DataFrame:
    sub = current.set_index("response_id")
    det = sub[nps_group(sub["nps"]) == "detractor"]
    flags = a.flags.loc[det.index]
    cols = list(flags.columns)
    themes = [tuple(c for c, on in zip(cols, row, strict=True) if on) for row in flags.to_numpy()]
    out = pd.DataFrame(
        {
            "customer_id": det["customer_id"].to_numpy(),
            "survey_date": det["survey_date"].to_numpy(),
            "nps": det["nps"].to_numpy(),
            "comment": det["comment"].to_numpy(),
            "themes": themes,
            "sentiment": a.comments.loc[det.index, "sentiment"].to_numpy(),
        },
        index=det.index,
    )
    return out.sort_values(["nps", "sentiment", "survey_date"], kind="stable", na_position="last")


def voice(ctx, *, confidence: float = 0.95, themes: Mapping | None = None) -> Voice | Missing:
    """Themes and sentiment of the report's comments, with every measure of the section.

    Parameters
    ----------
    ctx : :class:`salesmeasure.report.ReportContext`.
    confidence : level of every interval and test.
    themes : extra theme terms; default ``[comments.themes]`` of the data's
        ``salesmeasure.toml``.

    Returns a :class:`~salesmeasure.errors.Missing` when the period has fewer than
    :data:`~salesmeasure.stats.MIN_N` comments (too few to read themes from).
    """
    return attempt(_voice, ctx, confidence=confidence, themes=themes)


def _voice(ctx, *, confidence, themes) -> Voice:
    if themes is None:
        themes = config_themes(getattr(ctx, "data_path", None))
    data = ctx.data
    allsurv = data.surveys
    a_all = analyse_survey_comments(allsurv, themes=themes)
    period = ctx.period
    previous = period.previous()
    current = ctx.view.in_period("surveys")
    before = data.slice(previous, ctx.region).in_period("surveys")
    now = a_all.subset(current["response_id"].to_numpy())
    prev = a_all.subset(before["response_id"].to_numpy())
    if now.n_comments < MIN_N:
        raise InsufficientData(
            _(
                "What customers say: {too_few} with a comment in {period} ({n}, {needed} needed)."
            ).format(
                too_few=_(TOO_FEW),
                period=fmt.period(period),
                n=fmt.count(now.n_comments),
                needed=fmt.count(MIN_N),
            )
        )
    shares = theme_shares(now, confidence=confidence)
    cur = current.set_index("response_id")
    kind = "M" if period.kind == "M" else "Q"
    hist = ctx.view.surveys
    start = period.shift(-(TREND_PERIODS - 1)).start if kind == period.kind else None
    hist = hist[hist["survey_date"] <= period.end]
    if start is not None:
        hist = hist[hist["survey_date"] >= start]
    labels = pd.Series(
        [
            Period.from_timestamp(d, kind, fiscal_start_month=data.fiscal_start_month).label
            for d in hist["survey_date"]
        ],
        index=hist["response_id"].to_numpy(),
    )
    a_hist = a_all.subset(labels.index)
    groups = pd.DataFrame(index=cur.index)
    cust = data.customers.set_index("customer_id")
    groups["segment"] = (
        cust["segment"].reindex(cur["customer_id"]).to_numpy() if "segment" in cust else None
    )
    if ctx.region == "all":
        groups["region"] = cur["region"].to_numpy() if "region" in cur else None
    groups = groups.dropna(axis=1, how="all")
    verb = {
        t: verbatims(now, cur["comment"], t)
        for t in now.themes.index
        if shares.loc[t, "mentions"] > 0
    }
    return Voice(
        analysis=now,
        n_responses=len(current),
        n_comments=now.n_comments,
        period=period.label,
        previous=previous.label,
        shares=shares,
        drivers=attempt(_sliced_drivers, ctx, a_all, themes, now, current, confidence),
        change=attempt(_change, now, prev, confidence),
        groups=theme_by_group(now, cur["nps"], confidence=confidence),
        sentiment=sentiment_agreement(now, cur, confidence=confidence),
        trend=theme_trend(a_hist, labels, confidence=confidence),
        who=who_says(now, groups),
        verbatims=verb,
        followup=_followup(now, current),
        confidence=confidence,
    )
