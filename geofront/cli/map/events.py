"""``geofront map events``: events as points by type or side, optionally a hexbin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront.cli.map._common import (
    context_layers,
    figure_options,
    joined_or_empty,
    save_map,
    view_options,
)
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    date_option,
    distance_option,
    input_path,
    load_boundaries_from_options,
)
from geofront.errors import InputError


@click.command("events", cls=GeofrontCommand)
@click.argument("events", type=input_path)
@date_option("--start", default=None, help="First day shown (default: first event).")
@date_option("--end", default=None, help="Last day shown (default: last event).")
@click.option(
    "--color-by",
    type=click.Choice(["event_type", "initiator", "side1", "side2"]),
    default="event_type",
    show_default=True,
    help="Colour events by type (ACLED's types; UCDP's shown as ACLED's when both are "
    "present), by the side that initiated them (UCDP rows have no initiator on record), "
    "or by the side of actor 1 or 2.",
)
@click.option(
    "--hexbin",
    is_flag=True,
    help="Add event density hexagons (alone above 5,000 events), coloured by classes.",
)
@distance_option("--hex-size", "hex_size_m", default=None, help="Hexagon size, e.g. 20km.")
@click.option(
    "--hex-classes",
    type=click.Choice(["log", "quantile"]),
    default="log",
    show_default=True,
    help="Colour classes of the hexagon counts: 1-2-5 steps (log) or equal shares of the "
    "hexagons (quantile); one dense city never washes the rest out.",
)
@view_options
@figure_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    events: Path,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    color_by: str,
    hexbin: bool,
    hex_size_m: float | None,
    hex_classes: str,
    province: str | None,
    bbox: tuple[float, float, float, float] | None,
    output: Path,
    dpi: float,
    title: str | None,
    width_in: float,
    **kwargs: Any,
) -> None:
    """Map EVENTS as points by type or side (optionally a hexbin density).

    Example: geofront map events ucdp-ged-sample --hexbin -o events.png
    """
    from geofront.maps import check_figure_path, events_map, select_province

    check_figure_path(output)
    context = context_layers(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    if province is not None:  # fail fast, before reading events
        select_province(boundaries.provinces, province)
    joined = joined_or_empty(events, boundaries, ctx)
    dates = pd.to_datetime(joined["date"])
    keep = pd.Series(True, index=joined.index)
    if start is not None:
        keep &= dates >= start
    if end is not None:
        keep &= dates <= end
    shown = joined[keep.to_numpy()]
    if len(shown) == 0:
        raise InputError(
            f"no events between {start or 'the start'} and {end or 'the end'} in {events}: widen --start/--end"
        )
    fig, _ = events_map(
        shown,
        boundaries=boundaries,
        neighbours=context.get("neighbours", False),
        capitals=context.get("capitals", False),
        color_by=color_by,
        hexbin=hexbin,
        hex_size_m=hex_size_m,
        hex_classes=hex_classes,
        province=province,
        bbox=bbox,
        start=start,
        end=end,
        title=title,
        width_in=width_in,
        dpi=dpi,
    )
    save_map(ctx, fig, output, dpi, f"events map ({len(shown)} events)")
