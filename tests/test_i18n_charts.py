"""Chinese charts hold no untranslated English (issue 12, part 1).

Each report notebook runs in-process on the sample data with ``lang = "zh-CN"``; every
chart a ``report.show`` renderer returns is drawn, and every visible Text artist of its
figure (titles, axis labels, tick labels, legend entries, annotations) is checked with the
same rule as the rendered reports (:func:`test_i18n_render.english_left`): English words
fail, acronyms, method names, numbers and names from the data (regions, reps, segments,
product lines, complaint categories) pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from test_i18n_render import _data_names, english_left

from salesmeasure.i18n import set_language

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [
    "00_executive_summary",
    "01_target_setting",
    "02_satisfaction_survey",
    "03_retention_clv",
]


def chart_texts(fig) -> list[str]:
    """The visible text of a drawn figure, one line per string (multi-line labels split)."""
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels exist once drawn
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible():
            continue
        ax = t.axes
        if ax is not None and not ax.get_visible():
            continue
        for line in t.get_text().splitlines():
            # log-axis ticks are mathtext numbers: $\mathdefault{10^{3}}$
            if line.strip() and not re.fullmatch(r"\$\\mathdefault\{[^$]*\}\$", line.strip()):
                out.append(line.strip())
    return out


#: Per notebook, the titles of its charts that the automatic placement would move
#: (:func:`titles_moved`), found while :func:`_charts_of` draws them.
MOVED: dict[str, list[str]] = {}


def titles_moved(fig) -> list[str]:
    """The titles of ``fig`` that matplotlib's automatic placement (``axes.titley: None``:
    above whatever x-axis ticks, label or y offset text reach over the axes) would put
    elsewhere than the theme's fixed ``axes.titley: 1.0`` does. The theme fixes it because
    the automatic placement measures every titled axes' y axis again at every draw, three
    draws per chart shown (~5% of a report's time, issue 23); this finds a chart for which
    that would move a title. ``fig`` has been drawn (:func:`chart_texts`)."""
    import numpy as np

    def titles():
        return [
            (t, t.get_position())
            for ax in fig.axes
            for t in (ax.title, ax._left_title, ax._right_title)
            if t.get_text()
        ]

    fixed = titles()
    auto = {ax: ax._autotitlepos for ax in fig.axes}
    try:
        for ax in fig.axes:
            ax._autotitlepos = None  # matplotlib's own "place it automatically"
        fig.canvas.draw()
        now = titles()
        return [
            t.get_text() for (t, p), (_, q) in zip(fixed, now, strict=True) if not np.allclose(p, q)
        ]
    finally:
        for ax, v in auto.items():
            ax._autotitlepos = v


def _charts_of(notebook: str, lang: str) -> list[tuple[str, list[str]]]:
    """Run the notebook's cells with ``lang``; (renderer name, texts) per chart shown."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from salesmeasure import report
    from salesmeasure.errors import Missing

    charts: list[tuple[str, list[str]]] = []
    moved = MOVED.setdefault(notebook, [])

    def show(result, *renderers):
        if isinstance(result, Missing):
            return
        for render in renderers:
            out = render(result)
            fig = out if hasattr(out, "savefig") else getattr(out, "figure", None)
            if fig is not None and hasattr(fig, "savefig"):
                charts.append((render.__name__, chart_texts(fig)))
                moved.extend(f"{render.__name__}: {t!r}" for t in titles_moved(fig))
            plt.close("all")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "show", show)
        nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
        ns: dict = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, f"{notebook}.ipynb", "exec"), ns)  # noqa: S102
            if "parameters" in cell.metadata.get("tags", []):
                ns["lang"] = lang
    set_language("en")
    return charts


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_chinese_charts_hold_no_untranslated_english(notebook, sample):
    charts = _charts_of(notebook, "zh-CN")
    assert charts, f"{notebook} shows no chart"
    names = _data_names(sample)
    leaks = [(name, line) for name, texts in charts for line in english_left(texts, names)]
    assert not leaks, f"English left in the Chinese charts of {notebook}:\n" + "\n".join(
        f"{name}: {line!r}" for name, line in dict.fromkeys(leaks)
    )
    # the theme's fixed title place is where matplotlib's automatic one would put every
    # title of the report (in Chinese: the taller CJK glyphs)
    assert not MOVED[notebook], MOVED[notebook]


def test_titles_moved_finds_a_title_the_top_ticks_would_cover():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from salesmeasure.plots.theme import set_theme

    with plt.rc_context():  # the theme's rcParams for this test only
        set_theme()
        assert plt.rcParams["axes.titley"] == 1.0
        fig, (a, b) = plt.subplots(1, 2)
        a.set_title("Revenue by month")
        b.set_title("Retention")
        b.xaxis.tick_top()  # ticks above the axes: automatic placement lifts the title
        fig.canvas.draw()
        assert titles_moved(fig) == ["Retention"]
        plt.close(fig)
        fig, ax = plt.subplots()
        ax.set_title("Retention")
        ax.set_ylim(1_000_000, 1_000_001)  # a y offset text, left of the title: no move
        fig.canvas.draw()
        assert titles_moved(fig) == []
        plt.close(fig)


def test_chart_texts_finds_titles_ticks_legends_and_annotations():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="Forecast")
    ax.set_xticks([0, 1], ["Q1", "July"])
    ax.set_title("销售额")
    ax.annotate("target\nmet", (0.5, 0.5))
    ax.set_yscale("log")
    ax.legend()
    texts = chart_texts(fig)
    plt.close(fig)
    assert {"Forecast", "July", "target", "met", "销售额"} <= set(texts)
    assert set(english_left(texts, [])) == {"July", "Forecast", "target", "met"}
