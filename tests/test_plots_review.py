"""The review's charts (issue 22): the control charts of the periodic evaluation and the
rep assessment's interval plot, checked artist by artist against the numbers they draw
(planted in a hand-made Evaluation / Assessment, and the sample's through ``evaluate`` and
``assess``), in Chinese with CJK glyphs, and in the rendered target report."""

from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from salesmeasure import plots, targets  # noqa: E402
from salesmeasure.i18n import language, set_language  # noqa: E402
from salesmeasure.plots.palette import series_colour, status_colour  # noqa: E402
from salesmeasure.targets.assessment import Assessment  # noqa: E402
from salesmeasure.targets.evaluation import Evaluation  # noqa: E402

PERIODS = ["2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2"]


@pytest.fixture(autouse=True)
def _english_and_closed():
    set_language("en")
    yield
    set_language("en")
    plt.close("all")


# ------------------------------------------------------------ hand-made inputs
def _evaluation(*, with_change: bool = True) -> Evaluation:
    """Complaints (a u-chart whose limits differ per period; one period above the upper
    limit, one below the lower; targets from the third period; a change point at
    2025Q4) and revenue charted as attainment (revenue / target, no signal)."""
    sigma = np.array([2.0, 1.5, 2.0, 1.0, 1.2, 1.5])
    comp = pd.DataFrame(
        {
            "metric": "complaint_rate", "period": PERIODS,
            "value": [12.0, 11.0, 20.0, 10.0, 4.0, 9.0], "n": 500, "se": sigma,
            "target": [math.nan, math.nan, 12.0, 12.0, 11.0, 11.0],
            "attained": [math.nan, math.nan, 0.0, 1.0, 1.0, 1.0], "center": 10.0,
            "lcl": 10.0 - 3 * sigma, "ucl": 10.0 + 3 * sigma,
            "signal": ["", "", "above", "", "below", ""],
        }
    )  # fmt: skip
    rev = pd.DataFrame(
        {
            "metric": "revenue", "period": PERIODS,
            "value": [100.0, 110.0, 90.0, 105.0, 120.0, 95.0], "n": 50, "se": math.nan,
            "target": 100.0, "attained": [1.0, 1.0, 0.0, 1.0, 1.0, 0.0],
            "center": 1.0333, "lcl": 0.80, "ucl": 1.27, "signal": "",
        }
    )  # fmt: skip
    summary = pd.DataFrame(
        {
            "metric": ["complaint_rate", "revenue"], "chart": ["u-chart", "XmR (attainment)"],
            "periods": 6, "last": [9.0, 95.0], "signals": [2, 0],
            "change_period": ["2025Q4" if with_change else "", ""],
            "change_before": [14.333 if with_change else math.nan, math.nan],
            "change_after": [7.667 if with_change else math.nan, math.nan],
            "change_p": [0.004 if with_change else 0.3, 0.6], "targets": [4, 6],
            "attained": [3, 4],
        }
    )  # fmt: skip
    empty = pd.DataFrame(columns=["metric", "period"])
    return Evaluation(pd.concat([comp, rev], ignore_index=True), summary, empty, "South", "2026Q2")


def _assessment() -> Assessment:
    """Five reps: A above the company (interval 2..22), D below (-14..-2), B and C at par,
    E without a score; NPS points planted apart from the score."""
    t = pd.DataFrame(
        {
            "name": ["Ann Ames", "Bo Berg", "Cy Chan", "Dee Dunn", "Eve Eng"],
            "region": ["South"] * 5,
            "score": [12.0, 3.0, -1.0, -8.0, math.nan],
            "score_low": [2.0, -4.0, -9.0, -14.0, math.nan],
            "score_high": [22.0, 10.0, 7.0, -2.0, math.nan],
            "score_flag": ["above", "par", "par", "below", ""],
            "nps_points": [-5.0, 15.0, 1.0, 0.0, math.nan],
            "nps_low": [-20.0, 5.0, -9.0, -12.0, math.nan],
            "nps_high": [10.0, 25.0, 11.0, 12.0, math.nan],
            "nps_flag": ["par", "above", "par", "par", ""],
        },
        index=pd.Index(["R1", "R2", "R3", "R4", "R5"], name="rep_id"),
    )
    return Assessment(t.iloc[[2, 0, 4, 3, 1]], {}, {"revenue": 1.0}, "2026Q2")  # unsorted


