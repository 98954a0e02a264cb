"""The executive scorecard agrees with the detailed modules and with hand computations."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from salesmeasure import clv, kpi, retention, survey
from salesmeasure.periods import Period


@pytest.fixture(scope="module")
def card_all(sample):
    return kpi.scorecard(sample, "2026Q3", "all")


@pytest.fixture(scope="module")
def card_north(sample):
    return kpi.scorecard(sample, "2026Q3", "North")


def _in(df, col, start, end):
    return df[(df[col] >= start) & (df[col] <= end)]


@pytest.mark.parametrize("region", ["all", "North", "West"])
def test_revenue_and_attainment_match_the_raw_tables(sample, region):
    card = kpi.scorecard(sample, "2026Q3", region, with_clv=False)
    o = sample.orders if region == "all" else sample.orders[sample.orders["region"] == region]
    rev = _in(o, "order_date", "2026-07-01", "2026-09-30")["amount"].sum()
    t = sample.targets
    t = t[(t["period"] == "2026Q3") & t["rep_id"].isna()]
    if region != "all":
        t = t[t["region"] == region]
    assert card.loc["revenue", "value"] == pytest.approx(rev)
    assert card.loc["attainment", "value"] == pytest.approx(rev / t["target_amount"].sum())
    prev = _in(o, "order_date", "2026-04-01", "2026-06-30")["amount"].sum()
    ly = _in(o, "order_date", "2025-07-01", "2025-09-30")["amount"].sum()
    assert card.loc["revenue", "change_prev"] == pytest.approx(rev - prev)
    assert card.loc["revenue", "change_ly"] == pytest.approx(rev - ly)
    assert card.loc["p_attain", "value"] == float(rev >= t["target_amount"].sum())


def test_customer_counts_match_the_raw_tables(sample, card_all):
    o = _in(sample.orders, "order_date", "2026-07-01", "2026-09-30")
    assert card_all.loc["active_customers", "value"] == o["customer_id"].nunique()
    new = sample.customers["signup_date"].between("2026-07-01", "2026-09-30").sum()
    assert card_all.loc["new_customers", "value"] == new


@pytest.mark.parametrize("region", ["all", "South"])
def test_retention_agrees_with_the_retention_module(sample, region):
    card = kpi.scorecard(sample, "2026Q3", region, with_clv=False)
    cust = sample.customers
    rr = retention.retention_rate(
        sample.orders, cust, freq="Q", by="region" if region != "all" else None
    )
    if region != "all":
        rr = rr[rr["region"] == region]
    row = rr[rr["period"] == "2026Q3"].iloc[0]
    assert card.loc["retention_rate", "value"] == pytest.approx(row["retention_rate"])
    assert card.loc["retention_rate", "ci_low"] == pytest.approx(row["ci_low"])
    assert card.loc["retention_rate", "n"] == row["active_previous"]


def test_retention_change_p_value_is_the_pooled_two_proportion_z_test(sample, card_all):
    rr = retention.retention_rate(sample.orders, freq="Q").set_index("period")
    k1, n1 = rr.loc["2026Q3", ["retained", "active_previous"]]
    k2, n2 = rr.loc["2026Q2", ["retained", "active_previous"]]
    p = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    assert card_all.loc["retention_rate", "p_prev"] == pytest.approx(2 * stats.norm.sf(abs(z)))


def test_nps_and_csat_are_the_survey_modules_estimates(sample, card_north):
    s = sample.surveys
    s = _in(s[s["region"] == "North"], "survey_date", "2026-07-01", "2026-09-30")
    n = survey.nps(s["nps"])
    c = survey.csat(s["csat"])
    assert (
        card_north.loc["nps", "value"],
        card_north.loc["nps", "ci_low"],
        card_north.loc["nps", "ci_high"],
    ) == pytest.approx((n.value, n.ci_low, n.ci_high))
    assert (card_north.loc["csat", "value"], card_north.loc["csat", "ci_high"]) == pytest.approx(
        (c.value, c.ci_high)
    )
    assert card_north.loc["nps", "n"] == n.n


@pytest.mark.parametrize("region", ["all", "North", "East"])
def test_significance_flags_agree_with_survey_compare(sample, region):
    card = kpi.scorecard(sample, "2026Q3", region, with_clv=False)
    s = sample.surveys if region == "all" else sample.surveys[sample.surveys["region"] == region]
    cur = _in(s, "survey_date", "2026-07-01", "2026-09-30")
    for key, (a, b) in {
        "prev": ("2026-04-01", "2026-06-30"),
        "ly": ("2025-07-01", "2025-09-30"),
    }.items():
        ref = survey.compare_periods(cur, _in(s, "survey_date", a, b))
        for m in ("nps", "csat"):
            assert bool(card.loc[m, f"significant_{key}"]) == bool(ref.loc[m, "significant"])
            assert card.loc[m, f"p_{key}"] == pytest.approx(ref.loc[m, "p_adjusted"])


def test_complaint_rate_and_its_exact_conditional_test(sample, card_all):
    o = sample.orders
    comp = sample.complaints
    act = _in(o, "order_date", "2026-07-01", "2026-09-30")["customer_id"].nunique()
    act0 = _in(o, "order_date", "2026-04-01", "2026-06-30")["customer_id"].nunique()
    c1 = len(_in(comp, "opened_date", "2026-07-01", "2026-09-30"))
    c0 = len(_in(comp, "opened_date", "2026-04-01", "2026-06-30"))
    assert card_all.loc["complaint_rate", "value"] == pytest.approx(100 * c1 / act)
    lo = stats.chi2.ppf(0.025, 2 * c1) / 2 * 100 / act  # Garwood exact Poisson interval
    assert card_all.loc["complaint_rate", "ci_low"] == pytest.approx(lo, rel=1e-6)
    p = stats.binomtest(c1, c1 + c0, act / (act + act0)).pvalue
    assert card_all.loc["complaint_rate", "p_prev"] == pytest.approx(p)


def test_average_clv_is_the_clv_pipelines_mean(sample, card_all):
    """One CLV pipeline: the scorecard's average CLV is clv.value_base's, with the retention
    and CLV report's default settings (was its own BG/NBD fit)."""
    end = pd.Timestamp("2026-09-30")
    orders = sample.orders[sample.orders["order_date"] <= end]
    # with the customers' segments, as the books value them (issue 18)
    values = clv.value_base(orders, end, segments=sample.customers).values
    assert card_all.loc["avg_clv", "value"] == pytest.approx(values["clv"].mean(), rel=1e-9)
    assert card_all.loc["avg_clv", "n"] == len(values)


