"""The report contract over the matrix (shapes; contract/cases.py): the real
``salesmeasure render`` per case, its artifacts checked per notebook."""

from __future__ import annotations

import pytest

from contract.artifacts import read_page, reports, violations
from contract.cases import BY_ID, params


@pytest.mark.parametrize("case_id, _", params("exit", periods=False))
def test_the_batch_exits_0(batch, case_id, _):
    """Every planned report rendered: thin data is explained inside the report."""
    run = batch(case_id)
    assert run.returncode == 0, run.log


@pytest.mark.parametrize("case_id, notebook", params("notebook", periods=False))
def test_every_report_is_written_clean_and_agrees_with_the_index(batch, case_id, notebook):
    """Written (or failed with a reason in words), no nan/inf/None/{/Traceback/raw
    parameter name in the visible text, index headline KPIs equal the summary's."""
    run = batch(case_id)
    bad = violations(run, planned=BY_ID[case_id].n_regions, notebook=notebook)
    assert not bad, run.log + "\n".join(bad)


@pytest.mark.slow  # renders case huge-order (cases.FAST_CASES)
def test_an_absurd_order_amount_reaches_no_report(batch):
    """The 1e12 order (case huge-order): no absurd percentage or amount in any report."""
    import re

    run = batch("huge-order")
    bad = []
    for name, path in reports(run.out).items():
        text = read_page(path).text
        # a number, then %: an axis label reads "Revenue, % of the period's target"
        for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s?%", text):
            if float(m.group(1).replace(",", "")) > 10_000:
                bad.append(f"{name}: absurd percentage {m.group(0)!r}")
        if re.search(r"\d{5,}(?:\.\d+)?M\b|\d{4,}(?:\.\d+)?B\b|e\+\d", text):
            bad.append(f"{name}: an absurd amount is shown")
    assert reports(run.out) and not bad, run.log + "\n".join(bad)


@pytest.mark.slow  # renders case odd-names (cases.FAST_CASES)
def test_odd_region_names_are_shown_as_written(batch):
    from contract import shapes
    from contract.artifacts import read_index

    run = batch("odd-names")
    shown = {row.region for row in read_index(run.out / "2026Q3" / "index.html")}
    assert set(shapes.ODD_NAMES.values()) <= shown, shown
