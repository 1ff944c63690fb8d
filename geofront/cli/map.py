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
            "--dpi", type=click.FloatRange(min=10, max=1200), default=200.0, show_default=True
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
    province: str | None,
    bbox: tuple[float, float, float, float] | None,
    output: Path,
    dpi: float,
    title: str | None,
    width_in: float,
    **kwargs: Any,
) -> None:
    """Map districts by control status, frontlines and capitals (with their siege status
    when control is computed here).

    Control comes from --control FILE, or is computed as of --as-of from --events and/or
    --assessments (assessments alone are enough).

    Example: geofront map control --events seed-events --assessments seed-assessments
    --as-of 2021-07-07 --province Badghis -o badghis.png
    """
    from geofront.frontline import frontline_lines
    from geofront.maps import check_figure_path, control_map, select_province
    from geofront.maps.furniture import events_credit

    check_figure_path(output)
    computed = events is not None or kwargs.get("assessments") is not None
    if (control_path is None) == (not computed):
        raise click.UsageError(
            "give either --control FILE, or --events EVENTS and/or --assessments FILE "
            "with --as-of DATE"
        )
    if computed and as_of is None:
        raise click.UsageError("--events and --assessments need --as-of YYYY-MM-DD")
    context = _context(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    if province is not None:  # fail fast, before reading events
        select_province(boundaries.provinces, province)
    assessments = load_assessments_from_options(kwargs, boundaries)
    capitals = context.get("capitals")
    joined = None
    if control_path is not None:
        control = read_control(control_path, boundaries)
        stamp = as_of
    else:
        from geofront.control import control_from_events

        assert as_of is not None
        joined = _events(events, boundaries, ctx)
        control = control_from_events(
            joined,
            boundaries,
            as_of=as_of,
            window_days=window_days,
            assessments=assessments,
            **control_rules_from_options(kwargs),
        )
        stamp = as_of
        if capitals is not None:
            capitals = _with_siege_status(capitals, joined, control, as_of)
    lines = None if no_frontlines else frontline_lines(control)
    credits = ["boundaries", "outlines", "places", *events_credit(joined)]
    credits += _assessments_credit(assessments)
    fig, _ = control_map(
        control,
        boundaries=boundaries,
        frontlines=lines,
        capitals=capitals,
        neighbours=context.get("neighbours"),
        province=province,
        bbox=bbox,
        as_of=stamp,
        title=title,
        sources=credits,
        width_in=width_in,
        dpi=dpi,
    )
    _save(ctx, fig, output, dpi, "control map")


def _assessments_credit(assessments: Any) -> list[str]:
    """``Assessments: <file>`` when the map rests on assessments."""
    return [] if assessments is None else [f"Assessments: {assessments.source}"]


def _with_siege_status(capitals: Any, joined: Any, control: Any, as_of: pd.Timestamp) -> Any:
    from geofront.siege import siege_status

    try:
        st = siege_status(capitals, joined, control, as_of=as_of)
    except InputError as exc:
        warnings.warn(f"capitals drawn without siege status: {exc}", GeofrontWarning, stacklevel=2)
        return capitals
    return capitals.assign(status=st["status"].reindex(capitals.index).to_numpy())


@command.command("siege")
@click.argument("city")
@siege_events_option
@date_option("--as-of", "as_of", required=True, help="Judge the siege as of this day.")
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
    help="Outer radius of each ring.",
)
@click.option("--sectors", type=click.IntRange(min=1, max=72), default=16, show_default=True)
@click.option(
    "--cities",
    "cities_path",
    type=input_path,
    default=None,
    help="Cities file (default: bundled capitals).",
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
    help="Population raster for the backdrop; 'none' to leave it out.",
)
@control_rule_options
@_figure_options
@assessment_options
@boundary_options
@click.pass_context
def siege_cmd(
    ctx: click.Context,
    city: str,
    events: Path | None,
    as_of: pd.Timestamp,
    window_days: int,
    control_window_days: int,
    radii_m: tuple[float, ...],
    sectors: int,
    cities_path: Path | None,
    radius_m: float | None,
    population: str,
    output: Path,
    dpi: float,
    title: str | None,
    width_in: float,
    **kwargs: Any,
) -> None:
    """Map the siege of CITY: rings and sectors, events, control and population.

    --events may be left out when --assessments are given (control alone then decides).

    Example: geofront map siege Qala-i-Naw --events seed-events
    --assessments seed-assessments --as-of 2021-07-07 -o qala-i-naw.png
    """
    from geofront.control import control_from_events
    from geofront.maps import check_figure_path, siege_map
    from geofront.places import find_city, read_cities
    from geofront.siege import assess_sieges

    check_figure_path(output)
    require_evidence(events, kwargs, what="--events EVENTS")
    if radius_m is not None and not radius_m > 0:
        raise click.BadParameter("must be a positive distance, e.g. 60km", param_hint="--radius")
    context = _context(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    cities = read_cities(None if cities_path is None else datasets.resolve(cities_path))
    one = find_city(cities, city)
    joined = _events(events, boundaries, ctx)
    control = control_from_events(
        joined,
        boundaries,
        as_of=as_of,
        window_days=control_window_days,
        assessments=assessments,
        **control_rules_from_options(kwargs),
    )
    result = assess_sieges(
        one, joined, control, as_of=as_of, window_days=window_days, radii_m=radii_m, sectors=sectors
    )
    raster = None if population.lower() == "none" else datasets.resolve(population)
    fig, _ = siege_map(
        one,
        sectors=result.sectors,
        status=result.status.iloc[0],
        events=joined,
        control=control,
        population=raster,
        boundaries=boundaries,
        neighbours=context.get("neighbours"),
        radius_m=radius_m,
        as_of=as_of,
        window_days=window_days,
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
    _save(
        ctx,
        fig,
        output,
        dpi,
        f"siege map of {one['city'].iloc[0]} ({result.status['status'].iloc[0]})",
    )


@command.command("events")
@click.argument("events", type=input_path)
@date_option("--start", default=None, help="First day shown (default: first event).")
@date_option("--end", default=None, help="Last day shown (default: last event).")
@click.option(
    "--color-by",
    type=click.Choice(["event_type", "initiator", "side1", "side2"]),
    default="event_type",
    show_default=True,
    help="Colour events by type, by the side that initiated them (UCDP rows have no "
    "initiator on record), or by the side of actor 1 or 2.",
)
@click.option("--hexbin", is_flag=True, help="Add event density hexagons.")
@distance_option("--hex-size", "hex_size_m", default=None, help="Hexagon size, e.g. 20km.")
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
        neighbours=context.get("neighbours"),
        capitals=context.get("capitals"),
        color_by=color_by,
        hexbin=hexbin,
        hex_size_m=hex_size_m,
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
