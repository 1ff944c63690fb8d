"""``geofront map control``: districts by control status, frontlines, capitals."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront import datasets
from geofront.cli._evidence import (
    assessment_options,
    load_assessments_from_options,
)
from geofront.cli.map._common import (
    assessments_credit_lines,
    context_layers,
    figure_options,
    joined_or_empty,
    read_status_table,
    roads_option,
    save_map,
    view_options,
)
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    control_rule_options,
    control_rules_from_options,
    control_window_option,
    date_option,
    input_path,
    load_boundaries_from_options,
    siege_threshold_options,
    siege_thresholds_from_options,
    siege_window_for_map_option,
)
from geofront.control import read_control
from geofront.errors import GeofrontWarning, InputError


@click.command("control", cls=GeofrontCommand)
@click.option(
    "--control",
    "control_path",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Control table written by `geofront control` (.gpkg, .parquet, .geojson, .csv).",
)
@click.option(
    "--events",
    type=input_path,
    default=None,
    metavar="EVENTS",
    help="Events (raw, joined or bundled name): control is computed as of --as-of.",
)
@date_option(
    "--as-of",
    "as_of",
    default=None,
    help="Day of the control (needed with --events or --assessments).",
)
@control_window_option
@control_rule_options
@click.option("--no-frontlines", is_flag=True, help="Do not draw frontlines.")
@click.option(
    "--sieges",
    "sieges_path",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Siege status table written by `geofront siege` (.csv or .parquet): the capitals "
    "are drawn with its statuses instead of statuses computed here.",
)
@siege_window_for_map_option
@siege_threshold_options
@click.option(
    "--graded/--statuses",
    "graded",
    default=None,
    help="Colour districts by Kalyvas's five zones (graded control) or by the four "
    "statuses. Default: graded when the table has zones.",
)
@roads_option
@view_options
@figure_options
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    control_path: Path | None,
    events: Path | None,
    as_of: pd.Timestamp | None,
    window_days: int,
    no_frontlines: bool,
    sieges_path: Path | None,
    siege_window_days: int,
    graded: bool | None,
    roads_path: Path | None,
    province: str | None,
    bbox: tuple[float, float, float, float] | None,
    output: Path,
    dpi: float,
    title: str | None,
    width_in: float,
    **kwargs: Any,
) -> None:
    """Map districts by control status, frontlines and capitals with their siege status.

    Control comes from --control FILE (the table `geofront control` wrote: the map shows
    exactly its answer, dated by its as_of), or is computed as of --as-of from --events
    and/or --assessments with the same options as `geofront control`. The capitals'
    statuses come from --sieges FILE (the table `geofront siege` wrote) or are judged
    here from the events with the options of `geofront siege`. With --control FILE,
    --events only adds the capitals' statuses and the events' credit. Contested districts
    are hatched; districts only the baseline assumes are pale.

    Example: geofront map control --events seed-events --assessments seed-assessments
    --as-of 2021-07-07 --province Badghis -o badghis.png
    """
    from geofront.frontline import frontline_lines
    from geofront.maps import check_figure_path, control_map, select_province
    from geofront.maps.control_maps import table_as_of
    from geofront.maps.furniture import events_credit

    check_figure_path(output)
    if control_path is not None and kwargs.get("assessments") is not None:
        raise click.UsageError(
            "--assessments decide a control computed here: give them to `geofront control` "
            "and map its table with --control FILE, or leave --control out"
        )
    if control_path is None and events is None and kwargs.get("assessments") is None:
        raise click.UsageError(
            "give either --control FILE, or --events EVENTS and/or --assessments FILE "
            "with --as-of DATE"
        )
    if control_path is None and as_of is None:
        raise click.UsageError("--events and --assessments need --as-of YYYY-MM-DD")
    thresholds = siege_thresholds_from_options(kwargs)
    rules = control_rules_from_options(kwargs)
    context = context_layers(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    if province is not None:  # fail fast, before reading events
        select_province(boundaries.provinces, province)
    assessments = load_assessments_from_options(kwargs, boundaries)
    capitals = context.get("capitals")
    roads = _read_roads(roads_path)
    joined = (
        None
        if events is None and control_path is not None
        else joined_or_empty(events, boundaries, ctx)
    )
    if control_path is not None:
        control = read_control(control_path, boundaries)
        stamp = as_of if as_of is not None else table_as_of(control)
    else:
        from geofront.control import control_from_events

        assert as_of is not None
        control = control_from_events(
            joined,
            boundaries,
            as_of=as_of,
            window_days=window_days,
            assessments=assessments,
            **rules,
        )
        stamp = as_of
    if capitals is not None and sieges_path is not None:
        capitals = _with_status_table(capitals, sieges_path)
    elif capitals is not None and joined is not None and stamp is not None:
        capitals = _with_siege_status(
            capitals, joined, control, pd.Timestamp(stamp), siege_window_days, thresholds
        )
    lines = None if no_frontlines else frontline_lines(control)
    credits = ["boundaries", "outlines", "places", *events_credit(joined)]
    credits += assessments_credit_lines(assessments)
    fig, _ = control_map(
        control,
        boundaries=boundaries,
        frontlines=lines,
        capitals=capitals if capitals is not None else False,
        neighbours=context.get("neighbours", False),
        airports=context.get("airports", False),
        roads=roads,
        province=province,
        bbox=bbox,
        as_of=stamp,
        title=title,
        sources=credits,
        graded=graded,
        width_in=width_in,
        dpi=dpi,
    )
    save_map(ctx, fig, output, dpi, "control map")


def _with_siege_status(
    capitals: Any,
    joined: Any,
    control: Any,
    as_of: pd.Timestamp,
    window_days: int,
    thresholds: Any,
) -> Any:
    from geofront.siege import assess_sieges

    try:
        st = assess_sieges(
            capitals, joined, control, as_of=as_of, window_days=window_days, thresholds=thresholds
        ).status
    except InputError as exc:
        warnings.warn(f"capitals drawn without siege status: {exc}", GeofrontWarning, stacklevel=2)
        return capitals
    return capitals.assign(status=st["status"].reindex(capitals.index).to_numpy())


def _with_status_table(capitals: Any, path: Path) -> Any:
    table = read_status_table(path).drop_duplicates("city").set_index("city")["status"]
    return capitals.assign(status=capitals["city"].map(table).to_numpy())


def _read_roads(path: Path | None) -> Any:
    """Road lines of --roads FILE, credited by file name."""
    if path is None:
        return None
    from geofront.io import read_vector

    roads = read_vector(datasets.resolve(path), what="roads")
    roads.attrs["credit"] = f"Roads: {Path(str(path)).name}"
    return roads
