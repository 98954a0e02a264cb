"""The backtest of allocation methods against a hand-worked two-quarter example, and on
generated data through targets.build (a section, or a Missing with its sentence)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_targets_build import ctx_for, make_tables

from salesmeasure import targets
from salesmeasure.errors import Missing
from salesmeasure.targets.methods import PeriodCase, score_methods

# Two owners with known forecast draws; B's draws are A's halved, so at any probability
# B's quantile is half of A's and the equal-probability split is always 2 : 1.
A = [80.0, 90.0, 100.0, 110.0, 120.0]
B = [40.0, 45.0, 50.0, 55.0, 60.0]
SAMPLES = pd.DataFrame([A, B], index=["A", "B"])


def cases():
    return [
        PeriodCase(
            "2026Q1",
            SAMPLES,
            total=135,
            shares=pd.Series({"A": 0.5, "B": 0.5}),
            actual=pd.Series({"A": 95.0, "B": 40.0}),
        ),
        PeriodCase(
            "2026Q2",
            SAMPLES,
            total=150,
            shares=pd.Series({"A": 0.6, "B": 0.4}),
            actual=pd.Series({"A": 120.0, "B": 52.0}),
        ),
    ]


def test_scores_match_the_hand_worked_two_quarter_example():
    mb = score_methods(cases())
    o = mb.owners.set_index(["period", "method", "owner"])

    # Q1, equal: 1.5 * Q_A(1-p) = 135 -> Q_A = 90, the 25% point of A's five draws
    # (numpy's linear rule: position 0.25 * 4 = 1) -> p* = 75%; targets A 90, B 45.
    # Stated P = share of draws at or above the target: A 4/5, B 4/5.
    # A sold 95 >= 90 (attained, 95/90), B 40 < 45 (missed, 40/45).
    assert o.loc[("2026Q1", "equal", "A"), "target"] == 90
    assert o.loc[("2026Q1", "equal", "B"), "target"] == 45
    assert o.loc[("2026Q1", "equal", "A"), "p_attain"] == pytest.approx(0.8)
    assert o.loc[("2026Q1", "equal", "B"), "p_attain"] == pytest.approx(0.8)
    # Q1, share 50/50: 67.5 each; the odd unit goes to the earlier owner: A 68, B 67.
    # Stated P: A's draws all >= 68 -> 1.0; none of B's >= 67 -> 0.0. A 95 attained, B 40 not.
    assert o.loc[("2026Q1", "share", "A"), "target"] == 68
    assert o.loc[("2026Q1", "share", "B"), "target"] == 67
    assert o.loc[("2026Q1", "share", "A"), "p_attain"] == 1.0
    assert o.loc[("2026Q1", "share", "B"), "p_attain"] == 0.0
    # Q2, equal: 1.5 * Q_A = 150 -> Q_A = 100, the median -> targets A 100, B 50; stated P
    # 3/5 each; A 120 and B 52 both attained (120/100, 52/50).
    assert o.loc[("2026Q2", "equal", "A"), "target"] == 100
    assert o.loc[("2026Q2", "equal", "B"), "target"] == 50
    assert o.loc[("2026Q2", "equal", "B"), "p_attain"] == pytest.approx(0.6)
    # Q2, share 60/40: A 90, B 60; stated P A 4/5, B 1/5; A 120 attained, B 52 missed.
    assert o.loc[("2026Q2", "share", "A"), "target"] == 90
    assert o.loc[("2026Q2", "share", "B"), "p_attain"] == pytest.approx(0.2)

    s = mb.summary
    # equal: stated 0.8, 0.8, 0.6, 0.6 (mean 0.7); attained 1, 0, 1, 1 (0.75); gap +0.05;
    # Brier = (0.2^2 + 0.8^2 + 0.4^2 + 0.4^2) / 4 = (0.04 + 0.64 + 0.16 + 0.16) / 4 = 0.25.
    # Spread: the IQR of two values is half their difference:
    # Q1 (95/90 - 40/45) / 2 = 0.083333, Q2 (120/100 - 52/50) / 2 = 0.08; mean 0.081667.
    assert s.loc["equal", "mean_p"] == pytest.approx(0.7)
    assert s.loc["equal", "attained"] == pytest.approx(0.75)
    assert s.loc["equal", "gap"] == pytest.approx(0.05)
    assert s.loc["equal", "brier"] == pytest.approx(0.25)
    assert s.loc["equal", "spread"] == pytest.approx((0.0833333 + 0.08) / 2, abs=1e-6)
    # share: stated 1.0, 0.0, 0.8, 0.2 (mean 0.5); attained 1, 0, 1, 0 (0.5); gap 0;
    # Brier = (0 + 0 + 0.2^2 + 0.2^2) / 4 = 0.02.
    # Spread: Q1 (95/68 - 40/67) / 2 = 0.400022, Q2 (120/90 - 52/60) / 2 = 0.233333.
    assert s.loc["share", "mean_p"] == pytest.approx(0.5)
    assert s.loc["share", "attained"] == pytest.approx(0.5)
    assert s.loc["share", "gap"] == pytest.approx(0.0)
    assert s.loc["share", "brier"] == pytest.approx(0.02)
    assert s.loc["share", "spread"] == pytest.approx((0.400022 + 0.233333) / 2, abs=1e-6)
    assert s["targets"].tolist() == [4, 4] and s["periods"].tolist() == [2, 2]
    # both shares attained lie within their Wilson intervals around the stated means
    assert mb.miscalibrated == ()
    # 0.0817 against 0.3168: equal probability left attainment clearly more even
    assert mb.more_even == "equal"
    assert targets.describe_methods(mb) == (
        "Over 2 past periods (2026Q1 to 2026Q2), both methods' stated chances of attaining "
        "were borne out, and the equal-probability targets left attainment more even "
        "across reps."
    )
    table = targets.methods_table(mb)
    assert table.loc["Equal probability", "Brier score"] == "0.250"
    assert table.loc["Revenue/book share", "Gap (attained - stated)"] == "+0.0 pts"
    assert table.loc["Equal probability", "Spread of attainment (IQR)"] == "8 pts"


def test_build_scores_past_quarters_on_generated_data():
    r = targets.build(ctx_for(make_tables()))
    mb = r.methods
    assert not isinstance(mb, Missing)
    assert mb.periods == ("2025Q4", "2026Q1", "2026Q2", "2026Q3")
    # three reps in every quarter, both methods
    assert mb.summary["targets"].tolist() == [12, 12]
    # the targets of each quarter add up to the same proposed total under both methods
    sums = mb.owners.groupby(["period", "method"])["target"].sum().unstack()
    assert (sums["equal"] == sums["share"]).all()


def test_too_few_past_quarters_leave_a_missing_with_its_sentence():
    # data from 2023-01: with 12 months needed before each quarter, 2024Q1 is the first
    # quarter that can be allocated, so a 2024Q1 report has one past quarter only
    r = targets.build(ctx_for(make_tables(), period="2024Q1"))
    assert isinstance(r.methods, Missing)
    assert r.methods.reason.startswith("Only 1 past period has enough history before it")
