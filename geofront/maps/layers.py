"""Map layers: each ``plot_*`` function draws one layer on a matplotlib Axes.

Every function takes the frame to draw and the map CRS (``crs=``), reprojects a copy of
the frame to it (the input is never modified) and returns the artist(s) it added, with a
``gid`` naming the layer (``"districts"``, ``"frontline:government-insurgent"``...) so
figures and tests can find them. Paths keep the order of the input rows.

Colours come from :mod:`geofront.maps.style` by class name. Layers stack by fixed
z-orders (:data:`geofront.maps.style.Z`), so the order of calls does not change the
picture. Polygons, lines and rasters are here; point layers (capitals, events, hexbins)
are in :mod:`geofront.maps.points`, label placement in :mod:`geofront.maps.labels`.

Polygons and lines are turned into matplotlib paths through
:func:`shapely.to_ragged_array` (one array pass, no per-vertex Python), after an optional
simplification in the map CRS (``simplify_m``: keep it below half an output pixel and the
simplification cannot be seen).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import LinearSegmentedColormap, LogNorm, Normalize
from matplotlib.image import AxesImage
from matplotlib.path import Path as MplPath
from pyproj import CRS

from geofront.errors import SchemaError
from geofront.maps import style
from geofront.maps.labels import label_anchors
from geofront.maps.style import Z

log = logging.getLogger(__name__)


# --- geometry -> paths ----------------------------------------------------------------


def _in_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, crs: Any) -> gpd.GeoSeries:
    geo = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    if geo.crs is None:
        raise SchemaError("layer has no CRS: set one before mapping (e.g. set_crs('EPSG:4326'))")
    return geo.to_crs(crs)


def _prepared(
    geoms: gpd.GeoSeries, *, simplify_m: float | None, clip: tuple[float, ...] | None
) -> np.ndarray:
    arr = np.asarray(geoms.array, dtype=object)
    arr = np.where(pd.isna(arr), shapely.Polygon(), arr)
    if clip is not None:
        arr = shapely.clip_by_rect(arr, *clip)
    if simplify_m:
        arr = shapely.simplify(arr, simplify_m, preserve_topology=True)
    return arr


def polygon_paths(geoms: np.ndarray) -> list[MplPath]:
    """Return one compound matplotlib path per (multi)polygon, holes included.

    Rings are oriented (exteriors counter-clockwise, holes clockwise) so holes stay
    empty under both fill rules. Empty or non-polygonal geometries give empty paths.
    """
    arr = np.asarray(geoms, dtype=object)
    n = len(arr)
    if n == 0:
        return []
    polygonal = np.isin(shapely.get_type_id(arr), (3, 6)) & ~shapely.is_empty(arr)
    out: list[MplPath] = [MplPath(np.zeros((0, 2))) for _ in range(n)]
    if not polygonal.any():
        return out
    shapes = shapely.orient_polygons(arr[polygonal], exterior_cw=False)
    _, coords, offsets = shapely.to_ragged_array(shapes)
    if len(offsets) == 2:  # all single polygons: one polygon per geometry
        ring_off, poly_off = offsets
        geom_off = np.arange(len(poly_off))
    else:
        ring_off, poly_off, geom_off = offsets
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[ring_off[:-1]] = MplPath.MOVETO
    codes[ring_off[1:] - 1] = MplPath.CLOSEPOLY
    starts = ring_off[poly_off[geom_off[:-1]]]
    ends = ring_off[poly_off[geom_off[1:]]]
    for i, a, b in zip(np.flatnonzero(polygonal), starts, ends, strict=True):
        out[i] = MplPath(coords[a:b], codes[a:b])
    return out


def line_segments(geoms: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Return the vertex arrays of every line part and the row each part comes from.

    Polygons contribute their rings; points and empties contribute nothing.
    """
    arr = np.asarray(geoms, dtype=object)
    if len(arr) == 0:
        return [], np.zeros(0, dtype=np.int64)
    polys = np.isin(shapely.get_type_id(arr), (3, 6))
    if polys.any():
        arr = arr.copy()
        arr[polys] = shapely.boundary(arr[polys])
    lines = np.isin(shapely.get_type_id(arr), (1, 2, 5)) & ~shapely.is_empty(arr)
    if not lines.any():
        return [], np.zeros(0, dtype=np.int64)
    parts, index = shapely.get_parts(arr[lines], return_index=True)
    keep = shapely.get_type_id(parts) != 0
    parts, index = parts[keep], index[keep]
    if len(parts) == 0:
        return [], np.zeros(0, dtype=np.int64)
    _, coords, (offsets,) = shapely.to_ragged_array(parts)
    segments = [coords[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    return segments, np.flatnonzero(lines)[index]


# --- polygons ---------------------------------------------------------------------------


def district_classes(districts: pd.DataFrame, *, graded: bool = False) -> np.ndarray:
    """The class each district is drawn in: its control status, or with ``graded`` its
    zone (:data:`geofront.schema.CONTROL_ZONES`); ``no data`` when missing or unknown."""
    column = "zone" if graded else "status"
    order = style.ZONE_ORDER if graded else style.STATUS_ORDER
    if column in districts.columns:
        values = districts[column].astype("string").fillna(style.NO_DATA).to_numpy()
    else:
        values = np.full(len(districts), style.NO_DATA, dtype=object)
    return np.where(np.isin(values, order), values, style.NO_DATA).astype(object)


def assumed_mask(districts: pd.DataFrame) -> np.ndarray:
    """True where a district's status is only the baseline's assumption (rule ``baseline``)."""
    if "rule" not in districts.columns:
        return np.zeros(len(districts), dtype=bool)
    return np.asarray(districts["rule"].astype("string").fillna("").to_numpy() == "baseline")


def has_zones(districts: pd.DataFrame) -> bool:
    """True when a control table carries graded zones (a filled ``zone`` column)."""
    return "zone" in districts.columns and bool(districts["zone"].notna().any())


def plot_districts(
    ax: Axes,
    districts: gpd.GeoDataFrame,
    *,
    crs: Any,
    graded: bool = False,
    simplify_m: float | None = None,
    clip: tuple[float, float, float, float] | None = None,
    edgecolor: str = style.DISTRICT_EDGE,
    linewidth: float = 0.3,
) -> PathCollection:
    """Fill districts by control status (or, with ``graded``, by zone).

    Parameters
    ----------
    ax : Axes
    districts : GeoDataFrame
        Districts with a ``status`` column (values of
        :data:`geofront.schema.CONTROL_STATUSES`; missing or other values are drawn as
        ``no data``, white and hatched), or with ``graded`` a ``zone`` column.
    crs : CRS-like
        The map CRS.
    graded : bool
        Colour by Kalyvas's five zones (:data:`geofront.maps.style.ZONE_COLORS`).
    simplify_m, clip : optional
        Simplification tolerance and clip rectangle ``(xmin, ymin, xmax, ymax)``, both in
        map CRS units.

    Returns
    -------
    PathCollection
        gid ``"districts"``; one path per input row, in input order; face colours are
        :func:`geofront.maps.style.class_color` of each row's class, or its pale
        :func:`geofront.maps.style.assumed_color` where the ``rule`` column says
        ``baseline`` (a status assumed, not found). Every face is opaque, so what the
        reader sees is exactly a legend swatch. Contested districts (status
        ``contested``, zone ``parity``) are covered by a hatched collection with gid
        ``"districts:contested"`` (the ISW convention), ``no data`` districts by one with
        gid ``"districts:no-data"``; each has a ``geofront_ids`` list of the rows'
        ``district_id`` when the frame has one.
    """
    classes = district_classes(districts, graded=graded)
    paths = polygon_paths(_prepared(_in_crs(districts, crs), simplify_m=simplify_m, clip=clip))
    assumed = assumed_mask(districts)
    colors = [
        style.assumed_color(c) if a else style.class_color(c)
        for c, a in zip(classes, assumed, strict=True)
    ]
    coll = PathCollection(
        paths,
        facecolors=colors,
        edgecolors=edgecolor,
        linewidths=linewidth,
        zorder=Z["districts"],
        gid="districts",
    )
    ax.add_collection(coll, autolim=False)
    ids = (
        districts["district_id"].astype(str).to_numpy()
        if "district_id" in districts.columns
        else np.arange(len(districts)).astype(str)
    )
    contested = np.isin(classes, list(style.CONTESTED_CLASSES))
    for mask, gid, hatch, colour in (
        (contested, "districts:contested", style.CONTESTED_HATCH, style.CONTESTED_HATCH_COLOR),
        (
            classes == style.NO_DATA,
            "districts:no-data",
            style.NO_DATA_HATCH,
            style.RC["hatch.color"],
        ),
    ):
        if mask.any():
            hatched = hatch_collection(
                [p for p, m in zip(paths, mask, strict=True) if m],
                hatch=hatch,
                color=colour,
                gid=gid,
            )
            hatched.geofront_ids = ids[mask].tolist()  # type: ignore[attr-defined]
            ax.add_collection(hatched, autolim=False)
    return coll


def hatch_collection(
    paths: list[MplPath], *, hatch: str, color: str, gid: str, zorder: float | None = None
) -> PathCollection:
    """Hatch lines of ``color`` over ``paths`` (no fill, no outline)."""
    kw = style.hatch_color_kwargs(color)
    return PathCollection(
        paths,
        facecolors="none",
        edgecolors=kw.get("edgecolor", "none"),
        linewidths=0.0,
        hatch=hatch,
        zorder=Z["districts"] + 0.01 if zorder is None else zorder,
        gid=gid,
        **{k: v for k, v in kw.items() if k != "edgecolor"},
    )


def plot_outlines(
    ax: Axes,
    frame: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    crs: Any,
    gid: str = "provinces",
    color: str = style.PROVINCE_EDGE,
    linewidth: float = 0.7,
    simplify_m: float | None = None,
    clip: tuple[float, float, float, float] | None = None,
    zorder: float | None = None,
) -> LineCollection:
    """Draw the outlines of polygons (province borders, country border).

    Returns
    -------
    LineCollection
        gid ``gid``; one segment per ring, in input row order.
    """
    segs, _ = line_segments(_prepared(_in_crs(frame, crs), simplify_m=simplify_m, clip=clip))
    coll = LineCollection(
        segs,
        colors=color,
        linewidths=linewidth,
        zorder=Z.get(gid, Z["provinces"]) if zorder is None else zorder,
        gid=gid,
        capstyle="round",
        joinstyle="round",
    )
    ax.add_collection(coll, autolim=False)
    return coll


def plot_neighbours(
    ax: Axes,
    neighbours: gpd.GeoDataFrame,
    *,
    crs: Any,
    view: tuple[float, float, float, float],
    name_column: str = "name",
    simplify_m: float | None = None,
) -> tuple[PathCollection, list[tuple[float, float, str, tuple[tuple[float, float], ...]]]]:
    """Fill neighbouring countries in grey; return where their names should go.

    Parameters
    ----------
    neighbours : GeoDataFrame
        Country polygons (e.g. dataset ``"afg-neighbours"`` without the mapped country).
    view : (xmin, ymin, xmax, ymax)
        The map extent in map CRS units; names go inside the part of each country in it.

    Returns
    -------
    collection : PathCollection
        gid ``"neighbours"``.
    names : list of (x, y, name, more anchors)
        Label anchors in map coordinates for every country showing at least 0.2 % of
        the view, largest first; :func:`neighbour_label_specs` makes them label specs.
    """
    margin = 0.25 * max(view[2] - view[0], view[3] - view[1])
    clip = (view[0] - margin, view[1] - margin, view[2] + margin, view[3] + margin)
    geoms = _prepared(_in_crs(neighbours, crs), simplify_m=simplify_m, clip=clip)
    coll = PathCollection(
        polygon_paths(geoms),
        facecolors=style.NEIGHBOUR_FILL,
        edgecolors=style.NEIGHBOUR_EDGE,
        linewidths=0.5,
        zorder=Z["neighbours"],
        gid="neighbours",
    )
    ax.add_collection(coll, autolim=False)
    inner = shapely.clip_by_rect(geoms, *view)
    area = shapely.area(inner)
    view_area = (view[2] - view[0]) * (view[3] - view[1])
    names = (
        neighbours[name_column].astype(str).to_numpy()
        if name_column in neighbours.columns
        else np.array([""] * len(neighbours))
    )
    anchors = []
    for i in np.argsort(-area, kind="stable"):
        if area[i] < 0.002 * view_area or not names[i]:
            continue
        points = label_anchors(inner[i])
        (x, y), more = points[0], tuple(points[1:])
        anchors.append((x, y, names[i], more))
    return coll, anchors


def neighbour_label_specs(
    anchors: list[tuple[float, float, str, tuple[tuple[float, float], ...]]],
) -> list[Any]:
    """Label specs (kind ``region``) of the countries :func:`plot_neighbours` found in view:
    every one is tried at several points inside its visible part and at smaller sizes."""
    from geofront.maps.labels import LabelSpec

    return [
        LabelSpec(x, y, name, "region", 1e12 + i, anchors=more, fontsizes=(7.0, 6.0))
        for i, (x, y, name, more) in enumerate(anchors)
    ]


def plot_veil(
    ax: Axes,
    focus: Any,
    *,
    view: tuple[float, float, float, float],
    alpha: float = 0.55,
) -> PathCollection:
    """Fade everything outside ``focus`` (a polygon in map CRS) with a white veil.

    Returns a PathCollection with gid ``"veil"``.
    """
    margin = max(view[2] - view[0], view[3] - view[1])
    box = shapely.box(view[0] - margin, view[1] - margin, view[2] + margin, view[3] + margin)
    veil = shapely.difference(box, focus)
    coll = PathCollection(
        polygon_paths(np.array([veil], dtype=object)),
        facecolors=(1.0, 1.0, 1.0, alpha),
        edgecolors="none",
        zorder=Z["veil"],
        gid="veil",
    )
    ax.add_collection(coll, autolim=False)
    return coll


def plot_rings(
    ax: Axes,
    rings: gpd.GeoDataFrame,
    *,
    crs: Any,
    value_column: str = "hostility",
    vmin: float = 0.0,
    vmax: float = 1.0,
    cmap: str | Any = "hostility",
    alpha: float | None = None,
) -> PathCollection:
    """Shade rings/sectors around a city by a value (hostility share, 0..1 by default).

    Rows whose value is missing are drawn unfilled. Returns a PathCollection with gid
    ``"rings"`` whose ``get_array()`` holds the values (for a colour bar).
    """
    cm = hostility_cmap() if cmap == "hostility" else cmap
    if hasattr(cm, "with_extremes"):
        cm = cm.with_extremes(bad=(1, 1, 1, 0))
    values = (
        pd.to_numeric(rings[value_column], errors="coerce").to_numpy(dtype=float)
        if value_column in rings.columns
        else np.full(len(rings), np.nan)
    )
    paths = polygon_paths(_prepared(_in_crs(rings, crs), simplify_m=None, clip=None))
    coll = PathCollection(
        paths,
        cmap=cm,
        norm=Normalize(vmin=vmin, vmax=vmax),
        edgecolors="#4d4d4d",
        linewidths=0.5,
        alpha=alpha,
        zorder=Z["rings"],
        gid="rings",
    )
    coll.set_array(np.ma.masked_invalid(values))
    ax.add_collection(coll, autolim=False)
    return coll


def hostility_cmap() -> LinearSegmentedColormap:
    """Transparent -> ColorBrewer Purples: the sequential scale of ring hostility.

    Purple keeps hostility apart from the red-orange of insurgent control; 0 is fully
    transparent so calm sectors leave the map beneath readable.
    """
    return LinearSegmentedColormap.from_list(
        "geofront_hostility",
        [
            (0.0, (1.0, 1.0, 1.0, 0.0)),
            (0.01, (0.855, 0.855, 0.922, 0.65)),
            (0.5, (0.62, 0.604, 0.784, 0.7)),
            (1.0, (0.247, 0.0, 0.49, 0.75)),
        ],
    )


# --- lines ------------------------------------------------------------------------------


def plot_frontlines(
    ax: Axes,
    lines: gpd.GeoDataFrame,
    *,
    crs: Any,
    class_column: str | None = None,
    clip: tuple[float, float, float, float] | None = None,
) -> dict[str, LineCollection]:
    """Draw frontline geometries, one styled collection per class.

    Parameters
    ----------
    lines : GeoDataFrame
        Line geometries with a class column (``"government-insurgent"``,
        ``"contested-insurgent"``, ...), e.g. from :func:`geofront.frontline.frontline_lines`.
    class_column : str, optional
        Default ``frontline_class``, else ``class``.

    Returns
    -------
    dict
        class -> LineCollection (gid ``"frontline:<class>"``), classes in sorted order;
        the segments are the vertices of the lines in the map CRS, in row order.
    """
    if len(lines) == 0:
        return {}
    geoms = _prepared(_in_crs(lines, crs), simplify_m=None, clip=clip)
    class_column = class_column or frontline_class_column(lines)
    classes = (
        lines[class_column].astype(str).to_numpy()
        if class_column in lines.columns
        else np.full(len(lines), "frontline", dtype=object)
    )
    segs, rows = line_segments(geoms)
    out: dict[str, LineCollection] = {}
    for cls in sorted(set(classes.tolist())):
        pick = [s for s, r in zip(segs, rows, strict=True) if classes[r] == cls]
        st = style.frontline_style(cls)
        halo = LineCollection(
            pick,
            colors="white",
            linewidths=st["linewidth"] + 1.6,
            alpha=0.9,
            zorder=Z["frontlines"] - 0.01,
            gid=f"frontline-halo:{cls}",
            capstyle="round",
            joinstyle="round",
        )
        coll = LineCollection(
            pick,
            colors=st["color"],
            linewidths=st["linewidth"],
            linestyles=[st["linestyle"]],
            zorder=Z["frontlines"],
            gid=f"frontline:{cls}",
            capstyle="round",
            joinstyle="round",
        )
        ax.add_collection(halo, autolim=False)
        ax.add_collection(coll, autolim=False)
        out[cls] = coll
    return out


def plot_roads(
    ax: Axes,
    roads: gpd.GeoDataFrame,
    *,
    crs: Any,
    clip: tuple[float, float, float, float] | None = None,
    simplify_m: float | None = None,
) -> LineCollection | None:
    """Draw main roads (context lines, :data:`geofront.maps.style.ROAD_STYLE`).

    Returns the LineCollection (gid ``"roads"``), or None when no road is in ``clip``.
    """
    segs, _ = line_segments(_prepared(_in_crs(roads, crs), simplify_m=simplify_m, clip=clip))
    if not segs:
        return None
    st = style.ROAD_STYLE
    coll = LineCollection(
        segs,
        colors=st["color"],
        linewidths=st["linewidth"],
        zorder=Z["roads"],
        gid="roads",
        capstyle="round",
        joinstyle="round",
    )
    ax.add_collection(coll, autolim=False)
    return coll


def frontline_class_column(lines: pd.DataFrame) -> str:
    """Name of the class column of a frontline frame (``frontline_class`` or ``class``)."""
    return "frontline_class" if "frontline_class" in lines.columns else "class"


def plot_graticule(
    ax: Axes,
    *,
    crs: Any,
    view: tuple[float, float, float, float],
    lonlat_bounds: tuple[float, float, float, float],
    step_deg: float | None = None,
) -> LineCollection:
    """Draw meridians and parallels (thin grey) every ``step_deg`` degrees.

    The step defaults to a round value giving 3-6 lines across the view. Returns a
    LineCollection with gid ``"graticule"``; its ``geofront_ticks`` attribute lists
    ``(kind, value, x_or_y)`` where each line meets the bottom (meridians) or left
    (parallels) edge of the view, for edge labels.
    """
    from pyproj import Transformer

    w, s, e, n = lonlat_bounds
    step = step_deg or _nice_step(max(e - w, n - s) / 4.0)
    fwd = Transformer.from_crs("EPSG:4326", CRS.from_user_input(crs), always_xy=True)
    lons = np.arange(np.floor(w / step) * step, e + step, step)
    lats = np.arange(np.floor(s / step) * step, n + step, step)
    pad = 2 * step
    segs = []
    ticks: list[tuple[str, float, float]] = []
    dense_lat = np.linspace(s - pad, n + pad, 200)
    dense_lon = np.linspace(w - pad, e + pad, 200)
    for lon in lons:
        x, y = fwd.transform(np.full_like(dense_lat, lon), dense_lat)
        segs.append(np.column_stack([x, y]))
        cross = _crossing(x, y, level=view[1])
        if cross is not None and view[0] < cross < view[2]:
            ticks.append(("lon", float(lon), cross))
    for lat in lats:
        x, y = fwd.transform(dense_lon, np.full_like(dense_lon, lat))
        segs.append(np.column_stack([x, y]))
        cross = _crossing(y, x, level=view[0])
        if cross is not None and view[1] < cross < view[3]:
            ticks.append(("lat", float(lat), cross))
    coll = LineCollection(
        segs, colors="#b4b4b4", linewidths=0.35, zorder=Z["graticule"], gid="graticule"
    )
    coll.geofront_ticks = ticks  # type: ignore[attr-defined]
    ax.add_collection(coll, autolim=False)
    return coll


def _crossing(a: np.ndarray, b: np.ndarray, *, level: float) -> float | None:
    """Value of ``a`` where ``b`` crosses ``level`` (first crossing), by interpolation."""
    d = b - level
    idx = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) <= 0)
    if len(idx) == 0:
        return None
    i = int(idx[0])
    t = 0.0 if d[i + 1] == d[i] else d[i] / (d[i] - d[i + 1])
    return float(a[i] + t * (a[i + 1] - a[i]))


