"""Shared fixtures: the committed sample data and its planted truths."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"
NOTEBOOK_DIR = ROOT / "notebooks"

# Kernels started by papermill/nbval must run this interpreter (the project's venv).
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def sample(sample_dir):
    from salesmeasure.data import load

    return load(sample_dir)


@pytest.fixture(scope="session")
def truth(sample_dir) -> dict:
    return json.loads((sample_dir / "generator.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def notebook_dir() -> Path:
    return NOTEBOOK_DIR
