"""``geofront exposure``: people per zone, control status, city ring, or near events/lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import pandas as pd

from geofront import datasets
from geofront.cli._common import progress_enabled, summary
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    date_option,
    distances_option,
    input_path,
    load_boundaries_from_options,
    output_path,
    radii_option,
)
from geofront.defaults import EVENT_RADIUS_M
from geofront.errors import SchemaError
from geofront.io import read_vector, write_table

_MODES = ("zones", "control", "city", "events", "near")


@click.command("exposure", cls=GeofrontCommand)
@click.option(
    "--zones",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Polygons to count people in (any vector file, any CRS).",
)
@click.option(
    "--zone-id",
    default=None,
    metavar="COL",
    help="With --zones: keep only this id column (default: every column).",
)
@click.option(
    "--control",
    type=input_path,
    default=None,
    metavar="FILE",
    help="A control table from `geofront control`: people per status.",
)
@click.option(
    "--city",
    default=None,
    metavar="NAME",
    help="A provincial capital (any spelling): people per ring around it.",
)
@radii_option
@click.option(
    "--events",
    type=input_path,
    default=None,
    metavar="EVENTS",
    help="Events file or bundled name: people within --radius of any event.",
)
@click.option(
    "--near",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Lines (e.g. a frontline) or any geometry: people within --radius.",
)
@distances_option(
    "--radius",
    "radius_m",
    default=f"{EVENT_RADIUS_M / 1000:g}km",
    show_default=True,
    help="With --events/--near: distance(s), e.g. 5km or 1km,2km,5km.",
)
@date_option("--start", default=None, help="With --events: first day of the window.")
@date_option("--end", default=None, help="With --events: last day of the window.")
@click.option(
    "--by",
    default=None,
    metavar="COL",
    help="With --events/--near/--control: a column to group by (e.g. province).",
)
@click.option(
    "--method",
    type=click.Choice(["grid", "exact"]),
    default="grid",
    show_default=True,
    help="With --events: fast grid or union of buffers.",
)
@click.option(
    "--population",
    type=input_path,
    default=None,
    metavar="RASTER",
    help="Raster of people per cell (default: bundled WorldPop 2020 1 km).",
)
@click.option(
    "--band",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Band of the population raster.",
)
@click.option(
    "-o",
    "--output",
    type=output_path,
    required=True,
    help="Output table (.csv, .parquet; .gpkg/.geojson keep geometry).",
)
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    zones: Path | None,
    zone_id: str | None,
    control: Path | None,
    city: str | None,
    radii_m: tuple[float, ...],
    events: Path | None,
    near: Path | None,
    radius_m: tuple[float, ...],
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    by: str | None,
    method: str,
    population: Path | None,
    band: int,
    output: Path,
    **kwargs: Any,
) -> None:
    """Count people from a population raster, exactly (partial cells) and without double counts.

    Give one of --zones, --control, --city, --events or --near. Examples:

    \b
      geofront exposure --zones districts.gpkg --zone-id district_id -o people.csv
      geofront exposure --control control.gpkg -o people_by_status.csv
      geofront exposure --city Qala-i-Naw --radii 5km,20km,50km -o rings.csv
      geofront exposure --events seed-events --radius 1km,5km --by province -o near.csv
      geofront exposure --near frontline.gpkg --radius 10km -o near_front.csv
    """
    from geofront import exposure as ex
    from geofront.control import read_control
    from geofront.crs import require_crs

    chosen = [m for m, v in zip(_MODES, (zones, control, city, events, near), strict=True) if v]
    if len(chosen) != 1:
        raise click.UsageError(
            "give exactly one of --zones, --control, --city, --events, --near"
            + (f" (got --{', --'.join(chosen)})" if chosen else "")
        )
    raster = None if population is None else datasets.resolve(population)
    progress = progress_enabled(ctx)
    opts: dict[str, Any] = {"band": band, "progress": progress}
    if zones is not None:
        frame = read_vector(datasets.resolve(zones), what="zones")
        require_crs(frame, f"zones file {zones}")
        kinds = frame.geometry.geom_type
        odd = ~kinds.isin(["Polygon", "MultiPolygon"]) & frame.geometry.notna()
        if odd.any():
            first = int(odd.to_numpy().nonzero()[0][0])
            raise SchemaError(
                f"zones file {zones}: feature {first} is a {kinds.iloc[first]}, not a polygon: "
                "give polygons (for points or lines, count people near them with --near)"
            )
        if zone_id is not None and zone_id not in frame.columns:
            raise SchemaError(
                f"zones file {zones} has no column {zone_id!r}: choose one of "
                f"{', '.join(c for c in frame.columns if c != frame.geometry.name)}"
            )
        if zone_id is not None:
            frame = frame[[zone_id, frame.geometry.name]]
        table = ex.population_by_zone(frame, raster, **opts)
        what = f"{len(table):,} zones"
    elif control is not None:
        table = ex.population_by_status(
            read_control(control, lambda: load_boundaries_from_options(kwargs)),
            raster,
            by=by,
            **opts,
        )
        what = f"{len(table):,} status rows"
    elif city is not None:
        from geofront.places import find_city, read_cities
        from geofront.siege import outskirt_rings

        found = find_city(read_cities(), city)
        rings = outskirt_rings(found, radii_m=radii_m, sectors=None)
        cols = ["city", "ring", "inner_m", "outer_m", "area_km2", rings.geometry.name]
        table = ex.population_by_zone(rings[cols], raster, **opts)
        what = f"{len(table):,} rings around {', '.join(found['city'].astype(str))}"
    elif events is not None:
        from geofront.join import load_joined_events

        joined = load_joined_events(
            datasets.resolve(events), load_boundaries_from_options(kwargs), progress=progress
        )
        table = ex.event_exposure(
            joined,
            raster,
            radius_m=radius_m,
            start=start,
            end=end,
            by=by,
            method="exact" if method == "exact" else "grid",
            **opts,
        )
        n_events = table.drop_duplicates(by)["n_events"].sum() if by else table["n_events"].max()
        what = f"{int(n_events):,} events"
    else:
        assert near is not None
        lines = read_vector(datasets.resolve(near), what="features")
        require_crs(lines, f"features file {near}")
        table = ex.population_near(lines, raster, distance_m=radius_m, by=by, **opts)
        what = f"{len(lines):,} features"
    write_table(_for_output(table, output), output)
    people = _headline(table, by if (events is not None or near is not None) else None)
    summary(ctx, f"exposure: {what}, {people} -> {output}")


def _for_output(table: pd.DataFrame, output: Path) -> pd.DataFrame:
    """Round people to whole people and coverage to 1e-6; drop geometry for CSV."""
    from geofront.exposure import round_people

    out = round_people(table)
    if isinstance(out, gpd.GeoDataFrame) and output.suffix.lower() == ".csv":
        return pd.DataFrame(out.drop(columns=[out.geometry.name]))
    return out


def _headline(table: pd.DataFrame, by: str | None) -> str:
    col = next((c for c in ("radius_m", "distance_m") if c in table.columns), None)
    if col is None:
        return f"{table['population'].sum():,.0f} people"
    top = table[table[col] == table[col].max()]
    where = f"within {table[col].max() / 1000:g} km"
    if by:
        return f"{len(top):,} groups by {by}, at most {top['population'].max():,.0f} people {where}"
    return f"{top['population'].sum():,.0f} people {where}"
