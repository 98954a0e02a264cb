"""Notebook 01 (target setting) runs on the sample data for every region and for `all`."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_target_setting.ipynb"
REGIONS = json.loads((ROOT / "data" / "sample" / "generator.json").read_text(encoding="utf-8"))[
    "regions"
]
SECTIONS = [
    "## Headline",
    "## Next period: forecast and proposed target",
    "## Forecast calibration",
    "## Proposed targets by region and rep",
    "## Which allocation method was right",
    "## Period in progress",
    "## Rep attainment",
    "## Price, volume and mix",
    "## Targets for the customer KPIs",
    "## KPIs over time against their targets",
    "## Rep assessment",
    "## Incentive simulation",
]


def test_parameters_cell_names_and_defaults():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    src = params[0].source
    for name in (
        "period: str",
        "region: str",
        "data_path: str",
        "attainability: float",
        "uplift: float",
    ):
        assert name in src
    assert all(
        line.split("#", 1)[1].strip() for line in src.splitlines()
    )  # every parameter has help


def test_sections_present_and_no_outputs_committed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for s in SECTIONS:
        assert s in md
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None


def test_every_sample_region_runs_in_one_notebook_test():
    """The notebook tests split the sample's regions between them (see below); a region
    added to the sample must be added to one of them."""
    import importlib

    covered = {"North"}
    for k in ("00", "02", "03"):
        covered |= set(importlib.import_module(f"test_notebook_{k}").REGIONS) - {"all"}
    covered.add("East")  # this file's own third region
    assert covered == set(REGIONS), sorted(set(REGIONS) - covered)


@pytest.mark.slow
# every notebook runs for the company and North (the default pack's regions); each other
# region runs in one notebook's test (South: notebook 00, East: 01, West: 02, Central: 03),
# so that every region of the sample runs once
# (before: every notebook x six regions, 24 runs, ~5 core-minutes of make test)
@pytest.mark.parametrize("region", ["all", "North", "East"])
def test_notebook_runs_for_region(run_notebook, region):
    r = run_notebook(NOTEBOOK.stem, region=region, period="2026Q3")
    assert not r.errors
    text = r.markdown
    label = "All regions" if region == "all" else f"{region} region"
    assert label in text
    assert "target of" in text and "P(attain)" in text
    assert "the effects add up exactly to the change" in text
    assert "reps" in text and "benchmark" in text
    # the review: KPI targets, the control charts, the assessment, the commission plan
    assert "minimum detectable change" in text and "p-chart" in r.text
    assert "indirect standardisation" in text and "Ranks carry a 95% interval" in text
    assert "The commission plan" in text and "expected to cost" in text
    # fan chart, backtest, proposals, pacing, attainment distribution, PVM waterfall
    assert r.images >= 6


@pytest.mark.slow
def test_notebook_runs_for_a_period_in_progress(run_notebook):
    r = run_notebook(NOTEBOOK.stem, region="all", period="2026Q4")
    assert "2026Q4 is in progress" in r.markdown
    assert r.images >= 6


@pytest.mark.slow
def test_bad_attainability_stops_with_a_clear_message(run_notebook):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError, match="attainability"):
        run_notebook(NOTEBOOK.stem, region="all", attainability=1.5)
