"""The index judges a region's headline KPIs as its executive summary does: by the
thresholds of the data's ``salesmeasure.toml`` (``[kpi.thresholds]``), not the defaults."""

from __future__ import annotations

import shutil

import pytest
from contract.artifacts import read_index, render


@pytest.mark.slow  # one summary report through the real command (~10 s)
def test_the_index_symbol_follows_the_configured_thresholds(sample_dir, tmp_path):
    from salesmeasure import kpi, report
    from salesmeasure.format import STATUS_SYMBOLS
    from salesmeasure.i18n import set_language

    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    # North's NPS in 2026Q3 is to watch by the default thresholds (on track from 30); this
    # company calls an NPS on track from -50: the same NPS is on track
    (data / "salesmeasure.toml").write_text("[kpi.thresholds]\nnps = { good = -50, watch = -80 }\n")
    try:
        set_language("en")
        ctx = report.prepare(period="2026Q3", region="North", data_path=str(data))
        card = kpi.build(ctx).scorecard
        default = kpi.scorecard(ctx.data, "2026Q3", "North", with_clv=False)
    finally:
        set_language("en")
    assert default.loc["nps", "status"] == "watch"  # the defaults say watch
    assert card.loc["nps", "status"] == "good"  # the summary, by the configured ones

    args = ["--formats", "html", "--regions", "North", "--notebooks", "00_executive_summary"]
    run = render(data, tmp_path / "out", "2026Q3", *args)
    assert run.returncode == 0, run.log
    rows = {r.region: dict(r.scorecard) for r in read_index(tmp_path / "out/2026Q3/index.html")}
    nps = next(v for k, v in rows["North"].items() if k.startswith("NPS"))
    assert STATUS_SYMBOLS["good"] in nps and STATUS_SYMBOLS["watch"] not in nps, rows["North"]
