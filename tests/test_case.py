"""Case files and `geofront run` on the bundled Afghanistan 2021 case."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from geofront.case import read_case
from geofront.cli.main import cli
from geofront.errors import InputError
from geofront.pipeline import run_case


def test_bundled_case_reads():
    case = read_case("afghanistan-2021")
    assert case.as_of == pd.Timestamp("2021-07-07")
    assert [p.name for p in case.events] == [
        "seed_reported_events_2021-07.csv",
        "ucdp_ged231_sample_afg.csv",
    ]
    assert case.siege_radii_m == (5000.0, 20000.0, 50000.0)
    dates = case.timeline_dates()
    assert dates[0] == pd.Timestamp("2021-05-01") and case.as_of in dates
    assert dates[-1] == pd.Timestamp("2021-08-31")  # the end is always included


def test_bad_case_reports_every_problem_at_once(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[case]\nname = "x"\n[data]\nevents = ["nope.csv"]\n'
        '[control]\nas_of = "yesterday-ish"\nwindow_days = -3\n[colour]\nx = 1\n'
    )
    with pytest.raises(InputError) as err:
        read_case(bad)
    msg = str(err.value)
    assert "\n" not in msg
    for part in (
        "unknown section [colour]",
        "'nope.csv' is neither a bundled dataset nor a file",
        "control.as_of 'yesterday-ish' is not a date",
        "control.window_days must be a whole number from 1 to 3,650, got -3",
    ):
        assert part in msg


def test_unknown_case_name():
    with pytest.raises(InputError, match="neither a file nor a bundled case"):
        read_case("narnia-1950")


@pytest.fixture(scope="module")
def case_run(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("case")
    return out, run_case(read_case("afghanistan-2021"), out)


@pytest.mark.slow
def test_run_writes_every_table_and_map(case_run):
    out, written = case_run
    names = {str(p.relative_to(out)) for p in written}
    for expected in (
        "tables/events_joined.csv",
        "tables/events_rejected.csv",
        "tables/control_2021-07-07.gpkg",
        "tables/frontline_2021-07-07.gpkg",
        "tables/timeline.csv",
        "tables/sieges_2021-07-07.csv",
        "tables/population_rings_qala-i-naw.csv",
        "maps/control_2021-07-07.png",
        "maps/control_badghis_2021-07-07.png",
        "maps/siege_qala-i-naw_2021-07-07.png",
        "maps/timeline.png",
        "parameters.toml",
    ):
        assert expected in names
    assert all(p.stat().st_size > 0 for p in written)
    assert not [p for p in out.rglob(".*") if p.is_file()]  # no temporary files left


@pytest.mark.slow
def test_run_accounts_for_every_event(case_run):
    out, _ = case_run
    joined = pd.read_csv(out / "tables/events_joined.csv", dtype=str)
    rejected = pd.read_csv(out / "tables/events_rejected.csv", dtype=str)
    # 6 seed rows + 135 UCDP rows, every one joined or rejected
    assert len(joined) + len(rejected) == 6 + 135


@pytest.mark.slow
def test_run_answers_the_seed_questions(case_run):
    out, _ = case_run
    control = gpd.read_file(out / "tables/control_2021-07-07.gpkg")
    badghis = control[control["province"] == "Badghis"]
    assert badghis["status"].value_counts().to_dict() == {"insurgent": 6, "contested": 1}
    assert badghis.set_index("district_id").loc["1901", "status"] == "contested"
    sieges = pd.read_csv(out / "tables/sieges_2021-07-07.csv").set_index("city")
    assert sieges.loc["Qala-i-Naw", "status"] in {"under assault", "besieged"}
    # the town's rings hold tens of thousands of people (about 50,000 reported in town)
    rings = pd.read_csv(out / "tables/population_rings_qala-i-naw.csv").set_index("ring")
    assert 30_000 < rings.loc["core", "population"] < 70_000


@pytest.mark.slow
def test_run_is_deterministic(case_run, tmp_path):
    out, written = case_run
    again = run_case(read_case("afghanistan-2021"), tmp_path)
    # every file, GeoPackages included (their timestamp is fixed), is byte-identical
    for a, b in zip(written, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_cli_run_bad_case_one_line(tmp_path):
    res = CliRunner().invoke(cli, ["run", "--case", "narnia", "-o", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "Traceback" not in res.output and "neither a file nor a bundled case" in res.output


def test_cli_run_output_is_a_file(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    res = CliRunner().invoke(cli, ["run", "-o", str(f)])
    assert res.exit_code != 0 and "Traceback" not in res.output


@pytest.mark.slow
def test_any_country_case_runs(tmp_path):
    """A case with its own boundaries, events, cities and sides (the synthetic world)."""
    import world as w
    from geofront.events import read_events

    units = w.districts_frame().rename(columns={"district": "NAME_2", "district_id": "ID_2"})
    units.to_file(tmp_path / "units.gpkg")
    rows = []
    spec = [
        (10, 30, "Battles", "Armed clash", "Rebels", "Army of Testland", "2021-07-01"),
        (
            12,
            31,
            "Battles",
            "Non-state actor overtakes territory",
            "Rebels",
            "Army of Testland",
            "2021-07-02",
        ),
        (30, 10, "Battles", "Armed clash", "Army of Testland", "Rebels", "2021-07-03"),
        (31, 10, "Battles", "Armed clash", "Rebels", "Army of Testland", "2021-07-04"),
        (30, 11, "Battles", "Armed clash", "Army of Testland", "Rebels", "2021-07-05"),
        (31, 11, "Battles", "Armed clash", "Rebels", "Army of Testland", "2021-07-06"),
    ]
    for i, (x, y, etype, sub, a1, a2, day) in enumerate(spec):
        lon, lat = w.lonlat(x, y)
        rows.append(
            {
                "uid": f"t{i}",
                "Y": lat,
                "X": lon,
                "when": day,
                "event_type": etype,
                "sub_event_type": sub,
                "actor1": a1,
                "actor2": a2,
                "fatalities": 1,
            }
        )
    pd.DataFrame(rows).to_csv(tmp_path / "events.csv", index=False)
    cities = w.cities().to_crs(4326)
    pd.DataFrame(
        {"name": cities["name"], "lat": cities.geometry.y, "lon": cities.geometry.x}
    ).to_csv(tmp_path / "cities.csv", index=False)
    (tmp_path / "sides.csv").write_text(
        "pattern,match,side,note\nRebels,exact,insurgent,test\nArmy of Testland,exact,government,test\n"
    )
    (tmp_path / "case.toml").write_text(
        '[case]\nname = "testland"\ntitle = "Testland"\n'
        '[data]\nevents = ["events.csv"]\ncities = "cities.csv"\nsides = "sides.csv"\n'
        'population = "afg-population"\n'
        '[boundaries]\npath = "units.gpkg"\ndistrict_name = "NAME_2"\ndistrict_id = "ID_2"\n'
        'province_id = "province_id"\n'
        '[events]\nlatitude = "Y"\nlongitude = "X"\ndate = "when"\nevent_id = "uid"\n'
        '[control]\nas_of = "2021-07-07"\nfighting_factor = 0\nwarm_up_days = 0\n[siege]\nfocus = "Capital"\n'
        '[maps]\nfocus_province = "North"\n'
    )
    case = read_case(tmp_path / "case.toml")
    assert case.sides == tmp_path / "sides.csv"
    assert read_events(tmp_path / "events.csv", sides=case.sides, **case.event_options).n_read == 6
    out = tmp_path / "out"
    written = run_case(case, out)
    control = pd.read_csv(out / "tables/control_2021-07-07.csv", dtype=str).set_index("district_id")
    # 101: taken on 2 July; 202: four clashes within 30 days, two started by each side
    # (nobody dominates): contested. In a 4-district world where two districts fight, the
    # "typical" district fights too, so the case sets fighting_factor = 0 (the floor, 3);
    # its six days of events hold no history for a norm, so it judges from the first day
    assert case.control_rules.fighting_factor == 0
    assert case.control_rules.warm_up_days == 0
    assert control.loc["101", "status"] == "insurgent"
    assert control.loc["202", "status"] == "contested"
    assert control.loc["102", "status"] == "unknown"
    assert (out / "maps/control_north_2021-07-07.png").exists()
    assert any(p.name.startswith("siege_capital") for p in written)


def test_case_needs_events_or_assessments(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[case]\nname = "x"\n[data]\ncities = "afg-capitals"\n')
    with pytest.raises(InputError, match="data.events or data.assessments is required"):
        read_case(bad)


@pytest.mark.slow
def test_assessments_only_case_with_aliases_runs(tmp_path):
    """A control spreadsheet alone, naming districts by the user's own aliases."""
    import world as w

    units = w.districts_frame().rename(columns={"district": "NAME_2", "district_id": "ID_2"})
    units.to_file(tmp_path / "units.gpkg")
    cities = w.cities().to_crs(4326)
    pd.DataFrame(
        {"name": cities["name"], "lat": cities.geometry.y, "lon": cities.geometry.x}
    ).to_csv(tmp_path / "cities.csv", index=False)
    (tmp_path / "aliases.csv").write_text("alias,district_id\nAlfa,101\nDeltaville,202\n")
    (tmp_path / "sheet.csv").write_text(
        "district,province,date,status\nAlfa,,2021-07-01,insurgent\n"
        "Deltaville,,2021-07-05,government\nKohistan,South,2021-07-05,contested\n"
    )
    (tmp_path / "case.toml").write_text(
        '[case]\nname = "sheet"\ntitle = "Testland from a sheet"\n'
        '[data]\nassessments = ["sheet.csv"]\naliases = "aliases.csv"\ncities = "cities.csv"\n'
        'population = "afg-population"\n'
        '[boundaries]\npath = "units.gpkg"\ndistrict_name = "NAME_2"\ndistrict_id = "ID_2"\n'
        'province_id = "province_id"\n'
        '[control]\nas_of = "2021-07-07"\n[timeline]\nstart = "2021-06-30"\nend = "2021-07-07"\n'
    )
    case = read_case(tmp_path / "case.toml")
    assert case.events == () and case.aliases == tmp_path / "aliases.csv"
    out = tmp_path / "out"
    written = run_case(case, out)
    control = pd.read_csv(out / "tables/control_2021-07-07.csv", dtype=str).set_index("district_id")
    assert control["status"].to_dict() == {
        "101": "insurgent",
        "102": "unknown",
        "201": "contested",
        "202": "government",
    }
    joined = pd.read_csv(out / "tables/events_joined.csv")
    assert len(joined) == 0 and "district_id" in joined.columns
    sieges = pd.read_csv(out / "tables/sieges_2021-07-07.csv").set_index("city")
    assert sieges.loc["Capital", "holder"] == "contested"
    assert (out / "maps/control_2021-07-07.png") in written
    params = (out / "parameters.toml").read_text()
    assert "events = []" in params and 'aliases = "' in params
