"""Population exposure: people per zone, per unit, per control status, near lines and events.

Every count comes from a population raster of *people per cell* (the bundled WorldPop 2020
1 km raster ``afg-population`` by default; any GDAL raster with a CRS works).

Zonal sums (:func:`population_by_zone`) use `exactextract`_: each cell contributes its
value times the fraction of the cell covered by the zone, so zones that cut cells are
counted exactly (under the assumption that people are spread evenly inside a cell). The
zones are reprojected to the raster's CRS, never the raster to the zones (a raster warp
would resample and change the total); edges are densified first so that straight edges in
a metric CRS stay close to their true course in degrees. Nodata and NaN cells count as
unknown: they add nothing, and the ``data_coverage`` column says which fraction of each
zone lies over cells with data.

Uses built on it:

* :func:`population_by_unit` — districts and provinces; a province is the sum of its
  districts, so the two levels add up exactly (districts do not overlap).
* :func:`population_by_status` — people per control status from a control table.
* :func:`population_near` — people within a distance of lines (a frontline) or any
  geometry, buffers merged so that nobody is counted twice.
* :func:`event_exposure` — ACLED-style: people within ``radius_m`` of any event in a date
  window, each person counted once per group however many buffers overlap.

Metric buffers are built per UTM zone: each geometry is cut at the 6° zone edges and each
piece buffered in its own zone (scale error below 0.1 % within a zone at Afghan
latitudes), then merged in lon/lat. A single UTM zone for a country spanning several (41 to
43 for Afghanistan) would stretch distances by up to ~0.4 % at the far edge.

.. _exactextract: https://isciences.github.io/exactextract/
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from exactextract import exact_extract
from pyproj import CRS, Transformer
from scipy.spatial import cKDTree

from geofront.boundaries import AdminBoundaries
from geofront.crs import WGS84, require_crs
from geofront.errors import GeofrontWarning, InputError, SchemaError
from geofront.raster import (
    PeopleSource,
    RasterInfo,
    RasterLike,
    iter_cells,
    open_raster,
    window_for_bounds,
)
from geofront.schema import CONTROL_STATUSES

log = logging.getLogger(__name__)

#: Segments per quarter circle of a buffer (a 64-gon: 0.16 % less area than the circle).
QUAD_SEGS = 16
#: Column giving the fraction of a zone's area that lies over cells with data.
COVERAGE = "data_coverage"
_A = 6378137.0  # WGS 84 semi-major axis (m)
_E2 = 6.69437999014e-3  # WGS 84 first eccentricity squared
_M_PER_DEG = 111_320.0


# --------------------------------------------------------------------------------------
# zonal sums
# --------------------------------------------------------------------------------------


def population_by_zone(
    zones: gpd.GeoDataFrame,
    raster: RasterLike = None,
    *,
    band: int = 1,
    column: str = "population",
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Return the number of people in each zone, counting partial cells exactly.

    Parameters
    ----------
    zones : GeoDataFrame
        Polygons in any CRS (must have one). Any number, overlapping allowed (each zone
        is summed on its own). Null or empty geometries get 0 people.
    raster : path, bundled dataset name or None
        Raster of people per cell. ``None``: the bundled ``afg-population``.
    band : int
        1-based band of the raster.
    column : str
        Name of the output column with the people count.
    progress : bool
        Show a progress bar.

    Returns
    -------
    GeoDataFrame
        A copy of ``zones`` (same index, columns, geometry and CRS) with two columns added:
        ``column`` (float, people: the sum over cells of value × covered fraction) and
        ``data_coverage`` (float in [0, 1]: fraction of the zone's area over cells with
        data; below 1 where the zone leaves the raster or covers nodata cells). Zones
        entirely outside the raster get NaN in both, with a warning.

    Raises
    ------
    InputError
        Zones without CRS, non-polygon zones, an existing ``column``, zones all outside
        the raster, or a bad raster (see :func:`geofront.raster.open_raster`).
    """
    _require_frame(zones, "zones")
    require_crs(zones, "zones")
    if column in zones.columns:
        raise SchemaError(f"zones already have a column {column!r}: rename it or pass column='...'")
    geoms = np.asarray(zones.geometry.array, dtype=object)
    _require_polygons(geoms, zones.index, "zones")
    with open_raster(raster, band=band) as (ds, info):
        pop, cover = _zonal(
            geoms, CRS.from_user_input(zones.crs), ds, info, progress=progress, what="zones"
        )
    out = zones.copy()
    out[column] = pop
    out[COVERAGE] = cover
    return out


