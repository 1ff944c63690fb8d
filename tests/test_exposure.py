"""Tests of geofront.exposure and geofront.raster.

Synthetic rasters are written with rasterio in ``tmp_path`` with sums worked out by hand;
the bundled WorldPop raster is checked against rasterio directly.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from affine import Affine
from pyproj import Geod
from rasterio import features

import world as w
from geofront.errors import CRSError, DataFileError, GeofrontWarning, InputError, SchemaError
from geofront.exposure import (
    event_exposure,
    population_by_status,
    population_by_unit,
    population_by_zone,
    population_near,
)
from geofront.raster import open_raster, raster_total

NODATA = -99999.0
GEOD = Geod(ellps="WGS84")


def write_raster(
    path: Path,
    values: np.ndarray,
    *,
    west: float,
    north: float,
    cell: float,
    crs: str | None = w.UTM,
    nodata: float | None = NODATA,
    count: int = 1,
) -> Path:
    """A float32 GeoTIFF of ``values`` with its top-left corner at (west, north)."""
    profile = {
        "driver": "GTiff",
        "width": values.shape[1],
        "height": values.shape[0],
        "count": count,
        "dtype": "float32",
        "transform": Affine(cell, 0.0, west, 0.0, -cell, north),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        for band in range(1, count + 1):
            dst.write(values.astype("float32") * band, band)
    return path


# --------------------------------------------------------------------------------------
# a 4 x 4 raster of 1 km cells in UTM 41N, values 1..16 row by row from the top, the
# bottom-right cell (value 16) nodata:
#
#     y=4km  1  2  3  4
#            5  6  7  8
#            9 10 11 12
#     y=0   13 14 15  .
#          x=0         x=4km
# --------------------------------------------------------------------------------------


@pytest.fixture
def grid4(tmp_path: Path) -> Path:
    values = np.arange(1, 17, dtype="float64").reshape(4, 4)
    values[3, 3] = NODATA
    return write_raster(tmp_path / "grid4.tif", values, west=w.X0, north=w.Y0 + 4000, cell=1000)


def km_box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A box given in km from the synthetic origin."""
    return shapely.box(*w.xy(x0, y0), *w.xy(x1, y1))


def hand_zones() -> gpd.GeoDataFrame:
    zones = {
        # whole cells 1, 2, 5, 6
        "top_left_2x2": (km_box(0, 2, 2, 4), 14.0, 1.0),
        # cuts cells 1 and 2 in half: 1/2 + 2/2
        "half_cells": (km_box(0.5, 3, 1.5, 4), 1.5, 1.0),
        # triangle: lower-left half of cell 1
        "triangle": (
            shapely.Polygon([w.xy(0, 3), w.xy(1, 3), w.xy(0, 4)]),
            0.5,
            1.0,
        ),
        # cell 15 and the nodata cell: 15 people, half the area has data
        "with_nodata": (km_box(2, 0, 4, 1), 15.0, 0.5),
        # the whole raster (overlaps the others): 1+...+15
        "everything": (km_box(0, 0, 4, 4), 120.0, 15 / 16),
        # half outside the raster, left of cell 1
        "half_outside": (km_box(-1, 3, 1, 4), 1.0, 0.5),
    }
    return gpd.GeoDataFrame(
        {
            "expected": [v[1] for v in zones.values()],
            "expected_cover": [v[2] for v in zones.values()],
        },
        geometry=[v[0] for v in zones.values()],
        index=list(zones),
        crs=w.UTM,
    )


