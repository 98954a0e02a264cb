"""Labels that never overlap: point labels placed clear of every label and marker, and
checks for tests.

Charts with labelled points (regions, survey drivers) write their labels with
``ax.text`` at the point and call :func:`place_labels` last, after the axes limits are
final. Each label is tried at candidate positions around its point, nearest first (the
point-feature placement of cartography: right-above, right, above, left-above, ...), on
rings further and further out, and takes the first position whose box is inside the axes
and clear of every marker (its own included), every label already placed, the axes'
other texts and any ``objects`` (error bars, bubbles). A label that had to move beyond the
first ring gets a thin leader line to its point. Only when some label finds no clear
position at all are the labels handed to adjustText, which pushes them apart iteratively.

References
----------
Imhof, E. (1975). Positioning names on maps. The American Cartographer 2(2), 128-144.
Christensen, J., Marks, J., & Shieber, S. (1995). An empirical study of algorithms for
point-feature label placement. ACM Transactions on Graphics 14(3), 203-232.
Flyamer, I. adjustText: automatic label placement for matplotlib.
https://github.com/Phlya/adjustText
"""

from __future__ import annotations

from itertools import combinations

__all__ = ["label_overlaps", "marker_boxes", "place_labels", "text_boxes"]

#: Candidate directions, in order of preference (right-above first, as labels are read).
_DIRECTIONS = [(1, 1), (1, 0), (0, 1), (-1, 1), (-1, 0), (1, -1), (0, -1), (-1, -1)]
_GAP = 3.0  # points between a label and its marker or another label
_RINGS = 8  # how far out a label may move, in steps of about a line of text


def place_labels(ax, texts, *, x=None, y=None, objects=None, markers=None) -> list:
    """Move ``texts`` (matplotlib Text artists on ``ax``, one per point ``x, y``) so that
    none overlaps another label, any marker, the axes' other texts or ``objects``.

    Parameters
    ----------
    ax : Axes with final limits.
    texts : Text artists, the i-th labelling the point ``(x[i], y[i])`` (data units).
    objects : artists or display-space Bboxes to keep clear of (error bars, bubbles).
    markers : display-space Bboxes of the points' markers (:func:`marker_boxes`); the
        i-th is the i-th point's, so a label starts just outside its own marker. Without
        them each point is taken as a 9-point marker.

    Returns the texts. Call it after everything else is drawn and the limits are set.
    """
    texts = list(texts)
    if not texts:
        return texts
    if x is None or y is None:
        x = [t.get_position()[0] for t in texts]
        y = [t.get_position()[1] for t in texts]
    fig = ax.figure
    fig.canvas.draw()  # text extents need a renderer with the final layout
    renderer = fig.canvas.get_renderer()
    px = fig.dpi / 72
    points = ax.transData.transform(list(zip(x, y, strict=True)))
    markers = list(markers) if markers is not None else _default_markers(points, 9 * px)
    static = [*markers, *_boxes(objects, renderer)]
    static += [t.get_window_extent(renderer) for t in _other_texts(ax, texts)]
    if _greedy(ax, texts, points, markers, static, renderer, px):
        return texts
    _adjust(ax, texts, x, y, static)
    return texts


def _default_markers(points, size):
    from matplotlib.transforms import Bbox

    r = size / 2
    return [Bbox.from_extents(a - r, b - r, a + r, b + r) for a, b in points]


def _boxes(objects, renderer) -> list:
    """Display-space boxes of ``objects``: a line collection (error bars) gives one box
    per segment (matplotlib gives it no extent of its own), anything else its extent."""
    import numpy as np
    from matplotlib.collections import LineCollection
    from matplotlib.transforms import Bbox

    out = []
    for o in objects or []:
        if isinstance(o, Bbox):
            out.append(o)
        elif isinstance(o, LineCollection):
            half = max(float(np.max(o.get_linewidths(), initial=1.0)), 1.0) / 2
            half *= o.figure.dpi / 72
            to_px = o.get_transform()
            for seg in o.get_segments():
                (x0, y0), (x1, y1) = to_px.transform(seg).min(0), to_px.transform(seg).max(0)
                out.append(Bbox.from_extents(x0 - half, y0 - half, x1 + half, y1 + half))
        else:
            out.append(o.get_window_extent(renderer))
    return [b for b in out if np.isfinite(b.get_points()).all()]


def _other_texts(ax, texts) -> list:
    mine = {id(t) for t in texts}
    return [t for t in ax.texts if id(t) not in mine and t.get_visible() and t.get_text().strip()]


