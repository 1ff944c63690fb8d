"""geofront frontline through click's CliRunner: Badghis lines, shifts, CSV control tables."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from geofront.cli.main import cli


@pytest.fixture(scope="module")
def controls(tmp_path_factory):
    """Control tables of 1 and 7 July 2021 (seed events; assessments on the 7th)."""
    d = tmp_path_factory.mktemp("controls")
    runner = CliRunner()
    after, before = d / "c0707.gpkg", d / "c0701.csv"
    args = ["-q", "control", "seed-events", "--as-of"]
    r1 = runner.invoke(
        cli, [*args, "2021-07-07", "--assessments", "seed-assessments", "-o", str(after)]
    )
    r2 = runner.invoke(cli, [*args, "2021-07-01", "-o", str(before)])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    return after, before


def test_frontline_lines(controls, tmp_path):
    after, _ = controls
    out = tmp_path / "f.gpkg"
    res = CliRunner().invoke(cli, ["frontline", str(after), "-o", str(out)])
    assert res.exit_code == 0, res.output
    f = gpd.read_file(out)
    assert set(f["frontline_class"]) == {"contested-insurgent"}
    assert sorted(f["district_id_b"]) == ["1902", "1903", "1907"]
    assert (f["district_id_a"] == "1901").all()
    assert "frontline: 3 line(s)" in res.stderr


def test_frontline_from_csv_with_shift(controls, tmp_path):
    after, before = controls
    out, shift, changes = tmp_path / "f.csv", tmp_path / "s.csv", tmp_path / "ch.csv"
    res = CliRunner().invoke(
        cli,
        [
            "frontline",
            str(after),
            "-o",
            str(out),
            "--compare-to",
            str(before),
            "--shift",
            str(shift),
            "--changes",
            str(changes),
            "--by",
            "class",
        ],
    )
    assert res.exit_code == 0, res.output
    f = pd.read_csv(out)
    assert f["frontline_class"].tolist() == ["contested-insurgent"] and f["pairs"].tolist() == [3]
    ch = pd.read_csv(changes, dtype=str)
    # the 7 Badghis districts from assessments, and Bagram from the 2 July transfer
    assert sorted(ch["district_id"]) == [
        "1901",
        "1902",
        "1903",
        "1904",
        "1905",
        "1906",
        "1907",
        "308",
    ]
    assert (ch["from_status"] == "unknown").all()
    s = pd.read_csv(shift).set_index(["measure", "item"])
    assert s.loc[("districts", "insurgent"), "after"] == 6
    # the area gained equals the sum over the changed districts
    gained = s.xs("area_km2")["gained"].sum()
    assert gained == pytest.approx(ch["area_km2"].astype(float).sum())
    assert s.loc[("length_km", "contested-insurgent"), "before"] == 0
    assert "8 district(s) changed status (8 of them first known: unknown before)" in res.stderr


def test_frontline_errors_and_quiet(controls, tmp_path):
    after, _ = controls
    runner = CliRunner()
    out = tmp_path / "f.gpkg"
    res = runner.invoke(cli, ["frontline", str(after), "-o", str(out), "--shift", "x.csv"])
    assert res.exit_code == 2 and "--compare-to" in res.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("district_id,holder\n1901,x\n", encoding="utf-8")
    out.write_bytes(b"old")
    res = runner.invoke(cli, ["frontline", str(bad), "-o", str(out)])
    assert res.exit_code == 1 and "lacks column(s) status" in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert out.read_bytes() == b"old"
    res = runner.invoke(cli, ["-q", "frontline", str(after), "-o", str(tmp_path / "g.geojson")])
    assert res.exit_code == 0 and res.stderr == ""