def _zonal(
    geoms: np.ndarray,
    crs: CRS,
    ds: rasterio.DatasetReader,
    info: RasterInfo,
    *,
    progress: bool = False,
    what: str = "zones",
) -> tuple[np.ndarray, np.ndarray]:
    """Return (people, data coverage) per geometry; geometries are in ``crs``."""
    n = len(geoms)
    pop = np.zeros(n)
    cover = np.full(n, np.nan)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return pop, cover
    g = _to_raster_crs(geoms[present], crs, info)
    invalid = ~shapely.is_valid(g)
    if invalid.any():
        warnings.warn(
            f"{what}: repaired {int(invalid.sum())} invalid polygon(s) with make_valid",
            GeofrontWarning,
            stacklevel=3,
        )
        g = g.copy()
        g[invalid] = shapely.make_valid(g[invalid])
    left, bottom, right, top = info.bounds
    b = shapely.bounds(g)
    overlaps = (b[:, 0] < right) & (b[:, 2] > left) & (b[:, 1] < top) & (b[:, 3] > bottom)
    idx = np.flatnonzero(present)
    if not overlaps.any():
        raise InputError(
            f"all {int(present.sum())} {what} lie outside population raster {info.path} "
            f"(bounds {left:.4f}, {bottom:.4f}, {right:.4f}, {top:.4f} in "
            f"{_crs_name(info.crs)}): check the {what}' CRS or give a raster that covers them"
        )
    if not overlaps.all():
        outside = idx[~overlaps]
        pop[outside] = np.nan
        warnings.warn(
            f"{len(outside)} of {len(geoms)} {what} lie entirely outside population raster "
            f"{info.path.name} (first: row {int(outside[0])}): their population is NaN",
            GeofrontWarning,
            stacklevel=3,
        )
    inside = idx[overlaps]
    g = g[overlaps]
    frame = gpd.GeoDataFrame({"_i": np.arange(len(g))}, geometry=g, crs=info.crs.to_wkt())
    result = exact_extract(
        PeopleSource(ds, info),
        frame,
        ["sum", "count"],
        include_cols=["_i"],
        output="pandas",
        progress=_progress_callback(progress, what),
    )
    result = result.sort_values("_i")
    sums = result["sum"].to_numpy(dtype="float64")
    counts = result["count"].to_numpy(dtype="float64")
    pop[inside] = np.nan_to_num(sums, nan=0.0)
    expected = shapely.area(g) / info.cell_area
    with np.errstate(invalid="ignore", divide="ignore"):
        cover[inside] = np.clip(np.where(expected > 0, counts / expected, np.nan), 0.0, 1.0)
    return pop, cover


def _to_raster_crs(geoms: np.ndarray, crs: CRS, info: RasterInfo) -> np.ndarray:
    """Reproject geometries to the raster's CRS, densifying edges to half a cell first."""
    if crs == info.crs:
        return geoms
    cell_m = np.sqrt(info.cell_area) * _unit_metres(info.crs)
    step = 0.5 * cell_m / _unit_metres(crs)
    dense = shapely.segmentize(geoms, step)
    return np.asarray(gpd.GeoSeries(dense, crs=crs).to_crs(info.crs).array, dtype=object)


def _unit_metres(crs: CRS) -> float:
    """Metres per CRS unit (a degree counts as 111.32 km, for densifying only)."""
    if crs.is_geographic:
        return _M_PER_DEG
    factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    return float(factor or 1.0)


def _progress_callback(progress: bool, what: str) -> Callable[[float, str], None] | bool:
    if not progress:
        return False
    from tqdm.auto import tqdm

    bar = tqdm(total=100, desc=f"population of {what}", unit="%", delay=0.5)

    def update(frac: float, message: str) -> None:
        bar.update(round(frac * 100) - bar.n)
        if frac >= 1:
            bar.close()

    return update


