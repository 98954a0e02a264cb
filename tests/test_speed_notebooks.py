"""Every committed notebook runs from top to bottom as committed (what ``make test`` used
to check with ``pytest --nbval-lax notebooks``: nbval in lax mode compares no output, as no
cell is marked ``# NBVAL_CHECK_OUTPUT``, so it checked that every cell runs without error).

The notebook is executed once per pytest run by the ``run_notebook`` fixture with its
default parameters (none injected), and that same execution is the one that
``test_notebook_0X``'s ``region="all"``, ``period="2026Q3"`` test reads: one kernel run
per notebook instead of two (issue 23).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_no_cell_asks_nbval_to_compare_its_output():
    """The replacement is exact only while nbval's lax mode would compare nothing."""
    for name in NOTEBOOKS:
        nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        marked = [
            c.get("id")
            for c in nb["cells"]
            if c["cell_type"] == "code" and "NBVAL" in "".join(c["source"])
        ]
        assert not marked, f"{name}: cells {marked} carry nbval markers; run nbval on them"


def test_the_notebooks_are_the_four_reports():
    assert NOTEBOOKS == [
        "00_executive_summary",
        "01_target_setting",
        "02_satisfaction_survey",
        "03_retention_clv",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_cell_of_the_notebook_runs_as_committed(run_notebook, name):
    r = run_notebook(name)
    code = [c for c in r.nb.cells if c.cell_type == "code" and c.source.strip()]
    assert code and not r.errors, r.errors
    not_run = [c.get("id") for c in code if c.get("execution_count") is None]
    assert not not_run, f"cells not executed: {not_run}"
    injected = [c for c in r.nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert not injected, "the notebook ran with injected parameters, not as committed"
