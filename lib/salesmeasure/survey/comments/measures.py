"""Numbers on the themes of the comments, each with its uncertainty.

* :func:`theme_shares` -- each theme's share of the comments (Wilson interval);
* :func:`theme_change` -- share now against the previous period, two-proportion z test,
  Holm across themes;
* :func:`theme_by_group` -- share among detractors against promoters (same test);
* :func:`theme_drivers` -- themes as 0/1 indicators beside the rated items in the
  key-driver model of NPS (Johnson's relative weights), and NPS with and without each;
* :func:`sentiment_agreement` -- the comment's sentiment against its own NPS and CSAT
  (Spearman's rho with a Fisher-z interval; share agreeing in sign, Wilson);
* :func:`theme_trend`, :func:`who_says` -- share per period; the region and segment
  where a theme is said most;
* :func:`verbatims` -- the most typical comments of a theme: closest (cosine) to the
  TF-IDF centroid of the theme's comments.

A share resting on fewer than :data:`~salesmeasure.stats.MIN_N` comments is marked
``suppressed`` (the text layer shows "too few responses"), as for scores.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
inference. JASA 22(158), 209-212.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian
Journal of Statistics 6(2), 65-70.
Fieller, E. C., Hartley, H. O., & Pearson, E. S. (1957). Tests for rank correlation
coefficients. I. Biometrika 44(3/4), 470-481 (the 1.06 / sqrt(n - 3) standard error).
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
predictor variables in multiple regression. Multivariate Behavioral Research 35(1), 1-19.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as st

from salesmeasure.stats import MIN_N, holm, wilson_interval, z_value
from salesmeasure.survey.comments.analyse import CommentAnalysis
from salesmeasure.survey.drivers import KeyDrivers, key_drivers
from salesmeasure.survey.scores import ITEMS, nps, nps_group

__all__ = [
    "MIN_MENTIONS",
    "slice_theme_drivers",
    "two_proportion_test",
    "theme_shares",
    "theme_change",
    "theme_by_group",
    "ThemeDrivers",
    "theme_drivers",
    "sentiment_agreement",
    "theme_trend",
    "who_says",
    "verbatims",
]

#: Fewest mentions for a theme to enter the driver model.
MIN_MENTIONS = 10


def two_proportion_test(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Two-sided pooled two-proportion z test; ``(z, p)`` (NaN when undefined).

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed., section 3.1.
    """
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan
    p = (k1 + k2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / se
    return z, float(2 * st.norm.sf(abs(z)))


def _with_text(a: CommentAnalysis) -> pd.DataFrame:
    return a.flags[a.comments["has_text"].to_numpy()]


def theme_shares(a: CommentAnalysis, *, confidence: float = 0.95) -> pd.DataFrame:
    """Each theme's share of the comments (responses with text): ``mentions, n, share,
    ci_low, ci_high, suppressed``, in the order of ``a.themes``."""
    f = _with_text(a)
    n = len(f)
    rows = []
    for t in a.themes.index:
        k = int(f[t].sum())
        lo, hi = wilson_interval(k, n, confidence)
        rows.append(
            {
                "mentions": k,
                "n": n,
                "share": k / n if n else math.nan,
                "ci_low": lo,
                "ci_high": hi,
                "suppressed": n < MIN_N,
            }
        )
    return pd.DataFrame(rows, index=a.themes.index)


def _compare_shares(fa: pd.DataFrame, fb: pd.DataFrame, names, confidence, alpha):
    na, nb = len(fa), len(fb)
    rows = []
    for t in names:
        ka, kb = int(fa[t].sum()), int(fb[t].sum())
        z, p = two_proportion_test(ka, na, kb, nb)
        pa, pb = (ka / na if na else math.nan), (kb / nb if nb else math.nan)
        q = z_value(confidence)
        se = math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb) if na and nb else math.nan
        rows.append(
            {
                "share_a": pa,
                "n_a": na,
                "share_b": pb,
                "n_b": nb,
                "difference": pa - pb,
                "ci_low": pa - pb - q * se,
                "ci_high": pa - pb + q * se,
                "z": z,
                "p_value": p,
                "suppressed": na < MIN_N or nb < MIN_N,
                "said": ka + kb > 0,
            }
        )
    out = pd.DataFrame(rows, index=pd.Index(list(names), name="theme"))
    # a theme nobody mentioned in either group is not a test (it would only dilute Holm)
    tested = ~out["suppressed"] & out["p_value"].notna() & out.pop("said")
    out["p_holm"] = np.nan
    if tested.any():
        out.loc[tested, "p_holm"] = holm(out.loc[tested, "p_value"].to_numpy())
    out["significant"] = tested & (out["p_holm"] < alpha)
    return out


