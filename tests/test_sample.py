"""The generator: reproducible for a seed, and its planted truths are in the data."""

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from salesmeasure import sample
from salesmeasure.data import load


def test_same_seed_gives_identical_files_and_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    sample.generate(a, seed=7, customers=300)
    sample.generate(b, seed=7, customers=300)
    sample.generate(c, seed=8, customers=300)
    for name in ("customers", "orders", "reps", "targets", "surveys", "complaints"):
        assert (a / f"{name}.csv").read_bytes() == (b / f"{name}.csv").read_bytes(), name
    assert (a / "orders.csv").read_bytes() != (c / "orders.csv").read_bytes()
    assert json.loads((a / "generator.json").read_text()) == json.loads(
        (b / "generator.json").read_text()
    )


def test_committed_sample_is_what_the_default_command_makes(tmp_path, sample_dir):
    """data/sample is exactly `salesmeasure sample-data` with its defaults."""
    sample.generate(tmp_path, seed=42)
    for f in sorted(sample_dir.glob("*.csv")) + [sample_dir / "generator.json"]:
        assert (tmp_path / f.name).read_bytes() == f.read_bytes(), f.name


def test_parquet_output_loads_with_the_same_rows(tmp_path):
    sample.generate(tmp_path / "csv", seed=3, customers=200, fmt="csv")
    sample.generate(tmp_path / "pq", seed=3, customers=200, fmt="parquet")
    a, b = load(tmp_path / "csv"), load(tmp_path / "pq")
    for name in ("customers", "orders", "surveys", "complaints", "targets"):
        pd.testing.assert_frame_equal(a.table(name), b.table(name), check_exact=False)
    assert a.quality.equals(b.quality)


def test_shape_of_the_business(sample, truth):
    assert len(sample.regions) >= 5
    assert len(sample.reps) >= 25
    assert sample.orders["product_line"].nunique() >= 3
    years = sample.orders["order_date"].dt.year
    for y in (2023, 2024, 2025):  # three full years ...
        months = sample.orders.loc[years == y, "order_date"].dt.month.unique()
        assert sorted(months) == list(range(1, 13))
    assert sample.as_of == pd.Timestamp(truth["as_of"])  # ... plus the current year to date
    assert (years == 2026).sum() > 0
    assert truth["counts"]["customers"] == len(sample.customers)


def test_fourth_quarter_is_the_peak_each_full_year(sample):
    o = sample.orders
    rev = o.groupby([o["order_date"].dt.year, o["order_date"].dt.quarter])["amount"].sum()
    for y in (2024, 2025):
        q = rev.loc[y]
        assert q.idxmax() == 4, q
        # detrended Q4 uplift over Q3 is large, as planted (1.30 / 0.90 intensity)
        assert q[4] / q[3] > 1.2


def test_region_acquisition_growth_is_recovered_in_order(sample, truth):
    c = sample.customers
    yr = c["signup_date"].dt.year
    counts = c[yr.between(2023, 2025)].groupby(["region", yr]).size().unstack()
    est = np.expm1(np.log(counts[2025] / counts[2023]) / 2)
    true = pd.Series(truth["region_growth"])
    assert est.idxmax() == true.idxmax() == "South"
    assert est.idxmin() == true.idxmin() == "West"
    assert np.corrcoef(est[true.index], true)[0, 1] > 0.9
    assert np.allclose(est[true.index], true, atol=0.06)


def test_rep_skill_shows_in_average_order_value(sample, truth):
    aov = sample.orders.groupby("rep_id")["amount"].mean()
    skill = pd.Series(truth["rep_skill"])
    assert np.corrcoef(aov[skill.index], skill)[0, 1] > 0.6


def test_customers_buy_then_lapse(sample):
    o, c = sample.orders, sample.customers
    last = o.groupby("customer_id")["order_date"].max()
    n_orders = o.groupby("customer_id").size()
    old = c.loc[c["signup_date"] < "2024-06-01", "customer_id"]
    quiet = last.reindex(old) < sample.as_of - pd.Timedelta(days=365)
    # many long-standing customers have stopped buying, while some buy for years
    assert 0.3 < quiet.mean() < 0.9
    assert (n_orders.reindex(old) >= 10).mean() > 0.1
    # every customer's first order is on the signup day (BG/NBD time-zero purchase)
    first = o.groupby("customer_id")["order_date"].min()
    su = c.set_index("customer_id")["signup_date"]
    assert (first == su.reindex(first.index)).all()


def test_planted_driver_weights_are_recovered_by_regression(sample, truth):
    items = truth["items"]
    s = sample.surveys.dropna(subset=items + ["csat"])
    for region, g in s.groupby("region"):
        x = (g[items] - g[items].mean()) / g[items].std()
        beta = sm.OLS(g["csat"], sm.add_constant(x)).fit().params[items]
        w = pd.Series(truth["driver_weights"][region])
        assert list(beta.sort_values().index) == list(w.sort_values().index), region


