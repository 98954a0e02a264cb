"""Two planted truths for the target report (issue 22): a rep with a harder book, and a
change of level in one region's complaint rate.

Neither takes a draw from the simulation's main generator, so every other value of the
sample is the one drawn without them:

* :func:`hard_book` gives one rep (:data:`~salesmeasure.sample.params.HARD_BOOK`) the
  region's hardest customers by the strata the rep assessment adjusts for -- small or
  without revenue in the 12 months before the last complete quarter, and under three
  years with the company -- by swapping who holds whom inside the region: every rep keeps
  the number of customers drawn, and no customer goes to a rep hired after the
  customer's signup. The customers themselves (their orders, surveys and complaints) do
  not change; a customer's order amounts follow the skill of the rep who holds them.
* :func:`extra_complaints` draws extra complaints of one category in one region from a
  given month on (:data:`~salesmeasure.sample.params.CHANGE_POINT`) from a generator of
  their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from salesmeasure.sample.params import START

#: The tenure (years) under which a customer counts as new for the harder book.
HARD_TENURE_YEARS = 3.0


def reference_day(as_of: pd.Timestamp) -> int:
    """Day (from START) of the start of the last complete quarter before ``as_of``: the
    period the harder book is made hard for."""
    q = pd.Period(as_of, "Q")
    last = q if as_of.normalize() == q.end_time.normalize() else q - 1
    return int((last.start_time - START).days)


def hard_book(
    cust_rep: np.ndarray,
    *,
    rep: int,
    region: int,
    region_idx: np.ndarray,
    signup_day: np.ndarray,
    rep_hire_day: np.ndarray,
    revenue_by_order: np.ndarray,
    cust_of_order: np.ndarray,
    order_day: np.ndarray,
    ref_day: int,
) -> tuple[np.ndarray, dict]:
    """``cust_rep`` with rep ``rep`` holding its region's hardest customers.

    Hard: revenue in the 12 months before ``ref_day`` in the company's lowest third or
    none, and signed up under :data:`HARD_TENURE_YEARS` before ``ref_day`` (or after it).
    The rep keeps its book size: it takes hard customers -- first those who bought in the
    quarter before ``ref_day``, then the rest, each group in customer order -- up to its
    book size, and each customer it gives up goes to the colleague whose customer it
    took, the most recently hired colleague first and the latest signups to them, so
    that no one holds a customer who signed up before their hire (a swap that would is
    left undone). Returns the new ``cust_rep`` and a summary.
    """
    n = cust_rep.size
    ref = START + pd.Timedelta(days=ref_day)
    lo = int((ref - pd.DateOffset(months=12) - START).days)
    prev_q = pd.Period(ref, "Q") - 1
    pq_lo, pq_hi = (int((t.normalize() - START).days) for t in (prev_q.start_time, prev_q.end_time))
    win = (order_day >= lo) & (order_day < ref_day)
    rev = np.bincount(cust_of_order[win], weights=revenue_by_order[win], minlength=n)
    pos = rev[rev > 0]
    cut = np.quantile(pos, 1 / 3) if pos.size >= 3 else np.inf
    tenure = (ref_day - signup_day) / 365.25
    hard = (region_idx == region) & (rev <= cut) & (tenure < HARD_TENURE_YEARS)
    recent = np.zeros(n, bool)
    recent[cust_of_order[(order_day >= pq_lo) & (order_day <= pq_hi)]] = True
    book = np.flatnonzero(cust_rep == rep)
    pool = np.r_[np.flatnonzero(hard & recent), np.flatnonzero(hard & ~recent)]
    take = pool[: book.size]
    incoming = take[cust_rep[take] != rep]  # hard customers of colleagues
    outgoing = np.setdiff1d(book, take)  # the rep's customers it gives up
    outgoing = outgoing[: incoming.size]
    incoming = incoming[: outgoing.size]
    # the colleagues' places, most recently hired first; the latest signups go to them
    give = incoming[np.argsort(-rep_hire_day[cust_rep[incoming]], kind="stable")]
    back = outgoing[np.argsort(-signup_day[outgoing], kind="stable")]
    out = cust_rep.copy()
    swaps = 0
    for h, e in zip(give, back, strict=True):
        colleague = cust_rep[h]
        if rep_hire_day[colleague] <= signup_day[e]:
            out[h], out[e] = rep, colleague
            swaps += 1
    summary = {"hard_customers_in_region": int(hard.sum()), "swaps": int(swaps)}
    return out, summary


def extra_complaints(
    seed: int,
    *,
    region: int,
    region_idx: np.ndarray,
    signup_day: np.ndarray,
    active_end: np.ndarray,
    from_day: int,
    rate_per_year: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Extra complaints of the region's customers while active from ``from_day`` on, a
    Poisson process of ``rate_per_year`` per customer, from the generator
    ``default_rng([seed, 22])`` (the main generator is not touched).

    Returns ``customer, opened_day, severity_idx, days_to_resolve, never`` per complaint
    (severity and resolution drawn as the sample's other complaints are).
    """
    rng = np.random.default_rng([int(seed), 22])
    start = np.maximum(signup_day, from_day)
    years = np.where(region_idx == region, np.maximum(active_end - start + 1, 0), 0) / 365.25
    k = rng.poisson(rate_per_year * years)
    cc = np.repeat(np.arange(signup_day.size), k)
    span = active_end[cc] - start[cc] + 1
    day = start[cc] + (rng.random(cc.size) * span).astype(int)
    severity_idx = rng.choice(3, size=cc.size, p=[0.55, 0.33, 0.12])
    days_to_resolve = np.ceil(rng.gamma(2.0, np.array([3.0, 5.0, 9.0])[severity_idx]))
    never = rng.random(cc.size) < 0.03
    return cc, day, severity_idx, days_to_resolve, never
