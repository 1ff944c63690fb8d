"""``geofront datasets``: list the bundled data."""

from __future__ import annotations

import click

from geofront import datasets
from geofront.cli.options import GeofrontCommand


@click.command("datasets", cls=GeofrontCommand)
@click.option("--paths", is_flag=True, help="Print only the absolute path of each file.")
def command(paths: bool) -> None:
    """List the bundled datasets (name, licence, description) on stdout.

    Any command that takes a file also accepts one of these names.
    """
    table = datasets.list_datasets()
    for row in table.itertuples():
        if paths:
            click.echo(row.path)
        else:
            click.echo(f"{row.name:<26} {row.licence:<14} {row.description}")