# --------------------------------------------------------------------------------------
# units and control
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitPopulation:
    """People per district and per province.

    Attributes
    ----------
    districts : GeoDataFrame
        ``boundaries.districts`` (same index, columns, CRS) with ``population`` and
        ``data_coverage``.
    provinces : GeoDataFrame
        ``boundaries.provinces`` with ``population`` = sum of its districts (so the levels
        add up exactly), ``n_districts`` and ``data_coverage`` (area-weighted).
    """

    districts: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame


def population_by_unit(
    boundaries: AdminBoundaries,
    raster: RasterLike = None,
    *,
    band: int = 1,
    progress: bool = False,
) -> UnitPopulation:
    """Return the people of every district and province.

    Districts are summed with :func:`population_by_zone`; a province is the sum of its
    districts. Since the bundled provinces are the dissolve of the districts, this equals
    the province polygons' own zonal sum to floating rounding (relative 1e-9), which the
    tests check.

    Parameters
    ----------
    boundaries : AdminBoundaries
        Districts and provinces, any CRS.
    raster, band, progress
        As in :func:`population_by_zone`.

    Returns
    -------
    UnitPopulation
    """
    districts = boundaries.districts
    with open_raster(raster, band=band) as (ds, info):
        geoms = np.asarray(districts.geometry.array, dtype=object)
        _require_polygons(geoms, districts.index, "districts")
        pop, cover = _zonal(
            geoms,
            CRS.from_user_input(districts.crs),
            ds,
            info,
            progress=progress,
            what="districts",
        )
    d = districts.copy()
    d["population"] = pop
    d[COVERAGE] = cover
    area = shapely.area(np.asarray(districts.geometry.array, dtype=object))
    agg = pd.DataFrame(
        {
            "province_id": districts["province_id"].to_numpy(),
            "population": pop,
            "covered": np.nan_to_num(cover) * area,
            "area": area,
        }
    ).groupby("province_id", sort=True)
    sums = agg.sum()
    p = boundaries.provinces.copy()
    key = p["province_id"]
    p["population"] = key.map(sums["population"]).fillna(0.0).to_numpy(dtype="float64")
    p["n_districts"] = key.map(agg.size()).fillna(0).astype("int64").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        p[COVERAGE] = (key.map(sums["covered"]) / key.map(sums["area"])).to_numpy(dtype="float64")
    return UnitPopulation(d, p)


