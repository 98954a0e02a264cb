"""Proposed targets inside the attainable band (issue 18): no rep is set below the band's
floor to fill a region target its reps cannot carry, while the regions add up to the
company to the unit; when the total is more than the owners can carry, the report says so.

A hand-checkable case: 101 draws on an even grid, so every quantile is a line.
Region A's own draws are 100..200 (Q = 200 - 100 p at P(attain) p), its two reps' 40..90
each (their sum S = 180 - 100 p); region B's own 100..200, its two reps' 60..110 each
(S = 220 - 100 p). Band 50% to 90%.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from salesmeasure.targets.allocation import (
    band_carry,
    band_note,
    banded_split,
    equal_probability,
)

GRID = np.linspace(0.0, 1.0, 101)
A = 100 + 100 * GRID
B = 100 + 100 * GRID
A_REPS = np.vstack([40 + 50 * GRID, 40 + 50 * GRID])
B_REPS = np.vstack([60 + 50 * GRID, 60 + 50 * GRID])
REGIONS = np.vstack([A, B])
BAND = (0.5, 0.9)


def split(total):
    top = banded_split(REGIONS, [A_REPS, B_REPS], total, p_band=BAND, owners=["A", "B"])
    reps = {
        r: equal_probability(s, int(top.amounts[r]), owners=[f"{r}1", f"{r}2"])
        for r, s in (("A", A_REPS), ("B", B_REPS))
    }
    return top, reps


def test_the_plain_split_puts_a_reps_below_the_band():
    # what the pack did: both regions at one P(attain), 400 - 200 p = 270 -> p = 65%,
    # A = 135, and A's reps then share 135 at 180 - 100 p = 135 -> p = 45%
    plain = equal_probability(REGIONS, 270, owners=["A", "B"])
    assert plain.amounts.to_dict() == {"A": 135, "B": 135}
    reps = equal_probability(A_REPS, 135)
    assert reps.p_star == pytest.approx(0.45, abs=1e-6)


def test_inside_the_band_when_the_total_allows():
    # A may take at most min(Q_A(50%) = 150, S_A(50%) = 130) = 130: it is set there, and B
    # makes up the rest at the common p: 200 - 100 p = 140 -> p = 60%
    top, reps = split(270)
    assert top.amounts.to_dict() == {"A": 130, "B": 140}
    assert int(top.amounts.sum()) == 270  # the regions add up to the total to the unit
    assert top.p_star == pytest.approx(0.6, abs=1e-6)
    # A's reps: 180 - 100 p = 130 -> p = 50%, 65 each; B's: 220 - 100 p = 140 -> 80%, 70 each
    assert reps["A"].amounts.to_dict() == {"A1": 65, "A2": 65}
    assert reps["B"].amounts.to_dict() == {"B1": 70, "B2": 70}
    # P(attain) counted on the draws: A >= 130 in 71 of 101, B >= 140 in 61, A's reps
    # >= 65 in 51, B's reps >= 70 in 81 -- all inside 50% to 90%
    assert top.p_attain.to_dict() == pytest.approx({"A": 71 / 101, "B": 61 / 101})
    assert reps["A"].p_attain.tolist() == pytest.approx([51 / 101] * 2)
    assert reps["B"].p_attain.tolist() == pytest.approx([81 / 101] * 2)
    for p in [*top.p_attain, *reps["A"].p_attain, *reps["B"].p_attain]:
        assert BAND[0] <= p <= BAND[1]


def test_what_the_owners_carry_at_the_band_floor():
    sims = {
        "region": SimpleNamespace(samples=REGIONS, owners=pd.Index(["A", "B"])),
        "A": SimpleNamespace(samples=A_REPS),
        "B": SimpleNamespace(samples=B_REPS),
    }
    # min(150, 130) + min(150, 170) = 280; A's reps alone carry 130
    assert band_carry(sims, 0.5) == pytest.approx(280)
    assert band_carry(sims, 0.5, "A") == pytest.approx(130)


def test_when_the_band_cannot_hold_the_report_says_so():
    from salesmeasure.i18n import language

    # 290 is more than the 280 the owners carry at 50%: the plain split is kept (exact
    # sums), A's reps fall below the band, and the note gives the total that would hold
    top, reps = split(290)
    assert top.amounts.to_dict() == {"A": 145, "B": 145}
    assert reps["A"].p_star < 0.5
    sims = {
        "region": SimpleNamespace(samples=REGIONS, owners=pd.Index(["A", "B"])),
        "A": SimpleNamespace(samples=A_REPS),
        "B": SimpleNamespace(samples=B_REPS),
    }
    rows = [("region", "A", "A", 145, top.p_attain["A"]), ("region", "B", "B", 145,
            top.p_attain["B"])]  # fmt: skip
    for r in ("A", "B"):
        for rep, amt in reps[r].amounts.items():
            rows.append(("rep", r, rep, int(amt), reps[r].p_attain[rep]))
    smart = pd.DataFrame(rows, columns=["level", "region", "owner", "amount", "p_attain"])
    smart["attainable"] = smart["p_attain"].round(2).between(*BAND)
    section = SimpleNamespace(smart=smart, method="equal", p_band=BAND, sims=sims,
                              total=290.0, region="all")  # fmt: skip
    below = int((smart["p_attain"].round(2) < 0.5).sum())
    assert below == 2  # A's two reps
    with language("en"):
        text = band_note(section)
    assert "cannot hold for every region and rep" in text
    assert "carry at most 280 with a 50% chance each, 10 less than the 290" in text
    assert "2 targets are set below 50%" in text
    with language("zh-CN"):
        zh = band_note(section)
    assert "280" in zh and "290" in zh and "cannot" not in zh
    # A's slice: its reps carry 130 of its 145
    a = SimpleNamespace(smart=smart[smart["region"] == "A"], method="equal", p_band=BAND,
                        sims=sims, total=145.0, region="A")  # fmt: skip
    with language("en"):
        assert "every rep in A" in band_note(a) and "carry at most 130" in band_note(a)
    # inside the band: nothing to say
    ok = SimpleNamespace(**{**section.__dict__, "smart": smart.assign(p_attain=0.6)})
    assert band_note(ok) == ""


def test_a_region_set_at_what_its_reps_carry_is_named():
    from salesmeasure.i18n import language

    top, reps = split(270)
    rows = [("region", r, r, int(top.amounts[r]), top.p_attain[r]) for r in ("A", "B")]
    for r in ("A", "B"):
        rows += [("rep", r, k, int(v), reps[r].p_attain[k]) for k, v in reps[r].amounts.items()]
    smart = pd.DataFrame(rows, columns=["level", "region", "owner", "amount", "p_attain"])
    smart["attainable"] = True
    section = SimpleNamespace(smart=smart, method="equal", p_band=BAND, sims={}, total=270.0,
                              region="all", p_star=top.p_star)  # fmt: skip
    # A's 70% is above the common 60%: it is the region set at what its reps carry
    with language("en"):
        text = band_note(section)
    assert text.startswith("A's target is set at what its reps' own forecasts carry")
    with language("zh-CN"):
        zh = band_note(section)
        assert zh.startswith("A") and "销售代表" in zh and "carry" not in zh
