"""``geofront summarize``: events and fatalities per district or province (and period)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geofront import datasets
from geofront.cli._common import progress_enabled, summary, write_csv_to_stdout
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    engine_options,
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
@engine_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    joined: Path,
    by: str,
    freq: str | None,
    output: Path | None,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    batch_rows: int,
    **kwargs: Any,
) -> None:
    """Count events, fatalities, event types and sides per unit, every unit listed.

    JOINED is the output of `geofront join`, or a raw events file (joined on the fly);
    either is read batch by batch in bounded memory (GeoParquet and CSV), or on a dask
    cluster with --engine dask (also a folder or glob of parts).
    """
    boundaries = load_boundaries_from_options(kwargs)
    src = datasets.resolve(joined)
    if engine == "dask":
        from geofront.scale import summarize_file_dask

        table, n_events = summarize_file_dask(
            src,
            boundaries,
            by=by,
            freq=freq,
            batch_rows=batch_rows,
            scheduler=scheduler,
            workers=workers,
        )
    else:
        from geofront.summary import summarize_file

        table, n_events = summarize_file(
            src, boundaries, by=by, freq=freq, batch_rows=batch_rows, progress=progress_enabled(ctx)
        )
    if output is None:
        write_csv_to_stdout(table)
    else:
        write_table(table, output)
    left = table.attrs.get("region_only_events", 0)
    summary(
        ctx,
        f"{n_events} events in {table[f'{by}_id'].nunique()} {by}s"
        + (f"; {left} region-only events counted only by province" if left else ""),
    )
