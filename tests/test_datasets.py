"""The bundled data (geofront.datasets) and the ``geofront datasets`` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from geofront import datasets
from geofront.cli.main import cli
from geofront.errors import InputError


def test_every_bundled_dataset_is_a_file_with_a_licence_and_sources():
    table = datasets.list_datasets()
    assert list(table.columns) == ["name", "path", "description", "licence"]
    assert table["name"].tolist() == datasets.names() == sorted(datasets.names())
    for row in table.itertuples():
        assert Path(row.path).is_file() and Path(row.path).stat().st_size > 0, row.name
        assert row.licence and row.description, row.name
    assert (datasets.data_dir() / "SOURCES.md").is_file()
    # the data the default analysis needs
    assert {"afg-districts", "afg-population", "afg-capitals", "seed-events"} <= set(
        datasets.names()
    )


def test_names_resolve_to_files_and_paths_stay_paths(tmp_path):
    assert datasets.resolve("seed-events") == datasets.get_path("seed-events")
    own = tmp_path / "seed-events"  # a real file of that name wins over the dataset
    own.write_text("x")
    assert datasets.resolve(own) == own
    assert datasets.resolve("no/such/file.csv") == Path("no/such/file.csv")
    with pytest.raises(InputError, match="unknown dataset 'nope': choose one of .*seed-events"):
        datasets.get_path("nope")


def test_command_lists_names_and_paths():
    res = CliRunner().invoke(cli, ["datasets"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].split()[:2] == ["name", "licence"]
    assert [line.split()[0] for line in lines[1:]] == datasets.names()
    # columns line up: each licence starts where the header's does
    at = lines[0].index("licence")
    table = datasets.list_datasets()
    for line, licence in zip(lines[1:], table["licence"], strict=True):
        assert line[at:].startswith(licence), line
    res = CliRunner().invoke(cli, ["datasets", "--paths"])
    assert res.exit_code == 0
    assert res.output.splitlines() == [str(datasets.get_path(n)) for n in datasets.names()]
