"""KPI cards of the executive summary's first screen (salesmeasure.kpi.cards, the card
HTML in kpi.text, the sparkline and the change chart in plots.summary): values, plans and
changes in each KPI's own unit against hand-made scorecards, the trend line against the
scorecard it ends on, and the change chart's colours by what is good for each KPI."""

from __future__ import annotations

import base64
import math
import re

import pandas as pd
import pytest

from salesmeasure.kpi import cards as C
from salesmeasure.kpi.scorecard import Scorecard

NAN = math.nan


def _card(rows: dict, *, target=1_000.0, thresholds=None) -> Scorecard:
    cols = ["unit", "value", "ci_low", "ci_high", "n", "method", "previous", "change_prev",
            "p_prev", "significant_prev", "last_year", "change_ly", "p_ly", "significant_ly",
            "status", "suppressed", "no_data", "report"]  # fmt: skip
    table = pd.DataFrame.from_dict(rows, orient="index")[cols]
    th = thresholds or {
        "nps": {"good": 30.0, "watch": 0.0, "direction": "up"},
        "complaint_rate": {"good": 5.0, "watch": 10.0, "direction": "down"},
        "active_customers": {"basis": "last year", "good": 0.0, "watch": -0.05},
    }
    return Scorecard(table, "2026Q3", "2026Q2", "2025Q3", "all", True, None, target,
                     thresholds=th)  # fmt: skip


def _row(unit, value, previous, last_year, status, *, sig=pd.NA, no_data="", suppressed=False):
    return {
        "unit": unit, "value": value, "ci_low": NAN, "ci_high": NAN, "n": 100, "method": "",
        "previous": previous, "change_prev": value - previous, "p_prev": NAN,
        "significant_prev": sig, "last_year": last_year, "change_ly": value - last_year,
        "p_ly": NAN, "significant_ly": sig, "status": status, "suppressed": suppressed,
        "no_data": no_data, "report": "",
    }  # fmt: skip


@pytest.fixture
def card():
    return _card(
        {
            "revenue": _row("currency", 1_200.0, 1_000.0, 900.0, "good"),
            "attainment": _row("share", 1.2, 1.0, 0.9, "good"),
            "nps": _row("points", 24.0, 18.0, 20.0, "watch", sig=False),
            "complaint_rate": _row("rate", 12.0, 10.0, 12.5, "bad", sig=True),
            "active_customers": _row("count", 1_100.0, 1_000.0, 1_000.0, "good"),
        }
    )


def test_cards_judge_each_kpi_against_its_plan_in_its_own_unit(card):
    by = {c.kpi: c for c in C.kpi_cards(card)}
    rev = by["revenue"]
    assert (rev.basis, rev.plan, rev.vs_plan, rev.attainment) == ("target", 1_000.0, 200.0, 1.2)
    nps = by["nps"]
    assert (nps.basis, nps.plan, nps.vs_plan) == ("threshold", 30.0, -6.0)  # points
    assert (nps.change_prev, nps.change_ly) == (6.0, 4.0)
    comp = by["complaint_rate"]
    assert comp.direction == "down" and comp.vs_plan == pytest.approx(7.0)  # per 100
    act = by["active_customers"]
    assert act.basis == "last year" and math.isnan(act.plan)
    assert act.vs_plan == pytest.approx(0.10)  # the status's basis: +10% on last year


def test_a_kpi_without_its_table_has_no_data_and_no_status():
    c = _card({"nps": _row("points", NAN, NAN, NAN, "n/a", no_data="absent")})
    (nps,) = C.kpi_cards(c)
    assert nps.no_data == "absent" and not nps.has_status
    from salesmeasure.kpi import text

    html = text._card_html(nps, c)
    assert "no data" in html and "sm-status" not in html and "<img" not in html


