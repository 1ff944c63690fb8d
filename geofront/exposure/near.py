"""People near things: within a distance of lines or any features
(:func:`population_near`) and of the events of a window (:func:`event_exposure`).

Metric buffers are built per UTM zone (:func:`buffer_lonlat`); the grid method of
:func:`event_exposure` is in :mod:`geofront.exposure._grid`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geofront.crs import WGS84, require_crs, utm_epsg, utm_zone_west, utm_zones
from geofront.defaults import EVENT_RADIUS_M, LOCATION_PRECISIONS
from geofront.errors import InputError, SchemaError
from geofront.exposure._grid import grid_exposure, search_bounds
from geofront.exposure.zonal import COVERAGE, require_geoframe, zonal_sums
from geofront.progress import progress_bar
from geofront.raster import RasterLike, open_raster, window_for_bounds
from geofront.validate import check_frame

__all__ = ["QUAD_SEGS", "event_exposure", "population_near"]

#: Segments per quarter circle of a buffer (a 64-gon: 0.16 % less area than the circle).
QUAD_SEGS = 16


def population_near(
    features: gpd.GeoDataFrame,
    population: RasterLike = None,
    *,
    distance_m: float | Sequence[float],
    by: str | None = None,
    band: int = 1,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Return the people within ``distance_m`` of any feature (lines, points or polygons).

    Each feature is buffered in metres (per UTM zone, see the module notes), the buffers
    are merged (per ``by`` group) so that overlaps count once, and the merged zone is
    summed exactly with partial cells.

    Parameters
    ----------
    features : GeoDataFrame
        E.g. frontline segments. Any CRS (must have one).
    population, band, progress
        As in :func:`population_by_zone`.
    distance_m : float or sequence of float
        Buffer distance(s) in metres, > 0.
    by : str, optional
        Column to group features by (one merged zone per value).

    Returns
    -------
    GeoDataFrame
        One row per ([``by`` value,]) distance, sorted: columns [``by``], ``distance_m``,
        ``n_features``, ``population``, ``data_coverage`` and the merged zone as geometry
        in ``features``' CRS.
    """
    require_geoframe(features, "features")
    require_crs(features, "features")
    distances = _distances(distance_m, "distance_m")
    if by:
        check_frame(features, what="features", columns=[by], show_columns=True)
    geoms = np.asarray(features.to_crs(WGS84).geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        raise InputError("features have no geometry: give lines, points or polygons")
    keys = features[by].to_numpy() if by else np.zeros(len(features), dtype="int64")
    groups = group_codes(keys[present])
    rows: list[dict[str, Any]] = []
    zones: list[Any] = []
    for d in distances:
        idx, pieces = buffer_lonlat(geoms[present], d)
        merged = union_by(groups.codes[idx], pieces, len(groups.labels))
        for code, label in enumerate(groups.labels):
            row: dict[str, Any] = {by: label} if by else {}
            row.update(distance_m=float(d), n_features=int((groups.codes == code).sum()))
            rows.append(row)
            zones.append(merged[code])
    zone_geoms = np.asarray(zones, dtype=object)
    with open_raster(population, band=band) as (ds, info):
        pop, cover = zonal_sums(zone_geoms, WGS84, ds, info, progress=progress, what="buffers")
    out = pd.DataFrame(rows)
    out["population"] = pop
    out[COVERAGE] = cover
    frame = gpd.GeoDataFrame(out, geometry=zone_geoms, crs=WGS84).to_crs(features.crs)
    sort = [by, "distance_m"] if by else ["distance_m"]
    return frame.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)


