"""JupyterLab integration: the tracked report notebooks stay free of outputs.

``make lab`` starts JupyterLab with :func:`strip_outputs` as the contents manager's
pre-save hook, so saving a notebook of ``notebooks/`` in the lab writes it without
outputs or execution counts (the repository forbids committed outputs, and a test checks
it). Analysts keep their results by exporting (File > Save and Export) or by saving a copy
outside ``notebooks/``; notebooks anywhere else are saved untouched, except the translated
copies written by ``salesmeasure notebooks --lang`` (``make lab REPORT_LANG=zh-CN``), which
are stripped like ``notebooks/``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from salesmeasure.notebook_lang import is_copy_folder

#: Folder (relative to the lab's root directory) whose notebooks are saved stripped.
TRACKED = "notebooks"


def _is_tracked(path: str, root_is_notebooks: bool) -> bool:
    parts = PurePosixPath(path.strip("/")).parts
    if root_is_notebooks:
        return len(parts) == 1
    return len(parts) == 2 and parts[0] == TRACKED


def strip_notebook(nb: dict) -> dict:
    """Clear outputs and execution counts of every code cell (in place); returns ``nb``."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def strip_outputs(model: dict, path: str = "", contents_manager=None, **kwargs) -> None:
    """Jupyter pre-save hook: strip a tracked report notebook before it is written."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = str(getattr(contents_manager, "root_dir", "") or "")
    if _is_tracked(path, PurePosixPath(root.rstrip("/")).name == TRACKED) or (
        root and is_copy_folder(Path(root, path.strip("/")).parent)
    ):  # a translated copy (salesmeasure notebooks --lang): stripped as notebooks/ is
        strip_notebook(model["content"])
