"""The report contract over the matrix (periods; contract/cases.py): the real
``salesmeasure render`` per case, its artifacts checked per notebook."""

from __future__ import annotations

import pytest

from contract.artifacts import violations
from contract.cases import BY_ID, params


@pytest.mark.parametrize("case_id, _", params("exit", periods=True))
def test_the_batch_exits_0(batch, case_id, _):
    """Every planned report rendered: thin data is explained inside the report."""
    run = batch(case_id)
    assert run.returncode == 0, run.log


@pytest.mark.parametrize("case_id, notebook", params("notebook", periods=True))
def test_every_report_is_written_clean_and_agrees_with_the_index(batch, case_id, notebook):
    """Written (or failed with a reason in words), no nan/inf/None/{/Traceback/raw
    parameter name in the visible text, index headline KPIs equal the summary's."""
    run = batch(case_id)
    bad = violations(run, planned=BY_ID[case_id].n_regions, notebook=notebook)
    assert not bad, run.log + "\n".join(bad)
