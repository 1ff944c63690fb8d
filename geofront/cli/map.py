"""``geofront map``: print-ready maps (PNG, SVG or PDF by the output's extension).

Subcommands ``control``, ``siege``, ``events`` and ``timeline``: each reads its inputs,
computes what the figure needs with the library functions (control, frontlines, sieges),
draws it with :mod:`geofront.maps` and writes it atomically.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront import datasets
from geofront.cli.control import (
    assessment_options,
    events_or_empty,
    load_assessments_from_options,
    require_evidence,
)
from geofront.cli.main import summary
from geofront.cli.options import (
    GeofrontGroup,
    boundary_options,
    control_rule_options,
    control_rules_from_options,
    control_window_option,
    date_option,
    days_option,
    distance_option,
    distances_option,
    input_name,
    input_path,
    load_boundaries_from_options,
    output_path,
    siege_events_option,
    siege_threshold_options,
    siege_thresholds_from_options,
    siege_window_option,
)
from geofront.control import DEFAULT_WINDOW_DAYS, read_control
from geofront.errors import GeofrontWarning, InputError


def _bbox_cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    try:
        parts = tuple(float(v) for v in str(value).split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        raise click.BadParameter(f"{value!r} is not W,S,E,N: write e.g. 62.5,34.5,64.5,36")
    return parts


def _figure_options(f: Any) -> Any:
    opts = (
        click.option(
            "-o", "--output", type=output_path, required=True, help="Map file: .png, .svg or .pdf."
        ),
        click.option(
            "--dpi",
            type=click.FloatRange(min=10, max=1200),
            default=200.0,
            show_default=True,
            help="Resolution in dots per inch: pixels of a PNG (width x dpi); SVG and PDF "
            "are vector, geometry is simplified to half a pixel at this resolution.",
        ),
        click.option("--title", default=None, help="Title (default: made from the view)."),
        click.option(
            "--width",
            "width_in",
            type=click.FloatRange(min=4, max=40),
            default=10.0,
            show_default=True,
            help="Figure width in inches.",
        ),
    )
    for opt in reversed(opts):
        f = opt(f)
    return f


def _view_options(f: Any) -> Any:
    opts = (
        click.option("--province", default=None, help="Zoom on one province (name or id)."),
        click.option(
            "--bbox",
            callback=_bbox_cb,
            default=None,
            metavar="W,S,E,N",
            help="Zoom on a box in degrees.",
        ),
    )
    for opt in reversed(opts):
        f = opt(f)
    return f


def _roads_option(f: Any) -> Any:
    return click.option(
        "--roads",
        "roads_path",
        type=input_path,
        default=None,
        metavar="FILE",
        help="Main roads (lines: .gpkg, .geojson, .shp, .parquet) drawn as context and "
        "credited by file name (no roads are bundled).",
    )(f)


siege_window_option_for_map = days_option(
    "--siege-window",
    "siege_window_days",
    default="14d",
    show_default=True,
    help="Events in this many days up to the date count for the capitals' siege status.",
)


def _context(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Bundled neighbours and capitals, when the boundaries are the bundled ones."""
    from geofront.maps import bundled_context

    return bundled_context() if kwargs.get("boundaries") is None else {}


def _events(path: Path | None, boundaries: Any, ctx: click.Context) -> Any:
    """Joined events of ``path``; an empty table when only assessments are given."""
    return events_or_empty(path, boundaries, ctx)


def _save(ctx: click.Context, fig: Any, output: Path, dpi: float, what: str) -> None:
    from geofront.maps import save_figure

    save_figure(fig, output, dpi=dpi)
    w, h = fig.get_size_inches()
    summary(ctx, f"{what}: wrote {output} ({int(round(w * dpi))} x {int(round(h * dpi))} px)")


@click.group("map", cls=GeofrontGroup)
def command() -> None:
    """Draw print-ready maps: control, siege, events, timeline (PNG, SVG or PDF)."""