def test_period_in_progress_is_compared_to_date(sample):
    card = kpi.scorecard(sample, "2026Q4", "all", with_clv=False)
    assert card.to_date == pd.Timestamp("2026-11-15") and not card.complete
    o = sample.orders
    prev_to_date = _in(o, "order_date", "2026-07-01", "2026-08-15")["amount"].sum()  # 46 days
    ly_to_date = _in(o, "order_date", "2025-10-01", "2025-11-15")["amount"].sum()
    rev = card.loc["revenue", "value"]
    assert card.loc["revenue", "change_prev"] == pytest.approx(rev - prev_to_date)
    assert card.loc["revenue", "change_ly"] == pytest.approx(rev - ly_to_date)
    assert 0 < card.loc["p_attain", "value"] < 1  # a forecast, not a known outcome
    assert card.loc["attainment", "status"] == "n/a"


@pytest.mark.parametrize(
    ("kpi_name", "value", "rel_ly", "expected"),
    [
        ("nps", 30.0, math.nan, "good"),
        ("nps", 29.9, math.nan, "watch"),
        ("nps", -0.1, math.nan, "bad"),
        ("complaint_rate", 5.0, math.nan, "good"),
        ("complaint_rate", 10.5, math.nan, "bad"),
        ("attainment", 0.95, math.nan, "watch"),
        ("active_customers", 100, -0.03, "watch"),
        ("active_customers", 100, 0.01, "good"),
        ("avg_clv", 100, math.nan, "n/a"),
    ],
)
def test_status_thresholds(kpi_name, value, rel_ly, expected):
    assert kpi._status(kpi_name, value, rel_ly) == expected


def test_status_is_always_text_as_well_as_colour(card_all):
    table = kpi.format_scorecard(card_all)
    for status, text in zip(card_all["status"], table["Status"], strict=True):
        assert kpi.STATUS_TEXT[status] in text or "Too few" in text


def test_regions_add_up_to_all(sample, card_all):
    regions = kpi.regions_scorecard(sample, "2026Q3", with_clv=False)
    assert sorted(regions.index) == sample.regions
    assert regions["revenue"].sum() == pytest.approx(card_all.loc["revenue", "value"])
    assert regions["attainment"].is_monotonic_decreasing
    assert regions["rank"].tolist() == list(range(1, 6))