def _nice_step(raw: float) -> float:
    for step in (0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0):
        if step >= raw:
            return step
    return 30.0


# --- rasters ---------------------------------------------------------------------------


def population_grid(
    raster: str | os.PathLike[str],
    *,
    crs: Any,
    view: tuple[float, float, float, float],
    width_px: int = 700,
) -> np.ndarray | None:
    """People per cell of ``raster`` warped onto a ``width_px``-wide grid over ``view``.

    Reads only a window covering the view. Returns None when the raster does not overlap
    the view or has no populated cell (value > 0) in it, e.g. a city beyond its coverage.
    """
    import rasterio
    from affine import Affine
    from rasterio.enums import Resampling
    from rasterio.warp import reproject, transform_bounds
    from rasterio.windows import from_bounds as window_from_bounds

    from geofront.raster import open_raster, read_valid

    dst_crs = CRS.from_user_input(crs)
    height_px = max(1, int(round(width_px * (view[3] - view[1]) / (view[2] - view[0]))))
    dst_transform = Affine(
        (view[2] - view[0]) / width_px, 0.0, view[0], 0.0, -(view[3] - view[1]) / height_px, view[3]
    )
    dest = np.full((height_px, width_px), np.nan, dtype="float32")
    with open_raster(raster) as (src, info):
        b = transform_bounds(dst_crs, src.crs, *view, densify_pts=21)
        sb = src.bounds
        if b[0] >= sb.right or b[2] <= sb.left or b[1] >= sb.top or b[3] <= sb.bottom:
            return None
        win = (
            window_from_bounds(
                max(b[0], sb.left),
                max(b[1], sb.bottom),
                min(b[2], sb.right),
                min(b[3], sb.top),
                transform=src.transform,
            )
            .round_offsets()
            .round_lengths()
        )
        win = win.intersection(rasterio.windows.Window(0, 0, src.width, src.height))
        data = np.ma.filled(read_valid(src, info, win).astype("float32"), np.nan)
        reproject(
            data,
            dest,
            src_transform=src.transform @ Affine.translation(win.col_off, win.row_off),
            src_crs=src.crs,
            src_nodata=np.nan,
            dst_transform=dst_transform,
            dst_crs=dst_crs,
            dst_nodata=np.nan,
            resampling=Resampling.nearest,
        )
    if not (np.isfinite(dest) & (dest > 0)).any():
        return None
    return dest


