"""``geofront map timeline``: districts per control status over time."""

from __future__ import annotations

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
    figure_options,
    joined_or_empty,
    save_map,
)
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    control_rule_options,
    control_rules_from_options,
    control_window_option,
    date_option,
    every_option,
    input_name,
    input_path,
    load_boundaries_from_options,
)
from geofront.errors import InputError
from geofront.validate import check_frame


@click.command("timeline", cls=GeofrontCommand)
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
@every_option
@control_window_option
@control_rule_options
@click.option(
    "--measure",
    type=click.Choice(["districts", "area_km2", "people"]),
    default="districts",
    show_default=True,
    help="What to chart per status: districts, area (km², equal-area) or people (from "
    "--population, or the people column of a --timeline table).",
)
@click.option(
    "--population",
    type=input_name,
    default=None,
    metavar="RASTER",
    help="People-per-cell raster (path or bundled name, e.g. afg-population) for "
    "--measure people with --events/--assessments. Default: afg-population with the "
    "bundled boundaries.",
)
@figure_options
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    timeline_path: Path | None,
    events: Path | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    every_days: int,
    window_days: int,
    measure: str,
    population: str | None,
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
        if population is not None:
            raise click.UsageError("--population counts people with --events/--assessments")
        table = _read_table(timeline_path, measure)
    else:
        table, lengths, sources = _timeline_from_events(
            ctx, events, start, end, every_days, window_days, kwargs, measure, population
        )
    fig, _ = timeline_figure(
        table,
        frontline_length=lengths,
        title=title,
        sources=sources,
        measure=measure,
        width_in=max(width_in, 6.0) * 0.9,
    )
    save_map(ctx, fig, output, dpi, f"timeline ({table['date'].nunique()} dates)")


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
    check_frame(
        table,
        what="timeline file",
        source=src,
        columns=("date", "status", measure),
        fix="give a table written by geofront timeline (with --measure one of its columns)",
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
    measure: str = "districts",
    population: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    from geofront.cli.timeline import timeline_dates
    from geofront.control import control_series
    from geofront.credits import events_credit
    from geofront.frontline import frontline_lines
    from geofront.maps.view import drawn_credits, is_bundled
    from geofront.schema import CONTROL_STATUSES

    days = timeline_dates(None, start, end, every_days)
    rule_kw = control_rules_from_options(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    joined = joined_or_empty(events, boundaries, ctx)
    series = control_series(  # the rules run once for all the dates
        joined,
        boundaries,
        dates=days,
        window_days=window_days,
        assessments=assessments,
        **rule_kw,
    )
    rows, lengths = [], []
    for day in series.dates:
        control = series.table(day)
        counts = control["status"].value_counts()
        rows += [(day, s, int(counts.get(s, 0))) for s in CONTROL_STATUSES]
        lines = frontline_lines(control, by="class")
        front = lines[lines["frontline_class"] == "government-insurgent"]["length_km"].sum()
        lengths.append((day, float(front)))
    table = pd.DataFrame(rows, columns=["date", "status", "districts"])
    people_credit: list[str] = []
    if measure != "districts":
        from geofront.control import timeline_from_history

        if measure == "people" and population is None:
            if not is_bundled(boundaries):
                raise click.UsageError(
                    "--measure people needs --population RASTER with your own boundaries"
                )
            population = "afg-population"
        people = population if measure == "people" else None
        table = timeline_from_history(series.history(), boundaries, population=people)
        if people is not None:
            people_credit = drawn_credits(["population"], population=datasets.resolve(people))
    return (
        table,
        pd.DataFrame(lengths, columns=["date", "length_km"]),
        drawn_credits(["boundaries"], boundaries=boundaries)
        + people_credit
        + events_credit(joined)
        + assessments_credit_lines(assessments),
    )
