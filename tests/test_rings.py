"""Rings and sectors around cities (geofront.siege.rings), checked against independent geodesy.

Areas and distances are measured with pyproj's Geod on the WGS 84 ellipsoid, independently
of the azimuthal-equidistant projection the rings are drawn in.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

import world as w
from geofront.errors import InputError
from geofront.places import read_cities
from geofront.siege import SiegeThresholds
from geofront.siege.rings import RING_COLUMNS, check_ring_options, outskirt_rings

GEOD = Geod(ellps="WGS84")


def world_cities() -> gpd.GeoDataFrame:
    return w.cities().rename(columns={"name": "city"})


@pytest.mark.parametrize("name", ["Qala-i-Naw", "Fayzabad"])  # UTM 41N and 42N
def test_ring_areas_are_true_areas(name):
    cities = read_cities()
    city = cities[cities["city"] == name]
    rings = outskirt_rings(city, sectors=None)
    assert rings.crs.to_epsg() == 4326
    assert rings["ring"].tolist() == ["core", "outskirts", "approaches"]
    # Geodesic area on the WGS 84 ellipsoid of the lon/lat polygons (independent of the
    # AEQD used to build them) against the plane formula pi (r2^2 - r1^2): a geodesic
    # circle of 50 km has an area within 1e-5 of pi r^2, so 0.5 % is a loose bound that a
    # degree buffer (about 18 % off at 35-37 N) cannot meet.
    for ring in rings.itertuples():
        expected = np.pi * (ring.outer_m**2 - ring.inner_m**2)
        area, _ = GEOD.geometry_area_perimeter(ring.geometry)
        assert abs(area) == pytest.approx(expected, rel=0.005)
        assert ring.area_km2 * 1e6 == pytest.approx(expected, rel=0.005)
    # and the 16 sectors of each ring add up to it, in an equal-area CRS too
    sectors = outskirt_rings(city).to_crs("EPSG:6933")
    by_ring = sectors.geometry.area.groupby(sectors["ring_index"]).sum().to_numpy()
    expected = np.pi * np.diff(np.array([0, 5000, 20000, 50000.0]) ** 2)
    np.testing.assert_allclose(by_ring, expected, rtol=0.005)


def test_ring_edge_at_true_distance():
    cities = read_cities()
    city = cities[cities["city"] == "Fayzabad"]
    rings = outskirt_rings(city, sectors=None)
    outer = np.asarray(rings.geometry.iloc[2].exterior.coords)
    lon0, lat0 = city.geometry.iloc[0].x, city.geometry.iloc[0].y
    _, _, dist = GEOD.inv(np.full(len(outer), lon0), np.full(len(outer), lat0), *outer.T)
    np.testing.assert_allclose(dist, 50000.0, atol=0.01)


def test_sectors_numbered_clockwise_from_north_centred_on_north():
    cities = read_cities()
    city = cities[cities["city"] == "Qala-i-Naw"]
    s = outskirt_rings(city)
    assert list(s.columns[:-1]) == list(RING_COLUMNS)
    assert len(s) == 3 * 16
    out = s[s["ring"] == "outskirts"].set_index("sector")
    assert out.loc[0, "compass"] == "N" and out.loc[4, "compass"] == "E"
    assert (out.loc[0, "bearing_from"], out.loc[0, "bearing_to"]) == (348.75, 11.25)
    lon0, lat0 = city.geometry.iloc[0].x, city.geometry.iloc[0].y
    for bearing, sector in [(0, 0), (10, 0), (350, 0), (12, 1), (90, 4), (200, 9), (345, 15)]:
        lon, lat, _ = GEOD.fwd(lon0, lat0, bearing, 12000)
        assert out.loc[sector, "geometry"].contains(shapely.Point(lon, lat)), bearing


def test_rings_in_callers_crs():
    cities = world_cities()  # UTM 41N
    s = outskirt_rings(cities, radii_m=(1000, 2000), ring_names=("in", "out"), sectors=4)
    assert s.crs == cities.crs and len(s) == 2 * 2 * 4
    assert s["compass"].head(4).tolist() == ["N", "E", "S", "W"]
    # the Capital's inner ring in UTM metres: area within 0.1 % of pi r^2 (UTM scale ~0.9996)
    inner = s[(s["city"] == "Capital") & (s["ring"] == "in")]
    assert inner.geometry.area.sum() == pytest.approx(np.pi * 1000**2, rel=1e-3)
    assert shapely.Point(w.xy(10, 10.5)).within(inner.geometry.iloc[0])  # 500 m north
    assert cities.crs.to_epsg() == 32641  # input untouched


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"radii_m": (5000, 5000, 50000)}, "increase strictly"),
        ({"radii_m": (20000, 5000)}, "increase strictly"),
        ({"radii_m": (-5, 10)}, "positive"),
        ({"sectors": 0}, "at least 1"),
        ({"ring_names": ("a", "b")}, "one name per radius"),
    ],
)
def test_bad_ring_options(kwargs, match):
    with pytest.raises(InputError, match=match) as err:
        outskirt_rings(world_cities(), **kwargs)
    assert "\n" not in str(err.value)


def test_one_sector_is_the_whole_annulus():
    city = world_cities().iloc[[0]]
    whole = outskirt_rings(city, radii_m=(1000, 2000), sectors=None)
    one = outskirt_rings(city, radii_m=(1000, 2000), sectors=1)
    assert whole["sector"].isna().all() and one["sector"].tolist() == [0, 0]
    # pi (2000^2 - 1000^2) m2 = 9.42 km2 for the outer ring, either way
    expected = np.pi * (2000**2 - 1000**2) / 1e6
    assert one["area_km2"].iloc[1] == pytest.approx(expected, rel=1e-3)
    assert whole["area_km2"].iloc[1] == pytest.approx(expected, rel=1e-3)


def test_check_ring_options_returns_radii_and_names():
    radii, names = check_ring_options((5000, 20000, 50000))
    assert radii.tolist() == [5000.0, 20000.0, 50000.0]
    assert names == ("core", "outskirts", "approaches")
    assert check_ring_options((1, 2, 3, 4))[1] == ("core", "outskirts", "approaches", "ring3")


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (((5000,),), {"thresholds": SiegeThresholds()}, "at least two radii"),
        (((5000, 20000),), {"thresholds": SiegeThresholds(encirclement_ring=2)}, "ring 2"),
        ((("5km", "x"),), {}, "not numbers"),
        (((),), {}, "no ring radii"),
        (((5000, 20000),), {"ring_names": ("a", "a")}, "unique"),
        (((5000, 20000),), {"sectors": True}, "whole number"),
        (((5000, 20000),), {"sectors": 2.5}, "whole number"),
    ],
)
def test_check_ring_options_one_line_errors(args, kwargs, match):
    with pytest.raises(InputError, match=match) as err:
        check_ring_options(*args, **kwargs)
    assert "\n" not in str(err.value)


def test_bad_cities():
    cities = world_cities()
    with pytest.raises(InputError, match="no 'city' column"):
        outskirt_rings(cities.rename(columns={"city": "name"}))
    with pytest.raises(InputError, match="empty"):
        outskirt_rings(cities.iloc[:0])
    with pytest.raises(InputError, match="must be points"):
        outskirt_rings(cities.set_geometry(cities.buffer(10)))