def _by_gid(ax, gid):
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, (gid, len(found))
    return found[0]


def _same(a, b) -> bool:
    return np.allclose(np.asarray(a, float), np.asarray(b, float), equal_nan=True)


# ------------------------------------------------------------ control chart
def test_control_chart_draws_the_limits_targets_signals_and_change_point():
    e = _evaluation()
    ax = plots.plot_control_chart(e, "complaint_rate")
    sigma = np.array([2.0, 1.5, 2.0, 1.0, 1.2, 1.5])
    assert _same(_by_gid(ax, "complaint_rate-ucl").get_ydata(), 10 + 3 * sigma)
    assert _same(_by_gid(ax, "complaint_rate-lcl").get_ydata(), 10 - 3 * sigma)
    assert _by_gid(ax, "complaint_rate-ucl").get_drawstyle() == "steps-mid"  # per period
    assert _same(_by_gid(ax, "complaint_rate-center").get_ydata(), [10.0] * 6)
    assert _same(_by_gid(ax, "complaint_rate-value").get_ydata(), [12, 11, 20, 10, 4, 9])
    assert _same(_by_gid(ax, "complaint_rate-target").get_ydata(), [np.nan] * 2 + [12, 12, 11, 11])
    # complaints: above the limit is worse (red ▼), below is better (green ▲)
    worse = _by_gid(ax, "complaint_rate-signal-worse")
    better = _by_gid(ax, "complaint_rate-signal-better")
    assert _same(worse.get_offsets(), [[2, 20.0]]) and _same(better.get_offsets(), [[4, 4.0]])
    assert to_hex(worse.get_facecolor()[0]) == status_colour("action")
    assert to_hex(better.get_facecolor()[0]) == status_colour("good")
    # the change point: between the last period of the old level and 2025Q4
    assert _same(_by_gid(ax, "complaint_rate-change").get_xdata(), [2.5, 2.5])
    notes = [t.get_text() for t in ax.texts]
    assert notes == ["shift from 2025Q4 (p = 0.004)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == PERIODS
    assert ax.get_ylabel() == "Complaints per 100 active customers"
    assert ax.get_xlabel() == "Period"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Real change, worse" in legend and "Shift of level" in legend
    assert "Target of the period" in legend


def test_no_change_line_without_a_significant_change_point():
    ax = plots.plot_control_chart(_evaluation(with_change=False), "complaint_rate")
    assert not [a for a in ax.get_children() if a.get_gid() == "complaint_rate-change"]
    assert len(ax.texts) == 0


def test_revenue_is_charted_as_attainment_with_the_target_at_100_percent():
    ax = plots.plot_control_chart(_evaluation(), "revenue")
    assert _same(_by_gid(ax, "revenue-value").get_ydata(), [1.0, 1.1, 0.9, 1.05, 1.2, 0.95])
    assert _same(_by_gid(ax, "revenue-target").get_ydata(), [1.0] * 6)
    assert _same(_by_gid(ax, "revenue-ucl").get_ydata(), [1.27] * 6)
    assert not [a for a in ax.get_children() if str(a.get_gid()).startswith("revenue-signal")]
    assert ax.get_ylabel() == "Revenue, % of the period's target"
    assert ax.yaxis.get_major_formatter()(1.2, 0) == "120%"


def test_revenue_without_every_target_is_charted_in_the_currency():
    from salesmeasure import format as fmt

    e = _evaluation()
    e.summary.loc[e.summary["metric"] == "revenue", "chart"] = "XmR"
    ax = plots.plot_control_chart(e, "revenue")
    assert _same(_by_gid(ax, "revenue-value").get_ydata(), [100, 110, 90, 105, 120, 95])
    assert _same(_by_gid(ax, "revenue-target").get_ydata(), [100.0] * 6)
    assert ax.get_ylabel() == f"Revenue per period ({fmt.currency_unit()})"


def test_small_multiples_one_panel_per_charted_kpi_and_one_legend():
    fig = plots.plot_control_charts(_evaluation())
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == ["Complaints per 100 active customers", "Revenue"]
    assert fig.legends and all(ax.get_legend() is None for ax in shown)
    assert fig.get_suptitle() == "KPIs over the last 6 periods up to 2026Q2, South region"
    empty = _evaluation()
    empty = Evaluation(
        empty.table.iloc[:0], empty.summary.iloc[:0], empty.adjustments, "all", "2026Q2"
    )
    fig = plots.plot_control_charts(empty)
    assert "Fewer than four periods" in fig.axes[0].texts[0].get_text()


def test_control_chart_sentence_from_the_numbers():
    s = targets.describe_control_charts(_evaluation())
    assert s.startswith(
        "Complaints per 100 active customers: worse than usual in 2025Q3 (above the upper "
        "control limit); better than usual in 2026Q1 (below the lower control limit); a shift "
        "of level from 14.3 to 7.7 starting 2025Q4 (p = 0.004)."
    ), s
    assert "Within noise: Revenue." in s
    assert "Not charted, with fewer than four periods of data: NPS, CSAT" in s
    quiet = _evaluation(with_change=False)
    quiet.table["signal"] = ""
    assert targets.describe_control_charts(quiet).startswith("Every period of every chart")


def test_the_sample_charts_are_the_evaluations(sample):
    from salesmeasure.targets.evaluation import evaluate

    e = evaluate(sample, "2026Q3", region="North")
    fig = plots.plot_control_charts(e)
    panels = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    assert len(panels) == len(e.summary) == 6
    for m in e.summary["metric"]:
        t = e.table[e.table["metric"] == m]
        ax = panels[targets.metric_label(m)]
        assert _same(_by_gid(ax, f"{m}-ucl").get_ydata(), t["ucl"])
        assert _same(_by_gid(ax, f"{m}-lcl").get_ydata(), t["lcl"])
        marked = [
            int(x)
            for a in ax.get_children()
            if str(a.get_gid()).startswith(f"{m}-signal")
            for x, _y in a.get_offsets()
        ]
        assert sorted(marked) == list(np.flatnonzero(t["signal"].to_numpy() != "")), m
    # North's complaints: 2024Q4 above the limit (worse), a shift at 2025Q2 (p < 0.05)
    ax = panels["Complaints per 100 active customers"]
    assert _same(_by_gid(ax, "complaint_rate-signal-worse").get_offsets()[:, 0], [0])
    assert _by_gid(ax, "complaint_rate-change").get_xdata()[0] == 1.5


# ------------------------------------------------------------ assessment
def test_assessment_plot_intervals_order_and_status_colours():
    a = _assessment()
    ax = plots.plot_assessment(a)
    names = ["Ann Ames", "Bo Berg", "Cy Chan", "Dee Dunn"]  # by score, highest on top
    ticks = sorted(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True))
    assert [n for _y, n in ticks][::-1] == names  # Eve Eng, without a score, is left out
    seg = _by_gid(ax, "intervals").get_segments()
    got = sorted(((s[0][1], s[0][0], s[1][0]) for s in seg), reverse=True)
    assert [(lo, hi) for _y, lo, hi in got] == [(2, 22), (-4, 10), (-9, 7), (-14, -2)]
    colours = [to_hex(c) for c in _by_gid(ax, "intervals").get_colors()]
    grey = series_colour("reference")
    assert colours == [status_colour("good"), grey, grey, status_colour("action")]
    assert _same(_by_gid(ax, "points-above").get_offsets(), [[12.0, 3]])
    assert _same(_by_gid(ax, "points-below").get_offsets(), [[-8.0, 0]])
    assert _same(_by_gid(ax, "points-par").get_offsets(), [[3.0, 2], [-1.0, 1]])
    assert _same(_by_gid(ax, "company").get_xdata(), [0, 0])
    assert ax.get_xlabel() == "Score, points against the company"
    assert ax.xaxis.get_major_formatter()(0.0, 0) == "0"
    assert ax.xaxis.get_major_formatter()(20.0, 0) == "+20"