def test_lower_satisfaction_means_more_lapsing(sample):
    o, c, s = sample.orders, sample.customers, sample.surveys
    last = o.groupby("customer_id")["order_date"].max()
    old = c.loc[c["signup_date"] < "2025-06-01", "customer_id"]
    lapsed = last.reindex(old) < sample.as_of - pd.Timedelta(days=180)
    nps = s.groupby("customer_id")["nps"].mean().reindex(old)
    df = pd.DataFrame({"lapsed": lapsed, "nps": nps}).dropna()
    model = sm.Logit(df["lapsed"].astype(float), sm.add_constant(df["nps"])).fit(disp=0)
    assert model.params["nps"] < 0 and model.pvalues["nps"] < 0.01


def test_complaint_rate_falls_with_satisfaction(sample):
    s, cp = sample.surveys, sample.complaints
    nps = s.groupby("customer_id")["nps"].mean()
    group = pd.cut(nps, [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
    per_customer = cp.groupby("customer_id").size().reindex(nps.index).fillna(0)
    rate = per_customer.groupby(group, observed=True).mean()
    assert rate["detractor"] > rate["passive"] > rate["promoter"]


def test_targets_cover_past_and_current_quarters_and_rep_targets_add_up(sample):
    t = sample.targets
    assert {"2024Q1", "2025Q4", "2026Q3", "2026Q4"} <= set(t["period"])
    total = t[t["rep_id"].isna()].set_index(["period", "region"])["target_amount"]
    reps = t[t["rep_id"].notna()].groupby(["period", "region"])["target_amount"].sum()
    pd.testing.assert_series_equal(reps.sort_index(), total.sort_index(), check_names=False)


def test_targets_follow_the_planted_rule(sample, truth):
    """Region target = same quarter last year x (1 + half the trailing-year growth,
    clipped) x (1 + stretch), to 1000 -- recomputed by hand from the loaded orders."""
    o = sample.orders
    q = o["order_date"].dt.to_period("Q").astype(str)
    rev = o.groupby([q, "region"])["amount"].sum()
    t = sample.targets[sample.targets["rep_id"].isna()].set_index(["period", "region"])
    lo, hi = truth["target_growth_clip"]
    for (period, region), target in t["target_amount"].loc[["2025Q3", "2026Q2"]].items():
        p = pd.Period(period, "Q")
        recent = sum(rev[(str(p - k), region)] for k in range(1, 5))
        before = sum(rev[(str(p - k), region)] for k in range(5, 9))
        growth = np.clip(1 + 0.5 * (recent / before - 1), lo, hi)
        expected = rev[(str(p - 4), region)] * growth * (1 + truth["target_stretch"])
        # quarantined rows (a few hundred at most) may move a target by one rounding step
        assert target == pytest.approx(expected, abs=1500), (period, region)


def test_rep_attainment_is_mixed_as_in_a_real_sales_team(sample):
    """Targets are neither all met nor all missed over the last five quarters."""
    o = sample.orders
    q = o["order_date"].dt.to_period("Q").astype(str)
    got = o.groupby([q, "rep_id"])["amount"].sum()
    recent = ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    t = sample.targets[sample.targets["rep_id"].notna() & sample.targets["period"].isin(recent)]
    attained = [
        got.get((p, r), 0.0) >= a
        for p, r, a in zip(t["period"], t["rep_id"], t["target_amount"], strict=True)
    ]
    assert 0.3 < np.mean(attained) < 0.8


def test_survey_items_form_a_reliable_scale(sample):
    """Items share a common factor (planted correlation 0.64): Cronbach's alpha by hand."""
    items = sample.surveys[["q_product_quality", "q_service_level", "q_after_sales"]].dropna()
    k = items.shape[1]
    alpha = k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    assert 0.65 < alpha < 0.85


def test_generator_json_has_the_documented_keys(truth):
    for key in (
        "seed",
        "n_customers",
        "start",
        "as_of",
        "regions",
        "region_growth",
        "quarter_seasonality",
        "month_seasonality",
        "driver_weights",
        "satisfaction_to_dropout",
        "btyd",
        "spend",
        "complaint_rate_per_year",
        "complaint_satisfaction_effect",
        "rep_skill",
        "injected_defects",
    ):
        assert key in truth, key
    assert truth["quarter_seasonality"]["Q4"] == max(truth["quarter_seasonality"].values())
    assert np.mean(truth["month_seasonality"]) == pytest.approx(1.0)


def test_injected_defects_are_all_quarantined_with_their_reasons(sample, truth):
    q = sample.quality.set_index(["table", "reason"])["rows"]
    expected = {
        (table, reason): n
        for table, reasons in truth["injected_defects"].items()
        for reason, n in reasons.items()
    }
    assert q.to_dict() == expected


def test_too_few_customers_is_refused():
    with pytest.raises(ValueError, match="at least 50"):
        sample.simulate(customers=10)
