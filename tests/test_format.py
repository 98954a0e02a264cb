"""salesmeasure.format against known values, in English and Simplified Chinese.

English values are the suite's own compact style (what the reports printed before the
restructure); Chinese values are CLDR's, as a Chinese reader writes them (万/亿 for
amounts, 2026年11月15日 for dates), checked by hand against Babel's locale data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from salesmeasure import format as fmt
from salesmeasure.i18n import language
from salesmeasure.periods import Period


@pytest.fixture
def zh():
    with language("zh-CN"):
        yield


# ------------------------------------------------------------------ English (the default)
@pytest.mark.parametrize(
    "value, text",
    [
        (1_234_567, "1.23M"),
        (45_600, "45.6k"),
        (950, "950"),
        (-2_150_000, "-2.15M"),
        (0, "0"),
        (999_999, "1.00M"),
    ],
)
def test_money_english_compact_known_values(value, text):
    assert fmt.money(value) == text


def test_english_known_values():
    assert fmt.money(45_600, signed=True) == "+45.6k"
    assert fmt.money_full(2_501_031) == "2,501,031"
    assert fmt.count(1158) == "1,158"
    assert fmt.number(1234.5, decimals=1) == "1,234.5"
    assert fmt.pct(0.123) == "12.3%"
    assert fmt.pct(0.042, signed=True) == "+4.2%"
    assert fmt.points(3.7) == "+3.7 pts"
    assert fmt.change(-0.05) == "-5.0%"
    assert fmt.change(1.5e6, kind="money") == "+1.50M"
    assert fmt.date("2026-11-15") == "15 Nov 2026"
    assert fmt.date(pd.Timestamp("2026-11-15"), short=True) == "15 Nov"
    assert fmt.period("2026Q3") == "2026Q3"
    assert fmt.period(Period.parse("FY2026")) == "FY2026"
    assert fmt.status("good") == "● On track"
    assert fmt.status("bad", symbol=False) == "Action needed"
    assert fmt.status("unknown key") == "○ No basis"


@pytest.mark.parametrize(
    "value, text",
    [
        (1.5e6, "1.5M"),
        (250_000, "250k"),
        (0, "0"),
        (-2e6, "-2.0M"),
        (1_250_000, "1.25M"),
        (1_500, "1.5k"),
        (2_000, "2k"),
        (2_250, "2.25k"),
        (12.5, "12.5"),
    ],
)
def test_money_tick_english_known_values(value, text):
    assert fmt.money_tick(value) == text


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("top", [1.8e3, 7e3, 2.6e4, 3.3e6, 1.7e8])
def test_money_ticks_of_a_real_axis_never_read_alike(lang, top):
    """matplotlib's own tick choice for an axis from 0 to ``top``: every label distinct
    (before, 1,500 and 2,000 both read "2k")."""
    from matplotlib.ticker import MaxNLocator

    from salesmeasure.i18n import language

    ticks = MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]).tick_values(0, top)
    with language(lang):
        labels = [fmt.money_tick(t) for t in ticks]
    assert len(set(labels)) == len(labels), labels


def test_change_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        fmt.change(0.1, kind="ratio")


# ------------------------------------------------------------------ Simplified Chinese
@pytest.mark.parametrize(
    "value, text",
    [
        (2_150_000, "215万"),
        (45_600, "4.56万"),
        (120_000_000, "1.2亿"),
        (950, "950"),
        (-2_150_000, "-215万"),
    ],
)
def test_money_chinese_in_wan_and_yi(zh, value, text):
    assert fmt.money(value) == text


def test_chinese_known_values(zh):
    assert fmt.money(2_150_000, decimals=0) == "215万"
    assert fmt.money_tick(1.5e6) == "150万"
    assert fmt.money_full(2_501_031) == "2,501,031"
    assert fmt.count(1158) == "1,158"
    assert fmt.pct(0.123) == "12.3%"
    assert fmt.pct(0.042, signed=True) == "+4.2%"
    assert fmt.date("2026-11-15") == "2026年11月15日"
    assert fmt.date("2026-11-15", short=True) == "11月15日"
    assert fmt.period("2026Q3") == "2026年第三季度"
    assert fmt.period(Period.parse("2026Q1")) == "2026年第一季度"
    assert fmt.period("2026H2") == "2026年下半年"
    assert fmt.period("2026H1") == "2026年上半年"
    assert fmt.period("FY2026") == "2026财年"
    assert fmt.period("2026-07") == "2026年7月"


def test_chinese_status_words_and_points(zh):
    assert fmt.status("good") == "● 正常"
    assert fmt.status("watch") == "▲ 需关注"
    assert fmt.status("bad") == "■ 需改进"
    assert fmt.status("n/a") == "○ 无法判断"
    assert fmt.points(3.7) == "+3.7个百分点"


def test_language_is_restored_after_the_block():
    with language("zh-CN"):
        assert fmt.money(2_150_000) == "215万"
    assert fmt.money(2_150_000) == "2.15M"


# ------------------------------------------------------------------ missing values
MISSING = [None, float("nan"), np.nan, np.float64("nan"), math.inf, -math.inf, pd.NA, pd.NaT]
NUMERIC = [fmt.money, fmt.money_full, fmt.number, fmt.count, fmt.pct, fmt.points, fmt.change]


@pytest.mark.parametrize("lang, word", [("en", "n/a"), ("zh-CN", "—")])
@pytest.mark.parametrize("value", MISSING, ids=repr)
def test_missing_values_become_the_na_word_never_nan(lang, word, value):
    with language(lang):
        assert fmt.missing() == word
        for f in NUMERIC:
            assert f(value) == word, f.__name__
        assert fmt.money_tick(value) == ""
        if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            assert fmt.date(value) == word


@pytest.mark.parametrize("value", ["not a date", pd.NA, float("nan")], ids=repr)
def test_an_unreadable_date_is_the_na_word(value):
    assert fmt.date(value) == "n/a"


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, True),
        (1.5, True),
        (np.int64(3), True),
        (np.float32(2.5), True),
        (True, False),
        (None, False),
        (float("nan"), False),
        (math.inf, False),
        (pd.NA, False),
        ("3", False),
    ],
    ids=repr,
)
def test_is_number(value, expected):
    assert fmt.is_number(value) is expected


# ----------------------------------------------------------------- lists and prose
@pytest.mark.parametrize(
    "kind, en, zh",
    [
        ("list", "North, South, East", "North、South、East"),
        ("and", "North, South and East", "North、South和East"),
        ("or", "North, South or East", "North、South或East"),
        ("clauses", "North; South; East", "North；South；East"),
    ],
)
def test_join_follows_cldr_list_patterns_in_chinese_and_keeps_english(kind, en, zh):
    from babel.lists import format_list

    words = ["North", "South", "East"]
    assert fmt.join(words, kind=kind) == en
    with language("zh-CN"):
        assert fmt.join(words, kind=kind) == zh
        if kind in {"and", "or"}:  # an independent implementation: Babel itself
            style = "standard" if kind == "and" else "or"
            assert zh == format_list(words, style=style, locale="zh_CN")
    assert fmt.join(["North"], kind=kind) == "North"
    assert fmt.join([], kind=kind) == ""


def test_join_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        fmt.join(["a"], kind="both")


def test_chinese_prose_drops_the_space_after_full_width_punctuation():
    text = "目标已达成。 下期目标为 215万（概率 60%）。 见下表：\n\n- 北区。 南区"
    with language("zh-CN"):
        assert fmt.prose(text) == "目标已达成。下期目标为215万（概率60%）。见下表：\n\n- 北区。南区"
        assert fmt.prose("1. 达成率 119%（+36%）. 详见报告.\n2. 共 2.5万.为 35.7%.按区域") == (
            "1. 达成率119%（+36%）。详见报告。\n2. 共2.5万。为35.7%。按区域"
        )
    assert fmt.prose("Met. Next target 2.15M.") == "Met. Next target 2.15M."


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_small_negative_rounded_to_zero_shows_no_minus(lang):
    """-0.3 shown without decimals is 0, not '-0' (the scorecard printed a CLV change of
    '-0'); real negatives keep their sign."""
    with language(lang):
        assert fmt.money(-0.3) == "0"
        assert fmt.number(-0.04, decimals=1) == "0.0"
        assert fmt.number(-0.3, signed=True) == "0"
        assert fmt.pct(-0.0004) == "0.0%"
        assert fmt.money(-7.6).startswith("-") and fmt.pct(-0.004).startswith("-")
