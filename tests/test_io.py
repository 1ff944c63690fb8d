"""Reading vector files and writing tables atomically (geofront.io)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geofront import datasets
from geofront.errors import DataFileError, OutputError
from geofront.io import TABLE_EXTENSIONS, atomic_path, read_vector, write_table


def frame(*, dates: bool = False) -> gpd.GeoDataFrame:
    extra = {"as_of": pd.to_datetime(["2021-07-07", "2021-07-07"])} if dates else {}
    return gpd.GeoDataFrame(
        {"unit": ["101", "102"], "people": [1234.5, 0.0], **extra},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".parquet", ".shp"])
def test_geometry_formats_round_trip(tmp_path, ext):
    dest = write_table(frame(), tmp_path / f"t{ext}")
    back = read_vector(dest)
    assert back["unit"].astype(str).tolist() == ["101", "102"]
    assert back.crs.to_epsg() == 4326
    assert shapely.area(back.geometry.array).round(9).tolist() == [1.0, 1.0]
    # nothing else is left in the folder (no temporary files); a Shapefile is 5 files
    left = sorted(p.suffix for p in tmp_path.iterdir())
    assert left == ([".cpg", ".dbf", ".prj", ".shp", ".shx"] if ext == ".shp" else [ext])


def test_csv_has_wkt_geometry_and_iso_dates(tmp_path):
    text = write_table(frame(dates=True), tmp_path / "t.csv").read_text()
    assert text.splitlines()[0] == "unit,people,as_of,geometry"
    assert text.splitlines()[1] == '101,1234.5,2021-07-07,"POLYGON ((1 0, 1 1, 0 1, 0 0, 1 0))"'


def test_same_frame_same_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for ext in (".csv", ".parquet", ".gpkg", ".geojson"):
        a = write_table(frame(), tmp_path / "a" / f"t{ext}").read_bytes()
        b = write_table(frame(), tmp_path / "b" / f"t{ext}").read_bytes()
        assert a == b, ext


def test_refusals_leave_the_destination_untouched(tmp_path):
    dest = tmp_path / "keep.gpkg"
    dest.write_bytes(b"old")
    with pytest.raises(OutputError, match="needs geometry; use .csv or .parquet"):
        write_table(pd.DataFrame({"a": [1]}), dest)
    with pytest.raises(OutputError, match=r"unsupported extension \.xlsx"):
        write_table(frame(), tmp_path / "t.xlsx")
    with pytest.raises(OutputError, match="folder .* does not exist"):
        write_table(frame(), tmp_path / "no" / "t.csv")
    assert dest.read_bytes() == b"old"
    assert set(TABLE_EXTENSIONS) >= {".csv", ".parquet", ".gpkg", ".geojson", ".shp"}


def test_a_failed_write_removes_its_temporary_file(tmp_path):
    dest = tmp_path / "t.csv"
    dest.write_text("previous\n")
    with pytest.raises(RuntimeError), atomic_path(dest) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert dest.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_read_vector_refuses_what_it_cannot_read(tmp_path):
    bad = tmp_path / "x.geojson"
    bad.write_text("<OGRVRTDataSource/>")
    with pytest.raises(DataFileError, match="GDAL VRT"):
        read_vector(bad)
    csv = tmp_path / "x.csv"
    csv.write_text("a\n1\n")
    with pytest.raises(DataFileError, match="does not read as vector data"):
        read_vector(csv, what="zones")
    two = tmp_path / "two.gpkg"
    write_table(frame(), two, layer="a")
    write_table(frame(), tmp_path / "b.gpkg", layer="b")
    frame().to_file(two, layer="b", driver="GPKG", engine="pyogrio")
    with pytest.raises(DataFileError, match=r"has 2 layers \(a, b\): choose one"):
        read_vector(two)
    assert len(read_vector(two, layer="b")) == 2
    with pytest.raises(DataFileError, match="has no layer 'c'"):
        read_vector(two, layer="c")


def test_bundled_boundaries_read_as_vector():
    districts = read_vector(datasets.get_path("afg-districts"), what="boundaries")
    assert len(districts) == 398 and districts.crs is not None