@command.command("control")
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
@siege_window_option_for_map
@siege_threshold_options
@click.option(
    "--graded/--statuses",
    "graded",
    default=None,
    help="Colour districts by Kalyvas's five zones (graded control) or by the four "
    "statuses. Default: graded when the table has zones.",
)
@_roads_option
@_view_options
@_figure_options
@assessment_options
@boundary_options
@click.pass_context
def control_cmd(
    ctx: click.Context,
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
    context = _context(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    if province is not None:  # fail fast, before reading events
        select_province(boundaries.provinces, province)
    assessments = load_assessments_from_options(kwargs, boundaries)
    capitals = context.get("capitals")
    roads = _read_roads(roads_path)
    joined = (
        None if events is None and control_path is not None else _events(events, boundaries, ctx)
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
    credits += _assessments_credit(assessments)
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
    _save(ctx, fig, output, dpi, "control map")


def _assessments_credit(assessments: Any) -> list[str]:
    """The assessments' credit (their source) when the map rests on assessments."""
    from geofront.credits import assessments_credit

    return [] if assessments is None else [assessments_credit(assessments)]


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


def _read_status_table(path: Path) -> pd.DataFrame:
    """A siege status table written by `geofront siege` (.csv or .parquet)."""
    from geofront.io import check_input_file

    src = check_input_file(datasets.resolve(path), "siege status table")
    try:
        table = pd.read_parquet(src) if src.suffix.lower() == ".parquet" else pd.read_csv(src)
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot read siege table {src}: {str(exc).splitlines()[0]}") from exc
    missing = [c for c in ("city", "status") if c not in table.columns]
    if missing:
        raise InputError(
            f"siege table {src} lacks column(s) {', '.join(missing)}: give the table "
            "`geofront siege -o` wrote"
        )
    return table


def _with_status_table(capitals: Any, path: Path) -> Any:
    table = _read_status_table(path).drop_duplicates("city").set_index("city")["status"]
    return capitals.assign(status=capitals["city"].map(table).to_numpy())


def _read_roads(path: Path | None) -> Any:
    """Road lines of --roads FILE, credited by file name."""
    if path is None:
        return None
    from geofront.io import read_vector

    roads = read_vector(datasets.resolve(path), what="roads")
    roads.attrs["credit"] = f"Roads: {Path(str(path)).name}"
    return roads


@command.command("siege")
@click.argument("city")
@siege_events_option
@date_option(
    "--as-of", "as_of", default=None, help="Judge the siege as of this day (default: --sieges')."
)
@siege_window_option
@days_option(
    "--control-window",
    "control_window_days",
    default=f"{DEFAULT_WINDOW_DAYS}d",
    show_default=True,
    help="Window of the control rules.",
)
@distances_option(
    "--radii",
    "radii_m",
    default="5km,20km,50km",
    show_default=True,
    help="Outer radius of each ring: core, outskirts, approaches.",
)
@click.option(
    "--sectors",
    type=click.IntRange(min=1, max=72),
    default=16,
    show_default=True,
    help="Sectors per ring (sector 0 centred on north, numbered clockwise).",
)
@click.option(
    "--defender",
    type=click.Choice(["government", "insurgent"]),
    default="government",
    show_default=True,
    help="Side defending the city (as for `geofront siege`).",
)
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
@_figure_options
@assessment_options
@boundary_options
@click.pass_context
def siege_cmd(
    ctx: click.Context,
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
    context = _context(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    cities = read_cities(None if cities_path is None else datasets.resolve(cities_path))
    one = find_city(cities, city)
    name = str(one["city"].iloc[0])
    joined = _events(events, boundaries, ctx)
    if from_tables:
        assert sieges_path is not None
        table = _read_status_table(sieges_path)
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
            *_assessments_credit(assessments),
        ),
        width_in=width_in,
        dpi=dpi,
    )
    _save(ctx, fig, output, dpi, f"siege map of {name} ({status['status']})")


def _read_sectors(path: Path) -> Any:
    from geofront.io import read_vector

    frame = read_vector(datasets.resolve(path), what="siege rings and sectors")
    missing = [c for c in ("city", "ring_index", "outer_m") if c not in frame.columns]
    if missing:
        raise InputError(
            f"rings file {path} lacks column(s) {', '.join(missing)}: give the file "
            "`geofront siege --geometry-out` wrote"
        )
    return frame


@command.command("events")
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
@_view_options
@_figure_options
@boundary_options
@click.pass_context
def events_cmd(
    ctx: click.Context,
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
    context = _context(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    if province is not None:  # fail fast, before reading events
        select_province(boundaries.provinces, province)
    joined = _events(events, boundaries, ctx)
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
    _save(ctx, fig, output, dpi, f"events map ({len(shown)} events)")


@command.command("timeline")
@click.option(
    "--timeline",
    "timeline_path",
    type=input_path,
    default=None,
    metavar="FILE",
    help="Table written by `geofront timeline` (.csv or .parquet).",
)
@click.option(
    "--events",
    type=input_path,
    default=None,
    metavar="EVENTS",
    help="Events: control and frontline length are computed for each date (with or "
    "instead of --assessments).",
)
@date_option("--start", default=None, help="First day (with --events or --assessments).")
@date_option("--end", default=None, help="Last day (with --events or --assessments).")
@days_option("--every", "every_days", default="7d", show_default=True, help="Step of the series.")
@control_window_option
@control_rule_options
@click.option(
    "--measure",
    type=click.Choice(["districts", "area_km2", "people"]),
    default="districts",
    show_default=True,
)
@_figure_options
@assessment_options
@boundary_options
@click.pass_context
def timeline_cmd(
    ctx: click.Context,
    timeline_path: Path | None,
    events: Path | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    every_days: int,
    window_days: int,
    measure: str,
    output: Path,
    dpi: float,
    title: str | None,
    width_in: float,
    **kwargs: Any,
) -> None:
    """Chart districts per control status over time (and frontline length when computed).

    The series comes from --timeline FILE, or is computed for each date from --events
    and/or --assessments (assessments alone are enough).

    Example: geofront map timeline --events seed-events --assessments seed-assessments
    --start 2021-07-01 --end 2021-07-07 --every 1d -o timeline.png
    """
    from geofront.maps import check_figure_path, timeline_figure

    check_figure_path(output)
    computed = events is not None or kwargs.get("assessments") is not None
    if (timeline_path is None) == (not computed):
        raise click.UsageError(
            "give either --timeline FILE, or --events EVENTS and/or --assessments FILE "
            "with --start and --end"
        )
    lengths = None
    sources: list[str] = ["boundaries"]
    if timeline_path is not None:
        table = _read_table(timeline_path, measure)
    else:
        table, lengths, sources = _timeline_from_events(
            ctx, events, start, end, every_days, window_days, kwargs
        )
    fig, _ = timeline_figure(
        table,
        frontline_length=lengths,
        title=title,
        sources=sources,
        measure=measure,
        width_in=max(width_in, 6.0) * 0.9,
    )
    _save(ctx, fig, output, dpi, f"timeline ({table['date'].nunique()} dates)")


def _read_table(path: Path, measure: str = "districts") -> pd.DataFrame:
    """A timeline table written by `geofront timeline`, checked row by row (one line)."""
    from geofront.errors import DataFileError, SchemaError
    from geofront.files import check_content, csv_header
    from geofront.io import check_input_file
    from geofront.schema import CONTROL_STATUSES

    src = check_input_file(datasets.resolve(path), "timeline")
    try:
        if src.suffix.lower() == ".parquet":
            check_content(src, what="timeline")
            table = pd.read_parquet(src)
        else:
            csv_header(src, what="timeline")
            table = pd.read_csv(src)
    except (ValueError, OSError) as exc:
        if isinstance(exc, DataFileError):
            raise
        msg = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"cannot read timeline file {src}: {msg}") from exc
    missing = [c for c in ("date", "status", measure) if c not in table.columns]
    if missing:
        raise SchemaError(
            f"timeline file {src} lacks column(s) {', '.join(missing)}: give a table written "
            "by geofront timeline (with --measure one of its columns)"
        )
    dates = pd.to_datetime(table["date"], errors="coerce", format="ISO8601")
    values = pd.to_numeric(table[measure], errors="coerce")
    for bad, what in (
        (dates.isna(), "date is not a date (YYYY-MM-DD)"),
        (
            ~table["status"].isin(CONTROL_STATUSES),
            f"status is not one of {', '.join(CONTROL_STATUSES)}",
        ),
        (values.isna() | (values < 0), f"{measure} is not a number >= 0"),
    ):
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise SchemaError(
                f"timeline file {src}, row {row + 1}: {what} (found "
                f"{table.iloc[row][what.split()[0]]!r}); fix it or write the table again"
            )
    return table.assign(date=dates, **{measure: values})


def _timeline_from_events(
    ctx: click.Context,
    events: Path | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    every_days: int,
    window_days: int,
    kwargs: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    from geofront.cli.timeline import timeline_dates
    from geofront.control import control_from_events
    from geofront.frontline import frontline_lines
    from geofront.maps.furniture import events_credit
    from geofront.maps.view import drawn_credits
    from geofront.schema import CONTROL_STATUSES

    days = timeline_dates(None, start, end, every_days)
    rule_kw = control_rules_from_options(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    joined = _events(events, boundaries, ctx)
    rows, lengths = [], []
    for day in days:
        control = control_from_events(
            joined,
            boundaries,
            as_of=day,
            window_days=window_days,
            assessments=assessments,
            **rule_kw,
        )
        counts = control["status"].value_counts()
        rows += [(day, s, int(counts.get(s, 0))) for s in CONTROL_STATUSES]
        lines = frontline_lines(control, by="class")
        front = lines[lines["frontline_class"] == "government-insurgent"]["length_km"].sum()
        lengths.append((day, float(front)))
    return (
        pd.DataFrame(rows, columns=["date", "status", "districts"]),
        pd.DataFrame(lengths, columns=["date", "length_km"]),
        drawn_credits(["boundaries"], boundaries=boundaries)
        + events_credit(joined)
        + _assessments_credit(assessments),
    )
