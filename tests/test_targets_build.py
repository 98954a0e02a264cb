"""targets.build on thin data: each section without data holds a Missing whose sentence says
what is missing, and the other sections still compute.

The data are small generated frames (two regions, three years of monthly orders), passed
through a minimal stand-in for the report context so the test exercises build() alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest

from salesmeasure import targets
from salesmeasure.errors import Missing
from salesmeasure.periods import Period


@dataclass(frozen=True)
class Tables:
    orders: pd.DataFrame
    customers: pd.DataFrame
    reps: pd.DataFrame
    targets: pd.DataFrame
    as_of: pd.Timestamp

    def slice(self, period=None, region="all"):
        def cut(df, col=None):
            if region != "all":
                df = df[df["region"] == region]
            if period is not None and col is not None:
                df = df[df[col] <= period.end]
            return df

        return replace(
            self,
            orders=cut(self.orders, "order_date"),
            customers=cut(self.customers, "signup_date"),
            reps=cut(self.reps),
            targets=cut(self.targets),
        )

    def in_period(self, name, period):
        df = getattr(self, name)
        return df[(df["order_date"] >= period.start) & (df["order_date"] <= period.end)]


@dataclass(frozen=True)
class Ctx:
    data: Tables
    view: Tables
    period: Period
    region: str

    @property
    def period_complete(self):
        return self.period.is_complete(self.data.as_of)


def make_tables(*, north_reps=True, with_targets=True, as_of="2026-11-15") -> Tables:
    rng = np.random.default_rng(0)
    reps = pd.DataFrame({"rep_id": ["S1", "S2", "N1"], "region": ["South", "South", "North"]})
    if not north_reps:
        reps = reps[reps["region"] != "North"]
    days = pd.date_range("2023-01-01", as_of, freq="D")
    rows = []
    for d in days:
        for rep, region, level in (
            ("S1", "South", 900),
            ("S2", "South", 600),
            ("N1", "North", 700),
        ):
            season = 1 + 0.3 * np.sin(2 * np.pi * d.month / 12)
            rows.append((d, region, rep, level * season * rng.lognormal(0, 0.3), 3, "A"))
            rows.append((d, region, rep, 0.4 * level * rng.lognormal(0, 0.3), 1, "B"))
    orders = pd.DataFrame(
        rows, columns=["order_date", "region", "rep_id", "amount", "quantity", "product_line"]
    )
    customers = pd.DataFrame(
        {
            "customer_id": range(6),
            "region": ["South"] * 4 + ["North"] * 2,
            "rep_id": ["S1", "S1", "S2", "S2", "N1", "N1"],
            "signup_date": pd.Timestamp("2022-06-01"),
        }
    )
    tg = []
    if with_targets:
        for q in pd.period_range("2024Q1", "2026Q4", freq="Q"):
            label = f"{q.year}Q{q.quarter}"
            tg += [(label, "South", None, 240_000.0), (label, "South", "S1", 140_000.0)]
            tg += [(label, "South", "S2", 100_000.0), (label, "North", None, 110_000.0)]
            tg += [(label, "North", "N1", 110_000.0)]
    tgt = pd.DataFrame(tg, columns=["period", "region", "rep_id", "target_amount"])
    return Tables(orders, customers, reps, tgt, pd.Timestamp(as_of))


def ctx_for(data: Tables, period: str = "2026Q3", region: str = "all") -> Ctx:
    p = Period.parse(period)
    return Ctx(data, data.slice(period=p, region=region), p, region)


SECTIONS = ("outcome", "forecast", "backtest", "proposals", "pacing", "attainment", "pvm")


@pytest.fixture(scope="module")
def normal():
    return targets.build(ctx_for(make_tables()))


def test_every_section_computes_on_normal_data(normal):
    for name in SECTIONS:
        assert not isinstance(getattr(normal, name), Missing), name
    assert normal.proposals.smart["level"].tolist().count("rep") == 3
    assert int(normal.proposals.smart.query("level == 'region'")["amount"].sum()) == round(
        normal.forecast.proposal.target
    )
    assert "3 reps" in targets.describe_proposals(normal.proposals)


def test_a_region_without_a_rep_of_its_own_gets_a_region_target_and_says_so():
    r = targets.build(ctx_for(make_tables(north_reps=False), region="North"))
    assert not isinstance(r.proposals, Missing)
    assert r.proposals.no_reps == ("North",)
    assert r.proposals.smart["level"].tolist() == ["region"]
    assert r.proposals.smart["amount"].iloc[0] == round(r.forecast.proposal.target)
    text = targets.describe_proposals(r.proposals)
    assert "North has no rep of its own, so targets are set for the region only." in text
    for name in ("outcome", "forecast", "backtest", "attainment", "pvm"):
        assert not isinstance(getattr(r, name), Missing), name


def test_header_only_orders_table_leaves_sections_missing_with_a_reason():
    t = make_tables()
    r = targets.build(ctx_for(replace(t, orders=t.orders.iloc[0:0])))
    for name in ("outcome", "forecast", "backtest", "proposals"):
        sec = getattr(r, name)
        assert isinstance(sec, Missing), name
        assert "no orders at all" in sec.reason
    assert isinstance(r.pvm, Missing) and "no orders in 2026Q3" in r.pvm.reason


def test_an_old_period_without_history_before_it():
    r = targets.build(ctx_for(make_tables(), period="2019Q1"))
    assert isinstance(r.forecast, Missing)
    assert r.forecast.reason.startswith("2019Q1 ends 2019-03-31, before any order")
    assert isinstance(r.attainment, Missing)
    assert "No targets are recorded for 2019Q1" in r.attainment.reason
    assert isinstance(r.pvm, Missing)


def test_no_targets_recorded():
    r = targets.build(ctx_for(make_tables(with_targets=False)))
    assert isinstance(r.attainment, Missing)
    assert r.attainment.reason.startswith("No targets are recorded for 2026Q3")
    # the proposal is still made, and the period in progress is paced against it
    assert not isinstance(r.proposals, Missing)
    assert not isinstance(r.pacing, Missing) and r.pacing.target_source == "proposed target"
    assert "No target is recorded" in targets.describe_outcome(r.outcome)


def test_a_region_view_speaks_of_its_reps_against_the_region_total():
    """One region: the region row is the region's total with its own P(attain), the reps
    share one probability, and the sentence compares the two (not region vs company)."""
    r = targets.build(ctx_for(make_tables(), region="South"))
    p = r.proposals
    region_row = p.smart[p.smart["level"] == "region"]
    assert region_row["owner"].tolist() == ["South"]
    assert int(region_row["amount"].iloc[0]) == round(r.forecast.proposal.target)
    assert region_row["p_attain"].iloc[0] == pytest.approx(r.forecast.proposal.p_attain, abs=0.01)
    assert np.isnan(p.p_star) and set(p.p_star_reps) == {"South"}
    text = targets.describe_allocation(p)
    assert text.startswith("Every rep's target in South is met with the same probability")
    assert "the region's total, whose own chance of being met is" in text
    assert "Every region's target" not in text


def test_forecast_notes_and_model_names_are_worded_from_codes():
    from salesmeasure.targets.forecast import Note

    assert targets.forecast_note(Note("no_season", n=20, needed=26)) == (
        "history has 20 periods, fewer than two seasonal cycles plus two (26); "
        "seasonality not modelled"
    )
    assert targets.forecast_note(Note("flat", value=5000.0)) == (
        "history is flat at 5,000 per period; constant forecast without uncertainty"
    )
    assert targets.forecast_note(Note("mean", n=1)).startswith("only 1 period of history")
    assert targets.forecast_note(Note("negative", value=0.0123)).startswith("1.2% of simulated")
    assert targets.forecast_notes(()) == ""
    assert (
        targets.model_name("ETS(A,Ad,A)", region_params=True)
        == "ETS(A,Ad,A) (region's smoothing parameters)"
    )
    assert targets.model_name("none") == "no history"
