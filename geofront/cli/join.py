"""``geofront join``: read events, join them to districts, write joined and rejected rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from geofront import datasets
from geofront.cli._common import progress_enabled, stdout_guarded, summary
from geofront.cli.options import (
    GeofrontCommand,
    OutputPath,
    boundary_options,
    distance_option,
    engine_options,
    events_format_option,
    input_path,
    load_boundaries_from_options,
    output_path,
)
from geofront.defaults import SNAP_DISTANCE_M
from geofront.schema import JOIN_METHODS, REJECT_REASONS


@click.command("join", cls=GeofrontCommand)
@click.argument("events", type=input_path)
@click.option(
    "-o",
    "--output",
    type=OutputPath(dir_okay=True, writable=False, path_type=Path),
    default=None,
    help="Joined events (.parquet: GeoParquet, fastest; .csv, .gpkg, .geojson). "
    "Default: CSV on stdout.",
)
@events_format_option
@click.option(
    "--rejects",
    type=output_path,
    default=None,
    help="Write rejected rows (source row, reason, detail, original values) here "
    "(.csv or .parquet).",
)
@distance_option(
    "--snap-distance",
    "--snap",
    "snap_distance_m",
    default=f"{SNAP_DISTANCE_M / 1000:g}km",
    show_default=True,
    help="Events outside every district but this close go to the nearest one.",
)
@click.option(
    "--region-districts",
    is_flag=True,
    help="Give region-precision events a district too (default: province only).",
)
@click.option("--lat-col", default=None, help="Latitude column of a generic table.")
@click.option("--lon-col", default=None, help="Longitude column of a generic table.")
@click.option("--date-col", default=None, help="Date column of a generic table.")
@click.option("--id-col", default=None, help="Event id column of a generic table.")
@click.option(
    "--layer", default=None, help="Layer of a multi-layer events file (e.g. a GeoPackage)."
)
@click.option(
    "--sides",
    type=input_path,
    default=None,
    help="CSV of actor -> side rules that override the default mapping.",
)
@engine_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    events: Path,
    output: Path | None,
    fmt: str,
    rejects: Path | None,
    snap_distance_m: float,
    region_districts: bool,
    lat_col: str | None,
    lon_col: str | None,
    date_col: str | None,
    id_col: str | None,
    layer: str | None,
    sides: Path | None,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    batch_rows: int,
    **kwargs: Any,
) -> None:
    """Join EVENTS (ACLED, UCDP GED or a generic CSV/vector file) to provinces and districts.

    EVENTS may also be a folder or a glob of parts of one export ('parts/*.csv'), or a
    bundled dataset name (see `geofront datasets`), e.g. `geofront join seed-events -o
    joined.csv`. Every row is either joined or rejected with a reason; a summary line on
    stderr gives the counts, which always add up, and says which layout the file was
    read as (and from which columns). Files of any size are read in batches
    in bounded memory; GeoParquet (-o joined.parquet) is the fast output for large data.
    With --engine dask, -o may name a folder, which receives one GeoParquet part per
    partition.
    """
    boundaries = load_boundaries_from_options(kwargs)
    src = datasets.resolve(events)
    options = {
        "format": fmt,
        "latitude": lat_col,
        "longitude": lon_col,
        "date": date_col,
        "event_id": id_col,
        "sides": sides,
        "layer": layer,
    }
    if engine == "dask":
        from geofront.scale import join_file_dask

        run = join_file_dask(
            src,
            boundaries,
            output=output,
            rejects=rejects,
            snap_distance_m=snap_distance_m,
            region_districts=region_districts,
            batch_rows=batch_rows,
            scheduler=scheduler,
            workers=workers,
            progress=progress_enabled(ctx),
            **options,
        )
    else:
        from geofront.engine import join_file
        from geofront.io import committed_together

        # joined table and rejects replace old ones together; stdout faults as one line
        with stdout_guarded(output is None), committed_together():
            run = join_file(
                src,
                boundaries,
                output=output,
                rejects=rejects,
                snap_distance_m=snap_distance_m,
                region_districts=region_districts,
                batch_rows=batch_rows,
                progress=progress_enabled(ctx),
                **options,
            )
    summary(ctx, summary_line(run.n_read, run.counts, rejects) + f"; read as {run.layout}")


def summary_line(n_read: int, counts: dict[str, int], rejects_path: Path | None) -> str:
    """``read N: joined J (within a, border b, ...); rejected R (reason n, ...)``."""
    reasons = ", ".join(
        f"{r} {counts[f'rejected_{r}']}" for r in REJECT_REASONS if counts.get(f"rejected_{r}", 0)
    )
    methods = ", ".join(f"{m} {counts[m]}" for m in JOIN_METHODS)
    line = (
        f"read {n_read}: joined {counts['joined']} ({methods}); rejected {counts['rejected']}"
        + (f" ({reasons})" if reasons else "")
    )
    if counts["rejected"] and rejects_path is None:
        line += "; see why with --rejects FILE"
    return line
