"""geofront join / summarize / datasets through click's CliRunner."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from geofront.cli.main import cli


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_registered():
    assert {"join", "summarize", "datasets"} <= set(cli.commands)


def test_join_seed_events(runner, tmp_path):
    out, rej = tmp_path / "j.csv", tmp_path / "r.csv"
    res = runner.invoke(cli, ["join", "seed-events", "-o", str(out), "--rejects", str(rej)])
    assert res.exit_code == 0, res.output
    j = pd.read_csv(out, dtype=str)
    assert len(j) == 6
    badghis = j[j["event_id"].isin(["AFGSEED0003", "AFGSEED0005", "AFGSEED0006"])]
    assert set(badghis["district"]) == {"Qala-I- Naw"} and set(badghis["province"]) == {"Badghis"}
    # the convoy ambush is 'near' Qala-i-Naw, still a district; the flight to Tajikistan
    # is province-level, so it keeps Badakhshan but no district
    tj = j.set_index("event_id").loc["AFGSEED0002"]
    assert tj["province"] == "Badakhshan" and pd.isna(tj["district"])
    assert "read 6: joined 6" in res.stderr and "rejected 0" in res.stderr


def test_join_is_deterministic(runner, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for p in (a, b):
        assert runner.invoke(cli, ["-q", "join", "ucdp-ged-sample", "-o", str(p)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_join_to_stdout_and_quiet(runner):
    res = runner.invoke(cli, ["-q", "join", "seed-events"])
    assert res.exit_code == 0
    assert res.stderr == ""
    assert res.stdout.splitlines()[0].startswith("event_id,date,")


def test_join_geopackage_and_parquet_roundtrip(runner, tmp_path):
    for ext in ("gpkg", "parquet", "geojson"):
        out = tmp_path / f"j.{ext}"
        res = runner.invoke(cli, ["-q", "join", "seed-events", "-o", str(out)])
        assert res.exit_code == 0, res.output
        res2 = runner.invoke(cli, ["-q", "summarize", str(out), "--by", "province"])
        assert res2.exit_code == 0, res2.output
        s = pd.read_csv(__import__("io").StringIO(res2.stdout), dtype={"province_id": str})
        assert len(s) == 34 and s["events"].sum() == 6
        # prison break, convoy ambush, break-in and airstrike: four events in Badghis
        assert s.set_index("province")["events"]["Badghis"] == 4


def test_rejects_written_and_counts_add_up(runner, tmp_path):
    src = tmp_path / "ev.csv"
    src.write_text(
        "id,lat,lon,date\n"
        "a,34.98735,63.12891,2021-07-07\n"
        "b,,63.1,2021-07-07\n"
        "c,63.12891,34.98735,2021-07-07\n"
        "d,34.9,63.1,not a date\n"
        "a,34.9,63.1,2021-07-07\n"
        "f,10.0,10.0,2021-07-07\n"
    )
    out, rej = tmp_path / "j.csv", tmp_path / "r.csv"
    res = runner.invoke(cli, ["join", str(src), "-o", str(out), "--rejects", str(rej)])
    assert res.exit_code == 0, res.output
    r = pd.read_csv(rej)
    assert len(pd.read_csv(out)) + len(r) == 6
    assert dict(zip(r["source_row"], r["reason"], strict=True)) == {
        2: "missing_coordinates",
        3: "outside_boundaries",
        4: "unparseable_date",
        5: "duplicate_event_id",
        6: "outside_boundaries",
    }
    assert "swapped" in r.set_index("source_row").loc[3, "detail"]
    assert "joined 1" in res.stderr and "rejected 5" in res.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["join", "nope.csv"], "does not exist"),
        (["join", "."], "is a directory"),
        (["join", "seed-events", "-o", "out.xlsx"], "unsupported extension"),
        (["join", "seed-events", "-o", "no/such/dir/j.csv"], "does not exist"),
        (["join", "seed-events", "--snap", "far"], "not a distance"),
    ],
)
def test_bad_input_one_line_no_traceback(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(cli, args)
    assert res.exit_code != 0
    assert message in res.output
    assert "Traceback" not in res.output


def test_failed_run_leaves_existing_output_untouched(runner, tmp_path):
    out = tmp_path / "j.csv"
    out.write_text("precious\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon,date\n")
    res = runner.invoke(cli, ["join", str(bad), "-o", str(out)])
    assert res.exit_code == 1
    assert out.read_text() == "precious\n"
    # no temporary file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "j.csv"]


def test_boundaries_without_crs_one_line(runner, tmp_path):
    import geopandas as gpd
    import shapely

    path = tmp_path / "b.shp"
    with pytest.warns(UserWarning):
        gpd.GeoDataFrame(
            {"district": ["a"], "province": ["p"]}, geometry=[shapely.box(63, 34, 64, 35)]
        ).to_file(path)
    res = runner.invoke(cli, ["join", "seed-events", "--boundaries", str(path)])
    assert res.exit_code == 1
    assert "has no CRS" in res.output and "Traceback" not in res.output


def test_datasets_lists_bundled(runner):
    res = runner.invoke(cli, ["datasets"])
    assert res.exit_code == 0
    assert "afg-districts" in res.stdout and "ucdp-ged-sample" in res.stdout


def test_version(runner):
    res = runner.invoke(cli, ["--version"])
    assert res.exit_code == 0 and "geofront, version" in res.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty (0 bytes)"),
        ("id,lat,lon,date\n", "has a header but no data rows"),
        ("foo,bar\n1,2\n", "cannot find the latitude column"),
    ],
)
def test_bad_event_files_one_line(runner, tmp_path, content, message):
    src = tmp_path / "ev.csv"
    src.write_text(content)
    res = runner.invoke(cli, ["join", str(src), "-o", str(tmp_path / "j.csv")])
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
    assert not (tmp_path / "j.csv").exists()


def test_bad_rows_rejected_with_reasons(runner, tmp_path):
    src = tmp_path / "ev.csv"
    src.write_text(
        "id,lat,lon,date\n"
        "a,abc,63.1,2021-07-01\n"
        "b,nan,63.1,2021-07-01\n"
        "c,95,63.1,2021-07-01\n"
        "d,34.98735,63.12891,2021-07-01\n"
    )
    rej = tmp_path / "r.csv"
    res = runner.invoke(
        cli, ["join", str(src), "-o", str(tmp_path / "j.csv"), "--rejects", str(rej)]
    )
    assert res.exit_code == 0
    r = pd.read_csv(rej).set_index("source_row")
    assert r["reason"].to_dict() == {
        1: "invalid_coordinates",
        2: "invalid_coordinates",
        3: "invalid_coordinates",
    }
    assert "not a number" in r.loc[1, "detail"] and "swapped" in r.loc[3, "detail"]
    assert "read 4: joined 1" in res.stderr and "rejected 3" in res.stderr


def test_self_intersecting_boundaries_repaired_with_warning_line(runner, tmp_path):
    import geopandas as gpd
    import shapely

    bowtie = shapely.Polygon([(62, 34), (64, 36), (64, 34), (62, 36)])
    path = tmp_path / "b.gpkg"
    gpd.GeoDataFrame(
        {"district": ["a", "b"], "province": ["p", "p"]},
        geometry=[bowtie, shapely.box(64, 34, 66, 36)],
        crs=4326,
    ).to_file(path)
    res = runner.invoke(
        cli, ["join", "seed-events", "--boundaries", str(path), "-o", str(tmp_path / "j.csv")]
    )
    assert res.exit_code == 0, res.output
    assert "Warning: " in res.stderr and "repaired 1 invalid polygon" in res.stderr
    # the Qala-i-Naw events (63.13 E, 34.99 N) fall in the bow-tie's eastern lobe, kept by
    # make_valid as part of district 'a'
    j = pd.read_csv(tmp_path / "j.csv")
    assert (j.loc[j["longitude"] < 64, "district"] == "a").all()
