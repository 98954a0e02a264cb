"""The incentive simulation (salesmeasure.targets.incentives): the payout of a known plan
by hand, the plan from salesmeasure.toml, and the simulation's summaries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from salesmeasure.errors import DataError
from salesmeasure.targets import incentives as inc

PLAN = inc.Plan(rate=0.05, threshold=0.5, accelerators=((1.0, 0.08), (1.2, 0.10)), cap=1.5)


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        (40_000, 0.0),  # below the 50% threshold
        (50_000, 2_500.0),  # at the threshold: 5% of 50k
        (80_000, 4_000.0),  # 5% of 80k
        (110_000, 5_800.0),  # 5% of 100k + 8% of 10k
        (130_000, 7_600.0),  # 5,000 + 8% of 20k + 10% of 10k
        (200_000, 9_600.0),  # capped at 150%: 5,000 + 1,600 + 10% of 30k
    ],
)
def test_payout_of_a_known_plan_by_hand(revenue, expected):
    assert float(inc.payout(revenue, 100_000, PLAN)) == pytest.approx(expected)


def test_max_payout_and_a_missing_target():
    plan = inc.Plan(rate=0.05, threshold=0.0, accelerators=(), cap=10.0, max_payout=3_000)
    assert float(inc.payout(100_000, 100_000, plan)) == 3_000.0
    assert float(inc.payout(100_000, 0.0, plan)) == 0.0
    assert float(inc.payout(100_000, math.nan, plan)) == 0.0


def test_simulation_summaries_on_known_draws():
    # rep A always at 110k of 100k (5,800), rep B half the draws at 40k, half at 80k
    a = np.full(1000, 110_000.0)
    b = np.r_[np.full(500, 40_000.0), np.full(500, 80_000.0)]
    plan = inc.Plan(**{**PLAN.__dict__, "budget": 8_000.0})
    sim = inc.simulate_plan(np.vstack([a, b]), [100_000, 100_000], plan, owners=["A", "B"])
    assert sim.table.loc["A", "expected_payout"] == pytest.approx(5_800)
    assert sim.table.loc["B", "expected_payout"] == pytest.approx(2_000)
    assert sim.expected_total == pytest.approx(7_800)
    # the total is 5,800 or 9,800, each half the time: over 8,000 in half the draws
    assert sim.p_over_budget == pytest.approx(0.5)
    assert sim.share_accelerator == pytest.approx(0.5)  # A always, B never
    assert sim.table.loc["B", "p_threshold"] == pytest.approx(0.5)
    assert sim.rewards_target


def test_a_plan_without_an_accelerator_at_target_does_not_reward_the_target():
    flat = inc.Plan(rate=0.05, threshold=0.0, accelerators=(), cap=3.0)
    sim = inc.simulate_plan(np.full((1, 10), 100.0), [100.0], flat)
    assert not sim.rewards_target
    late = inc.Plan(rate=0.05, threshold=0.0, accelerators=((1.3, 0.1),), cap=3.0)
    assert not inc.simulate_plan(np.full((1, 10), 100.0), [100.0], late).rewards_target


def test_plan_from_salesmeasure_toml_and_its_errors():
    p = inc.config_plan(
        {
            "incentives": {
                "rate": 0.04,
                "accelerators": [{"above": 1.0, "rate": 0.07}],
                "budget": 1e5,
            }
        }
    )
    assert p.rate == 0.04 and p.accelerators == ((1.0, 0.07),) and p.budget == 1e5
    assert p.threshold == inc.DEFAULT_PLAN.threshold and p.configured
    assert inc.config_plan(None) == inc.DEFAULT_PLAN
    with pytest.raises(DataError, match="'rat'"):
        inc.config_plan({"incentives": {"rat": 0.1}})
    with pytest.raises(DataError, match="rise"):
        inc.config_plan(
            {"incentives": {"accelerators": [{"above": 1.2, "rate": 1}, {"above": 1.0, "rate": 1}]}}
        )
    with pytest.raises(DataError, match="accelerators\\[0\\]"):
        inc.config_plan({"incentives": {"accelerators": [{"at": 1.0}]}})
    with pytest.raises(DataError, match="cap"):
        inc.config_plan({"incentives": {"cap": 0.4}})