def test_card_words_show_units_plan_and_both_comparisons(card):
    from salesmeasure.kpi import text

    by = {c.kpi: c for c in C.kpi_cards(card)}
    html = text._card_html(by["nps"], card)
    assert "target ≥ 30 · -6.0 pts" in html
    assert "2026Q2 +6.0 pts · 2025Q3 +4.0 pts" in html
    assert "2026Q2: 18.0; 2025Q3: 20.0" in html  # the comparison values in the tooltip
    assert "Watch" in html and "#e08214" in html  # status word and its palette colour
    rev = text._card_html(by["revenue"], card)
    assert "target 1,000 · +200 (120%)" in rev
    comp = text._card_html(by["complaint_rate"], card)
    assert "target ≤ 5.0 · +7.0 per 100" in comp
    assert "nan" not in (rev + comp + html).lower()


def test_history_ends_on_the_scorecard_value(sample_data):
    """The trend line's last point is the card's value (same definitions as the scorecard)."""
    from salesmeasure.kpi.scorecard import scorecard

    card = scorecard(sample_data, "2026Q3", "North", with_clv=False)
    hist = C.history(sample_data, card_period(sample_data), "North")
    for kpi in ("revenue", "nps", "csat", "retention_rate", "complaint_rate",
                "active_customers", "new_customers"):  # fmt: skip
        h = hist[kpi]
        assert len(h) == 8 and h["period"].iloc[-1] == "2026Q3"
        assert h["value"].iloc[-1] == pytest.approx(card.loc[kpi, "value"]), kpi


def card_period(ds):
    from salesmeasure.periods import Period

    return Period.parse("2026Q3", fiscal_start_month=ds.fiscal_start_month)


@pytest.fixture(scope="module")
def sample_data():
    from salesmeasure import report

    return report.prepare(period="2026Q3", region="all").data


def test_sparkline_draws_the_values_scaled_to_the_box():
    from salesmeasure.plots.summary import sparkline_svg

    uri = sparkline_svg([1.0, NAN, 3.0, 2.0], colour="#123456", width=100, height=20)
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    pts = re.search(r'points="([^"]+)"', svg).group(1).split()
    # x from 3 to 97 over 3 steps, y from 17 (lowest) to 3 (highest); the NaN is skipped
    assert pts == ["3.0,17.0", "65.7,3.0", "97.0,10.0"]
    assert 'cx="97.0" cy="10.0"' in svg and "#123456" in svg
    assert sparkline_svg([1.0]) == "" and sparkline_svg([NAN, NAN]) == ""


def test_change_chart_colours_by_what_is_good_for_each_kpi(card):
    from salesmeasure.plots import palette
    from salesmeasure.plots.summary import change_is_good, plot_scorecard_changes

    assert change_is_good("complaint_rate", -0.5) and not change_is_good("complaint_rate", 2.0)
    assert change_is_good("nps", 4.0) and not change_is_good("revenue", -1.0)
    fig = plot_scorecard_changes(card)
    try:
        axes = {a.get_title(loc="left"): a for a in fig.axes if a.get_visible()}
        comp = axes["complaint_rate"]
        bars = comp.patches
        # +2.0 vs 2026Q2 (bad, red), -0.5 vs 2025Q3 (good, green); drawn as they are
        assert [round(b.get_width(), 6) for b in bars] == [2.0, -0.5]
        assert palette.STATUS_COLOURS["bad"] == _hex(bars[0].get_facecolor())
        assert palette.STATUS_COLOURS["good"] == _hex(bars[1].get_facecolor())
        assert "per 100" in comp.get_xlabel()
        nps = axes["nps"]
        assert [round(b.get_width(), 6) for b in nps.patches] == [6.0, 4.0]  # NPS points
        assert "NPS points" in nps.get_xlabel()
        att = axes["attainment"]
        assert [round(b.get_width(), 6) for b in att.patches] == [20.0, 30.0]  # pp, not %
        assert "percentage points" in att.get_xlabel()
        labels = [t.get_text() for t in nps.texts]
        assert labels == ["+6.0 pts", "+4.0 pts"]
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _hex(rgba) -> str:
    from matplotlib.colors import to_hex

    return to_hex(rgba[:3])
