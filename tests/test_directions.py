"""Direction words about a chart are computed from its axes (issue 20): the sentence under
the probability-alive map names the corner where the chart draws the customers who bought
often but not recently, in both languages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from salesmeasure import clv, plots, report  # noqa: E402
from salesmeasure.i18n import language  # noqa: E402
from salesmeasure.plots.directions import axis_rises, corner, corner_of  # noqa: E402

WORDS = {
    "en": {"top left", "top right", "bottom left", "bottom right"},
    "zh-CN": {"左上方", "右上方", "左下方", "右下方"},
}


@pytest.fixture(scope="module")
def value():
    return clv.build(report.prepare(period="2026Q3")).value


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_corner_maps_high_low_and_inversion():
    with language("en"):
        assert corner(False, True) == "top left"
        assert corner(True, False) == "bottom right"
        assert corner(True, True, x_rises=False) == "top left"
        assert corner(True, True, y_rises=False) == "bottom right"
    with language("zh-CN"):
        assert corner(False, True) == "左上方"
        assert corner(True, False) == "右下方"


def test_axis_rises_reads_ticks_and_inversion():
    fig, ax = plt.subplots()
    ax.plot([0, 10], [0, 10])
    fig.canvas.draw()
    assert axis_rises(ax, "x") and axis_rises(ax, "y")
    ax.invert_yaxis()
    fig.canvas.draw()
    assert not axis_rises(ax, "y")
    with language("en"):
        assert corner_of(ax, True, True) == "bottom right"


def _tick_pos(axis, label: str) -> float:
    for loc, t in zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=False):
        if t.get_text() == label:
            return float(loc)
    raise AssertionError(f"no tick {label!r}")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_prob_alive_sentence_names_the_corner_where_the_chart_draws_the_data(value, lang):
    with language(lang):
        ax = plots.plot_prob_alive_section(value)
        ax.figure.canvas.draw()
        # the cell of the most repeat purchases at recency 0, in screen coordinates
        f_top = max(int(t.get_text()) for t in ax.get_yticklabels() if t.get_text())
        x, y = ax.transData.transform((_tick_pos(ax.xaxis, "0"), _tick_pos(ax.yaxis, str(f_top))))
        box = ax.get_window_extent()
        cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        where = corner(x > cx, y > cy)  # the screen corner the data is drawn in
        assert where == corner_of(ax, x_high=False, y_high=True)
        text = clv.describe_prob_alive(value)
        named = [w for w in WORDS[lang] if w in text]
        assert named == [where], (named, where)
    if lang == "en":
        assert where == "top left"
