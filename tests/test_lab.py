"""`make lab` saves the tracked notebooks without outputs (salesmeasure.lab pre-save hook)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from salesmeasure.lab import strip_notebook, strip_outputs

ROOT = Path(__file__).resolve().parents[1]


def _nb_with_output() -> dict:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"})]
    cell.execution_count = 3
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    return json.loads(nbformat.writes(nb))


def test_hook_strips_only_notebooks_in_the_tracked_folder():
    class CM:
        root_dir = "/x/project"

    tracked = {"type": "notebook", "content": _nb_with_output()}
    strip_outputs(tracked, path="notebooks/01.ipynb", contents_manager=CM())
    assert tracked["content"]["cells"][1]["outputs"] == []
    assert tracked["content"]["cells"][1]["execution_count"] is None

    elsewhere = {"type": "notebook", "content": _nb_with_output()}
    strip_outputs(elsewhere, path="scratch/01.ipynb", contents_manager=CM())
    assert elsewhere["content"]["cells"][1]["outputs"] != []

    CM.root_dir = "/x/project/notebooks"  # `jupyter lab notebooks/`
    top = {"type": "notebook", "content": _nb_with_output()}
    strip_outputs(top, path="01.ipynb", contents_manager=CM())
    assert top["content"]["cells"][1]["outputs"] == []
    sub = {"type": "notebook", "content": _nb_with_output()}
    strip_outputs(sub, path="mine/01.ipynb", contents_manager=CM())
    assert sub["content"]["cells"][1]["execution_count"] == 3


def test_strip_notebook_keeps_sources_and_markdown():
    nb = strip_notebook(_nb_with_output())
    assert ["".join(c["source"]) for c in nb["cells"]] == ["# t", "1 + 1"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_jupyter_server_saves_notebooks_without_outputs(tmp_path):
    """Start the server as `make lab` does and save a notebook with outputs through its
    contents API: the file on disk has none."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    port = _free_port()
    make = (ROOT / "Makefile").read_text()
    flag = "--ContentsManager.pre_save_hook=salesmeasure.lab.strip_outputs"
    assert flag in make
    cmd = [
        sys.executable,
        "-m",
        "jupyter_server",
        flag,
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.token=t",
        "--ServerApp.open_browser=False",
        "--allow-root",
        str(folder),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/api/contents/report.ipynb?token=t"
        body = json.dumps({"type": "notebook", "format": "json", "content": _nb_with_output()})
        deadline = time.monotonic() + 60
        while True:
            try:
                req = urllib.request.Request(url, data=body.encode(), method="PUT")
                req.add_header("Content-Type", "application/json")
                urllib.request.urlopen(req, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.5)
        saved = json.loads((folder / "report.ipynb").read_text())
        code = [c for c in saved["cells"] if c["cell_type"] == "code"]
        assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
