"""``geofront run``: a whole case from the command line (CliRunner)."""

from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from geofront.cli.main import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(res) -> str:
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), res.stderr
    return lines[0]


def test_unknown_case_lists_the_bundled_ones(tmp_path):
    line = one_line_error(run("run", "--case", "atlantis", "-o", str(tmp_path / "out")))
    assert "case 'atlantis' is neither a file nor a bundled case (afghanistan-2021)" in line


def test_a_bad_case_file_says_every_problem_at_once(tmp_path):
    case = tmp_path / "c.toml"
    case.write_text('[case]\ntitle = "x"\n[siege]\nsectors = 0\nradii_m = [5, 1]\n')
    line = one_line_error(run("run", "--case", str(case), "-o", str(tmp_path / "out")))
    for problem in ("case.name is required", "siege.sectors", "siege.radii_m", "data.events"):
        assert problem in line
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder")
    res = run("run", "--case", "afghanistan-2021", "-o", str(out))
    assert res.exit_code == 2 and "is a file" in res.stderr and "Traceback" not in res.output
    assert out.read_text() == "not a folder"


@pytest.mark.slow
def test_assessments_alone_run_and_record_what_they_used(tmp_path):
    case = tmp_path / "c.toml"
    case.write_text(
        '[case]\nname = "sheet"\ntitle = "Badghis"\n[data]\nassessments = ["seed-assessments"]\n'
        '[control]\nas_of = "2021-07-07"\n[maps]\nfocus_province = "Badghis"\n'
    )
    out = tmp_path / "out"
    res = run("run", "--case", str(case), "-o", str(out))
    assert res.exit_code == 0, res.output
    record = tomllib.loads((out / "parameters.toml").read_text())
    files = record["outputs"]["files"]
    assert all((out / f).is_file() for f in files)
    n_tables = sum(f.startswith("tables/") for f in files)
    n_maps = sum(f.startswith("maps/") for f in files)
    assert n_tables + n_maps == len(files) and n_maps >= 3
    assert f"case sheet: wrote {n_tables} tables and {n_maps} maps to {out}" in res.stderr
    assert record["parameters"]["assessments"] == ["bundled:seed-assessments"]
    assert "events" in record["parameters"] and record["parameters"]["events"] == []
