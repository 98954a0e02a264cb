"""Fixtures of the contract suite: the small base data set and shapes made from it."""

from __future__ import annotations

import pytest

from contract import shapes


@pytest.fixture(scope="session")
def base_data(tmp_path_factory):
    return shapes.base(tmp_path_factory.mktemp("contract-base") / "data")


@pytest.fixture()
def make_shape(base_data, tmp_path):
    """``make_shape(shapes.fn)`` -> a data folder: the base data changed by ``fn``."""

    def make(shape):
        return shapes.make(base_data, tmp_path / f"data-{shape.__name__}", shape)

    return make


@pytest.fixture(scope="session")
def batch(base_data, tmp_path_factory):
    """``batch(case_id)`` -> the Run of that case's render (rendered once per session)."""
    from contract.artifacts import render
    from contract.cases import BY_ID

    runs = {}

    def get(case_id):
        if case_id not in runs:
            case = BY_ID[case_id]
            root = tmp_path_factory.mktemp(f"case-{case.id}")
            data = shapes.make(base_data, root / "data", case.shape)
            runs[case_id] = render(data, root / "out", case.period, *case.args)
        return runs[case_id]

    return get