def test_chain_recovers_the_planted_satisfaction_effect(sample):
    ch = kpi.chain(sample, "2026Q3", "all")
    ref = survey.retention_by_nps(
        sample.surveys,
        sample.orders[sample.orders["order_date"] <= "2026-09-30"],
        as_of=pd.Timestamp("2026-09-30"),
    )
    for g in ("promoter", "passive", "detractor"):
        assert ch.by_nps.loc[g, "retention"] == pytest.approx(ref.table.loc[g, "rate"])
    # planted: lower satisfaction -> more lapsing -> lower value
    assert ch.retention_gap.ci_low > 0
    b = ch.by_nps
    assert b.loc["promoter", "clv"] > b.loc["detractor", "clv"]
    assert b.loc["promoter", "prob_alive"] > b.loc["detractor", "prob_alive"]
    ar = ch.at_risk
    assert 0 < ar["detractor_clv"] < ar["total_clv"]
    assert ch.next_period["period"] == "2026Q4" and ch.next_period["forecast"] > 0


def test_latest_nps_group_uses_each_customers_last_answer():
    s = pd.DataFrame(
        {
            "response_id": ["a", "b", "c", "d"],
            "customer_id": ["C1", "C1", "C2", "C2"],
            "survey_date": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-01-05", "2026-05-01"]),
            "nps": [10.0, 3.0, 8.0, np.nan],
        }
    )
    g = kpi.latest_nps_group(s, "2026-04-01")
    assert g.to_dict() == {"C1": "detractor", "C2": "passive"}


def test_findings_are_three_to_five_sentences_from_the_numbers(sample, card_all):
    ch = kpi.chain(sample, "2026Q3", "all")
    regions = kpi.regions_scorecard(sample, "2026Q3", with_clv=False)
    items = kpi.findings(card_all, ch, regions)
    assert 3 <= len(items) <= 5
    reports = {"01_target_setting", "02_satisfaction_survey", "03_retention_clv"}
    assert all(f["report"] in reports for f in items)
    text = " ".join(f["text"] for f in items)
    assert f"{card_all.loc['attainment', 'value']:.0%}" in text
    assert f"{ch.by_nps.loc['promoter', 'retention']:.0%}" in text


def test_scorecard_takes_a_fiscal_calendar(sample):
    p = Period.parse("2026Q3")
    card = kpi.scorecard(sample, p, "all", with_clv=False)
    assert card.previous == "2026Q2" and card.last_year == "2025Q3"


# ------------------------------------------------- one definition per figure
@pytest.mark.parametrize("region", ["all", "North"])
def test_shared_headline_figures_equal_the_detail_reports(region):
    """Issue 11: every figure the executive summary shares with a detailed report (NPS,
    repeat purchase by NPS group, retention, CLV and value at risk) is the same number,
    computed by each report's own build on the same period and region."""
    from salesmeasure import report
    from salesmeasure.clv.analysis import build as clv_report
    from salesmeasure.survey.build import build as survey_report

    ctx = report.prepare(period="2026Q3", region=region)
    r = kpi.build(ctx)
    card, ch = r.scorecard, r.chain
    srv, val = survey_report(ctx), clv_report(ctx)
    head = srv.scores.head
    for m in ("nps", "csat"):
        assert card.loc[m, "value"] == pytest.approx(head.loc[m, "value"], rel=1e-12)
        assert card.loc[m, "ci_low"] == pytest.approx(head.loc[m, "ci_low"], rel=1e-12)
    for g in ("promoter", "passive", "detractor"):
        assert ch.by_nps.loc[g, "retention"] == pytest.approx(srv.retention.table.loc[g, "rate"])
    assert ch.retention_gap.value == pytest.approx(srv.retention.difference.value)
    total = val.retention.total
    q3 = total[total["period"].astype(str) == "2026Q3"].iloc[0]
    assert card.loc["retention_rate", "value"] == pytest.approx(q3["retention_rate"])
    assert card.loc["avg_clv", "value"] == pytest.approx(val.value.values["clv"].mean())
    assert ch.at_risk["value_at_risk"] == pytest.approx(val.value.total_value_at_risk)
    assert ch.at_risk["total_clv"] == pytest.approx(val.value.total_clv)
    assert r.clv_months == val.months and r.discount_rate == val.discount_rate