def test_assessment_plot_of_one_component():
    ax = plots.plot_assessment(_assessment(), component="nps")
    labels = [t.get_text() for t in ax.get_yticklabels()]  # top first
    assert labels == ["Bo Berg", "Cy Chan", "Dee Dunn", "Ann Ames"]
    got = sorted((s[0][1], s[0][0], s[1][0]) for s in _by_gid(ax, "intervals").get_segments())
    assert [(lo, hi) for _y, lo, hi in got][::-1] == [(5, 25), (-9, 11), (-12, 12), (-20, 10)]
    assert ax.get_xlabel() == "NPS, points against the company"


def test_assessment_sentence_from_the_numbers():
    s = targets.describe_assessment_chart(_assessment())
    assert s == (
        "2 of 4 reps differ from the company beyond noise (the interval clears the company "
        "line): Ann Ames above (+12.0) and Dee Dunn below (-8.0). Not scored (no revenue "
        "target and too few customers): Eve Eng."
    ), s


def test_the_sample_assessment_plot_is_the_assessments(sample):
    from salesmeasure.targets.assessment import assess

    a = assess(sample, "2026Q3", with_clv=False, rank_draws=200)
    ax = plots.plot_assessment(a)
    t = a.table.sort_values("score", ascending=False, kind="stable")
    got = sorted((s[0][1], s[0][0], s[1][0]) for s in _by_gid(ax, "intervals").get_segments())
    assert _same([lo for _y, lo, _h in got][::-1], t["score_low"])
    assert _same([hi for _y, _l, hi in got][::-1], t["score_high"])
    labels = [x.get_text() for x in ax.get_yticklabels()]  # top first
    assert labels == [f"{n} ({r})" for n, r in zip(t["name"], t["region"], strict=True)]
    up = (
        _by_gid(ax, "points-above").get_offsets()[:, 0]
        if (t["score_flag"] == "above").any()
        else []
    )
    assert _same(sorted(up), sorted(t.loc[t["score_flag"] == "above", "score"]))


