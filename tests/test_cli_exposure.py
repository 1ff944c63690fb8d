"""Tests of ``geofront exposure`` through click's CliRunner."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from test_exposure import CELL, GEOD, NORTH, WEST, _cell_area_km2, hand_zones, write_raster

import world as w
from geofront.cli.main import cli
from geofront.crs import local_aeqd
from geofront.exposure import population_by_zone


def run(*args: str) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def grid4(tmp_path: Path) -> Path:
    values = np.arange(1, 17, dtype="float64").reshape(4, 4)
    values[3, 3] = -99999.0
    return write_raster(tmp_path / "grid4.tif", values, west=w.X0, north=w.Y0 + 4000, cell=1000)


@pytest.fixture
def zones_file(tmp_path: Path) -> Path:
    z = hand_zones()
    z.insert(0, "zone", z.index)
    path = tmp_path / "zones.gpkg"
    z.to_file(path, engine="pyogrio")
    return path


def _error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    return lines[0]


def test_registered() -> None:
    assert "exposure" in cli.commands


def test_zones(tmp_path: Path, grid4: Path, zones_file: Path) -> None:
    out = tmp_path / "people.csv"
    res = run(
        "exposure", "--zones", zones_file, "--zone-id", "zone", "--population", grid4, "-o", out
    )
    assert res.exit_code == 0, res.output
    assert "exposure: 6 zones" in res.output
    table = pd.read_csv(out)
    assert list(table.columns) == ["zone", "population", "data_coverage"]
    expected = hand_zones()["expected"]
    # written tables count whole people (half people round to even, as numpy rounds)
    assert table["population"].dtype.kind == "i"
    assert (
        table.set_index("zone")["population"].to_dict() == expected.round(0).astype(int).to_dict()
    )


def test_quiet_and_deterministic(tmp_path: Path, grid4: Path, zones_file: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        res = run("-q", "exposure", "--zones", zones_file, "--population", grid4, "-o", out)
        assert res.exit_code == 0 and res.output == ""
    assert a.read_bytes() == b.read_bytes()


def test_control(tmp_path: Path, world) -> None:
    values = np.empty((40, 40))
    values[:20, :20], values[:20, 20:], values[20:, :20], values[20:, 20:] = 1, 2, 3, 4
    raster = write_raster(tmp_path / "world.tif", values, west=w.X0, north=w.Y0 + 40000, cell=1000)
    control = world.districts.copy()
    control["status"] = ["government", "insurgent", "contested", "insurgent"]
    path = tmp_path / "control.gpkg"
    control.to_file(path, engine="pyogrio")
    out = tmp_path / "status.csv"
    res = run("exposure", "--control", path, "--population", raster, "-o", out)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out).set_index("status")
    assert table["population"].to_dict() == pytest.approx(
        {"government": 400, "contested": 1200, "insurgent": 2400, "unknown": 0}
    )


def test_city_rings_bundled(tmp_path: Path) -> None:
    out = tmp_path / "rings.csv"
    res = run("exposure", "--city", "Qala-e-Naw", "--radii", "5km,20km", "-o", out)
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert table["ring"].tolist() == ["core", "outskirts"]
    # independent rings: circles in a local AEQD around the town (data/places)
    crs = local_aeqd(63.12891, 34.98735)
    c5, c20 = (shapely.Point(0, 0).buffer(r, quad_segs=90) for r in (5000, 20000))
    own = gpd.GeoDataFrame(geometry=[c5, c20.difference(c5)], crs=crs)
    expected = population_by_zone(own)["population"].to_numpy()
    np.testing.assert_allclose(table["population"], expected, rtol=2e-3)


def test_events_window(tmp_path: Path) -> None:
    raster = write_raster(
        tmp_path / "ones.tif",
        np.ones((40, 40)),
        west=WEST,
        north=NORTH,
        cell=CELL,
        crs="EPSG:4326",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,date,latitude,longitude\na1,2021-07-02,35.0,66.0\na2,2021-08-02,35.05,65.9\n"
    )
    out = tmp_path / "near.csv"
    res = run(
        "exposure",
        "--events",
        events,
        "--radius",
        "2km,1km",
        "--start",
        "2021-07-01",
        "--end",
        "2021-07-31",
        "--population",
        raster,
        "-o",
        out,
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert table["radius_m"].tolist() == [1000.0, 2000.0]
    assert table["n_events"].tolist() == [1, 1]
    # one 2 km disc of ~12.4 cells; its ~16 edge cells are sampled at 4 x 4 points each,
    # so the count may be off by a few sixteenths of a cell
    disc = math.pi * 2.0**2 / _cell_area_km2(35.0)
    assert table["population"].iloc[1] == pytest.approx(disc, rel=0.05)


def test_needs_exactly_one_mode(tmp_path: Path, zones_file: Path) -> None:
    res = run("exposure", "-o", tmp_path / "x.csv")
    assert res.exit_code == 2 and "exactly one of" in res.output
    res = run("exposure", "--zones", zones_file, "--city", "Herat", "-o", tmp_path / "x.csv")
    assert res.exit_code == 2 and "got --zones, --city" in res.output


def test_raster_without_crs(tmp_path: Path, zones_file: Path) -> None:
    raster = write_raster(
        tmp_path / "nocrs.tif", np.ones((4, 4)), west=0, north=4, cell=1, crs=None
    )
    res = run("exposure", "--zones", zones_file, "--population", raster, "-o", tmp_path / "o.csv")
    assert "has no CRS" in _error_line(res)


def test_corrupt_raster(tmp_path: Path, zones_file: Path) -> None:
    raster = tmp_path / "bad.tif"
    raster.write_bytes(b"not a raster at all" * 20)
    res = run("exposure", "--zones", zones_file, "--population", raster, "-o", tmp_path / "o.csv")
    assert "cannot read population raster" in _error_line(res)


def test_wrong_band(tmp_path: Path, grid4: Path, zones_file: Path) -> None:
    res = run(
        "exposure",
        "--zones",
        zones_file,
        "--population",
        grid4,
        "--band",
        "3",
        "-o",
        tmp_path / "o.csv",
    )
    assert "band 3 does not exist" in _error_line(res)


def test_zones_outside_raster_keeps_old_output(tmp_path: Path, grid4: Path) -> None:
    far = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    path = tmp_path / "far.geojson"
    far.to_file(path, engine="pyogrio")
    out = tmp_path / "o.csv"
    out.write_text("old\n")
    res = run("exposure", "--zones", path, "--population", grid4, "-o", out)
    assert "lie outside population raster" in _error_line(res)
    assert out.read_text() == "old\n"


def test_zones_without_crs(tmp_path: Path, grid4: Path) -> None:
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]).to_file(path, engine="pyogrio")
    res = run("exposure", "--zones", path, "--population", grid4, "-o", tmp_path / "o.csv")
    assert f"zones file {path} has no CRS" in _error_line(res)


def test_unknown_zone_id(tmp_path: Path, grid4: Path, zones_file: Path) -> None:
    res = run(
        "exposure",
        "--zones",
        zones_file,
        "--zone-id",
        "nope",
        "--population",
        grid4,
        "-o",
        tmp_path / "o.csv",
    )
    assert "has no column 'nope'" in _error_line(res)


def test_near_line(tmp_path: Path) -> None:
    raster = write_raster(
        tmp_path / "ones.tif",
        np.ones((40, 40)),
        west=WEST,
        north=NORTH,
        cell=CELL,
        crs="EPSG:4326",
    )
    line = gpd.GeoDataFrame(
        {"front": ["a"]},
        geometry=[shapely.LineString([(65.9, 35.0), (66.1, 35.0)])],
        crs="EPSG:4326",
    )
    path = tmp_path / "front.geojson"
    line.to_file(path, engine="pyogrio")
    out = tmp_path / "near.csv"
    res = run(
        "exposure",
        "--near",
        path,
        "--radius",
        "2km",
        "--by",
        "front",
        "--population",
        raster,
        "-o",
        out,
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "front",
        "distance_m",
        "n_features",
        "population",
        "data_coverage",
    ]
    # 2 km either side of the line plus the round ends, 1 person per cell
    length_km = GEOD.inv(65.9, 35.0, 66.1, 35.0)[2] / 1000
    area = 2 * 2.0 * length_km + math.pi * 2.0**2
    # whole people, within one person of the geometric estimate (84.5)
    assert abs(table["population"].iloc[0] - area / _cell_area_km2(35.0)) <= 1.0
