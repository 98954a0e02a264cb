"""Batch rendering of the report notebooks to HTML and PDF (``salesmeasure render``).

The batch runs in small steps, each a function you can call and test alone:

1. :func:`plan` -- the reports (notebook x region, ``all`` included) and their safe
   output paths ``<out>/<period>/<region-slug>/<notebook>.{ipynb,html,pdf}``;
2. :func:`run_local` / :func:`run_dask` -- papermill execution in worker processes (or on
   a Dask cluster), with kernel start, per-cell and per-report timeouts;
3. :func:`export_html` -- in-process nbconvert export with the ``salesmeasure`` template;
4. :class:`PdfPrinter` -- one headless Chromium printing every report to A4 PDF;
5. :func:`write_period_index` / :func:`write_root_index` -- the index pages.

:func:`render` runs them all with an incremental cache. A notebook can show headline
numbers on the index with :func:`headline`.
"""

from __future__ import annotations

from .export import HEADLINE_MIME

__all__ = [
    "ALL",
    "HEADLINE_MIME",
    "ChromiumNotFound",
    "PdfPrinter",
    "Report",
    "RenderSummary",
    "export_html",
    "find_chromium",
    "headline",
    "plan",
    "render",
    "run_dask",
    "run_local",
    "slugify",
    "write_period_index",
    "write_root_index",
]


def headline(**numbers) -> None:
    """Show headline numbers of a report on the batch index page (invisible in the report).

    Call it in a notebook, e.g. ``headline(**{"NPS": "+32", "Revenue": 1.2e6})``. It
    displays one output of mime type :data:`HEADLINE_MIME` that the renderer collects and
    removes from the exported HTML. Values should be numbers or short strings.
    """
    from IPython.display import display

    clean = {
        str(k): (v if isinstance(v, int | float | str | bool) or v is None else str(v))
        for k, v in numbers.items()
    }
    display({HEADLINE_MIME: clean, "text/plain": ""}, raw=True)


def without_slow_iri_checker() -> None:
    """Keep jsonschema from loading ``rfc3987_syntax`` in this process (call before nbformat).

    nbformat (papermill, nbconvert) imports jsonschema, whose format checker imports the
    optional ``rfc3987_syntax`` when it is installed (jupyterlab's dependencies install
    it): that module compiles some 35 Earley parsers at import, about 1 s of every
    process that reads a notebook (the batch and each of its workers). It only checks
    the ``iri`` formats, which no notebook schema uses; marked absent, jsonschema skips
    them (python-jsonschema/jsonschema#1428). Kernels never import it and are unaffected.
    """
    import sys

    if "jsonschema._format" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


_LAZY = {
    "ALL": "planner",
    "Report": "planner",
    "plan": "planner",
    "slugify": "planner",
    "run_local": "pool",
    "run_dask": "pool",
    "export_html": "export",
    "ChromiumNotFound": "pdf",
    "PdfPrinter": "pdf",
    "find_chromium": "pdf",
    "write_period_index": "index",
    "write_root_index": "index",
    "RenderSummary": "batch",
    "render": "batch",
}


def __getattr__(name):  # heavy modules load on first use (notebooks import `headline` only)
    import importlib

    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
