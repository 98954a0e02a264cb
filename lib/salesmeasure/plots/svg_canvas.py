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
import io
import re

from matplotlib.backends.backend_svg import FigureCanvasSVG

__all__ = ["DENSE_POINTS", "FigureCanvas", "dense_artists", "inline_svg"]

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

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, crop_pad=None, **_kw):
        # **_kw: what print_figure passes every canvas (dpi, orientation, ...); matplotlib
        # filters it only for its own modules' canvases. crop_pad: see inline_svg.
        meta = {"Date": None, "Creator": None, "Format": None, "Type": None}
        meta.update(metadata or {})
        with _rasterized(self.figure):
            if crop_pad is None:
                return super().print_svg(
                    filename, bbox_inches_restore=bbox_inches_restore, metadata=meta
                )
            figure, drawn = self.figure, []
            draw = figure.draw

            def measured(renderer):  # the renderer of the one draw, to measure with
                drawn.append(renderer)
                return draw(renderer)

            figure.draw = measured
            buf = io.StringIO()
            try:
                super().print_svg(buf, metadata=meta)
            finally:
                del figure.draw
            box = figure.get_tightbbox(drawn[0]).padded(crop_pad)
            svg = _cropped(buf.getvalue(), box, figure.get_size_inches()[1])
        from matplotlib import cbook

        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            fh.write(svg if cbook.file_requires_unicode(fh) else svg.encode("utf-8"))


def _num(x: float) -> str:
    """A length as matplotlib's SVG writes one (``'%f'`` without trailing zeros)."""
    return f"{x:f}".rstrip("0").rstrip(".")


_SIZE = re.compile(r'<svg ([^>]*?)width="[^"]*" height="[^"]*" viewBox="[^"]*"')


def _cropped(svg: str, box, height_in: float) -> str:
    """``svg`` (a whole figure, in points) shown through ``box`` (inches, from the figure's
    bottom left): the root's size becomes the box's, its viewBox the box, in the SVG's
    top-left coordinates. Nothing inside moves, so the picture is the figure's, cut."""
    x, y = box.x0 * 72, (height_in - box.y1) * 72
    w, h = _num(box.width * 72), _num(box.height * 72)
    size = f'width="{w}pt" height="{h}pt" viewBox="{_num(x)} {_num(y)} {w} {h}"'
    out, n = _SIZE.subn(lambda m: f"<svg {m.group(1)}{size}", svg, count=1)
    if n != 1:  # not matplotlib's header: keep the whole figure rather than guess
        return svg
    return out


def inline_svg(fig, bbox_inches="tight", **kwargs):
    """What IPython's ``print_figure(fig, "svg", bbox_inches="tight")`` shows (the inline
    backend's chart), drawn once instead of twice.

    matplotlib's tight bounding box draws a chart to measure it (every text laid out),
    then again to print it at the measured size: a third of a report's time went to
    printing charts, half of it to the first draw. Here the chart is printed once at its
    full size, measured afterwards with the renderer of that draw (the same measurement,
    its text layout already done) and cut to the same box by the SVG's ``viewBox``.
    Other settings (another ``bbox_inches``, extra keywords) go to IPython's printer."""
    from IPython.core.pylabtools import print_figure

    if bbox_inches != "tight" or set(kwargs) - {"pad_inches"}:
        return print_figure(fig, "svg", bbox_inches=bbox_inches, **kwargs)
    if not fig.axes and not fig.lines:  # as IPython: an empty figure shows nothing
        return None
    import matplotlib as mpl

    pad = kwargs.get("pad_inches")
    pad = mpl.rcParams["savefig.pad_inches"] if pad in (None, "layout") else pad
    buf = io.BytesIO()
    fig.canvas.print_figure(
        buf,
        format="svg",
        facecolor=fig.get_facecolor(),
        edgecolor=fig.get_edgecolor(),
        dpi=fig.dpi,
        bbox_inches=None,
        crop_pad=float(pad),
    )
    return buf.getvalue().decode("utf-8")
