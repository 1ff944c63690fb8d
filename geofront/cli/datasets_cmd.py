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
    if paths:
        for row in table.itertuples():
            click.echo(row.path)
        return
    # columns as wide as their longest entry, so every row lines up
    w_name = max(len("name"), *(len(n) for n in table["name"]))
    w_lic = max(len("licence"), *(len(n) for n in table["licence"]))
    click.echo(f"{'name':<{w_name}}  {'licence':<{w_lic}}  description")
    for row in table.itertuples():
        click.echo(f"{row.name:<{w_name}}  {row.licence:<{w_lic}}  {row.description}")
