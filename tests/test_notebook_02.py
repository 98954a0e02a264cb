"""Notebook 02 (satisfaction survey) runs on the sample data for every region and for
`all`, shows no errors, writes narrative from the numbers and hides small samples."""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

NOTEBOOK = "02_satisfaction_survey.ipynb"
NAME = "02_satisfaction_survey"
# every notebook runs for the company and North (the default pack's regions); each other
# region runs in one notebook's test (South: notebook 00, East: 01, West: 02, Central: 03),
# so that every region of the sample runs once
# (before: every notebook x six regions, 24 runs, ~5 core-minutes of make test)
REGIONS = ["all", "North", "West"]


def test_notebook_02_is_stored_without_outputs_and_has_papermill_parameters(notebook_dir):
    nb = nbformat.read(notebook_dir / NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code.index(params[0]) == 0
    from papermill.translators import PythonTranslator

    found = {p.name: p for p in PythonTranslator.inspect(params[0])}
    assert set(found) == {"period", "region", "data_path", "lang", "currency", "confidence"}
    assert all(p.help for p in found.values())  # every parameter documents itself
    headings = [
        line.lstrip("#").strip()
        for c in nb.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("#")
    ]
    for section in (
        "## Headline",
        "## How customers rate",
        "## Scale reliability",
        "## What drives",
        "## What customers say",
        "## Regions compared",
        "## Complaints",
        "## Satisfaction and retention",
        "## Data quality",
        "## Detractors to follow up",
        "## How these numbers are made",
    ):
        assert any(h.startswith(section.lstrip("# ")) for h in headings), section


def test_notebook_02_code_is_ruff_clean(notebook_dir):
    import subprocess
    from pathlib import Path

    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("ruff not installed in this environment")
    res = subprocess.run(
        [str(ruff), "check", "--output-format=concise", str(notebook_dir / NOTEBOOK)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_notebook_02_runs_for_all_and_two_regions_on_sample_data(run_notebook, region):
    r = run_notebook(NAME, period="2026Q3", region=region, confidence=0.95)
    text, images, nb = r.text, r.images, r.nb
    assert not r.errors
    assert "Traceback" not in text
    # NPS 0-10, trend, response rate, Likert, drivers, complaints, retention, and
    # regions compared for "all"
    assert images == (8 if region == "all" else 7)
    # narrative is generated from the numbers: the headline sentence carries the NPS
    assert re.search(r"In 2026Q3: NPS [+-]\d+ \([+-]\d+ to [+-]\d+\)", text)
    assert "Compared with 2026Q2" in text or "differences from 2026Q2" in text
    if region == "all":
        assert "NPS ranges from" in text
    else:
        assert "This report covers one region" in text
    params = nb.metadata["papermill"]["parameters"]
    assert params.get("region", "all") == region  # a default value is not injected
    # what customers say: the planted driver theme comes first, comments are escaped text
    assert "responses in the period carry a comment" in text
    assert "answered as detractors" in text or "answered as a detractor" in text


@pytest.mark.slow
def test_notebook_02_shows_too_few_responses_instead_of_numbers_for_small_samples(
    run_notebook,
):
    # Central had 16 responses in 2023Q1 (the first quarter of data) and none before
    r = run_notebook(NAME, period="2023Q1", region="Central")
    text = r.text
    assert not r.errors
    assert "Too few responses in 2023Q1" in text
    assert "Key drivers: too few responses" in text
    assert "Too few complaints to report the share resolved" in text
    assert "What customers say: too few responses with a comment in" in text
    assert not re.search(r"In 2023Q1: NPS", text)  # no number presented as fact


@pytest.mark.slow
def test_notebook_02_bad_region_stops_with_a_clear_message(run_notebook):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook(NAME, period="2026Q3", region="Nowhere")
    assert "parameter 'region'" in str(info.value)
    assert "unknown region 'Nowhere'" in str(info.value)
