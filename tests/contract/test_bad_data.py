"""The contract on bad data: caught at the door, never silently changing the numbers."""

from __future__ import annotations

import pytest

from contract import shapes
from contract.artifacts import read_page, render, reports, violations

HTML = ("--formats", "html")
SUMMARY = "00_executive_summary"


@pytest.mark.parametrize(
    "shape, column",
    [
        pytest.param(shapes.thousands_separators, "amount", id="thousands-separators"),
        pytest.param(shapes.day_first_dates, "order_date", id="day-first-dates"),
        pytest.param(shapes.header_only_orders, "orders", id="header-only"),
    ],
)
def test_unreadable_data_stops_with_exit_2_and_one_line_naming_the_column(
    make_shape, tmp_path, shape, column
):
    data = make_shape(shape)
    run = render(data, tmp_path / "out", "2026Q3", *HTML)
    assert run.returncode == 2, run.log
    assert "Traceback" not in run.stdout + run.stderr, run.log
    message = [ln for ln in run.stderr.splitlines() if ln.startswith("error:")]
    assert message and column in message[0], run.log
    assert not reports(tmp_path / "out"), "reports were written from unreadable data"


@pytest.mark.slow  # 13-31 s: in make test, not make test-fast
def test_orders_after_the_data_end_never_make_the_latest_period(make_shape, tmp_path):
    data = make_shape(shapes.future_orders)
    run = render(
        data, tmp_path / "out", "latest", *HTML, "--regions", "North", "--notebooks", SUMMARY
    )
    assert run.returncode == 0, run.log
    assert [p.name for p in run.period_dirs()] == ["2026Q3"], run.log
    bad = violations(run, planned=1)
    assert not bad, "\n".join(bad)
    text = read_page(tmp_path / "out" / "2026Q3" / "north" / f"{SUMMARY}.html").text
    assert "as-of" in text or "after" in text  # the data-quality section says why rows went
