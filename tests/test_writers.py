"""geofront.writers: batch writers give readable, deterministic files, atomically."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import shapely

from geofront.errors import OutputError
from geofront.writers import BatchWriter, csv_header, csv_rows, point_wkb


def _table(n: int, start: int = 0) -> pa.Table:
    i = np.arange(start, start + n)
    return pa.table(
        {
            "event_id": pa.array([f"e{k}" for k in i], pa.large_string()),
            "date": pa.array(i.astype("datetime64[D]").astype("datetime64[us]")),
            "notes": pa.array([f'said "{k}", then\nleft' if k % 3 == 0 else "plain" for k in i]),
            "district": pa.array([None if k % 4 == 0 else "Kabul" for k in i], pa.large_string()),
            "fatalities": pa.array(i % 5, pa.int64()),
            "latitude": pa.array(34.0 + i / 1000),
            "longitude": pa.array(69.0 + i / 1000),
            "snap_distance_m": pa.array(np.where(i % 2 == 0, 0.0, 1234.5)),
        }
    )


def test_point_wkb_is_shapely_wkb():
    lon, lat = np.array([69.1, -0.0, 180.0]), np.array([34.5, 0.0, -90.0])
    want = shapely.to_wkb(shapely.points(lon, lat), byte_order=1)
    assert point_wkb(lon, lat).to_pylist() == list(want)


def test_csv_text_is_what_pandas_writes():
    t = _table(50)
    ours = (csv_header(t.column_names) + csv_rows(t)).decode()
    theirs = t.to_pandas().to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    assert ours == theirs
    back = pd.read_csv(io.StringIO(ours), keep_default_na=False)
    assert back["notes"][0] == 'said "0", then\nleft'


@pytest.mark.parametrize("ext", ["parquet", "csv", "gpkg", "geojson"])
def test_batches_make_one_file(tmp_path, ext):
    out = tmp_path / f"x.{ext}"
    with BatchWriter(out, geometry=True) as w:
        for start in (0, 40, 80):
            w.write(_table(40, start))
    if ext == "csv":
        got = pd.read_csv(out, keep_default_na=False)
    else:
        got = gpd.read_parquet(out) if ext == "parquet" else gpd.read_file(out)
    assert got["event_id"].tolist() == [f"e{k}" for k in range(120)]
    if ext != "csv":
        assert got.crs == "EPSG:4326"
        assert np.allclose(got.geometry.x, 69.0 + np.arange(120) / 1000)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_same_batches_same_bytes(tmp_path):
    for ext in ("parquet", "gpkg", "csv"):
        paths = [tmp_path / f"run{k}" / f"x.{ext}" for k in range(2)]  # same name: same layer
        for p in paths:
            p.parent.mkdir(exist_ok=True)
            with BatchWriter(p, geometry=True) as w:
                w.write(_table(30))
                w.write(_table(30, 30))
        assert paths[0].read_bytes() == paths[1].read_bytes(), ext


def test_nothing_written_still_makes_a_table(tmp_path):
    out = tmp_path / "empty.csv"
    with BatchWriter(out, geometry=False) as w:
        w.write(_table(0))
    assert out.read_text().startswith("event_id,date,notes")


def test_failed_writes_leave_nothing_and_refuse_bad_targets(tmp_path):
    out = tmp_path / "x.parquet"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), BatchWriter(out, geometry=True) as w:
        w.write(_table(10))
        raise RuntimeError("stop")
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.parquet"]
    with pytest.raises(OutputError, match="needs geometry"):
        BatchWriter(tmp_path / "r.gpkg", geometry=False)
    with pytest.raises(OutputError, match="unsupported extension"):
        BatchWriter(tmp_path / "r.xlsx", geometry=False)
    with (
        pytest.raises(OutputError, match="does not exist"),
        BatchWriter(tmp_path / "no" / "x.csv", geometry=False),
    ):
        pass
