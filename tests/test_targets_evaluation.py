"""Periodic evaluation (salesmeasure.targets.evaluation): control charts by hand, a
planted change point recovered, and the evaluation of the sample."""

from __future__ import annotations

import math

import numpy as np
import pytest

from salesmeasure.targets import evaluation as ev


def test_p_chart_limits_by_hand():
    stats = [{"n": 100, "k": 50}, {"n": 100, "k": 60}, {"n": 100, "k": 70}]
    center, sigma = ev.chart_limits("retention", stats)
    # p-bar = 180 / 300 = .6; sigma = sqrt(.6 x .4 / 100) = .04899
    assert center == pytest.approx(0.6)
    assert sigma == pytest.approx([math.sqrt(0.24 / 100)] * 3)
    ch = ev.control_chart([0.5, 0.6, 0.7], sigma, center=center).table
    assert ch["ucl"].iloc[0] == pytest.approx(0.6 + 3 * 0.0489898, abs=1e-6)
    assert list(ch["signal"]) == ["", "", ""]  # .7 is inside .747


def test_u_and_c_chart_limits_by_hand():
    stats = [{"n": 200, "k": 10, "exposure": 200}, {"n": 300, "k": 20, "exposure": 300}]
    center, sigma = ev.chart_limits("complaint_rate", stats)
    assert center == pytest.approx(100 * 30 / 500)  # 6 per 100
    assert sigma == pytest.approx([100 * math.sqrt(0.06 / 200), 100 * math.sqrt(0.06 / 300)])
    c, s = ev.chart_limits("new_customers", [{"n": 16, "k": 16}, {"n": 36, "k": 36}])
    assert (c, s[0]) == (26.0, pytest.approx(math.sqrt(26)))


def test_xmr_sigma_is_mean_moving_range_over_d2():
    ch = ev.control_chart([10.0, 12.0, 11.0, 13.0]).table
    # moving ranges 2, 1, 2: mean 5/3; sigma = 5/3 / 1.128
    assert ch["sigma"].iloc[0] == pytest.approx(5 / 3 / 1.128)
    assert ch["center"].iloc[0] == pytest.approx(11.5)


def test_eight_in_a_row_on_one_side_is_a_run_signal():
    v = [0.0, 0.0] + [1.0] * 8 + [-1.0] * 2
    ch = ev.control_chart(v, np.full(12, 10.0), center=0.2).table
    assert list(ch["signal"])[9] == "run above"
    assert (ch["signal"].iloc[:9] == "").all() and ch["signal"].iloc[10] == ""


def test_planted_change_point_is_recovered():
    rng = np.random.default_rng(7)
    n = np.full(12, 600)
    p = np.r_[np.full(6, 0.60), np.full(6, 0.68)]  # retention steps up in the 7th period
    k = rng.binomial(n, p)
    stats = [{"n": int(a), "k": int(b)} for a, b in zip(n, k, strict=True)]
    center, sigma = ev.chart_limits("retention", stats)
    cp = ev.change_point(k / n, sigma)
    assert cp.index == 6 and cp.p_value < 0.01
    assert cp.before == pytest.approx(0.60, abs=0.02) and cp.after == pytest.approx(0.68, abs=0.02)
    ch = ev.control_chart(k / n, sigma, center=center).table
    assert (ch["signal"].iloc[:6] != "above").all()


def _split_by_scan(v, w):
    """The split statistic as the module text states it, one split at a time."""
    best, at = -1.0, 0
    for k in range(ev.MIN_SEGMENT, v.size - ev.MIN_SEGMENT + 1):
        w1, w2 = w[:k].sum(), w[k:].sum()
        m1, m2 = (w[:k] * v[:k]).sum() / w1, (w[k:] * v[k:]).sum() / w2
        s = (m1 - m2) ** 2 / (1 / w1 + 1 / w2)
        if s > best:
            best, at = s, k
    return best, at


def test_change_point_statistic_by_hand_and_by_scan():
    # two periods at 0 then two at 1, unit weights: means 0 and 1, (1 - 0)^2 / (1/2 + 1/2) = 1
    stat, k = ev._split_stats(np.array([0.0, 0.0, 1.0, 1.0]), np.ones(4))
    assert (float(stat), int(k)) == (1.0, 2)
    # every split of many series at once equals the scan of each series alone, and the
    # p-value equals the bootstrap drawn one series at a time
    rng = np.random.default_rng(3)
    for n in (4, 5, 8, 12):
        v, se = rng.normal(0.6, 0.05, size=n), rng.uniform(0.01, 0.05, size=n)
        w = 1 / se**2
        stat, k = _split_by_scan(v, w)
        cp = ev.change_point(v, se, n_boot=299, seed=n)
        assert cp.statistic == pytest.approx(stat, rel=1e-12) and cp.index == k
        boot_rng = np.random.default_rng(n)
        m = (w * v).sum() / w.sum()
        boot = [_split_by_scan(boot_rng.normal(m, se), w)[0] for _i in range(299)]
        assert cp.p_value == (1 + sum(b >= stat for b in boot)) / 300


def test_change_point_test_holds_its_level_on_steady_series():
    # 100 series without a change: about 5 of them significant at 5% (binomial 1-11)
    rng = np.random.default_rng(11)
    hits = 0
    for i in range(100):
        k = rng.binomial(600, 0.6, size=10)
        _c, sigma = ev.chart_limits("retention", [{"n": 600, "k": int(x)} for x in k])
        hits += ev.change_point(k / 600, sigma, n_boot=199, seed=i).p_value < 0.05
    assert 1 <= hits <= 11


def test_evaluation_of_the_sample(sample):
    e = ev.evaluate(sample, "2026Q3")
    s = e.summary.set_index("metric")
    assert set(s.index) == set(ev.CHARTS) and (s["periods"] == 8).all()
    assert s.loc["revenue", "chart"] == "XmR (attainment)" and s.loc["revenue", "targets"] == 8
    assert s.loc["retention", "chart"] == "p-chart"
    # the sample's revenue target was changed for 2026Q3: the adjustment is judged
    adj = e.adjustments.set_index("metric")
    assert adj.loc["revenue", "period"] == "2026Q3" and bool(adj.loc["revenue", "met"])
