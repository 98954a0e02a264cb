"""Labels never overlap (issue 12, part 2), checked on the sample data after drawing: the
renderer-based bounding boxes (``get_window_extent``) of a chart's labels do not intersect
each other, and the waterfall's axis note is off the bars."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from salesmeasure import kpi, plots, report, survey, targets  # noqa: E402
from salesmeasure.plots.labels import label_overlaps  # noqa: E402


@pytest.fixture(scope="module")
def ctx():
    return report.prepare(period="2026Q3")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _labels(ax):
    return [t for t in ax.texts if t.get_text().strip()]


def test_label_overlaps_finds_two_labels_on_top_of_each_other():
    _, ax = plt.subplots()
    a = ax.text(0.5, 0.5, "Central\nretention 62%")
    b = ax.text(0.51, 0.51, "North\nretention 67%")
    assert label_overlaps([a, b]) == [(a.get_text(), b.get_text())]
    b.set_position((0.1, 0.1))
    assert label_overlaps([a, b]) == []


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_regions_bubble_labels_do_not_overlap(ctx, lang):
    from salesmeasure.i18n import _, language

    r = kpi.build(ctx)
    with language(lang):
        ax = plots.plot_regions_chain(r.regions)
        word = _("{region}\nretention {rate}").split("{rate}")[0].split("\n")[-1].strip()
    texts = _labels(ax)
    assert len([t for t in texts if word in t.get_text()]) == len(r.regions.dropna(
        subset=["nps", "attainment"]
    ))  # fmt: skip
    assert label_overlaps(texts) == []
    assert _on_markers(ax, texts) == []  # no label sits on a bubble


def _all_marker_boxes(ax):
    """Every marker drawn on ``ax``: scatter points and markers of lines (points, error
    bar caps)."""
    from salesmeasure.plots.labels import marker_boxes

    boxes = [b for c in ax.collections if hasattr(c, "get_sizes") for b in marker_boxes(c)]
    return boxes + [b for line in ax.lines for b in marker_boxes(line)]


def _on_markers(ax, texts):
    """(label, marker centre) for each label whose box overlaps a marker's box."""
    from salesmeasure.plots.labels import text_boxes

    markers = _all_marker_boxes(ax)
    return [
        (s, tuple(round(v) for v in m.get_points().mean(0)))
        for s, box in text_boxes(texts)
        for m in markers
        if box.overlaps(m)
    ]


def test_marker_boxes_of_a_line_are_its_markers_sized_by_markersize():
    fig, ax = plt.subplots(dpi=72)
    (line,) = ax.plot([1, 2], [1, 2], "o", markersize=10, markeredgewidth=0)
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 3)
    from salesmeasure.plots.labels import marker_boxes

    boxes = marker_boxes(line)
    assert len(boxes) == 2
    assert [round(b.width) for b in boxes] == [10, 10]  # 10 points at 72 dpi
    centre = ax.transData.transform((1, 1))
    assert boxes[0].get_points().mean(0) == pytest.approx(centre)
    (dashed,) = ax.plot([0, 3], [2, 2], "--")
    assert marker_boxes(dashed) == []


@pytest.fixture(scope="module")
def survey_report(ctx):
    return survey.build(ctx)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_importance_performance_labels_clear_of_labels_and_markers(survey_report, lang):
    """No two driver labels overlap, and no label touches a marker, its own included
    (in zh-CN 服务水平 was drawn over its point and error bar)."""
    from salesmeasure.i18n import language

    with language(lang):
        ax = plots.plot_importance_performance(survey_report.drivers)
        texts = _labels(ax)
        names = {plots.item_label(n) for n in survey_report.drivers.table.index}
        assert names <= {t.get_text() for t in texts}
        assert label_overlaps(texts) == []
        assert _on_markers(ax, texts) == []


def test_waterfall_labels_do_not_overlap_each_other_or_the_bars(ctx):
    r = targets.build(ctx)
    ax = plots.plot_pvm_waterfall(r.pvm)
    texts = _labels(ax)
    assert label_overlaps(texts) == []
    renderer = ax.figure.canvas.get_renderer()
    bars = [p.get_window_extent(renderer) for p in ax.patches]
    for t in texts:
        box = t.get_window_extent(renderer).shrunk(0.98, 0.9)  # touching is fine
        assert not any(box.overlaps(b) for b in bars), t.get_text()
    assert "axis starts at" in ax.get_ylabel()  # the note sits beside the axis


# ------------------------------------------- charts a manager can read (issue 12, part 2)
@pytest.fixture(scope="module")
def clv_report(ctx):
    from salesmeasure import clv

    return clv.build(ctx)


