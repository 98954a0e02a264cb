"""One colour per category code everywhere (issue 20): NPS groups, status, CLV tiers and
regions have the same colour in every chart of the pack, in both languages, read off the
matplotlib artists of the figures the plot functions return on the sample data."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from salesmeasure import clv, kpi, plots, report, survey  # noqa: E402
from salesmeasure.clv.text import group_label  # noqa: E402
from salesmeasure.i18n import language  # noqa: E402
from salesmeasure.plots import palette  # noqa: E402

LANGS = ["en", "zh-CN"]


@pytest.fixture(scope="module")
def built():
    ctx = report.prepare(period="2026Q3")
    return ctx, clv.build(ctx), survey.build(ctx), kpi.build(ctx)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _codes_by_label(table, codes):
    return {group_label(c): c for c in codes} | {
        str(plots.summary._(plots.summary._NPS_GROUP_WORDS[c])): c
        for c in codes
        if c in plots.summary._NPS_GROUP_WORDS
    }


def _bar_colours(ax):
    """{x tick label: face colour} of a bar chart (one bar per tick)."""
    bars = sorted((p for p in ax.patches if p.get_height() > 0), key=lambda p: p.get_x())
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    return {t: to_hex(b.get_facecolor()) for t, b in zip(ticks, bars, strict=False)}


def _nps_colours_seen(built, lang) -> dict[str, set[str]]:
    """{NPS group code: colours} over every chart that shows NPS groups."""
    ctx, clv_r, survey_r, kpi_r = built
    seen: dict[str, set[str]] = {}
    codes = list(palette.NPS_COLOURS)
    with language(lang):
        labels = _codes_by_label(None, codes)
        ax = plots.plot_survival_section(clv_r.survival)
        for line in ax.get_lines():
            if line.get_label() in labels:
                seen.setdefault(labels[line.get_label()], set()).add(to_hex(line.get_color()))
        fig = plots.plot_nps_chain(kpi_r.chain.by_nps)
        for a in fig.axes:
            for label, colour in _bar_colours(a).items():
                if label in labels:
                    seen.setdefault(labels[label], set()).add(colour)
        ax = plots.plot_retention_by_nps(survey_r.retention)
        for label, colour in _bar_colours(ax).items():
            first = label.split("\n")[0]
            if first in labels:
                seen.setdefault(labels[first], set()).add(colour)
    return seen


def test_nps_groups_have_one_colour_in_every_chart_of_both_languages(built):
    seen: dict[str, set[str]] = {}
    for lang in LANGS:
        for code, colours in _nps_colours_seen(built, lang).items():
            seen.setdefault(code, set()).update(colours)
    assert {"promoter", "passive", "detractor"} <= set(seen)
    for code, colours in seen.items():
        assert colours == {palette.NPS_COLOURS[code]}, code
    assert palette.NPS_COLOURS["promoter"] == "#1b7837"  # green
    assert palette.NPS_COLOURS["detractor"] == "#b2182b"  # red


def test_regions_have_the_packs_colour_whatever_regions_a_chart_shows(built):
    ctx, clv_r, *_ = built
    regions = ctx.data.regions
    expected = {r: palette.QUALITATIVE[i] for i, r in enumerate(sorted(regions))}
    # a chart showing only some regions still gives each its pack-wide colour
    assert palette.region_colours(regions[1:]) == {r: expected[r] for r in regions}
    for lang in LANGS:
        with language(lang):
            fig = plots.plot_retention_section(clv_r.retention)
            for ax in (a for a in fig.axes if a.get_visible() and a.get_title()):
                coloured = [ln for ln in ax.get_lines() if to_hex(ln.get_color()) != "#b8b8b8"]
                assert {to_hex(ln.get_color()) for ln in coloured} == {expected[ax.get_title()]}


def test_status_and_tiers_by_code():
    assert (
        palette.status_colour("bad")
        == palette.status_colour("action")
        != palette.status_colour("watch")
    )
    assert palette.status_colour("good") == palette.NPS_COLOURS["promoter"]
    from matplotlib.colors import rgb_to_hsv, to_rgb

    ramp = [palette.tier_colour(t) for t in palette.TIER_ORDER]
    assert len(set(ramp)) == 4
    values = [rgb_to_hsv(to_rgb(c))[2] for c in ramp]  # one hue, darker as value rises
    assert values == sorted(values, reverse=True)
    assert palette.tier_colour("Gold", ["Bronze", "Gold"]) == palette.tier_colour("Platinum")


def test_every_plot_module_takes_its_colours_from_the_palette():
    """No chart chooses a category palette of its own (seaborn's or a dict of hex codes)."""
    import pathlib
    import re

    root = pathlib.Path(plots.__file__).parent
    for f in root.glob("*.py"):
        if f.name == "palette.py":
            continue
        text = f.read_text()
        assert not re.search(r"color_palette\(\s*\"(?!RdBu)", text), f.name
        assert not re.search(r"\"#[0-9a-fA-F]{6}\"\s*,\s*\"#", text), f.name
