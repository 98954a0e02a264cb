"""The suite's SVG output: matplotlib's SVG canvas with dense artists rasterized.

Registered for the ``svg`` format by :func:`salesmeasure.plots.theme.set_theme`
(``matplotlib.backend_bases.register_backend``), so every SVG a report shows (the inline
backend's display, ``savefig(..., format="svg")``) goes through it. Text stays text
(``svg.fonttype = "none"``): sharp, selectable and searchable in the HTML and the PDF.

A chart with thousands of marks (a scatter of every customer) would be a large SVG, one
element per mark; such an artist is drawn as an embedded image inside the SVG instead
(matplotlib's ``rasterized``), while its axes, labels and legend stay vector. The
threshold is :data:`DENSE_POINTS` marks per artist. Hatched areas are drawn so too
(see :func:`dense_artists`).
"""

from __future__ import annotations

import contextlib

from matplotlib.backends.backend_svg import FigureCanvasSVG

__all__ = ["DENSE_POINTS", "FigureCanvas", "dense_artists"]

#: An artist with more marks than this is rasterized inside the SVG.
DENSE_POINTS = 400


def _marks(artist) -> int:
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D

    if isinstance(artist, Collection):
        offsets = artist.get_offsets()
        n = len(offsets) if offsets is not None else 0
        paths = artist.get_paths()
        return max(n, len(paths) if paths is not None else 0)
    if isinstance(artist, Line2D) and artist.get_marker() not in (None, "", "None", " "):
        return len(artist.get_xdata())
    return 0


def dense_artists(figure) -> list:
    """The artists of ``figure`` drawn as images inside its SVG: those with more than
    :data:`DENSE_POINTS` marks, and hatched areas (a ``watch`` bar): Chromium prints an
    SVG hatch pattern as a bitmap of the whole bar, 30-60 KB each, where matplotlib's own
    image of it is a few KB. Artists already rasterized are left alone."""
    out = []
    for ax in figure.get_axes():
        for artist in [*ax.collections, *ax.lines]:
            if not artist.get_rasterized() and _marks(artist) > DENSE_POINTS:
                out.append(artist)
        for artist in [*ax.patches, *ax.collections]:
            if artist.get_hatch() and not artist.get_rasterized() and artist not in out:
                out.append(artist)
    return out


@contextlib.contextmanager
def _rasterized(figure):
    dense = dense_artists(figure)
    for artist in dense:
        artist.set_rasterized(True)
    try:
        yield
    finally:
        for artist in dense:
            artist.set_rasterized(False)


class FigureCanvas(FigureCanvasSVG):
    """SVG canvas: dense artists rasterized, no creation date in the file (the same chart
    gives the same bytes)."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_kw):
        # **_kw: what print_figure passes every canvas (dpi, orientation, ...); matplotlib
        # filters it only for its own modules' canvases
        meta = {"Date": None, "Creator": None, "Format": None, "Type": None}
        meta.update(metadata or {})
        with _rasterized(self.figure):
            return super().print_svg(
                filename, bbox_inches_restore=bbox_inches_restore, metadata=meta
            )