def test_first_screen_values_customers_with_the_summarys_settings_holdout_included(
    monkeypatch,
):
    """One set of books: the first screen's call list and detractor values are the
    retention report's at the notebook's CLV settings. It dropped ``holdout_weeks`` (a
    report rendered with ``--param holdout_weeks=13`` valued its first screen's customers
    at the default holdout, the rest of the pack at 13), and it built the whole retention
    and survey reports to read two of their sections."""
    import importlib

    from salesmeasure import books, report
    from salesmeasure.clv import analysis

    survey_build = importlib.import_module("salesmeasure.survey.build")  # not the function

    ctx = report.prepare(period="2026Q3", region="North")
    r = kpi.build(ctx, holdout_weeks=13, clv_months=6)
    assert r.holdout_weeks == 13 and r.clv_months == 6
    calls, real = [], books.region_value

    def recorded(*args, **kw):
        calls.append(kw)
        return real(*args, **kw)

    def whole_report(*args, **kw):
        raise AssertionError("the first screen built a whole report")

    monkeypatch.setattr(books, "region_value", recorded)
    monkeypatch.setattr(analysis, "build", whole_report)
    monkeypatch.setattr(survey_build, "build", whole_report)
    fs = kpi.first_screen(ctx, r)
    assert calls, "the first screen valued no customer"
    assert {(kw["holdout_weeks"], kw["months"]) for kw in calls} == {(13, 6)}
    monkeypatch.undo()
    call = next(a for a in fs.actions if a.key == "call_at_risk")
    listed = analysis.build(ctx, holdout_weeks=13, clv_months=6).at_risk.frame
    top = listed[listed["clv"] > 0].sort_values("clv", ascending=False, kind="stable")
    top = top.head(len(call.items))
    assert list(call.items.index) == list(top.index)
    assert call.items["clv"].to_numpy() == pytest.approx(top["clv"].to_numpy(), rel=1e-12)


# ------------------------------------------------------ suppressed, thin data
def _with(ds, **tables):
    import dataclasses

    return dataclasses.replace(ds, **tables)


def _ctx(ds, period, region):
    from pathlib import Path

    from salesmeasure.report import ReportContext

    p = Period.parse(period)
    return ReportContext(ds, ds.slice(p, region), p, region, Path("."))


def test_a_kpi_shown_as_too_few_responses_has_no_change_and_no_sentence(sample):
    s = sample.surveys
    q3 = (s["survey_date"] >= "2026-07-01") & (s["survey_date"] <= "2026-09-30")
    keep = s[~q3 | s.index.isin(s[q3].index[:5])]
    ds = _with(sample, surveys=keep)
    card = kpi.scorecard(ds, "2026Q3", "all", with_clv=False)
    for m in ("nps", "csat"):
        r = card.loc[m]
        assert r["suppressed"] and r["n"] == 5 and r["status"] == "n/a"
        assert math.isnan(r["change_prev"]) and math.isnan(r["change_ly"])
        assert r["significant_prev"] is pd.NA and r["significant_ly"] is pd.NA
    table = kpi.format_scorecard(card).set_index("KPI")
    for label in ("NPS", "CSAT (top-2-box)"):
        assert table.loc[label].iloc[0] == "too few responses"
        assert (table.loc[label].iloc[1:3] == "n/a").all()  # no change beside it
    text = " ".join(f["text"] for f in kpi.findings(card))
    assert "NPS" not in text and "CSAT" not in text


def test_a_small_region_renders_every_section_or_says_why(sample):
    """A new region of 10 customers: no KeyError, no nan; thin sections say why."""
    ids = sample.customers["customer_id"].iloc[:10]
    cust = sample.customers.copy()
    cust.loc[cust["customer_id"].isin(ids), "region"] = "../../evil"
    tables = {"customers": cust}
    for name in ("orders", "surveys", "complaints"):
        t = getattr(sample, name).copy()
        if "region" in t:
            t.loc[t["customer_id"].isin(ids), "region"] = "../../evil"
        tables[name] = t
    ds = _with(sample, **tables)
    r = kpi.build(_ctx(ds, "2026Q3", "../../evil"))
    assert r.scorecard and not r.regions
    shown = [kpi.describe_scorecard(r.scorecard), kpi.describe_summary_findings(r)]
    shown += kpi.format_scorecard(r.scorecard).to_numpy().ravel().tolist()
    shown.append(kpi.describe_at_risk(r.chain) if r.chain else r.chain.reason)
    assert not any("nan" in str(x).lower().split() or "nan%" in str(x) for x in shown)
    everything = kpi.build(_ctx(ds, "2026Q3", "all"))
    ranking = kpi.describe_regions(everything.regions)
    assert "nan" not in ranking


def test_an_old_period_without_data_says_why(sample):
    r = kpi.build(_ctx(sample, "2019Q1", "all"))
    for section in (r.scorecard, r.chain):
        assert section or section.reason  # a result, or a sentence
    if r.scorecard:
        assert "nan" not in kpi.describe_scorecard(r.scorecard)
