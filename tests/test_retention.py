"""Tests of salesmeasure.retention against hand-built examples, statsmodels and the
planted satisfaction -> dropout effect of the sample data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from salesmeasure.retention import (
    churn_rate,
    cohort_matrix,
    lapse_events,
    retention_rate,
    survival_curves,
)
from salesmeasure.survey import latest_nps_group as nps_group


@pytest.fixture()
def orders() -> pd.DataFrame:
    # A: Jan, Feb, Apr   B: Jan, Mar   C: Feb, Feb, Mar   D: Mar
    rows = [
        ("A", "2026-01-03"), ("A", "2026-02-10"), ("A", "2026-04-01"),
        ("B", "2026-01-20"), ("B", "2026-03-05"),
        ("C", "2026-02-01"), ("C", "2026-02-27"), ("C", "2026-03-31"),
        ("D", "2026-03-15"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["customer_id", "order_date"]).assign(
        order_date=lambda d: pd.to_datetime(d["order_date"])
    )


@pytest.fixture()
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E"],
            "region": ["North", "North", "South", "South", "South"],
            "segment": ["SMB", "SMB", "SMB", "Enterprise", "SMB"],
            "signup_date": pd.to_datetime(
                ["2025-12-20", "2026-01-05", "2026-02-01", "2026-01-10", "2026-01-02"]
            ),
        }
    )


def test_cohort_matrix_matches_hand_built_example(orders):
    cm = cohort_matrix(orders, freq="M", observation_end="2026-04-30")
    nan = math.nan
    expected = pd.DataFrame(
        [[2, 1, 1, 1], [1, 1, 0, nan], [1, 0, nan, nan]],
        index=pd.Index(["2026-01", "2026-02", "2026-03"], name="cohort"),
        columns=pd.Index(range(4), name="periods_since_acquisition"),
        dtype=float,
    )
    pd.testing.assert_frame_equal(cm.counts, expected)
    assert cm.sizes.tolist() == [2, 1, 1]
    pd.testing.assert_frame_equal(cm.shares, expected.div([2, 1, 1], axis=0))


def test_cohort_matrix_leaves_partial_period_unobserved(orders):
    # observation ends mid-April: April is not complete, so it is NaN, not a count
    cm = cohort_matrix(orders, freq="M", observation_end="2026-04-15")
    assert list(cm.counts.columns) == [0, 1, 2]
    assert math.isnan(cm.counts.loc["2026-02", 2])


def test_cohort_matrix_by_signup_counts_non_buyers(orders, customers):
    cm = cohort_matrix(
        orders, customers, freq="M", acquisition="signup", observation_end="2026-04-30"
    )
    # signup cohorts: Dec: A; Jan: B, D, E (E never buys)
    assert cm.sizes.loc["2026-01"] == 3
    # Jan cohort active in Jan (age 0): B only; in Mar (age 2): B and D
    assert cm.counts.loc["2026-01", 0] == 1
    assert cm.counts.loc["2026-01", 2] == 2
    assert cm.shares.loc["2026-01", 2] == pytest.approx(2 / 3)


def test_cohort_matrix_rejects_bad_input(orders, customers):
    with pytest.raises(ValueError, match="order_date"):
        cohort_matrix(orders.drop(columns="order_date"))
    with pytest.raises(ValueError, match="acquisition"):
        cohort_matrix(orders, acquisition="magic")
    with pytest.raises(ValueError, match="customers table"):
        cohort_matrix(orders, customers[customers.customer_id != "D"], acquisition="signup")


def test_retention_rate_matches_hand_count_and_statsmodels_wilson(orders, customers):
    r = retention_rate(orders, customers, freq="M", observation_end="2026-04-30")
    # Jan active {A,B} -> Feb {A,C}: 1 of 2; Feb {A,C} -> Mar {B,C,D}: 1 of 2;
    # Mar {B,C,D} -> Apr {A}: 0 of 3
    assert r["period"].tolist() == ["2026-02", "2026-03", "2026-04"]
    assert r["active_previous"].tolist() == [2, 2, 3]
    assert r["retained"].tolist() == [1, 1, 0]
    lo, hi = proportion_confint(0, 3, method="wilson")
    assert r["ci_low"].iloc[2] == pytest.approx(lo, abs=1e-12)
    assert r["ci_high"].iloc[2] == pytest.approx(hi)
    c = churn_rate(orders, customers, freq="M", observation_end="2026-04-30")
    np.testing.assert_allclose(c["churn_rate"], 1 - r["retention_rate"])
    assert c["churned"].tolist() == [1, 1, 3]


def test_retention_rate_by_region_matches_hand_count(orders, customers):
    r = retention_rate(orders, customers, freq="M", by="region", observation_end="2026-04-30")
    south = r[r["region"] == "South"].set_index("period")
    # South = C, D: Feb {C} -> Mar {C, D}: 1 of 1; Mar {C, D} -> Apr {}: 0 of 2
    assert south.loc["2026-03", ["active_previous", "retained"]].tolist() == [1, 1]
    assert south.loc["2026-04", ["active_previous", "retained"]].tolist() == [2, 0]
    with pytest.raises(ValueError, match="segment"):
        retention_rate(orders, customers.drop(columns="segment"), by="segment")


def test_lapse_events_match_hand_computed_durations():
    o = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "B", "C"],
            "order_date": pd.to_datetime(
                ["2025-01-01", "2025-02-01", "2025-12-01", "2025-06-01", "2025-08-01", "2025-11-01"]
            ),
        }
    )
    ev = lapse_events(o, lapse_days=90, observation_end="2025-12-31")
    # A: gap Feb -> Dec > 90 days: lapses 90 days after 2025-02-01 (31 + 90 = 121 days)
    assert ev.loc["A"].tolist()[1:] == [121.0, True, 2]
    # B: last order 2025-08-01 + 90 = 2025-10-30 <= end: 61 + 90 days
    assert ev.loc["B"].tolist()[1:] == [151.0, True, 2]
    # C: still active at the end: censored after 60 days
    assert ev.loc["C"].tolist()[1:] == [60.0, False, 1]


def test_survival_curve_matches_hand_computed_kaplan_meier_and_greenwood():
    ev = pd.DataFrame(
        {"duration_days": [2, 3, 3, 5, 7, 8], "lapsed": [True, True, False, True, False, True]}
    )
    sc = survival_curves(ev)
    cur = sc.curves.set_index("time")
    # KM by hand: S(2) = 5/6, S(3) = 5/6 * 4/5 = 2/3, S(5) = 2/3 * 2/3 = 4/9,
    # S(8) = 4/9 * 0 = 0
    assert cur.loc[2, "survival"] == pytest.approx(5 / 6)
    assert cur.loc[3, "survival"] == pytest.approx(2 / 3)
    assert cur.loc[5, "survival"] == pytest.approx(4 / 9)
    assert cur.loc[8, "survival"] == pytest.approx(0.0)
    # Greenwood at t=5: S^2 * (1/(6*5) + 1/(5*4) + 1/(3*2)); log(-log) interval
    s = 4 / 9
    var = s**2 * (1 / 30 + 1 / 20 + 1 / 6)
    se_ll = math.sqrt(var) / (s * abs(math.log(s)))
    lo = math.exp(-math.exp(math.log(-math.log(s)) + 1.959963984540054 * se_ll))
    assert cur.loc[5, "ci_low"] == pytest.approx(lo, rel=1e-9)
    assert cur.loc[5, "at_risk"] == 3
    assert sc.medians["median_days"].iloc[0] == 5.0
    assert math.isnan(sc.logrank_pvalue)


def test_survival_groups_keep_unknown_and_logrank_matches_statsmodels():
    from statsmodels.duration.survfunc import survdiff

    rng = np.random.default_rng(0)
    t = np.r_[rng.exponential(100, 200), rng.exponential(200, 200)].round()
    status = rng.random(400) < 0.8
    ev = pd.DataFrame({"duration_days": t, "lapsed": status}, index=[f"c{i}" for i in range(400)])
    grp = pd.Series(["fast"] * 200 + ["slow"] * 199, index=ev.index[:399])  # last: no group
    sc = survival_curves(ev, group=grp)
    assert set(sc.medians["group"]) == {"fast", "slow", "unknown"}
    assert sc.medians["customers"].sum() == 400
    g = np.r_[["fast"] * 200, ["slow"] * 199, ["unknown"]]
    assert sc.logrank_pvalue == pytest.approx(survdiff(t, status.astype(int), g)[1])


def test_nps_group_uses_latest_answered_survey():
    s = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "C", "C"],
            "survey_date": pd.to_datetime(
                ["2026-01-01", "2026-02-01", "2026-01-01", "2026-01-01", "2026-03-01"]
            ),
            "nps": [10, 6, 8, 9, np.nan],  # C's latest is unanswered: use the earlier 9
        }
    )
    g = nps_group(s)
    assert g.astype(str).to_dict() == {"A": "detractor", "B": "passive", "C": "promoter"}
    with pytest.raises(ValueError, match="nps"):
        nps_group(s.assign(nps=11))


def test_sample_data_recovers_planted_satisfaction_effect_on_lapse(sample):
    """The generator raises dropout as satisfaction falls: promoters lapse later."""
    ds = sample.slice(period="2026Q3", region="all")
    ev = lapse_events(ds.orders, lapse_days=180, observation_end=ds.period.end)
    sc = survival_curves(ev, group=nps_group(ds.surveys))
    med = sc.medians.set_index("group")["median_days"]
    assert med["promoter"] > med["passive"] > med["detractor"]
    assert sc.logrank_pvalue < 0.01


def test_sample_data_retention_by_region_and_segment_covers_every_group(sample):
    ds = sample.slice(period="2026Q3", region="all")
    r = retention_rate(
        ds.orders, ds.customers, freq="Q", by=["region", "segment"], observation_end=ds.period.end
    )
    assert set(r["region"]) == set(ds.regions)
    assert set(r["segment"]) == {"SMB", "Mid-Market", "Enterprise"}
    assert r["period"].iloc[-1] == "2026Q3"
    assert ((r["ci_low"] <= r["retention_rate"]) & (r["retention_rate"] <= r["ci_high"])).all()


def test_cohort_and_survival_charts_draw_the_numbers(orders):
    import matplotlib.pyplot as plt

    from salesmeasure import plots

    cm = cohort_matrix(orders, freq="M", observation_end="2026-04-30")
    ax = plots.plot_cohort_retention(cm)
    drawn = np.ma.filled(ax.collections[0].get_array(), np.nan).reshape(cm.shares.shape)
    np.testing.assert_allclose(drawn, cm.shares.to_numpy() * 100)
    assert "months" in ax.get_xlabel()
    ev = pd.DataFrame({"duration_days": [2, 3, 5], "lapsed": [True, False, True]})
    ax = plots.plot_survival_curves(survival_curves(ev))
    assert "Days" in ax.get_xlabel() and "%" in ax.get_ylabel()
    plt.close("all")


def test_survival_without_any_lapse_is_flat_and_has_no_logrank_test():
    ev = pd.DataFrame(
        {"duration_days": [10, 20, 30, 40], "lapsed": [False] * 4},
        index=["a", "b", "c", "d"],
    )
    sc = survival_curves(ev, group=pd.Series(["x", "x", "y", "y"], index=ev.index))
    assert (sc.curves["survival"] == 1.0).all()
    assert math.isnan(sc.logrank_pvalue)
    assert sc.medians["median_days"].isna().all()


def test_period_retention_equals_the_quarterly_retention_rate_on_calendar_quarters(sample):
    """One definition: the executive summary's period retention and the retention report's
    quarterly trend give the same numbers for a calendar quarter."""
    from salesmeasure.periods import Period
    from salesmeasure.retention import period_retention

    ds = sample.slice(period="2026Q3", region="all")
    trend = retention_rate(ds.orders, freq="Q", observation_end=ds.period.end)
    for label in ("2026Q3", "2026Q2", "2025Q4"):
        row = trend.set_index("period").loc[label]
        one = period_retention(ds.orders, Period.parse(label))
        assert (one.active_previous, one.retained) == (row["active_previous"], row["retained"])
        assert one.rate.value == pytest.approx(row["retention_rate"])
        assert (one.rate.ci_low, one.rate.ci_high) == pytest.approx((row["ci_low"], row["ci_high"]))


def test_period_retention_hand_counted_month(orders):
    from salesmeasure.periods import Period
    from salesmeasure.retention import period_retention

    # Feb active: A, C; of them C ordered in March (A did not)
    r = period_retention(orders, Period.parse("2026-03"))
    assert (r.active_previous, r.retained) == (2, 1)
    assert r.rate.value == 0.5 and r.rate.n == 2


def test_thin_data_raises_insufficient_data_with_a_sentence(orders):
    from salesmeasure.errors import InsufficientData

    empty = orders.iloc[:0]
    with pytest.raises(InsufficientData, match="no orders up to"):
        retention_rate(empty, freq="Q", observation_end="2026-03-31")
    with pytest.raises(InsufficientData, match="survival curves need customers"):
        survival_curves(lapse_events(empty, observation_end="2026-03-31"))


def test_retention_into_a_month_without_any_order_is_not_applicable(orders, customers):
    """Issue 23: a closed month (no order at all) read as retention 0%. By hand, with May
    closed and June open: Apr {A} -> May {}: no row (not applicable, not 0 of 1);
    May {} -> Jun {B}: nobody was active in May, no row either; the others unchanged."""
    more = pd.concat(
        [orders, pd.DataFrame({"customer_id": ["B"], "order_date": pd.to_datetime(["2026-06-10"])})]
    )
    r = retention_rate(more, customers, freq="M", observation_end="2026-06-30")
    assert r["period"].tolist() == ["2026-02", "2026-03", "2026-04"]
    assert r["retained"].tolist() == [1, 1, 0]  # April, a month with orders, is still 0 of 3


def test_a_missing_group_is_its_own_group_not_an_error(orders, customers):
    """A customer whose segment is not recorded (allowed: customers derived from orders)
    is counted in the group "unknown"; by hand: Feb {A, C} -> Mar: C retained."""
    cust = customers.assign(segment=customers["segment"].where(customers["customer_id"] != "C"))
    r = retention_rate(orders, cust, freq="M", by="segment", observation_end="2026-04-30")
    unk = r[r["segment"] == "unknown"].set_index("period")
    assert unk.loc["2026-03", ["active_previous", "retained"]].tolist() == [1, 1]