# ------------------------------------------------------------ Chinese
def test_the_charts_render_in_chinese_with_cjk_glyphs(tmp_path, sample):
    from test_i18n_charts import chart_texts
    from test_i18n_render import _data_names, english_left

    with language("zh-CN"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plots.plot_control_charts(_evaluation())
        fig.savefig(tmp_path / "cc.png")
        texts = chart_texts(fig)
        ax = plots.plot_assessment(_assessment())
        ax.figure.savefig(tmp_path / "as.png")
        texts += chart_texts(ax.figure)
        sentence = targets.describe_control_charts(_evaluation())
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    assert "每100位活跃客户的投诉数" in texts and "综合得分（相对公司水平，百分点）" in texts
    assert "2025年第三季度" in texts  # the periods as Chinese writes them
    names = _data_names(sample) + ["Ann Ames", "Bo Berg", "Cy Chan", "Dee Dunn"]
    assert english_left(texts, names) == []
    assert sentence.startswith(
        "每100位活跃客户的投诉数：2025年第三季度比通常水平差（高于控制上限）"
    )


# ------------------------------------------------------------ the rendered report
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("region", ["all", "north"])
def test_the_target_report_shows_both_charts(default_pack, region, lang):
    from bs4 import BeautifulSoup
    from packs import lang_dir

    root = lang_dir(default_pack, lang) / "2026Q3" / region
    soup = BeautifulSoup((root / "01_target_setting.html").read_text("utf-8"), "html.parser")
    ids = {el.get("id") for svg in soup.find_all("svg") for el in svg.find_all(id=True)}
    assert {"complaint_rate-ucl", "complaint_rate-value", "nps-lcl", "revenue-target"} <= ids
    assert {"intervals", "company"} <= ids
    text = soup.get_text(" ")
    if lang == "en":
        assert "Within noise:" in text
        assert (
            "reps differ from the company beyond noise" in text
            or "crosses the company line" in text
        )
    else:
        assert "在随机波动范围内：" in text and "公司水平线" in text
