"""One path, one report: the warm reset kernel (default) and a fresh kernel (--isolate)
give every notebook the same charts and the same text; and the index keeps every
region's headline KPIs across runs into the same folder."""

from __future__ import annotations

import pytest

from contract import shapes
from contract.artifacts import (
    NOTEBOOKS,
    SUMMARY,
    Run,
    differences,
    read_index,
    render,
    violations,
)
from contract.cases import BY_ID

#: The cases compared warm against fresh, one per distinct path of the reset kernel
#: (issue 23 trimmed the matrix's duplicates): every notebook for a region after "all" in
#: one warm kernel (quarter), a configuration file (fiscal-april), a period in progress
#: (in-progress) and a month with no order at all, every notebook (month-without-orders).
#: Dropped: month (S, T on a month: month-without-orders runs all four on a month),
#: half (V, C on one region: quarter and month-without-orders run V, C on one region) and
#: fiscal-year (S, T on FY2025: fiscal-april runs S, T on a fiscal year, with the config).
FRESH_CASES = ("quarter", "fiscal-april", "in-progress", "month-without-orders")
#: The region compared where the warm run renders more than one: a report that ran after
#: others in its warm kernel (reports go out in plan order, region by region, "all"
#: first), so state left by an earlier report would show. The fresh run of every region
#: of fiscal-april cost 12 fresh kernels (108 s of a fresh machine's suite, issue 23);
#: the last region's are the 11th and 12th reports of its warm run.
FRESH_REGION = {"quarter": "North", "fiscal-april": "West", "in-progress": "North"}


@pytest.mark.slow
@pytest.mark.parametrize("case_id", FRESH_CASES)
def test_fresh_kernel_gives_the_same_reports(batch, shape_data, tmp_path, case_id):
    """The warm run is the case's shared render (contract/conftest.py ``batch``, the same
    command the matrix checks); the fresh run renders the same data with ``--isolate``,
    for one late region where the warm run renders several (:data:`FRESH_REGION`)."""
    case = BY_ID[case_id]
    warm = batch(case_id)
    regions = FRESH_REGION.get(case.id, case.regions)
    args = ["--formats", "html", "--notebooks", ",".join(case.notebooks), "--regions", regions]
    # two workers: every report starts a kernel of its own anyway (--isolate), so the
    # second worker adds no kernel start, and one kernel's start overlaps the other's report
    args += ["--jobs", "2"]
    fresh = render(shape_data(case.shape), tmp_path / "fresh", case.period, *args, "--isolate")
    assert warm.returncode == fresh.returncode, warm.log + fresh.log
    folders = {r.lower() for r in regions.split(",")}
    bad = differences(warm, fresh, regions=folders)
    assert not bad, "\n".join(bad)


@pytest.mark.slow  # 13-31 s: in make test, not make test-fast
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
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_default_command_with_pdfs(default_pack, tmp_path, lang):
    """Every notebook, default formats (HTML and, with Chromium, PDF), in both languages:
    the shared default pack (tests/packs.py: ``salesmeasure render --period 2026Q3
    --regions all,North --lang en,zh-CN``, which exited 0), read as one language's folder.
    Every region of every notebook is rendered by the matrix's all-regions cases
    (in-progress-all, fiscal-april, fiscal-year), in HTML; this was a render of its own
    for every region with PDFs (issue 23)."""
    from packs import PERIOD, REGIONS

    from salesmeasure.render.pdf import find_chromium

    view = tmp_path / lang  # the language's period folder alone, as render writes it
    view.mkdir()
    (view / PERIOD).symlink_to(
        default_pack / PERIOD if lang == "en" else default_pack / lang / PERIOD
    )
    run = Run(["default pack", lang], view, 0, "", "", list(NOTEBOOKS))
    bad = violations(run, planned=len(REGIONS) * len(NOTEBOOKS), pdf=find_chromium() is not None)
    assert not bad, "\n".join(bad)
