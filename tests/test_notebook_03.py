"""Notebook 03 (retention and CLV) runs on the sample data for every region and `all`."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "03_retention_clv.ipynb"
# every notebook runs for the company and North (the default pack's regions); each other
# region runs in one notebook's test (South: notebook 00, East: 01, West: 02, Central: 03),
# so that every region of the sample runs once
# (before: every notebook x six regions, 24 runs, ~5 core-minutes of make test)
REGIONS = ["all", "North", "Central"]
SECTIONS = [
    "Overview",
    "Recoverable value by region",
    "Call list: recoverable customers to call",
    "Win-back list: customers who have already lapsed",
    "Retention and churn by period, region and segment",
    "Customer lifetime value and tiers",
    "How these numbers are made",
    "Cohort retention",
    "Survival",
    "Purchase model fit and holdout validation",
    "Which customers are still active?",
    "How customer value is computed",
]


def test_notebook_03_parameters_and_sections():
    nb = nbformat.read(NB, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    names = re.findall(r"^(\w+): ", params[0].source, flags=re.M)
    assert names == [
        "period",
        "region",
        "data_path",
        "lang",
        "currency",
        "clv_months",
        "discount_rate",
        "margin",
        "holdout_weeks",
    ]
    headings = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for s in SECTIONS:  # in this order (the methods at the end, issue 19)
        assert re.search(rf"^#{{2,3}} {re.escape(s)}", headings, flags=re.M), s
    found = [
        re.search(rf"^#{{2,3}} {re.escape(s)}", headings, flags=re.M).start() for s in SECTIONS
    ]
    assert found == sorted(found)


@pytest.fixture()
def run(run_notebook):
    return lambda **params: run_notebook(NB.stem, **params)


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_notebook_03_runs_for_all_and_two_regions_on_sample_data(run, region):
    r = run(period="2026Q3", region=region)
    assert not r.errors
    md = r.markdown
    # every analytic section produced its narrative and chart
    assert "quarterly cohorts" in md
    assert "holdout purchases against" in md
    assert "over the next 12 months" in md
    assert "can still be saved" in md  # value at risk = value that can still be saved
    assert "have probably lapsed already" in md or "No high-value customer has lapsed" in md
    assert r.images == 7  # one chart per analytic section
    # the call list names customers, their rep and their expected value; the recoverable
    # value is shown by region
    html = "\n".join(r.outputs("text/html"))
    assert "Expected value" in html and "Recoverable value" in html and "Rep" in html
    assert "Traceback" not in md + html


@pytest.mark.slow
def test_notebook_03_bad_parameter_stops_with_a_message_naming_it(run):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError, match="margin"):
        run(period="2026Q3", region="all", margin=1.5)


@pytest.mark.slow
def test_notebook_03_without_enough_history_explains_instead_of_failing(run):
    r = run(period="2023Q2", region="North")
    assert not r.errors
    md = r.markdown
    # issue 23: the holdout is a third of the history (2023-01-02 .. 2023-06-30, 179
    # days: 8 whole weeks) instead of a fixed 26 weeks the history does not have
    assert "up to 8 weeks before the period end" in md
    assert "not reached" in md  # nobody can have lapsed 180 days into the data


@pytest.mark.slow
def test_notebook_03_runs_for_a_month_period(run):
    md = run(period="2026-07", region="all").markdown
    # a month period ends mid-quarter: retention is reported for the last complete quarter
    assert "In 2026Q2," in md
    assert "holdout purchases against" in md
