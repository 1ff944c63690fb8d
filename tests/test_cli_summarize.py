"""``geofront summarize``: counts per district or province (and period), by CliRunner.

The bundled seed has 6 events (hand-checked from the file): 4 in Qala-i-Naw (1901) with
60 + 1 fatalities, 1 in Bagram (308), and 1 placed only at province precision in
Badakhshan (11), which counts for its province, not for any district.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from geofront.cli.main import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_per_district_on_stdout_every_district_listed():
    res = run("summarize", "seed-events")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(io.StringIO(res.stdout), dtype={"district_id": str})
    assert len(table) == 398  # every district, zeros included
    hot = table[table["events"] > 0].set_index("district_id")
    assert hot["events"].to_dict() == {"1901": 4, "308": 1}
    assert hot.loc["1901", ["fatalities", "events_battles"]].tolist() == [61, 3]
    assert "6 events in 398 districts; 1 region-only events counted only by province" in (
        res.stderr
    )


def test_per_province_and_period_to_a_file(tmp_path):
    out = tmp_path / "by_province.csv"
    res = run("-q", "summarize", "seed-events", "--by", "province", "--freq", "D", "-o", str(out))
    assert res.exit_code == 0 and res.output == ""  # quiet: nothing on stdout or stderr
    table = pd.read_csv(out, dtype={"province_id": str})
    assert table["events"].sum() == 6
    days = table[table["events"] > 0].groupby("period")["events"].sum().to_dict()
    assert days == {"2021-07-02": 1, "2021-07-05": 1, "2021-07-06": 2, "2021-07-07": 2}
    badakhshan = table[(table["province_id"] == "11") & (table["events"] > 0)]
    assert badakhshan["events"].sum() == 1


@pytest.mark.slow
def test_parquet_holds_the_same_table(tmp_path):
    a, b = tmp_path / "t.csv", tmp_path / "t.parquet"
    assert run("-q", "summarize", "seed-events", "-o", str(a)).exit_code == 0
    assert run("-q", "summarize", "seed-events", "-o", str(b)).exit_code == 0
    csv = pd.read_csv(a, dtype={"district_id": str, "province_id": str})
    pq = pd.read_parquet(b)
    pd.testing.assert_frame_equal(csv, pq, check_dtype=False)


def test_bad_input_is_one_line_and_leaves_the_output(tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("keep\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    res = run("summarize", str(bad), "-o", str(out))
    assert res.exit_code == 1
    assert res.stderr.startswith("Error: ") and len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.output
    assert out.read_text() == "keep\n"
    res = run("summarize", "seed-events", "--by", "village")
    assert res.exit_code == 2 and "village" in res.stderr
