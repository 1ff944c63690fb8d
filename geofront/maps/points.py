"""Point layers: provincial capitals, events (by type or side, sized by fatalities), hexbins.

Like :mod:`geofront.maps.layers`, every ``plot_*`` function takes the frame to draw and the
map CRS, never modifies its input and returns the artist(s) it added with a ``gid``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import geopandas as gpd
import matplotlib.patheffects as pe
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection

from geofront.errors import SchemaError
from geofront.maps import style
from geofront.maps.layers import _in_crs
from geofront.maps.style import Z


def plot_capitals(
    ax: Axes,
    capitals: gpd.GeoDataFrame,
    *,
    crs: Any,
    status_column: str = "status",
    size_pt: float = 6.5,
) -> PathCollection:
    """Mark cities, filled by siege status when the frame has one.

    Parameters
    ----------
    capitals : GeoDataFrame
        Points; ``status_column`` (optional) holds :data:`geofront.maps.style.SIEGE_STATUSES`
        values (output of ``geofront.siege.siege_status``); cities without a status get a
        white marker.

    Returns
    -------
    PathCollection
        gid ``"capitals"``, one marker per row in input order.
    """
    pts = _in_crs(capitals, crs)
    xy = shapely.get_coordinates(pts.array)
    status = (
        capitals[status_column].astype("string").to_numpy()
        if status_column in capitals.columns
        else np.full(len(capitals), None, dtype=object)
    )
    colors = [style.siege_color(None if pd.isna(s) else s) for s in status]
    edges = [style.siege_edge(None if pd.isna(s) else s) for s in status]
    coll = ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=size_pt**2,
        c=colors,
        marker="s",
        edgecolors=edges,
        linewidths=0.9,
        zorder=Z["capitals"],
        gid="capitals",
    )
    return coll


def plot_airports(
    ax: Axes, airports: gpd.GeoDataFrame, *, crs: Any, view: tuple[float, float, float, float]
) -> PathCollection | None:
    """Mark the airports in ``view`` (:data:`geofront.maps.style.AIRPORT_STYLE`).

    Returns the PathCollection (gid ``"airports"``), or None when none is in view.
    """
    xy = shapely.get_coordinates(_in_crs(airports, crs).array)
    inside = (
        (xy[:, 0] > view[0]) & (xy[:, 0] < view[2]) & (xy[:, 1] > view[1]) & (xy[:, 1] < view[3])
    )
    if not inside.any():
        return None
    st = style.AIRPORT_STYLE
    return ax.scatter(
        xy[inside, 0],
        xy[inside, 1],
        s=st["markersize"] ** 2,
        c=st["facecolor"],
        marker=st["marker"],
        edgecolors=st["edgecolor"],
        linewidths=0.6,
        zorder=Z["airports"],
        gid="airports",
    )


def with_initiator(events: pd.DataFrame, *columns: str | None) -> pd.DataFrame:
    """``events`` with an ``initiator`` column (:func:`geofront.sides.initiator_side`)
    when one of ``columns`` asks for it and the events lack it."""
    from geofront.sides import initiator_side

    if "initiator" in columns and "initiator" not in events.columns and len(events):
        return events.assign(initiator=initiator_side(events).to_numpy())
    return events


#: Marker of each initiating side in event layers. Cities are squares on every map, so no
#: event is drawn as one.
SIDE_MARKERS: dict[str, str] = {
    "government": "D",
    "insurgent": "^",
    "other": "v",
    "civilians": "o",
    "unknown": "o",
}


def fatality_marker_area(fatalities: Any, *, base_pt2: float = 14.0) -> np.ndarray:
    """Marker area in pt² for fatalities: area grows linearly with deaths, capped at 500."""
    f = np.clip(pd.to_numeric(pd.Series(fatalities), errors="coerce").fillna(0), 0, None)
    return np.asarray(np.minimum(base_pt2 + 5.0 * f.to_numpy(dtype=float), 500.0))


#: Largest stack of events at one place that is spread on a ring; bigger stacks are drawn
#: in place with a count label.
MAX_SPREAD: Final = 8


def _xy(events: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    geo = np.asarray(
        (events.geometry if isinstance(events, gpd.GeoDataFrame) else events).array, dtype=object
    )
    return np.column_stack([shapely.get_x(geo), shapely.get_y(geo)])


def event_stacks(events: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Group events that sit at exactly the same coordinates.

    Returns
    -------
    group : ndarray of int
        Per event, the id of its place (ids follow the sorted coordinates); -1 for events
        without coordinates.
    count : ndarray of int
        Per event, how many events share its place (1 for a lone event, 0 without
        coordinates).
    """
    xy = _xy(events)
    ok = np.isfinite(xy).all(axis=1)
    group = np.full(len(xy), -1, dtype=np.int64)
    count = np.zeros(len(xy), dtype=np.int64)
    if ok.any():
        _, inverse, counts = np.unique(xy[ok], axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
        group[ok] = inverse
        count[ok] = counts[inverse]
    return group, count


def _units_per_pt(ax: Axes) -> float:
    """Map units per typographic point in ``ax`` (its layout and limits as they are now)."""
    ax.apply_aspect()
    width_pt = ax.get_position().width * ax.figure.bbox.width / ax.figure.dpi * 72.0
    x0, x1 = ax.get_xlim()
    return abs(x1 - x0) / width_pt


def _spread(
    group: np.ndarray,
    count: np.ndarray,
    keys: Sequence[np.ndarray],
    radius_pt: np.ndarray,
    *,
    max_spread: int,
    clear_pt: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Screen offsets (points) that put the events of each small stack on a ring.

    Events of a stack of ``n`` (2..``max_spread``) take ``n`` equal angles clockwise from
    north, in the order of ``keys`` (most significant last, as for :func:`numpy.lexsort`);
    the ring is wide enough that neighbours barely touch and no marker comes nearer than
    ``clear_pt`` to the place.

    Returns ``dx_pt``, ``dy_pt`` per event and the ring radius (points) per event (0 for
    events left in place).
    """
    n_ev = len(group)
    spread = (count >= 2) & (count <= max_spread)
    dx = np.zeros(n_ev)
    dy = np.zeros(n_ev)
    ring = np.zeros(n_ev)
    if not spread.any():
        return dx, dy, ring
    idx = np.flatnonzero(spread)
    order = idx[np.lexsort((*[k[idx] for k in keys], group[idx]))]
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    n = count[order].astype(float)
    rad_max = np.maximum.reduceat(radius_pt[order], starts)
    rad_max = np.repeat(rad_max, np.diff(np.r_[starts, len(order)]))
    r = np.maximum(0.9 * rad_max / np.sin(np.pi / n), rad_max + clear_pt)
    theta = np.pi / 2.0 - 2.0 * np.pi * rank / n
    dx[order] = r * np.cos(theta)
    dy[order] = r * np.sin(theta)
    ring[order] = r
    return dx, dy, ring


def plot_events(
    ax: Axes,
    events: gpd.GeoDataFrame,
    *,
    crs: Any,
    color_by: str = "event_type",
    marker_by: str | None = None,
    size_by: str | None = "fatalities",
    alpha: float = 0.85,
    spread_stacks: bool = True,
    max_spread: int = MAX_SPREAD,
    stack_clear_pt: float = 2.5,
    dot_pt2: float = 18.0,
    edge_pt: float = 0.5,
    inside: Any = None,
) -> dict[str, PathCollection]:
    """Draw event points coloured by event type or side, sized by fatalities.

    Events at exactly the same coordinates (common: sources place events at a town or a
    district centre) would hide each other. With ``spread_stacks``, a stack of 2 to
    ``max_spread`` events is spread on a small ring around its place, a fixed distance on
    the page whatever the map scale, with a dot at the place and thin lines to each event;
    a bigger stack stays in place (largest marker at the bottom) with a count label
    ``"×n"`` beside it. Both are deterministic: a stack's events go clockwise from north
    in legend order of their class, then shape, then decreasing size, then input order.
    Call it once the axes' layout and limits are set (the ring is measured in points).

    Parameters
    ----------
    events : GeoDataFrame
        Canonical events (:data:`geofront.schema.EVENT_COLUMNS`), any CRS.
    color_by : {"event_type", "initiator", "side1", "side2"}
        Column naming the colour class (``initiator``: :func:`geofront.sides.initiator_side`) (sides use :data:`geofront.maps.style.SIDE_COLORS`,
        event types :func:`geofront.maps.style.event_type_colors`).
    marker_by : str, optional
        A side column giving the marker shape (:data:`SIDE_MARKERS`).
    size_by : str or None
        Numeric column scaled by :func:`fatality_marker_area`; None for equal sizes.
    spread_stacks : bool
        Spread or count events that share coordinates (see above).
    max_spread : int
        Largest stack spread on a ring.
    stack_clear_pt : float
        Distance in points around a stack's place that its markers keep clear (e.g. the
        half-diagonal of a city marker drawn there).
    dot_pt2 : float
        Marker area (pt²) of every event when ``size_by`` is None.
    edge_pt : float
        Width of the white marker edges (0 for none, e.g. for dense layers of dots).
    inside : shapely geometry, optional
        The area spread events must stay in (e.g. the country, in the map CRS): a stack
        whose ring crosses its edge is spread over the longest arc of the ring inside it,
        so no event of a border town is drawn abroad.

    Returns
    -------
    dict
        class -> PathCollection (gid ``"events:<class>"`` or ``"events:<class>:<side>"``
        with ``marker_by``), classes in legend order; offsets are the drawn positions (map
        CRS). Within a collection, larger markers are drawn first so small ones stay
        visible. Stacks add a LineCollection (gid ``"events:stack-lines"``), the places'
        dots (``"events:stack-places"``, attribute ``geofront_extent_pt``: how far the ring
        and its markers reach from each place, in points) and count labels (Annotations,
        gid ``"events:stack-count"``, text ``"×n"``).
    """
    if len(events) == 0:
        return {}
    events = with_initiator(events, color_by, marker_by)
    if color_by not in events.columns:
        raise SchemaError(f"events have no column {color_by!r} to colour by")
    xy = _xy(_in_crs(events, crs))
    cls = events[color_by].astype("string").fillna("unknown").to_numpy()
    sizes = (
        fatality_marker_area(events[size_by].to_numpy())
        if size_by and size_by in events.columns
        else np.full(len(events), float(dot_pt2))
    )
    marks = (
        events[marker_by].astype("string").fillna("unknown").to_numpy()
        if marker_by and marker_by in events.columns
        else np.full(len(events), "", dtype=object)
    )
    side_colours = color_by.startswith("side")
    if side_colours:
        names = [s for s in style.SIDE_ORDER if s in set(cls.tolist())]
        names += sorted(set(cls.tolist()) - set(names))
        colours = {n: style.side_color(n) for n in names}
    else:
        colours = style.event_type_colors(cls.tolist())
        names = list(colours)
    if spread_stacks:
        xy = xy.copy()
        group, count = event_stacks(events)
        class_rank = pd.Categorical(cls, categories=names).codes
        mark_rank = pd.factorize(marks, sort=True)[0]
        radius = np.sqrt(sizes) / 2.0
        dx, dy, ring = _spread(
            group,
            count,
            (np.arange(len(cls)), -sizes, mark_rank, class_rank),
            radius,
            max_spread=max_spread,
            clear_pt=stack_clear_pt,
        )
        upp = _units_per_pt(ax)
        centre = xy.copy()
        if inside is not None:
            dx, dy = _keep_inside(centre, group, dx, dy, ring, upp, inside)
        xy[:, 0] += dx * upp
        xy[:, 1] += dy * upp
        _draw_stacks(ax, centre, xy, group, count, ring, radius, max_spread=max_spread)
    out: dict[str, PathCollection] = {}
    for name in names:
        colour = colours[name]
        for mark in sorted(set(marks[cls == name].tolist())):
            pick = np.flatnonzero((cls == name) & (marks == mark))
            order = pick[np.argsort(-sizes[pick], kind="stable")]
            coll = ax.scatter(
                xy[order, 0],
                xy[order, 1],
                s=sizes[order],
                c=colour,
                marker=SIDE_MARKERS.get(mark, "o"),
                edgecolors="white" if edge_pt > 0 else "none",
                linewidths=edge_pt,
                alpha=alpha,
                zorder=Z["events"],
                gid=f"events:{name}" + (f":{mark}" if mark else ""),
            )
            out.setdefault(name, coll)
    return out


def _keep_inside(
    centre: np.ndarray,
    group: np.ndarray,
    dx: np.ndarray,
    dy: np.ndarray,
    ring: np.ndarray,
    upp: float,
    inside: Any,
    *,
    step_deg: float = 5.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of spread stacks moved onto the longest arc of their ring inside ``inside``
    (stacks already inside, or with no arc inside at all, are left as they are)."""
    dx, dy = dx.copy(), dy.copy()
    spread = np.flatnonzero(ring > 0)
    if len(spread) == 0:
        return dx, dy
    px = centre[spread, 0] + dx[spread] * upp
    py = centre[spread, 1] + dy[spread] * upp
    out = ~shapely.contains_xy(inside, px, py)
    n_samples = int(round(360.0 / step_deg))
    for g in np.unique(group[spread[out]]).tolist():
        members = np.flatnonzero((group == g) & (ring > 0))
        r = float(ring[members[0]])
        cx, cy = centre[members[0]]
        theta = np.pi / 2.0 - np.radians(step_deg) * np.arange(n_samples)  # clockwise from N
        ok = shapely.contains_xy(inside, cx + r * upp * np.cos(theta), cy + r * upp * np.sin(theta))
        if not ok.any() or ok.all():
            continue
        start = int(np.argmin(ok))  # an outside sample: runs do not wrap past it
        rolled = np.roll(ok, -start)
        best_len, best_at, run = 0, 0, 0
        for k, flag in enumerate(rolled.tolist()):
            run = run + 1 if flag else 0
            if run > best_len:
                best_len, best_at = run, k - run + 1
        first = (start + best_at) % n_samples
        # keep the stack's order: clockwise from north, as _spread placed it
        angle = np.mod(np.pi / 2.0 - np.arctan2(dy[members], dx[members]), 2 * np.pi)
        members = members[np.argsort(angle, kind="stable")]
        arc = np.radians(step_deg) * (best_len - 1)
        rank = np.arange(len(members))
        t = np.pi / 2.0 - np.radians(step_deg) * first - (arc * (rank + 0.5) / len(members))
        dx[members] = r * np.cos(t)
        dy[members] = r * np.sin(t)
    return dx, dy


def _draw_stacks(
    ax: Axes,
    centre: np.ndarray,
    drawn: np.ndarray,
    group: np.ndarray,
    count: np.ndarray,
    ring: np.ndarray,
    radius: np.ndarray,
    *,
    max_spread: int,
) -> None:
    spread = ring > 0
    if spread.any():
        segs = np.stack([centre[spread], drawn[spread]], axis=1)
        ax.add_collection(
            LineCollection(
                list(segs),
                colors=style.MUTED_TEXT,
                linewidths=0.5,
                zorder=Z["events"] - 0.02,
                gid="events:stack-lines",
            ),
            autolim=False,
        )
        first = np.unique(group[spread], return_index=True)[1]
        places = np.flatnonzero(spread)[first]
        reach = pd.Series(ring[spread] + radius[spread]).groupby(group[spread]).max()
        dots = ax.scatter(
            centre[places, 0],
            centre[places, 1],
            s=5.0,
            c=style.TEXT,
            marker="o",
            linewidths=0.0,
            zorder=Z["events"] - 0.01,
            gid="events:stack-places",
        )
        dots.geofront_extent_pt = reach.loc[group[places]].to_numpy()  # type: ignore[attr-defined]
    big = count > max_spread
    if big.any():
        first = np.unique(group[big], return_index=True)[1]
        rows = np.flatnonzero(big)[first]
        reach = pd.Series(radius[big]).groupby(group[big]).max()
        for row in rows.tolist():
            ax.annotate(
                f"×{int(count[row])}",
                (centre[row, 0], centre[row, 1]),
                xytext=(float(reach.loc[group[row]]) * 0.75 + 1.0,) * 2,
                textcoords="offset points",
                ha="left",
                va="bottom",
                fontsize=6.5,
                fontweight="bold",
                color=style.TEXT,
                zorder=Z["events"] + 0.05,
                path_effects=[pe.withStroke(linewidth=2.0, foreground=style.HALO)],
                annotation_clip=False,
                gid="events:stack-count",
            )


def plot_hexbin(
    ax: Axes,
    events: gpd.GeoDataFrame,
    *,
    crs: Any,
    view: tuple[float, float, float, float],
    hex_size_m: float,
    cmap: Any = "YlOrRd",
) -> Any:
    """Draw event density as hexagons ``hex_size_m`` across (flat-to-flat, map units).

    Returns the PolyCollection (gid ``"hexbin"``); ``get_array()`` holds the counts.
    Colour it by classes with :func:`geofront.maps.event_maps.density_breaks`.
    """
    xy = shapely.get_coordinates(_in_crs(events, crs).array)
    nx = max(1, int(round((view[2] - view[0]) / hex_size_m)))
    coll = ax.hexbin(
        xy[:, 0],
        xy[:, 1],
        gridsize=nx,
        extent=(view[0], view[2], view[1], view[3]),
        mincnt=1,
        cmap=cmap,
        linewidths=0.2,
        edgecolors="white",
        zorder=Z["hexbin"],
        gid="hexbin",
    )
    return coll