def event_exposure(
    events: gpd.GeoDataFrame,
    population: RasterLike = None,
    *,
    radius_m: float | Sequence[float] = EVENT_RADIUS_M,
    start: Any = None,
    end: Any = None,
    by: str | None = None,
    method: Literal["grid", "exact"] = "grid",
    oversample: int = 4,
    location_precisions: Sequence[str] | None = LOCATION_PRECISIONS,
    band: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Return the people within ``radius_m`` of any event in a date window.

    Each person is counted once per group however many events are near.

    Parameters
    ----------
    events : GeoDataFrame
        Point events in any CRS (canonical events are EPSG:4326), with ``date`` (and
        optionally ``date_end``) when a window is given.
    population, band, progress
        As in :func:`population_by_zone`.
    radius_m : float or sequence of float
        Distance(s) in metres, e.g. ``(1000, 2000, 5000)``; one row per radius.
    start, end : date-like, optional
        Keep events whose ``[date, date_end]`` overlaps ``[start, end]`` (both inclusive).
    by : str, optional
        Column to group events by (e.g. ``"province"``): the people near each group's
        events, counted once within the group (a person may count in several groups).
    method : {"grid", "exact"}
        ``"grid"`` (default, fast, no buffers): distances from cell points to the nearest
        event with a k-d tree over the events, measured as straight 3-D chords between
        points on the WGS 84 ellipsoid (within 1 mm of the geodesic up to 10 km). A cell
        wholly within ``radius_m`` of an event counts whole, one wholly beyond counts
        nothing, and an edge cell counts the fraction of its ``oversample`` x
        ``oversample`` sub-cell centres that are within reach. Only cells in the events'
        box grown by the radius are read. ``"exact"``: the reference, the union of
        metric buffers (64-gons, per UTM zone) summed with exact partial cells; it
        unions every buffer, so it is slow for many events.
    oversample : int
        Sub-cells per side for edge cells in the ``"grid"`` method. ``1`` is the plain
        centre rule (a cell counts if its centre is within reach), which is coarse for
        radii close to the cell size; ``4`` (default) agrees with ``"exact"`` within a
        fraction of a percent (see ``benchmarks/bench_exposure.py``).
    location_precisions : sequence of str or None
        Count only events with these ``location_precision`` values (default exact and
        near): a region- or country-level event is placed at a stand-in point such as the
        provincial capital, and a buffer around it would count people it never touched.
        ``None`` keeps every event (and needs no ``location_precision`` column).

    Returns
    -------
    DataFrame
        One row per ([group,]) radius, sorted by group (NA last) then radius. Columns:
        [``by``], ``radius_m``, ``n_events`` (in the window), ``population``.
    """
    require_geoframe(events, "events")
    require_crs(events, "events")
    radii = _distances(radius_m, "radius_m")
    if method not in ("grid", "exact"):
        raise InputError(f"method {method!r} is not 'grid' or 'exact'")
    if isinstance(oversample, bool) or not isinstance(oversample, int) or oversample < 1:
        raise InputError(f"oversample={oversample!r}: give a whole number >= 1")
    if by:
        check_frame(events, what="events", columns=[by], show_columns=True)
    picked = _in_window(events, start, end)
    if location_precisions is not None and "location_precision" in events.columns:
        picked = picked & events["location_precision"].isin(list(location_precisions)).to_numpy()
    lonlat = events.loc[picked].to_crs(WGS84) if picked.any() else events.iloc[:0]
    geoms = np.asarray(lonlat.geometry.array, dtype=object)
    _require_points(geoms, lonlat.index)
    keys = lonlat[by].to_numpy() if by else np.zeros(len(lonlat), dtype="int64")
    groups = group_codes(keys)
    lon = shapely.get_x(geoms) if len(geoms) else np.zeros(0)
    lat = shapely.get_y(geoms) if len(geoms) else np.zeros(0)
    n_groups = len(groups.labels)
    pop = np.zeros((n_groups, len(radii)))
    with open_raster(population, band=band) as (ds, info):
        if len(lon) and window_for_bounds(info, search_bounds(lon, lat, max(radii), info)) is None:
            raise InputError(
                f"all {len(lon)} events (and their {max(radii):g} m surroundings) lie outside "
                f"population raster {info.path}: check the events' CRS or give a raster "
                "that covers them"
            )
        if method == "grid":
            for code in progress_bar(range(n_groups), enabled=progress, desc="event groups"):
                sel = groups.codes == code
                pop[code] = grid_exposure(
                    lon[sel], lat[sel], radii, ds, info, oversample=oversample
                )
        else:
            zones: list[Any] = []
            for r in radii:
                idx, pieces = buffer_lonlat(geoms, r)
                zones.extend(union_by(groups.codes[idx], pieces, n_groups))
            z = np.asarray(zones, dtype=object)
            values, _ = zonal_sums(z, WGS84, ds, info, progress=progress, what="event buffers")
            pop = np.nan_to_num(values).reshape(len(radii), n_groups).T
    rows = []
    for code, label in enumerate(groups.labels):
        n = int((groups.codes == code).sum())
        for j, r in enumerate(radii):
            row: dict[str, Any] = {by: label} if by else {}
            row.update(radius_m=float(r), n_events=n, population=float(pop[code, j]))
            rows.append(row)
    columns = [*([by] if by else []), "radius_m", "n_events", "population"]
    return pd.DataFrame(rows, columns=columns)


def buffer_lonlat(geoms: np.ndarray, distance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Buffer lon/lat geometries by metres, per UTM zone; return (source index, pieces).

    A geometry spanning several 6° zones is cut at the zone edges and each piece is
    buffered in its own zone; the pieces of one geometry overlap and are merged later.
    """
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    src = np.flatnonzero(present)
    g = geoms[present]
    if not len(g):
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype=object)
    not_point = shapely.get_type_id(g) != 0
    if not_point.any():
        g = g.copy()
        g[not_point] = shapely.segmentize(g[not_point], 0.01)
    b = shapely.bounds(g)
    zmin, zmax = utm_zones(b[:, 0]), utm_zones(b[:, 2])
    south = float(np.nanmean((b[:, 1] + b[:, 3]) / 2)) < 0
    out_idx: list[np.ndarray] = []
    out_geoms: list[np.ndarray] = []
    for zone in range(int(zmin.min()), int(zmax.max()) + 1):
        sel = np.flatnonzero((zmin <= zone) & (zmax >= zone))
        if not len(sel):
            continue
        piece = g[sel]
        spans = zmin[sel] != zmax[sel]
        if spans.any():
            west = utm_zone_west(zone)
            piece = piece.copy()
            piece[spans] = shapely.clip_by_rect(piece[spans], west, -90.0, west + 6.0, 90.0)
            keep = ~shapely.is_empty(piece)
            sel, piece = sel[keep], piece[keep]
        epsg = int(utm_epsg(zone, south=south))
        metric = gpd.GeoSeries(piece, crs=WGS84).to_crs(epsg)
        buffered = shapely.buffer(
            np.asarray(metric.array, dtype=object), distance_m, quad_segs=QUAD_SEGS
        )
        back = gpd.GeoSeries(buffered, crs=epsg).to_crs(WGS84)
        out_idx.append(src[sel])
        out_geoms.append(np.asarray(back.array, dtype=object))
    return np.concatenate(out_idx), np.concatenate(out_geoms)


