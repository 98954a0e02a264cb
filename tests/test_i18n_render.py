"""Chinese reports render as glyphs: charts, PDFs, and the rendered pack in zh-CN.

Checked against the fonts themselves: matplotlib's "Glyph ... missing" warning for a chart
with CJK labels, and ``pdffonts`` (poppler) for the font a printed page embeds.
"""

from __future__ import annotations

import warnings

import pytest

from salesmeasure.i18n import language, set_language


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    set_language("en")


def _chart_warnings(tmp_path, lang: str) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from salesmeasure.plots.theme import get_ax

    with language(lang), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = get_ax()
        ax.bar(["产品质量", "服务水平", "售后支持"], [3.9, -4.1, 4.2])
        ax.set_title("客户满意度（CSAT）与净推荐值 NPS −5")
        ax.set_ylabel("销售额（万元）")
        ax.figure.savefig(tmp_path / f"chart-{lang}.png")
        plt.close(ax.figure)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_a_chinese_chart_has_no_missing_glyph(tmp_path):
    assert _chart_warnings(tmp_path, "zh-CN") == []
    assert (tmp_path / "chart-zh-CN.png").stat().st_size > 0


def test_chinese_charts_put_a_cjk_font_first_and_english_keep_theirs():
    import matplotlib.pyplot as plt

    from salesmeasure.plots.theme import set_theme

    with language("zh-CN"):
        set_theme()
        assert plt.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    set_theme()
    assert "Noto Sans CJK SC" not in plt.rcParams["font.sans-serif"]
