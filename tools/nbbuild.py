"""Tiny helpers to write notebooks from Python (used to (re)generate notebook files).

    from tools.nbbuild import md, code, params, write
    write("notebooks/x.ipynb", [md("# Title"), params("period: str = ..."), code("...")])

Cells are written without outputs; the parameters cell gets the ``parameters`` tag.
"""

from __future__ import annotations

import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def md(src: str):
    return new_markdown_cell(textwrap.dedent(src).strip())


def code(src: str, *, tags: list[str] | None = None):
    cell = new_code_cell(textwrap.dedent(src).strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def params(src: str):
    return code(src, tags=["parameters"])


def write(path: str, cells: list) -> None:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i:02d}"
    nbformat.validate(nb)
    nbformat.write(nb, path)
