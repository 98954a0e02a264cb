"""Fixtures of the contract suite: the small base data set and shapes made from it.

The base data, each shape's data folder and each case's render are made once per pytest
run for every xdist worker (``packs.shared`` in the run's shared temp folder): the period
matrix, the shape matrix and the fresh-kernel comparison (test_paths.py) read the same
warm-kernel render of a case, whichever worker asks first renders it.
"""

from __future__ import annotations

import json

import pytest

from contract import shapes


@pytest.fixture(scope="session")
def base_data(shared_root):
    from packs import shared

    return shared(shared_root, "contract-base", lambda out: shapes.base(out / "data")) / "data"


@pytest.fixture(scope="session")
def shape_data(base_data, shared_root):
    """``shape_data(shapes.fn)`` -> the shared data folder of that shape (read it, do not
    change it; ``make_shape`` gives a private copy)."""
    from packs import shared

    def get(shape):
        key = f"contract-shape-{shape.__name__}"
        return shared(shared_root, key, lambda out: shapes.make(base_data, out, shape))

    return get


@pytest.fixture()
def make_shape(base_data, tmp_path):
    """``make_shape(shapes.fn)`` -> a data folder: the base data changed by ``fn``."""

    def make(shape):
        return shapes.make(base_data, tmp_path / f"data-{shape.__name__}", shape)

    return make


@pytest.fixture(scope="session")
def batch(shape_data, shared_root):
    """``batch(case_id)`` -> the Run of that case's render (rendered once per pytest run)."""
    from packs import shared

    from contract.artifacts import Run, render
    from contract.cases import BY_ID

    runs = {}

    def build(case, out):
        out.mkdir(parents=True)
        run = render(shape_data(case.shape), out / "out", case.period, *case.args)
        fields = ("args", "returncode", "stdout", "stderr", "notebooks")
        (out / "run.json").write_text(json.dumps({f: getattr(run, f) for f in fields}))

    def get(case_id):
        if case_id not in runs:
            case = BY_ID[case_id]
            root = shared(shared_root, f"contract-case-{case.id}", lambda o: build(case, o))
            runs[case_id] = Run(out=root / "out", **json.loads((root / "run.json").read_text()))
        return runs[case_id]

    return get
