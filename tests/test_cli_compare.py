"""``geofront compare`` through click's CliRunner: outputs, the bundled case, one-line errors."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from geofront.cli.main import cli
from geofront.compare import kappa_of

G, C, N, U = "government", "contested", "insurgent", "unknown"  # N: iNsurgent
BADGHIS = ["1901", "1902", "1903", "1904", "1905", "1906", "1907"]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def files(tmp_path):
    """A single-date control table (no date column) and a long reference of two dates."""
    control = tmp_path / "control.csv"
    pd.DataFrame({"district_id": BADGHIS, "status": [C, N, N, G, U, N, N]}).to_csv(
        control, index=False
    )
    reference = tmp_path / "truth.csv"
    pd.DataFrame(
        {
            "date": ["2021-07-07"] * 7 + ["2021-08-15"] * 7,
            "district_id": BADGHIS * 2,
            "status": [C, N, G, G, N, N, U] + [N] * 7,
        }
    ).to_csv(reference, index=False)
    return control, reference


def test_registered():
    assert "compare" in cli.commands


def test_compare_writes_every_output(runner, files, tmp_path):
    control, reference = files
    out = {k: tmp_path / f"{k}.{e}" for k, e in (("a", "csv"), ("c", "csv"), ("d", "csv"))}
    png = tmp_path / "d.png"
    res = runner.invoke(
        cli,
        [
            "compare",
            str(control),
            str(reference),
            "--as-of",
            "2021-07-07",
            "-o",
            str(out["a"]),
            "--confusion",
            str(out["c"]),
            "--disagreements",
            str(out["d"]),
            "--map",
            str(png),
        ],
    )
    assert res.exit_code == 0, res.output
    a = pd.read_csv(out["a"])
    assert a["date"].tolist() == ["2021-07-07", "all"]
    assert a.loc[0, ["scored", "agree", "ours_unknown", "reference_unknown"]].tolist() == [
        6,
        4,
        1,
        1,
    ]
    assert a.loc[0, "kappa"] == pytest.approx(0.5)
    c = pd.read_csv(out["c"])
    assert c[c["date"] == "all"].set_index("reference").loc[G, [G, N]].tolist() == [1, 1]
    d = pd.read_csv(out["d"], dtype=str)
    assert d[["district_id", "ours", "reference"]].values.tolist() == [
        ["1903", N, G],
        ["1905", U, N],
    ]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "agreement 66.7 %, kappa 0.500" in res.stderr
    assert "1 date(s) in one table only" in res.stderr


def test_compare_bundled_control_with_the_seed_assessments(runner, tmp_path):
    # the control table carries its date (as_of column); the assessments name districts
    # (province + district) and date them in an as_of column: matched to the boundaries
    control = tmp_path / "control.gpkg"
    res = runner.invoke(
        cli, ["-q", "control", "seed-events", "--as-of", "2021-07-07", "-o", str(control)]
    )
    assert res.exit_code == 0, res.output
    out, dis = tmp_path / "a.csv", tmp_path / "d.csv"
    res = runner.invoke(
        cli,
        ["compare", str(control), "seed-assessments", "-o", str(out), "--disagreements", str(dis)],
    )
    assert res.exit_code == 0, res.output
    row = pd.read_csv(out).iloc[0]
    assert row["date"] == "2021-07-07" and row["scored"] == 7
    assert row["insurgent_reference"] == 6 and row["contested_reference"] == 1
    assert row["not_in_reference"] == 391
    # the scores are those of the control table's own Badghis rows
    ours = gpd.read_file(control).set_index("district_id")["status"][BADGHIS]
    ref = pd.Series([C] + [N] * 6, index=BADGHIS)
    assert row["agree"] == int((ours == ref).sum())
    assert row["ours_unknown"] == int((ours == U).sum())
    assert row["kappa"] == pytest.approx(kappa_of(ours, ref), nan_ok=True)
    d = pd.read_csv(dis, dtype=str)
    assert set(d["district_id"]) == set(ours.index[ours != ref])


def test_quiet_and_deterministic(runner, files, tmp_path):
    control, reference = files
    outs = [tmp_path / "x.csv", tmp_path / "y.csv"]
    for o in outs:
        args = ["-q", "compare", str(control), str(reference), "--as-of", "2021-07-07"]
        res = runner.invoke(cli, [*args, "-o", str(o)])
        assert res.exit_code == 0 and res.stderr == ""
    assert outs[0].read_bytes() == outs[1].read_bytes()


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ([], "has no date or as_of column: give its date (--as-of"),
        (["--as-of", "2021-01-01"], "no date in common: control has 2021-01-01"),
        (["--as-of", "2021-07-07", "--map-date", "2021-07-07"], "--map-date needs --map"),
        (["--as-of", "2021-07-07", "--map", "m.jpg"], "unsupported extension .jpg"),
    ],
)
def test_one_line_errors(runner, files, tmp_path, extra, match):
    control, reference = files
    out = tmp_path / "a.csv"
    out.write_text("keep me\n")
    extra = [str(tmp_path / e) if e.endswith(".jpg") else e for e in extra]
    res = runner.invoke(cli, ["compare", str(control), str(reference), "-o", str(out), *extra])
    assert res.exit_code in (1, 2)
    assert match in res.stderr
    assert "Traceback" not in res.stderr
    assert out.read_text() == "keep me\n"  # a failed run leaves existing outputs alone


def test_bad_inputs(runner, files, tmp_path):
    control, reference = files
    out = tmp_path / "a.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text("district_id,status\n1901,held\n")
    res = runner.invoke(
        cli, ["compare", str(bad), str(reference), "--as-of", "2021-07-07", "-o", str(out)]
    )
    assert res.exit_code == 1
    assert f"control file {bad} row 1: status 'held' is not one of" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    res = runner.invoke(
        cli, ["compare", str(tmp_path / "none.csv"), str(reference), "-o", str(out)]
    )
    assert res.exit_code == 1 and "does not exist" in res.stderr
    res = runner.invoke(
        cli,
        ["compare", str(control), str(reference), "--as-of", "2021-07-07", "-o", str(reference)],
    )
    assert res.exit_code == 1 and "is the same file as REFERENCE" in res.stderr
    assert not out.exists()
