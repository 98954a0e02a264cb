"""Period arithmetic checked against hand-worked calendar facts."""

import pandas as pd
import pytest

from salesmeasure.periods import Period, PeriodError, latest_complete


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026Q3", "2026-07-01", "2026-09-30", "2026Q3"),
        ("2026q1", "2026-01-01", "2026-03-31", "2026Q1"),
        ("2026-07", "2026-07-01", "2026-07-31", "2026-07"),
        ("2024-02", "2024-02-01", "2024-02-29", "2024-02"),  # leap year
        ("2026H2", "2026-07-01", "2026-12-31", "2026H2"),
        ("FY2026", "2026-01-01", "2026-12-31", "FY2026"),
        (" 2026Q4 ", "2026-10-01", "2026-12-31", "2026Q4"),
    ],
)
def test_parse_start_end_match_calendar(text, start, end, label):
    p = Period.parse(text)
    assert p.start == pd.Timestamp(start)
    assert p.end == pd.Timestamp(end)
    assert p.label == label == str(p)


def test_days_of_quarter_and_leap_february():
    assert Period.parse("2026Q3").days == 92
    assert Period.parse("2024-02").days == 29
    assert Period.parse("FY2024").days == 366


@pytest.mark.parametrize(
    ("text", "prev", "last_year", "nxt"),
    [
        ("2026Q1", "2025Q4", "2025Q1", "2026Q2"),
        ("2026Q3", "2026Q2", "2025Q3", "2026Q4"),
        ("2026-01", "2025-12", "2025-01", "2026-02"),
        ("2026H1", "2025H2", "2025H1", "2026H2"),
        ("FY2026", "FY2025", "FY2025", "FY2027"),
    ],
)
def test_previous_next_and_same_period_last_year(text, prev, last_year, nxt):
    p = Period.parse(text)
    assert p.previous().label == prev
    assert p.same_period_last_year().label == last_year
    assert p.next().label == nxt
    assert p.shift(-4 if p.kind == "Q" else -1).next() == p.shift(-3 if p.kind == "Q" else 0)


def test_fiscal_year_starting_april_is_named_after_the_year_it_ends():
    fy = Period.parse("FY2026", fiscal_start_month=4)
    assert (fy.start, fy.end) == (pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"))
    q1 = Period.parse("2026Q1", fiscal_start_month=4)
    assert (q1.start, q1.end) == (pd.Timestamp("2025-04-01"), pd.Timestamp("2025-06-30"))
    q4 = Period.parse("2026Q4", fiscal_start_month=4)
    assert (q4.start, q4.end) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31"))
    assert q1.previous().label == "2025Q4"
    assert q1.previous().end == pd.Timestamp("2025-03-31")
    h2 = Period.parse("2026H2", fiscal_start_month=4)
    assert (h2.start, h2.end) == (pd.Timestamp("2025-10-01"), pd.Timestamp("2026-03-31"))


def test_from_timestamp_inverts_start_for_fiscal_calendars():
    for fsm in (1, 4, 7, 10):
        for label in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
            p = Period.parse(label, fiscal_start_month=fsm)
            assert Period.from_timestamp(p.start, "Q", fiscal_start_month=fsm) == p
            assert Period.from_timestamp(p.end, "Q", fiscal_start_month=fsm) == p


def test_months_of_a_quarter_and_contains():
    p = Period.parse("2026Q3")
    assert [m.label for m in p.months()] == ["2026-07", "2026-08", "2026-09"]
    assert p.contains("2026-09-30") and not p.contains("2026-10-01")
    s = pd.Series(pd.to_datetime(["2026-06-30", "2026-07-01", "2026-09-30", "2026-10-01"]))
    assert p.contains(s).tolist() == [False, True, True, False]


def test_elapsed_share_and_latest_complete():
    p = Period.parse("2026Q4")
    # 2026-11-15 is day 46 of the 92 days of Q4
    assert p.elapsed_share("2026-11-15") == pytest.approx(46 / 92)
    assert p.elapsed_share("2026-09-01") == 0.0
    assert p.elapsed_share("2027-01-05") == 1.0
    assert latest_complete("2026-11-15").label == "2026Q3"
    assert latest_complete("2026-09-30").label == "2026Q3"


@pytest.mark.parametrize(
    "bad", ["2026Q5", "2026-13", "Q3 2026", "2026H3", "", "FY26", "last quarter"]
)
def test_bad_strings_get_a_clear_error(bad):
    with pytest.raises(PeriodError, match="2026Q3"):
        Period.parse(bad)


def test_non_string_period_is_rejected_with_its_type():
    with pytest.raises(PeriodError, match="int"):
        Period.parse(2026)


def test_bad_fiscal_start_month():
    with pytest.raises(PeriodError, match="fiscal_start_month"):
        Period.parse("2026Q1", fiscal_start_month=13)
