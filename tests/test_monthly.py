"""targets.monthly_revenue(ctx): the monthly chart's numbers against the rest of the report
and against the sample's CSV read by hand."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from salesmeasure import plots, report, targets


@pytest.fixture(scope="module")
def sample_monthly():
    ctx = report.prepare(period="2026Q3", region="all")
    return ctx, targets.monthly_revenue(ctx)


@pytest.fixture(scope="module")
def orders(sample):
    """The sample's validated order rows (the CSV has planted bad rows the load rejects)."""
    return sample.orders


def _months(m, labels):
    t = m.table.set_index(m.table["month"].astype(str))
    return t.loc[labels]


def test_window_and_columns(sample_monthly):
    ctx, m = sample_monthly
    assert list(m.table.columns) == ["month", "actual", "target", "last_year", "forecast",
                                     "low", "high"]  # fmt: skip
    # the report's fiscal year to the end of the period in progress (2026Q4)
    assert [str(x) for x in m.table["month"]] == [f"2026-{i:02d}" for i in range(1, 13)]
    assert m.in_progress == "2026Q4" and str(m.partial) == "2026-11"
    assert m.table.loc[m.table["month"].astype(str) == "2026-12", "actual"].isna().all()


def test_quarter_actuals_equal_the_headline(sample_monthly):
    """Q3's months add up to the revenue the report's headline shows for 2026Q3."""
    ctx, m = sample_monthly
    r = targets.build(ctx)
    q3 = _months(m, ["2026-07", "2026-08", "2026-09"])
    assert q3["actual"].sum() == pytest.approx(r.outcome.actual, abs=0.01)
    assert r.outcome.actual == pytest.approx(2_153_321.87, abs=0.01)


def test_target_months_add_up_to_the_period_targets(sample_monthly, sample_dir):
    ctx, m = sample_monthly
    t = pd.read_csv(sample_dir / "targets.csv")
    t = t[t["rep_id"].isna() & (t.get("metric", pd.Series("", index=t.index)).fillna("")
                                .isin(["", "revenue"]))]  # fmt: skip
    for q, months in {
        "2026Q3": ["2026-07", "2026-08", "2026-09"],
        "2026Q4": ["2026-10", "2026-11", "2026-12"],
    }.items():
        recorded = t.loc[t["period"] == q, "target_amount"].sum()
        assert _months(m, months)["target"].sum() == pytest.approx(recorded, abs=0.01)
    assert _months(m, ["2026-10", "2026-11", "2026-12"])["target"].sum() == pytest.approx(
        2_859_000, abs=0.01
    )


def test_last_year_is_the_same_months_a_year_earlier(sample_monthly, orders):
    ctx, m = sample_monthly
    for month in ("2026-02", "2026-08", "2026-12"):
        y, mo = int(month[:4]) - 1, int(month[5:])
        by_hand = orders[
            (orders["order_date"].dt.year == y) & (orders["order_date"].dt.month == mo)
        ]["amount"].sum()
        assert _months(m, [month])["last_year"].iloc[0] == pytest.approx(by_hand, abs=0.01)
    # and the as-of month's actual is what is booked from 1 to 15 Nov
    nov = orders[(orders["order_date"] >= "2026-11-01") & (orders["order_date"] <= "2026-11-15")]
    assert _months(m, ["2026-11"])["actual"].iloc[0] == pytest.approx(nov["amount"].sum(), abs=0.01)


def test_forecast_months_agree_with_the_landing(sample_monthly):
    """The forecast months are the rest of the period in progress; with October's actual
    they add up to about the landing of in_progress (a median of the sum is not the sum
    of medians, so within 1%)."""
    ctx, m = sample_monthly
    fc = m.table[m.table["forecast"].notna()]
    assert [str(x) for x in fc["month"]] == ["2026-11", "2026-12"]
    assert (fc["low"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["high"]).all()
    nov = fc.iloc[0]
    assert nov["low"] >= _months(m, ["2026-11"])["actual"].iloc[0]  # booked is in it
    ip = targets.in_progress(ctx)
    oct_ = _months(m, ["2026-10"])["actual"].iloc[0]
    assert oct_ + m.ahead[0] == pytest.approx(ip.top["landing"], rel=0.01)
    assert m.ahead[1] + oct_ == pytest.approx(ip.top["landing_low"], rel=0.01)


def test_region_slice_and_words(sample_monthly):
    ctx, m = sample_monthly
    north = targets.monthly_revenue(report.prepare(period="2026Q3", region="North"))
    q4 = _months(north, ["2026-10", "2026-11", "2026-12"])
    assert q4["target"].sum() == pytest.approx(749_000, abs=0.01)
    assert (north.table["actual"].fillna(0) < m.table["actual"].fillna(0) + 1e-9).all()
    text = targets.describe_monthly(m)
    assert "872.6k" in text and "2026-10" in text and "nan" not in text.lower()
    ax = plots.plot_monthly_revenue(m)
    assert "currency units" in ax.get_ylabel() and ax.get_xlabel() == "Month"
    assert len(ax.get_xticklabels()) == 12


def test_orders_still_give_the_series(orders):
    """``targets.monthly_revenue`` given order rows keeps its older meaning."""
    s = targets.monthly_revenue(orders.assign(amount=orders["amount"]), start="2026-01",
                                end="2026-02")  # fmt: skip
    jan = orders[(orders["order_date"] >= "2026-01-01") & (orders["order_date"] < "2026-02-01")]
    assert s.iloc[0] == pytest.approx(jan["amount"].sum(), abs=0.01) and len(s) == 2
