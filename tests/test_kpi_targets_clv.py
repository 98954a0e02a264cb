"""Average-CLV targets: the sampling model of the mean of per-customer values."""

import math

import numpy as np
import pytest

from salesmeasure.targets.kpi_targets import (
    clv_stats,
    minimum_detectable_change,
    p_attain,
    propose,
    simulate_next,
    standard_error,
)

VALUES = np.array([120.0, 80.0, 300.0, 45.0, 210.0, 150.0, 95.0, 400.0, 60.0, 175.0] * 8)


def test_clv_stats_is_the_plain_mean():
    st = clv_stats(np.append(VALUES, np.nan))
    assert st["n"] == VALUES.size
    assert st["value"] == pytest.approx(VALUES.mean())


def test_bootstrap_se_and_mde_match_closed_form():
    st = clv_stats(VALUES)
    closed = VALUES.std(ddof=1) / math.sqrt(VALUES.size)
    assert standard_error("clv", st) == pytest.approx(closed)
    sims = simulate_next("clv", st, draws=40_000, seed=1)
    # Bayesian bootstrap sd of the mean is sd(ddof=0)/sqrt(n+1) ~ closed form
    assert sims.std() == pytest.approx(closed, rel=0.03)
    assert sims.mean() == pytest.approx(VALUES.mean(), rel=0.005)
    z = 1.959963984540054 + 0.8416212335729143
    assert minimum_detectable_change("clv", st) == pytest.approx(z * math.sqrt(2) * closed)


def test_p_attain_and_proposal():
    st = clv_stats(VALUES)
    sims = simulate_next("clv", st, draws=40_000, seed=2)
    assert p_attain(sims, st["value"], "clv") == pytest.approx(0.5, abs=0.02)
    se = standard_error("clv", st)
    assert p_attain(sims, st["value"] + 6 * se, "clv") < 0.001
    prop = propose(sims, 0.6, "clv")
    assert prop == pytest.approx(np.quantile(sims, 0.4, method="inverted_cdf"))
    assert p_attain(sims, prop, "clv") == pytest.approx(0.6, abs=0.01)
