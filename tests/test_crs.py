"""Metric CRS helpers (geofront.crs), against independent geodesy and hand-worked zones."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod

from geofront.crs import (
    EQUAL_AREA,
    WGS84,
    ecef_m,
    equal_area_km2,
    geodesic_length_m,
    local_aeqd,
    metric_crs_for,
    require_crs,
    utm_crs_for,
    utm_epsg,
    utm_zone_west,
    utm_zones,
)
from geofront.errors import CRSError

GEOD = Geod(ellps="WGS84")


def test_utm_zone_arithmetic_by_hand():
    # zone n covers [-180 + 6(n-1), -180 + 6n): 66 E starts zone 42, just below is 41
    lon = np.array([-180.0, -174.0001, 0.0, 65.9999, 66.0, 179.9999, 180.0])
    assert utm_zones(lon).tolist() == [1, 1, 31, 41, 42, 60, 60]
    assert utm_zone_west(42) == 66.0 and utm_zone_west(1) == -180.0
    assert utm_epsg(np.array([42, 42]), south=np.array([False, True])).tolist() == [32642, 32742]


def test_vector_zones_agree_with_the_epsg_database():
    # Kabul, Herat, Mazar: the arithmetic gives the zone pyproj's database gives
    for lon, lat in ((69.17, 34.53), (62.2, 34.35), (67.1, 36.7)):
        assert utm_epsg(utm_zones(lon), south=lat < 0) == utm_crs_for(lon, lat).to_epsg()


def test_metric_crs_of_a_frame_is_the_utm_zone_of_its_centre():
    frame = gpd.GeoDataFrame(geometry=[shapely.box(68.0, 34.0, 70.0, 35.0)], crs=WGS84)
    assert metric_crs_for(frame).to_epsg() == 32642
    with pytest.raises(CRSError, match="no CRS"):
        metric_crs_for(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)]))


def test_local_aeqd_keeps_distances_from_its_centre_true():
    crs = local_aeqd(62.4, 34.6)
    far = gpd.GeoSeries([shapely.Point(63.4, 35.6)], crs=WGS84).to_crs(crs)
    _, _, geodesic = GEOD.inv(62.4, 34.6, 63.4, 35.6)
    assert float(np.hypot(far.x.iloc[0], far.y.iloc[0])) == pytest.approx(geodesic, rel=1e-9)
    for bad in ((200.0, 0.0), (0.0, 91.0), (float("nan"), 0.0)):
        with pytest.raises(CRSError, match="not a WGS 84 point"):
            local_aeqd(*bad)


def test_require_crs_names_the_table():
    assert require_crs(gpd.GeoSeries([shapely.Point(0, 0)], crs=4326), "x") == CRS(4326)
    with pytest.raises(CRSError, match="cities has no CRS"):
        require_crs(gpd.GeoSeries([shapely.Point(0, 0)]), "cities")


def test_lengths_and_areas_on_the_ellipsoid():
    # one degree of meridian from the equator: 110,574.4 m on WGS 84
    line = gpd.GeoSeries([shapely.LineString([(0, 0), (0, 1)]), None], crs=WGS84)
    got = geodesic_length_m(line)
    assert got[0] == pytest.approx(110_574.4, abs=0.5) and got[1] == 0.0
    # a one-degree cell at 34 N: the equal-area CRS gives the ellipsoid's area
    cell = shapely.box(65.0, 34.0, 66.0, 35.0)
    ref, _ = GEOD.geometry_area_perimeter(shapely.segmentize(cell, 0.01))
    area = equal_area_km2(gpd.GeoSeries([cell], crs=WGS84))
    assert area[0] == pytest.approx(abs(ref) / 1e6, rel=1e-6)
    assert EQUAL_AREA.to_epsg() == 6933


def test_earth_centred_coordinates():
    xyz = ecef_m(np.array([0.0, 90.0, 0.0]), np.array([0.0, 0.0, 90.0]))
    np.testing.assert_allclose(
        xyz, [[6378137.0, 0, 0], [0, 6378137.0, 0], [0, 0, 6356752.314245]], atol=1e-6
    )
    # a chord between nearby points is (nearly) their geodesic distance
    a, b = ecef_m(np.array([62.0, 62.01]), np.array([34.0, 34.0]))
    _, _, d = GEOD.inv(62.0, 34.0, 62.01, 34.0)
    assert float(np.linalg.norm(a - b)) == pytest.approx(d, rel=1e-6)