def plot_population(
    ax: Axes,
    raster: str | os.PathLike[str],
    *,
    crs: Any,
    view: tuple[float, float, float, float],
    width_px: int = 700,
    alpha: float = 0.9,
) -> AxesImage | None:
    """Draw a population raster as a muted grey backdrop, clipped to the view.

    The raster is read with a rasterio window covering only the view (plus a margin) and
    warped onto a grid of ``width_px`` columns in the map CRS, so the image has the right
    extent and shape in the map. Greys on a log scale from 5 people per cell (transparent)
    up to the view's 99.5th percentile (dark), so towns stand out and empty land stays
    clear; nodata is transparent.

    Returns
    -------
    AxesImage or None
        gid ``"population"``; None if the raster has no populated cell in the view.
    """

    dest = population_grid(raster, crs=crs, view=view, width_px=width_px)
    if dest is None:
        return None
    finite = dest[np.isfinite(dest) & (dest > 0)]
    vmax = float(np.percentile(finite, 99.5)) if len(finite) else 10.0
    cmap = LinearSegmentedColormap.from_list(
        "geofront_pop", [(1, 1, 1, 0), (0.55, 0.55, 0.55, 0.45), (0.2, 0.2, 0.2, 0.9)]
    ).with_extremes(bad=(1, 1, 1, 0), under=(1, 1, 1, 0))
    img = ax.imshow(
        np.ma.masked_invalid(np.where(dest > 0, dest, np.nan)),
        extent=(view[0], view[2], view[1], view[3]),
        origin="upper",
        cmap=cmap,
        norm=LogNorm(vmin=5.0, vmax=max(vmax, 50.0), clip=True),
        alpha=alpha,
        interpolation="nearest",
        zorder=Z["population"],
        gid="population",
    )
    return img