def test_population_by_zone_hand_sums(grid4: Path) -> None:
    zones = hand_zones()
    before = zones.copy()
    out = population_by_zone(zones, grid4)
    assert list(out.index) == list(zones.index)
    assert out.crs == zones.crs
    np.testing.assert_allclose(out["population"], zones["expected"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out["data_coverage"], zones["expected_cover"], rtol=1e-9)
    assert out.geometry.equals(zones.geometry)
    pd.testing.assert_frame_equal(zones, before)  # input untouched


def test_population_by_zone_reprojects_zones(grid4: Path) -> None:
    zones = hand_zones()
    # densified first so that the lon/lat polygons follow the straight UTM edges
    lonlat = zones.set_geometry(zones.segmentize(10.0)).to_crs("EPSG:4326")
    out = population_by_zone(lonlat, grid4, column="people")
    assert out.crs == lonlat.crs  # results in the caller's CRS
    np.testing.assert_allclose(out["people"], zones["expected"], rtol=1e-5)


def test_null_and_empty_zones_count_zero(grid4: Path) -> None:
    zones = gpd.GeoDataFrame(geometry=[None, shapely.Polygon(), km_box(0, 3, 1, 4)], crs=w.UTM)
    out = population_by_zone(zones, grid4)
    assert out["population"].tolist() == pytest.approx([0.0, 0.0, 1.0])


def test_some_zones_outside_raster_are_nan_with_warning(grid4: Path) -> None:
    zones = gpd.GeoDataFrame(geometry=[km_box(0, 3, 1, 4), km_box(50, 50, 51, 51)], crs=w.UTM)
    with pytest.warns(GeofrontWarning, match="1 of 2 zones lie entirely outside"):
        out = population_by_zone(zones, grid4)
    assert out["population"].iloc[0] == pytest.approx(1.0)
    assert np.isnan(out["population"].iloc[1])


def test_raster_total(grid4: Path) -> None:
    assert raster_total(grid4) == pytest.approx(120.0)


# --------------------------------------------------------------------------------------
# bad input: one line, a precise error class
# --------------------------------------------------------------------------------------


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_raster_without_crs(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "nocrs.tif", np.ones((2, 2)), west=0, north=2, cell=1, crs=None)
    with pytest.raises(CRSError) as exc:
        population_by_zone(hand_zones(), path)
    assert "has no CRS" in _one_line(exc) and "nocrs.tif" in str(exc.value)


def test_corrupt_raster(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.tif"
    path.write_bytes(b"II*\x00 this is not a tiff" * 10)
    with pytest.raises(DataFileError) as exc:
        population_by_zone(hand_zones(), path)
    assert "cannot read population raster" in _one_line(exc)


def test_missing_raster(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="does not exist"):
        population_by_zone(hand_zones(), tmp_path / "nope.tif")


def test_wrong_band(grid4: Path) -> None:
    with pytest.raises(InputError) as exc:
        population_by_zone(hand_zones(), grid4, band=2)
    assert "has 1 band(s); band 2 does not exist" in _one_line(exc)


def test_second_band_is_read(tmp_path: Path) -> None:
    path = write_raster(
        tmp_path / "two.tif", np.ones((4, 4)), west=w.X0, north=w.Y0 + 4000, cell=1000, count=2
    )
    out = population_by_zone(hand_zones().iloc[:1], path, band=2)
    assert out["population"].iloc[0] == pytest.approx(8.0)  # 4 cells of value 2


def test_zones_outside_raster(grid4: Path) -> None:
    zones = gpd.GeoDataFrame(geometry=[km_box(100, 100, 101, 101)], crs=w.UTM)
    with pytest.raises(InputError) as exc:
        population_by_zone(zones, grid4)
    assert "lie outside population raster" in _one_line(exc)


def test_zones_without_crs(grid4: Path) -> None:
    zones = gpd.GeoDataFrame(geometry=[km_box(0, 0, 1, 1)])
    with pytest.raises(CRSError, match="zones has no CRS"):
        population_by_zone(zones, grid4)


def test_zones_not_polygons(grid4: Path) -> None:
    zones = gpd.GeoDataFrame(geometry=[shapely.Point(*w.xy(1, 1))], index=["p"], crs=w.UTM)
    with pytest.raises(SchemaError, match="zones row p is a Point, not a polygon"):
        population_by_zone(zones, grid4)


def test_existing_column_refused(grid4: Path) -> None:
    zones = hand_zones().assign(population=1)
    with pytest.raises(SchemaError, match="already have a column 'population'"):
        population_by_zone(zones, grid4)


# --------------------------------------------------------------------------------------
# units and control on the synthetic world: a 40 x 40 km raster of 1 km cells where
# every cell of district 101 holds 1 person, 102: 2, 201: 3, 202: 4
# --------------------------------------------------------------------------------------


@pytest.fixture
def world_raster(tmp_path: Path) -> Path:
    values = np.empty((40, 40))
    values[:20, :20], values[:20, 20:] = 1, 2  # north: 101, 102
    values[20:, :20], values[20:, 20:] = 3, 4  # south: 201, 202
    return write_raster(tmp_path / "world.tif", values, west=w.X0, north=w.Y0 + 40000, cell=1000)


def test_population_by_unit_world(world, world_raster: Path) -> None:
    res = population_by_unit(world, world_raster)
    d = res.districts["population"]
    assert d.to_dict() == pytest.approx({"101": 400, "102": 800, "201": 1200, "202": 1600})
    p = res.provinces.set_index("province")
    assert p["population"].to_dict() == pytest.approx({"North": 1200, "South": 2800})
    assert p["n_districts"].tolist() == [2, 2]


def test_population_by_unit_wgs84(world_wgs84, world_raster: Path) -> None:
    # world_wgs84 has 4-vertex squares: 20 km edges straight in degrees bow a few metres
    # away from the straight UTM edges (0.3 people of 400 at most, 1 person per km2)
    d = population_by_unit(world_wgs84, world_raster).districts["population"]
    np.testing.assert_allclose(d.to_numpy(), [400, 800, 1200, 1600], rtol=1e-3)


def _control(world, statuses: dict[str, str]) -> gpd.GeoDataFrame:
    c = world.districts.copy()
    c["status"] = c["district_id"].map(statuses)
    return c


def test_population_by_status(world, world_raster: Path) -> None:
    control = _control(
        world, {"101": "government", "102": "insurgent", "201": "contested", "202": "insurgent"}
    )
    out = population_by_status(control, world_raster)
    assert out["status"].tolist() == ["government", "contested", "insurgent", "unknown"]
    assert out["population"].tolist() == pytest.approx([400, 1200, 2400, 0])
    assert out["n_districts"].tolist() == [1, 1, 2, 0]
    assert out["share"].tolist() == pytest.approx([0.1, 0.3, 0.6, 0.0])
    assert out["n_assumed"].tolist() == [0, 0, 0, 0]
    # statuses only the baseline assumes are counted apart: 101 (400 people) and 202 (1600)
    control["rule"] = ["baseline", "assessment", "dominance", "baseline"]
    out = population_by_status(control, world_raster)
    assert out["n_assumed"].tolist() == [1, 0, 1, 0]
    assert out["population_assumed"].tolist() == pytest.approx([400, 0, 1600, 0])
    assert out["population"].tolist() == pytest.approx([400, 1200, 2400, 0])


def test_population_by_status_timeline(world, world_raster: Path) -> None:
    a = _control(world, dict.fromkeys(("101", "102", "201", "202"), "government"))
    b = _control(
        world, {"101": "insurgent", "102": "insurgent", "201": "government", "202": "government"}
    )
    control = pd.concat([a.assign(date="2021-07-01"), b.assign(date="2021-08-01")])
    out = population_by_status(control, world_raster, by="date").set_index(["date", "status"])
    assert out.loc[("2021-07-01", "government"), "population"] == pytest.approx(4000)
    assert out.loc[("2021-08-01", "insurgent"), "population"] == pytest.approx(1200)
    assert out.loc[("2021-08-01", "government"), "share"] == pytest.approx(0.7)


def test_population_by_status_bad_status(world, world_raster: Path) -> None:
    control = _control(world, dict.fromkeys(("101", "102", "201", "202"), "government"))
    control.loc["102", "status"] = "taliban"
    with pytest.raises(SchemaError, match="row 102: status 'taliban' is not one of"):
        population_by_status(control, world_raster)


# --------------------------------------------------------------------------------------
# near lines and events, on a geographic raster of 0.01 degree cells, one person each,
# around 66 E (the edge between UTM zones 41 and 42), 34.8-35.2 N
# --------------------------------------------------------------------------------------

WEST, NORTH, CELL = 65.8, 35.2, 0.01


@pytest.fixture
def ones(tmp_path: Path) -> Path:
    return write_raster(
        tmp_path / "ones.tif",
        np.ones((40, 40)),
        west=WEST,
        north=NORTH,
        cell=CELL,
        crs="EPSG:4326",
    )


def _cell_area_km2(lat: float) -> float:
    """Geodesic area of a 0.01 degree cell centred at ``lat`` (km2)."""
    lons = [66.0, 66.01, 66.01, 66.0]
    lats = [lat - 0.005, lat - 0.005, lat + 0.005, lat + 0.005]
    return abs(GEOD.polygon_area_perimeter(lons, lats)[0]) / 1e6


def _points(lonlat: list[tuple[float, float]], **cols: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        cols, geometry=[shapely.Point(x, y) for x, y in lonlat], crs="EPSG:4326"
    )


def _centre_rule(lonlat: list[tuple[float, float]], radius_m: float) -> int:
    """Brute force: cells of ``ones`` whose centre is within radius of an event (Geod)."""
    lon = WEST + CELL * (np.arange(40) + 0.5)
    lat = NORTH - CELL * (np.arange(40) + 0.5)
    glon, glat = (a.ravel() for a in np.meshgrid(lon, lat))
    near = np.zeros(glon.size, dtype=bool)
    for x, y in lonlat:
        _, _, dist = GEOD.inv(np.full(glon.size, x), np.full(glon.size, y), glon, glat)
        near |= dist <= radius_m
    return int(near.sum())


def test_event_exposure_centre_rule_matches_brute_force(ones: Path) -> None:
    events = [(66.003, 35.004), (66.03, 35.0), (65.95, 35.06)]
    for r in (1500.0, 3000.0):
        out = event_exposure(_points(events), ones, radius_m=r, oversample=1)
        assert out["population"].iloc[0] == _centre_rule(events, r)


def test_event_exposure_circle_area(ones: Path) -> None:
    # one event: about pi r^2 / cell area people; the exact 64-gon has 0.16 % less area
    expected = math.pi * 5.0**2 / _cell_area_km2(35.0)
    ev = _points([(66.0, 35.0)])
    exact = event_exposure(ev, ones, radius_m=5000, method="exact")["population"].iloc[0]
    grid = event_exposure(ev, ones, radius_m=5000)["population"].iloc[0]
    assert exact == pytest.approx(expected * (1 - 0.0016), rel=2e-3)
    assert grid == pytest.approx(expected, rel=1e-2)


def test_event_exposure_counts_overlaps_once(ones: Path) -> None:
    one = event_exposure(_points([(66.0, 35.0)]), ones, radius_m=3000)
    two = event_exposure(_points([(66.0, 35.0), (66.0, 35.0)]), ones, radius_m=3000)
    assert two["population"].iloc[0] == pytest.approx(one["population"].iloc[0])
    assert two["n_events"].iloc[0] == 2
    pair = [(66.0, 35.0), (66.03, 35.0)]  # 2.7 km apart: the 3 km discs overlap
    both = event_exposure(_points(pair), ones, radius_m=3000, oversample=1)
    assert both["population"].iloc[0] == _centre_rule(pair, 3000)
    assert both["population"].iloc[0] < 2 * one["population"].iloc[0]


def test_event_exposure_skips_region_and_country_placements(ones: Path) -> None:
    # a province-level event sits on a stand-in point (the capital): it exposes nobody
    one = event_exposure(_points([(66.0, 35.0)]), ones, radius_m=3000)
    ev = _points(
        [(66.0, 35.0), (66.1, 35.1), (65.9, 35.1)],
        location_precision=["exact", "region", "country"],
    )
    out = event_exposure(ev, ones, radius_m=3000)
    assert out["n_events"].iloc[0] == 1
    assert out["population"].iloc[0] == pytest.approx(one["population"].iloc[0])
    every = event_exposure(ev, ones, radius_m=3000, location_precisions=None)
    assert every["n_events"].iloc[0] == 3
    assert every["population"].iloc[0] > 2.5 * one["population"].iloc[0]


def test_event_exposure_grid_converges_to_exact(ones: Path) -> None:
    # edge cells are sampled at oversample^2 points: the error shrinks as it grows, down
    # to the 0.16-0.2 % by which the exact method's 64-gons fall short of circles
    ev = _points([(65.93, 35.1), (65.96, 35.11), (66.02, 35.0), (66.05, 34.93)])
    radii = [1000.0, 2000.0, 5000.0]
    exact = event_exposure(ev, ones, radius_m=radii, method="exact")
    for oversample, rtol in ((4, 0.05), (32, 0.005)):
        grid = event_exposure(ev, ones, radius_m=radii, oversample=oversample)
        assert grid["radius_m"].tolist() == radii
        np.testing.assert_allclose(grid["population"], exact["population"], rtol=rtol)


def test_event_exposure_by_group_and_window(ones: Path) -> None:
    ev = _points(
        [(66.0, 35.0), (66.01, 35.0), (65.9, 35.1), (65.9, 35.1)],
        province=["A", "A", "B", "C"],
        date=pd.to_datetime(["2021-07-01", "2021-07-05", "2021-07-02", "2021-06-01"]),
    )
    out = event_exposure(
        ev, ones, radius_m=2000, by="province", start="2021-07-01", end="2021-07-31"
    )
    assert out["province"].tolist() == ["A", "B"]
    assert out["n_events"].tolist() == [2, 1]
    alone_a = event_exposure(ev.iloc[:2], ones, radius_m=2000)["population"].iloc[0]
    alone_b = event_exposure(ev.iloc[2:3], ones, radius_m=2000)["population"].iloc[0]
    assert out["population"].tolist() == pytest.approx([alone_a, alone_b])
    none = event_exposure(ev, ones, radius_m=2000, start="2022-01-01")
    assert none["n_events"].tolist() == [0] and none["population"].tolist() == [0.0]


def test_event_exposure_window_uses_date_end(ones: Path) -> None:
    ev = _points(
        [(66.0, 35.0)], date=pd.to_datetime(["2021-06-20"]), date_end=pd.to_datetime(["2021-07-03"])
    )
    out = event_exposure(ev, ones, radius_m=2000, start="2021-07-01")
    assert out["n_events"].iloc[0] == 1


def test_event_exposure_bad_input(ones: Path) -> None:
    ev = _points([(66.0, 35.0)])
    with pytest.raises(InputError, match="greater than 0"):
        event_exposure(ev, ones, radius_m=-5)
    with pytest.raises(SchemaError, match="lack column"):
        event_exposure(ev, ones, start="2021-07-01")
    with pytest.raises(CRSError):
        event_exposure(gpd.GeoDataFrame(geometry=[shapely.Point(66, 35)]), ones)
    with pytest.raises(InputError, match="all 1 events .* lie outside population raster"):
        event_exposure(_points([(10.0, 50.0)]), ones)
    line = gpd.GeoDataFrame(geometry=[shapely.LineString([(66, 35), (66.1, 35)])], crs=4326)
    with pytest.raises(SchemaError, match="not a point"):
        event_exposure(line, ones)


def test_population_near_line_across_utm_zones(ones: Path) -> None:
    # a 0.2 degree line along 35 N crossing 66 E (UTM 41 | 42), buffered 2 km:
    # area = 2 * 2 km * length + pi * 2 km^2
    line = gpd.GeoDataFrame(
        {"side": ["front"]},
        geometry=[shapely.LineString([(65.9, 35.0), (66.1, 35.0)])],
        crs="EPSG:4326",
    )
    length_km = GEOD.geometry_length(line.geometry.iloc[0]) / 1000
    area = 2 * 2.0 * length_km + math.pi * 2.0**2
    out = population_near(line, ones, distance_m=[2000, 1000])
    assert out["distance_m"].tolist() == [1000.0, 2000.0]
    people = out["population"].iloc[1]
    assert people == pytest.approx(area / _cell_area_km2(35.0), rel=5e-3)
    assert out.crs == line.crs
    assert out["n_features"].tolist() == [1, 1]


# --------------------------------------------------------------------------------------
# the bundled WorldPop raster and the 398 districts
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def afg_units(afghanistan):
    return population_by_unit(afghanistan)


def test_bundled_raster_total() -> None:
    with open_raster(None) as (ds, info):
        direct = float(ds.read(1, masked=True).sum(dtype="float64"))
    assert info.nodata == NODATA
    assert raster_total() == pytest.approx(direct, rel=1e-12)
    assert direct == pytest.approx(30.41e6, rel=1e-3)  # data/SOURCES.md: "sum is 30.41 million"


def test_zone_covering_the_raster_sums_to_its_total() -> None:
    # the zonal engine loses nothing: one zone over the raster's whole extent (nodata cells
    # included) gives the raster total; the country outline differs only by the people
    # WorldPop places outside the AIMS outline (see the next test)
    with open_raster(None) as (ds, info):
        zone = gpd.GeoDataFrame(geometry=[shapely.box(*info.bounds)], crs=info.crs)
    out = population_by_zone(zone)
    assert out["population"].iloc[0] == pytest.approx(raster_total(), rel=1e-6)


def test_country_sum_against_rasterio(afghanistan, afg_units) -> None:
    outline = afghanistan.outline()
    country = population_by_zone(gpd.GeoDataFrame(geometry=[outline], crs=afghanistan.crs))
    country_sum = float(country["population"].iloc[0])
    districts_sum = float(afg_units.districts["population"].sum())
    assert districts_sum == pytest.approx(country_sum, rel=1e-9)
    with open_raster(None) as (ds, info):
        values = ds.read(1, masked=True).filled(0).astype("float64")
        shape, transform = values.shape, info.transform
        box = shapely.box(*info.bounds)
        centre_in = features.rasterize([outline], out_shape=shape, transform=transform) == 1
        touched = (
            features.rasterize([outline], out_shape=shape, transform=transform, all_touched=True)
            == 1
        )
        outside_touched = (
            features.rasterize(
                [box.difference(outline)], out_shape=shape, transform=transform, all_touched=True
            )
            == 1
        )
    # rasterio alone: cells whose centre is in the country hold the same people within 0.1 %
    assert country_sum == pytest.approx(values[centre_in].sum(), rel=1e-3)
    # the rest of the raster total lies outside the outline: between the cells wholly
    # outside and the cells not wholly inside
    missing = values.sum() - country_sum
    assert values[~touched].sum() <= missing <= values[outside_touched].sum()


def test_districts_add_up_to_provinces(afghanistan, afg_units) -> None:
    assert len(afg_units.districts) == 398
    independent = population_by_zone(afghanistan.provinces)["population"]
    summed = afg_units.provinces["population"]
    np.testing.assert_allclose(summed.to_numpy(), independent.to_numpy(), rtol=1e-9)
    assert afg_units.provinces["n_districts"].sum() == 398
