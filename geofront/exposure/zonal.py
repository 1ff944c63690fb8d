"""Zonal sums of people: :func:`population_by_zone`, exact with partial cells
(exactextract), and what every exposure table shares (:func:`round_people`)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geofront.crs import require_crs
from geofront.errors import GeofrontWarning, InputError, SchemaError
from geofront.progress import percent_callback
from geofront.raster import PeopleSource, RasterInfo, RasterLike, open_raster

if TYPE_CHECKING:
    import rasterio

__all__ = ["COVERAGE", "PEOPLE_COLUMNS", "population_by_zone", "round_people"]

#: Column giving the fraction of a zone's area that lies over cells with data.
COVERAGE = "data_coverage"
_M_PER_DEG = 111_320.0


def population_by_zone(
    zones: gpd.GeoDataFrame,
    population: RasterLike = None,
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
    population : path, bundled dataset name or None
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
    require_geoframe(zones, "zones")
    require_crs(zones, "zones")
    if column in zones.columns:
        raise SchemaError(f"zones already have a column {column!r}: rename it or pass column='...'")
    geoms = np.asarray(zones.geometry.array, dtype=object)
    require_polygons(geoms, zones.index, "zones")
    with open_raster(population, band=band) as (ds, info):
        pop, cover = zonal_sums(
            geoms, CRS.from_user_input(zones.crs), ds, info, progress=progress, what="zones"
        )
    out = zones.copy()
    out[column] = pop
    out[COVERAGE] = cover
    return out


def zonal_sums(
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
    from exactextract import exact_extract

    frame = gpd.GeoDataFrame({"_i": np.arange(len(g))}, geometry=g, crs=info.crs.to_wkt())
    result = exact_extract(
        PeopleSource(ds, info),
        frame,
        ["sum", "count"],
        include_cols=["_i"],
        output="pandas",
        progress=percent_callback(progress, f"population of {what}"),
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


#: Columns of people counts (rounded to whole people in written tables).
PEOPLE_COLUMNS = ("population", "population_assumed", "people", "assumed_people")


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


def require_geoframe(frame: Any, what: str) -> None:
    """Raise unless ``frame`` is a GeoDataFrame."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(f"{what} must be a GeoDataFrame, not {type(frame).__name__}")


def require_polygons(geoms: np.ndarray, index: pd.Index, what: str) -> None:
    kind = shapely.get_type_id(geoms)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    bad = present & ~np.isin(kind, (3, 6, 7))  # Polygon, MultiPolygon, GeometryCollection
    if bad.any():
        i = np.flatnonzero(bad)[0]
        raise SchemaError(
            f"{what} row {index[i]} is a {geoms[i].geom_type}, not a polygon: "
            "use population_near() for lines or points"
        )


def _crs_name(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name
