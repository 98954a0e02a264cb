"""Equal-probability allocation against hand computations with scipy.stats.norm."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from salesmeasure.targets.allocation import equal_probability, spread_ratio

R = 100_000


def stratified_normal(mu, sd):
    """Draws whose sample quantiles are the normal quantiles (stratified, no noise)."""
    u = (np.arange(R) + 0.5) / R
    return mu + sd * norm.ppf(u)


def test_independent_normal_owners_match_the_hand_computation():
    mu = np.array([100_000.0, 60_000.0, 40_000.0])
    sd = np.array([20_000.0, 15_000.0, 5_000.0])
    total = 190_000
    x = np.vstack([stratified_normal(m, s) for m, s in zip(mu, sd, strict=True)])
    eq = equal_probability(x, total, owners=["a", "b", "c"])
    # target_i = mu_i - z sd_i, sum = total  =>  z = (sum mu - total) / sum sd, p* = Phi(z)
    z = (mu.sum() - total) / sd.sum()
    assert eq.p_star == pytest.approx(norm.cdf(z), abs=1e-4)
    hand = mu - z * sd
    assert np.abs(eq.amounts.to_numpy() - hand).max() <= 2.0
    assert int(eq.amounts.sum()) == total
    assert eq.p_attain.to_numpy() == pytest.approx(np.full(3, norm.cdf(z)), abs=1e-3)


def test_sum_is_exact_in_whole_units():
    rng = np.random.default_rng(0)
    x = rng.gamma(5, 20_000, size=(7, 2000))
    for total in (500_000.4, 712_345.0, 1_000_001.0):
        eq = equal_probability(x, total)
        assert eq.amounts.dtype == np.int64
        assert int(eq.amounts.sum()) == round(total)


def test_identical_owners_split_evenly():
    one = stratified_normal(50_000.0, 10_000.0)
    eq = equal_probability(np.vstack([one, one, one, one]), 203_001)
    assert eq.amounts.max() - eq.amounts.min() <= 1
    assert int(eq.amounts.sum()) == 203_001
    # 4 x median = 200,000 < total, so each target is above its median: p* < 0.5
    assert eq.p_star == pytest.approx(norm.sf((203_001 / 4 - 50_000) / 10_000), abs=1e-4)


def test_portfolio_effect_owner_probability_below_the_total_probability():
    """Independent owners: the total at its own 60% point splits at p* < 60%."""
    mu, sd = np.full(4, 100.0), np.full(4, 10.0)
    x = np.vstack([stratified_normal(m, s) for m, s in zip(mu, sd, strict=True)])
    rng = np.random.default_rng(1)
    x = np.vstack([rng.permutation(r) for r in x])  # independent joint draws
    total = 400 + norm.ppf(0.4) * 20  # the sum's 40th percentile: P(total attained) = 60%
    eq = equal_probability(x, total)
    z = (400 - total) / 40
    assert eq.p_star == pytest.approx(norm.cdf(z), abs=1e-3) and eq.p_star < 0.6
    assert spread_ratio(x, x.sum(axis=0)) == pytest.approx(1.0)
