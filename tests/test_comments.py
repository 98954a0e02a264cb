"""survey.comments: themes and sentiment recovered from planted truths, hand-computed
statistics, and bad input (empty, emoji, HTML, very long, mixed Chinese and English)."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from salesmeasure import config, i18n
from salesmeasure.errors import DataError
from salesmeasure.sample.comments import THEME_EFFECTS, comments
from salesmeasure.stats import wilson_interval
from salesmeasure.survey.comments.analyse import analyse_comments, sentiment_score, theme_lexicon
from salesmeasure.survey.comments.measures import (
    sentiment_agreement,
    theme_change,
    theme_drivers,
    theme_shares,
    two_proportion_test,
    verbatims,
)
from salesmeasure.survey.comments.segment import MAX_CHARS, Segmenter, clean


@pytest.fixture(scope="module")
def planted():
    z = np.random.default_rng(5).normal(size=6000)
    out = {}
    for lang in ("en", "zh-CN"):
        texts, truth, mentions = comments(z, 42, lang=lang)
        out[lang] = (z, texts, truth, mentions, analyse_comments(pd.Series(texts)))
    return out


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_lexicon_themes_recover_every_planted_mention(planted, lang):
    _z, _t, _truth, mentions, a = planted[lang]
    for j, theme in enumerate(THEME_EFFECTS):
        if theme in a.flags:
            assert (a.flags[theme].to_numpy() == mentions[:, j]).all(), theme


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_theme_not_in_the_lexicon_is_found_by_nmf(planted, lang):
    _z, _t, _truth, mentions, a = planted[lang]
    found = a.themes[a.themes["kind"] == "found"]
    assert len(found) >= 1
    best = max(found.index, key=lambda t: (a.flags[t].to_numpy() == mentions[:, -1]).mean())
    assert (a.flags[best].to_numpy() == mentions[:, -1]).mean() > 0.97
    words = set(found.loc[best, "words"])
    assert words & {"website", "portal", "ordering", "网站", "网上商城", "下单"}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_planted_shares_lie_within_their_99_percent_wilson_intervals(planted, lang):
    _z, _t, truth, _m, a = planted[lang]
    shares = theme_shares(a, confidence=0.99)
    for theme, expected in truth["expected_share"].items():
        if theme in shares.index:
            r = shares.loc[theme]
            assert r["ci_low"] <= expected <= r["ci_high"], (theme, expected, r["share"])


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_sentiment_agrees_with_the_planted_satisfaction(planted, lang):
    z, _t, _truth, _m, a = planted[lang]
    nps = np.clip(np.round(7.8 + 1.9 * z), 0, 10)
    csat = np.clip(np.round(3.8 + 0.85 * z), 1, 5)
    agree = sentiment_agreement(a, pd.DataFrame({"nps": nps, "csat": csat}))
    assert agree.loc["nps", "rho"] > 0.5
    assert agree.loc["nps", "agree"] > 0.8
    assert agree.loc["csat", "rho"] > 0.5


def test_planted_driver_theme_ranks_first_on_the_committed_sample(sample, truth):
    from salesmeasure.survey.comments.build import analyse_survey_comments

    s = sample.surveys
    a = analyse_survey_comments(s)
    d = theme_drivers(a, s.set_index("response_id"), n_boot=100)
    assert d.table.index[0] == truth["comments"]["planted_driver"] == "delivery"
    assert d.table.loc["delivery", "nps_gap"] < -30
    shares = theme_shares(a, confidence=0.99)
    for theme, expected in truth["comments"]["expected_share"].items():
        if theme in shares.index:
            assert shares.loc[theme, "ci_low"] <= expected <= shares.loc[theme, "ci_high"], theme


def test_two_proportion_test_matches_a_hand_computed_value():
    # 30/100 vs 20/100: pooled p = 0.25, se = sqrt(.25*.75*.02) = 0.0612372, z = 1.63299
    z, p = two_proportion_test(30, 100, 20, 100)
    assert z == pytest.approx(1.632993, abs=1e-6)
    assert p == pytest.approx(0.102470, abs=1e-5)


def test_shares_and_change_are_wilson_and_holm():
    a = analyse_comments(pd.Series(["late delivery"] * 40 + ["great price"] * 60))
    b = analyse_comments(pd.Series(["late delivery"] * 20 + ["great price"] * 80))
    sh = theme_shares(a)
    assert sh.loc["delivery", "share"] == 0.4
    assert (sh.loc["delivery", "ci_low"], sh.loc["delivery", "ci_high"]) == pytest.approx(
        wilson_interval(40, 100)
    )
    ch = theme_change(a, b)
    p_del = two_proportion_test(40, 100, 20, 100)[1]
    p_price = two_proportion_test(60, 100, 80, 100)[1]
    # Holm with two equal p-values: both times 2
    assert ch.loc["delivery", "p_holm"] == pytest.approx(min(1, 2 * max(p_del, p_price)))
    assert bool(ch.loc["delivery", "significant"])
    assert math.isnan(ch.loc["billing", "z"]) or ch.loc["billing", "p_value"] == 1.0


def test_sentiment_handles_negation_and_intensifiers():
    seg = Segmenter()
    assert sentiment_score(seg.tokens(clean("good"))) > 0
    assert sentiment_score(seg.tokens(clean("not good"))) < 0
    assert sentiment_score(seg.tokens(clean("not bad"))) > 0
    assert sentiment_score(seg.tokens(clean("very good"))) > sentiment_score(["good"])
    assert sentiment_score(seg.tokens(clean("不满意"))) < 0
    assert sentiment_score(seg.tokens(clean("没有问题"))) > 0
    assert sentiment_score(seg.tokens(clean("很满意"))) > 0
    assert sentiment_score([]) == 0.0


def test_bad_input_empty_emoji_html_long_and_mixed():
    long = "The delivery was late. " * 500  # about 11,500 characters
    s = pd.Series(
        [
            "",
            None,
            "   ",
            "😡😡👎",
            "👍",
            "<script>alert('x')</script>invoice wrong",
            long,
            "物流太慢了 but the price is fair",
            "&lt;b&gt;great&lt;/b&gt; 服务",
        ],
        index=[f"R{i}" for i in range(9)],
    )
    a = analyse_comments(s)
    c, f = a.comments, a.flags
    assert not c.loc[["R0", "R1", "R2"], "has_text"].any()
    assert c.loc[["R0", "R1", "R2"], "sentiment"].isna().all()
    assert not f.loc[["R0", "R1", "R2"]].any(axis=None)
    assert c.loc["R3", "has_text"] and c.loc["R3", "sentiment"] < 0
    assert c.loc["R4", "sentiment"] > 0 and not f.loc["R4"].any()
    assert f.loc["R5", "billing"] and "script" not in set(a.vocabulary)
    assert c.loc["R6", "truncated"] and len(long) > MAX_CHARS and f.loc["R6", "delivery"]
    assert f.loc["R7", "delivery"] and f.loc["R7", "price"]
    assert f.loc["R8", "service_level"] and c.loc["R8", "sentiment"] > 0


def test_a_number_in_the_comment_column_is_refused_naming_the_row():
    with pytest.raises(ValueError, match="row 'b' holds 5"):
        analyse_comments(pd.Series(["ok", 5], index=["a", "b"]))


def test_themes_extend_from_config_and_bad_config_is_named():
    cfg = config.parse({"comments": {"themes": {"delivery": ["parcel"], "website": ["login"]}}})
    lex = theme_lexicon(cfg.comment_themes)
    assert "parcel" in lex["delivery"] and "courier" in lex["delivery"]
    a = analyse_comments(pd.Series(["parcel never came", "login fails"]), themes=lex)
    assert a.flags.loc[0, "delivery"] and a.flags.loc[1, "website"]
    assert a.themes.loc["website", "kind"] == "config"
    with pytest.raises(DataError, match=r"\[comments.themes\] delivery must be a list"):
        config.parse({"comments": {"themes": {"delivery": "parcel"}}})


def test_verbatims_are_the_most_typical_not_random():
    texts = pd.Series(
        [
            "delivery late",
            "delivery late",
            "delivery was late",
            "delivery late and the invoice and price and support were bad too",
            "great price",
        ]
    )
    a = analyse_comments(texts)
    v = verbatims(a, texts, "delivery", k=2)
    assert list(v["text"]) == ["delivery late", "delivery was late"]


def test_comment_tables_escape_html():
    from salesmeasure.survey.text.comments import _escaped

    html = _escaped(pd.DataFrame({"c": ["<script>alert(1)</script>"]})).to_html()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_generator_json_records_comment_truths(truth):
    c = truth["comments"]
    assert c["planted_driver"] == "delivery"
    assert set(c["expected_share"]) == set(THEME_EFFECTS)
    assert json.dumps(c)


def test_chinese_sample_keeps_every_other_column(tmp_path):
    from salesmeasure import sample
    from salesmeasure.sample import zh as sample_zh

    en, _ = sample.simulate(seed=3, customers=200)
    zh, tz = sample.simulate(seed=3, customers=200, lang="zh-CN")
    for name in en:
        # the Chinese sample names its values in Chinese (sample.zh): the same draws
        named = sample_zh.COLUMNS.get(name, {})
        back = zh[name].assign(
            **{c: zh[name][c].map(lambda v, k=k: sample_zh.english(v, k)) for c, k in named.items()}
        )
        cols = [c for c in en[name].columns if c not in ("comment", "name")]
        pd.testing.assert_frame_equal(en[name][cols], back[cols])
    assert tz["comments"]["language"] == "zh-CN"
    assert zh["surveys"]["comment"].str.contains("[\u4e00-\u9fff]").any()


def test_report_section_renders_in_both_languages(sample_dir):
    from salesmeasure import report, survey

    for lang in ("en", "zh-CN"):
        ctx = report.prepare(period="2026Q3", region="all", data_path=str(sample_dir), lang=lang)
        v = survey.voice(ctx)
        assert v.ranked[0] == "delivery"
        text = survey.describe_voice(v)
        assert "nan" not in text.lower().split()
        t = survey.themes_table(v)
        assert len(t) == len(v.ranked)
        assert not t.astype(str).apply(lambda c: c.str.contains("nan")).any(axis=None)
        survey.verbatims_table(v).to_html()
        survey.followup_table(v).to_html()
        survey.trend_table(v)
        survey.sentiment_table(v)
    i18n.set_language("en")


def test_small_region_and_period_is_a_sentence_not_a_table(sample_dir):
    from salesmeasure import report, survey
    from salesmeasure.errors import Missing

    ctx = report.prepare(period="2026-11", region="North", data_path=str(sample_dir), lang="en")
    v = survey.voice(ctx)
    if isinstance(v, Missing):
        assert "too few responses" in v.reason
    else:
        assert v.shares["suppressed"].any() or v.n_comments >= 30


def test_a_script_in_a_detractors_comment_reaches_the_report_as_text(tmp_path, sample_dir):
    import shutil

    from salesmeasure import report, survey

    data = tmp_path / "data"
    shutil.copytree(sample_dir, data)
    s = pd.read_csv(data / "surveys.csv", dtype=str, keep_default_na=False)
    in_q3 = s["survey_date"].between("2026-07-01", "2026-09-30")
    row = s.index[in_q3 & s["nps"].isin(["0", "1", "2", "3", "4"])][0]
    s.loc[row, "comment"] = "<script>alert('x')</script> Delivery was late"
    s.to_csv(data / "surveys.csv", index=False)
    ctx = report.prepare(period="2026Q3", region="all", data_path=str(data), lang="en")
    v = survey.voice(ctx)
    html = survey.followup_table(v, limit=10_000).to_html()
    assert "<script>" not in html
    assert "<q>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Delivery was late</q>" in html
    rid = s.loc[row, "response_id"]
    assert "delivery" in v.followup.loc[rid, "themes"]