def test_retention_by_region_is_one_panel_per_region(clv_report):
    sec = clv_report.retention
    fig = plots.plot_retention_section(sec)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert sorted(ax.get_title() for ax in panels) == sorted(sec.rates[sec.by].unique())
    for ax in panels:  # one band each: the region's own, the others as plain grey lines
        assert len(ax.collections) == 1


def test_survival_axis_starts_where_lapse_can_happen(clv_report):
    sec = clv_report.survival
    ax = plots.plot_survival_section(sec)
    assert ax.get_xlim()[0] >= 0.9 * sec.lapse_days
    assert f"day {sec.lapse_days:.0f}" in ax.get_xlabel()


def test_clv_histogram_counts_the_near_zero_customers_apart(clv_report):
    values = clv_report.worth.value.values
    ax = plots.plot_value_section(clv_report.worth)
    drawn = sum(p.get_height() for p in ax.patches)
    below = int((values["clv"] < 1).sum())
    assert below > 100  # the sample's spike: customers the model believes have gone
    assert drawn == len(values) - below
    assert f"Not shown: {below} customers" in ax.get_xlabel()


# ------------------------------------- charts say amounts as the tables do (en and zh-CN)
@pytest.fixture(scope="module")
def targets_report(ctx):
    return targets.build(ctx)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_waterfall_labels_are_the_tables_money(targets_report, lang):
    """The bar labels are ``format.money`` of the bars' values, as in ``pvm_table`` beside
    the chart (the zh-CN report labelled 2,154,559 while the table said 215.46万), and the
    axis ticks are ``format.money_tick``."""
    from salesmeasure import format as fmt
    from salesmeasure.i18n import language

    e = targets_report.pvm.bridge.effects
    steps = ["volume", "mix", "price"] + [k for k in ("new", "lost") if abs(e[k]) > 0]
    with language(lang):
        ax = plots.plot_pvm_waterfall(targets_report.pvm)
        ax.figure.canvas.draw()
        expected = [fmt.money(e[s], signed=True) for s in steps]
        expected += [fmt.money(e["base"]), fmt.money(e["current"])]
        assert [t.get_text() for t in _labels(ax)] == expected
        ticks = [(t.get_position()[1], t.get_text()) for t in ax.get_yticklabels()]
        assert ticks and all(text == fmt.money_tick(v) for v, text in ticks if text)
        lo = ax.get_ylim()[0]
        assert ax.get_ylabel().endswith(fmt.money(lo))  # "axis starts at 1.27M" / "126.53万"
        if lang == "zh-CN":
            assert "万" in expected[-1]
            table = targets.pvm_table(targets_report.pvm)
            assert all("万" in v or "亿" in v for v in table.iloc[:, 1])  # the same unit


def test_nps_chain_draws_chinese_in_a_cjk_font_and_clv_axis_as_its_labels(ctx):
    """The executive summary's two-panel figure is made by ``plt.subplots`` (not
    ``get_ax``): it applies the theme itself, so its Chinese words are not empty boxes
    when it is the first chart drawn; the CLV axis reads as its bar labels."""
    import warnings

    from salesmeasure import format as fmt
    from salesmeasure.i18n import language

    by_nps = kpi.build(ctx).chain.by_nps
    plt.rcdefaults()  # as in a fresh kernel: no earlier chart set the theme
    with language("zh-CN"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plots.plot_nps_chain(by_nps)
        fig.canvas.draw()
        ax = fig.axes[-1]
        ticks = [(t.get_position()[1], t.get_text()) for t in ax.get_yticklabels()]
        assert all(text == fmt.money(v) for v, text in ticks if text)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_proposed_targets_name_each_reps_region_when_several_are_shown():
    """The all-regions target report lists 25 reps grouped by region; their ids alone
    did not say which group was which (seen in the zh-CN PDF)."""
    import matplotlib.pyplot as plt

    from salesmeasure import report, targets
    from salesmeasure.i18n import language
    from salesmeasure.plots.targets import plot_proposed_targets

    for region, lang, want in (
        ("all", "en", "Uma Dubois (Central)"),  # reps by name (issue 19), R21 in reps.csv
        ("all", "zh-CN", "Uma Dubois（Central）"),
        ("North", "en", "Anna Adler"),
    ):
        with language(lang):
            ctx = report.prepare(period="2026Q3", region=region, lang=lang)
            r = targets.build(ctx)
            ax = plot_proposed_targets(r.proposals)
            labels = [t.get_text() for t in ax.get_yticklabels()]
            plt.close(ax.figure)
        reps = r.proposals.reps
        assert len(labels) == len(reps)
        assert labels[0] == want  # the first row (drawn at the top)
        if region == "all":
            names = dict(zip(ctx.data.reps["rep_id"], ctx.data.reps["name"], strict=True))
            assert all(names[o] in lab for o, lab in zip(reps["owner"], labels, strict=True))
