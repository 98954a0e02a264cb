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


class NotebookRun:
    """An executed notebook and easy access to what it showed."""

    def __init__(self, nb):
        self.nb = nb

    def outputs(self, kind: str) -> list[str]:
        """Every output of MIME type ``kind`` (e.g. ``text/markdown``), in order."""
        return [
            o["data"][kind]
            for c in self.nb.cells
            for o in c.get("outputs", [])
            if kind in o.get("data", {})
        ]

    @property
    def markdown(self) -> str:
        return "\n".join(self.outputs("text/markdown"))

    @property
    def text(self) -> str:
        """Markdown, HTML, plain text and stderr output joined."""
        parts = [
            o.get("text", "")
            for c in self.nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        ]
        for kind in ("text/markdown", "text/html", "text/plain"):
            parts += self.outputs(kind)
        return "\n".join(parts)

    @property
    def images(self) -> int:
        return len(self.outputs("image/png"))

    @property
    def errors(self) -> list[str]:
        return [
            f"{o.get('ename')}: {o.get('evalue')}"
            for c in self.nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]


@pytest.fixture(scope="session")
def run_notebook(tmp_path_factory):
    """Execute ``notebooks/<name>.ipynb`` with papermill; returns a :class:`NotebookRun`.

    Raises papermill's ``PapermillExecutionError`` when a cell fails.
    """
    import itertools

    import nbformat
    import papermill

    out_dir = tmp_path_factory.mktemp("executed")
    counter = itertools.count()

    def run(name: str, **parameters) -> NotebookRun:
        out = out_dir / f"{name}_{next(counter)}.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOK_DIR / f"{name}.ipynb"),
            str(out),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(NOTEBOOK_DIR),
            execution_timeout=600,
        )
        return NotebookRun(nbformat.read(out, as_version=4))

    return run
