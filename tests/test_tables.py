"""Every manager table of the four reports speaks in words (issue 12, part 2).

Checked against the rendered table HTML of each notebook on the sample data: no header is a
column name (``retention_rate``, ``avg_clv``), no table shows a bare 0..n row index, and no
count of 1,000 or more is written without thousands separators (``1158``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [
    "00_executive_summary",
    "01_target_setting",
    "02_satisfaction_survey",
    "03_retention_clv",
]
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
# a run of 4+ digits not part of a word, a decimal, a date (2026-07-01) or a grouped number
_BARE = re.compile(r"(?<![\w.,\-/])\d{4,}(?![\w,\-/]|\.\d)")


def _is_year(token: str) -> bool:
    return len(token) == 4 and 1990 <= int(token) <= 2100


def table_problems(html: str) -> list[str]:
    """What is wrong with the tables of an HTML page or fragment, in words."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for i, table in enumerate(soup.find_all("table")):
        if table.find_parent(class_=("sm-params", "sm-footer")):
            continue  # the report's own header and provenance footer
        where = f"table {i + 1}"
        cap = table.find("caption")
        if cap:
            where += f" ({cap.get_text(' ', strip=True)[:40]})"
        for th in table.select("thead th, tbody th"):  # column and row headers
            text = th.get_text(" ", strip=True)
            if _SNAKE.search(text):
                problems.append(f"{where}: header {text!r} is a column name")
        row_heads = []
        for tr in table.select("tbody tr"):
            first = tr.find(["th", "td"])
            row_heads.append(first.get_text(strip=True) if first and first.name == "th" else None)
        if len(row_heads) >= 2 and row_heads == [str(k) for k in range(len(row_heads))]:
            problems.append(f"{where}: a bare 0..{len(row_heads) - 1} index column")
        for cell in table.select("tbody td, tbody th"):
            text = cell.get_text(" ", strip=True)
            for token in _BARE.findall(text):
                if not _is_year(token):
                    problems.append(f"{where}: {token} has no thousands separator ({text!r})")
    return problems


def test_checker_finds_each_problem():
    bad = pd.DataFrame({"retention_rate": [0.5, 0.6], "customers": [1158, 12]}).to_html()
    problems = table_problems(bad)
    assert any("retention_rate" in p for p in problems)
    assert any("bare 0..1 index" in p for p in problems)
    assert any("1158" in p for p in problems)
    good = (
        pd.DataFrame({"Retention rate": ["50%"], "Customers": ["1,158"], "Period": ["2026Q3"]})
        .style.hide(axis="index")
        .to_html()
    )
    assert table_problems(good) == []
    assert (
        table_problems("<table><tr><td>2026-07-01 to 2026-09-30, 12.5000</td></tr></table>") == []
    )


def _shown_by(notebook: str) -> dict:
    """Run the notebook's cells in-process on the sample data and collect what each
    ``report.show`` renderer returns as the report displays it: ``tables`` (name, HTML)
    and ``charts`` (name, [(title, x label, y label) per visible Axes])."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from salesmeasure import report
    from salesmeasure.errors import Missing

    shown: dict = {"tables": [], "charts": [], "text": []}

    def show(result, *renderers):
        if isinstance(result, Missing):
            return
        for render in renderers:
            out = report.displayed(render(result))
            fig = out if hasattr(out, "savefig") else getattr(out, "figure", None)
            if isinstance(out, str):
                shown["text"].append((render.__name__, out))
            elif hasattr(out, "to_html") and hasattr(out, "hide"):  # a table, as a Styler
                shown["tables"].append((render.__name__, out.to_html()))
            elif fig is not None and hasattr(fig, "savefig"):
                sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
                shown["charts"].append(
                    (
                        render.__name__,
                        [
                            (ax.get_title() or sup, ax.get_xlabel(), ax.get_ylabel())
                            for ax in fig.axes
                            if ax.get_visible() and ax.get_label() != "<colorbar>"
                        ],
                    )
                )
            plt.close("all")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report, "show", show)
        nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
        ns: dict = {}
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                shown["text"].append(("markdown cell", cell.source))
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{notebook}.ipynb", "exec"), ns)  # noqa: S102
    return shown


@pytest.fixture(scope="module", params=NOTEBOOKS)
def shown(request):
    return request.param, _shown_by(request.param)


@pytest.mark.slow
def test_report_tables_speak_in_words(shown):
    notebook, out = shown
    assert out["tables"], f"{notebook} shows no table"
    problems = [f"{name}: {p}" for name, html in out["tables"] for p in table_problems(html)]
    assert problems == []


@pytest.mark.slow
def test_every_chart_has_a_title_and_labelled_axes(shown):
    """A small-multiples figure labels its outer panels only, so the check is per figure:
    every panel titled, and some panel naming each axis."""
    notebook, out = shown
    assert out["charts"], f"{notebook} shows no chart"
    for name, axes in out["charts"]:
        assert axes and all(title.strip() for title, _x, _y in axes), (
            f"{name}: a panel has no title"
        )
        assert any(x.strip() for _t, x, _y in axes), f"{name}: no x axis label"
        assert any(y.strip() for _t, _x, y in axes), f"{name}: no y axis label"


@pytest.mark.slow
def test_text_states_values_not_variable_names(shown):
    """No snake_case word (``clv_months``, ``history_weight``) in a report's prose."""
    notebook, out = shown
    found = [(name, w) for name, text in out["text"] for w in _SNAKE.findall(text)]
    assert found == []


def test_scorecard_counts_agree_in_number():
    from salesmeasure.kpi import text as T

    class Card(pd.DataFrame):
        _metadata = ["to_date"]

    card = Card({"status": ["good", "watch", "bad", "bad"]})
    card.to_date = None
    assert T.describe_scorecard(card).startswith(
        "Of 4 KPIs, 1 is on track, 1 needs watching and 2 need action."
    )
