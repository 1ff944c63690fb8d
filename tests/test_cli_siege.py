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
    assert first["evidence_events"] == "AFGSEED0003;AFGSEED0004;AFGSEED0005"
    # no other city has hostile evidence. Those with a government event within 20 km
    # (the handover of Bagram air base on 2 July, AFGSEED0001) are secure; the rest have
    # no evidence at all (no events near them, holder unknown): never called secure
    rest = table.iloc[1:].set_index("city")
    secure = rest[rest["status"] == "secure"]
    assert sorted(secure.index) == ["Charikar", "Mahmud-i-Raqi"]
    assert (secure["evidence_events"] == "AFGSEED0001").all()
    assert (rest["status"] == "no evidence").sum() == 31
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
    # events alone: ACLED coded the 7 July entry as a takeover (AFGSEED0005), so the
    # district is the Taliban's and the town has fallen; the far town has no evidence
    assert table["status"].tolist() == ["fallen", "no evidence"]


def test_quiet(tmp_path):
    result = run(["-q", *BASE, "--all", "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["Paris"], "unknown city 'Paris'"),
        # close matches among the 34 bundled capitals: Qala-i-Naw and Qalat start with Qala
        (["Qala"], "closest names are Qalat, Qala-i-Naw"),
        (["--all", "--radii", "20km,5km"], "must increase strictly"),
        (["--all", "--radii", "5km,5km,50km"], "must increase strictly"),
        (["--all", "--radii", "0km,5km"], "must be positive"),
        (["--all", "--radii", "5km"], "give at least two radii"),
        (["--all", "--sectors", "0"], "sectors must be"),
        (["--all", "--sectors", "-4"], "sectors must be"),
        (["--all", "--window", "0d"], "window must be"),
        (["--all", "--cities", "no-such-towns.csv"], "does not exist"),
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


@pytest.mark.parametrize("as_of", ["2021-07-21", "2021-07-01"])
def test_as_of_outside_data(tmp_path, as_of):
    # the seed events run from 2 to 7 July 2021: the day before the first is outside, and
    # so is 21 July, whose 14-day window (8-21 July) holds no event
    out = tmp_path / "s.csv"
    result = run(["siege", "Kabul", "--events", "seed-events", "--as-of", as_of, "-o", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        f"Error: as-of date {as_of} is outside the events' dates 2021-07-02 to 2021-07-07 "
        "(with a 14-day window: up to 2021-07-20): choose a date in that range"
    ]
    assert not out.exists()


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


def test_every_event_rejected(tmp_path):
    # both rows are bad (text latitude, no coordinates): nothing is left to judge
    path = tmp_path / "bad.csv"
    path.write_text("id,lat,lon,date\na,abc,63.1,2021-07-07\nb,,,2021-07-07\n")
    args = ["siege", "--all", "--events", str(path), "--as-of", "2021-07-07"]
    result = run(["-q", *args, "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: events table is empty")
    assert "--assessments" in lines[0]
    # without -q the join's warning comes first and says why; still one error line
    result = run([*args, "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 1
    assert "2 of 2 rows rejected" in result.stderr
    assert [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")] == [lines[0]]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--all", "--radii", "abc"], "'abc' is not a distance"),
        (["--all", "--sectors", "x"], "'x' is not a valid integer"),
        (["--all", "--window", "two weeks"], "is not a duration"),
    ],
)
def test_unparseable_options_are_usage_errors(tmp_path, extra, message):
    result = run([*BASE, *extra, "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.output


def test_city_or_all_required(tmp_path):
    result = run([*BASE, "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2 and "--all" in result.stderr
    result = run([*BASE, "Kabul", "--all", "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2


def test_geometry_out_extension_checked_before_work(tmp_path):
    from click.testing import CliRunner

    from geofront.cli.main import cli

    res = CliRunner().invoke(
        cli,
        [
            "siege",
            "--all",
            "--events",
            "seed-events",
            "--as-of",
            "2021-07-07",
            "-o",
            str(tmp_path / "s.csv"),
            "--geometry-out",
            str(tmp_path / "r.xlsx"),
        ],
    )
    assert res.exit_code == 2
    assert "--geometry-out" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "s.csv").exists()


def test_as_of_within_window_after_last_event(tmp_path):
    # 19 July: the window (5 July, 19 July] still holds the fighting of 6-7 July
    out = tmp_path / "s.csv"
    result = run(
        [
            "siege",
            "Qala-i-Naw",
            "--events",
            "seed-events",
            "--assessments",
            "seed-assessments",
            "--as-of",
            "2021-07-19",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["status"].iloc[0] == "under assault"


def test_thresholds_on_the_command_line(tmp_path):
    # three hostile ground-fighting events sit in Qala-i-Naw's core on 6-7 July: with 5 for
    # 'under assault' the 12 of 16 hostile outskirts sectors (index 0.75) make it besieged,
    # and with an index of 0.8 and an arc of 300 degrees needed as well, threatened
    out = tmp_path / "s.csv"
    base = [
        "siege",
        "Qala-i-Naw",
        "--events",
        "seed-events",
        "--assessments",
        "seed-assessments",
        "--as-of",
        "2021-07-07",
        "-o",
        str(out),
    ]
    assert run([*base, "--core-events", "5"]).exit_code == 0
    assert pd.read_csv(out)["status"].iloc[0] == "besieged"
    stricter = ["--core-events", "5", "--besieged-index", "0.8", "--besieged-arc", "300"]
    assert run([*base, *stricter]).exit_code == 0
    assert pd.read_csv(out)["status"].iloc[0] == "threatened"
    bad = run([*base, "--besieged-index", "0"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
