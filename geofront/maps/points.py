"""Point layers: provincial capitals, events (by type or side, sized by fatalities), hexbins.

Like :mod:`geofront.maps.layers`, every ``plot_*`` function takes the frame to draw and the
map CRS, never modifies its input and returns the artist(s) it added with a ``gid``.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection

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
    coll = ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=size_pt**2,
        c=colors,
        marker="s",
        edgecolors=style.TEXT,
        linewidths=0.9,
        zorder=Z["capitals"],
        gid="capitals",
    )
    return coll


#: Marker of each initiating side in event layers.
SIDE_MARKERS: dict[str, str] = {
    "government": "s",
    "insurgent": "^",
    "other": "D",
    "civilians": "o",
    "unknown": "o",
}


def fatality_marker_area(fatalities: Any, *, base_pt2: float = 14.0) -> np.ndarray:
    """Marker area in pt² for fatalities: area grows linearly with deaths, capped at 500."""
    f = np.clip(pd.to_numeric(pd.Series(fatalities), errors="coerce").fillna(0), 0, None)
    return np.minimum(base_pt2 + 5.0 * f.to_numpy(dtype=float), 500.0)


def plot_events(
    ax: Axes,
    events: gpd.GeoDataFrame,
    *,
    crs: Any,
    color_by: str = "event_type",
    marker_by: str | None = None,
    size_by: str | None = "fatalities",
    alpha: float = 0.85,
) -> dict[str, PathCollection]:
    """Draw event points coloured by event type or side, sized by fatalities.

    Parameters
    ----------
    events : GeoDataFrame
        Canonical events (:data:`geofront.schema.EVENT_COLUMNS`), any CRS.
    color_by : {"event_type", "side1", "side2"}
        Column naming the colour class (sides use :data:`geofront.maps.style.SIDE_COLORS`).
    marker_by : str, optional
        A side column giving the marker shape (:data:`SIDE_MARKERS`).
    size_by : str or None
        Numeric column scaled by :func:`fatality_marker_area`; None for equal sizes.

    Returns
    -------
    dict
        class -> PathCollection (gid ``"events:<class>"``), classes sorted. Within a class,
        larger markers are drawn first so small ones stay visible.
    """
    if len(events) == 0:
        return {}
    if color_by not in events.columns:
        raise SchemaError(f"events have no column {color_by!r} to colour by")
    xy = shapely.get_coordinates(_in_crs(events, crs).array)
    cls = events[color_by].astype("string").fillna("unknown").to_numpy()
    sizes = (
        fatality_marker_area(events[size_by].to_numpy())
        if size_by and size_by in events.columns
        else np.full(len(events), 18.0)
    )
    marks = (
        events[marker_by].astype("string").fillna("unknown").to_numpy()
        if marker_by and marker_by in events.columns
        else np.full(len(events), "", dtype=object)
    )
    side_colours = color_by.startswith("side")
    out: dict[str, PathCollection] = {}
    for name in sorted(set(cls.tolist())):
        colour = style.side_color(name) if side_colours else style.event_type_color(name)
        for mark in sorted(set(marks[cls == name].tolist())):
            pick = np.flatnonzero((cls == name) & (marks == mark))
            order = pick[np.argsort(-sizes[pick], kind="stable")]
            coll = ax.scatter(
                xy[order, 0],
                xy[order, 1],
                s=sizes[order],
                c=colour,
                marker=SIDE_MARKERS.get(mark, "o"),
                edgecolors="white",
                linewidths=0.5,
                alpha=alpha,
                zorder=Z["events"],
                gid=f"events:{name}" + (f":{mark}" if mark else ""),
            )
            out.setdefault(name, coll)
    return out


def plot_hexbin(
    ax: Axes,
    events: gpd.GeoDataFrame,
    *,
    crs: Any,
    view: tuple[float, float, float, float],
    hex_size_m: float,
    cmap: str = "YlOrBr",
) -> Any:
    """Draw event density as hexagons ``hex_size_m`` across (flat-to-flat, map units).

    Returns the PolyCollection (gid ``"hexbin"``); ``get_array()`` holds the counts.
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
        alpha=0.85,
        zorder=Z["hexbin"],
        gid="hexbin",
    )
    return coll
