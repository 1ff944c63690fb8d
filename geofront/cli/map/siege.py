"""``geofront map siege``: the siege of one city, judged here or taken from the tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront import datasets
from geofront.cli._evidence import (
    assessment_options,
    load_assessments_from_options,
    require_evidence,
)
from geofront.cli.map._common import (
    assessments_credit_lines,
    context_layers,
    figure_options,
    joined_or_empty,
    read_status_table,
    save_map,
)
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    control_rule_options,
    control_rules_from_options,
    control_window_for_siege_option,
    date_option,
    defender_option,
    distance_option,
    input_name,
    input_path,
    load_boundaries_from_options,
    radii_option,
    sectors_option,
    siege_events_option,
    siege_threshold_options,
    siege_thresholds_from_options,
    siege_window_option,
)
from geofront.control import read_control
from geofront.errors import InputError
from geofront.validate import check_frame


@click.command("siege", cls=GeofrontCommand)
@click.argument("city")
@siege_events_option
@date_option(
    "--as-of",
    "as_of",
    default=None,
    help="Judge the siege as of this day (default: the as_of of the --sieges table).",
)
@siege_window_option
@control_window_for_siege_option
@radii_option
@sectors_option
@defender_option
@click.option(
    "--cities",
    "cities_path",
    type=input_path,
    default=None,
    help="Cities file (default: bundled capitals).",
)
@click.option(
    "--control",
    "control_path",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Control table written by `geofront control`: the ground drawn and judged (not "
    "recomputed).",
)
@click.option(
    "--sieges",
    "sieges_path",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Status table written by `geofront siege -o`: the status drawn (with --geometry, "
    "nothing is recomputed: the map shows exactly those tables).",
)
@click.option(
    "--geometry",
    "geometry_path",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Rings and sectors written by `geofront siege --geometry-out` (needs --sieges).",
)
@distance_option(
    "--radius",
    "radius_m",
    default=None,
    help="Half-width of the view (default: beyond the outer ring).",
)
@click.option(
    "--population",
    type=input_name,
    default="afg-population",
    show_default=True,
    help="Population raster: where people live densely is outlined; 'none' to leave it out.",
)
@siege_threshold_options
@control_rule_options
@figure_options
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    city: str,
    events: Path | None,
    as_of: pd.Timestamp | None,
    window_days: int,
    control_window_days: int,
    radii_m: tuple[float, ...],
    sectors: int,
    defender: str,
    cities_path: Path | None,
    control_path: Path | None,
    sieges_path: Path | None,
    geometry_path: Path | None,
    radius_m: float | None,
    population: str,
    output: Path,
    dpi: float,
    title: str | None,
    width_in: float,
    **kwargs: Any,
) -> None:
    """Map the siege of CITY: the ground around it, rings and sectors, open corridors,
    events and where people live.

    The siege is judged as `geofront siege` judges it (same options), or taken from the
    tables it wrote: --sieges FILE and --geometry FILE (and --control FILE for the ground),
    so the map never shows another answer than the table beside it. --events may be left
    out when --assessments, or the tables, are given.

    Example: geofront map siege Qala-i-Naw --events seed-events
    --assessments seed-assessments --as-of 2021-07-07 -o qala-i-naw.png
    """
    from geofront.control import control_from_events
    from geofront.maps import check_figure_path, siege_map
    from geofront.places import find_city, read_cities
    from geofront.siege import assess_sieges

    check_figure_path(output)
    from_tables = sieges_path is not None
    if geometry_path is not None and sieges_path is None:
        raise click.UsageError("--geometry needs --sieges FILE (the status table beside it)")
    if not from_tables:
        if control_path is None:
            require_evidence(events, kwargs, what="--events EVENTS")
        if as_of is None:
            raise click.UsageError("give --as-of YYYY-MM-DD (or the tables: --sieges FILE)")
    if radius_m is not None and not radius_m > 0:
        raise click.BadParameter("must be a positive distance, e.g. 60km", param_hint="--radius")
    thresholds = siege_thresholds_from_options(kwargs)
    rules = control_rules_from_options(kwargs)
    context = context_layers(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    cities = read_cities(None if cities_path is None else datasets.resolve(cities_path))
    one = find_city(cities, city)
    name = str(one["city"].iloc[0])
    joined = joined_or_empty(events, boundaries, ctx)
    if from_tables:
        assert sieges_path is not None
        table = read_status_table(sieges_path)
        rows = table[table["city"].astype(str) == name]
        if len(rows) == 0:
            raise InputError(f"siege table {sieges_path} has no row for {name}: judge it first")
        status = rows.iloc[0]
        as_of = pd.Timestamp(str(as_of if as_of is not None else status.get("as_of")))
        days = int(status.get("window_days", window_days))
        sector_rows = _read_sectors(geometry_path) if geometry_path is not None else None
    if control_path is not None:
        control = read_control(control_path, boundaries)
    else:
        assert as_of is not None
        control = control_from_events(
            joined,
            boundaries,
            as_of=as_of,
            window_days=control_window_days,
            assessments=assessments,
            **rules,
        )
    if not from_tables:
        assert as_of is not None
        result = assess_sieges(
            one,
            joined,
            control,
            as_of=as_of,
            window_days=window_days,
            radii_m=radii_m,
            sectors=sectors,
            thresholds=thresholds,
            defender=defender,
        )
        status, sector_rows, days = result.status.iloc[0], result.sectors, window_days
    raster = None if population.lower() == "none" else datasets.resolve(population)
    fig, _ = siege_map(
        one,
        sectors=sector_rows,
        status=status,
        events=joined if len(joined) else None,
        control=control,
        population=raster,
        boundaries=boundaries,
        neighbours=context.get("neighbours", False),
        radius_m=radius_m,
        as_of=as_of,
        window_days=days,
        title=title,
        sources=(
            "boundaries",
            "population",
            "places" if cities_path is None else f"Places: {Path(str(cities_path)).name}",
            "outlines",
            *assessments_credit_lines(assessments),
        ),
        width_in=width_in,
        dpi=dpi,
    )
    save_map(ctx, fig, output, dpi, f"siege map of {name} ({status['status']})")


def _read_sectors(path: Path) -> Any:
    from geofront.io import read_vector

    frame = read_vector(datasets.resolve(path), what="siege rings and sectors")
    check_frame(
        frame,
        what="rings file",
        source=path,
        columns=("city", "ring_index", "outer_m"),
        fix="give the file `geofront siege --geometry-out` wrote",
    )
    return frame
