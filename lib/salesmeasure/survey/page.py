"""What the survey report's page puts in front of a manager (issue 19): the NPS 0-10
distribution, responses per period, the detractors to follow up ordered by what the
customer is worth, and the one area to fix first.

* :func:`nps_distribution` -- answers per score 0..10, this period and the one before;
* :func:`response_history` -- responses and the share of active customers who answered,
  per period, for the last :data:`HISTORY_PERIODS` periods;
* :func:`follow_up` -- the period's detractors with name, date, score, comment, open
  complaints at the period end, rep by name and expected value (the company's customer
  value, :func:`salesmeasure.books.region_value`, the figures the retention report shows);
* :func:`driver_priority` -- the lowest-rated area among those that clearly matter, or no
  clear priority when the importances' intervals overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from salesmeasure.absent import absent_sentence, has_table
from salesmeasure.errors import InsufficientData, Missing, attempt
from salesmeasure.i18n import _
from salesmeasure.periods import Period
from salesmeasure.stats import proportion
from salesmeasure.survey.drivers import KeyDrivers
from salesmeasure.survey.scores import nps_group

__all__ = [
    "HISTORY_PERIODS",
    "FollowUp",
    "Priority",
    "driver_priority",
    "follow_up",
    "nps_distribution",
    "open_complaints",
    "response_history",
]

#: Periods shown in the responses-per-period table.
HISTORY_PERIODS = 8


# ------------------------------------------------------------------ distribution
def nps_distribution(current: pd.DataFrame, before: pd.DataFrame | None = None) -> pd.DataFrame:
    """Answers to the NPS question per score 0..10: ``count`` and ``share`` of the
    period's NPS answers, ``group`` (detractor 0-6, passive 7-8, promoter 9-10) and, when
    ``before`` is given, ``count_before`` / ``share_before``. Shares of a period without
    an NPS answer are NaN."""
    scores = pd.Index(range(11), name="score")

    def counts(df):
        s = pd.to_numeric(df["nps"], errors="coerce").dropna().round().astype(int)
        return s.value_counts().reindex(scores, fill_value=0).astype(int)

    c = counts(current)
    out = pd.DataFrame({"count": c}, index=scores)
    n = int(c.sum())
    out["share"] = c / n if n else math.nan
    out["group"] = nps_group(pd.Series(scores, index=scores, dtype=float)).to_numpy()
    if before is not None:
        b = counts(before)
        nb = int(b.sum())
        out["count_before"] = b
        out["share_before"] = b / nb if nb else math.nan
    return out


# ------------------------------------------------------------------ responses per period
def response_history(ctx, *, periods: int = HISTORY_PERIODS, confidence: float = 0.95):
    """Responses per period for the last ``periods`` periods of the report's kind, ending
    with the report's period, in the report's region.

    Columns: ``period`` (label), ``responses``, ``respondents`` (distinct customers),
    ``active`` (customers who ordered in the period: the denominator, since the data
    does not record the surveys sent), ``answered`` (active customers who answered),
    ``rate`` = answered / active with its Wilson interval ``ci_low``/``ci_high``.
    Periods before the first survey are left out."""
    view = ctx.view
    surveys, orders = view.surveys, view.orders
    if surveys.empty:
        raise InsufficientData(_("No survey answers yet, so there are no response counts to show."))
    first = pd.Timestamp(surveys["survey_date"].min())
    rows = []
    for k in range(periods - 1, -1, -1):
        p: Period = ctx.period.shift(-k)
        if p.end < first:
            continue
        s = surveys[(surveys["survey_date"] >= p.start) & (surveys["survey_date"] <= p.end)]
        o = orders[(orders["order_date"] >= p.start) & (orders["order_date"] <= p.end)]
        active = pd.Index(o["customer_id"].unique())
        resp = pd.Index(s["customer_id"].unique())
        answered = int(active.isin(resp).sum())
        e = proportion(answered, len(active), confidence=confidence)
        rows.append(
            {
                "period": p.label,
                "responses": len(s),
                "respondents": len(resp),
                "active": len(active),
                "answered": answered,
                "rate": e.value if len(active) else math.nan,
                "ci_low": e.ci_low if len(active) else math.nan,
                "ci_high": e.ci_high if len(active) else math.nan,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ follow-up list
def open_complaints(complaints: pd.DataFrame, at) -> pd.Series:
    """Complaints open at ``at`` per customer: opened on or before ``at`` and not resolved
    by then (resolved later, or not at all)."""
    at = pd.Timestamp(at)
    opened = pd.to_datetime(complaints["opened_date"])
    resolved = pd.to_datetime(complaints["resolved_date"])
    is_open = (opened <= at) & (resolved.isna() | (resolved > at))
    return complaints.loc[is_open.to_numpy(), "customer_id"].value_counts()


@dataclass(frozen=True)
class FollowUp:
    """The period's detractors to call back, most valuable customer first.

    Attributes
    ----------
    table : one row per customer who answered as a detractor in the period, from their
        latest such answer: ``response_id``, ``customer_id``, ``name`` (the customer's
        name; the id when the customer has none), ``survey_date``, ``nps``, ``answers``
        (the customer's detractor answers in the period), ``comment``, ``open_complaints`` (complaints open at the period end; NA
        when the data has no complaints table), ``rep_id``, ``rep`` (the rep's name; the
        id when reps.csv has no name; empty for a house account), ``value`` (expected
        customer value; NaN when the customer is not valued).
    period : label of the period.
    at : the date open complaints are counted at (period end, or the data's end while
        the period is running).
    complaints_absent : the data has no complaints table (open complaints unknown, not 0).
    value_missing : why there are no customer values (then the list is ordered by score
        and date), or None.
    """

    table: pd.DataFrame
    period: str
    at: pd.Timestamp
    complaints_absent: bool
    value_missing: str | None

    @property
    def n(self) -> int:
        return len(self.table)


def _names(df: pd.DataFrame, key: str) -> pd.Series:
    if df is None or df.empty or "name" not in df.columns:
        return pd.Series(dtype=object)
    s = df.drop_duplicates(key).set_index(key)["name"]
    return s[s.notna() & (s.astype(str).str.strip() != "")].astype(str)


def follow_up(
    ctx,
    *,
    months: int | None = None,
    discount_rate: float | None = None,
    margin: float | None = None,
    holdout_weeks: int = 0,
    values: pd.Series | None = None,
) -> FollowUp | Missing:
    """The period's detractors (NPS 0-6) in the report's region, one row per customer
    (their latest detractor answer), ordered by the customer's expected value (highest first; unvalued customers last, then lowest score, earliest
    answer).

    The values are the company's customer values sliced to the region
    (:func:`salesmeasure.books.region_value` at the retention report's defaults and its
    valuation date), so a customer has the same value here as in the retention report.
    ``values`` (customer id -> value) replaces them (tests). Without a surveys table in
    the data: a :class:`~salesmeasure.errors.Missing` saying so."""
    from salesmeasure import books
    from salesmeasure.clv.pipeline import DEFAULT_DISCOUNT_RATE, DEFAULT_MARGIN, DEFAULT_MONTHS

    if not has_table(ctx.data, "surveys"):  # no survey data is not "no detractors"
        return Missing(absent_sentence("surveys"))
    view, p = ctx.view, ctx.period
    end = p.end if view.as_of is None else min(p.end, pd.Timestamp(view.as_of))
    current = view.in_period("surveys")
    det = current[(nps_group(current["nps"]) == "detractor").fillna(False).to_numpy(bool)]
    # one call per customer: their latest detractor answer of the period
    answers = det["customer_id"].astype(str).value_counts()
    det = det.sort_values(["survey_date", "response_id"], ascending=False, kind="stable")
    det = det.drop_duplicates("customer_id", keep="first")
    value_missing = None
    if values is None:
        cv = attempt(
            books.region_value, ctx.data, ctx.region, end,
            months=months or DEFAULT_MONTHS,
            discount_rate=DEFAULT_DISCOUNT_RATE if discount_rate is None else discount_rate,
            margin=DEFAULT_MARGIN if margin is None else margin,
            holdout_weeks=holdout_weeks,
        )  # fmt: skip
        if isinstance(cv, Missing):
            value_missing, values = cv.reason, pd.Series(dtype=float)
        else:
            values = cv.values["clv"]
    customers = ctx.data.customers
    names = _names(customers, "customer_id")
    rep_of = (
        customers.drop_duplicates("customer_id").set_index("customer_id")["rep_id"]
        if "rep_id" in customers.columns
        else pd.Series(dtype=object)
    )
    rep_names = _names(ctx.data.reps, "rep_id")
    ids = det["customer_id"].astype(str)
    rep_ids = rep_of.reindex(ids.to_numpy()).to_numpy()
    absent = not has_table(ctx.data, "complaints")
    if absent:
        open_n = pd.array([pd.NA] * len(det), dtype="Int64")
    else:
        counts = open_complaints(ctx.data.complaints, end)
        open_n = pd.array(counts.reindex(ids.to_numpy(), fill_value=0).to_numpy(), dtype="Int64")

    def rep_word(r) -> str:
        if not isinstance(r, str) or not r.strip():
            return ""
        return str(rep_names.get(r, r))

    out = pd.DataFrame(
        {
            "response_id": det["response_id"].to_numpy(),
            "customer_id": ids.to_numpy(),
            "name": [str(names.get(c, c)) for c in ids],
            "survey_date": det["survey_date"].to_numpy(),
            "nps": det["nps"].to_numpy(),
            "answers": answers.reindex(ids.to_numpy()).to_numpy(int),
            "comment": det["comment"].to_numpy() if "comment" in det else None,
            "open_complaints": open_n,
            "rep_id": rep_ids,
            "rep": [rep_word(r) for r in rep_ids],
            "value": pd.to_numeric(values.reindex(ids.to_numpy()), errors="coerce").to_numpy(float),
        }
    )
    out = out.sort_values(
        ["value", "nps", "survey_date"], ascending=[False, True, True], kind="stable",
        na_position="last",
    ).reset_index(drop=True)  # fmt: skip
    return FollowUp(out, p.label, end, absent, value_missing)


# ------------------------------------------------------------------ driver priority
@dataclass(frozen=True)
class Priority:
    """The area to fix first, from the key drivers.

    ``driver`` is the lowest-rated (lowest mean score) of the areas that clearly matter,
    or None; ``reason``: ``"priority"`` (a driver is named), ``"overlap"`` (every pair of
    importance intervals overlaps, so no area can be said to matter more than another:
    no clear priority) or ``"well rated"`` (the areas that clearly matter score at or
    above the average of the areas). ``important``: the areas whose importance interval
    lies wholly above another area's interval; ``lowest``: the lowest-rated area of all.
    """

    driver: str | None
    reason: str
    important: tuple[str, ...]
    lowest: str
    table: pd.DataFrame


def driver_priority(kd: KeyDrivers) -> Priority:
    """Which area to fix first (see :class:`Priority`).

    An area *clearly matters* when its bootstrap interval of importance (relative
    weight) lies wholly above the interval of at least one other area. When no interval
    is clear of another, the importances overlap: "no clear priority". Otherwise the
    priority is the lowest-rated of the areas that clearly matter, provided it scores
    below the average of the areas' mean scores."""
    return priority_of(kd.table)


def priority_of(t: pd.DataFrame) -> Priority:
    """:func:`driver_priority` on a plain table indexed by area, with ``ci_low``,
    ``ci_high`` (the importance interval) and ``mean`` (the average score): the one rule
    the survey page and the executive summary's action both apply."""
    lo, hi = t["ci_low"], t["ci_high"]
    important = tuple(d for d in t.index if any(lo[d] > hi[o] for o in t.index if o != d))
    lowest = str(t["mean"].idxmin())
    if not important:
        return Priority(None, "overlap", (), lowest, t)
    cand = t.loc[list(important), "mean"]
    pick = str(cand.idxmin())
    if float(cand.min()) >= float(np.mean(t["mean"])):
        return Priority(None, "well rated", important, lowest, t)
    return Priority(pick, "priority", important, lowest, t)
