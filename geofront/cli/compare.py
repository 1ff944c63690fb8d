"""``geofront compare``: score a control table or timeline against a reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront.cli._common import summary
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    date_option,
    dpi_option,
    input_path,
    load_boundaries_from_options,
    output_path,
)
from geofront.io import write_table


@click.command("compare", cls=GeofrontCommand)
@click.argument("control", type=input_path)
@click.argument("reference", type=input_path)
@click.option(
    "-o",
    "--output",
    type=output_path,
    required=True,
    help="Agreement per date and for all dates (.csv or .parquet).",
)
@date_option("--as-of", "as_of", help="Date of CONTROL if it has no date or as_of column.")
@date_option(
    "--reference-as-of",
    "reference_as_of",
    help="Date of REFERENCE if it has no date or as_of column.",
)
@click.option(
    "--confusion",
    type=output_path,
    default=None,
    help="Write the confusion matrices, per date and for all dates (.csv or .parquet).",
)
@click.option(
    "--disagreements",
    type=output_path,
    default=None,
    help="Write every district-date where they differ: district, date, ours, reference.",
)
@click.option(
    "--map",
    "map_path",
    type=output_path,
    default=None,
    help="Draw the disagreements of one date (.png, .svg or .pdf).",
)
@date_option("--map-date", "map_date", help="Date of the map (default: the last compared date).")
@dpi_option
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    control: Path,
    reference: Path,
    output: Path,
    as_of: pd.Timestamp | None,
    reference_as_of: pd.Timestamp | None,
    confusion: Path | None,
    disagreements: Path | None,
    map_path: Path | None,
    map_date: pd.Timestamp | None,
    dpi: float,
    **kwargs: Any,
) -> None:
    """Score CONTROL against REFERENCE: agreement, confusion matrix, Cohen's kappa.

    CONTROL is a table written by `geofront control` (one date: its as_of column, or
    --as-of) or a timeline with date, district_id and status columns; REFERENCE is the
    same kind of table (e.g. the ground truth of benchmarks/make_acled_like.py, or an
    analyst's table, with district names matched to the boundaries). Only dates in both
    are compared. A district the reference calls unknown is not scored; one CONTROL
    calls unknown (or lacks) is scored as a disagreement and also reported apart.

    Example: geofront compare control.gpkg truth.csv -o agreement.csv
    --disagreements disagreements.csv --map disagreements.png
    """
    from geofront.compare import (
        agreement_table,
        compare_control,
        confusion_table,
        disagreement_table,
        read_status_table,
    )

    # (an output that is an input or another output: refused by GeofrontCommand)
    if map_path is not None:
        from geofront.maps import check_figure_path

        check_figure_path(map_path)
    elif map_date is not None:
        raise click.UsageError("--map-date needs --map FILE")
    boundaries = load_boundaries_from_options(kwargs)
    ours = read_status_table(control, boundaries=boundaries, as_of=as_of, what="control")
    ref = read_status_table(
        reference, boundaries=boundaries, as_of=reference_as_of, what="reference"
    )
    result = compare_control(ours, ref, boundaries=boundaries)
    fig = None
    if map_path is not None:
        from geofront.maps.compare_maps import disagreement_map

        fig, _ = disagreement_map(result, boundaries=boundaries, date=map_date, dpi=dpi)
    write_table(agreement_table(result), output)
    if confusion is not None:
        write_table(confusion_table(result), confusion)
    if disagreements is not None:
        write_table(disagreement_table(result), disagreements)
    if fig is not None and map_path is not None:
        from geofront.maps import save_figure

        save_figure(fig, map_path, dpi=dpi)
    summary(ctx, f"compared {control} with {reference}: {result.summary()}")
