"""The pack's books (issue 18): company results computed once, every report a slice."""

from __future__ import annotations

import pandas as pd
import pytest

from salesmeasure import books, report


@pytest.fixture(autouse=True)
def _in_process_only(monkeypatch):
    # these tests count computations of one process; the disk cache is tests/test_books_disk.py's
    monkeypatch.setenv(books.CACHE_ENV, "off")


@pytest.fixture(scope="module")
def contexts():
    return {r: report.prepare(period="2026Q3", region=r) for r in ("all", "North", "South")}


def test_region_value_is_the_company_value_of_its_customers(contexts):
    from salesmeasure import clv

    whole = clv.build(contexts["all"]).value.values
    parts = []
    for region in ("North", "South"):
        got = clv.build(contexts[region]).value.values
        ids = books.region_customers(contexts["all"].data, region)
        assert set(got.index) == set(whole.index.intersection(ids))
        pd.testing.assert_frame_equal(got, whole.loc[got.index])  # bit for bit
        parts.append(got)
    # a region's report and the company's give the same customer the same value
    one = parts[0].index[0]
    assert parts[0].loc[one, "clv"] == whole.loc[one, "clv"]


def test_regions_add_up_to_the_company(contexts):
    ds = contexts["all"].data
    end = pd.Timestamp("2026-09-30")
    kw = {"months": 12, "discount_rate": 0.01, "margin": 1.0}
    whole = books.region_value(ds, "all", end, **kw).values
    parts = [books.region_value(ds, r, end, **kw).values for r in ds.regions]
    assert sum(len(p) for p in parts) == len(whole)
    assert sum(p["clv"].sum() for p in parts) == pytest.approx(whole["clv"].sum(), rel=1e-12)


def test_computed_once_and_remembered(monkeypatch):
    calls = []

    def compute():
        calls.append(1)
        return {"x": 1}

    books.forget()
    a = books.remembered("test", ("k",), compute)
    b = books.remembered("test", ("k",), compute)
    assert a is b and len(calls) == 1
    books.remembered("test", ("other",), compute)
    assert len(calls) == 2


def test_batch_folder_shares_results_between_processes(tmp_path, monkeypatch):
    from salesmeasure.data import snapshot

    folder = tmp_path / "snap"
    folder.mkdir()
    monkeypatch.setattr(snapshot, "meta", lambda f: {"fingerprint": "x"})
    monkeypatch.setenv(snapshot.ENV, str(folder))
    books.forget()
    books.remembered("shared", (1,), lambda: [1, 2, 3])
    assert list((folder / "books").glob("*.pickle"))
    books.forget()  # another kernel: reads the folder, does not compute
    assert books.remembered("shared", (1,), lambda: pytest.fail("recomputed")) == [1, 2, 3]


def test_too_little_data_is_remembered_as_the_reason():
    from salesmeasure.errors import InsufficientData

    books.forget()

    def thin():
        raise InsufficientData("too few customers")

    for _ in range(2):
        with pytest.raises(InsufficientData, match="too few customers"):
            books.remembered("thin", (0,), thin)


@pytest.mark.slow  # 13-31 s: in make test, not make test-fast
def test_region_targets_are_the_company_allocation(contexts):
    from salesmeasure import targets

    company = targets.build(contexts["all"]).proposals.smart
    for region in ("North", "South"):
        r = targets.build(contexts[region])
        mine = r.proposals.smart
        theirs = company[company["region"] == region].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            mine[["owner", "amount", "p_attain", "share"]],
            theirs[["owner", "amount", "p_attain", "share"]],
        )
        assert r.forecast.allocated and r.forecast.proposal.target == theirs["amount"].iloc[0]
        reps = mine[mine["level"] == "rep"]["amount"].sum()
        assert reps == mine[mine["level"] == "region"]["amount"].iloc[0]  # to the unit
    regions = company[company["level"] == "region"]["amount"].sum()
    assert regions == round(targets.build(contexts["all"]).proposals.total)


def test_one_rep_assessment_for_the_pack_sliced_per_region(contexts, monkeypatch):
    """The executive summary and the target report of every region show the same
    company assessment (each fitted two customer-value models and drew the ranks again);
    a region's table is its reps' rows of it, ranks among all reps."""
    from dataclasses import replace

    from salesmeasure import targets
    from salesmeasure.targets import assessment as am

    books.forget()
    fits = []
    real = am._assess
    monkeypatch.setattr(am, "_assess", lambda *a: fits.append(1) or real(*a))
    got = {r: targets.assessment_for(ctx) for r, ctx in contexts.items()}
    again = targets.assessment_for(contexts["North"])
    assert len(fits) == 1
    whole = got["all"].table
    for region in ("North", "South"):
        t = got[region].table
        assert len(t) and set(t["region"]) == {region}
        pd.testing.assert_frame_equal(t, whole[whole["region"] == region])
    pd.testing.assert_frame_equal(again.table, got["North"].table)
    # the same data with a table changed in memory keeps its fingerprint: not the same books
    ds = contexts["all"].data
    reps = ds.reps.copy()
    reps.loc[reps.index[0], "name"] = "Someone Else"
    other = am.assess(replace(ds, reps=reps), got["all"].period)
    assert len(fits) == 2
    assert "Someone Else" in set(other.table["name"])
