"""Notebook 00 (executive summary) runs on the sample data for every region and `all`,
and shows the scorecard's own numbers."""

from __future__ import annotations

import nbformat
import pytest

from salesmeasure import kpi

NOTEBOOK = "00_executive_summary.ipynb"
REGIONS = ["all", "North", "South", "East", "West", "Central"]


def _text(nb) -> tuple[str, int, list[str]]:
    text, images, errors = [], 0, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"{out.get('ename')}: {out.get('evalue')}")
            data = out.get("data", {})
            images += "image/png" in data
            text += [data[k] for k in ("text/markdown", "text/html", "text/plain") if k in data]
    return "\n".join(text), images, errors


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_notebook_00_runs_for_every_region_and_all(notebook_dir, tmp_path, sample, region):
    import papermill

    out = tmp_path / f"nb00_{region}.ipynb"
    papermill.execute_notebook(
        str(notebook_dir / NOTEBOOK),
        str(out),
        parameters={"period": "2026Q3", "region": region},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(notebook_dir),
    )
    text, images, errors = _text(nbformat.read(out, as_version=4))
    assert not errors
    assert images >= (3 if region == "all" else 2)
    card = kpi.scorecard(sample, "2026Q3", region, with_clv=False)
    assert f"{card.loc['attainment', 'value']:.0%}" in text  # the findings quote the scorecard
    assert "target report" in text and "01_target_setting.html" in text
    if region == "all":
        assert "Ranked by target attainment" in text
    else:
        assert "Regions are compared in the all-regions summary" in text
