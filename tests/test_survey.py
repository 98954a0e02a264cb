"""Tests of salesmeasure.survey, each against a known value: a hand computation, a
published table, an independent implementation (statsmodels/scipy), or a truth planted
in synthetic data."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as st
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.rates import confint_poisson
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from salesmeasure import survey
from salesmeasure.stats import holm


def nps_scores(promoters: int, passives: int, detractors: int) -> np.ndarray:
    return np.array([10.0] * promoters + [8.0] * passives + [3.0] * detractors)


# --------------------------------------------------------------------------- NPS


def test_nps_wald_matches_hand_computed_45_35_20():
    est = survey.nps(nps_scores(45, 35, 20), method="wald")
    # NPS = 45% - 20% = 25; var = .45 + .20 - .25^2 = .5875; se = sqrt(.5875/100)
    assert est.value == pytest.approx(25.0)
    assert est.ci_low == pytest.approx(10.0, abs=0.05)
    assert est.ci_high == pytest.approx(40.0, abs=0.05)
    se = math.sqrt(0.5875 / 100)
    assert est.ci_high - est.value == pytest.approx(100 * 1.959964 * se, rel=1e-6)
    assert est.n == 100 and est.method == "wald"


def test_nps_adjusted_wald_matches_hand_computed_rocks_2016():
    est = survey.nps(nps_scores(45, 35, 20), method="adjusted_wald")
    # add 3/4 to promoters and detractors, n + 3
    pp, pdet = 45.75 / 103, 20.75 / 103
    centre = pp - pdet
    half = 1.959964 * math.sqrt((pp + pdet - centre**2) / 103)
    assert est.value == pytest.approx(25.0)  # observed NPS is still reported
    assert est.ci_low == pytest.approx(100 * (centre - half), rel=1e-6)
    assert est.ci_high == pytest.approx(100 * (centre + half), rel=1e-6)
    assert any("24.3" in note for note in est.notes)


def test_nps_adjusted_wald_stays_inside_range_for_all_promoters():
    est = survey.nps(np.full(10, 10.0), method="adjusted_wald")
    wald = survey.nps(np.full(10, 10.0), method="wald")
    assert est.value == 100.0
    assert wald.width == 0.0  # the Wald interval collapses: the failure Rocks fixes
    assert 0 < est.width and -100 <= est.ci_low and est.ci_high <= 100


def test_nps_adjusted_wald_coverage_near_nominal_in_planted_simulation():
    rng = np.random.default_rng(7)
    probs = np.array([0.5, 0.3, 0.2])  # true NPS = 30
    hits = 0
    sims = 1500
    for _ in range(sims):
        g = rng.choice(3, size=40, p=probs)
        scores = np.array([10.0, 8.0, 2.0])[g]
        est = survey.nps(scores, method="adjusted_wald")
        hits += est.ci_low <= 30.0 <= est.ci_high
    assert 0.93 <= hits / sims <= 0.975


def test_nps_bootstrap_is_seeded_and_close_to_wald_for_large_n():
    x = nps_scores(450, 350, 200)
    a = survey.nps(x, method="bootstrap", seed=3)
    b = survey.nps(x, method="bootstrap", seed=3)
    w = survey.nps(x, method="wald")
    assert a == b
    assert a.ci_low == pytest.approx(w.ci_low, abs=1.0)
    assert a.ci_high == pytest.approx(w.ci_high, abs=1.0)


def test_nps_counts_missing_as_non_response_and_rejects_out_of_range():
    x = np.append(nps_scores(45, 35, 20), [np.nan, np.nan])
    est = survey.nps(x, method="wald")
    assert est.n == 100 and est.value == pytest.approx(25.0)
    assert est.notes == ("2 non-response(s) excluded",)
    with pytest.raises(ValueError, match="'nps'.*11"):
        survey.nps([10, 11, 3])
    with pytest.raises(ValueError, match="'nps'"):
        survey.nps([7.5, 9])
    with pytest.raises(ValueError, match="method"):
        survey.nps([9, 9], method="exact")


def test_nps_group_and_shares_match_reichheld_cutoffs():
    g = survey.nps_group(pd.Series([0, 6, 7, 8, 9, 10, np.nan]))
    assert g.tolist()[:6] == ["detractor"] * 2 + ["passive"] * 2 + ["promoter"] * 2
    assert pd.isna(g.iloc[6])
    shares = survey.nps_shares(nps_scores(45, 35, 20))
    assert shares.to_dict() == pytest.approx({"promoter": 0.45, "passive": 0.35, "detractor": 0.20})


# --------------------------------------------------------------------------- CSAT, CES


@pytest.mark.parametrize("k,n,conf", [(37, 50, 0.95), (3, 40, 0.90), (480, 500, 0.99)])
def test_csat_wilson_interval_matches_statsmodels_proportion_confint(k, n, conf):
    scores = np.array([5.0] * (k // 2) + [4.0] * (k - k // 2) + [3.0] * (n - k))
    est = survey.csat(scores, confidence=conf)
    lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
    assert est.value == pytest.approx(k / n)
    assert (est.ci_low, est.ci_high) == pytest.approx((lo, hi), rel=1e-9)


def test_csat_top_box_1_counts_only_fives_hand_computed():
    est = survey.csat([5, 5, 4, 3, 1, 5, 2, 4], top_box=1)
    assert est.value == pytest.approx(3 / 8)
    with pytest.raises(ValueError, match="'csat'.*0"):
        survey.csat([0, 5])


def test_ces_t_interval_matches_statsmodels_descrstats():
    rng = np.random.default_rng(1)
    x = rng.integers(1, 8, size=120).astype(float)
    est = survey.ces(x, confidence=0.9)
    lo, hi = DescrStatsW(x).tconfint_mean(alpha=0.1)
    assert est.value == pytest.approx(x.mean())
    assert (est.ci_low, est.ci_high) == pytest.approx((lo, hi), rel=1e-9)


def test_ces_bootstrap_is_seeded_and_close_to_t_interval():
    rng = np.random.default_rng(2)
    x = rng.integers(1, 8, size=800).astype(float)
    a = survey.ces(x, method="bootstrap", seed=5)
    assert a == survey.ces(x, method="bootstrap", seed=5)
    t = survey.ces(x)
    assert a.ci_low == pytest.approx(t.ci_low, abs=0.03)
    assert a.ci_high == pytest.approx(t.ci_high, abs=0.03)
    with pytest.raises(ValueError, match="'ces'.*8"):
        survey.ces([8, 1])


# --------------------------------------------------------------------------- suppression


def test_suppression_below_30_responses_and_for_too_wide_intervals():
    small = survey.nps(nps_scores(10, 10, 9))  # n = 29
    assert survey.is_suppressed(small, "nps")
    assert survey.display(small, "nps") == survey.TOO_FEW
    ok = survey.nps(nps_scores(100, 100, 50))
    assert not survey.is_suppressed(ok, "nps")
    assert survey.display(ok, "nps") == ok.format("{:+.0f}")
    # n >= 30 but a 0.5-wide CSAT interval is too wide to read
    from salesmeasure.stats import Estimate

    wide = Estimate(0.5, 0.25, 0.75, 40, "wilson")
    assert survey.is_suppressed(wide, "csat")


def test_score_summary_and_by_group_mark_small_groups_as_too_few_responses():
    df = pd.DataFrame(
        {
            "nps": np.concatenate([nps_scores(40, 30, 30), nps_scores(5, 5, 5)]),
            "region": ["A"] * 100 + ["B"] * 15,
        }
    )
    table = survey.by_group(df, "nps", "region")
    assert table.loc["A", "display"] != survey.TOO_FEW
    assert table.loc["B", "display"] == survey.TOO_FEW and table.loc["B", "suppressed"]
    assert table.loc["B", "n"] == 15
    head = survey.score_summary(df, metrics=["nps"])
    assert head.loc["nps", "n"] == 115


def test_by_period_labels_quarters_and_matches_per_quarter_estimates():
    df = pd.DataFrame(
        {
            "csat": [5, 4, 1, 2, 5, 5],
            "survey_date": pd.to_datetime(
                ["2026-01-05", "2026-03-31", "2026-04-01", "2026-06-30", "2026-07-01", "2026-09-30"]
            ),
        }
    )
    out = survey.by_period(df, "csat", min_n=1)
    assert out.index.tolist() == ["2026Q1", "2026Q2", "2026Q3"]
    assert out["value"].tolist() == pytest.approx([1.0, 0.0, 1.0])


def test_by_period_keeps_empty_quarters_as_suppressed_rows_and_follows_fiscal_year():
    from salesmeasure.periods import Period

    df = pd.DataFrame(
        {
            "csat": [5.0] * 40 + [1.0] * 40,
            "survey_date": pd.to_datetime(["2026-01-10"] * 40 + ["2026-07-10"] * 40),
        }
    )
    out = survey.by_period(df, "csat")
    assert out.index.tolist() == ["2026Q1", "2026Q2", "2026Q3"]
    assert out.loc["2026Q2", "n"] == 0 and out.loc["2026Q2", "display"] == survey.TOO_FEW
    assert out.loc["2026Q1", "value"] == 1.0 and out.loc["2026Q3", "value"] == 0.0
    fiscal = survey.by_period(df, "csat", fiscal_start_month=4)
    expected = [
        Period.from_timestamp(pd.Timestamp(d), "Q", fiscal_start_month=4).label
        for d in ("2026-01-10", "2026-04-10", "2026-07-10")
    ]
    assert fiscal.index.tolist() == expected


# --------------------------------------------------------------------------- Likert


def test_likert_distribution_hand_counted_shares():
    df = pd.DataFrame({"a": [1, 3, 3, 5, np.nan], "b": [2, 2, 4, 4, 4]})
    out = survey.likert_distribution(df, ["a", "b"])
    assert out.loc["a", [1, 2, 3, 4, 5]].tolist() == pytest.approx([0.25, 0, 0.5, 0, 0.25])
    assert out.loc["b", [1, 2, 3, 4, 5]].tolist() == pytest.approx([0, 0.4, 0, 0.6, 0])
    assert out["n"].tolist() == [4, 5]
    assert out.loc["a", "mean"] == pytest.approx(3.0)


# --------------------------------------------------------------------------- alpha

ALPHA_EXAMPLE = pd.DataFrame(
    {"i1": [1, 2, 3, 4, 5], "i2": [2, 2, 4, 4, 5], "i3": [2, 3, 3, 5, 4]}, dtype=float
)


def test_cronbach_alpha_matches_hand_computed_example_with_feldt_interval_from_f_table():
    # item variances 2.5, 1.8, 1.3 (sum 5.6); totals 5,7,10,13,14 -> variance 14.7
    # alpha = 3/2 * (1 - 5.6/14.7) = 13/14
    est = survey.cronbach_alpha(ALPHA_EXAMPLE, nan_policy="listwise")
    assert est.value == pytest.approx(13 / 14)
    # Feldt: df (n-1, (n-1)(k-1)) = (4, 8); printed F tables: F.975(4,8) = 5.05,
    # F.025(4,8) = 1 / F.975(8,4) = 1 / 8.98
    assert est.ci_low == pytest.approx(1 - (1 / 14) * 5.05, abs=2e-3)
    assert est.ci_high == pytest.approx(1 - (1 / 14) / 8.98, abs=2e-3)
    assert est.n == 5


def test_cronbach_alpha_pairwise_equals_listwise_without_missing_and_uses_all_answers():
    a = survey.cronbach_alpha(ALPHA_EXAMPLE, nan_policy="pairwise")
    b = survey.cronbach_alpha(ALPHA_EXAMPLE, nan_policy="listwise")
    assert a.value == pytest.approx(b.value) and a.ci_low == pytest.approx(b.ci_low)
    # planted: three parallel items with true alpha 3*.5/(1+2*.5) = 0.75, 15% MCAR missing
    rng = np.random.default_rng(11)
    common = rng.normal(size=4000)
    items = pd.DataFrame({f"i{j}": common + rng.normal(size=4000) for j in range(3)})
    holes = items.mask(rng.random(items.shape) < 0.15)
    pw = survey.cronbach_alpha(holes, nan_policy="pairwise")
    lw = survey.cronbach_alpha(holes, nan_policy="listwise")
    assert lw.n == len(holes.dropna()) < pw.n < 4000
    for est in (pw, lw):
        assert est.ci_low < 0.75 < est.ci_high
    # listwise equals the textbook formula on the complete cases
    c = holes.dropna()
    k = 3
    by_hand = k / (k - 1) * (1 - c.var().sum() / c.sum(axis=1).var())
    assert lw.value == pytest.approx(by_hand)


def test_cronbach_alpha_rejects_bad_input():
    with pytest.raises(ValueError, match="at least 2 items"):
        survey.cronbach_alpha(ALPHA_EXAMPLE[["i1"]])
    with pytest.raises(ValueError, match="nan_policy"):
        survey.cronbach_alpha(ALPHA_EXAMPLE, nan_policy="drop")
    bad = ALPHA_EXAMPLE.rename(columns={"i1": "q_service_level"})
    bad.loc[0, "q_service_level"] = 9
    with pytest.raises(ValueError, match="q_service_level"):
        survey.cronbach_alpha(bad)


# --------------------------------------------------------------------------- drivers


def test_relative_weights_sum_to_r_squared_of_statsmodels_ols():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(500, 3)) @ np.array([[1, 0.5, 0.3], [0, 1, 0.4], [0, 0, 1]])
    y = x @ np.array([0.5, 0.3, 0.1]) + rng.normal(size=500)
    w, beta, r2 = survey.relative_weights(np.corrcoef(np.column_stack([x, y]), rowvar=False))
    fit = sm.OLS(y, sm.add_constant(x)).fit()
    assert w.sum() == pytest.approx(fit.rsquared, rel=1e-10)
    assert r2 == pytest.approx(fit.rsquared, rel=1e-10)
    z = (x - x.mean(0)) / x.std(0, ddof=1)
    zy = (y - y.mean()) / y.std(ddof=1)
    assert beta == pytest.approx(sm.OLS(zy, z).fit().params, rel=1e-8)


def test_relative_weights_equal_squared_correlations_for_uncorrelated_drivers():
    rng = np.random.default_rng(5)
    raw = rng.normal(size=(300, 3))
    q, _ = np.linalg.qr(raw - raw.mean(0))  # exactly uncorrelated, centred columns
    y = q @ np.array([3.0, 2.0, 1.0]) + 0.05 * rng.normal(size=300)
    corr = np.corrcoef(np.column_stack([q, y]), rowvar=False)
    w, _, _ = survey.relative_weights(corr)
    assert w == pytest.approx(corr[:3, 3] ** 2, abs=1e-12)


def test_relative_weights_match_closed_form_for_two_correlated_drivers():
    # Rxx = [[1, r], [r, 1]]: Lambda = [[a, b], [b, a]] with
    # a = (sqrt(1+r) + sqrt(1-r)) / 2, b = (sqrt(1+r) - sqrt(1-r)) / 2
    r, r1, r2 = 0.4, 0.5, 0.3
    a = (math.sqrt(1 + r) + math.sqrt(1 - r)) / 2
    b = (math.sqrt(1 + r) - math.sqrt(1 - r)) / 2
    det = a * a - b * b
    beta1 = (a * r1 - b * r2) / det
    beta2 = (a * r2 - b * r1) / det
    e1 = a * a * beta1**2 + b * b * beta2**2
    e2 = b * b * beta1**2 + a * a * beta2**2
    corr = np.array([[1, r, r1], [r, 1, r2], [r1, r2, 1]])
    w, _, r2_ = survey.relative_weights(corr)
    assert w == pytest.approx([e1, e2], rel=1e-12)
    assert r2_ == pytest.approx((r1**2 + r2**2 - 2 * r * r1 * r2) / (1 - r * r))


def test_bootstrap_moment_trick_equals_correlation_of_resampled_rows():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(50, 4))
    idx = rng.integers(0, 50, size=50)
    counts = np.bincount(idx, minlength=50).astype(float)[None, :]
    s1 = counts @ x
    s2 = np.einsum("bi,ij,ik->bjk", counts, x, x)
    got = survey._corr_from_moments(s1, s2, counts.sum(axis=1))[0]
    assert got == pytest.approx(np.corrcoef(x[idx], rowvar=False), abs=1e-12)


def _planted_driver_frame(n=3000, seed=8):
    rng = np.random.default_rng(seed)
    g = rng.normal(size=n)
    lat = 0.6 * g[:, None] + 0.8 * rng.normal(size=(n, 3))
    sat = lat @ np.array([0.15, 0.55, 0.30]) + 0.3 * rng.normal(size=n)
    items = np.clip(np.round(3 + 0.9 * lat), 1, 5)
    df = pd.DataFrame(items, columns=list(survey.ITEMS))
    df["nps"] = np.clip(np.round(7 + 1.8 * sat / sat.std()), 0, 10)
    return df


def test_key_drivers_recover_planted_order_with_intervals_and_quadrant():
    df = _planted_driver_frame()
    df.loc[:9, "q_after_sales"] = np.nan
    kd = survey.key_drivers(df, "nps", n_boot=300, seed=1)
    t = kd.table
    assert t.sort_values("weight", ascending=False).index.tolist() == [
        "q_service_level",
        "q_after_sales",
        "q_product_quality",
    ]
    assert t["weight"].sum() == pytest.approx(kd.r_squared.value)
    assert (t["ci_low"] <= t["weight"]).all() and (t["weight"] <= t["ci_high"]).all()
    assert t.loc["q_service_level", "p_top"] > 0.95
    assert kd.n == 2990 and kd.n_incomplete == 10
    assert t["mean"].to_dict() == pytest.approx(df[list(survey.ITEMS)].mean().to_dict())
    assert t.loc["q_service_level", "quadrant"] in {"keep up the good work", "concentrate here"}
    again = survey.key_drivers(df, "nps", n_boot=300, seed=1)
    pd.testing.assert_frame_equal(t, again.table)


def test_key_drivers_reject_constant_and_missing_columns():
    df = _planted_driver_frame(200)
    with pytest.raises(ValueError, match="missing column"):
        survey.key_drivers(df, "csat")
    df["q_after_sales"] = 3.0
    with pytest.raises(ValueError, match="q_after_sales.*vary"):
        survey.key_drivers(df, "nps")


# --------------------------------------------------------------------------- compare


def test_holm_matches_statsmodels_multipletests():
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.20, 0.04])
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1])


def test_compare_nps_difference_matches_hand_computed_summed_variances():
    df = pd.DataFrame(
        {
            "nps": np.concatenate([nps_scores(45, 35, 20), nps_scores(30, 40, 30)]),
            "g": ["A"] * 100 + ["B"] * 100,
        }
    )
    row = survey.compare(df, "nps", "g", reference="B").table.iloc[0]
    se = math.sqrt(0.5875 / 100 + 0.6 / 100)
    assert row["difference"] == pytest.approx(25.0)
    assert row["statistic"] == pytest.approx(0.25 / se)
    assert row["p_value"] == pytest.approx(2 * st.norm.sf(0.25 / se))
    assert row["diff_ci_low"] == pytest.approx(100 * (0.25 - 1.959964 * se), rel=1e-6)
    assert row["significant"] and row["direction"] == "higher"


def test_compare_csat_matches_statsmodels_ztest_and_newcombe_interval():
    a = np.array([5.0] * 70 + [2.0] * 30)
    b = np.array([4.0] * 50 + [3.0] * 70)
    df = pd.DataFrame({"csat": np.concatenate([a, b]), "g": ["a"] * 100 + ["b"] * 120})
    row = survey.compare(df, "csat", "g", reference="b").table.iloc[0]
    z, p = proportions_ztest([70, 50], [100, 120])
    lo, hi = confint_proportions_2indep(70, 100, 50, 120, method="newcomb", compare="diff")
    assert row["statistic"] == pytest.approx(z)
    assert row["p_value"] == pytest.approx(p)
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((lo, hi), rel=1e-9)


def test_compare_ces_uses_mann_whitney_and_welch_interval_from_scipy_statsmodels():
    rng = np.random.default_rng(9)
    a = rng.integers(3, 8, size=80).astype(float)
    b = rng.integers(1, 7, size=90).astype(float)
    df = pd.DataFrame({"ces": np.concatenate([a, b]), "g": ["a"] * 80 + ["b"] * 90})
    row = survey.compare(df, "ces", "g", reference="b").table.iloc[0]
    mw = st.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    assert row["statistic"] == pytest.approx(mw.statistic)
    assert row["p_value"] == pytest.approx(mw.pvalue)
    lo, hi = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(usevar="unequal")
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((lo, hi), rel=1e-9)


def test_compare_applies_holm_across_comparisons_like_statsmodels():
    rng = np.random.default_rng(10)
    shift = {"A": 0.0, "B": 0.15, "C": 0.0, "D": -0.1}
    frames = [
        pd.DataFrame({"csat": np.clip(np.round(3.6 + s + rng.normal(size=300)), 1, 5), "region": r})
        for r, s in shift.items()
    ]
    df = pd.concat(frames, ignore_index=True)
    for reference in ("rest", None, "A"):
        t = survey.compare(df, "csat", "region", reference=reference).table
        expected = multipletests(t["p_value"], method="holm")[1]
        assert t["p_adjusted"].to_numpy() == pytest.approx(expected)
        assert (t["significant"] == (expected < 0.05)).all()
    assert len(survey.compare(df, "csat", "region", reference=None).table) == 6


def test_compare_planted_difference_significant_and_null_not():
    rng = np.random.default_rng(12)
    good = rng.choice([9.0, 10.0, 7.0, 3.0], p=[0.4, 0.3, 0.2, 0.1], size=400)
    bad = rng.choice([9.0, 10.0, 7.0, 3.0], p=[0.2, 0.1, 0.3, 0.4], size=400)
    same = rng.choice([9.0, 10.0, 7.0, 3.0], p=[0.2, 0.1, 0.3, 0.4], size=400)
    df = pd.DataFrame(
        {
            "nps": np.concatenate([good, bad, same]),
            "r": ["good"] * 400 + ["bad"] * 400 + ["same"] * 400,
        }
    )
    t = survey.compare(df, "nps", "r", reference="bad").table.set_index("group")
    assert t.loc["good", "significant"] and t.loc["good", "direction"] == "higher"
    assert not t.loc["same", "significant"]
    assert t.loc["same", "direction"] == "no significant difference"


def test_compare_leaves_small_groups_untested_and_out_of_the_holm_family():
    df = pd.DataFrame(
        {
            "nps": np.concatenate(
                [nps_scores(45, 35, 20), nps_scores(30, 40, 30), nps_scores(5, 5, 5)]
            ),
            "r": ["A"] * 100 + ["B"] * 100 + ["C"] * 15,
        }
    )
    t = survey.compare(df, "nps", "r", reference="B").table.set_index("group")
    assert t.loc["C", "suppressed"] and math.isnan(t.loc["C", "p_value"])
    assert t.loc["C", "direction"] == survey.TOO_FEW
    assert t.loc["A", "p_adjusted"] == pytest.approx(t.loc["A", "p_value"])  # family of 1


def test_compare_periods_holm_across_three_metrics_like_statsmodels():
    rng = np.random.default_rng(13)

    def frame(shift, n):
        return pd.DataFrame(
            {
                "nps": np.clip(np.round(7 + shift + 2 * rng.normal(size=n)), 0, 10),
                "csat": np.clip(np.round(3.8 + shift / 2 + rng.normal(size=n)), 1, 5),
                "ces": np.clip(np.round(5 + rng.normal(size=n)), 1, 7),
            }
        )

    out = survey.compare_periods(frame(0.6, 500), frame(0.0, 500))
    assert out.index.tolist() == ["nps", "csat", "ces"]
    assert out["p_adjusted"].to_numpy() == pytest.approx(
        multipletests(out["p_value"], method="holm")[1]
    )
    assert out.loc["nps", "direction"] == "up"


def test_compare_rejects_unknown_metric_and_missing_groups():
    df = pd.DataFrame({"nps": [9, 3], "r": ["a", None]})
    with pytest.raises(ValueError, match="'r'.*missing"):
        survey.compare(df, "nps", "r")
    with pytest.raises(ValueError, match="unknown metric"):
        survey.compare(df.assign(x=1), "x", "r")
    with pytest.raises(ValueError, match="reference 'z'"):
        survey.compare(df.fillna("b"), "nps", "r", reference="z")


# --------------------------------------------------------------------------- responses


def test_response_metrics_hand_counted_coverage_matches_statsmodels_wilson():
    surveys = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c2", "c9"],
            "nps": [9, 10, np.nan, 5],
            "csat": [5, 4, 3, 2],
            "ces": [7, np.nan, np.nan, 1],
        }
    )
    active = [f"c{i}" for i in range(1, 9)]  # c9 responded but is not active
    out = survey.response_metrics(surveys, active, items=["nps", "csat", "ces"])
    assert out.loc["responses", "value"] == 4
    assert out.loc["respondents", "value"] == 3
    assert out.loc["active customers", "value"] == 8
    cov = out.loc["share of active customers surveyed"]
    assert cov["value"] == pytest.approx(2 / 8)
    assert (cov["ci_low"], cov["ci_high"]) == pytest.approx(
        proportion_confint(2, 8, method="wilson")
    )
    assert out.loc["answer rate: ces", "value"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- complaints


def test_complaint_metrics_rate_matches_statsmodels_exact_poisson_and_km_median():
    opened = pd.to_datetime(["2026-07-01"] * 7)
    resolved = pd.to_datetime(
        ["2026-07-03", "2026-07-05", "2026-07-07", "2026-07-09", None, "2026-07-12", None]
    )
    c = pd.DataFrame(
        {
            "opened_date": opened,
            "resolved_date": resolved,
            "category": ["billing"] * 3 + ["delivery"] * 4,
        }
    )
    out = survey.complaint_metrics(c, n_active=200, as_of="2026-07-10")
    allr = out.loc["All"]
    assert allr["complaints"] == 7
    assert allr["per_100_active"] == pytest.approx(3.5)
    lo, hi = confint_poisson(7, 2.0, method="exact-c")
    assert (allr["rate_ci_low"], allr["rate_ci_high"]) == pytest.approx((lo, hi), rel=1e-9)
    # resolved by as_of: days 2, 4, 6, 8; three still open (censored at 9 days)
    assert allr["share_resolved"] == pytest.approx(4 / 7)
    # Kaplan-Meier by hand: S(2)=6/7, S(4)=5/7, S(6)=4/7, S(8)=3/7 -> median 8 days;
    # ignoring the open ones would give the median of 2, 4, 6, 8 = 5 days
    assert allr["median_days_to_resolve"] == pytest.approx(8.0)
    assert out.loc["billing", "complaints"] == 3 and out.loc["delivery", "complaints"] == 4
    assert out.loc["billing", "share_resolved"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="resolved_date.*before"):
        survey.complaint_metrics(
            c.assign(resolved_date=pd.to_datetime(["2026-06-01"] * 7)), 200, as_of="2026-07-10"
        )


# --------------------------------------------------------------------------- retention


def test_retention_by_nps_hand_made_example_counts_windows_and_excludes_incomplete():
    surveys = pd.DataFrame(
        {
            "customer_id": ["p1", "p2", "d1", "d2", "n1", "late"],
            "survey_date": pd.to_datetime(["2026-01-01"] * 5 + ["2026-06-01"]),
            "nps": [10, 9, 2, 5, 8, 10],
        }
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["p1", "p2", "d1", "d2", "n1"],
            # p1 within 90 days, p2 after the window, d1 within, d2 before the survey
            "order_date": pd.to_datetime(
                ["2026-02-01", "2026-05-01", "2026-03-01", "2025-12-01", "2026-01-15"]
            ),
        }
    )
    res = survey.retention_by_nps(surveys, orders, as_of="2026-07-01", window_days=90, min_n=1)
    t = res.table
    assert t.loc["promoter", ["customers", "retained"]].tolist() == [2, 1]
    assert t.loc["detractor", ["customers", "retained"]].tolist() == [2, 1]
    assert t.loc["passive", ["customers", "retained"]].tolist() == [1, 1]
    assert res.n_incomplete == 1
    assert res.difference.value == pytest.approx(0.0)


def test_retention_by_nps_recovers_planted_retention_rates():
    rng = np.random.default_rng(14)
    n = 3000
    group = rng.choice(3, size=n, p=[0.4, 0.3, 0.3])
    score = np.array([10.0, 8.0, 4.0])[group]
    rate = np.array([0.7, 0.55, 0.35])[group]
    ids = np.array([f"c{i}" for i in range(n)])
    sdate = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 180, n), unit="D")
    back = rng.random(n) < rate
    surveys = pd.DataFrame({"customer_id": ids, "survey_date": sdate, "nps": score})
    orders = pd.DataFrame(
        {
            "customer_id": ids[back],
            "order_date": sdate[back] + pd.to_timedelta(rng.integers(1, 180, back.sum()), unit="D"),
        }
    )
    res = survey.retention_by_nps(surveys, orders, as_of="2026-01-01")
    t = res.table
    for g, truth in zip(["promoter", "passive", "detractor"], [0.7, 0.55, 0.35], strict=True):
        assert t.loc[g, "ci_low"] < truth < t.loc[g, "ci_high"]
    assert res.difference.ci_low < 0.35 < res.difference.ci_high
    assert res.p_value < 1e-6


# --------------------------------------------------------------------------- sample data


def test_key_drivers_recover_planted_region_weights_in_sample_data(sample, truth):
    surveys = sample.surveys
    for region, weights in truth["driver_weights"].items():
        part = surveys[surveys["region"] == region]
        kd = survey.key_drivers(part, "nps", list(weights), n_boot=200, seed=0)
        planted = sorted(weights, key=weights.get, reverse=True)
        recovered = kd.table.sort_values("weight", ascending=False).index.tolist()
        assert recovered == planted, region


def test_sample_data_promoters_retain_better_than_detractors_as_planted(sample, truth):
    assert truth["satisfaction_to_dropout"] > 0
    res = survey.retention_by_nps(
        sample.surveys, sample.orders, as_of=sample.as_of, window_days=365
    )
    assert res.difference.ci_low > 0
    assert res.p_value < 0.05


def test_sample_data_score_summary_and_alpha_are_defined(sample):
    head = survey.score_summary(sample.surveys)
    assert not head["suppressed"].any()
    alpha = survey.cronbach_alpha(sample.surveys[list(survey.ITEMS)])
    assert 0 < alpha.ci_low < alpha.value < alpha.ci_high < 1


# --------------------------------------------------------------------------- bootstrap


def test_batched_relative_weights_equal_one_at_a_time():
    rng = np.random.default_rng(15)
    mats = []
    for _ in range(20):
        a = rng.normal(size=(60, 4))
        a[:, 3] += a[:, :3].sum(axis=1)
        mats.append(np.corrcoef(a, rowvar=False))
    batch = survey._batch_relative_weights(np.array(mats))
    single = np.array([survey.relative_weights(m)[0] for m in mats])
    assert batch == pytest.approx(single, rel=1e-10)


def test_key_drivers_bootstrap_interval_matches_naive_row_resampling():
    df = _planted_driver_frame(n=800, seed=16)
    kd = survey.key_drivers(df, "nps", n_boot=2000, seed=2)
    x = df[[*survey.ITEMS, "nps"]].to_numpy(float)
    rng = np.random.default_rng(99)
    naive = np.array(
        [
            survey.relative_weights(np.corrcoef(x[rng.integers(0, len(x), len(x))], rowvar=False))[
                0
            ]
            for _ in range(2000)
        ]
    )
    lo, hi = np.quantile(naive, [0.025, 0.975], axis=0)
    assert kd.table["ci_low"].to_numpy() == pytest.approx(lo, abs=0.01)
    assert kd.table["ci_high"].to_numpy() == pytest.approx(hi, abs=0.01)


# --------------------------------------------------------------------------- report text


def _report_frame(n=400, seed=17, shift=0.0):
    df = _planted_driver_frame(n=n, seed=seed)
    rng = np.random.default_rng(seed)
    df["csat"] = np.clip(np.round(3.8 + shift + rng.normal(size=n)), 1, 5)
    df["ces"] = np.clip(np.round(5 + rng.normal(size=n)), 1, 7)
    df["nps"] = np.clip(df["nps"] + round(2 * shift), 0, 10)
    return df


def test_describe_scores_states_the_numbers_and_claims_only_significant_changes():
    now, before = _report_frame(shift=0.8), _report_frame(seed=18)
    head = survey.score_summary(now)
    change = survey.compare_periods(now, before, labels=("2026Q3", "2026Q2"))
    text = survey.describe_scores(head, change, period="2026Q3", previous="2026Q2")
    assert head.loc["nps", "display"] in text
    assert head.loc["csat", "display"] in text
    assert "NPS rose" in text and "CSAT rose" in text
    shares = survey.nps_shares(now["nps"])
    text2 = survey.describe_scores(head, change, period="2026Q3", previous="2026Q2", shares=shares)
    assert f"{100 * shares['promoter']:.0f}% promoters minus" in text2
    assert "CES: no significant change" in text
    table = survey.scores_table(head, change)
    assert table.loc["NPS", "Significant?"].startswith("yes")
    assert table.loc["CES", "Significant?"].startswith("no")
    same = survey.compare_periods(before, before)
    text = survey.describe_scores(survey.score_summary(before), same, period="Q", previous="P")
    assert "no change is claimed" in text and "rose" not in text and "fell" not in text


def test_report_text_says_too_few_responses_for_small_samples():
    small = _report_frame(n=20)
    head = survey.score_summary(small)
    change = survey.compare_periods(small, small)
    assert "Too few responses" in survey.describe_scores(head, change, period="Q", previous="P")
    assert (survey.scores_table(head, change)["This period"] == survey.TOO_FEW).all()
    assert survey.TOO_FEW in survey.describe_likert(survey.likert_distribution(small))
    alpha = survey.cronbach_alpha(small[list(survey.ITEMS)])
    assert survey.TOO_FEW in survey.describe_reliability(alpha)


def test_describe_drivers_names_the_planted_top_driver_and_r_squared():
    kd = survey.key_drivers(_planted_driver_frame(), "nps", n_boot=200)
    text = survey.describe_drivers(kd)
    assert "Service level is clearly the strongest driver" in text
    assert f"{100 * kd.r_squared.value:.0f}% of the variation in NPS" in text
    table = survey.drivers_table(kd)
    assert table.index[0] == "Service level"


def test_describe_groups_and_groups_table_mark_only_holm_significant_regions():
    frames = [_report_frame(seed=20 + i, shift=s).assign(region=r) for i, (r, s) in
              enumerate([("A", 0.0), ("B", 0.0), ("C", 1.0)])]  # fmt: skip
    df = pd.concat(frames, ignore_index=True)
    comp = survey.compare_many(df, ["nps", "csat", "ces"], "region")
    assert comp["p_adjusted"].to_numpy() == pytest.approx(
        multipletests(comp["p_value"], method="holm")[1]
    )
    text = survey.describe_groups(survey.by_group(df, "nps", "region"), comp, "nps")
    assert "C NPS higher" in text
    table = survey.groups_table(df, "region", comp)
    assert table.loc["C", "NPS"].endswith("▲")
    assert not table.loc["A", "CES"].endswith(("▲", "▼"))


def test_describe_retention_and_complaints_quote_the_computed_figures():
    c = pd.DataFrame(
        {
            "opened_date": pd.to_datetime(["2026-07-01"] * 40),
            "resolved_date": pd.to_datetime(["2026-07-05"] * 30 + [None] * 10),
            "category": ["billing"] * 40,
        }
    )
    table = survey.complaint_metrics(c, 400, as_of="2026-08-01")
    text = survey.describe_complaints(table, n_active=400)
    assert "40 complaints were opened: 10.0 per 100 active customers" in text
    assert "75% are resolved" in text and "within 4 days" in text
    assert survey.complaints_table(table).loc["billing", "Median days to resolve"].startswith("4")
    few = survey.complaint_metrics(c.head(5), 400, as_of="2026-08-01")
    assert survey.complaints_table(few).loc["All", "Resolved"] == survey.TOO_FEW_COMPLAINTS


# --------------------------------------------------------------------------- plots


def test_plot_likert_centres_the_neutral_share_on_zero_and_hides_small_items():
    import matplotlib.pyplot as plt

    from salesmeasure import plots

    df = pd.DataFrame(
        {"q_product_quality": [1, 2, 3, 3, 4, 5] * 10, "q_after_sales": [3] * 10 + [np.nan] * 50}
    )
    dist = survey.likert_distribution(df, ["q_product_quality", "q_after_sales"])
    ax = plots.plot_likert(dist)
    # bars drawn level by level, bottom row (reversed order) first in each level
    neutral = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx((0.78, 0.78, 0.78))]
    big = [p for p in neutral if p.get_width() > 0]
    assert len(big) == 1
    assert big[0].get_x() == pytest.approx(-big[0].get_width() / 2)  # straddles zero
    assert any(t.get_text() == survey.TOO_FEW for t in ax.texts)
    assert ax.get_title() and "%" in ax.get_xlabel()
    plt.close(ax.figure)


def test_plot_estimates_draws_suppressed_groups_as_text_not_points():
    import matplotlib.pyplot as plt

    from salesmeasure import plots

    df = pd.DataFrame(
        {
            "nps": np.concatenate([nps_scores(45, 35, 20), nps_scores(5, 5, 5)]),
            "region": ["A"] * 100 + ["B"] * 15,
        }
    )
    table = survey.by_group(df, "nps", "region")
    ax = plots.plot_estimates(table, metric="nps", reference=20.0)
    assert len(ax.lines) >= 1
    assert any(survey.TOO_FEW in t.get_text() for t in ax.texts)
    assert any("+25" in t.get_text() for t in ax.texts)
    assert "NPS" in ax.get_xlabel()
    plt.close(ax.figure)


def test_survey_plots_return_axes_with_titles_and_unit_labels():
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    from salesmeasure import plots

    df = _report_frame()
    df["survey_date"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(len(df)), unit="D")
    kd = survey.key_drivers(df, "nps", n_boot=100)
    c = pd.DataFrame(
        {
            "opened_date": pd.to_datetime(["2026-07-01"] * 40),
            "resolved_date": pd.to_datetime(["2026-07-05"] * 40),
            "category": ["a", "b"] * 20,
        }
    )
    orders = pd.DataFrame({"customer_id": ["x"], "order_date": pd.to_datetime(["2026-01-01"])})
    surveys = pd.DataFrame(
        {"customer_id": ["x"], "survey_date": pd.to_datetime(["2025-01-01"]), "nps": [10]}
    )
    axes = [
        plots.plot_importance_performance(kd),
        plots.plot_trend(survey.by_period(df, "csat"), metric="csat", highlight="2026Q2"),
        plots.plot_complaints(survey.complaint_metrics(c, 100, as_of="2026-08-01")),
        plots.plot_retention_by_nps(survey.retention_by_nps(surveys, orders, as_of="2026-08-01")),
    ]
    for ax in axes:
        assert isinstance(ax, Axes)
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        plt.close(ax.figure)


def test_describe_scores_does_not_call_an_untested_change_flat():
    now = _report_frame(n=200)
    before = _report_frame(n=200, seed=30)
    before.loc[20:, "ces"] = np.nan  # only 20 CES answers before: CES change not tested
    change = survey.compare_periods(now, before)
    assert change.loc["ces", "suppressed"]
    text = survey.describe_scores(survey.score_summary(now), change, period="Q", previous="P")
    assert "CES: not compared (too few responses in one of the periods)" in text
    assert "CES: no significant change" not in text


def test_describe_reliability_applies_nunnallys_070_bar_to_value_and_interval():
    from salesmeasure.stats import Estimate

    good = survey.describe_reliability(Estimate(0.82, 0.75, 0.87, 300, "feldt"))
    edge = survey.describe_reliability(Estimate(0.74, 0.66, 0.80, 300, "feldt"))
    poor = survey.describe_reliability(Estimate(0.51, 0.45, 0.57, 300, "feldt"))
    assert "0.82 (0.75 to 0.87)" in good and "one satisfaction scale" in good
    assert "interval reaches below it" in edge
    assert "below the customary 0.70" in poor and "one by one" in poor
    wide = survey.describe_reliability(Estimate(0.03, -0.70, 0.48, 35, "feldt"))
    assert survey.TOO_FEW in wide and "too wide to read" in wide and "0.03" not in wide


# --------------------------------------------------------------------------- one definition


def test_latest_nps_group_matches_hand_worked_last_answers():
    s = pd.DataFrame(
        {
            "response_id": ["a", "b", "c", "d", "e"],
            "customer_id": ["C1", "C1", "C2", "C2", "C3"],
            "survey_date": pd.to_datetime(
                ["2026-01-01", "2026-03-01", "2026-01-05", "2026-05-01", "2026-06-01"]
            ),
            "nps": [10.0, 3.0, 8.0, np.nan, 9.0],
        }
    )
    g = survey.latest_nps_group(s, "2026-04-01")  # C3 answered after end: left out
    assert g.to_dict() == {"C1": "detractor", "C2": "passive"}
    assert g.index.name == "customer_id" and list(g.cat.categories) == list(survey.NPS_GROUPS)
    assert survey.latest_nps_group(s).to_dict() == {
        "C1": "detractor",
        "C2": "passive",
        "C3": "promoter",
    }


def test_retention_by_nps_groups_are_latest_nps_group_at_the_window_cutoff(sample):
    """retention_by_nps puts each customer in latest_nps_group(end = as_of - window)."""
    end = pd.Timestamp("2026-09-30")
    res = survey.retention_by_nps(sample.surveys, sample.orders, as_of=end)
    groups = survey.latest_nps_group(sample.surveys, end - pd.Timedelta(days=180))
    counts = groups.value_counts()
    for g in survey.NPS_GROUPS:
        assert res.table.loc[g, "customers"] == counts[g]
    assert res.window_days == survey.RETENTION_WINDOW_DAYS == 180


# --------------------------------------------------------------------------- suppression


def test_five_responses_suppress_the_estimate_its_change_and_its_sentence():
    """Issue 11: with 5 responses NPS/CSAT/CES show too few responses, and so do their
    changes; no change figure or significance appears anywhere."""
    now = _report_frame(n=5, seed=40)
    before = _report_frame(n=300, seed=41)
    head = survey.score_summary(now)
    change = survey.compare_periods(now, before, labels=("2026Q3", "2026Q2"))
    table = survey.scores_table(head, change)
    assert (table["This period"] == survey.TOO_FEW).all()
    assert (table["Change"] == survey.TOO_FEW).all()
    assert (table["Significant?"] == "not tested").all()
    text = survey.describe_scores(head, change, period="2026Q3", previous="2026Q2")
    assert text.startswith("Too few responses in 2026Q3")
    assert not re.search(r"[+-]\d|points|rose|fell|significant", text)


def test_a_measure_too_wide_to_read_has_no_change_either():
    """n above MIN_N but an interval too wide: the change is not shown or claimed."""
    now = _report_frame(n=300, seed=42)
    before = _report_frame(n=300, seed=43, shift=1.5)
    head = survey.score_summary(now)
    head.loc["nps", "suppressed"] = True  # as when the NPS interval is too wide to read
    change = survey.compare_periods(now, before)
    assert not change.loc["nps", "suppressed"] and change.loc["nps", "significant"]
    table = survey.scores_table(head, change)
    assert table.loc["NPS", "Change"] == survey.TOO_FEW
    text = survey.describe_scores(head, change, period="Q", previous="P")
    assert "NPS fell" not in text and "NPS rose" not in text
    assert "NPS: not compared" in text


def test_groups_hide_significance_of_a_suppressed_group():
    frames = [_report_frame(seed=50 + i, shift=s).assign(region=r) for i, (r, s) in
              enumerate([("A", 0.0), ("B", 0.0), ("C", 1.2)])]  # fmt: skip
    df = pd.concat(frames, ignore_index=True)
    comp = survey.compare_many(df, ["nps"], "region")
    groups = survey.by_group(df, "nps", "region")
    assert comp.set_index("group").loc["C", "significant"]
    groups.loc["C", "suppressed"] = True  # as when C's interval is too wide to read
    text = survey.describe_groups(groups, comp, "nps")
    assert "C NPS higher" not in text and "C: too few responses" in text


# --------------------------------------------------------------------------- build


def _ctx(ds, period: str, region: str):
    from types import SimpleNamespace

    from salesmeasure.periods import Period

    p = Period.parse(period)
    return SimpleNamespace(
        data=ds, view=ds.slice(p, region), period=p, region=region, title_suffix="test"
    )


def test_build_on_the_sample_computes_every_section(sample):
    from salesmeasure.errors import Missing

    r = survey.build(_ctx(sample, "2026Q3", "all"))
    for name in ("scores", "trend", "ratings", "reliability", "drivers", "regions",
                 "complaints", "retention", "responses"):  # fmt: skip
        assert not isinstance(getattr(r, name), Missing), name
    assert isinstance(r.scores.change, survey.Comparison)
    # the figure the executive summary shows: same call, same numbers
    ref = survey.retention_by_nps(
        sample.surveys, sample.orders[sample.orders["order_date"] <= "2026-09-30"],
        as_of=pd.Timestamp("2026-09-30"),
    )  # fmt: skip
    pd.testing.assert_frame_equal(r.retention.table, ref.table)


def test_build_on_thin_data_leaves_missing_sections_with_their_reason(sample):
    """A region without survey answers in the period, too few for drivers, no complaints
    and no previous period: each thin section says why, the rest computes."""
    from dataclasses import replace

    from salesmeasure.errors import Missing

    s = sample.surveys
    q3 = (s["survey_date"] >= "2026-07-01") & (s["survey_date"] <= "2026-09-30")
    no_north = replace(sample, surveys=s[~(q3 & (s["region"] == "North"))])
    r = survey.build(_ctx(no_north, "2026Q3", "North"))
    assert isinstance(r.scores, Missing) and "No survey answers in North" in r.scores.reason
    assert isinstance(r.drivers, Missing) and "Key drivers: too few responses" in r.drivers.reason
    assert isinstance(r.regions, Missing) and "covers one region" in r.regions.reason
    assert not isinstance(r.trend, Missing) and not isinstance(r.retention, Missing)

    few = replace(sample, surveys=s[~q3 | (s["region"] != "North") | (s.index % 20 == 0)])
    r = survey.build(_ctx(few, "2026Q3", "North"))
    assert r.n_responses < 30 and isinstance(r.drivers, Missing)
    assert "Too few responses" in survey.describe_scores(r.scores)

    c = sample.complaints
    r = survey.build(_ctx(replace(sample, complaints=c.iloc[0:0]), "2026Q3", "all"))
    assert "No complaints were opened" in survey.describe_complaints(r.complaints)

    # the first quarter of data: no previous period at all
    r = survey.build(_ctx(sample, "2023Q1", "all"))
    assert r.n_previous == 0
    assert "Too few responses to compare with 2022Q4" in survey.describe_scores(r.scores)
    assert "Too few responses to compare" in survey.describe_scores(r.scores)


def test_change_words_agree_with_the_number_in_english_and_chinese():
    from salesmeasure.i18n import language
    from salesmeasure.survey.text.common import _change

    assert _change("nps", -1.0) == "-1 point"  # was "-1 points" (seen in a North report)
    assert _change("nps", 5.2) == "+5 points"
    assert _change("nps", 0.0) == "+0 points"
    assert _change("csat", 0.01) == "+1 percentage point"
    assert _change("csat", -0.021) == "-2 percentage points"
    with language("zh-CN"):
        assert _change("nps", -1.0) == "-1分"
        assert _change("csat", -0.021) == "-2个百分点"
