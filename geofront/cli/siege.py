"""``geofront siege``: siege status of cities (rings and sectors around them) as of a date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront.cli._common import progress_enabled, summary
from geofront.cli._evidence import (
    assessment_options,
    events_or_empty,
    load_assessments_from_options,
    require_evidence,
)
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    control_rule_options,
    control_rules_from_options,
    control_window_for_siege_option,
    date_option,
    defender_option,
    events_format_option,
    input_path,
    load_boundaries_from_options,
    output_path,
    radii_option,
    sectors_option,
    siege_events_option,
    siege_threshold_options,
    siege_thresholds_from_options,
    siege_window_option,
)
from geofront.errors import InputError
from geofront.io import write_table


@click.command("siege", cls=GeofrontCommand)
@click.argument("cities", nargs=-1, metavar="[CITY]...")
@click.option("--all", "all_cities", is_flag=True, help="Judge every city of the cities file.")
@siege_events_option
@date_option("--as-of", "as_of", required=True, help="Judge the cities as of this day.")
@siege_window_option
@control_window_for_siege_option
@radii_option
@sectors_option
@defender_option
@click.option(
    "--cities",
    "cities_file",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Cities (CSV with lat/lon, or a point file). Default: the 34 provincial capitals.",
)
@click.option("--city-name", default=None, help="Column of --cities with the city name.")
@click.option(
    "-o",
    "--output",
    type=output_path,
    required=True,
    help="Status table, one row per city (.csv or .parquet).",
)
@click.option(
    "--geometry-out",
    type=output_path,
    default=None,
    help="Rings and sectors with their metrics (.gpkg, .geojson, .parquet).",
)
@events_format_option
@siege_threshold_options
@control_rule_options
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    cities: tuple[str, ...],
    all_cities: bool,
    events: Path | None,
    as_of: pd.Timestamp,
    window_days: int,
    control_window_days: int,
    radii_m: tuple[float, ...],
    sectors: int,
    defender: str,
    cities_file: Path | None,
    city_name: str | None,
    output: Path,
    geometry_out: Path | None,
    fmt: str,
    **kwargs: Any,
) -> None:
    """Judge the siege status of CITY... (or --all) as of a date.

    Around each city, rings (default core 0-5 km, outskirts 5-20 km, approaches 20-50 km)
    split into sectors numbered clockwise from north (sector 0 centred on north) are
    drawn in true metres. Events in the window and district control (from the events
    and any --assessments) give each city a status: fallen, under assault, besieged,
    threatened, secure or no evidence, with its evidence. Only ground fighting counts
    at the gates, and a city that always sees fighting needs a surge against its own
    history (see geofront.siege). With --assessments alone (no --events) the status
    rests on who holds the city's district and the districts around it. Example:

        geofront siege --all --events seed-events --assessments seed-assessments
        --as-of 2021-07-07 -o sieges.csv
    """
    from geofront.control import control_from_events
    from geofront.places import find_city, read_cities
    from geofront.siege import assess_sieges, check_ring_options

    if bool(cities) == all_cities:
        raise click.UsageError("name one or more cities, or give --all (not both)")
    require_evidence(events, kwargs, what="--events EVENTS")
    if output.suffix.lower() not in (".csv", ".parquet"):
        raise click.BadParameter("use a .csv or .parquet file", param_hint="-o/--output")
    if geometry_out is not None and geometry_out.suffix.lower() not in (
        ".gpkg",
        ".geojson",
        ".json",
        ".parquet",
        ".shp",
    ):
        raise click.BadParameter(
            "use a .gpkg, .geojson, .parquet or .shp file", param_hint="--geometry-out"
        )
    thresholds = siege_thresholds_from_options(kwargs)
    check_ring_options(radii_m, sectors=sectors, thresholds=thresholds)  # fail fast
    rule_kw = control_rules_from_options(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    towns = read_cities(cities_file, name_column=city_name, boundaries=boundaries)
    if cities:
        towns = find_city(towns, cities)
    assessments = load_assessments_from_options(kwargs, boundaries)
    joined = events_or_empty(events, boundaries, ctx, fmt=fmt)
    if len(joined) == 0 and assessments is None:
        raise InputError(
            "events table is empty and no --assessments were given: there is nothing to judge "
            "the cities on (a file whose rows were all rejected gives no events: check its "
            "rejected rows)"
        )
    control = control_from_events(
        joined,
        boundaries,
        as_of=as_of,
        window_days=control_window_days,
        assessments=assessments,
        **rule_kw,
    )
    result = assess_sieges(
        towns,
        joined,
        control,
        as_of=as_of,
        window_days=window_days,
        radii_m=radii_m,
        sectors=sectors,
        thresholds=thresholds,
        defender=defender,
        progress=progress_enabled(ctx),
    )
    status = rounded(result.status.reset_index(drop=True))
    if geometry_out is not None:
        sectors_out = rounded(result.sectors.drop(columns="city_index"))
        sectors_out["sector"] = sectors_out["sector"].astype("int64")
        write_table(sectors_out, geometry_out, layer="sectors")
    write_table(status, output)
    summary(ctx, summary_line(status, as_of))


def rounded(frame: Any) -> Any:
    """Shares to 4 decimals, metres and degrees to 0.01: stable, readable files."""
    out = frame.copy()
    for col in out.columns:
        if "share" in col or col == "encirclement_index":
            out[col] = out[col].round(4)
        elif col.endswith(("_m", "_deg", "_km2")) or col.startswith("bearing_"):
            out[col] = out[col].round(2)
    return out


def summary_line(status: pd.DataFrame, as_of: pd.Timestamp) -> str:
    """``34 cities as of 2021-07-07: under assault 1 (Qala-i-Naw), ..., secure 33``."""
    from geofront.siege import SIEGE_STATUSES

    parts = []
    for s in SIEGE_STATUSES:
        names = status.loc[status["status"] == s, "city"].tolist()
        if not names:
            continue
        shown = f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})"
        parts.append(f"{s} {len(names)}" + (shown if s != "secure" else ""))
    return f"{len(status)} cities as of {as_of.date()}: " + "; ".join(parts)
