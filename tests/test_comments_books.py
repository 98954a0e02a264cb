"""Themes as drivers of NPS are one set of books: fitted once on the company's answers
of the period, a region's report shows the company's weights with the region's own
mentions and NPS with and without each theme (issue 18)."""

import pandas as pd

from salesmeasure import books, report, survey
from salesmeasure.survey.comments.analyse import analyse_comments
from salesmeasure.survey.comments.measures import theme_drivers
from salesmeasure.survey.scores import nps


def test_a_regions_theme_drivers_are_the_companys_weights_with_its_own_counts(sample_dir):
    company = survey.voice(report.prepare(period="2026Q3", region="all",
                                          data_path=str(sample_dir), lang="en"))  # fmt: skip
    before = books.COUNTS["computed"]["theme_drivers"]
    ctx = report.prepare(period="2026Q3", region="North", data_path=str(sample_dir), lang="en")
    north = survey.voice(ctx)
    # the company's fit is reused, not refitted on North alone
    assert books.COUNTS["computed"]["theme_drivers"] == before
    c, n = company.drivers.table, north.drivers.table
    assert list(n.index) == list(c.index)
    for col in ("weight", "ci_low", "ci_high", "rank"):
        pd.testing.assert_series_equal(n[col], c[col])
    # the company's model is the one fitted on every region's answers (independent fit)
    allsurv = ctx.data.surveys
    cur = ctx.data.slice(period=ctx.period, region="all").in_period("surveys")
    a = analyse_comments(pd.Series(allsurv["comment"].to_numpy(),
                                   index=allsurv["response_id"].to_numpy()))  # fmt: skip
    direct = theme_drivers(a.subset(cur["response_id"].to_numpy()), cur.set_index("response_id"))
    pd.testing.assert_series_equal(c["weight"], direct.table.loc[c.index, "weight"])
    # North's own counts: mentions and NPS of North's commenters who mention the theme
    cur_n = ctx.view.in_period("surveys").set_index("response_id")
    now = a.subset(cur_n.index.to_numpy())
    has = now.comments["has_text"]
    flags = now.flags[has.to_numpy()]
    theme = n.index[0]
    assert n.loc[theme, "mentions"] == int(flags[theme].sum())
    said = flags.index[flags[theme] > 0]
    assert n.loc[theme, "nps_with"] == nps(cur_n.loc[said, "nps"]).value
    assert n.loc[theme, "mentions"] < c.loc[theme, "mentions"]


def test_a_regions_comment_section_says_whose_weights_it_shows(sample_dir):
    north = survey.voice(report.prepare(period="2026Q3", region="North",
                                        data_path=str(sample_dir), lang="en"))  # fmt: skip
    assert north.drivers.scope == "North"
    assert ("The themes' weights are the company's, fitted once on every region's comments; "
            "the mentions and NPS are North's own.") in survey.describe_voice(north)  # fmt: skip
    company = survey.voice(report.prepare(period="2026Q3", region="all",
                                          data_path=str(sample_dir), lang="en"))  # fmt: skip
    assert company.drivers.scope == "all"
    assert "weights are the company's" not in survey.describe_voice(company)
