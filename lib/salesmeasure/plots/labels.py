"""Labels that never overlap: point labels placed by adjustText, and a check for tests.

Charts with labelled points (regions, survey drivers) write their labels with
``ax.text`` at the point and call :func:`place_labels` last, after the axes limits are
final; adjustText moves the labels apart and off the markers, with a thin leader line when
a label had to move away from its point.

References
----------
Flyamer, I. adjustText: automatic label placement for matplotlib.
https://github.com/Phlya/adjustText
"""

from __future__ import annotations

from itertools import combinations

__all__ = ["label_overlaps", "marker_boxes", "place_labels"]


def place_labels(ax, texts, *, x=None, y=None, objects=None) -> list:
    """Move ``texts`` (matplotlib Text artists on ``ax``) so that none overlaps another,
    the points ``x, y`` they label or ``objects`` (artists to keep clear of).

    Returns the texts. Call it after everything else is drawn and the limits are set.
    """
    from adjustText import adjust_text

    texts = list(texts)
    if len(texts) < 2 and objects is None:
        return texts
    ax.figure.canvas.draw()  # text extents need a renderer with the final layout
    adjust_text(
        texts,
        x=None if x is None else list(x),
        y=None if y is None else list(y),
        objects=objects,
        ax=ax,
        expand=(1.15, 1.35),
        force_text=(0.3, 0.5),
        force_static=(0.2, 0.4),
        ensure_inside_axes=True,
        arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.6},
        min_arrow_len=8,
    )
    return texts


def marker_boxes(collection) -> list:
    """The display-space boxes of a scatter's markers, sized by each marker's area (``s``,
    in points squared): what labels must keep clear of on a bubble chart. Call after the
    axes limits are final."""
    import numpy as np
    from matplotlib.transforms import Bbox

    ax = collection.axes
    ax.figure.canvas.draw()
    centres = ax.transData.transform(collection.get_offsets())
    sizes = np.broadcast_to(collection.get_sizes(), (len(centres),))
    radii = np.sqrt(sizes) / 2 * ax.figure.dpi / 72  # points -> pixels
    return [
        Bbox.from_extents(x - r, y - r, x + r, y + r)
        for (x, y), r in zip(centres, radii, strict=True)
    ]


def label_overlaps(texts, *, pad: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of ``texts`` whose drawn bounding boxes intersect (renderer-based
    ``get_window_extent``), by their strings; empty when no two labels overlap."""
    texts = [t for t in texts if t.get_visible() and t.get_text().strip()]
    if not texts:
        return []
    fig = texts[0].figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [
        (t.get_text(), t.get_window_extent(renderer).expanded(1 + pad, 1 + pad)) for t in texts
    ]
    return [(a, b) for (a, ba), (b, bb) in combinations(boxes, 2) if ba.overlaps(bb)]