def union_by(codes: np.ndarray, geoms: np.ndarray, n: int) -> list[Any]:
    """Union of ``geoms`` per group code 0..n-1 (empty polygon for a group without any)."""
    out: list[Any] = []
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    for i in range(n):
        part = geoms[order[bounds[i] : bounds[i + 1]]]
        out.append(shapely.union_all(part) if len(part) else shapely.Polygon())
    return out


@dataclass(frozen=True)
class _Groups:
    codes: np.ndarray
    labels: list[Any]


def group_codes(keys: np.ndarray) -> _Groups:
    """Sorted group labels (NA last) and each row's code."""
    codes, uniques = pd.factorize(pd.Series(keys), sort=True, use_na_sentinel=False)
    labels = list(uniques)
    if not labels:
        labels = [0] if keys.dtype.kind == "i" else []
    return _Groups(np.asarray(codes, dtype="int64"), labels)


def _distances(value: float | Sequence[float], name: str) -> list[float]:
    values: list[Any] = [value] if isinstance(value, int | float | np.number) else list(value)
    try:
        floats = sorted({float(v) for v in values})
    except (TypeError, ValueError):
        raise InputError(f"{name}={value!r} is not a distance in metres") from None
    if not floats or not all(np.isfinite(f) and f > 0 for f in floats):
        raise InputError(f"{name}={value!r}: give distances in metres greater than 0")
    return floats


def _in_window(events: gpd.GeoDataFrame, start: Any, end: Any) -> np.ndarray:
    """Boolean mask of events whose [date, date_end] overlaps [start, end]."""
    if start is None and end is None:
        return np.ones(len(events), dtype=bool)
    check_frame(events, what="events", columns=["date"], show_columns=True)
    first = pd.to_datetime(events["date"])
    missing = first.isna().to_numpy()
    if missing.any():
        row = events.index[np.flatnonzero(missing)[0]]
        raise SchemaError(f"events row {row}: no date, so it cannot be placed in the window")
    last = pd.to_datetime(events["date_end"]) if "date_end" in events.columns else first
    last = last.fillna(first)
    keep = np.ones(len(events), dtype=bool)
    if start is not None:
        keep &= (last >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        keep &= (first <= pd.Timestamp(end)).to_numpy()
    return keep


def _require_points(geoms: np.ndarray, index: pd.Index) -> None:
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        raise SchemaError(f"events row {index[np.flatnonzero(missing)[0]]} has no geometry")
    bad = shapely.get_type_id(geoms) != 0
    if bad.any():
        i = np.flatnonzero(bad)[0]
        raise SchemaError(
            f"events row {index[i]} is a {geoms[i].geom_type}, not a point: give point events"
        )
