"""Absent is not zero (issue 23): a KPI whose table is absent has no data and no status;
no change is printed against a period before the data begins; retention in a period with
no orders is not applicable. Checked against the raw tables by hand."""

from __future__ import annotations

import dataclasses
import math

import pytest

from salesmeasure import kpi
from salesmeasure.absent import absent_sentence, has_table
from salesmeasure.i18n import set_language


def with_absent(ds, *names):
    """``ds`` with ``names`` absent (no source): empty tables, ``absent`` recorded (the
    door branch's ``Dataset.absent`` field when there is one, else an attribute)."""
    empty = {n: getattr(ds, n).iloc[:0] for n in names}
    fields = {f.name for f in dataclasses.fields(ds)}
    if "absent" in fields:
        return dataclasses.replace(ds, absent=frozenset(names), **empty)
    out = dataclasses.replace(ds, **empty)
    object.__setattr__(out, "absent", frozenset(names))
    return out


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def test_has_table_reads_absent_and_defaults_to_present(sample):
    assert has_table(sample, "complaints")
    gone = with_absent(sample, "complaints")
    assert not has_table(gone, "complaints") and has_table(gone, "surveys")


def test_scorecard_shows_no_data_and_no_status_for_an_absent_complaints_table(sample):
    card = kpi.scorecard(with_absent(sample, "complaints"), "2026Q3", "North", with_clv=False)
    row = card.loc["complaint_rate"]
    assert row["no_data"] == "absent" and row["status"] == "n/a"
    assert math.isnan(row["value"]) and math.isnan(row["change_prev"])
    table = kpi.format_scorecard(card).set_index("KPI")
    shown = table.loc[kpi.kpi_labels(card)["complaint_rate"]]
    assert shown.iloc[0] == "no data"  # not "0.0 per 100"
    assert shown["Status"] == ""  # not "On track"
    assert shown["Basis"] == absent_sentence("complaints")
    # the present KPIs are unchanged (revenue by hand in test_kpi)
    full = kpi.scorecard(sample, "2026Q3", "North", with_clv=False)
    assert card.loc["revenue", "value"] == full.loc["revenue", "value"]
    assert full.loc["complaint_rate", "no_data"] == ""


def test_scorecard_shows_no_data_for_absent_surveys_and_targets(sample):
    card = kpi.scorecard(with_absent(sample, "surveys", "targets"), "2026Q3", "all", with_clv=False)
    table = kpi.format_scorecard(card).set_index("KPI")
    labels = kpi.kpi_labels(card)
    for k, t in (("nps", "surveys"), ("csat", "surveys"), ("attainment", "targets"),
                 ("p_attain", "targets")):  # fmt: skip
        assert card.loc[k, "no_data"] == "absent", k
        assert card.loc[k, "status"] == "n/a" and not card.loc[k, "suppressed"], k
        assert table.loc[labels[k], "Basis"] == absent_sentence(t), k
    assert kpi.kpi_value(card, "nps") == "no data"  # not "too few responses"


def test_no_change_against_a_period_before_the_data_begins(sample):
    """The sample begins 2023-01-02: 2023Q3's same period last year (2022Q3) has no data,
    its previous quarter (2023Q2) has; revenue change against it by hand."""
    card = kpi.scorecard(sample, "2023Q3", "all", with_clv=False)
    assert not card.last_year_has_data and card.previous_has_data
    assert card["change_ly"].isna().all() and card["last_year"].isna().all()
    o = sample.orders
    d = o["order_date"]
    rev = o.loc[(d >= "2023-07-01") & (d <= "2023-09-30"), "amount"].sum()
    prev = o.loc[(d >= "2023-04-01") & (d <= "2023-06-30"), "amount"].sum()
    assert card.loc["revenue", "change_prev"] == pytest.approx(rev - prev)
    table = kpi.format_scorecard(card)
    assert (table["vs 2022Q3"] == "no data").all()
    assert isinstance(kpi.plot_scorecard_changes(card), str)


def test_retention_in_a_month_without_orders_is_not_applicable_and_revenue_is_zero(sample):
    o = sample.orders
    d = o["order_date"]
    closed = dataclasses.replace(sample, orders=o[~((d >= "2026-08-01") & (d <= "2026-08-31"))])
    card = kpi.scorecard(closed, "2026-08", "all", with_clv=False)
    assert card.loc["revenue", "value"] == 0.0  # true inside the data's span
    assert card.loc["retention_rate", "no_data"] == "no_orders"
    assert math.isnan(card.loc["retention_rate", "value"])
    assert kpi.kpi_value(card, "retention_rate").startswith("not applicable")
    after = kpi.scorecard(closed, "2026-09", "all", with_clv=False)
    assert math.isnan(after.loc["retention_rate", "change_prev"])  # not "vs 0%"


