"""Notebook 00 (executive summary) runs on the sample data for every region and `all`,
and shows the scorecard's own numbers."""

from __future__ import annotations

import pytest

from salesmeasure import kpi

NOTEBOOK = "00_executive_summary"
# every notebook runs for the company and North (the default pack's regions); each other
# region runs in one notebook's test (South: notebook 00, East: 01, West: 02, Central: 03),
# so that every region of the sample runs once
# (before: every notebook x six regions, 24 runs, ~5 core-minutes of make test)
REGIONS = ["all", "North", "South"]


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_notebook_00_runs_for_all_and_two_regions(run_notebook, sample, region):
    r = run_notebook(NOTEBOOK, period="2026Q3", region=region)
    text = r.text
    assert not r.errors
    assert r.images >= (3 if region == "all" else 2)
    card = kpi.scorecard(sample, "2026Q3", region, with_clv=False)
    assert f"{card.loc['attainment', 'value']:.0%}" in text  # the findings quote the scorecard
    # the notebook links the notebook (JupyterLab opens it); the rendered HTML links the HTML
    assert "target report" in text and "01_target_setting.ipynb" in text
    # the rep assessment table, reps by name
    assert "adjusted for the customers they hold" in text
    rep = sample.reps[sample.reps["region"] == region] if region != "all" else sample.reps
    assert rep["name"].iloc[0] in text
    if region == "all":
        assert "Ranked by target attainment" in text
    else:
        assert "Regions are compared in the all-regions summary" in text
