"""The executive summary's action rules (salesmeasure.kpi.actions), each on a hand-made
data shape that fires it and one that does not; sizes checked against hand sums."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from salesmeasure.kpi import actions as A


# -------------------------------------------------------------- reset targets
def _recorded(p_values, recorded, proposed):
    n = len(p_values)
    return pd.DataFrame(
        {
            "level": ["rep"] * n,
            "region": ["North", "North", "South"][:n],
            "owner": ["R01", "R02", "R06"][:n],
            "recorded": recorded,
            "p_recorded": p_values,
            "proposed": proposed,
        }
    )


def test_reset_targets_fires_outside_the_band_with_hand_summed_size():
    # R01 out of reach (3%), R02 inside the band (60%), R06 too easy (95%)
    rec = _recorded([0.03, 0.60, 0.95], [100_000, 80_000, 40_000], [70_000, 79_000, 55_000])
    a = A.reset_targets(rec, band=(0.5, 0.9), names={"R01": "Anna Adler", "R06": "Fay Li"})
    assert a is not None and a.key == "reset_targets"
    assert a.count == 2 and a.figures["total"] == 3
    assert a.figures["too_high"] == 1 and a.figures["too_low"] == 1
    assert a.amount == pytest.approx(30_000 + 15_000)  # |70k-100k| + |55k-40k|
    assert list(a.items["name"]) == ["Anna Adler", "Fay Li"]  # most money moved first
    assert a.owners == ("North", "South")
    assert (a.report, a.anchor) == ("01_target_setting", "targets-to-reset")


def test_reset_targets_does_not_fire_inside_the_band():
    rec = _recorded([0.5, 0.7, 0.9], [1, 2, 3], [1, 2, 3])  # the band's edges are inside
    assert A.reset_targets(rec, band=(0.5, 0.9)) is None
    assert A.reset_targets(rec.iloc[0:0]) is None


# ----------------------------------------------------------------- call list
def _call_list():
    return pd.DataFrame(
        {
            "name": ["A Ltd", "B AG", "C SA", "D Co"],
            "rep_id": ["R01", "R02", None, "R01"],
            "region": ["North", "North", "West", "North"],
            "clv": [5_000.0, 12_000.0, 3_000.0, 1_000.0],
        },
        index=pd.Index(["C1", "C2", "C3", "C4"], name="customer_id"),
    )


def test_call_at_risk_fires_on_the_top_n_by_value_with_their_reps():
    a = A.call_at_risk(_call_list(), top=3, names={"R01": "Anna Adler", "R02": "Ben Dubois"})
    assert a is not None and a.key == "call_at_risk"
    assert a.customers == 3 and a.count == 3
    assert a.amount == pytest.approx(12_000 + 5_000 + 3_000)  # D Co (1,000) is 4th
    assert list(a.items.index) == ["C2", "C1", "C3"]
    # the house account (no rep) is owned by its region
    assert a.owners == ("Ben Dubois", "Anna Adler", "West")


def test_call_at_risk_does_not_fire_on_an_empty_or_valueless_list():
    assert A.call_at_risk(_call_list().iloc[0:0]) is None
    assert A.call_at_risk(_call_list().assign(clv=0.0)) is None


# ---------------------------------------------------------------- detractors
def test_follow_up_detractors_counts_responses_and_values_distinct_customers():
    f = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C3"], "nps": [2, 5, 6, 9]})
    a = A.follow_up_detractors(
        f, value={"C1": 100.0, "C2": 250.0, "C3": 999.0}, rep_of={"C1": "R01", "C2": "R02"},
        names={"R01": "Anna Adler", "R02": "Ben Dubois"},
    )  # fmt: skip
    assert a is not None and a.count == 3  # C3 answered 9: not a detractor
    assert a.customers == 2
    assert a.amount == pytest.approx(350.0)  # C1 once, C2
    assert a.owners == ("Ben Dubois", "Anna Adler")


def test_follow_up_detractors_does_not_fire_without_detractors():
    assert A.follow_up_detractors(pd.DataFrame({"customer_id": ["C1"], "nps": [7]})) is None
    assert A.follow_up_detractors(pd.DataFrame({"customer_id": [], "nps": []})) is None


def test_follow_up_without_values_has_no_amount():
    a = A.follow_up_detractors(pd.DataFrame({"customer_id": ["C1"], "nps": [0]}))
    assert a is not None and math.isnan(a.amount) and a.customers == 1


# ------------------------------------------------------------------- drivers
def _drivers(weights, lows, highs, means):
    return pd.DataFrame(
        {"weight": weights, "ci_low": lows, "ci_high": highs, "mean": means,
         "share_poor": [0.05, 0.08, 0.11], "n_answered": [800, 800, 800]},
        index=pd.Index(["quality", "service", "after_sales"], name="driver"),
    )  # fmt: skip


def test_fix_driver_fires_when_the_lowest_rated_is_clearly_important():
    # after-sales is rated lowest (3.4) and its importance 0.40-0.50 lies above quality's
    d = _drivers([0.20, 0.35, 0.45], [0.15, 0.30, 0.40], [0.25, 0.42, 0.50], [3.9, 3.8, 3.4])
    a = A.fix_driver(d)
    assert isinstance(a, A.Action) and a.figures["driver"] == "after_sales"
    assert a.customers == 88  # 800 answers x 11% poor
    assert math.isnan(a.amount)


def test_fix_driver_says_no_clear_priority_when_the_intervals_overlap():
    # the sample's shape: 0.20 (0.17-0.24), 0.22 (0.19-0.26), 0.21 (0.18-0.25)
    d = _drivers([0.20, 0.22, 0.21], [0.17, 0.19, 0.18], [0.24, 0.26, 0.25], [3.77, 3.76, 3.60])
    n = A.fix_driver(d)
    assert isinstance(n, A.Note) and n.key == "no_clear_priority"
    assert n.figures["driver"] == "after_sales"


def test_fix_driver_does_not_fire_when_the_lowest_rated_matters_less():
    d = _drivers([0.50, 0.30, 0.10], [0.45, 0.25, 0.05], [0.55, 0.35, 0.15], [3.9, 3.8, 3.4])
    n = A.fix_driver(d)
    assert isinstance(n, A.Note) and n.key == "lowest_not_important"
    assert A.fix_driver(d.iloc[:1]) is None


# -------------------------------------------------------------- reps behind
def _reps():
    return pd.DataFrame(
        {
            "owner": ["R01", "R02", "R03"],
            "name": ["Anna Adler", "Ben Dubois", "Carla Garcia"],
            "region": ["North", "North", "South"],
            "booked": [40_000.0, 60_000.0, 30_000.0],
            "target": [150_000.0, 120_000.0, 100_000.0],
            "expected_to_date": [70_000.0, 57_000.0, 48_000.0],
            "landing": [110_000.0, 125_000.0, 80_000.0],
            "p_attain": [0.02, 0.61, 0.30],
        }
    )


def test_rebalance_reps_fires_on_low_chance_or_far_below_pace():
    a = A.rebalance_reps(_reps(), p_low=0.2, pace_ratio=0.8)
    # R01: 2% chance; R03: 30% chance but 30k booked < 0.8 x 48k; R02 ahead of pace
    assert a is not None and list(a.items["name"]) == ["Anna Adler", "Carla Garcia"]
    assert a.amount == pytest.approx((150_000 - 110_000) + (100_000 - 80_000))
    assert a.owners == ("North", "South")
    assert a.figures["total"] == 3


def test_rebalance_reps_uses_the_pace_gap_without_a_landing_forecast():
    r = _reps().drop(columns=["landing", "p_attain"])
    a = A.rebalance_reps(r)
    assert a is not None and list(a.items["owner"]) == ["R01", "R03"]
    assert a.amount == pytest.approx((70_000 - 40_000) + (48_000 - 30_000))


def test_rebalance_reps_does_not_fire_when_everyone_is_on_pace():
    r = _reps().assign(p_attain=0.7, booked=[70_000.0, 60_000.0, 48_000.0])
    assert A.rebalance_reps(r) is None


# ---------------------------------------------------------------------- rank
def test_rank_orders_by_money_keeps_five_and_drops_notes():
    def act(key, amount, customers=0):
        return A.Action(key, amount, 1, customers, (), pd.DataFrame())

    acts = [act("fix_driver", math.nan, 90), A.Note("no_clear_priority"), None,
            act("call_at_risk", 50.0), act("reset_targets", 900.0),
            act("rebalance_reps", 300.0), act("follow_up_detractors", 10.0),
            act("call_at_risk", 20.0)]  # fmt: skip
    r = A.rank(acts)
    assert [a.amount for a in r[:5]] == [900.0, 300.0, 50.0, 20.0, 10.0]
    assert len(r) == 5  # the driver action (no amount) is the sixth
    assert A.rank([None, A.Note("no_clear_priority")]) == []


def test_fix_driver_names_the_survey_pages_priority_when_the_lowest_rated_matters_less():
    """One rule on both pages: quality (3.4, lowest) matters less than the others, but
    service (3.5, below the average 3.63) clearly matters more than quality: the survey
    page names service the priority, and so does the executive summary's action."""
    from salesmeasure.kpi.text.screen import action_text
    from salesmeasure.survey.page import priority_of

    d = _drivers([0.10, 0.45, 0.45], [0.05, 0.40, 0.15], [0.15, 0.50, 0.75], [3.4, 3.5, 4.0])
    d = d.assign(share_good=[0.4, 0.5, 0.7])
    assert priority_of(d).driver == "service" and priority_of(d).lowest == "quality"
    a = A.fix_driver(d)
    assert isinstance(a, A.Action) and a.figures["driver"] == "service"
    assert a.customers == 64  # 800 answers x 8% poor
    head, detail = action_text(a)
    assert "Of the areas clearly important to NPS, rated lowest (3.5 of 5, 8% poor;" in detail
    # the lowest-rated overall is the named one: the shorter sentence
    a = A.fix_driver(_drivers([0.20, 0.35, 0.45], [0.15, 0.30, 0.40], [0.25, 0.42, 0.50],
                              [3.9, 3.8, 3.4]).assign(share_good=[0.5, 0.5, 0.4]))  # fmt: skip
    assert "Rated lowest (3.4 of 5, 11% poor) and clearly important" in action_text(a)[1]