def population_by_status(
    control: gpd.GeoDataFrame,
    raster: RasterLike = None,
    *,
    by: str | None = None,
    band: int = 1,
    progress: bool = False,
) -> pd.DataFrame:
    """Return the people living in districts of each control status.

    Parameters
    ----------
    control : GeoDataFrame
        A control table: one row per district (per date, with ``by``) with at least
        ``district_id`` and ``status`` (one of :data:`geofront.schema.CONTROL_STATUSES`)
        and the district geometry. Rows sharing a ``district_id`` must share geometry:
        each district is summed once and reused.
    raster, band, progress
        As in :func:`population_by_zone`.
    by : str, optional
        A further grouping column, e.g. ``"date"`` for a control timeline.

    Returns
    -------
    DataFrame
        One row per (``by`` value,) status, every status present (0 if none), in the
        order of ``CONTROL_STATUSES``. Columns: [``by``], ``status``, ``n_districts``,
        ``population`` (sum of the districts' people, so statuses add up exactly to the
        districts' total), ``share`` (of the group's total), and ``n_assumed`` and
        ``population_assumed``: the part of them whose status only the baseline assumes
        (rule ``baseline`` in the control table; 0 without a ``rule`` column).
    """
    _require_frame(control, "control table")
    require_crs(control, "control table")
    need = ["district_id", "status"] + ([by] if by else [])
    _require_columns(control, need, "control table")
    status = control["status"].astype("string")
    bad = ~status.isin(CONTROL_STATUSES).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        row = control.index[np.flatnonzero(bad)[0]]
        raise SchemaError(
            f"control table row {row}: status {status.loc[row]!r} is not one of "
            f"{', '.join(CONTROL_STATUSES)}; fix the control table"
        )
    first = control.drop_duplicates("district_id", keep="first")
    units = gpd.GeoDataFrame(
        {"district_id": first["district_id"].to_numpy()},
        geometry=first.geometry.to_numpy(),
        crs=control.crs,
    )
    with open_raster(raster, band=band) as (ds, info):
        geoms = np.asarray(units.geometry.array, dtype=object)
        _require_polygons(geoms, first.index, "control districts")
        pop, _ = _zonal(
            geoms,
            CRS.from_user_input(units.crs),
            ds,
            info,
            progress=progress,
            what="control districts",
        )
    people = pd.Series(pop, index=units["district_id"].to_numpy())
    population = control["district_id"].map(people).to_numpy(dtype="float64")
    assumed = (
        control["rule"].astype("string").fillna("").eq("baseline").to_numpy(dtype=bool)
        if "rule" in control.columns
        else np.zeros(len(control), dtype=bool)
    )
    table = pd.DataFrame(
        {
            "status": pd.Categorical(status.to_numpy(), categories=list(CONTROL_STATUSES)),
            "population": population,
            "assumed": assumed.astype("int64"),
            "population_assumed": np.where(assumed, population, 0.0),
        }
    )
    keys = ["status"]
    if by:
        table.insert(0, by, control[by].to_numpy())
        keys = [by, "status"]
    grouped = table.groupby(keys, observed=False, sort=True, dropna=False)
    out = grouped.agg(
        n_districts=("population", "size"),
        population=("population", "sum"),
        n_assumed=("assumed", "sum"),
        population_assumed=("population_assumed", "sum"),
    ).reset_index()
    out["n_districts"] = out["n_districts"].astype("int64")
    out["n_assumed"] = out["n_assumed"].astype("int64")
    totals = (
        out.groupby(by, sort=False, dropna=False)["population"].transform("sum")
        if by
        else (out["population"].sum())
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = (out["population"] / totals).astype("float64")
    out["status"] = out["status"].astype(str)
    return out[[*keys, "n_districts", "population", "share", "n_assumed", "population_assumed"]]


# --------------------------------------------------------------------------------------
# near lines and events
# --------------------------------------------------------------------------------------


def population_near(
    features: gpd.GeoDataFrame,
    raster: RasterLike = None,
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
    raster, band, progress
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
    _require_frame(features, "features")
    require_crs(features, "features")
    distances = _distances(distance_m, "distance_m")
    if by:
        _require_columns(features, [by], "features")
    geoms = np.asarray(features.to_crs(WGS84).geometry.array, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        raise InputError("features have no geometry: give lines, points or polygons")
    keys = features[by].to_numpy() if by else np.zeros(len(features), dtype="int64")
    groups = _group_codes(keys[present])
    rows: list[dict[str, Any]] = []
    zones: list[Any] = []
    for d in distances:
        idx, pieces = _buffer_lonlat(geoms[present], d)
        merged = _union_by(groups.codes[idx], pieces, len(groups.labels))
        for code, label in enumerate(groups.labels):
            row: dict[str, Any] = {by: label} if by else {}
            row.update(distance_m=float(d), n_features=int((groups.codes == code).sum()))
            rows.append(row)
            zones.append(merged[code])
    zone_geoms = np.asarray(zones, dtype=object)
    with open_raster(raster, band=band) as (ds, info):
        pop, cover = _zonal(zone_geoms, WGS84, ds, info, progress=progress, what="buffers")
    out = pd.DataFrame(rows)
    out["population"] = pop
    out[COVERAGE] = cover
    frame = gpd.GeoDataFrame(out, geometry=zone_geoms, crs=WGS84).to_crs(features.crs)
    sort = [by, "distance_m"] if by else ["distance_m"]
    return frame.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)


def event_exposure(
    events: gpd.GeoDataFrame,
    raster: RasterLike = None,
    *,
    radius_m: float | Sequence[float] = 5000.0,
    start: Any = None,
    end: Any = None,
    by: str | None = None,
    method: Literal["grid", "exact"] = "grid",
    oversample: int = 4,
    location_precisions: Sequence[str] | None = ("exact", "near"),
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
    raster, band, progress
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
    _require_frame(events, "events")
    require_crs(events, "events")
    radii = _distances(radius_m, "radius_m")
    if method not in ("grid", "exact"):
        raise InputError(f"method {method!r} is not 'grid' or 'exact'")
    if isinstance(oversample, bool) or not isinstance(oversample, int) or oversample < 1:
        raise InputError(f"oversample={oversample!r}: give a whole number >= 1")
    if by:
        _require_columns(events, [by], "events")
    picked = _in_window(events, start, end)
    if location_precisions is not None and "location_precision" in events.columns:
        picked = picked & events["location_precision"].isin(list(location_precisions)).to_numpy()
    lonlat = events.loc[picked].to_crs(WGS84) if picked.any() else events.iloc[:0]
    geoms = np.asarray(lonlat.geometry.array, dtype=object)
    _require_points(geoms, lonlat.index)
    keys = lonlat[by].to_numpy() if by else np.zeros(len(lonlat), dtype="int64")
    groups = _group_codes(keys)
    lon = shapely.get_x(geoms) if len(geoms) else np.zeros(0)
    lat = shapely.get_y(geoms) if len(geoms) else np.zeros(0)
    n_groups = len(groups.labels)
    pop = np.zeros((n_groups, len(radii)))
    with open_raster(raster, band=band) as (ds, info):
        if len(lon) and window_for_bounds(info, _search_bounds(lon, lat, max(radii), info)) is None:
            raise InputError(
                f"all {len(lon)} events (and their {max(radii):g} m surroundings) lie outside "
                f"population raster {info.path}: check the events' CRS or give a raster "
                "that covers them"
            )
        if method == "grid":
            for code in _progress(range(n_groups), progress, "event groups"):
                sel = groups.codes == code
                pop[code] = _grid_exposure(
                    lon[sel], lat[sel], radii, ds, info, oversample=oversample
                )
        else:
            zones: list[Any] = []
            for r in radii:
                idx, pieces = _buffer_lonlat(geoms, r)
                zones.extend(_union_by(groups.codes[idx], pieces, n_groups))
            z = np.asarray(zones, dtype=object)
            values, _ = _zonal(z, WGS84, ds, info, progress=progress, what="event buffers")
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


def _grid_exposure(
    lon: np.ndarray,
    lat: np.ndarray,
    radii: Sequence[float],
    ds: rasterio.DatasetReader,
    info: RasterInfo,
    *,
    oversample: int,
) -> np.ndarray:
    """People within each radius of the events (lon/lat points), on the raster grid.

    ``d`` is the distance from a cell's centre to the nearest event and ``h`` the
    distance from the centre to the cell's farthest corner (both 3-D chords on the
    ellipsoid). By the triangle inequality a cell with ``d + h <= r`` lies wholly within
    ``r`` of an event (counted whole) and one with ``d - h > r`` wholly outside. Edge
    cells in between are sampled at ``oversample`` x ``oversample`` sub-cell centres
    (``oversample=1``: the centre decides).
    """
    out = np.zeros(len(radii))
    if not len(lon):
        return out
    r_arr = np.asarray(radii, dtype="float64")
    rmax = float(r_arr.max())
    tree = cKDTree(_ecef(lon, lat))
    window = window_for_bounds(info, _search_bounds(lon, lat, rmax, info))
    if window is None:
        return out
    to_lonlat = Transformer.from_crs(info.crs, WGS84, always_xy=True)
    for rows, cols, values in iter_cells(ds, info, window):
        centre = _cell_points(rows + 0.5, cols + 0.5, info, to_lonlat)
        if oversample <= 1:
            dist, _ = tree.query(centre, k=1, distance_upper_bound=rmax * (1 + 1e-12), workers=-1)
            out += np.array([values[dist <= r].sum() for r in r_arr])
            continue
        half = _half_diagonals(rows, cols, centre, info, to_lonlat)
        dist, _ = tree.query(centre, k=1, distance_upper_bound=rmax + float(half.max()), workers=-1)
        inside = dist[:, None] + half[:, None] <= r_arr[None, :]
        edge = (~inside) & (dist[:, None] - half[:, None] <= r_arr[None, :])
        out += (values[:, None] * inside).sum(axis=0)
        refine = np.flatnonzero(edge.any(axis=1))
        if len(refine):
            frac = _edge_fractions(
                rows[refine], cols[refine], r_arr, tree, info, to_lonlat, oversample
            )
            out += (values[refine, None] * frac * edge[refine]).sum(axis=0)
    return out


def _half_diagonals(
    rows: np.ndarray,
    cols: np.ndarray,
    centre: np.ndarray,
    info: RasterInfo,
    to_lonlat: Transformer,
) -> np.ndarray:
    """Distance (m) from each cell's centre to its farthest corner, with a 1 % margin.

    In a geographic raster every cell of a row has the same shape, so it is computed once
    per row; otherwise per cell.
    """
    if info.crs.is_geographic:
        uniq, inverse = np.unique(rows, return_inverse=True)
        zero = np.zeros(len(uniq))
        ref = _cell_points(uniq + 0.5, zero + 0.5, info, to_lonlat)
        per_row = np.zeros(len(uniq))
        for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):
            corner = _cell_points(uniq + dr, zero + dc, info, to_lonlat)
            per_row = np.maximum(per_row, np.linalg.norm(corner - ref, axis=1))
        return 1.01 * per_row[inverse]
    half = np.zeros(len(rows))
    for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):
        corner = _cell_points(rows + dr, cols + dc, info, to_lonlat)
        half = np.maximum(half, np.linalg.norm(corner - centre, axis=1))
    return 1.01 * half  # cell edges are not quite straight chords


def _cell_points(
    rows: np.ndarray, cols: np.ndarray, info: RasterInfo, to_lonlat: Transformer
) -> np.ndarray:
    """ECEF coordinates of fractional (row, col) grid positions."""
    t = info.transform
    lon, lat = to_lonlat.transform(t.c + cols * t.a, t.f + rows * t.e)
    return _ecef(np.asarray(lon), np.asarray(lat))


def _edge_fractions(
    rows: np.ndarray,
    cols: np.ndarray,
    radii: np.ndarray,
    tree: cKDTree,
    info: RasterInfo,
    to_lonlat: Transformer,
    oversample: int,
) -> np.ndarray:
    """Fraction of each cell's sub-cell centres within each radius: shape (cells, radii)."""
    steps = (np.arange(oversample) + 0.5) / oversample
    dr, dc = (a.ravel() for a in np.meshgrid(steps, steps, indexing="ij"))
    sub_rows = (rows[:, None] + dr[None, :]).ravel()
    sub_cols = (cols[:, None] + dc[None, :]).ravel()
    pts = _cell_points(sub_rows, sub_cols, info, to_lonlat)
    dist, _ = tree.query(
        pts, k=1, distance_upper_bound=float(radii.max()) * (1 + 1e-12), workers=-1
    )
    dist = dist.reshape(len(rows), oversample * oversample)
    return np.stack([(dist <= r).mean(axis=1) for r in radii], axis=1)


def _search_bounds(
    lon: np.ndarray, lat: np.ndarray, radius_m: float, info: RasterInfo
) -> tuple[float, float, float, float]:
    """Bounds (raster CRS) of the events' box grown by ``radius_m`` and one cell."""
    dlat = radius_m / 110_000.0 + 1e-6
    south = max(float(lat.min()) - dlat, -90.0)
    north = min(float(lat.max()) + dlat, 90.0)
    coslat = np.cos(np.radians(max(abs(south), abs(north))))
    dlon = 360.0 if coslat < 1e-3 else radius_m / (111_000.0 * coslat) + 1e-6
    west, east = float(lon.min()) - dlon, float(lon.max()) + dlon
    if info.crs.is_geographic:
        b = (west, south, east, north)
    else:
        from rasterio.warp import transform_bounds

        b = transform_bounds(
            WGS84, info.crs, max(west, -180), south, min(east, 180), north, densify_pts=21
        )
    cell = np.sqrt(info.cell_area)
    return b[0] - cell, b[1] - cell, b[2] + cell, b[3] + cell


def _ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Earth-centred coordinates (m) of points on the WGS 84 ellipsoid."""
    lam, phi = np.radians(lon), np.radians(lat)
    sin_phi = np.sin(phi)
    n = _A / np.sqrt(1.0 - _E2 * sin_phi * sin_phi)
    cos_phi = np.cos(phi)
    return np.column_stack(
        (n * cos_phi * np.cos(lam), n * cos_phi * np.sin(lam), n * (1.0 - _E2) * sin_phi)
    )


def _buffer_lonlat(geoms: np.ndarray, distance_m: float) -> tuple[np.ndarray, np.ndarray]:
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
    zmin, zmax = _utm_zone(b[:, 0]), _utm_zone(b[:, 2])
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
            west = -180.0 + 6.0 * (zone - 1)
            piece = piece.copy()
            piece[spans] = shapely.clip_by_rect(piece[spans], west, -90.0, west + 6.0, 90.0)
            keep = ~shapely.is_empty(piece)
            sel, piece = sel[keep], piece[keep]
        epsg = (32700 if south else 32600) + zone
        metric = gpd.GeoSeries(piece, crs=WGS84).to_crs(epsg)
        buffered = shapely.buffer(
            np.asarray(metric.array, dtype=object), distance_m, quad_segs=QUAD_SEGS
        )
        back = gpd.GeoSeries(buffered, crs=epsg).to_crs(WGS84)
        out_idx.append(src[sel])
        out_geoms.append(np.asarray(back.array, dtype=object))
    return np.concatenate(out_idx), np.concatenate(out_geoms)


def _utm_zone(lon: np.ndarray) -> np.ndarray:
    return np.clip(np.floor((np.asarray(lon) + 180.0) / 6.0).astype("int64") + 1, 1, 60)


def _union_by(codes: np.ndarray, geoms: np.ndarray, n: int) -> list[Any]:
    """Union of ``geoms`` per group code 0..n-1 (empty polygon for a group without any)."""
    out: list[Any] = []
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n + 1))
    for i in range(n):
        part = geoms[order[bounds[i] : bounds[i + 1]]]
        out.append(shapely.union_all(part) if len(part) else shapely.Polygon())
    return out


# --------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    codes: np.ndarray
    labels: list[Any]


def _group_codes(keys: np.ndarray) -> _Groups:
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
    _require_columns(events, ["date"], "events")
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


#: Columns of people counts (rounded to whole people in written tables).
PEOPLE_COLUMNS = ("population", "population_assumed", "people")


def round_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for writing: people counts (:data:`PEOPLE_COLUMNS`) rounded to
    whole people (``Int64``, missing kept), shares and data coverage to 6 decimals.

    Sums over partial raster cells are fractional; a published table says "89,996
    people", not "89996.237".
    """
    out = frame.copy()
    for col in PEOPLE_COLUMNS:
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(0).astype("Int64")
    for col in ("share", "data_coverage"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(6)
    return out


def _require_frame(frame: Any, what: str) -> None:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(f"{what} must be a GeoDataFrame, not {type(frame).__name__}")


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(str(c) for c in frame.columns)
        raise SchemaError(f"{what} lack column(s) {', '.join(missing)}; they have {have}")


def _require_polygons(geoms: np.ndarray, index: pd.Index, what: str) -> None:
    kind = shapely.get_type_id(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    bad = present & ~np.isin(kind, (3, 6, 7))  # Polygon, MultiPolygon, GeometryCollection
    if bad.any():
        i = np.flatnonzero(bad)[0]
        raise SchemaError(
            f"{what} row {index[i]} is a {geoms[i].geom_type}, not a polygon: "
            "use population_near() for lines or points"
        )


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


def _crs_name(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _progress(items: Iterable[Any], progress: bool, desc: str) -> Iterable[Any]:
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, delay=0.5)


__all__ = [
    "round_people",
    "COVERAGE",
    "UnitPopulation",
    "event_exposure",
    "population_by_status",
    "population_by_unit",
    "population_by_zone",
    "population_near",
]
