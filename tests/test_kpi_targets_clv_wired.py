"""An average-CLV target judged like every other KPI target (issue 22): kpi_targets()
takes the customers' values from the one set of books, as the scorecard's avg_clv does."""

from __future__ import annotations

import math
import tracemalloc
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta, norm

from salesmeasure import books
from salesmeasure.errors import InsufficientData
from salesmeasure.kpi.scorecard import scorecard
from salesmeasure.periods import Period
from salesmeasure.targets import kpi_targets as kt

Z_MDE = norm.ppf(0.975) + norm.ppf(0.8)


def _with_targets(dataset, rows):
    """``dataset`` with extra rows (period, region, rep_id, metric, target_amount)."""
    t = dataset.targets
    extra = pd.DataFrame(rows, columns=["period", "region", "rep_id", "metric", "target_amount"])
    extra = extra.astype({c: t[c].dtype for c in extra.columns if c in t.columns})
    return replace(dataset, targets=pd.concat([t, extra], ignore_index=True))


# ------------------------------------------------------------ the hand case
#: 240 customers worth 0 and 160 worth 1,000: the Bayesian bootstrap mean is exactly
#: 1,000 x Beta(160, 240) (a sum of Dirichlet(1, ..., 1) weights is Beta), close to a
#: normal with the mean 400 and se 1,000 sqrt(0.4 x 0.6 / 401).
HAND = np.r_[np.zeros(240), np.full(160, 1000.0)]
HAND_REP = np.r_[np.zeros(30), np.full(20, 1000.0)]
K, N = 160, 400


@pytest.fixture
def hand(sample, monkeypatch):
    def values(dataset, region, period, *, rep_id=None, **clv):
        assert region == "North" and period.label == "2026Q3"  # the base period
        assert clv["months"] == kt.DEFAULT_MONTHS
        return HAND if rep_id is None else HAND_REP

    monkeypatch.setattr(kt, "clv_values", values)
    return _with_targets(
        sample,
        [
            ("2026Q4", "North", "", "clv", 410.0),
            ("2026Q4", "North", "R01", "clv", 300.0),
        ],
    )


def test_clv_target_p_attain_and_proposal_by_hand(hand):
    r = kt.kpi_targets(hand, "2026Q4", region="North", metrics=("clv",), draws=40_000, seed=3)
    row = r.table[r.table["level"] == "region"].set_index("metric").loc["clv"]
    assert row["current"] == 400.0 and row["n"] == N == row["n_next"] and row["slope"] == 0.0
    # exact: P(1,000 B >= 410), B ~ Beta(160, 240); the normal approximation agrees
    exact = beta.sf(0.41, K, N - K)
    se = 1000 * math.sqrt(0.4 * 0.6 / (N + 1))
    assert exact == pytest.approx(norm.sf((410 - 400) / se), abs=0.01)
    assert row["target"] == 410.0 and row["p_attain"] == pytest.approx(exact, abs=0.01)
    # the proposal at 60%: the 40% quantile of the mean
    assert row["proposed"] == pytest.approx(1000 * beta.ppf(0.4, K, N - K), abs=0.05 * se)
    assert row["proposed"] == pytest.approx(400 + se * norm.ppf(0.4), abs=0.05 * se)
    assert row["p_proposed"] == pytest.approx(0.6, abs=0.01)
    # MDE: two independent periods of the same customers, se = sd / sqrt(n)
    mde = Z_MDE * math.sqrt(2) * HAND.std(ddof=1) / math.sqrt(N)
    assert row["mde"] == pytest.approx(mde)
    assert row["change"] == pytest.approx(10.0) and not row["measurable"] and not row["smart"]
    assert row["attainable"] == (0.5 <= round(exact, 2) <= 0.9)


def test_clv_rep_target_is_measured_on_the_reps_customers(hand):
    r = kt.kpi_targets(hand, "2026Q4", region="North", metrics=("clv",), draws=20_000)
    rep = r.table[r.table["level"] == "rep"].set_index("metric").loc["clv"]
    assert rep["owner"] == "R01" and rep["n"] == HAND_REP.size and rep["current"] == 400.0
    # a 100 drop on 50 customers: P(1,000 Beta(20, 30) >= 300) by hand
    assert rep["p_attain"] == pytest.approx(beta.sf(0.3, 20, 30), abs=0.01)


