"""The index judges a region's headline KPIs as its executive summary does: by the
thresholds of the data's ``salesmeasure.toml`` (``[kpi.thresholds]``), not the defaults."""

from __future__ import annotations

import json
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


@pytest.mark.slow  # two small renders in this process (~25 s)
def test_the_index_shows_the_lines_the_summaries_kept_and_computes_only_the_others(
    sample_dir, tmp_path, monkeypatch
):
    """The executive summary keeps its region's index line in the books
    (salesmeasure.headlines); the batch reads them and computes (importing the KPI
    library) only a region whose summary did not run. The kept lines are the ones the
    batch would compute: one set of books."""
    from salesmeasure.render import batch

    computed = []
    real = batch._scorecards

    def spy(ds, period, regions, *args, **kwargs):
        computed.append(list(regions))
        return real(ds, period, regions, *args, **kwargs)

    monkeypatch.setattr(batch, "_scorecards", spy)
    monkeypatch.setenv("SALESMEASURE_CACHE", str(tmp_path / "books"))  # no line kept yet
    out = tmp_path / "out"
    kw = {"data": sample_dir, "out": out, "formats": "html", "progress": False}
    s = batch.render("2026Q3", regions="all,North", notebooks="00_executive_summary", **kw)
    assert s.ok and s.count("ok") == len(s.records), s.describe()
    assert computed == []  # both lines came from the summaries
    from salesmeasure import data as sm_data

    stored = out / "2026Q3" / "scorecards.json"  # what the index shows
    by_batch = real(sm_data.load(sample_dir), "2026Q3", ["all", "North"], "", sample_dir)
    assert by_batch["North"] and by_batch["all"]
    assert json.loads(stored.read_text(encoding="utf-8")) == by_batch
    # South's summary does not run: the batch computes its line, and keeps the others
    s = batch.render("2026Q3", regions="South", notebooks="02_satisfaction_survey", **kw)
    assert s.ok and s.count("ok") == len(s.records), s.describe()
    assert computed == [["South"]]
    lines = json.loads(stored.read_text(encoding="utf-8"))
    assert lines["South"] and lines["North"] == by_batch["North"]
    shown = {r.region: dict(r.scorecard) for r in read_index(out / "2026Q3" / "index.html")}
    assert len(shown) == 3 and all(shown.values()), shown
