"""Label placement: anchors for area labels and a greedy collision-free placer.

Labels are described by :class:`LabelSpec` (anchor in map coordinates, text, kind,
priority) and placed by :func:`place_labels` at the first free candidate position, in
display space, around their anchor. :func:`marker_boxes` turns scatter markers into
obstacles so labels never cover another place's marker.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.patheffects as pe
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure, SubFigure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from geofront.maps import style
from geofront.maps.style import Z

log = logging.getLogger(__name__)


# --- anchors ----------------------------------------------------------------------------


def renderer_of(fig: Figure | SubFigure) -> Any:
    """The renderer that measures text on ``fig`` (its canvas's, else an Agg one)."""
    get = getattr(fig.canvas, "get_renderer", None)
    if get is not None:
        return get()
    root = fig.figure if isinstance(fig, SubFigure) else fig
    return root._get_renderer()  # type: ignore[attr-defined]


def label_point(geom: Any) -> Any:
    """The best anchor for an area label: the centre of the largest inscribed circle."""
    if geom is None or geom.is_empty:
        return shapely.Point()
    span = max(geom.bounds[2] - geom.bounds[0], geom.bounds[3] - geom.bounds[1])
    circle = shapely.maximum_inscribed_circle(geom, span / 200.0)
    return shapely.Point(circle.coords[0])


def largest_part(geom: Any) -> Any:
    """The largest polygon of a (multi)polygon (the geometry itself if it has no parts)."""
    parts = shapely.get_parts(geom)
    return parts[int(np.argmax(shapely.area(parts)))] if len(parts) else geom


# --- placement --------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelSpec:
    """One label to place: anchor (map coords), text, kind and priority (lower first).

    ``anchors`` are further anchors tried in order when no position around the first is
    free (e.g. other points inside a country's visible part); ``fontsizes`` are smaller
    sizes tried last. ``color`` and ``fontweight`` override the kind's style.
    """

    x: float
    y: float
    text: str
    kind: str = "point"  # "point" (beside a marker), "area" (centred), "region" (big, muted)
    priority: float = 0.0
    marker_pt: float = 6.5  # size of the marker a point label sits beside
    fontsize: float | None = None  # overrides the kind's size (e.g. bigger for big cities)
    anchors: tuple[tuple[float, float], ...] = ()
    fontsizes: tuple[float, ...] = ()
    color: str | None = None
    fontweight: str | None = None


#: Offset (points) of the farthest ring of point-label positions; a label placed there
#: gets a thin leader line to its marker.
LEADER_PT = 14.0


def _point_candidates(h: float) -> tuple[tuple[float, float, str, str], ...]:
    """Offsets (points) and alignments around a marker of half-size ``h`` points, in the
    cartographic order of preference (Imhof): upper right, right, lower right, upper
    left, left, lower left, above, below; then the same farther out (the farthest with
    a leader line, :data:`LEADER_PT`)."""
    out = []
    for g in (h + 1.2, h + 4.5, h + LEADER_PT):
        out += [
            (g, h * 0.35, "left", "bottom"),
            (g + 0.8, 0.0, "left", "center_baseline"),
            (g, -h * 0.35, "left", "top"),
            (-g, h * 0.35, "right", "bottom"),
            (-g - 0.8, 0.0, "right", "center_baseline"),
            (-g, -h * 0.35, "right", "top"),
            (0.0, g, "center", "bottom"),
            (0.0, -g, "center", "top"),
        ]
    return tuple(out)


_AREA_CANDIDATES: tuple[tuple[float, float, str, str], ...] = (
    (0.0, 0.0, "center", "center"),
    (0.0, 7.0, "center", "center"),
    (0.0, -7.0, "center", "center"),
    (0.0, 14.0, "center", "center"),
    (0.0, -14.0, "center", "center"),
)
_KIND_STYLE: dict[str, dict[str, Any]] = {
    "point": {"fontsize": 7.5, "color": style.TEXT, "fontweight": "bold"},
    "area": {"fontsize": 6.5, "color": style.MUTED_TEXT, "fontstyle": "italic"},
    "region": {"fontsize": 8.0, "color": style.NEIGHBOUR_TEXT},
    "province": {"fontsize": 6.5, "color": "#6e6e6e"},
    "ring": {"fontsize": 6.5, "color": "#4d4d4d"},
    "count": {"fontsize": 7.0, "color": style.TEXT, "fontweight": "bold"},
}
#: Kinds set in letter-spaced capitals, as on atlas maps.
_SPACED = ("region", "province")
#: A point label keeps at least this far (points) from any other marker when it can.
ASSOCIATION_PT = 8.0


def _box_gap(a: Bbox, b: Bbox) -> float:
    """Distance between two display boxes (0 when they touch or overlap)."""
    dx = max(b.x0 - a.x1, a.x0 - b.x1, 0.0)
    dy = max(b.y0 - a.y1, a.y0 - b.y1, 0.0)
    return float(np.hypot(dx, dy))


def place_labels(
    ax: Axes,
    labels: Sequence[LabelSpec],
    *,
    obstacles: Sequence[Bbox] = (),
    markers: Sequence[Bbox] = (),
    pad_px: float = 1.0,
) -> list[Annotation]:
    """Place labels greedily without overlaps; return the labels that were placed.

    Labels are taken by priority (then input order). Each tries its candidate positions
    in order (sixteen positions around a marker, :data:`_AREA_CANDIDATES` for areas and
    regions, at each of its anchors, then at smaller sizes) and takes the first whose box,
    in display coordinates, stays inside the axes and overlaps no placed label, no
    obstacle (scale bar, north arrow) and no marker other than its own (the marker box
    holding its anchor). A point label must also sit clearly beside its own marker: every
    other marker at least :data:`ASSOCIATION_PT` points and twice as far from its box as
    its own (failing any such position, 1.5 times as far), so a name never reads as
    another place's. A label with no free position is left out
    (logged at debug level): on a map, a missing label is better than a wrong or
    unreadable one.

    Written by hand because matplotlib has no label-collision avoidance and the allowed
    dependencies have none; greedy placement over fixed candidates is the classic
    cartographic heuristic, deterministic and fast (a few hundred labels in well under a
    second).

    Returns
    -------
    list of Annotation
        gid ``"label:<kind>"``, in placement order.
    """
    fig = ax.figure
    renderer = renderer_of(fig)
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = [b.padded(pad_px) for b in obstacles]
    marks: list[Bbox] = [b.padded(pad_px) for b in markers]
    slack = ASSOCIATION_PT * fig.dpi / 72.0
    placed: list[Annotation] = []
    order = sorted(range(len(labels)), key=lambda i: (labels[i].priority, i))
    halo = [pe.withStroke(linewidth=2.2, foreground=style.HALO)]
    for i in order:
        spec = labels[i]
        kw = dict(_KIND_STYLE.get(spec.kind, _KIND_STYLE["point"]))
        if spec.fontsize is not None:
            kw["fontsize"] = spec.fontsize
        if spec.color is not None:
            kw["color"] = spec.color
        if spec.fontweight is not None:
            kw["fontweight"] = spec.fontweight
        text = spec.text.upper() if spec.kind in _SPACED else spec.text
        cands = (
            _point_candidates(spec.marker_pt / 2.0) if spec.kind == "point" else _AREA_CANDIDATES
        )
        ann = ax.annotate(
            text,
            (spec.x, spec.y),
            xytext=(0, 0),
            textcoords="offset points",
            zorder=Z["labels"],
            gid=f"label:{spec.kind}",
            path_effects=halo,
            annotation_clip=False,
            **kw,
        )
        if spec.kind in _SPACED:
            ann.set_fontfamily("DejaVu Sans")
            ann.set_text(" ".join(text))  # letter-spaced capitals, as on atlas maps
        ok = False
        sizes = (float(kw["fontsize"]), *spec.fontsizes)
        best: tuple[float, Any] | None = None  # fallback: (margin, position)
        # a point label first wants a position clearly nearer its own marker than any
        # other; failing that, the one where its own marker is the most clearly nearest
        for strict in (True, False) if spec.kind == "point" else (True,):
            if not strict and best is not None:
                margin, (size, ax_xy, dx, dy, ha, va, box) = best
                ann.set_fontsize(size)
                ann.xy = ax_xy
                ann.set_position((dx, dy))
                ann.set_horizontalalignment(ha)  # type: ignore[arg-type]
                ann.set_verticalalignment(va)  # type: ignore[arg-type]
                taken.append(box)
                placed.append(ann)
                ok = True
                break
            for size in sizes:
                ann.set_fontsize(size)
                for ax_xy in ((spec.x, spec.y), *spec.anchors):
                    ann.xy = ax_xy
                    ax_x, ax_y = ax.transData.transform(ax_xy)
                    # only a point label has its own marker; an area label clears them all
                    mine = spec.kind == "point"
                    own = [m for m in marks if mine and m.contains(ax_x, ax_y)]
                    others = [m for m in marks if not (mine and m.contains(ax_x, ax_y))]
                    for dx, dy, ha, va in cands:
                        ann.set_position((dx, dy))
                        ann.set_horizontalalignment(ha)  # type: ignore[arg-type]
                        ann.set_verticalalignment(va)  # type: ignore[arg-type]
                        box = ann.get_window_extent(renderer).padded(pad_px)
                        if not (
                            box.x0 >= frame.x0
                            and box.x1 <= frame.x1
                            and box.y0 >= frame.y0
                            and box.y1 <= frame.y1
                        ):
                            continue
                        # never over its own marker's neighbours, nor another label
                        if any(box.overlaps(t) for t in taken) or any(
                            box.overlaps(m) for m in others
                        ):
                            continue
                        if spec.kind == "point" and own and others:
                            near_own = min(_box_gap(box, m) for m in own)
                            near_other = min(_box_gap(box, m) for m in others)
                            if near_other <= max(2.0 * near_own, slack):
                                margin = near_other - 1.5 * near_own
                                if margin > 0 and (best is None or margin > best[0]):
                                    best = (margin, (size, ax_xy, dx, dy, ha, va, box))
                                continue
                        taken.append(box)
                        placed.append(ann)
                        ok = True
                        break
                    if ok:
                        break
                if ok:
                    break
            if ok:
                break
        if not ok:
            log.debug("label %r left out: no free position", spec.text)
            ann.remove()
        elif spec.kind == "point" and np.hypot(*ann.get_position()) > spec.marker_pt / 2 + 6.0:
            _add_leader(ax, ann, spec)
    return placed


def _add_leader(ax: Axes, ann: Annotation, spec: LabelSpec) -> None:
    """A thin line from a far-placed label to the edge of its marker."""
    from matplotlib.lines import Line2D

    dx, dy = ann.get_position()
    d = float(np.hypot(dx, dy))
    h = spec.marker_pt / 2.0 + 0.8
    line = Line2D(
        [0.0, 1.0],
        [0.0, 1.0],
        transform=ax.transAxes,
        color=style.MUTED_TEXT,
        linewidth=0.5,
        zorder=Z["labels"] - 0.01,
        gid="label-leader",
    )
    x0, y0 = ax.transData.transform((spec.x, spec.y))
    k = ax.figure.dpi / 72.0
    p0 = (x0 + dx * h / d * k, y0 + dy * h / d * k)
    p1 = (x0 + dx * (d - 2.0) / d * k, y0 + dy * (d - 2.0) / d * k)
    inv = ax.transAxes.inverted()
    (a0, b0), (a1, b1) = inv.transform(p0), inv.transform(p1)
    line.set_data([a0, a1], [b0, b1])
    ax.add_line(line)


def label_anchors(geom: Any, *, n: int = 6) -> list[tuple[float, float]]:
    """Anchors for an area label inside ``geom``: the centre of its largest inscribed
    circle, then up to ``n`` more points inside it, nearest that centre first (for
    labels that do not fit at the centre, e.g. a country only partly in view)."""
    if geom is None or shapely.is_empty(geom):
        return []
    first = label_point(largest_part(geom))
    out = [(float(first.x), float(first.y))]
    x0, y0, x1, y1 = geom.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 9)[1:-1], np.linspace(y0, y1, 9)[1:-1])
    px, py = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(geom, px, py)
    px, py = px[inside], py[inside]
    order = np.lexsort((py, px, np.hypot(px - first.x, py - first.y)))
    out += [(float(px[k]), float(py[k])) for k in order[:n]]
    return out


def marker_boxes(
    ax: Axes, collection: PathCollection, *, size_pt: float | None = None
) -> list[Bbox]:
    """Display-space boxes of scatter markers (obstacles for :func:`place_labels`).

    ``size_pt`` is the markers' width in points; by default each marker's own (the square
    root of its scatter size).
    """
    offsets = np.asarray(collection.get_offsets())
    if len(offsets) == 0:
        return []
    disp = ax.transData.transform(np.asarray(offsets))
    if size_pt is None:
        sizes = np.broadcast_to(np.sqrt(np.asarray(collection.get_sizes(), float)), len(disp))
    else:
        sizes = np.full(len(disp), float(size_pt))
    half = sizes / 2.0 * ax.figure.dpi / 72.0
    return [
        Bbox.from_extents(x - h, y - h, x + h, y + h)
        for (x, y), h in zip(disp.tolist(), half.tolist(), strict=True)
    ]