def test_clv_that_cannot_be_valued_is_skipped_with_the_reason(sample, monkeypatch):
    def fails(*a, **k):
        raise InsufficientData("too few repeat buyers to fit the CLV models")

    monkeypatch.setattr(kt, "clv_values", fails)
    r = kt.kpi_targets(sample, "2026Q4", region="North", metrics=("clv",), draws=1000)
    assert r.table.empty and r.skipped == {"clv": "too few repeat buyers to fit the CLV models"}


def test_metric_check_accepts_clv_and_names_the_valid_ones(sample):
    with pytest.raises(ValueError, match="clv"):
        kt.kpi_targets(sample, "2026Q4", metrics=("clv", "revenue"), draws=100)
    assert "clv" in kt.METRICS and "clv" not in kt.SAMPLED


# ------------------------------------------------------- the one number
@pytest.mark.parametrize(
    ("target_period", "region"), [("2026Q4", "North"), ("2026Q4", "all"), ("2027Q1", "South")]
)
def test_clv_current_is_the_scorecards_avg_clv(sample, target_period, region):
    """Same region and (base) period, one number; 2027Q1's base 2026Q4 is in progress on
    the sample's as-of date, so both cap the valuation at as_of."""
    r = kt.kpi_targets(sample, target_period, region=region, metrics=("clv",), draws=2000)
    base = Period.parse(target_period).previous()
    assert r.base == base.label
    card = scorecard(sample, base, region)
    row = r.table.set_index("metric").loc["clv"]
    assert row["current"] == card.table.loc["avg_clv", "value"]
    assert row["n"] == card.table.loc["avg_clv", "n"]


def test_clv_rep_current_is_the_books_value_of_the_reps_customers(sample):
    rep = str(sample.customers.loc[sample.customers["region"] == "North", "rep_id"].iloc[0])
    d = _with_targets(sample, [("2026Q4", "North", rep, "clv", 1.0)])
    r = kt.kpi_targets(d, "2026Q4", region="North", metrics=("clv",), draws=2000)
    row = r.table[r.table["level"] == "rep"].iloc[0]
    base = Period.parse("2026Q3")
    v = books.region_value(
        sample, "North", base.end, months=kt.DEFAULT_MONTHS,
        discount_rate=kt.DEFAULT_DISCOUNT_RATE, margin=kt.DEFAULT_MARGIN,
    ).values["clv"]  # fmt: skip
    mine = sample.customers.loc[sample.customers["rep_id"].astype(str) == rep, "customer_id"]
    assert row["owner"] == rep and row["current"] == pytest.approx(v[v.index.isin(mine)].mean())
    assert row["p_attain"] == 1.0  # a target of 1 (currency unit) is met by every draw


# ------------------------------------------------------------- memory
def test_chunked_bootstrap_equals_one_big_draw(monkeypatch):
    x = np.random.default_rng(5).gamma(2.0, 100.0, size=300)
    st = kt.clv_stats(x)
    assert kt.CLV_CHUNK == 500
    chunked = kt.simulate_next("clv", st, draws=1300, seed=7)  # 500 + 500 + 300
    whole = np.random.default_rng(7).dirichlet(np.ones(x.size), size=1300) @ x
    np.testing.assert_allclose(chunked, whole, rtol=1e-12)
    monkeypatch.setattr(kt, "CLV_CHUNK", 7)
    np.testing.assert_allclose(kt.simulate_next("clv", st, draws=1300, seed=7), whole, rtol=1e-12)


def test_4000_draws_of_20000_customers_never_hold_every_weight():
    x = np.random.default_rng(1).gamma(2.0, 100.0, size=20_000)
    st = kt.clv_stats(x)
    tracemalloc.start()
    try:
        sims = kt.simulate_next("clv", st, draws=4000, seed=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sims.shape == (4000,)
    assert peak < 4000 * 20_000 * 8 / 3  # all the weights at once would be 640 MB
