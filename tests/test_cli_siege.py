from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from geofront import datasets
from geofront.cli.main import cli

BASE = ["siege", "--events", "seed-events", "--as-of", "2021-07-07"]


def run(args: list[str]):
    return CliRunner().invoke(cli, args)


def test_registered():
    assert "siege" in cli.commands


def test_all_capitals_with_bundled_data(tmp_path):
    out, geo = tmp_path / "sieges.csv", tmp_path / "rings.gpkg"
    result = run(
        [
            *BASE,
            "--all",
            "--assessments",
            "seed-assessments",
            "-o",
            str(out),
            "--geometry-out",
            str(geo),
        ]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"district_id": str})
    assert len(table) == 34
    first = table.iloc[0]
    assert (first["city"], first["status"], first["district_id"]) == (
        "Qala-i-Naw",
        "under assault",
        "1901",
    )
    assert first["evidence_events"] == "AFGSEED0003;AFGSEED0004;AFGSEED0005;AFGSEED0006"
    assert (table["status"].iloc[1:] == "secure").all()  # no other city has evidence
    rings = gpd.read_file(geo)
    assert len(rings) == 34 * 3 * 16 and rings.crs.to_epsg() == 4326
    assert "34 cities as of 2021-07-07: under assault 1 (Qala-i-Naw)" in result.stderr


def test_named_cities_any_spelling_and_options(tmp_path):
    out = tmp_path / "s.csv"
    result = run(
        [
            *BASE,
            "Qal'eh-ye Now",
            "Faizabad",
            "--radii",
            "3km,10km",
            "--sectors",
            "8",
            "--window",
            "2d",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table["city"].tolist() == ["Qala-i-Naw", "Fayzabad"]
    assert "hostile_core" in table and "hostile_approaches" not in table
    assert (table["window_days"] == 2).all()


def test_user_cities_file(tmp_path):
    path = tmp_path / "towns.csv"
    path.write_text("town,lat,lon\nQN,34.98735,63.12891\nFar,31.0,62.0\n")
    out = tmp_path / "s.csv"
    result = run([*BASE, "--all", "--cities", str(path), "--city-name", "town", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"district_id": str})
    assert table["city"].tolist() == ["QN", "Far"]
    assert table["district_id"].iloc[0] == "1901"  # found by point in polygon
    assert table["status"].tolist() == ["under assault", "secure"]


def test_quiet(tmp_path):
    result = run(["-q", *BASE, "--all", "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["Paris"], "unknown city 'Paris'"),
        (["--all", "--radii", "20km,5km"], "must increase strictly"),
        (["--all", "--sectors", "0"], "sectors must be"),
    ],
)
def test_bad_input_one_line(tmp_path, extra, message):
    out = tmp_path / "s.csv"
    out.write_text("keep me\n")
    result = run([*BASE, *extra, "-o", str(out)])
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert out.read_text() == "keep me\n"  # a failed run leaves outputs untouched


def test_as_of_outside_data(tmp_path):
    result = run(
        [
            "siege",
            "Kabul",
            "--events",
            "seed-events",
            "--as-of",
            "2021-09-01",
            "-o",
            str(tmp_path / "s.csv"),
        ]
    )
    assert result.exit_code == 1
    assert "outside the events' dates 2021-07-02 to 2021-07-07" in result.stderr


def test_empty_events(tmp_path):
    header = datasets.get_path("seed-events").read_text().splitlines()[0]
    path = tmp_path / "empty.csv"
    path.write_text(header + "\n")
    result = run(
        [
            "siege",
            "--all",
            "--events",
            str(path),
            "--as-of",
            "2021-07-07",
            "-o",
            str(tmp_path / "s.csv"),
        ]
    )
    assert result.exit_code == 1 and "no data rows" in result.stderr
    assert "Traceback" not in result.output


def test_city_or_all_required(tmp_path):
    result = run([*BASE, "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2 and "--all" in result.stderr
    result = run([*BASE, "Kabul", "--all", "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2
