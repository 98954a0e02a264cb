"""Import first in a process that will read notebooks: :func:`without_slow_iri_checker`.

For processes that import nbformat before any of our code runs, e.g. pytest, whose nbval
plugin imports it at start: ``pytest -p salesmeasure.render.early`` (pyproject.toml's
addopts) loads this before the plugins, 1-2 s less of each pytest process and xdist
worker. ``salesmeasure render`` and its workers call the function themselves.
"""

from salesmeasure.render import without_slow_iri_checker

without_slow_iri_checker()
