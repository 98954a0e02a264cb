"""The survey's key-driver model in the pack's books (issue 18): fitted once per period on
every region's answers; a region's report shows the region's slice -- the company's
importances with the region's own mean scores -- and a region-only model only as a named
second opinion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from salesmeasure import books, report, survey
from salesmeasure.survey.drivers import key_drivers
from salesmeasure.survey.scores import ITEMS


@pytest.fixture(scope="module")
def built():
    mp = pytest.MonkeyPatch()
    mp.setenv(books.CACHE_ENV, "off")  # count this process's computations only
    books.forget()
    before = books.COUNTS["computed"]["key_drivers"]
    out = {}
    for r in ("all", "North"):
        ctx = report.prepare(period="2026Q3", region=r)
        out[r] = (ctx, survey.build(ctx).drivers)
    out["computed"] = books.COUNTS["computed"]["key_drivers"] - before
    yield out
    mp.undo()
    books.forget()


def period_answers(ctx, region):
    s = ctx.data.surveys
    s = s[(s["survey_date"] >= ctx.period.start) & (s["survey_date"] <= ctx.period.end)]
    return s if region == "all" else s[s["region"] == region]


def test_the_company_model_is_key_drivers_on_every_regions_answers(built):
    ctx, kd = built["all"]
    independent = key_drivers(period_answers(ctx, "all"), "nps")
    pd.testing.assert_frame_equal(kd.table, independent.table)
    assert kd.n == independent.n and kd.region == "all" and kd.second_opinion is None


def test_north_shows_the_companys_importances_and_its_own_scores(built):
    ctx, north = built["North"]
    _c, company = built["all"]
    model_cols = ["weight", "ci_low", "ci_high", "share", "beta", "p_top", "rank"]
    pd.testing.assert_frame_equal(north.table[model_cols], company.table[model_cols])
    assert north.r_squared == company.r_squared and north.n == company.n
    # the scores are North's: the mean of North's answers of the quarter, item by item
    mine = period_answers(ctx, "North")
    assert len(mine) < len(period_answers(ctx, "all"))
    for item in ITEMS:
        assert north.table.loc[item, "mean"] == pytest.approx(mine[item].astype(float).mean())
    assert north.n_region == len(mine[[*ITEMS, "nps"]].dropna())
    # quadrant: the company's importance (share >= 1/3) and North's score against the
    # company's average score (the mean of the company's item means)
    ref = float(company.table["mean"].mean())
    assert north.reference == pytest.approx(ref)
    for item in ITEMS:
        share, score = company.table.loc[item, "share"], north.table.loc[item, "mean"]
        want = {(True, True): "keep up the good work", (True, False): "concentrate here",
                (False, True): "possible overkill", (False, False): "low priority"}  # fmt: skip
        assert north.table.loc[item, "quadrant"] == want[(share >= 1 / 3, score >= ref)]


def test_the_region_only_model_is_a_second_opinion(built):
    ctx, north = built["North"]
    own = key_drivers(period_answers(ctx, "North"), "nps")
    assert north.second_opinion is not None
    pd.testing.assert_frame_equal(north.second_opinion.table, own.table)
    # it differs from the headline (else the slice would not matter)
    assert not np.allclose(own.table["share"], north.table["share"])


def test_computed_once_for_the_pack(built):
    # the company's model once (the all-regions report), North's second opinion once;
    # North's report did not refit the company's model
    assert built["computed"] == 2


def test_the_rule_is_said_in_the_report_in_both_languages(built):
    from salesmeasure.i18n import language

    _ctx, north = built["North"]
    _c, company = built["all"]
    own = north.second_opinion.table.sort_values("weight", ascending=False)
    top_share = f"{own['share'].iloc[0]:.0%}"
    with language("en"):
        text = survey.describe_drivers(north)
        assert "Importance is the company's" in text
        assert "North's own" in text
        assert f"fitted on North alone: Product quality leads with {top_share}" in text
        assert "Importance is the company's" not in survey.describe_drivers(company)
    with language("zh-CN"):
        zh = survey.describe_drivers(north)
        assert "公司整体模型" in zh and "仅用" in zh and "的数据拟合" in zh and top_share in zh
    assert own.index[0] == "q_product_quality"
