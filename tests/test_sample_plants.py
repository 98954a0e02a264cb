"""The sample's two planted truths of issue 22 are recovered by the target report's
analyses: a rep whose book is harder (raw retention well below the company's, at par
after the assessment's adjustment) and a change of level in one region's complaint rate
(the evaluation's control chart signals and its change-point test locates it); and the
plants leave every other table as drawn without them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesmeasure import sample
from salesmeasure.data import load
from salesmeasure.sample import zh
from salesmeasure.targets import assessment as am
from salesmeasure.targets import evaluation as ev

PERIOD = "2026Q3"  # the last complete quarter of the sample: what the plants are made for
SEED, N = 42, 4000  # the committed sample's


@pytest.fixture(scope="module")
def drawn():
    """The default sample in memory with and without the plants (no injected defects)."""
    on, truth = sample.simulate(SEED, N, defects=False)
    off, _ = sample.simulate(SEED, N, defects=False, plants=False)
    return on, off, truth


@pytest.fixture(scope="module")
def unplanted(tmp_path_factory):
    """The default sample with the plants off, written and loaded as the committed one."""
    out = tmp_path_factory.mktemp("unplanted")
    tables, truth = sample.simulate(SEED, N, plants=False)
    sample.write(tables, truth, out)
    return load(out)


# ------------------------------------------------------------ the harder book
def test_the_truths_name_the_plants(truth):
    hb, cp = truth["hard_book_rep"], truth["change_point"]
    assert hb["rep_id"] == sample.HARD_BOOK["rep_id"] == "R01" and hb["region"] == "North"
    assert hb["reference_quarter"] == PERIOD and hb["swaps"] > 100
    assert cp == {**sample.CHANGE_POINT, "extra_complaints": cp["extra_complaints"]}
    assert cp["region"] == "East" and cp["from"] == "2026-01" and cp["extra_complaints"] > 50


def test_the_harder_book_rep_holds_the_regions_hardest_customers(sample, truth):
    rep = truth["hard_book_rep"]["rep_id"]
    st = am.customer_strata(sample.until("2026-09-30"), pd.Timestamp("2026-07-01"))
    hard = st["size"].isin(["small", "none"]) & (st["tenure"] != "3+")
    north = st["rep_id"].isin(sample.reps.loc[sample.reps["region"] == "North", "rep_id"])
    share = hard[st["rep_id"] == rep].mean()
    colleagues = hard[north & (st["rep_id"] != rep)].mean()
    assert share > 0.9 and colleagues < 0.5, (share, colleagues)


def test_the_harder_book_is_below_raw_and_at_par_adjusted(sample, truth, unplanted):
    rep = truth["hard_book_rep"]["rep_id"]
    a = am.assess(sample, PERIOD, with_clv=False)
    r, company = a.table.loc[rep], a.company["retention"]
    assert r["retention_n"] >= 50
    # raw: clearly below the company (the sample: 46 against 65 per 100) ...
    assert r["retention_observed"] < company - 10
    # ... because the book is harder: the company's own rates on it give as little
    assert r["retention_expected"] < company - 10
    # adjusted, the 95% interval holds the company value: the rep works as well as anyone
    assert r["retention_low"] < 0 < r["retention_high"] and r["retention_flag"] == "par"
    assert r["retention_low"] + company < r["retention_adjusted"] < r["retention_high"] + company
    # without the plant the same rep's raw retention is near the company's
    b = am.assess(unplanted, PERIOD, with_clv=False)
    assert abs(b.table.loc[rep, "retention_observed"] - b.company["retention"]) < 5
    assert b.company["retention"] == pytest.approx(company, abs=0.5)


# ---------------------------------------------------------- the change point
def _complaints(dataset, region):
    e = ev.evaluate(dataset, PERIOD, region=region, metrics=("complaint_rate",))
    s = e.summary.set_index("metric").loc["complaint_rate"]
    t = e.table[e.table["metric"] == "complaint_rate"].set_index("period")
    return s, t


def test_the_change_point_is_recovered_in_its_region(sample, truth, unplanted):
    cp = truth["change_point"]
    s, t = _complaints(sample, cp["region"])
    planted = pd.Period(cp["from"], "M").asfreq("Q")
    located = pd.Period(s["change_period"], "Q")
    assert abs((located - planted).n) <= 1 and s["change_p"] < 0.05, s.to_dict()
    assert s["change_after"] > s["change_before"]
    # the chart signals a rise after the change and none before it
    after = t.index.map(lambda q: pd.Period(q, "Q") >= planted)
    assert t.loc[after, "signal"].isin(["above", "run above"]).any()
    assert not t.loc[~after, "signal"].isin(["above", "run above"]).any()
    # the step found is the planted one: the rate with the plant minus without it
    _s0, t0 = _complaints(unplanted, cp["region"])
    step = (t.loc[after, "value"] - t0.loc[after, "value"]).mean()
    before_off = t0.loc[~after, "value"].mean()
    assert step > 8
    assert s["change_before"] == pytest.approx(before_off, abs=1.5)
    assert s["change_after"] - s["change_before"] == pytest.approx(step, abs=3)
    # without the plant the region shows no change
    assert _s0["change_p"] >= 0.05 and _s0["signals"] == 0


def test_no_other_region_shows_a_rise_of_complaints(sample, truth):
    cp = truth["change_point"]
    planted = pd.Period(cp["from"], "M").asfreq("Q")
    for region in sample.regions:
        if region == cp["region"]:
            continue
        s, t = _complaints(sample, region)
        after = t.index.map(lambda q: pd.Period(q, "Q") >= planted)
        assert not t.loc[after, "signal"].isin(["above", "run above"]).any(), region
        rise = s["change_p"] < 0.05 and s["change_after"] > s["change_before"]
        assert not rise, (region, s.to_dict())


# ------------------------------------------------- the rest of the sample as drawn
def test_the_plants_leave_the_other_tables_as_drawn(drawn):
    on, off, truth = drawn
    assert on["surveys"].equals(off["surveys"]) and on["reps"].equals(off["reps"])
    c_on, c_off = on["customers"], off["customers"]
    assert c_on.drop(columns="rep_id").equals(c_off.drop(columns="rep_id"))
    moved = c_on["rep_id"] != c_off["rep_id"]
    assert moved.sum() == 2 * truth["hard_book_rep"]["swaps"]
    assert (c_on.loc[moved, "region"] == "North").all()
    assert (moved & (c_on["rep_id"] == "R01")).sum() == truth["hard_book_rep"]["swaps"]
    # every rep keeps the book size drawn, and no one holds a customer from before their hire
    assert c_on["rep_id"].value_counts().equals(c_off["rep_id"].value_counts())
    hire = c_on["rep_id"].map(on["reps"].set_index("rep_id")["hire_date"])
    assert (hire[moved] <= c_on.loc[moved, "signup_date"]).all()
    # orders: the same orders; those of customers who did not move are equal in every
    # column; a moved customer's orders follow the new rep (but colleagues' covers)
    o_on, o_off = on["orders"], off["orders"]
    same = ["order_id", "customer_id", "order_date", "product_line"]
    assert o_on[same].equals(o_off[same])
    of_moved = o_on["customer_id"].isin(c_on.loc[moved, "customer_id"])
    assert o_on[~of_moved].equals(o_off[~of_moved])
    new = o_on["customer_id"].map(c_on.set_index("customer_id")["rep_id"])
    old = o_off["customer_id"].map(c_off.set_index("customer_id")["rep_id"])
    follows = (o_off["rep_id"] == old) & (o_on["rep_id"] == new)
    covered = o_on["rep_id"] == o_off["rep_id"]  # a colleague's cover is the one drawn
    assert (follows | covered)[of_moved].all()
    assert follows[of_moved].mean() > 0.95
    own_on = o_on["rep_id"] == new
    # the amounts follow the holder's skill: R01's new orders scaled by its skill over the
    # skill of the rep drawn (the quantity is rounded, so only about)
    skill = pd.Series(truth["rep_skill"])
    gained = of_moved & own_on & (o_on["rep_id"] == "R01")
    ratio = o_on.loc[gained, "amount"].sum() / o_off.loc[gained, "amount"].sum()
    expect = (skill["R01"] / o_off.loc[gained, "rep_id"].map(skill)).mean()
    assert ratio == pytest.approx(expect, rel=0.05)


def test_the_change_point_only_adds_complaints(drawn):
    on, off, truth = drawn
    cp = truth["change_point"]
    key = ["customer_id", "opened_date", "category", "severity", "resolved_date"]
    a, b = on["complaints"][key], off["complaints"][key]
    both = a.merge(b.assign(_in_off=1), on=key, how="left")
    # every complaint drawn without the plant is there, in the same order
    kept = both[both["_in_off"].notna()].drop(columns="_in_off").reset_index(drop=True)
    assert len(b) == len(kept) and kept.equals(b.reset_index(drop=True))
    extra = a[both["_in_off"].isna().to_numpy()]
    assert len(extra) == cp["extra_complaints"] == len(a) - len(b)
    region = extra["customer_id"].map(on["customers"].set_index("customer_id")["region"])
    assert (region == cp["region"]).all() and (extra["category"] == cp["category"]).all()
    assert (extra["opened_date"] >= pd.Timestamp(cp["from"] + "-01")).all()
    assert on["complaints"]["complaint_id"].is_unique


def test_the_chinese_sample_carries_the_same_plants(drawn):
    on, _off, truth = drawn
    cn, cn_truth = sample.simulate(SEED, N, defects=False, lang="zh-CN")
    assert cn_truth["hard_book_rep"]["region"] == zh.VALUES["region"]["North"]
    assert cn_truth["change_point"]["region"] == zh.VALUES["region"]["East"]
    assert cn_truth["change_point"]["category"] == zh.VALUES["category"]["Delivery"]
    assert cn_truth["change_point"]["extra_complaints"] == truth["change_point"]["extra_complaints"]
    assert cn["customers"]["rep_id"].equals(on["customers"]["rep_id"])
    assert np.array_equal(cn["orders"]["amount"], on["orders"]["amount"])
    back = cn["complaints"]["category"].map(lambda v: zh.english(v, "category"))
    assert back.equals(on["complaints"]["category"])
