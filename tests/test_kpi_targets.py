"""Targets for every KPI (salesmeasure.targets.kpi_targets), checked against hand-worked
cases, the exact sampling distribution, and the loader's metric column."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, poisson

from salesmeasure import config as sm_config
from salesmeasure.data import load
from salesmeasure.errors import DataError
from salesmeasure.periods import Period
from salesmeasure.targets import kpi_targets as kt
from salesmeasure.targets.inputs import period_targets, selection_total


# ------------------------------------------------------------ P(attain) by hand
def test_nps_p_attain_of_two_responses_is_the_hand_worked_084():
    # shares promoter .5, passive .3, detractor .2; two answers; NPS >= 0 unless the two
    # answers hold more detractors than promoters: (D,D) .04 + 2*(D,Pass) .12 = .16 -> .84
    stats = {"n": 10, "promoters": 5, "passives": 3, "detractors": 2, "value": 30.0}
    d = kt.simulate_next("nps", stats, n_next=2, draws=200_000, parameter_uncertainty=False)
    assert kt.p_attain(d, 0.0, "nps") == pytest.approx(0.84, abs=0.005)
    # one answer: NPS = 100 exactly when it is a promoter
    d1 = kt.simulate_next("nps", stats, n_next=1, draws=200_000, parameter_uncertainty=False)
    assert kt.p_attain(d1, 100.0, "nps") == pytest.approx(0.5, abs=0.005)


def test_nps_sampling_step_matches_the_exact_multinomial_distribution():
    pp, pa, pd_ = 0.5, 0.3, 0.2
    n = 80
    # exact P(100 (P - D) / n >= 40): sum over promoters P and detractors D
    exact = 0.0
    for p_ in range(n + 1):
        for d_ in range(n + 1 - p_):
            if 100 * (p_ - d_) / n >= 40 - 1e-9:
                exact += (
                    math.comb(n, p_)
                    * math.comb(n - p_, d_)
                    * pp**p_
                    * pd_**d_
                    * pa ** (n - p_ - d_)
                )
    stats = {"n": 100, "promoters": 50, "passives": 30, "detractors": 20, "value": 30.0}
    d = kt.simulate_next("nps", stats, n_next=n, draws=200_000, parameter_uncertainty=False)
    assert kt.p_attain(d, 40.0, "nps") == pytest.approx(exact, abs=0.005)


def test_retention_p_attain_is_binomial_by_hand():
    # rate .6 on 2 customers: at least one retained = 1 - .4^2 = .84
    stats = {"n": 10, "k": 6, "value": 0.6}
    d = kt.simulate_next("retention", stats, n_next=2, draws=200_000, parameter_uncertainty=False)
    assert kt.p_attain(d, 0.5, "retention") == pytest.approx(0.84, abs=0.005)
    d = kt.simulate_next("retention", stats, n_next=50, draws=200_000, parameter_uncertainty=False)
    assert kt.p_attain(d, 0.7, "retention") == pytest.approx(binom.sf(34, 50, 0.6), abs=0.005)


def test_trend_moves_the_distribution_by_one_period_of_slope():
    stats = {"n": 1000, "k": 600, "value": 0.6}
    flat = kt.simulate_next("retention", stats, n_next=1000, parameter_uncertainty=False)
    up = kt.simulate_next("retention", stats, n_next=1000, slope=0.05, parameter_uncertainty=False)
    assert up.mean() - flat.mean() == pytest.approx(0.05, abs=0.003)
    s, se = kt.trend(pd.DataFrame({"value": [1.0, 2.0, 3.0, 4.0, 5.0]}))
    assert (s, se) == (pytest.approx(1.0), pytest.approx(0.0))
    assert kt.trend(pd.DataFrame({"value": [1.0, 2.0, 3.0]})) == (0.0, 0.0)


def test_complaint_rate_is_lower_is_better():
    stats = {"n": 200, "k": 20, "exposure": 200, "value": 10.0}
    d = kt.simulate_next("complaint_rate", stats, n_next=200, parameter_uncertainty=False)
    assert kt.p_attain(d, 10.0, "complaint_rate") > 0.5
    # 5 per 100 on 200 active = at most 10 complaints where 20 are expected: Poisson cdf
    assert kt.p_attain(d, 5.0, "complaint_rate") == pytest.approx(poisson.cdf(10, 20), abs=0.003)
    assert kt.propose(d, 0.6, "complaint_rate") > 10.0 - 1e-9


def test_proposal_is_reached_with_the_chosen_probability():
    stats = {"n": 400, "promoters": 200, "passives": 120, "detractors": 80, "value": 30.0}
    d = kt.simulate_next("nps", stats, n_next=400, draws=50_000)
    t = kt.propose(d, 0.7, "nps")
    assert kt.p_attain(d, t, "nps") == pytest.approx(0.7, abs=0.02)


def test_nps_plus_2_on_80_responses_is_not_measurable():
    # NPS 30 (.5/.3/.2): per-answer variance .7 - .09 = .61; se on 80 = 100 sqrt(.61/80)
    # = 8.73; MDE = (1.960 + 0.842) * sqrt(2) * 8.73 = 34.6 points
    stats = {"n": 80, "promoters": 40, "passives": 24, "detractors": 16, "value": 30.0}
    mde = kt.minimum_detectable_change("nps", stats, 80)
    assert mde == pytest.approx(
        (1.959964 + 0.841621) * math.sqrt(2) * 100 * math.sqrt(0.61 / 80), rel=1e-4
    )
    assert mde == pytest.approx(34.6, abs=0.1)
    assert 2 < mde


# ----------------------------------------------------------- thresholds
def test_config_thresholds_override_the_defaults_and_bad_keys_are_named():
    th = kt.config_thresholds({"kpi": {"thresholds": {"nps": {"good": 40, "watch": 10}}}})
    assert th["nps"] == {"good": 40.0, "watch": 10.0, "direction": "up"}
    assert th["csat"] == kt.DEFAULT_THRESHOLDS["csat"]
    assert kt.config_thresholds(None) == kt.DEFAULT_THRESHOLDS
    with pytest.raises(DataError, match="nsp"):
        kt.config_thresholds({"kpi": {"thresholds": {"nsp": {"good": 1}}}})
    with pytest.raises(DataError, match="watch"):
        kt.config_thresholds({"kpi": {"thresholds": {"nps": {"good": 10, "watch": 20}}}})
    with pytest.raises(DataError, match="number"):
        kt.config_thresholds({"kpi": {"thresholds": {"nps": {"good": "high"}}}})


def test_recorded_kpi_target_sets_the_good_threshold():
    t = pd.DataFrame(
        {
            "period": ["2026Q3", "2026Q3", "2026Q3"],
            "region": ["North", "North", "North"],
            "rep_id": [None, None, None],
            "target_amount": [1000.0, 45.0, 4.0],
            "metric": ["revenue", "nps", "complaint_rate"],
        }
    )
    th = kt.resolve_thresholds(kt.DEFAULT_THRESHOLDS, t, Period.parse("2026Q3"), "North")
    assert th["nps"]["good"] == 45.0 and th["nps"]["watch"] == 15.0
    assert th["complaint_rate"] == {
        "good": 4.0,
        "watch": 9.0,
        "direction": "down",
        "basis": "kpi target",
    }
    other = kt.resolve_thresholds(kt.DEFAULT_THRESHOLDS, t, Period.parse("2026Q3"), "South")
    assert other == kt.DEFAULT_THRESHOLDS


def test_config_file_analysis_sections_are_kept_for_the_analytics():
    cfg = sm_config.parse({"kpi": {"thresholds": {"nps": {"good": 20}}}})
    assert kt.config_thresholds(cfg.settings)["nps"]["good"] == 20.0


# ------------------------------------------------------ the metric column
@pytest.fixture(scope="module")
def with_kpi_targets(tmp_path_factory, sample_dir):
    d = tmp_path_factory.mktemp("kpitargets")
    for f in sample_dir.iterdir():
        shutil.copy(f, d / f.name)
    t = pd.read_csv(d / "targets.csv", dtype=str)
    t["metric"] = ""
    extra = pd.DataFrame(
        {
            "period": ["2026Q4", "2026Q4", "2026Q4", "2026Q4"],
            "region": ["North", "North", "North", "North"],
            "rep_id": ["", "", "", "R01"],
            "target_amount": ["60", "0.70", "99", "0.9"],
            "metric": ["NPS", "retention", "happiness", "retention"],
        }
    )
    pd.concat([t, extra]).to_csv(d / "targets.csv", index=False)
    return load(d)


def test_unknown_metric_is_quarantined_with_its_reason(with_kpi_targets):
    rj = with_kpi_targets.rejected
    bad = rj[(rj["table"] == "targets") & (rj["column"] == "metric")]
    assert list(bad["reason"]) == ["unknown metric"] and list(bad["value"]) == ["happiness"]
    assert set(with_kpi_targets.targets["metric"]) == {"revenue", "nps", "retention"}


def test_revenue_consumers_ignore_other_metrics(with_kpi_targets, sample):
    p = Period.parse("2026Q4")
    assert selection_total(period_targets(with_kpi_targets.targets, p)) == selection_total(
        period_targets(sample.targets, p)
    )
    assert (period_targets(with_kpi_targets.targets, p)["metric"] == "revenue").all()


def test_missing_metric_column_means_revenue(sample):
    assert (sample.targets["metric"] == "revenue").all()


def test_kpi_targets_judge_the_recorded_targets(with_kpi_targets):
    r = kt.kpi_targets(with_kpi_targets, "2026Q4", region="North", draws=5000)
    tab = r.table[r.table["level"] == "region"].set_index("metric")
    assert tab.loc["nps", "target"] == 60.0
    # a jump from NPS about 23 to 60 on about 210 answers: far beyond the trend, unlikely
    assert tab.loc["nps", "p_attain"] < 0.05 and not tab.loc["nps", "attainable"]
    assert tab.loc["nps", "measurable"]
    assert math.isnan(tab.loc["csat", "target"]) and np.isfinite(tab.loc["csat", "proposed"])
    assert r.base == "2026Q3"
    # a rep's target is measured on the rep's customers
    rep = r.table[r.table["level"] == "rep"].set_index("metric")
    assert rep.loc["retention", "owner"] == "R01" and rep.loc["retention", "target"] == 0.9
    north_r01 = kt.period_stats(with_kpi_targets, "retention", Period.parse("2026Q3"), rep_id="R01")
    assert rep.loc["retention", "n"] == north_r01["n"] < tab.loc["retention", "n"]
    assert rep.loc["retention", "p_attain"] < 0.05  # 90% retention is far above the rep's level