def test_the_chain_says_the_surveys_table_is_absent(sample):
    from salesmeasure.errors import InsufficientData

    with pytest.raises(InsufficientData, match="no surveys table"):
        kpi.chain(with_absent(sample, "surveys"), "2026Q3", "North")


def test_survey_report_says_absent_tables_as_absent(sample):
    from salesmeasure import report, survey
    from salesmeasure.errors import Missing
    from salesmeasure.periods import Period

    def ctx(ds):
        p = Period.parse("2026Q3")
        return report.ReportContext(
            data=ds, view=ds.slice(p, "North"), period=p, region="North", data_path=None
        )

    r = survey.build(ctx(with_absent(sample, "complaints")))
    assert isinstance(r.complaints, Missing)
    assert r.complaints.reason == absent_sentence("complaints")
    assert "No complaints were opened" not in r.complaints.reason
    assert not isinstance(r.scores, Missing)  # the rest renders
    r = survey.build(ctx(with_absent(sample, "surveys")))
    assert isinstance(r.scores, Missing) and "no surveys table" in r.scores.reason
    assert "too few" not in r.scores.reason.lower()
    assert absent_sentence("surveys") in survey.describe_scope(r)
    assert not isinstance(r.complaints, Missing)


def test_absent_sentences_say_what_the_table_would_add():
    assert "names and targets per rep" in absent_sentence("reps")
    assert "attainment" in absent_sentence("targets")
    assert "NPS, CSAT" in absent_sentence("surveys") and "drivers" in absent_sentence("surveys")
    assert "complaint rate" in absent_sentence("complaints")
    set_language("zh-CN")
    assert absent_sentence("complaints") == "数据中没有投诉表；提供投诉表可增加投诉率。"


@pytest.fixture(scope="module")
def orders_from_april_2025(tmp_path_factory, sample_dir):
    """A transaction log as exported: customer, date, amount only, from 1 Apr 2025 (the
    sample's customers ordered since 2023): no customers table, so every signup is a
    customer's first order in the log."""
    import pandas as pd

    from salesmeasure.data import load

    o = pd.read_csv(sample_dir / "orders.csv")
    o = o[o["order_date"] >= "2025-04-01"][["customer_id", "order_date", "amount"]]
    folder = tmp_path_factory.mktemp("log")
    o.to_csv(folder / "orders.csv", index=False)
    return load(folder), o


def test_new_customers_are_not_compared_with_the_first_year_of_a_log_without_customers(
    orders_from_april_2025, sample
):
    """A customer's first order in a log that starts in April 2025 is not their first
    order: 2025Q3 counted 414 "new" customers (most had ordered before), so 2026Q3's 276
    read as -33% on last year, "Action needed" on page one. Before 1 Apr 2026 a period's
    new customers are not compared with; the sentence says why."""
    import pandas as pd

    from salesmeasure.kpi.text import screen

    ds, o = orders_from_april_2025
    assert "customers" in ds.derived
    first = pd.to_datetime(o["order_date"]).groupby(o["customer_id"]).min()
    card = kpi.scorecard(ds, "2026Q3", "all", with_clv=False)
    r = card.loc["new_customers"]
    # the count itself is still the raw tables' (first orders in the quarter) ...
    assert r["value"] == int(first.between("2026-07-01", "2026-09-30").sum())
    # ... and 2026Q2 starts on 1 Apr 2026: compared; 2025Q3 is not
    assert r["previous"] == int(first.between("2026-04-01", "2026-06-30").sum())
    assert math.isnan(r["last_year"]) and math.isnan(r["change_ly"])
    assert r["status"] == "n/a"
    assert card.new_customers_from == pd.Timestamp("2026-04-01")
    text = screen.describe_scorecard(card)
    assert "There is no customers table" in text and "01 Apr 2025" in text
    # with a customers table (the sample's own signups) the comparison stands
    full = kpi.scorecard(sample, "2026Q3", "all", with_clv=False)
    assert full.new_customers_from is None
    assert math.isfinite(full.loc["new_customers", "last_year"])
    assert "customers table" not in screen.describe_scorecard(full)
