"""People per district and province (:func:`population_by_unit`) and per control status
(:func:`population_by_status`)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geofront.boundaries import AdminBoundaries
from geofront.crs import require_crs
from geofront.errors import SchemaError
from geofront.exposure.zonal import COVERAGE, require_geoframe, require_polygons, zonal_sums
from geofront.raster import RasterLike, open_raster
from geofront.schema import CONTROL_STATUSES
from geofront.validate import check_frame

__all__ = ["PopulationResult", "UnitPopulation", "population_by_status", "population_by_unit"]


@dataclass(frozen=True)
class PopulationResult:
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


#: The earlier name of :class:`PopulationResult`, still importable.
UnitPopulation = PopulationResult


def population_by_unit(
    boundaries: AdminBoundaries,
    population: RasterLike = None,
    *,
    band: int = 1,
    progress: bool = False,
) -> PopulationResult:
    """Return the people of every district and province.

    Districts are summed with :func:`population_by_zone`; a province is the sum of its
    districts. Since the bundled provinces are the dissolve of the districts, this equals
    the province polygons' own zonal sum to floating rounding (relative 1e-9), which the
    tests check.

    Parameters
    ----------
    boundaries : AdminBoundaries
        Districts and provinces, any CRS.
    population, band, progress
        As in :func:`population_by_zone`.

    Returns
    -------
    PopulationResult
    """
    districts = boundaries.districts
    with open_raster(population, band=band) as (ds, info):
        geoms = np.asarray(districts.geometry.array, dtype=object)
        require_polygons(geoms, districts.index, "districts")
        pop, cover = zonal_sums(
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
    return PopulationResult(d, p)


def population_by_status(
    control: gpd.GeoDataFrame,
    population: RasterLike = None,
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
    population, band, progress
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
    require_geoframe(control, "control table")
    require_crs(control, "control table")
    need = ["district_id", "status"] + ([by] if by else [])
    check_frame(control, what="control table", columns=need, show_columns=True)
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
    with open_raster(population, band=band) as (ds, info):
        geoms = np.asarray(units.geometry.array, dtype=object)
        require_polygons(geoms, first.index, "control districts")
        pop, _ = zonal_sums(
            geoms,
            CRS.from_user_input(units.crs),
            ds,
            info,
            progress=progress,
            what="control districts",
        )
    people = pd.Series(pop, index=units["district_id"].to_numpy())
    per_row = control["district_id"].map(people).to_numpy(dtype="float64")
    assumed = (
        control["rule"].astype("string").fillna("").eq("baseline").to_numpy(dtype=bool)
        if "rule" in control.columns
        else np.zeros(len(control), dtype=bool)
    )
    table = pd.DataFrame(
        {
            "status": pd.Categorical(status.to_numpy(), categories=list(CONTROL_STATUSES)),
            "population": per_row,
            "assumed": assumed.astype("int64"),
            "population_assumed": np.where(assumed, per_row, 0.0),
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
