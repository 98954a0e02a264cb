"""Imports that cost every command a second: kept out, and what they did still works.

Measured on the sample (2 cores): ``salesmeasure validate`` 1.92 s -> 1.16 s without
dask.dataframe; a two-report render 14.9 s -> 11.0 s wall (24 -> 17 CPU-s) without
rfc3987_syntax in the batch and its workers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "lib"), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout.split()


def test_reading_data_validates_ranges_without_importing_dask():
    out = _run(
        "import sys\n"
        "from salesmeasure.data import load\n"
        "ds = load('data/sample')\n"
        "q = ds.rejected\n"
        "print('dask.dataframe' in sys.modules)\n"
        "print(int((q['reason'] == 'negative amount').sum()))\n"
        "print(int((q['reason'] == 'score out of range').sum()))\n"
    )
    # the range checks still ran: the sample's planted bad rows (validate's summary)
    assert out == ["False", "3", "3"]


def test_a_notebook_validates_without_the_slow_iri_checker():
    out = _run(
        "import sys\n"
        "from salesmeasure.render import without_slow_iri_checker\n"
        "without_slow_iri_checker()\n"
        "import nbformat, jsonschema\n"
        "nb = nbformat.read('notebooks/00_executive_summary.ipynb', as_version=4)\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'bogus'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "    print('accepted')\n"
        "except nbformat.ValidationError:\n"
        "    print('refused')\n"
        "print(sys.modules.get('rfc3987_syntax') is None)\n"
        "checker = jsonschema.Draft7Validator.FORMAT_CHECKER\n"
        "print(checker.conforms('2026-12-04', 'date'), checker.conforms('x', 'date'))\n"
    )
    # nbformat's schema still checks (a broken notebook is refused), other formats too
    assert out == ["refused", "True", "True", "False"]


def test_a_render_that_stops_on_its_data_never_imports_the_kpi_library():
    """The KPI library (scipy.stats, statsmodels, matplotlib: 1.2 s here) is imported by
    the index's scorecards (render/index.py) in the batch's thread while the workers
    start, not before the data is read: a render with a wrong --data stopped after 2.8 s,
    now 1.2 s. Exit 2 and the one-line error, as before."""
    out = _run(
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from salesmeasure.cli import app\n"
        "r = CliRunner().invoke(app, ['render', '--period', '2026Q3', '--data', "
        "'/nonexistent/data', '--out', '/nonexistent/out'])\n"
        "print(r.exit_code, 'no such data directory' in r.stderr)\n"
        "print('salesmeasure.kpi' in sys.modules, 'scipy.stats' in sys.modules)\n"
        "from salesmeasure.render import index\n"
        "print('salesmeasure.kpi' in sys.modules)\n"
    )
    assert out == ["2", "True", "False", "False", "False"]


def test_a_warm_kernel_imports_the_library_without_pandera():
    """A notebook kernel imports every module of the library before its first report
    (render/execute.py, WARM_IMPORTS) and reads the batch's snapshot, data already
    checked: pandera (0.25 s of every kernel start) is imported by the range checks only,
    when data are read from their source (the test above: they still run)."""
    out = _run(
        "import sys\n"
        "from salesmeasure.render.execute import _WARM_CODE, WARM_IMPORTS\n"
        "exec(_WARM_CODE.replace('__MODS__', repr(WARM_IMPORTS)))\n"
        "print('salesmeasure.kpi' in sys.modules, 'salesmeasure.data.load' in sys.modules)\n"
        "print('pandera' in sys.modules)\n"
        "from salesmeasure.data.schemas import range_schema\n"
        "print(type(range_schema('orders')).__name__, range_schema('customers'))\n"
    )
    assert out == ["True", "True", "False", "DataFrameSchema", "None"]
