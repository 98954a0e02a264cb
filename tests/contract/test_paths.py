"""One path, one report: the warm reset kernel (default) and a fresh kernel (--isolate)
give every notebook the same charts and the same text; and the index keeps every
region's headline KPIs across runs into the same folder."""

from __future__ import annotations

import pytest

from contract import shapes
from contract.artifacts import NOTEBOOKS, SUMMARY, differences, read_index, render, violations
from contract.cases import CASES


@pytest.mark.parametrize(
    "case",
    [pytest.param(CASES[0], id="quarter-North", marks=pytest.mark.slow)]  # 2 full renders
    + [pytest.param(c, id=c.id, marks=pytest.mark.slow) for c in CASES[1:7]],
)
def test_fresh_kernel_gives_the_same_reports(make_shape, tmp_path, case):
    data = make_shape(case.shape)
    args = ["--formats", "html", "--notebooks", ",".join(case.notebooks)]
    regions = ["--regions", "North" if case.id == "quarter" else case.regions]
    warm = render(data, tmp_path / "warm", case.period, *args, *regions)
    fresh = render(data, tmp_path / "fresh", case.period, *args, *regions, "--isolate")
    assert warm.returncode == fresh.returncode, warm.log + fresh.log
    bad = differences(warm, fresh)
    assert not bad, "\n".join(bad)


def test_index_keeps_every_regions_kpis_across_runs(make_shape, tmp_path):
    data = make_shape(shapes.unchanged)
    out = tmp_path / "out"
    for region in ("South", "North"):
        args = ["--formats", "html", "--regions", region, "--notebooks", SUMMARY]
        run = render(data, out, "2026Q3", *args)
        assert run.returncode == 0, run.log
    rows = {r.region: r for r in read_index(out / "2026Q3" / "index.html")}
    assert rows["South"].scorecard and rows["North"].scorecard, rows
    bad = violations(run)
    assert not bad, "\n".join(bad)


@pytest.mark.slow
def test_the_default_command_with_pdfs(make_shape, tmp_path):
    """Every notebook for all regions, default formats (HTML and, with Chromium, PDF)."""
    from salesmeasure.render.pdf import find_chromium

    data = make_shape(shapes.unchanged)
    run = render(data, tmp_path / "out", "2026Q3")
    bad = violations(run, planned=6 * len(NOTEBOOKS), pdf=find_chromium() is not None)
    assert run.returncode == 0 and not bad, run.log + "\n".join(bad)