def _greedy(ax, texts, points, markers, static, renderer, px) -> bool:
    """Place each label at its first clear candidate; False when one has none (nothing
    is moved then)."""
    from matplotlib.transforms import Bbox

    gap = _GAP * px
    inside = ax.get_window_extent(renderer).padded(-gap)
    placed: list = []
    chosen = []
    for i, (t, (cx, cy), mk) in enumerate(zip(texts, points, markers, strict=True)):
        box = t.get_window_extent(renderer)
        w, h = box.width, box.height
        rx, ry = mk.width / 2 + gap, mk.height / 2 + gap
        step = max(h, 8 * px)
        others = [p for j, p in enumerate(points) if j != i]
        found = None
        # first a position nearer its own point than any other point (so the label
        # is read as that point's), then any clear position
        for own_nearest in (True, False):
            for ring in range(_RINGS):
                for dx, dy in _DIRECTIONS:
                    ox, oy = rx + ring * step, ry + ring * step
                    # the label's corner or side nearest the point sits at the offset
                    x0 = cx + dx * ox - (w if dx < 0 else w / 2 if dx == 0 else 0)
                    y0 = cy + dy * oy - (h if dy < 0 else h / 2 if dy == 0 else 0)
                    cand = Bbox.from_bounds(x0, y0, w, h)
                    if not _within(cand, inside):
                        continue
                    if any(cand.overlaps(b) for b in static) or any(
                        cand.overlaps(b.padded(gap)) for b in placed
                    ):
                        continue
                    if own_nearest and any(
                        _distance(cand, p) < _distance(cand, (cx, cy)) for p in others
                    ):
                        continue
                    found = (cand, ring)
                    break
                if found:
                    break
            if found:
                break
        if found is None:
            return False
        placed.append(found[0])
        chosen.append(found)
    to_data = ax.transData.inverted()
    for t, (cand, ring), (cx, cy), mk in zip(texts, chosen, points, markers, strict=True):
        t.set_horizontalalignment("left")
        t.set_verticalalignment("bottom")
        t.set_position(to_data.transform((cand.x0, cand.y0)))
        if ring > 0:
            _leader(ax, (cx, cy), mk, cand)
    return True


def _distance(box, point) -> float:
    """Distance from ``point`` to the nearest point of ``box`` (display units)."""
    x, y = point
    dx = max(box.x0 - x, 0.0, x - box.x1)
    dy = max(box.y0 - y, 0.0, y - box.y1)
    return float((dx * dx + dy * dy) ** 0.5)


def _within(box, outer) -> bool:
    return box.x0 >= outer.x0 and box.y0 >= outer.y0 and box.x1 <= outer.x1 and box.y1 <= outer.y1


def _leader(ax, centre, marker, box) -> None:
    """A thin grey line from the marker's edge to the nearest point of the label's box."""
    import numpy as np
    from matplotlib.lines import Line2D

    cx, cy = centre
    qx, qy = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
    d = np.hypot(qx - cx, qy - cy)
    if d == 0:
        return
    r = max(marker.width, marker.height) / 2
    sx, sy = cx + (qx - cx) * r / d, cy + (qy - cy) * r / d
    to_data = ax.transData.inverted()
    (ax0, ay0), (ax1, ay1) = to_data.transform([(sx, sy), (qx, qy)])
    ax.add_artist(Line2D([ax0, ax1], [ay0, ay1], color="grey", lw=0.6, zorder=1.5))


def _adjust(ax, texts, x, y, static) -> None:
    """adjustText for charts too crowded for a clear position per label."""
    from adjustText import adjust_text

    adjust_text(
        texts,
        x=list(x),
        y=list(y),
        objects=static or None,
        ax=ax,
        expand=(1.15, 1.35),
        force_text=(0.3, 0.5),
        force_static=(0.2, 0.4),
        ensure_inside_axes=True,
        arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.6},
        min_arrow_len=8,
    )


def marker_boxes(artist) -> list:
    """The display-space boxes of the markers of a scatter (sized by each marker's area
    ``s``, in points squared) or of a line drawn with markers (``markersize``, the
    marker's width in points, plus its edge): what labels must keep clear of. Call after
    the axes limits are final."""
    import numpy as np
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    ax = artist.axes
    ax.figure.canvas.draw()
    px = ax.figure.dpi / 72
    if isinstance(artist, Line2D):
        if artist.get_marker() in (None, "None", "none", "", " ") or not artist.get_visible():
            return []
        centres = ax.transData.transform(artist.get_xydata())
        radii = np.full(len(centres), (artist.get_markersize() + artist.get_markeredgewidth()))
        radii = radii / 2 * px
    else:
        centres = ax.transData.transform(artist.get_offsets())
        sizes = np.broadcast_to(artist.get_sizes(), (len(centres),))
        radii = np.sqrt(sizes) / 2 * px  # points -> pixels
    return [
        Bbox.from_extents(x - r, y - r, x + r, y + r)
        for (x, y), r in zip(centres, radii, strict=True)
        if np.isfinite(x) and np.isfinite(y)
    ]


def text_boxes(texts) -> list:
    """(string, display-space box) of each visible, non-empty text, after drawing."""
    texts = [t for t in texts if t.get_visible() and t.get_text().strip()]
    if not texts:
        return []
    fig = texts[0].figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts]


def label_overlaps(texts, *, pad: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of ``texts`` whose drawn bounding boxes intersect (renderer-based
    ``get_window_extent``), by their strings; empty when no two labels overlap."""
    boxes = [(s, b.expanded(1 + pad, 1 + pad)) for s, b in text_boxes(texts)]
    return [(a, b) for (a, ba), (b, bb) in combinations(boxes, 2) if ba.overlaps(bb)]
