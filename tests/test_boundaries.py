from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

import world as w
from geofront.boundaries import read_boundaries
from geofront.errors import CRSError, DataFileError, GeofrontWarning, SchemaError


def test_bundled_afghanistan_counts_and_hierarchy(afghanistan):
    d, p = afghanistan.districts, afghanistan.provinces
    assert len(d) == 398 and len(p) == 34
    assert d["district_id"].is_unique
    assert set(d["province_id"]) == set(p["province_id"])
    # seven names occur twice in different provinces: ids keep them apart
    dup = d[d["district"].duplicated(keep=False)]
    assert sorted(dup["district"].unique()) == [
        "Arghandab",
        "Baharak",
        "Dawlatabad",
        "Fayzabad",
        "Kohistan",
        "Muqur",
        "Qarabagh",
    ]
    assert d.loc["1901", "district"] == "Qala-I- Naw" and d.loc["1901", "province"] == "Badghis"
    assert d.crs.to_epsg() == 4326


def test_user_file_with_columns(tmp_path):
    path = tmp_path / "units.gpkg"
    w.districts_frame().rename(columns={"district": "NAME_2", "province": "NAME_1"}).to_file(path)
    b = read_boundaries(
        path,
        district_name="NAME_2",
        province_name="NAME_1",
        district_id="district_id",
        province_id="province_id",
    )
    assert list(b.districts["district_id"]) == ["101", "102", "201", "202"]
    assert len(b.provinces) == 2
    assert b.provinces.loc["1"].geometry.area == pytest.approx(800e6)


def test_ids_made_from_province_and_name_when_absent(tmp_path):
    path = tmp_path / "units.geojson"
    w.districts_frame().drop(columns=["district_id", "province_id"]).to_file(path)
    b = read_boundaries(path)
    assert sorted(b.districts["district_id"]) == [
        "North/Alpha",
        "North/Kohistan",
        "South/Delta",
        "South/Kohistan",
    ]


def test_file_without_crs_refused_unless_stated(tmp_path):
    path = tmp_path / "nocrs.shp"
    f = w.districts_frame().rename(columns={"district_id": "dist_id", "province_id": "prov_id"})
    with pytest.warns(UserWarning, match="crs' was not provided"):
        f.set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(CRSError, match="has no CRS"):
        read_boundaries(path, district_id="dist_id")
    b = read_boundaries(path, district_id="dist_id", crs=w.UTM)
    assert b.crs.to_epsg() == 32641


def test_self_intersecting_polygon_repaired_with_warning(tmp_path):
    f = w.districts_frame()
    x, y = w.xy(0, 20)
    bowtie = shapely.Polygon([(x, y), (x + 20000, y + 20000), (x + 20000, y), (x, y + 20000)])
    f.loc[0, "geometry"] = bowtie
    path = tmp_path / "bad.gpkg"
    f.to_file(path)
    with pytest.warns(GeofrontWarning, match="repaired 1 invalid polygon"):
        b = read_boundaries(path, district_id="district_id")
    assert b.districts.is_valid.all()
    assert b.districts.loc["101"].geometry.area == pytest.approx(200e6)


def test_missing_column_named(tmp_path):
    path = tmp_path / "units.gpkg"
    w.districts_frame().to_file(path)
    with pytest.raises(
        SchemaError, match=r"lacks column.*'NAME_2' \(--district-name, district_name="
    ):
        read_boundaries(path, district_name="NAME_2")


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        read_boundaries(tmp_path / "nope.gpkg")
    with pytest.raises(DataFileError, match="is a directory"):
        read_boundaries(tmp_path)


def test_points_refused(tmp_path):
    path = tmp_path / "pts.gpkg"
    gpd.GeoDataFrame(
        {"district": ["a"], "province": ["b"]}, geometry=[shapely.Point(0, 0)], crs=4326
    ).to_file(path)
    with pytest.raises(SchemaError, match="not a polygon"):
        read_boundaries(path)


def test_single_level_file_units_are_their_own_provinces(tmp_path):
    path = tmp_path / "adm1.geojson"
    f = w.districts_frame().rename(columns={"district": "ADM1_EN", "district_id": "ADM1_PCODE"})
    f[["ADM1_EN", "ADM1_PCODE", "geometry"]].to_file(path)
    b = read_boundaries(path, district_name="ADM1_EN", district_id="ADM1_PCODE", province_name=None)
    d = b.districts
    assert list(d["province_id"]) == list(d["district_id"]) == ["101", "102", "201", "202"]
    assert list(d["province"]) == list(d["district"])
    assert len(b.provinces) == 4
