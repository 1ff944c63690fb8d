"""``geofront summarize``: events and fatalities per district or province (and period)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geofront import datasets
from geofront.cli.main import progress_enabled, summary, write_csv_to_stdout
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    input_path,
    load_boundaries_from_options,
    output_path,
)
from geofront.io import write_table


@click.command("summarize", cls=GeofrontCommand)
@click.argument("joined", type=input_path)
@click.option(
    "--by",
    type=click.Choice(["district", "province"]),
    default="district",
    show_default=True,
    help="Unit to count per.",
)
@click.option(
    "--freq",
    type=click.Choice(["D", "W", "M", "Q", "Y"]),
    default=None,
    help="Also split by period: day, week (ending Sunday), month, quarter, year.",
)
@click.option(
    "-o",
    "--output",
    type=output_path,
    default=None,
    help="Output table (.csv or .parquet). Default: CSV on stdout.",
)
@boundary_options
@click.pass_context
def command(
    ctx: click.Context, joined: Path, by: str, freq: str | None, output: Path | None, **kwargs: Any
) -> None:
    """Count events, fatalities, event types and sides per unit, every unit listed.

    JOINED is the output of `geofront join`, or a raw events file (joined on the fly).
    """
    from geofront.join import load_joined_events
    from geofront.summary import summarize

    boundaries = load_boundaries_from_options(kwargs)
    events = load_joined_events(
        datasets.resolve(joined), boundaries, progress=progress_enabled(ctx)
    )
    table = summarize(events, boundaries, by=by, freq=freq)
    if output is None:
        write_csv_to_stdout(table)
    else:
        write_table(table, output)
    left = table.attrs.get("region_only_events", 0)
    summary(
        ctx,
        f"{len(events)} events in {table[f'{by}_id'].nunique()} {by}s"
        + (f"; {left} region-only events counted only by province" if left else ""),
    )
