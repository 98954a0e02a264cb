"""The rep assessment (salesmeasure.targets.assessment): the standardisation by hand, the
weights from salesmeasure.toml, and a rep with a harder book recovered at par."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from salesmeasure.errors import DataError
from salesmeasure.targets import assessment as am


def test_indirect_standardisation_of_a_tiny_table_by_hand():
    units = pd.DataFrame(
        {
            "group": ["X"] * 4 + ["Y"] * 4,
            "stratum": ["A", "A", "A", "B", "A", "B", "B", "B"],
            "y": [1.0, 0, 1, 0, 1, 1, 1, 0],
        }
    )
    t = am.indirect_standardise(units)
    # company rates: A 3/4 = .75, B 2/4 = .5; overall 5/8
    # X: O = 2/4 = .5, E = (3 x .75 + .5) / 4 = .6875; Y: O = .75, E = (.75 + 3 x .5) / 4
    assert t.loc["X", "observed"] == 0.5 and t.loc["X", "expected"] == 0.6875
    assert t.loc["Y", "observed"] == 0.75 and t.loc["Y", "expected"] == 0.5625
    assert t.loc["X", "diff"] == pytest.approx(-0.1875)
    assert t.loc["X", "ratio"] == pytest.approx(0.5 / 0.6875)
    assert t.loc["X", "adjusted"] == pytest.approx(0.625 - 0.1875)
    assert t.loc["Y", "adjusted"] == pytest.approx(0.625 + 0.1875)
    # residuals y - e of X: .25, -.75, .25, -.5; sd (ddof 1) = sqrt(.796875 / 3)
    assert t.loc["X", "se"] == pytest.approx(math.sqrt(0.796875 / 3) / 2)
    assert t.loc["X", "low"] == pytest.approx(-0.1875 - 1.959964 * math.sqrt(0.796875 / 3) / 2)


def test_weights_come_from_salesmeasure_toml_and_bad_ones_are_named():
    w = am.config_weights({"assessment": {"weights": {"revenue": 1, "nps": 0}}})
    assert w["revenue"] == 1.0 and w["nps"] == 0.0 and w["retention"] == 0.2
    assert am.config_weights(None) == am.DEFAULT_WEIGHTS
    with pytest.raises(DataError, match="revnue"):
        am.config_weights({"assessment": {"weights": {"revnue": 1}}})
    with pytest.raises(DataError, match="at or above 0"):
        am.config_weights({"assessment": {"weights": {"nps": -1}}})
    zero = dict.fromkeys(am.DEFAULT_WEIGHTS, 0)
    with pytest.raises(DataError, match="all 0"):
        am.config_weights({"assessment": {"weights": zero}})


@pytest.fixture(scope="module")
def harder_book(sample):
    """The sample with rep R01 given every North customer who is small or without revenue
    and under three years with the company, and R01's other customers handed to the
    North colleagues: a harder book, and the same customers (whose behaviour does not
    depend on their rep) -- so after adjustment R01 is at par."""
    strata = am.customer_strata(sample.until("2026-09-30"), pd.Timestamp("2026-07-01"))
    c = sample.customers.copy()
    north = c["region"] == "North"
    st = strata.reindex(c["customer_id"]).reset_index(drop=True)
    hard = north & st["size"].isin(["small", "none"]).to_numpy() & (st["tenure"] != "3+").to_numpy()
    others = ["R02", "R03", "R04", "R05"]
    was_r01 = (c["rep_id"] == "R01") & ~hard
    c.loc[was_r01, "rep_id"] = [others[i % 4] for i in range(int(was_r01.sum()))]
    c.loc[hard, "rep_id"] = "R01"
    return replace(sample, customers=c)


def test_a_rep_with_a_harder_book_is_at_par_after_adjustment(harder_book):
    a = am.assess(harder_book, "2026Q3", with_clv=False)
    r = a.table.loc["R01"]
    # unadjusted, the book looks worse than the company on retention ...
    assert r["retention_observed"] < a.company["retention"] - 15
    assert r["retention_expected"] < a.company["retention"] - 15
    # ... adjusted, it is at par: the interval of O - E holds 0
    assert r["retention_flag"] == "par" and r["retention_low"] < 0 < r["retention_high"]
    assert abs(r["retention_points"]) < abs(r["retention_observed"] - a.company["retention"]) / 3


def test_assessment_on_the_sample_has_ranks_with_intervals_and_names(sample):
    a = am.assess(sample, "2026Q3", with_clv=False)
    t = a.table
    assert len(t) == len(sample.reps) and t["name"].notna().all()
    assert set(t["score_flag"]) <= {"above", "below", "par", ""}
    ok = t["rank"].notna()
    assert (t.loc[ok, "rank_low"] <= t.loc[ok, "rank"]).all()
    assert (t.loc[ok, "rank"] <= t.loc[ok, "rank_high"]).all()
    # components weighted as configured: with only revenue weighted, the score is revenue
    b = am.assess(sample, "2026Q3", with_clv=False, weights={"revenue": 1.0})
    rt = b.table.dropna(subset=["revenue_points"])
    assert np.allclose(rt["score"], rt["revenue_points"])


def test_a_period_in_progress_is_not_assessed(sample):
    from salesmeasure.errors import InsufficientData

    with pytest.raises(InsufficientData, match="in progress"):
        am.assess(sample, "2026Q4", with_clv=False)


def test_without_surveys_the_nps_part_is_left_out_and_the_rest_stands(sample):
    no_surveys = replace(sample, surveys=sample.surveys.iloc[0:0])
    a = am.assess(no_surveys, "2026Q3", with_clv=False)
    t = a.table
    assert (t["nps_n"] == 0).all() and t["nps_points"].isna().all() and (t["nps_flag"] == "").all()
    assert t["retention_points"].notna().sum() > 20 and t["score"].notna().all()
    assert math.isnan(a.company["nps"])