def theme_change(
    now: CommentAnalysis, before: CommentAnalysis, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Share of each theme now (``share_a``) against the previous period (``share_b``):
    difference with a Wald interval, pooled two-proportion z test, Holm-adjusted
    ``p_holm`` across the themes tested, ``significant`` at ``1 - confidence``. A theme
    with fewer than :data:`~salesmeasure.stats.MIN_N` comments in either period is
    ``suppressed`` and not tested; so is a theme mentioned in neither."""
    return _compare_shares(
        _with_text(now), _with_text(before), now.themes.index, confidence, 1 - confidence
    )


def theme_by_group(
    a: CommentAnalysis, nps_scores: pd.Series, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Each theme's share among detractors (``share_a``) against promoters
    (``share_b``), tested as in :func:`theme_change` (Holm across themes)."""
    g = nps_group(pd.Series(nps_scores).reindex(a.comments.index))
    has = a.comments["has_text"]
    det = a.flags[has & (g == "detractor")]
    pro = a.flags[has & (g == "promoter")]
    return _compare_shares(det, pro, a.themes.index, confidence, 1 - confidence)


@dataclass(frozen=True)
class ThemeDrivers:
    """Result of :func:`theme_drivers`.

    Attributes
    ----------
    model : the :class:`~salesmeasure.survey.drivers.KeyDrivers` of NPS on the rated
        items and the theme indicators (responses with a comment and every item).
    table : DataFrame indexed by theme, ranked by relative weight: ``weight``,
        ``ci_low``/``ci_high``, ``share`` (of R^2), ``beta``, ``rank`` (among themes),
        ``mentions``; ``nps_with``/``nps_without`` and their intervals (NPS of the
        commenters who mention the theme and of those who do not), ``nps_gap``.
    left_out : themes with fewer than :data:`MIN_MENTIONS` mentions (not modelled).
    scope : ``"all"``, or the region whose slice of the company's model this is
        (:func:`slice_theme_drivers`).
    """

    model: KeyDrivers
    table: pd.DataFrame
    left_out: tuple[str, ...]
    scope: str = "all"


def theme_drivers(
    a: CommentAnalysis,
    surveys: pd.DataFrame,
    *,
    items=ITEMS,
    confidence: float = 0.95,
    n_boot: int = 500,
    seed: int = 0,
) -> ThemeDrivers:
    """Themes as drivers of NPS: Johnson's relative weights of the rated ``items`` and
    one 0/1 indicator per theme (commenters only; a theme never or almost never said
    cannot be weighed and is listed in ``left_out``).

    Raises
    ------
    ValueError
        Too few complete responses, or no theme mentioned often enough.
    """
    has = a.comments["has_text"].to_numpy()
    f = a.flags[has].astype(float)
    counts = f.sum()
    use = [t for t in a.themes.index if MIN_MENTIONS <= counts[t] <= len(f) - MIN_MENTIONS]
    left_out = tuple(t for t in a.themes.index if t not in use)
    if not use:
        raise ValueError("no theme is mentioned often enough to weigh as a driver")
    cols = {t: f"theme:{t}" for t in use}
    df = surveys.loc[f.index, [*items, "nps"]].join(f[use].rename(columns=cols))
    model = key_drivers(
        df, "nps", [*items, *cols.values()], confidence=confidence, n_boot=n_boot, seed=seed
    )
    t = model.table.loc[list(cols.values())].copy()
    t.index = pd.Index(use, name="theme")
    t["rank"] = t["weight"].rank(ascending=False, method="min").astype(int)
    t["mentions"] = counts[use].astype(int).to_numpy()
    scores = surveys.loc[f.index, "nps"]
    for col_name, mask in (("with", True), ("without", False)):
        ests = [nps(scores[(f[u] > 0) == mask], confidence=confidence) for u in use]
        t[f"nps_{col_name}"] = [e.value for e in ests]
        t[f"nps_{col_name}_low"] = [e.ci_low for e in ests]
        t[f"nps_{col_name}_high"] = [e.ci_high for e in ests]
        t[f"n_{col_name}"] = [e.n for e in ests]
    t["nps_gap"] = t["nps_with"] - t["nps_without"]
    t = t.sort_values(["rank", "mentions"], ascending=[True, False], kind="stable")
    return ThemeDrivers(model, t, left_out)


def slice_theme_drivers(
    company: ThemeDrivers,
    a: CommentAnalysis,
    surveys: pd.DataFrame,
    *,
    region: str,
    confidence: float = 0.95,
) -> ThemeDrivers:
    """A region's slice of the company's themes-as-drivers model (one set of books, as
    :func:`salesmeasure.survey.drivers.region_drivers` does for the rated areas): the
    company's weights, intervals, shares of R^2 and ranks, with the region's own
    ``mentions`` and NPS of the commenters who mention each theme and of those who do not
    (``a`` and ``surveys``: the region's comments and answers of the period)."""
    t = company.table.copy()
    has = a.comments["has_text"].to_numpy()
    f = a.flags[has].astype(float)
    use = [u for u in t.index if u in f.columns]
    t = t.loc[use]
    t["mentions"] = f[use].sum().astype(int).to_numpy()
    scores = surveys.loc[f.index, "nps"]
    for col_name, mask in (("with", True), ("without", False)):
        ests = [nps(scores[(f[u] > 0) == mask], confidence=confidence) for u in use]
        t[f"nps_{col_name}"] = [e.value for e in ests]
        t[f"nps_{col_name}_low"] = [e.ci_low for e in ests]
        t[f"nps_{col_name}_high"] = [e.ci_high for e in ests]
        t[f"n_{col_name}"] = [e.n for e in ests]
    t["nps_gap"] = t["nps_with"] - t["nps_without"]
    return ThemeDrivers(company.model, t, company.left_out, str(region))


def _spearman(x: np.ndarray, y: np.ndarray, confidence: float) -> dict:
    n = len(x)
    if n < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return {"rho": math.nan, "rho_low": math.nan, "rho_high": math.nan, "p_value": math.nan}
    res = st.spearmanr(x, y)
    rho = float(res.statistic)
    se = 1.06 / math.sqrt(n - 3)
    zr = math.atanh(max(min(rho, 0.999999), -0.999999))
    q = z_value(confidence)
    return {
        "rho": rho,
        "rho_low": math.tanh(zr - q * se),
        "rho_high": math.tanh(zr + q * se),
        "p_value": float(res.pvalue),
    }


def sentiment_agreement(
    a: CommentAnalysis, surveys: pd.DataFrame, *, confidence: float = 0.95
) -> pd.DataFrame:
    """The comment's sentiment against the same response's NPS and CSAT.

    Rows ``nps`` and ``csat``: ``n`` (comments with the score), ``rho`` (Spearman) with
    a Fisher-z interval (SE 1.06 / sqrt(n - 3)) and ``p_value``; ``agree`` = share of
    the comments with a clear sign on both sides (sentiment not 0; NPS promoter or
    detractor, CSAT 4-5 or 1-2) whose signs agree, with a Wilson interval and ``n_signed``.
    """
    sent = a.comments["sentiment"]
    rows = {}
    for metric, pos, neg in (("nps", 9, 6), ("csat", 4, 2)):
        if metric not in surveys:
            continue
        score = pd.to_numeric(surveys[metric].reindex(sent.index), errors="coerce")
        ok = sent.notna() & score.notna()
        x, y = sent[ok].to_numpy(float), score[ok].to_numpy(float)
        r = _spearman(x, y, confidence)
        sy = np.where(y >= pos, 1, np.where(y <= neg, -1, 0))
        sx = np.sign(x)
        signed = (sy != 0) & (sx != 0)
        k, m = int((sx[signed] == sy[signed]).sum()), int(signed.sum())
        lo, hi = wilson_interval(k, m, confidence)
        rows[metric] = {
            "n": int(ok.sum()),
            **r,
            "agree": k / m if m else math.nan,
            "agree_low": lo,
            "agree_high": hi,
            "n_signed": m,
            "suppressed": int(ok.sum()) < MIN_N,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def theme_trend(
    a: CommentAnalysis, periods: pd.Series, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Share of each theme per period (``periods``: a label per response): long table
    ``period, theme, mentions, n, share, ci_low, ci_high, suppressed``."""
    has = a.comments["has_text"]
    f = a.flags[has]
    per = pd.Series(periods).reindex(f.index)
    rows = []
    for p, grp in f.groupby(per, sort=True):
        n = len(grp)
        for t in a.themes.index:
            k = int(grp[t].sum())
            lo, hi = wilson_interval(k, n, confidence)
            rows.append(
                {
                    "period": p,
                    "theme": t,
                    "mentions": k,
                    "n": n,
                    "share": k / n if n else math.nan,
                    "ci_low": lo,
                    "ci_high": hi,
                    "suppressed": n < MIN_N,
                }
            )
    return pd.DataFrame(rows)


def who_says(a: CommentAnalysis, groups: pd.DataFrame) -> pd.DataFrame:
    """For each theme and each grouping column of ``groups`` (``segment``, ``region``):
    the group with the highest share among groups with at least
    :data:`~salesmeasure.stats.MIN_N` comments, its share and n, and the overall share.
    Columns ``theme, by, group, share, n, overall``; a grouping with fewer than two such
    groups is left out."""
    has = a.comments["has_text"]
    f = a.flags[has]
    rows = []
    for by in groups.columns:
        g = groups[by].reindex(f.index)
        sizes = g.value_counts()
        big = sizes[sizes >= MIN_N].index
        if len(big) < 2:
            continue
        shares = f[g.isin(big)].groupby(g[g.isin(big)]).mean()
        for t in a.themes.index:
            top = shares[t].sort_values(ascending=False, kind="stable")
            rows.append(
                {
                    "theme": t,
                    "by": by,
                    "group": top.index[0],
                    "share": float(top.iloc[0]),
                    "n": int(sizes[top.index[0]]),
                    "overall": float(f[t].mean()),
                }
            )
    return pd.DataFrame(rows, columns=["theme", "by", "group", "share", "n", "overall"])


def verbatims(a: CommentAnalysis, texts: pd.Series, theme: str, *, k: int = 3) -> pd.DataFrame:
    """The ``k`` most typical distinct comments of ``theme``: cosine similarity of each
    comment's TF-IDF row to the centroid of the theme's comments (every mention counts).
    Columns ``response, text, typicality``; most typical first, ties in text order."""
    has = a.comments["has_text"].to_numpy()
    member = a.flags[theme].to_numpy() & has
    if not member.any():
        return pd.DataFrame(columns=["response", "text", "typicality"])
    rows = a.text_index[member]
    x = a.tfidf
    centroid = np.asarray(x[rows].mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    uniq, first = np.unique(rows, return_index=True)
    sim = np.asarray(x[uniq] @ centroid).ravel() / (norm if norm > 0 else 1.0)
    order = np.lexsort((first, -sim))[:k]
    labels = a.comments.index[member][first[order]]
    return pd.DataFrame(
        {
            "response": labels,
            "text": pd.Series(texts).reindex(labels).to_numpy(),
            "typicality": sim[order],
        }
    )
