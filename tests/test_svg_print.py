"""A chart's SVG in a report: drawn once, cut to the box matplotlib's tight bounding box
gives (plots.svg_canvas.inline_svg), against IPython's printer, which draws it twice."""

from __future__ import annotations

import re

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from salesmeasure.plots import svg_canvas  # noqa: E402
from salesmeasure.plots.theme import set_theme  # noqa: E402

_ROOT = re.compile(r'<svg [^>]*?width="([\d.]+)pt" height="([\d.]+)pt" viewBox="([^"]*)"')
_TEXT = re.compile(r'<text [^>]*?x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</text>')


def _chart():
    """Words on every side (a title, labels, rotated ticks, a legend outside the axes,
    an annotation past the right edge) and a hatched bar, drawn as an image."""
    set_theme()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    bars = ax.bar(["North region", "South region", "West region"], [3, 4, 2], label="Revenue")
    bars[1].set_hatch("//")
    ax.plot([0, 1, 2], [2.5, 3.5, 3], marker="o", label="Target")
    ax.set(title="Revenue by region", xlabel="Region", ylabel="Revenue (k)")
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.annotate("a note beyond the axes", (2, 2), xytext=(2.6, 1.0))
    return fig


def _parts(svg: str):
    m = _ROOT.search(svg)
    assert m, svg[:400]
    box = [float(v) for v in m.group(3).split()]
    texts = [(t, float(x) - box[0], float(y) - box[1]) for x, y, t in _TEXT.findall(svg)]
    return float(m.group(1)), float(m.group(2)), box, texts


def test_a_chart_is_drawn_once_and_shows_what_the_two_draws_of_ipython_show(monkeypatch):
    from IPython.core.pylabtools import print_figure

    fig = _chart()
    try:
        twice = print_figure(fig, "svg", bbox_inches="tight")
        draws = []
        real = Figure.draw

        def counted(self, renderer):
            draws.append(renderer)
            return real(self, renderer)

        monkeypatch.setattr(Figure, "draw", counted)
        once = svg_canvas.inline_svg(fig)
        monkeypatch.undo()
    finally:
        plt.close(fig)
    assert len(draws) == 1  # IPython's draws twice (measure, then print)
    w2, h2, box2, texts2 = _parts(twice)
    w1, h1, box1, texts1 = _parts(once)
    # the same size on the page, a view into the whole figure instead of a smaller one
    assert (w1, h1) == pytest.approx((w2, h2), abs=1e-3)
    assert box2[:2] == [0, 0] and box1[:2] != [0, 0]
    assert box1[2:] == pytest.approx([w1, h1], abs=1e-3)
    # every word at the same place of the picture, and the hatched bar still an image
    assert len(texts1) == len(texts2) > 10
    for (t1, x1, y1), (t2, x2, y2) in zip(texts1, texts2, strict=True):
        assert t1 == t2 and (x1, y1) == pytest.approx((x2, y2), abs=1e-3), (t1, t2)
    assert once.count("<image") == twice.count("<image") == 1
    assert "a note beyond the axes" in once and "<dc:date>" not in once


def test_other_print_settings_go_to_ipythons_printer():
    fig = _chart()
    try:
        whole = svg_canvas.inline_svg(fig, bbox_inches=None)
    finally:
        plt.close(fig)
    w, h, box, _ = _parts(whole)
    assert (w, h) == pytest.approx((6 * 72, 3.5 * 72)) and box == [0, 0, w, h]
    assert svg_canvas.inline_svg(plt.figure()) is None  # nothing drawn: nothing shown
    plt.close("all")


def test_an_svg_without_matplotlibs_header_is_kept_whole():
    from matplotlib.transforms import Bbox

    svg = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    assert svg_canvas._cropped(svg, Bbox([[0.1, 0.1], [1, 1]]), 2.0) == svg


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # matplotlib_inline on traitlets
def test_a_reports_kernel_shows_its_charts_through_the_one_draw_printer():
    """The theme puts inline_svg in the shell's SVG formatter (what a report's
    ``display(fig)`` and the inline backend's flush call)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        set_theme()
        formatter = shell.display_formatter.formatters["image/svg+xml"]
        printer = formatter.lookup_by_type(Figure)
        assert getattr(printer, "func", None) is svg_canvas.inline_svg
        fig = _chart()
        svg = formatter(fig)
        plt.close(fig)
        assert _parts(svg)[2][:2] != [0, 0]  # cut by its viewBox: printed once
    finally:
        InteractiveShell.clear_instance()
