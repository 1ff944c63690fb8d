from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import world as w
from geofront.errors import InputError, SchemaError
from geofront.places import CITY_COLUMNS, find_city, read_cities


@pytest.fixture(scope="module")
def capitals() -> gpd.GeoDataFrame:
    return read_cities()


def test_bundled_capitals(capitals):
    assert len(capitals) == 34
    assert list(capitals.columns[: len(CITY_COLUMNS)]) == list(CITY_COLUMNS)
    assert capitals.crs.to_epsg() == 4326
    assert capitals["district_id"].is_unique and capitals["province"].is_unique
    qn = capitals[capitals["city"] == "Qala-i-Naw"].iloc[0]
    # data/SOURCES.md section 3: geonameid 1129867, 34.98735 N, 63.12891 E, district 1901
    assert (qn["district_id"], qn["province"]) == ("1901", "Badghis")
    assert qn.geometry.x == pytest.approx(63.12891) and qn.geometry.y == pytest.approx(34.98735)


def test_bundled_capitals_fall_in_their_own_district(capitals, afghanistan):
    # SOURCES.md: every capital lies inside the district of the same name; point in
    # polygon must agree with the declared ESOC ids.
    located = read_cities(boundaries=afghanistan)
    d = afghanistan.districts
    hit = gpd.sjoin(capitals[["geometry"]], d[["district_id", "geometry"]], predicate="within")
    assert hit["district_id"].sort_index().tolist() == capitals["district_id"].tolist()
    assert located["district_id"].tolist() == capitals["district_id"].tolist()


@pytest.mark.parametrize(
    "name",
    ["Qala-i-Naw", "Qala-e-Naw", "Qala i Naw", "Qal'eh-ye Now", "qala naw", "Badghis"],
)
def test_qala_i_naw_spellings(capitals, name):
    assert find_city(capitals, name)["city"].tolist() == ["Qala-i-Naw"]


@pytest.mark.parametrize(
    ("name", "city"),
    [
        ("Mazar-e Sharif", "Mazar-i-Sharif"),
        ("Tarin Kowt", "Tarinkot"),
        ("Lashkargah", "Lashkar Gah"),
        ("Talokan", "Taloqan"),
        ("Herāt", "Herat"),
        ("Sidqābād", "Mahmud-i-Raqi"),  # the GeoNames name
        ("Chaghcharan", "Chaghcharan (Firozkoh)"),
        ("Helmand", "Lashkar Gah"),  # province in its English spelling
    ],
)
def test_other_spellings(capitals, name, city):
    assert find_city(capitals, name)["city"].tolist() == [city]


def test_several_names_keep_order_and_index(capitals):
    got = find_city(capitals, ["Kunduz", "Fayzabad", "kunduz"])
    assert got["city"].tolist() == ["Kunduz", "Fayzabad"]
    assert list(got.index) == [
        capitals.index[capitals["city"] == "Kunduz"][0],
        capitals.index[capitals["city"] == "Fayzabad"][0],
    ]


def test_unknown_city_lists_close_names(capitals):
    with pytest.raises(InputError) as err:
        find_city(capitals, "Qandaharistan")
    msg = str(err.value)
    assert "\n" not in msg and "unknown city 'Qandaharistan'" in msg and "Kandahar" in msg


def test_ambiguous_name_in_user_file(tmp_path):
    path = tmp_path / "towns.csv"
    path.write_text("name,lat,lon\nKohistan,35.0,69.0\nKohistan,36.0,70.0\n")
    towns = read_cities(path)
    with pytest.raises(InputError, match="matches several cities"):
        find_city(towns, "Kohistan")


def test_user_csv_located_in_synthetic_world(tmp_path, world):
    lon1, lat1 = w.lonlat(10, 10)  # centre of district 201
    lon2, lat2 = w.lonlat(30, 30)  # centre of district 102
    path = tmp_path / "towns.csv"
    path.write_text(f"Town,Y,X\nCapital,{lat1},{lon1}\nBorder Town,{lat2},{lon2}\n")
    towns = read_cities(
        path, name_column="Town", latitude_column="Y", longitude_column="X", boundaries=world
    )
    assert towns["city"].tolist() == ["Capital", "Border Town"]
    assert towns["district_id"].tolist() == ["201", "102"]
    assert towns["province"].tolist() == ["South", "North"]
    assert towns.crs.to_epsg() == 4326


def test_user_vector_file_reprojected(tmp_path):
    path = tmp_path / "towns.gpkg"
    w.cities().to_file(path)  # UTM 41N, name column "name"
    towns = read_cities(path)
    lon, lat = w.lonlat(10, 10)
    assert towns.loc[0, "city"] == "Capital"
    assert towns.geometry.iloc[0].x == pytest.approx(lon) and towns.geometry.iloc[
        0
    ].y == pytest.approx(lat)
    assert towns["district_id"].tolist() == ["201", "102"]  # kept from the file


def test_bad_coordinates_name_the_row(tmp_path):
    path = tmp_path / "towns.csv"
    path.write_text("city,latitude,longitude\nA,35,63\nB,135,63\n")
    with pytest.raises(InputError, match=r"row 2 \(B\)"):
        read_cities(path)


def test_missing_name_column(tmp_path):
    path = tmp_path / "towns.csv"
    path.write_text("label,latitude,longitude\nA,35,63\n")
    with pytest.raises(SchemaError, match="--city-name"):
        read_cities(path)
    assert read_cities(path, name_column="label")["city"].tolist() == ["A"]


def test_polygons_refused(tmp_path):
    path = tmp_path / "areas.geojson"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(path)
    with pytest.raises(SchemaError, match="not points"):
        read_cities(path)


def test_input_not_mutated(capitals):
    before = capitals.copy()
    find_city(capitals, "Kabul")
    pd.testing.assert_frame_equal(capitals, before)
