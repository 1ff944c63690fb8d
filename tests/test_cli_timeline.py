"""geofront timeline through click's CliRunner."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from geofront.cli.main import cli


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_timeline_dates(runner, tmp_path):
    out = tmp_path / "t.csv"
    res = runner.invoke(
        cli,
        [
            "timeline",
            "seed-events",
            "--assessments",
            "seed-assessments",
            "--dates",
            "2021-07-07,2021-07-01,2021-07-06",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out)
    assert list(t.columns) == [
        "date",
        "status",
        "districts",
        "area_km2",
        "people",
        "last_evidence",
        "assumed_districts",
        "assumed_area_km2",
        "assumed_people",
    ]
    assert (t["assumed_districts"] == 0).all()  # no baseline: nothing assumed
    # the last evidence on or before each date: none before the Bagram handover of 2 July,
    # the clashes of 6 July, the assessments and takeover of 7 July
    last = t.groupby("date")["last_evidence"].first().fillna("")
    assert last.to_dict() == {
        "2021-07-01": "",
        "2021-07-06": "2021-07-06",
        "2021-07-07": "2021-07-07",
    }
    assert t["date"].unique().tolist() == ["2021-07-01", "2021-07-06", "2021-07-07"]
    assert (t.groupby("date")["districts"].sum() == 398).all()
    last = t[t["date"] == "2021-07-07"].set_index("status")["districts"].to_dict()
    assert last == {"government": 1, "contested": 1, "insurgent": 6, "unknown": 390}
    # Bagram is government from the 2 July transfer on
    gov = t[t["status"] == "government"].set_index("date")["districts"]
    assert gov.to_dict() == {"2021-07-01": 0, "2021-07-06": 1, "2021-07-07": 1}
    # the whole country's area is the same every day (641,868 km2 per data/SOURCES.md)
    assert t.groupby("date")["area_km2"].sum().to_numpy() == pytest.approx(641_868, rel=1e-4)
    assert "timeline: 3 date(s)" in res.stderr


def test_timeline_series_includes_end(runner, tmp_path):
    out = tmp_path / "t.csv"
    res = runner.invoke(
        cli,
        [
            "-q",
            "timeline",
            "seed-events",
            "--start",
            "2021-06-01",
            "--end",
            "2021-06-20",
            "--every",
            "1w",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    days = pd.read_csv(out)["date"].unique().tolist()
    assert days == ["2021-06-01", "2021-06-08", "2021-06-15", "2021-06-20"]


def test_timeline_usage_errors(runner, tmp_path):
    out = tmp_path / "t.csv"
    res = runner.invoke(cli, ["timeline", "seed-events", "-o", str(out)])
    assert res.exit_code == 2 and "--dates" in res.stderr
    res = runner.invoke(
        cli,
        [
            "timeline",
            "seed-events",
            "--dates",
            "2021-07-01",
            "--start",
            "2021-06-01",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 2 and "not both" in res.stderr
    res = runner.invoke(cli, ["timeline", "seed-events", "--dates", "2021-13-01", "-o", str(out)])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.stderr
    assert not out.exists()


def test_timeline_counts_what_the_baseline_assumes_apart(runner, tmp_path):
    out = tmp_path / "t.csv"
    args = ["-q", "timeline", "seed-events", "--assessments", "seed-assessments"]
    args += ["--dates", "2021-07-07", "--baseline", "government", "-o", str(out)]
    res = runner.invoke(cli, args)
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out).set_index("status")
    # 391 government districts: Bagram by its handover (AFGSEED0001), 390 by assumption
    assert t.loc["government", ["districts", "assumed_districts"]].tolist() == [391, 390]
    assert t.loc["insurgent", ["districts", "assumed_districts"]].tolist() == [6, 0]
