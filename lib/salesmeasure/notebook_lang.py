"""Translated copies of the report notebooks, for working in JupyterLab in one language.

A batch export translates each Markdown cell of a notebook when it renders a report
(:func:`salesmeasure.render.export.prepare`); an analyst in JupyterLab sees the notebook
file itself. :func:`write_copies` writes a copy of each notebook of ``notebooks/`` whose
Markdown cells went through the same :func:`salesmeasure.i18n.translate_markdown` (so the
lab and the exported report can never disagree) and whose ``parameters`` cell has the
language as the default of ``lang``. Cell ids, tags and metadata are kept (papermill finds
the ``parameters`` tag); outputs are empty.

A copy an analyst has edited is never overwritten silently: the folder's manifest
(:data:`MANIFEST`) records a fingerprint of each copy's cells as written, and a copy whose
cells differ from it is refused (``on_edited="refuse"``), kept (``"keep"``) or overwritten
(``"overwrite"``, ``--force``). Outputs, execution counts and the notebook metadata that
JupyterLab rewrites on save are not part of the fingerprint, so running a copy is no edit.
The manifest also marks the folder for :func:`salesmeasure.lab.strip_outputs`, which saves
its notebooks without outputs, as it does for ``notebooks/``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from salesmeasure.errors import ParameterError
from salesmeasure.i18n import (
    LANGUAGES,
    check_language,
    language,
    translate_markdown,
    translate_parameters,
)

#: The file, in a folder of copies, that lists what was written (and marks the folder).
MANIFEST = ".salesmeasure-notebooks.json"
#: The English notebooks of the project checkout this library is installed from.
NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
ON_EDITED = ("refuse", "keep", "overwrite")

_LANG_DEFAULT = re.compile(r'^(lang\s*(?::\s*str\s*)?=\s*)(["\'])[^"\'\n]*\2', re.M)


class EditedCopy(ParameterError):
    """A copy was edited since it was written, and overwriting it was not asked for."""


@dataclass
class CopyResult:
    """What :func:`write_copies` did, by notebook file name."""

    out: Path
    lang: str
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{len(self.written)} written", f"{len(self.unchanged)} unchanged"]
        if self.kept:
            parts.append(f"{len(self.kept)} edited and kept ({', '.join(self.kept)})")
        return f"{self.out}/ ({self.lang}): " + ", ".join(parts)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def fingerprint(nb: dict) -> str:
    """A hash of what an analyst edits: each cell's type, id, tags and source."""
    cells = [
        [c.get("cell_type"), c.get("id"), c.get("metadata", {}).get("tags", []), _source(c)]
        for c in nb.get("cells", [])
    ]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def translate_notebook(nb: dict, lang: str) -> dict:
    """A copy of notebook ``nb`` (its JSON as a dict) in ``lang``: Markdown cells through
    :func:`translate_markdown`, the ``parameters`` cell's ``lang`` default set to ``lang``,
    outputs and execution counts cleared; ids, tags and metadata unchanged."""
    lang = check_language(lang)
    nb = copy.deepcopy(nb)
    found = False
    with language(lang):
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                cell["source"] = translate_markdown(_source(cell))
            elif cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
                if "parameters" in cell.get("metadata", {}).get("tags", []):
                    src, n = _LANG_DEFAULT.subn(rf'\g<1>"{lang}"', _source(cell), count=1)
                    src = translate_parameters(src)  # their help comments
                    cell["source"], found = src, found or n == 1
    if not found:
        raise ParameterError("the notebook has no 'lang' parameter in its parameters cell")
    return nb


def _read_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("notebooks", {}) if isinstance(data, dict) else {}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(nb: dict) -> str:
    """The notebook as nbformat writes it: sources as lists of lines, sorted keys,
    one-space indent, UTF-8 text."""
    nb = {**nb, "cells": [{**c, "source": _source(c).splitlines(True)} for c in nb["cells"]]}
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_copies(
    lang: str,
    out: str | Path,
    *,
    notebooks_dir: str | Path | None = None,
    on_edited: str = "refuse",
) -> CopyResult:
    """Write ``out/<name>.ipynb``, the notebook ``<name>`` of ``notebooks_dir`` in ``lang``,
    for every notebook there.

    A copy is written when it is missing or its cells are as last written (the manifest's
    fingerprint); a copy edited since is handled by ``on_edited``: ``"refuse"`` raises
    :class:`EditedCopy` naming every edited copy before anything is written, ``"keep"``
    leaves it, ``"overwrite"`` replaces it. An unknown ``lang`` raises ``ParameterError``.
    """
    lang = check_language(lang)
    if on_edited not in ON_EDITED:
        raise ValueError(f"on_edited must be one of {', '.join(ON_EDITED)}, got {on_edited!r}")
    src_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    sources = sorted(src_dir.glob("*.ipynb"))
    if not sources:
        raise ParameterError(f"no notebooks in {src_dir}")
    out = Path(out)
    if out.resolve() == src_dir.resolve():
        raise ParameterError(f"the copies cannot be written into the notebooks folder {src_dir}")
    manifest = _read_manifest(out)
    current: dict[str, str | None] = {}
    for path in sources:
        if (out / path.name).exists():
            try:
                current[path.name] = fingerprint(_load(out / path.name))
            except ValueError:
                current[path.name] = None
    edited = [name for name, fp in current.items() if fp != manifest.get(name)]
    if edited and on_edited == "refuse":
        raise EditedCopy(
            f"{', '.join(edited)} in {out} changed since written; use --force to overwrite "
            "(the changes are lost) or --keep-edited to leave them"
        )
    result = CopyResult(out=out, lang=lang)
    out.mkdir(parents=True, exist_ok=True)
    for path in sources:
        if path.name in edited and on_edited == "keep":
            result.kept.append(path.name)
            continue
        nb = translate_notebook(_load(path), lang)
        manifest[path.name] = fingerprint(nb)
        if current.get(path.name) == manifest[path.name]:
            result.unchanged.append(path.name)  # as written: its outputs stay
            continue
        (out / path.name).write_text(_dump(nb), encoding="utf-8")
        result.written.append(path.name)
    (out / MANIFEST).write_text(
        json.dumps({"lang": lang, "source": str(src_dir), "notebooks": manifest}, indent=1) + "\n",
        encoding="utf-8",
    )
    return result


def is_copy_folder(folder: str | Path) -> bool:
    """True for a folder written by :func:`write_copies` (it holds :data:`MANIFEST`)."""
    return (Path(folder) / MANIFEST).is_file()


__all__ = [
    "LANGUAGES",
    "MANIFEST",
    "CopyResult",
    "EditedCopy",
    "fingerprint",
    "is_copy_folder",
    "translate_notebook",
    "write_copies",
]
