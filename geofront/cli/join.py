"""``geofront join``: read events, join them to districts, write joined and rejected rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront import datasets
from geofront.cli.main import progress_enabled, summary, write_csv_to_stdout
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    distance_option,
    events_format_option,
    input_path,
    load_boundaries_from_options,
    output_path,
)
from geofront.io import committed_together, write_table
from geofront.join import combine_rejects
from geofront.schema import JOIN_METHODS, REJECT_REASONS


@click.command("join", cls=GeofrontCommand)
@click.argument("events", type=input_path)
@click.option(
    "-o",
    "--output",
    type=output_path,
    default=None,
    help="Joined events (.csv, .parquet, .gpkg, .geojson). Default: CSV on stdout.",
)
@events_format_option
@click.option(
    "--rejects",
    type=output_path,
    default=None,
    help="Write rejected rows (source row, reason, detail, original values) here.",
)
@distance_option(
    "--snap",
    "snap_m",
    default="2km",
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
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    events: Path,
    output: Path | None,
    fmt: str,
    rejects: Path | None,
    snap_m: float,
    region_districts: bool,
    lat_col: str | None,
    lon_col: str | None,
    date_col: str | None,
    id_col: str | None,
    layer: str | None,
    sides: Path | None,
    **kwargs: Any,
) -> None:
    """Join EVENTS (ACLED, UCDP GED or a generic CSV/vector file) to provinces and districts.

    EVENTS may also be a bundled dataset name (see `geofront datasets`), e.g.
    `geofront join seed-events -o joined.csv`. Every row is either joined or rejected with
    a reason; a summary line on stderr gives the counts, which always add up, and says
    which layout the file was read as (and from which columns).
    """
    from geofront.events import read_events
    from geofront.join import join_events

    boundaries = load_boundaries_from_options(kwargs)
    src = datasets.resolve(events)
    read = read_events(
        src,
        format=fmt,
        latitude=lat_col,
        longitude=lon_col,
        date=date_col,
        event_id=id_col,
        sides=sides,
        layer=layer,
        progress=progress_enabled(ctx),
    )
    result = join_events(
        read.events,
        boundaries,
        snap_distance_m=snap_m,
        region_districts=region_districts,
        progress=progress_enabled(ctx),
    )
    all_rejects = combine_rejects(read.rejected, result.rejected)
    joined = for_output(result.joined)
    table = joined.drop(columns=[joined.geometry.name])
    with committed_together():  # joined table and rejects replace old ones together
        if rejects is not None:
            write_table(all_rejects, rejects)
        if output is not None:
            write_table(table if output.suffix.lower() == ".csv" else joined, output)
    if output is None:
        write_csv_to_stdout(pd.DataFrame(table))
    summary(
        ctx,
        summary_line(read.n_read, result.counts, all_rejects, rejects) + f"; read as {read.layout}",
    )


def for_output(frame: Any) -> Any:
    """Return a copy with categorical columns as plain text (portable across formats)."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("string")
    return out


def summary_line(
    n_read: int, counts: dict[str, int], rejects: pd.DataFrame, rejects_path: Path | None
) -> str:
    """``read N: joined J (within a, border b, ...); rejected R (reason n, ...)``."""
    by_reason = rejects["reason"].value_counts() if len(rejects) else pd.Series(dtype=int)
    reasons = ", ".join(f"{r} {int(by_reason[r])}" for r in REJECT_REASONS if r in by_reason)
    methods = ", ".join(f"{m} {counts[m]}" for m in JOIN_METHODS)
    line = f"read {n_read}: joined {counts['joined']} ({methods}); rejected {len(rejects)}" + (
        f" ({reasons})" if reasons else ""
    )
    if len(rejects) and rejects_path is None:
        line += "; see why with --rejects FILE"
    return line
